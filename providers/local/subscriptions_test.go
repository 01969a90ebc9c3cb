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

	// A declined first payment makes the subscription past_due.
	other := e.subscription(t, paykit.CustomerEmail("later@example.com"), "price_pro")
	if _, err := e.sim.FailPayment(e.ctx, strings.TrimPrefix(other.PaymentURL, local.DefaultPaymentPageURL+"/pay/")); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.client.Subscriptions.Retrieve(e.ctx, other.ID); got.Status != paykit.SubscriptionPastDue {
		t.Errorf("after a declined first payment: %s", got.Status)
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
}
