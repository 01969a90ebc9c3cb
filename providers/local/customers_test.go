package local_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

func TestCustomerLifecycle(t *testing.T) {
	e := newEnv(t)
	md := map[string]string{"plan": "pro", "ref": "ad"}
	cus, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "jane@example.com", Name: "Jane Doe", Phone: "+1234567890", Metadata: md})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cus.ID, "cus_") || len(cus.ID) != len("cus_")+20 {
		t.Errorf("ID = %q, want cus_ and 20 characters", cus.ID)
	}
	if cus.UpdatedAt != nil || cus.CreatedAt.IsZero() || cus.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt %v UpdatedAt %v, want a UTC creation time and no update", cus.CreatedAt, cus.UpdatedAt)
	}

	// Metadata is copied in and out: the caller's maps are not the state.
	md["plan"] = "changed"
	cus.Metadata["ref"] = "changed"
	got, err := e.client.Customers.Retrieve(e.ctx, cus.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Metadata["plan"] != "pro" || got.Metadata["ref"] != "ad" {
		t.Errorf("stored metadata = %v, changed through a caller's map", got.Metadata)
	}

	upd, err := e.client.Customers.Update(e.ctx, cus.ID, &paykit.UpdateCustomerParams{
		Name: paykit.String("Jane Smith"), Metadata: map[string]string{"ref": "", "tier": "gold"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Name != "Jane Smith" || upd.Email != "jane@example.com" || upd.Phone != "+1234567890" {
		t.Errorf("Update = %+v, want only the name changed", upd)
	}
	if want := map[string]string{"plan": "pro", "tier": "gold"}; !mapsEqual(upd.Metadata, want) {
		t.Errorf("metadata = %v, want %v (merged, empty value removes)", upd.Metadata, want)
	}
	if upd.UpdatedAt == nil {
		t.Error("UpdatedAt not set by Update")
	}

	if err := e.client.Customers.Delete(e.ctx, cus.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Customers.Retrieve(e.ctx, cus.ID)
	wantErr(t, err, paykit.ErrNotFound, "id")
	wantErr(t, e.client.Customers.Delete(e.ctx, cus.ID), paykit.ErrNotFound, "id")
	_, err = e.client.Customers.Update(e.ctx, cus.ID, &paykit.UpdateCustomerParams{Name: paykit.String("x")})
	wantErr(t, err, paykit.ErrNotFound, "id")

	want := []paykit.EventType{paykit.EventCustomerCreated, paykit.EventCustomerUpdated, paykit.EventCustomerDeleted}
	if got := e.eventTypes(t); !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestDeleteCustomerCancelsSubscriptions(t *testing.T) {
	e := newEnv(t)
	cus := e.customer(t)
	sub := e.subscription(t, paykit.CustomerID(cus.ID), "price_pro")
	if err := e.client.Customers.Delete(e.ctx, cus.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != paykit.SubscriptionCanceled || got.CanceledAt == nil {
		t.Errorf("subscription of a deleted customer: %s, canceled at %v", got.Status, got.CanceledAt)
	}
	types := e.eventTypes(t)
	if n := len(types); n < 2 || types[n-2] != paykit.EventSubscriptionCanceled || types[n-1] != paykit.EventCustomerDeleted {
		t.Errorf("events end with %v, want subscription.canceled, customer.deleted", types)
	}
}

func TestRetrieveUnknownIDs(t *testing.T) {
	e := newEnv(t)
	p := e.sim
	ctx := e.ctx
	for name, call := range map[string]func() (any, error){
		"customer":     func() (any, error) { return p.RetrieveCustomer(ctx, "cus_missing", nil) },
		"checkout":     func() (any, error) { return p.RetrieveCheckout(ctx, "cs_missing", nil) },
		"subscription": func() (any, error) { return p.RetrieveSubscription(ctx, "sub_missing", nil) },
		"payment":      func() (any, error) { return p.RetrievePayment(ctx, "pay_missing", nil) },
		"refund":       func() (any, error) { return p.RetrieveRefund(ctx, "re_missing", nil) },
		"invoice":      func() (any, error) { return p.RetrieveInvoice(ctx, "in_missing", nil) },
		"event":        func() (any, error) { return p.Event(ctx, "evt_missing") },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := call()
			wantErr(t, err, paykit.ErrNotFound, "id")
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name the %s", err, name)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.sim.CreateCustomer(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, &paykit.RequestOptions{IdempotencyKey: "k"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateCustomer with a canceled ctx = %v, want context.Canceled", err)
	}
	for name, err := range map[string]error{
		"CompleteCheckout": second(e.sim.CompleteCheckout(ctx, "cs_x")),
		"FailPayment":      second(e.sim.FailPayment(ctx, "pay_x")),
		"AdvanceClock":     e.sim.AdvanceClock(ctx, time.Hour),
		"Flush":            e.sim.Flush(ctx),
		"Events":           second(e.sim.Events(ctx)),
		"ParseWebhook":     second(e.sim.ParseWebhook(ctx, &paykit.WebhookRequest{}, "whsec_x")),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled ctx = %v, want context.Canceled", name, err)
		}
	}
	deadline, cancel2 := context.WithTimeout(context.Background(), -1)
	defer cancel2()
	_, err = e.sim.RetrievePayment(deadline, "pay_x", nil)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, paykit.ErrNetwork) {
		t.Errorf("past deadline = %v, want DeadlineExceeded as NETWORK_ERROR", err)
	}
	if evs := e.eventTypes(t); len(evs) != 0 {
		t.Errorf("a canceled call changed state: events %v", evs)
	}
}

func second[T any](_ T, err error) error { return err }

func TestInvalidOptionsFailEveryCall(t *testing.T) {
	for name, opt := range map[string]local.Option{
		"bad currency":       local.WithItem("p", 100, "XYZ"),
		"negative amount":    local.WithItem("p", -1, "USD"),
		"empty item id":      local.WithItem("", 1, "USD"),
		"bad interval":       local.WithRecurringItem("p", 1, "USD", paykit.CustomInterval(time.Millisecond)),
		"relative URL":       local.WithWebhookURL("/hooks"),
		"relative page URL":  local.WithPaymentPageURL("checkout"),
		"empty secret":       local.WithWebhookSecret(""),
		"bad retry settings": local.WithDeliveryRetry(0, 0, 0),
	} {
		t.Run(name, func(t *testing.T) {
			sim := local.Provider(opt)
			defer sim.Close()
			if !errors.Is(sim.Err(), paykit.ErrConfiguration) {
				t.Fatalf("Err() = %v, want ErrConfiguration", sim.Err())
			}
			_, err := paykit.New(sim).Customers.Create(context.Background(), &paykit.CreateCustomerParams{Email: "a@example.com"})
			pe := wantErr(t, err, paykit.ErrConfiguration, "")
			if pe.Op != paykit.OpCustomersCreate {
				t.Errorf("Op = %q", pe.Op)
			}
			_, err = sim.CompleteCheckout(context.Background(), "cs_1")
			wantErr(t, err, paykit.ErrConfiguration, "")
		})
	}
}

func TestItems(t *testing.T) {
	sim := local.Provider(local.WithItem("a", 100, "usd"), local.WithRecurringItem("b", 5, "JPY", paykit.IntervalWeek), local.WithItem("a", 200, "EUR"))
	defer sim.Close()
	items := sim.Items()
	if len(items) != 2 || items[0].ID != "a" || items[0].Amount != 200 || items[0].Currency != "EUR" || items[1].Currency != "JPY" || !items[1].Recurring() || items[0].Recurring() {
		t.Errorf("Items() = %+v, want a (replaced, EUR) then b (recurring, JPY)", items)
	}
	if _, ok := sim.Item("missing"); ok {
		t.Error("Item(missing) found something")
	}
	if it, ok := sim.Item("b"); !ok || it.Interval != paykit.IntervalWeek {
		t.Errorf("Item(b) = %+v, %v", it, ok)
	}
	caps := sim.Capabilities()
	if !caps.IdempotencyKeys || len(caps.Ops) != len(paykit.AllOps()) || sim.Name() != "local" {
		t.Errorf("Capabilities = %+v, Name %q", caps, sim.Name())
	}
}

func TestLists(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 25 {
		cus, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "c" + strconv.Itoa(i%2) + "@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cus.ID)
	}
	slices.Reverse(ids) // newest first

	// Pages of the default size 10, newest first, with an opaque cursor.
	var got []string
	cursor := ""
	pages := 0
	for {
		page, err := e.client.Customers.ListPage(e.ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range page.Data {
			got = append(got, c.ID)
		}
		if !page.HasMore {
			if page.NextCursor != "" {
				t.Error("last page has a cursor")
			}
			break
		}
		if len(page.Data) != 10 {
			t.Errorf("page %d has %d items, want 10", pages, len(page.Data))
		}
		cursor = page.NextCursor
	}
	if pages != 3 || !slices.Equal(got, ids) {
		t.Errorf("%d pages yielded %v, want 3 pages of %v", pages, got, ids)
	}

	// The iterator, a filter and an explicit limit.
	var evens []string
	for c, err := range e.client.Customers.List(e.ctx, &paykit.ListCustomersParams{Email: "c0@example.com", ListParams: paykit.ListParams{Limit: 4}}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Email != "c0@example.com" {
			t.Errorf("filter let through %s", c.Email)
		}
		evens = append(evens, c.ID)
	}
	if len(evens) != 13 {
		t.Errorf("email filter yielded %d customers, want 13", len(evens))
	}

	// The provider caps the limit at 100 when called directly.
	for range 90 {
		e.customer(t)
	}
	page, err := e.sim.ListCustomers(e.ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 1000}}, nil)
	if err != nil || len(page.Data) != 100 || !page.HasMore {
		t.Errorf("limit 1000: %d items, more %v, err %v; want 100 and more", len(page.Data), page.HasMore, err)
	}
	all, err := e.sim.ListCustomers(e.ctx, nil, nil)
	if err != nil || len(all.Data) != 10 {
		t.Errorf("nil params: %d items, %v", len(all.Data), err)
	}

	// Cursors are checked.
	first, _ := e.client.Payments.ListPage(e.ctx, nil)
	for _, bad := range []string{"garbage!", "Y3VzdG9tZXJzOjA", page.NextCursor} {
		_, err := e.client.Payments.ListPage(e.ctx, &paykit.ListPaymentsParams{ListParams: paykit.ListParams{Cursor: bad}})
		wantErr(t, err, paykit.ErrValidation, "cursor")
	}
	if first == nil || len(first.Data) != 0 {
		t.Errorf("empty payment list = %+v", first)
	}
}

func TestListFilters(t *testing.T) {
	e := newEnv(t)
	a, b := e.customer(t), e.customer(t)
	payA := e.payment(t, paykit.CustomerID(a.ID), 1000, "")
	e.payment(t, paykit.CustomerID(b.ID), 1000, "")
	e.checkout(t, paykit.CustomerID(a.ID), "price_usd", paykit.SessionOneTime, 1)
	e.checkout(t, paykit.CustomerID(b.ID), "price_usd", paykit.SessionOneTime, 1)
	subA := e.subscription(t, paykit.CustomerID(a.ID), "price_pro")
	subB := e.subscription(t, paykit.CustomerID(b.ID), "price_pro")
	if _, err := e.client.Subscriptions.Cancel(e.ctx, subB.ID); err != nil {
		t.Fatal(err)
	}
	ref, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: payA.ID, Amount: 10})
	if err != nil {
		t.Fatal(err)
	}

	count := func(seq func(func(string, error) bool)) (n int) {
		for _, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	cases := []struct {
		name string
		n    int
		want int
	}{
		{"payments of a", count(mapSeq(e.client.Payments.List(e.ctx, &paykit.ListPaymentsParams{CustomerID: a.ID}), func(p *paykit.Payment) string { return p.ID })), 2}, // one-off + subscription's first
		{"checkouts of b", count(mapSeq(e.client.Checkouts.List(e.ctx, &paykit.ListCheckoutsParams{CustomerID: b.ID}), func(c *paykit.Checkout) string { return c.ID })), 1},
		{"active subscriptions", count(mapSeq(e.client.Subscriptions.List(e.ctx, &paykit.ListSubscriptionsParams{Status: paykit.SubscriptionActive}), func(s *paykit.Subscription) string { return s.ID })), 1},
		{"subscriptions of b", count(mapSeq(e.client.Subscriptions.List(e.ctx, &paykit.ListSubscriptionsParams{CustomerID: b.ID}), func(s *paykit.Subscription) string { return s.ID })), 1},
		{"refunds of payA", count(mapSeq(e.client.Refunds.List(e.ctx, &paykit.ListRefundsParams{PaymentID: payA.ID}), func(r *paykit.Refund) string { return r.ID })), 1},
		{"all refunds", count(mapSeq(e.client.Refunds.List(e.ctx, nil), func(r *paykit.Refund) string { return r.ID })), 1},
		{"invoices of subA", count(mapSeq(e.client.Invoices.List(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: subA.ID}), func(i *paykit.Invoice) string { return i.ID })), 1},
		{"invoices of a", count(mapSeq(e.client.Invoices.List(e.ctx, &paykit.ListInvoicesParams{CustomerID: a.ID}), func(i *paykit.Invoice) string { return i.ID })), 1},
		{"all invoices", count(mapSeq(e.client.Invoices.List(e.ctx, nil), func(i *paykit.Invoice) string { return i.ID })), 2},
	}
	for _, c := range cases {
		if c.n != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.n, c.want)
		}
	}
	if got, err := e.client.Refunds.Retrieve(e.ctx, ref.ID); err != nil || got.PaymentID != payA.ID {
		t.Errorf("Refunds.Retrieve = %+v, %v", got, err)
	}
}

// mapSeq maps an iterator's values.
func mapSeq[T any](seq func(func(T, error) bool), f func(T) string) func(func(string, error) bool) {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			var s string
			if err == nil {
				s = f(v)
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// Every write of metadata goes through one merge: an empty value removes
// the key, and paykit's reserved key never gets in, even when the
// simulator is called without a paykit.Client (which refuses the key).
func TestMetadataMerge(t *testing.T) {
	e := newEnv(t)
	cus := e.customer(t)
	in := map[string]string{"keep": "1", "gone": "", paykit.ReservedMetadataKey: `{"x":1}`}
	upd := map[string]string{"keep": "", "new": "2", paykit.ReservedMetadataKey: `{"x":2}`}
	want := map[string]string{"new": "2"}
	created := map[string]string{"keep": "1"}
	payee := paykit.CustomerID(cus.ID)
	// Each kind creates with in and updates with upd, returning the
	// metadata of both answers.
	for _, c := range []struct {
		name           string
		create, update func(md map[string]string, id string) (string, map[string]string, error)
	}{
		{"customer",
			func(md map[string]string, _ string) (string, map[string]string, error) {
				r, err := e.sim.CreateCustomer(e.ctx, &paykit.CreateCustomerParams{Email: "m@example.com", Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			},
			func(md map[string]string, id string) (string, map[string]string, error) {
				r, err := e.sim.UpdateCustomer(e.ctx, id, &paykit.UpdateCustomerParams{Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			}},
		{"checkout",
			func(md map[string]string, _ string) (string, map[string]string, error) {
				r, err := e.sim.CreateCheckout(e.ctx, &paykit.CreateCheckoutParams{Customer: payee, ItemID: "price_usd",
					SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: "https://example.com/ok", Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			},
			func(md map[string]string, id string) (string, map[string]string, error) {
				r, err := e.sim.UpdateCheckout(e.ctx, id, &paykit.UpdateCheckoutParams{Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			}},
		{"payment",
			func(md map[string]string, _ string) (string, map[string]string, error) {
				r, err := e.sim.CreatePayment(e.ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: payee, Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			},
			func(md map[string]string, id string) (string, map[string]string, error) {
				r, err := e.sim.UpdatePayment(e.ctx, id, &paykit.UpdatePaymentParams{Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			}},
		{"subscription",
			func(md map[string]string, _ string) (string, map[string]string, error) {
				r, err := e.sim.CreateSubscription(e.ctx, &paykit.CreateSubscriptionParams{Customer: payee, ItemID: "price_pro", Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			},
			func(md map[string]string, id string) (string, map[string]string, error) {
				r, err := e.sim.UpdateSubscription(e.ctx, id, &paykit.UpdateSubscriptionParams{Metadata: md}, nil)
				if err != nil {
					return "", nil, err
				}
				return r.ID, r.Metadata, nil
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, md, err := c.create(in, "")
			if err != nil {
				t.Fatal(err)
			}
			if !mapsEqual(md, created) {
				t.Errorf("created with metadata %v, want %v", md, created)
			}
			if _, md, err = c.update(upd, id); err != nil {
				t.Fatal(err)
			}
			if !mapsEqual(md, want) {
				t.Errorf("updated metadata %v, want %v", md, want)
			}
		})
	}
}
