package local_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

var start = time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)

func clockEnv(t *testing.T, opts ...local.Option) *env {
	return newEnv(t, append(opts, local.WithClock(func() time.Time { return start }))...)
}

func TestCreateSubscription(t *testing.T) {
	e := clockEnv(t)
	cus := e.customer(t)
	id := paykit.CustomerID(cus.ID)
	cases := []struct {
		name      string
		params    paykit.CreateSubscriptionParams
		amount    int64
		interval  paykit.BillingInterval
		wantErr   *paykit.Error
		wantParam string
	}{
		{name: "recurring item", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_pro", Quantity: 3}, amount: 2700, interval: paykit.IntervalMonth},
		{name: "matching inline price", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_yearly", Amount: 9000, Currency: "usd", BillingInterval: paykit.IntervalYear}, amount: 9000, interval: paykit.IntervalYear},
		{name: "one-time item with an interval", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_jpy", BillingInterval: paykit.CustomInterval(36 * time.Hour)}, amount: 1500, interval: paykit.CustomInterval(36 * time.Hour)},
		{name: "one-time item", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_jpy"}, wantErr: paykit.ErrValidation, wantParam: "item_id"},
		{name: "unknown item", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_nope"}, wantErr: paykit.ErrNotFound, wantParam: "item_id"},
		{name: "unknown customer", params: paykit.CreateSubscriptionParams{Customer: paykit.CustomerID("cus_nope"), ItemID: "price_pro"}, wantErr: paykit.ErrNotFound, wantParam: "customer"},
		{name: "other currency", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_pro", Currency: "EUR"}, wantErr: paykit.ErrValidation, wantParam: "currency"},
		{name: "other amount", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_pro", Amount: 1}, wantErr: paykit.ErrValidation, wantParam: "amount"},
		{name: "other interval", params: paykit.CreateSubscriptionParams{Customer: id, ItemID: "price_pro", BillingInterval: paykit.IntervalWeek}, wantErr: paykit.ErrValidation, wantParam: "billing_interval"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(e.eventTypes(t))
			sub, err := e.client.Subscriptions.Create(e.ctx, &c.params)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, c.wantParam)
				if n := len(e.eventTypes(t)) - before; n != 0 {
					t.Errorf("a failed create emitted %d events", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sub.ID, "sub_") || sub.Status != paykit.SubscriptionActive || sub.Amount != c.amount || sub.BillingInterval != c.interval ||
				!sub.CurrentPeriodStart.Equal(start) || !sub.CurrentPeriodEnd.Equal(c.interval.AddTo(start, 1)) || sub.RequiresAction {
				t.Errorf("subscription = %+v", sub)
			}
			want := []paykit.EventType{paykit.EventSubscriptionCreated, paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated}
			if evs := e.eventTypes(t)[before:]; !slices.Equal(evs, want) {
				t.Errorf("events = %v, want %v", evs, want)
			}
			invs, err := e.client.Invoices.ListPage(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
			if err != nil || len(invs.Data) != 1 || invs.Data[0].AmountPaid != c.amount || invs.Data[0].BillingMode != paykit.BillingRecurring {
				t.Errorf("first invoice: %+v, %v", invs, err)
			}
		})
	}
}

func TestSubscriptionOfEmailPayee(t *testing.T) {
	e := clockEnv(t)
	sub := e.subscription(t, paykit.CustomerEmail("later@example.com"), "price_pro")
	if sub.Status != paykit.SubscriptionPending || !sub.RequiresAction || !strings.HasPrefix(sub.PaymentURL, local.DefaultPaymentPageURL+"/pay/pay_") {
		t.Fatalf("subscription = %+v, want pending with a payment URL", sub)
	}
	payID := strings.TrimPrefix(sub.PaymentURL, local.DefaultPaymentPageURL+"/pay/")
	if err := e.sim.AdvanceClock(e.ctx, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.ConfirmPayment(e.ctx, payID); err != nil {
		t.Fatal(err)
	}
	got, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	paid := start.Add(2 * time.Hour)
	if got.Status != paykit.SubscriptionActive || got.RequiresAction || got.PaymentURL != "" || !got.CurrentPeriodStart.Equal(paid) || !got.CurrentPeriodEnd.Equal(paid.AddDate(0, 1, 0)) {
		t.Errorf("after payment: %+v", got)
	}
	invs, _ := e.client.Invoices.ListPage(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
	if len(invs.Data) != 1 || invs.Data[0].PaymentID != payID {
		t.Errorf("invoices = %+v", invs.Data)
	}

	// A declined first payment leaves the subscription pending (see
	// TestFailedFirstPayment).
	other := e.subscription(t, paykit.CustomerEmail("later@example.com"), "price_pro")
	if _, err := e.sim.FailPayment(e.ctx, paymentOf(other)); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.client.Subscriptions.Retrieve(e.ctx, other.ID); got.Status != paykit.SubscriptionPending {
		t.Errorf("after a declined first payment: %s", got.Status)
	}
}

// paymentOf is the id of the payment a subscription's PaymentURL shows.
func paymentOf(sub *paykit.Subscription) string {
	return strings.TrimPrefix(sub.PaymentURL, local.DefaultPaymentPageURL+"/pay/")
}

// A subscription whose first payment failed has not started: it stays
// pending with a new payment for its payer to try again, is never renewed
// or charged by time passing, and expires when nobody paid within
// CheckoutTTL of its creation.
func TestFailedFirstPayment(t *testing.T) {
	// failFirst creates a subscription of an email payee whose first
	// payment fails, and returns it before and after.
	failFirst := func(t *testing.T, e *env) (sub, got *paykit.Subscription) {
		t.Helper()
		sub = e.subscription(t, paykit.CustomerEmail("later@example.com"), "price_pro")
		if _, err := e.sim.FailPayment(e.ctx, paymentOf(sub)); err != nil {
			t.Fatal(err)
		}
		got, err := e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		return sub, got
	}
	t.Run("nobody pays", func(t *testing.T) {
		e := clockEnv(t)
		sub, got := failFirst(t, e)
		if got.Status != paykit.SubscriptionPending || !got.RequiresAction || got.PaymentURL == "" || got.PaymentURL == sub.PaymentURL {
			t.Fatalf("after a failed first payment: %+v, want pending with a new payment URL", got)
		}
		retry, err := e.client.Payments.Retrieve(e.ctx, paymentOf(got))
		if err != nil || retry.Status != paykit.PaymentPending || !retry.RequiresAction || retry.Amount != 900 {
			t.Fatalf("payment to try again = %+v, %v", retry, err)
		}
		// Two periods pass: no renewal, nothing charged, and the
		// subscription expired with its window.
		if err := e.sim.AdvanceClock(e.ctx, 62*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		got, _ = e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
		if got.Status != paykit.SubscriptionExpired || got.RequiresAction || got.PaymentURL != "" {
			t.Errorf("a subscription nobody paid for = %+v, want expired", got)
		}
		for pay, err := range e.client.Payments.List(e.ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if pay.Status == paykit.PaymentSucceeded || pay.Status == paykit.PaymentPending {
				t.Errorf("payment %s is %s", pay.ID, pay.Status)
			}
		}
		if invs, _ := e.client.Invoices.ListPage(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID}); len(invs.Data) != 0 {
			t.Errorf("invoices of a subscription nobody paid for: %+v", invs.Data)
		}
		_, err = e.sim.ConfirmPayment(e.ctx, retry.ID)
		wantErr(t, err, paykit.ErrInvalidState, "")
		if got, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID); got.Status != paykit.SubscriptionExpired {
			t.Errorf("after paying too late: %s", got.Status)
		}
		_, err = e.client.Subscriptions.Cancel(e.ctx, sub.ID)
		wantErr(t, err, paykit.ErrInvalidState, "")
	})
	t.Run("paid on the second try", func(t *testing.T) {
		e := clockEnv(t)
		sub, got := failFirst(t, e)
		before := len(e.eventTypes(t))
		if err := e.sim.AdvanceClock(e.ctx, 3*time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := e.sim.ConfirmPayment(e.ctx, paymentOf(got)); err != nil {
			t.Fatal(err)
		}
		got, _ = e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
		paid := start.Add(3 * time.Hour)
		if got.Status != paykit.SubscriptionActive || got.RequiresAction || !got.CurrentPeriodStart.Equal(paid) || !got.CurrentPeriodEnd.Equal(paid.AddDate(0, 1, 0)) {
			t.Errorf("after the second try: %+v", got)
		}
		want := []paykit.EventType{paykit.EventPaymentUpdated, paykit.EventSubscriptionUpdated, paykit.EventInvoiceGenerated}
		if evs := e.eventTypes(t)[before:]; !slices.Equal(evs, want) {
			t.Errorf("events = %v, want %v", evs, want)
		}
	})
}

// A renewal of a payee without a saved card (a subscription of an email
// payee) does not pay itself: it opens an invoice with a payment awaiting
// the payer, and the subscription is past_due until they pay.
func TestRenewalWithoutSavedCardWaitsForThePayer(t *testing.T) {
	e := clockEnv(t)
	sub := e.subscription(t, paykit.CustomerEmail("later@example.com"), "price_pro")
	if _, err := e.sim.ConfirmPayment(e.ctx, paymentOf(sub)); err != nil {
		t.Fatal(err)
	}
	before := len(e.eventTypes(t))
	if err := e.sim.AdvanceClock(e.ctx, 31*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	renewed := start.AddDate(0, 1, 0)
	got, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	if got.Status != paykit.SubscriptionPastDue || !got.RequiresAction || got.PaymentURL == "" ||
		!got.CurrentPeriodStart.Equal(renewed) || !got.CurrentPeriodEnd.Equal(start.AddDate(0, 2, 0)) {
		t.Fatalf("renewed without a card = %+v, want past_due awaiting the payer", got)
	}
	due, err := e.client.Payments.Retrieve(e.ctx, paymentOf(got))
	if err != nil || due.Status != paykit.PaymentPending || !due.RequiresAction || due.Amount != 900 || !due.CreatedAt.Equal(renewed) {
		t.Fatalf("renewal payment = %+v, %v", due, err)
	}
	open := func() *paykit.Invoice {
		t.Helper()
		invs, err := e.client.Invoices.ListPage(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
		if err != nil || len(invs.Data) != 2 {
			t.Fatalf("invoices = %+v, %v; want the first and the renewal's", invs, err)
		}
		return invs.Data[0]
	}
	if inv := open(); inv.Status != paykit.InvoiceOpen || inv.AmountPaid != 0 || inv.PaidAt != nil || inv.PaymentID != due.ID {
		t.Errorf("renewal invoice = %+v, want open, unpaid, for %s", inv, due.ID)
	}
	want := []paykit.EventType{paykit.EventPaymentCreated, paykit.EventInvoiceGenerated, paykit.EventSubscriptionUpdated}
	if evs := e.eventTypes(t)[before:]; !slices.Equal(evs, want) {
		t.Errorf("renewal events = %v, want %v", evs, want)
	}

	// The payer's card fails: another payment of the same invoice awaits them.
	if _, err := e.sim.FailPayment(e.ctx, due.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	retry := paymentOf(got)
	if got.Status != paykit.SubscriptionPastDue || retry == due.ID {
		t.Fatalf("after a failed renewal payment: %+v", got)
	}
	if inv := open(); inv.Status != paykit.InvoiceOpen || inv.PaymentID != retry {
		t.Errorf("invoice after a failed payment = %+v, want open for %s", inv, retry)
	}

	// They pay: the invoice is paid and the subscription active, its
	// period unchanged.
	if err := e.sim.AdvanceClock(e.ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	before = len(e.eventTypes(t))
	if _, err := e.sim.ConfirmPayment(e.ctx, retry); err != nil {
		t.Fatal(err)
	}
	got, _ = e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	if got.Status != paykit.SubscriptionActive || got.RequiresAction || got.PaymentURL != "" ||
		!got.CurrentPeriodStart.Equal(renewed) || !got.CurrentPeriodEnd.Equal(start.AddDate(0, 2, 0)) {
		t.Errorf("after paying the renewal: %+v", got)
	}
	if inv := open(); inv.Status != paykit.InvoicePaid || inv.AmountPaid != 900 || inv.PaidAt == nil || !inv.PaidAt.Equal(renewed.Add(time.Hour)) {
		t.Errorf("paid renewal invoice = %+v", inv)
	}
	want = []paykit.EventType{paykit.EventPaymentUpdated, paykit.EventInvoiceUpdated, paykit.EventSubscriptionUpdated}
	if evs := e.eventTypes(t)[before:]; !slices.Equal(evs, want) {
		t.Errorf("payment events = %v, want %v", evs, want)
	}
}

// Periods count from the billing anchor, so a short month does not move
// the renewal day for good: Jan 31 renews on Feb 28, then Mar 31.
func TestRenewalsKeepTheBillingAnchor(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }
	cases := []struct {
		name  string
		start time.Time
		item  string
		count int // interval count of a checkout; 0: Subscriptions.Create
		ends  []time.Time
	}{
		{"monthly from Jan 31", at(2025, 1, 31), "price_pro", 0,
			[]time.Time{at(2025, 2, 28), at(2025, 3, 31), at(2025, 4, 30), at(2025, 5, 31), at(2025, 6, 30), at(2025, 7, 31)}},
		{"yearly from Feb 29", at(2024, 2, 29), "price_yearly", 0,
			[]time.Time{at(2025, 2, 28), at(2026, 2, 28), at(2027, 2, 28), at(2028, 2, 29)}},
		{"every 3 months from Nov 30, by checkout", at(2024, 11, 30), "price_pro", 3,
			[]time.Time{at(2025, 2, 28), at(2025, 5, 30), at(2025, 8, 30), at(2025, 11, 30)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, local.WithClock(func() time.Time { return c.start }))
			cus := e.customer(t)
			var subID string
			if c.count == 0 {
				subID = e.subscription(t, paykit.CustomerID(cus.ID), c.item).ID
			} else {
				co, err := e.client.Checkouts.Create(e.ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: c.item,
					SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: "https://example.com/ok",
					Subscription: &paykit.CheckoutSubscription{BillingIntervalCount: c.count}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
					t.Fatal(err)
				}
				got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID)
				subID = got.SubscriptionID
			}
			periodStart := c.start
			for i, end := range c.ends {
				sub, err := e.client.Subscriptions.Retrieve(e.ctx, subID)
				if err != nil {
					t.Fatal(err)
				}
				if !sub.CurrentPeriodStart.Equal(periodStart) || !sub.CurrentPeriodEnd.Equal(end) {
					t.Fatalf("period %d = %v .. %v, want %v .. %v", i+1, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, periodStart, end)
				}
				if want := max(c.count, 1); sub.BillingIntervalCount != want {
					t.Fatalf("BillingIntervalCount = %d, want %d", sub.BillingIntervalCount, want)
				}
				now, _ := e.sim.Now(e.ctx)
				if err := e.sim.AdvanceClock(e.ctx, end.Sub(now)); err != nil {
					t.Fatal(err)
				}
				periodStart = end
			}
		})
	}

	// Moving to an item of another interval counts the new periods from
	// the end of the current one.
	e := newEnv(t, local.WithClock(func() time.Time { return at(2025, 1, 31) }))
	sub := e.subscription(t, paykit.CustomerID(e.customer(t).ID), "price_pro")
	if _, err := e.client.Subscriptions.Update(e.ctx, sub.ID, &paykit.UpdateSubscriptionParams{ItemID: "price_yearly"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AdvanceClock(e.ctx, at(2026, 3, 1).Sub(at(2025, 1, 31))); err != nil {
		t.Fatal(err)
	}
	got, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	if !got.CurrentPeriodStart.Equal(at(2026, 2, 28)) || !got.CurrentPeriodEnd.Equal(at(2027, 2, 28)) {
		t.Errorf("after moving to a yearly item: %v .. %v, want 2026-02-28 .. 2027-02-28", got.CurrentPeriodStart, got.CurrentPeriodEnd)
	}
}

func TestUpdateSubscription(t *testing.T) {
	e := clockEnv(t)
	cus := e.customer(t)
	sub := e.subscription(t, paykit.CustomerID(cus.ID), "price_pro")
	cases := []struct {
		name      string
		params    paykit.UpdateSubscriptionParams
		check     func(*paykit.Subscription) bool
		wantErr   *paykit.Error
		wantParam string
	}{
		{name: "metadata", params: paykit.UpdateSubscriptionParams{Metadata: map[string]string{"seats": "5"}},
			check: func(s *paykit.Subscription) bool { return s.Metadata["seats"] == "5" && s.Amount == 900 }},
		{name: "quantity", params: paykit.UpdateSubscriptionParams{Quantity: paykit.Int64(4)},
			check: func(s *paykit.Subscription) bool {
				return s.Quantity == 4 && s.Amount == 3600 && s.Metadata["seats"] == "5"
			}},
		{name: "item", params: paykit.UpdateSubscriptionParams{ItemID: "price_team"},
			check: func(s *paykit.Subscription) bool { return s.ItemID == "price_team" && s.Amount == 4*2900 }},
		{name: "yearly item", params: paykit.UpdateSubscriptionParams{ItemID: "price_yearly", Quantity: paykit.Int64(1)},
			check: func(s *paykit.Subscription) bool { return s.BillingInterval == paykit.IntervalYear && s.Amount == 9000 }},
		{name: "cancel at period end", params: paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: paykit.Bool(true)},
			check: func(s *paykit.Subscription) bool { return s.CancelAtPeriodEnd && s.Status == paykit.SubscriptionActive }},
		{name: "one-time item", params: paykit.UpdateSubscriptionParams{ItemID: "price_usd"}, wantErr: paykit.ErrValidation, wantParam: "item_id"},
		{name: "item in another currency", params: paykit.UpdateSubscriptionParams{ItemID: "price_eur"}, wantErr: paykit.ErrValidation, wantParam: "item_id"},
		{name: "unknown item", params: paykit.UpdateSubscriptionParams{ItemID: "price_nope"}, wantErr: paykit.ErrNotFound, wantParam: "item_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.client.Subscriptions.Update(e.ctx, sub.ID, &c.params)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, c.wantParam)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(got) {
				t.Errorf("after update: %+v", got)
			}
			if stored, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID); !c.check(stored) {
				t.Errorf("stored: %+v", stored)
			}
		})
	}
}

func TestCancelAndDeleteSubscription(t *testing.T) {
	e := clockEnv(t)
	cus := e.customer(t)
	sub := e.subscription(t, paykit.CustomerID(cus.ID), "price_pro")
	if err := e.sim.AdvanceClock(e.ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := e.client.Subscriptions.Cancel(e.ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != paykit.SubscriptionCanceled || got.CanceledAt == nil || !got.CanceledAt.Equal(start.Add(time.Hour)) {
		t.Errorf("canceled = %+v", got)
	}
	_, err = e.client.Subscriptions.Cancel(e.ctx, sub.ID)
	wantErr(t, err, paykit.ErrInvalidState, "")
	_, err = e.client.Subscriptions.Update(e.ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"a": "b"}})
	wantErr(t, err, paykit.ErrInvalidState, "")
	if evs := e.eventTypes(t); evs[len(evs)-1] != paykit.EventSubscriptionCanceled {
		t.Errorf("last event = %s", evs[len(evs)-1])
	}

	// Delete cancels at once, as at Stripe; the subscription stays readable.
	other := e.subscription(t, paykit.CustomerID(cus.ID), "price_pro")
	if err := e.client.Subscriptions.Delete(e.ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := e.client.Subscriptions.Retrieve(e.ctx, other.ID); err != nil || got.Status != paykit.SubscriptionCanceled {
		t.Errorf("after Delete: %+v, %v", got, err)
	}
	before := len(e.eventTypes(t))
	if err := e.client.Subscriptions.Delete(e.ctx, other.ID); err != nil {
		t.Errorf("deleting a canceled subscription: %v", err)
	}
	if n := len(e.eventTypes(t)) - before; n != 0 {
		t.Errorf("deleting a canceled subscription emitted %d events", n)
	}
	wantErr(t, e.client.Subscriptions.Delete(e.ctx, "sub_missing"), paykit.ErrNotFound, "id")
}

func TestAdvanceClockRenews(t *testing.T) {
	e := clockEnv(t)
	cus := e.customer(t)
	sub := e.subscription(t, paykit.CustomerID(cus.ID), "price_pro")
	ending := e.subscription(t, paykit.CustomerID(cus.ID), "price_team")
	if _, err := e.client.Subscriptions.Update(e.ctx, ending.ID, &paykit.UpdateSubscriptionParams{CancelAtPeriodEnd: paykit.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	before := len(e.eventTypes(t))

	// Three months pass: three renewals; the other subscription ends.
	if err := e.sim.AdvanceClock(e.ctx, 24*time.Hour*(31+28+31)); err != nil {
		t.Fatal(err)
	}
	now, err := e.sim.Now(e.ctx)
	if err != nil || !now.Equal(start.Add(24*time.Hour*90)) {
		t.Errorf("Now = %v, %v", now, err)
	}
	got, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	if got.Status != paykit.SubscriptionActive || !got.CurrentPeriodStart.Equal(start.AddDate(0, 3, 0)) || !got.CurrentPeriodEnd.Equal(start.AddDate(0, 4, 0)) {
		t.Errorf("renewed = %s %v..%v", got.Status, got.CurrentPeriodStart, got.CurrentPeriodEnd)
	}
	var paidAt []time.Time
	for inv, err := range e.client.Invoices.List(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID}) {
		if err != nil {
			t.Fatal(err)
		}
		paidAt = append(paidAt, *inv.PaidAt)
	}
	want := []time.Time{start.AddDate(0, 3, 0), start.AddDate(0, 2, 0), start.AddDate(0, 1, 0), start}
	if !slices.EqualFunc(paidAt, want, time.Time.Equal) {
		t.Errorf("invoices paid at %v, want %v", paidAt, want)
	}
	end, _ := e.client.Subscriptions.Retrieve(e.ctx, ending.ID)
	if end.Status != paykit.SubscriptionCanceled || end.CanceledAt == nil || !end.CanceledAt.Equal(start.AddDate(0, 1, 0)) {
		t.Errorf("cancel-at-period-end subscription = %s canceled at %v", end.Status, end.CanceledAt)
	}
	renewal := []paykit.EventType{paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated, paykit.EventSubscriptionUpdated}
	wantEvents := slices.Concat(renewal, renewal, renewal, []paykit.EventType{paykit.EventSubscriptionCanceled})
	if evs := e.eventTypes(t)[before:]; !slices.Equal(evs, wantEvents) {
		t.Errorf("events = %v, want %v", evs, wantEvents)
	}

	// A declined renewal: past_due; once the card works, the next renewal
	// makes it active again.
	if err := e.sim.SetCardDeclined(e.ctx, cus.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AdvanceClock(e.ctx, 31*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, _ = e.client.Subscriptions.Retrieve(e.ctx, sub.ID)
	if got.Status != paykit.SubscriptionPastDue {
		t.Errorf("after a declined renewal: %s", got.Status)
	}
	failed, _ := e.client.Payments.ListPage(e.ctx, &paykit.ListPaymentsParams{CustomerID: cus.ID, ListParams: paykit.ListParams{Limit: 1}})
	if p := failed.Data[0]; p.Status != paykit.PaymentFailed || p.FailureCode != local.DeclineCode {
		t.Errorf("renewal payment = %+v", p)
	}
	if err := e.sim.SetCardDeclined(e.ctx, cus.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AdvanceClock(e.ctx, 31*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, _ = e.client.Subscriptions.Retrieve(e.ctx, sub.ID); got.Status != paykit.SubscriptionActive {
		t.Errorf("after a paid renewal: %s", got.Status)
	}
}

func TestAdvanceClockLimits(t *testing.T) {
	e := clockEnv(t, local.WithRecurringItem("price_fast", 1, "USD", paykit.CustomInterval(time.Minute)))
	cus := e.customer(t)
	sub := e.subscription(t, paykit.CustomerID(cus.ID), "price_fast")
	before := len(e.eventTypes(t))
	err := e.sim.AdvanceClock(e.ctx, (local.MaxRenewals+1)*time.Minute)
	wantErr(t, err, paykit.ErrValidation, "d")
	// Nothing happened: the clock, the subscription and the log are unchanged.
	if now, _ := e.sim.Now(e.ctx); !now.Equal(start) {
		t.Errorf("clock moved to %v", now)
	}
	if got, _ := e.client.Subscriptions.Retrieve(e.ctx, sub.ID); !got.CurrentPeriodStart.Equal(start) {
		t.Errorf("subscription renewed: %v", got.CurrentPeriodStart)
	}
	if n := len(e.eventTypes(t)) - before; n != 0 {
		t.Errorf("a refused advance emitted %d events", n)
	}
	if err := e.sim.AdvanceClock(e.ctx, local.MaxRenewals*time.Minute); err != nil {
		t.Errorf("advance by MaxRenewals periods: %v", err)
	}
	wantErr(t, e.sim.AdvanceClock(e.ctx, -time.Second), paykit.ErrValidation, "d")
	wantErr(t, e.sim.AdvanceClock(e.ctx, 0), paykit.ErrValidation, "d")
}

// The simulated clock's offset is capped, so that repeated advances
// cannot overflow it and move the clock backwards.
func TestAdvanceClockCap(t *testing.T) {
	e := clockEnv(t)
	wantErr(t, e.sim.AdvanceClock(e.ctx, local.MaxClockOffset+time.Hour), paykit.ErrValidation, "d")
	if err := e.sim.AdvanceClock(e.ctx, local.MaxClockOffset-time.Hour); err != nil {
		t.Fatal(err)
	}
	for range 3 { // without the cap the third advance overflows the offset
		wantErr(t, e.sim.AdvanceClock(e.ctx, local.MaxClockOffset), paykit.ErrValidation, "d")
	}
	if err := e.sim.AdvanceClock(e.ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if now, _ := e.sim.Now(e.ctx); !now.Equal(start.Add(local.MaxClockOffset)) {
		t.Errorf("clock at %v, want %v", now, start.Add(local.MaxClockOffset))
	}
}
