package local_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

func TestCreatePayment(t *testing.T) {
	e := newEnv(t)
	cus := e.customer(t)
	cases := []struct {
		name       string
		params     paykit.CreatePaymentParams
		wantStatus paykit.PaymentStatus
		captured   int64
		action     bool
		wantErr    *paykit.Error
		wantParam  string
		events     []paykit.EventType
	}{
		{name: "saved card", params: paykit.CreatePaymentParams{Amount: 1050, Currency: "usd", Customer: paykit.CustomerID(cus.ID)},
			wantStatus: paykit.PaymentSucceeded, captured: 1050, events: []paykit.EventType{paykit.EventPaymentCreated, paykit.EventPaymentUpdated}},
		{name: "saved card, manual capture", params: paykit.CreatePaymentParams{Amount: 1050, Currency: "KWD", Customer: paykit.CustomerID(cus.ID), CaptureMethod: paykit.CaptureManual},
			wantStatus: paykit.PaymentRequiresCapture, events: []paykit.EventType{paykit.EventPaymentCreated, paykit.EventPaymentUpdated}},
		{name: "email payee waits for the payer", params: paykit.CreatePaymentParams{Amount: 500, Currency: "JPY", Customer: paykit.CustomerEmail("a@example.com")},
			wantStatus: paykit.PaymentPending, action: true, events: []paykit.EventType{paykit.EventPaymentCreated}},
		{name: "unknown customer", params: paykit.CreatePaymentParams{Amount: 1, Currency: "USD", Customer: paykit.CustomerID("cus_nope")},
			wantErr: paykit.ErrNotFound, wantParam: "customer"},
		// A payment of nothing is refused, as Stripe, Polar and PayPal do,
		// where it was created as succeeded.
		{name: "zero amount, saved card", params: paykit.CreatePaymentParams{Amount: 0, Currency: "USD", Customer: paykit.CustomerID(cus.ID)},
			wantErr: paykit.ErrValidation, wantParam: "amount"},
		{name: "zero amount, email payee", params: paykit.CreatePaymentParams{Amount: 0, Currency: "JPY", Customer: paykit.CustomerEmail("a@example.com")},
			wantErr: paykit.ErrValidation, wantParam: "amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(e.eventTypes(t))
			pay, err := e.client.Payments.Create(e.ctx, &c.params)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, c.wantParam)
				if got := e.eventTypes(t)[before:]; len(got) > 0 {
					t.Errorf("a refused payment emitted %v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pay.Status != c.wantStatus || pay.AmountCaptured != c.captured || pay.RequiresAction != c.action || pay.Amount != c.params.Amount ||
				pay.Currency != strings.ToUpper(c.params.Currency) || !strings.HasPrefix(pay.ID, "pay_") {
				t.Errorf("payment = %+v", pay)
			}
			if c.action != (pay.PaymentURL == local.DefaultPaymentPageURL+"/pay/"+pay.ID) {
				t.Errorf("PaymentURL = %q with RequiresAction %v", pay.PaymentURL, pay.RequiresAction)
			}
			if got := e.eventTypes(t)[before:]; !slices.Equal(got, c.events) {
				t.Errorf("events = %v, want %v", got, c.events)
			}
			stored, err := e.client.Payments.Retrieve(e.ctx, pay.ID)
			if err != nil || stored.Status != pay.Status || stored.AmountCaptured != pay.AmountCaptured {
				t.Errorf("Retrieve = %+v, %v", stored, err)
			}
		})
	}
}

// paymentIn makes a payment in the given state.
func paymentIn(t *testing.T, e *env, state string) *paykit.Payment {
	t.Helper()
	cus := e.customer(t)
	switch state {
	case "succeeded":
		return e.payment(t, paykit.CustomerID(cus.ID), 1000, "")
	case "requires_capture":
		return e.payment(t, paykit.CustomerID(cus.ID), 1000, paykit.CaptureManual)
	case "pending":
		return e.payment(t, paykit.CustomerEmail("a@example.com"), 1000, "")
	case "canceled":
		pay := e.payment(t, paykit.CustomerID(cus.ID), 1000, paykit.CaptureManual)
		got, err := e.client.Payments.Cancel(e.ctx, pay.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	case "failed":
		pay := e.payment(t, paykit.CustomerEmail("a@example.com"), 1000, "")
		got, err := e.sim.FailPayment(e.ctx, pay.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Fatalf("unknown state %s", state)
	return nil
}

func TestPaymentTransitions(t *testing.T) {
	e := newEnv(t)
	capture := func(amount int64) func(*paykit.Payment) (*paykit.Payment, error) {
		return func(p *paykit.Payment) (*paykit.Payment, error) {
			return e.client.Payments.Capture(e.ctx, p.ID, &paykit.CapturePaymentParams{Amount: amount})
		}
	}
	cancel := func(p *paykit.Payment) (*paykit.Payment, error) { return e.client.Payments.Cancel(e.ctx, p.ID) }
	fail := func(p *paykit.Payment) (*paykit.Payment, error) { return e.sim.FailPayment(e.ctx, p.ID) }
	confirm := func(p *paykit.Payment) (*paykit.Payment, error) { return e.sim.ConfirmPayment(e.ctx, p.ID) }
	cases := []struct {
		name      string
		from      string
		do        func(*paykit.Payment) (*paykit.Payment, error)
		want      paykit.PaymentStatus
		captured  int64
		failure   string
		wantErr   *paykit.Error
		wantParam string
		event     paykit.EventType
	}{
		{name: "capture all", from: "requires_capture", do: capture(0), want: paykit.PaymentSucceeded, captured: 1000, event: paykit.EventPaymentUpdated},
		{name: "capture part", from: "requires_capture", do: capture(600), want: paykit.PaymentSucceeded, captured: 600, event: paykit.EventPaymentUpdated},
		{name: "capture more than authorized", from: "requires_capture", do: capture(1001), wantErr: paykit.ErrValidation, wantParam: "amount"},
		{name: "capture a succeeded", from: "succeeded", do: capture(0), wantErr: paykit.ErrInvalidState},
		{name: "capture a pending", from: "pending", do: capture(0), wantErr: paykit.ErrInvalidState},
		{name: "cancel an authorization", from: "requires_capture", do: cancel, want: paykit.PaymentCanceled, event: paykit.EventPaymentCanceled},
		{name: "cancel a pending", from: "pending", do: cancel, want: paykit.PaymentCanceled, event: paykit.EventPaymentCanceled},
		{name: "cancel a succeeded", from: "succeeded", do: cancel, wantErr: paykit.ErrInvalidState},
		{name: "cancel a canceled", from: "canceled", do: cancel, wantErr: paykit.ErrInvalidState},
		{name: "cancel a failed", from: "failed", do: cancel, wantErr: paykit.ErrInvalidState},
		{name: "fail a pending", from: "pending", do: fail, want: paykit.PaymentFailed, failure: local.DeclineCode, event: paykit.EventPaymentUpdated},
		{name: "fail an authorization", from: "requires_capture", do: fail, want: paykit.PaymentFailed, failure: local.DeclineCode, event: paykit.EventPaymentUpdated},
		{name: "fail a succeeded", from: "succeeded", do: fail, wantErr: paykit.ErrInvalidState},
		{name: "confirm a pending", from: "pending", do: confirm, want: paykit.PaymentSucceeded, captured: 1000, event: paykit.EventPaymentUpdated},
		{name: "confirm a succeeded", from: "succeeded", do: confirm, wantErr: paykit.ErrInvalidState},
		{name: "confirm a failed", from: "failed", do: confirm, wantErr: paykit.ErrInvalidState},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pay := paymentIn(t, e, c.from)
			before := len(e.eventTypes(t))
			got, err := c.do(pay)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, c.wantParam)
				if after := len(e.eventTypes(t)); after != before {
					t.Errorf("a refused transition emitted %d events", after-before)
				}
				stored, _ := e.client.Payments.Retrieve(e.ctx, pay.ID)
				if stored.Status != pay.Status {
					t.Errorf("a refused transition moved %s to %s", pay.Status, stored.Status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != c.want || got.AmountCaptured != c.captured || got.FailureCode != c.failure || got.RequiresAction {
				t.Errorf("payment = %+v, want %s captured %d failure %q", got, c.want, c.captured, c.failure)
			}
			if evs := e.eventTypes(t)[before:]; len(evs) != 1 || evs[0] != c.event {
				t.Errorf("events = %v, want [%s]", evs, c.event)
			}
		})
	}
	_, err := e.client.Payments.Capture(e.ctx, "pay_missing", nil)
	wantErr(t, err, paykit.ErrNotFound, "id")
}

func TestManualPaymentOfEmailPayee(t *testing.T) {
	e := newEnv(t)
	pay := e.payment(t, paykit.CustomerEmail("a@example.com"), 700, paykit.CaptureManual)
	got, err := e.sim.ConfirmPayment(e.ctx, pay.ID)
	if err != nil || got.Status != paykit.PaymentRequiresCapture {
		t.Fatalf("confirmed manual payment = %+v, %v", got, err)
	}
	got, err = e.client.Payments.Capture(e.ctx, pay.ID, nil)
	if err != nil || got.Status != paykit.PaymentSucceeded || got.AmountCaptured != 700 {
		t.Fatalf("captured = %+v, %v", got, err)
	}
}

func TestDeletePayment(t *testing.T) {
	for _, c := range []struct {
		from     string
		wantErr  *paykit.Error
		canceled bool // a payment.canceled event
	}{
		{from: "pending", canceled: true},
		{from: "requires_capture", canceled: true},
		{from: "canceled"},
		{from: "failed"},
		{from: "succeeded", wantErr: paykit.ErrInvalidState},
	} {
		t.Run(c.from, func(t *testing.T) {
			e := newEnv(t)
			pay := paymentIn(t, e, c.from)
			before := len(e.eventTypes(t))
			err := e.client.Payments.Delete(e.ctx, pay.ID)
			if c.wantErr != nil {
				wantErr(t, err, c.wantErr, "")
				if _, err := e.client.Payments.Retrieve(e.ctx, pay.ID); err != nil {
					t.Errorf("a refused delete removed the payment: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.client.Payments.Retrieve(e.ctx, pay.ID)
			wantErr(t, err, paykit.ErrNotFound, "id")
			evs := e.eventTypes(t)[before:]
			if c.canceled != slices.Equal(evs, []paykit.EventType{paykit.EventPaymentCanceled}) || !c.canceled && len(evs) != 0 {
				t.Errorf("events = %v", evs)
			}
		})
	}
}

func TestUpdatePayment(t *testing.T) {
	e := newEnv(t)
	pay := paymentIn(t, e, "succeeded")
	got, err := e.client.Payments.Update(e.ctx, pay.ID, &paykit.UpdatePaymentParams{Metadata: map[string]string{"note": "vip"}})
	if err != nil || got.Metadata["note"] != "vip" || got.Status != paykit.PaymentSucceeded {
		t.Fatalf("Update = %+v, %v", got, err)
	}
	_, err = e.client.Payments.Update(e.ctx, "pay_missing", &paykit.UpdatePaymentParams{})
	wantErr(t, err, paykit.ErrNotFound, "id")
}

func TestDeclinedCard(t *testing.T) {
	e := newEnv(t)
	cus := e.customer(t)
	if err := e.sim.SetCardDeclined(e.ctx, cus.ID, true); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.Payments.Create(e.ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID(cus.ID)},
		paykit.WithIdempotencyKey("declined-once"))
	pe := wantErr(t, err, paykit.ErrCardDeclined, "")
	if pe.DeclineCode != local.DeclineCode {
		t.Errorf("DeclineCode = %q", pe.DeclineCode)
	}
	// The failed payment is kept, as at Stripe, and the retry with the same key
	// replays the decline without a second charge.
	_, again := e.client.Payments.Create(e.ctx, &paykit.CreatePaymentParams{Amount: 100, Currency: "USD", Customer: paykit.CustomerID(cus.ID)},
		paykit.WithIdempotencyKey("declined-once"))
	wantErr(t, again, paykit.ErrCardDeclined, "")
	page, err := e.client.Payments.ListPage(e.ctx, &paykit.ListPaymentsParams{CustomerID: cus.ID})
	if err != nil || len(page.Data) != 1 || page.Data[0].Status != paykit.PaymentFailed || page.Data[0].FailureCode != local.DeclineCode {
		t.Fatalf("payments after a decline: %+v, %v", page, err)
	}
	if err := e.sim.SetCardDeclined(e.ctx, cus.ID, false); err != nil {
		t.Fatal(err)
	}
	if pay := e.payment(t, paykit.CustomerID(cus.ID), 100, ""); pay.Status != paykit.PaymentSucceeded {
		t.Errorf("payment after the card works again: %s", pay.Status)
	}
	wantErr(t, e.sim.SetCardDeclined(e.ctx, "cus_missing", true), paykit.ErrNotFound, "id")
}

func TestRefunds(t *testing.T) {
	e := newEnv(t)
	type refund struct {
		amount    int64
		wantErr   *paykit.Error
		wantParam string
		want      int64 // amount refunded, when it succeeds
	}
	cases := []struct {
		name     string
		from     string
		refunds  []refund
		refunded int64
	}{
		{"partial then rest", "succeeded", []refund{{amount: 300, want: 300}, {amount: 0, want: 700}}, 1000},
		{"full", "succeeded", []refund{{amount: 1000, want: 1000}}, 1000},
		{"over-refund", "succeeded", []refund{{amount: 1001, wantErr: paykit.ErrValidation, wantParam: "amount"}}, 0},
		{"over-refund after a partial", "succeeded", []refund{{amount: 600, want: 600}, {amount: 401, wantErr: paykit.ErrValidation, wantParam: "amount"}, {amount: 400, want: 400}}, 1000},
		{"fully refunded", "succeeded", []refund{{amount: 0, want: 1000}, {amount: 0, wantErr: paykit.ErrInvalidState}, {amount: 1, wantErr: paykit.ErrValidation, wantParam: "amount"}}, 1000},
		{"pending payment", "pending", []refund{{amount: 0, wantErr: paykit.ErrInvalidState}}, 0},
		{"authorization", "requires_capture", []refund{{amount: 0, wantErr: paykit.ErrInvalidState}}, 0},
		{"canceled payment", "canceled", []refund{{amount: 0, wantErr: paykit.ErrInvalidState}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pay := paymentIn(t, e, c.from)
			for _, r := range c.refunds {
				before := len(e.eventTypes(t))
				ref, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: r.amount,
					Reason: paykit.RefundRequestedByCustomer, Metadata: map[string]string{"ticket": "7"}})
				if r.wantErr != nil {
					wantErr(t, err, r.wantErr, r.wantParam)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if ref.Amount != r.want || ref.Currency != pay.Currency || ref.PaymentID != pay.ID || ref.Status != paykit.RefundSucceeded ||
					ref.Reason != paykit.RefundRequestedByCustomer || ref.Metadata["ticket"] != "7" || !strings.HasPrefix(ref.ID, "re_") {
					t.Errorf("refund = %+v, want %d", ref, r.want)
				}
				want := []paykit.EventType{paykit.EventRefundCreated, paykit.EventPaymentUpdated}
				if evs := e.eventTypes(t)[before:]; !slices.Equal(evs, want) {
					t.Errorf("events = %v, want %v", evs, want)
				}
			}
			got, _ := e.client.Payments.Retrieve(e.ctx, pay.ID)
			if got.AmountRefunded != c.refunded {
				t.Errorf("AmountRefunded = %d, want %d", got.AmountRefunded, c.refunded)
			}
		})
	}
	_, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: "pay_missing"})
	wantErr(t, err, paykit.ErrNotFound, "payment_id")

	// A partial capture refunds at most what was captured.
	auth := paymentIn(t, e, "requires_capture")
	if _, err := e.client.Payments.Capture(e.ctx, auth.ID, &paykit.CapturePaymentParams{Amount: 400}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: auth.ID, Amount: 401})
	wantErr(t, err, paykit.ErrValidation, "amount")
	if ref, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: auth.ID}); err != nil || ref.Amount != 400 {
		t.Errorf("refund of the rest of a partial capture = %+v, %v", ref, err)
	}
}
