package local_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

func TestCreateCheckout(t *testing.T) {
	e := newEnv(t, local.WithPaymentPageURL("http://127.0.0.1:8085/"))
	cus := e.customer(t)
	id := paykit.CustomerID(cus.ID)
	cases := []struct {
		name       string
		params     paykit.CreateCheckoutParams
		wantAmount int64
		wantSub    *paykit.CheckoutSubscription
		wantErr    *paykit.Error
		wantParam  string
	}{
		{name: "one-time USD", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_usd", SessionType: paykit.SessionOneTime, Quantity: 3}, wantAmount: 5997},
		{name: "one-time JPY", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_jpy", SessionType: paykit.SessionOneTime, Quantity: 2}, wantAmount: 3000},
		{name: "one-time KWD by email", params: paykit.CreateCheckoutParams{Customer: paykit.CustomerEmail("a@example.com"), ItemID: "price_kwd", SessionType: paykit.SessionOneTime, Quantity: 1}, wantAmount: 2750},
		{name: "recurring item", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_pro", SessionType: paykit.SessionRecurring, Quantity: 2}, wantAmount: 1800,
			wantSub: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalMonth, BillingIntervalCount: 1}},
		{name: "one-time item made recurring by params", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_usd", SessionType: paykit.SessionRecurring, Quantity: 1,
			Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalWeek, BillingIntervalCount: 2}}, wantAmount: 1999,
			wantSub: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalWeek, BillingIntervalCount: 2}},
		{name: "unknown item", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_nope", SessionType: paykit.SessionOneTime, Quantity: 1},
			wantErr: paykit.ErrNotFound, wantParam: "item_id"},
		{name: "unknown customer", params: paykit.CreateCheckoutParams{Customer: paykit.CustomerID("cus_nope"), ItemID: "price_usd", SessionType: paykit.SessionOneTime, Quantity: 1},
			wantErr: paykit.ErrNotFound, wantParam: "customer"},
		{name: "recurring checkout of a one-time item", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_usd", SessionType: paykit.SessionRecurring, Quantity: 1},
			wantErr: paykit.ErrValidation, wantParam: "subscription"},
		{name: "one-time checkout of a recurring item", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_pro", SessionType: paykit.SessionOneTime, Quantity: 1},
			wantErr: paykit.ErrValidation, wantParam: "item_id"},
		{name: "interval other than the item's", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_pro", SessionType: paykit.SessionRecurring, Quantity: 1,
			Subscription: &paykit.CheckoutSubscription{BillingInterval: paykit.IntervalYear}}, wantErr: paykit.ErrValidation, wantParam: "subscription.billing_interval"},
		{name: "amount overflow", params: paykit.CreateCheckoutParams{Customer: id, ItemID: "price_usd", SessionType: paykit.SessionOneTime, Quantity: 1 << 62},
			wantErr: paykit.ErrValidation, wantParam: "quantity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(e.eventTypes(t))
			c.params.SuccessURL = "https://example.com/success"
			co, err := e.client.Checkouts.Create(e.ctx, &c.params)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, c.wantParam)
				if after := len(e.eventTypes(t)); after != before {
					t.Errorf("a failed create emitted %d events", after-before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			it, _ := e.sim.Item(c.params.ItemID)
			if co.Amount != c.wantAmount || co.Currency != it.Currency || co.Status != paykit.CheckoutOpen {
				t.Errorf("checkout = %d %s %s, want %d %s open", co.Amount, co.Currency, co.Status, c.wantAmount, it.Currency)
			}
			if !strings.HasPrefix(co.ID, "cs_") || co.PaymentURL != "http://127.0.0.1:8085/checkout/"+co.ID {
				t.Errorf("ID %q PaymentURL %q", co.ID, co.PaymentURL)
			}
			if !slices.Equal(co.Products, []paykit.LineItem{{ID: c.params.ItemID, Quantity: c.params.Quantity}}) {
				t.Errorf("Products = %v", co.Products)
			}
			if (co.Subscription == nil) != (c.wantSub == nil) || c.wantSub != nil && *co.Subscription != *c.wantSub {
				t.Errorf("Subscription = %+v, want %+v", co.Subscription, c.wantSub)
			}
			if co.ExpiresAt == nil || co.ExpiresAt.Sub(co.CreatedAt) != local.CheckoutTTL {
				t.Errorf("ExpiresAt = %v, want CreatedAt + %v", co.ExpiresAt, local.CheckoutTTL)
			}
			if co.Customer != c.params.Customer {
				t.Errorf("Customer = %v", co.Customer)
			}
		})
	}
}

func TestCompleteOneTimeCheckout(t *testing.T) {
	e := newEnv(t)
	cus := e.customer(t)
	co := e.checkout(t, paykit.CustomerID(cus.ID), "price_jpy", paykit.SessionOneTime, 3)
	pay, err := e.sim.CompleteCheckout(e.ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Status != paykit.PaymentSucceeded || pay.Amount != 4500 || pay.AmountCaptured != 4500 || pay.Currency != "JPY" ||
		pay.Customer.ID != cus.ID || pay.ItemID != "price_jpy" || pay.Metadata["order"] != "42" {
		t.Errorf("payment = %+v", pay)
	}
	got, err := e.client.Checkouts.Retrieve(e.ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != paykit.CheckoutComplete || got.PaymentID != pay.ID || got.SubscriptionID != "" {
		t.Errorf("checkout = %s payment %q subscription %q", got.Status, got.PaymentID, got.SubscriptionID)
	}
	var invs []*paykit.Invoice
	for inv, err := range e.client.Invoices.List(e.ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, inv)
	}
	if len(invs) != 1 {
		t.Fatalf("%d invoices, want 1", len(invs))
	}
	inv := invs[0]
	if inv.BillingMode != paykit.BillingOneTime || inv.Status != paykit.InvoicePaid || inv.AmountPaid != 4500 || inv.PaymentID != pay.ID ||
		inv.PaidAt == nil || inv.Customer.ID != cus.ID || !strings.HasPrefix(inv.ID, "in_") {
		t.Errorf("invoice = %+v", inv)
	}
	want := []paykit.EventType{paykit.EventCustomerCreated, paykit.EventCheckoutCreated, paykit.EventPaymentCreated,
		paykit.EventPaymentUpdated, paykit.EventInvoiceGenerated, paykit.EventCheckoutCompleted}
	if got := e.eventTypes(t); !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestCompleteRecurringCheckout(t *testing.T) {
	start := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, local.WithClock(func() time.Time { return start }))
	co := e.checkout(t, paykit.CustomerEmail("new@example.com"), "price_pro", paykit.SessionRecurring, 2)
	pay, err := e.sim.CompleteCheckout(e.ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID)
	sub, err := e.client.Subscriptions.Retrieve(e.ctx, got.SubscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != paykit.SubscriptionActive || sub.Amount != 1800 || sub.Quantity != 2 || sub.ItemID != "price_pro" ||
		!sub.CurrentPeriodStart.Equal(start) || !sub.CurrentPeriodEnd.Equal(start.AddDate(0, 1, 0)) || sub.BillingInterval != paykit.IntervalMonth {
		t.Errorf("subscription = %+v", sub)
	}
	// The email payee became a customer, who owns the subscription and payment.
	cus, err := e.client.Customers.Retrieve(e.ctx, sub.Customer.ID)
	if err != nil || cus.Email != "new@example.com" {
		t.Fatalf("customer of the subscription = %+v, %v", cus, err)
	}
	if pay.Customer.ID != cus.ID || pay.Status != paykit.PaymentSucceeded {
		t.Errorf("payment = %+v", pay)
	}
	page, err := e.client.Invoices.ListPage(e.ctx, &paykit.ListInvoicesParams{SubscriptionID: sub.ID})
	if err != nil || len(page.Data) != 1 {
		t.Fatalf("invoices of the subscription: %v, %v", page, err)
	}
	if inv := page.Data[0]; inv.BillingMode != paykit.BillingRecurring || inv.AmountPaid != 1800 || inv.PaymentID != pay.ID ||
		!slices.Equal(inv.LineItems, []paykit.LineItem{{ID: "price_pro", Quantity: 2}}) {
		t.Errorf("invoice = %+v", inv)
	}
	want := []paykit.EventType{paykit.EventCheckoutCreated, paykit.EventCustomerCreated, paykit.EventPaymentCreated,
		paykit.EventPaymentUpdated, paykit.EventSubscriptionCreated, paykit.EventInvoiceGenerated, paykit.EventCheckoutCompleted}
	if got := e.eventTypes(t); !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestCheckoutTransitions(t *testing.T) {
	type step struct {
		do      string // complete, expire, update
		wantErr *paykit.Error
	}
	cases := []struct {
		name  string
		steps []step
		final paykit.CheckoutStatus
	}{
		{"complete", []step{{"complete", nil}}, paykit.CheckoutComplete},
		{"complete twice", []step{{"complete", nil}, {"complete", paykit.ErrInvalidState}}, paykit.CheckoutComplete},
		{"expire", []step{{"expire", nil}}, paykit.CheckoutExpired},
		{"complete an expired", []step{{"expire", nil}, {"complete", paykit.ErrInvalidState}}, paykit.CheckoutExpired},
		{"expire twice", []step{{"expire", nil}, {"expire", paykit.ErrInvalidState}}, paykit.CheckoutExpired},
		{"expire a completed", []step{{"complete", nil}, {"expire", paykit.ErrInvalidState}}, paykit.CheckoutComplete},
		{"update open", []step{{"update", nil}, {"complete", nil}}, paykit.CheckoutComplete},
		{"update completed", []step{{"complete", nil}, {"update", paykit.ErrInvalidState}}, paykit.CheckoutComplete},
		{"update expired", []step{{"expire", nil}, {"update", paykit.ErrInvalidState}}, paykit.CheckoutExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
			for _, s := range c.steps {
				var err error
				switch s.do {
				case "complete":
					_, err = e.sim.CompleteCheckout(e.ctx, co.ID)
				case "expire":
					err = e.client.Checkouts.Delete(e.ctx, co.ID)
				case "update":
					var got *paykit.Checkout
					got, err = e.client.Checkouts.Update(e.ctx, co.ID, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"order": "", "step": "2"}})
					if err == nil && (got.Metadata["step"] != "2" || got.Metadata["order"] != "") {
						t.Errorf("metadata after update = %v", got.Metadata)
					}
				}
				if s.wantErr != nil {
					wantErr(t, err, s.wantErr, "")
				} else if err != nil {
					t.Fatalf("%s: %v", s.do, err)
				}
			}
			got, err := e.client.Checkouts.Retrieve(e.ctx, co.ID)
			if err != nil || got.Status != c.final {
				t.Errorf("final status = %v (%v), want %s", got.Status, err, c.final)
			}
		})
	}
	e := newEnv(t)
	_, err := e.sim.CompleteCheckout(e.ctx, "cs_missing")
	wantErr(t, err, paykit.ErrNotFound, "id")
}

func TestCheckoutExpiresWithTime(t *testing.T) {
	e := newEnv(t)
	keep := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
	if err := e.sim.AdvanceClock(e.ctx, 23*time.Hour); err != nil {
		t.Fatal(err)
	}
	late := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
	if err := e.sim.AdvanceClock(e.ctx, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, _ := e.client.Checkouts.Retrieve(e.ctx, keep.ID)
	if got.Status != paykit.CheckoutExpired {
		t.Errorf("checkout past its expiry is %s", got.Status)
	}
	if _, err := e.sim.CompleteCheckout(e.ctx, keep.ID); err == nil {
		t.Error("an expired checkout was completed")
	}
	if _, err := e.sim.CompleteCheckout(e.ctx, late.ID); err != nil {
		t.Errorf("a checkout within its 24 h: %v", err)
	}
}

func TestPayCheckoutWithCards(t *testing.T) {
	t.Run("3-D Secure confirmed", func(t *testing.T) {
		e := newEnv(t)
		co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_pro", paykit.SessionRecurring, 1)
		pay, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardRequiresAction)
		if err != nil {
			t.Fatal(err)
		}
		if pay.Status != paykit.PaymentRequiresAction || !pay.RequiresAction || pay.PaymentURL != local.DefaultPaymentPageURL+"/pay/"+pay.ID {
			t.Fatalf("payment awaiting 3-D Secure = %+v", pay)
		}
		if got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID); got.Status != paykit.CheckoutOpen {
			t.Errorf("checkout during 3-D Secure is %s", got.Status)
		}
		paid, err := e.sim.ConfirmPayment(e.ctx, pay.ID)
		if err != nil || paid.Status != paykit.PaymentSucceeded {
			t.Fatalf("ConfirmPayment = %+v, %v", paid, err)
		}
		got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID)
		if got.Status != paykit.CheckoutComplete || got.PaymentID != pay.ID || got.SubscriptionID == "" {
			t.Errorf("checkout after confirmation = %+v", got)
		}
		if sub, err := e.client.Subscriptions.Retrieve(e.ctx, got.SubscriptionID); err != nil || sub.Status != paykit.SubscriptionActive {
			t.Errorf("subscription = %+v, %v", sub, err)
		}
		want := []paykit.EventType{paykit.EventCheckoutCreated, paykit.EventCustomerCreated, paykit.EventPaymentCreated,
			paykit.EventPaymentUpdated, paykit.EventSubscriptionCreated, paykit.EventInvoiceGenerated, paykit.EventCheckoutCompleted}
		if got := e.eventTypes(t); !slices.Equal(got, want) {
			t.Errorf("events = %v, want %v", got, want)
		}
	})
	t.Run("3-D Secure failed, then paid", func(t *testing.T) {
		e := newEnv(t)
		co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
		pay, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardRequiresAction)
		if err != nil {
			t.Fatal(err)
		}
		if failed, err := e.sim.FailPayment(e.ctx, pay.ID); err != nil || failed.Status != paykit.PaymentFailed {
			t.Fatalf("FailPayment = %+v, %v", failed, err)
		}
		if got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID); got.Status != paykit.CheckoutOpen {
			t.Errorf("checkout after a failed challenge is %s", got.Status)
		}
		if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("declined, then paid", func(t *testing.T) {
		e := newEnv(t)
		co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
		pay, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardDeclines)
		if err != nil {
			t.Fatal(err)
		}
		if pay.Status != paykit.PaymentFailed || pay.FailureCode != local.DeclineCode {
			t.Errorf("declined payment = %+v", pay)
		}
		if got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID); got.Status != paykit.CheckoutOpen || got.PaymentID != "" {
			t.Errorf("checkout after a decline = %+v", got)
		}
		paid, err := e.sim.CompleteCheckout(e.ctx, co.ID)
		if err != nil || paid.ID == pay.ID {
			t.Fatalf("second try = %+v, %v", paid, err)
		}
		if got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID); got.PaymentID != paid.ID {
			t.Errorf("checkout names payment %s, want %s", got.PaymentID, paid.ID)
		}
	})
	t.Run("confirmed after the checkout expired", func(t *testing.T) {
		e := newEnv(t)
		co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
		pay, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardRequiresAction)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.client.Checkouts.Delete(e.ctx, co.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.sim.ConfirmPayment(e.ctx, pay.ID)
		wantErr(t, err, paykit.ErrInvalidState, "")
		if got, _ := e.client.Payments.Retrieve(e.ctx, pay.ID); got.Status != paykit.PaymentRequiresAction {
			t.Errorf("payment after a refused confirmation is %s", got.Status)
		}
	})
	e := newEnv(t)
	co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_usd", paykit.SessionOneTime, 1)
	_, err := e.sim.PayCheckout(e.ctx, co.ID, local.Card("magic"))
	wantErr(t, err, paykit.ErrValidation, "card")
}

// An email payee who tries several times to pay a recurring checkout
// becomes one customer, who owns every attempt and the subscription.
func TestCheckoutAttemptsMakeOneCustomer(t *testing.T) {
	e := newEnv(t)
	co := e.checkout(t, paykit.CustomerEmail("retry@example.com"), "price_pro", paykit.SessionRecurring, 1)
	var attempts []string
	for range 3 {
		pay, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardDeclines)
		if err != nil {
			t.Fatal(err)
		}
		attempts = append(attempts, pay.ID)
	}
	challenged, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardRequiresAction)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.FailPayment(e.ctx, challenged.ID); err != nil {
		t.Fatal(err)
	}
	confirmed, err := e.sim.PayCheckout(e.ctx, co.ID, local.CardRequiresAction)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.ConfirmPayment(e.ctx, confirmed.ID); err != nil {
		t.Fatal(err)
	}
	attempts = append(attempts, challenged.ID, confirmed.ID)

	custs, err := e.client.Customers.ListPage(e.ctx, &paykit.ListCustomersParams{Email: "retry@example.com"})
	if err != nil || len(custs.Data) != 1 {
		t.Fatalf("customers of retry@example.com = %+v, %v; want one", custs, err)
	}
	cus := custs.Data[0]
	created := 0
	for _, typ := range e.eventTypes(t) {
		if typ == paykit.EventCustomerCreated {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d customer.created events, want 1", created)
	}
	for _, id := range attempts {
		if pay, _ := e.client.Payments.Retrieve(e.ctx, id); pay.Customer.ID != cus.ID {
			t.Errorf("attempt %s belongs to %+v, want %s", id, pay.Customer, cus.ID)
		}
	}
	got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID)
	if sub, err := e.client.Subscriptions.Retrieve(e.ctx, got.SubscriptionID); err != nil || sub.Customer.ID != cus.ID {
		t.Errorf("subscription = %+v, %v; want it owned by %s", sub, err, cus.ID)
	}
}
