package paykittest

import (
	"context"
	"testing"

	"github.com/paykit-go/paykit"
)

func knownPaymentStatus(s paykit.PaymentStatus) bool {
	switch s {
	case paykit.PaymentPending, paykit.PaymentProcessing, paykit.PaymentRequiresAction, paykit.PaymentRequiresCapture,
		paykit.PaymentSucceeded, paykit.PaymentCanceled, paykit.PaymentFailed:
		return true
	}
	return false
}

func checkPayment(t *testing.T, p *paykit.Payment) {
	t.Helper()
	if p == nil || p.ID == "" {
		t.Fatal("payment without ID")
	}
	if !knownPaymentStatus(p.Status) {
		t.Errorf("payment %s has unknown status %q", p.ID, p.Status)
	}
	if p.RequiresAction && p.PaymentURL == "" {
		t.Errorf("payment %s requires action but has no PaymentURL", p.ID)
	}
}

func (s *suite) payments(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpPaymentsCreate) {
		t.Log("payments.create not declared or Unexercised")
		return
	}
	payee := s.newCustomer(t, ctx, client)
	currency := "USD"
	if len(s.h.Items) > 0 {
		currency = s.h.Items[0].Currency
	}
	pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2500, Currency: currency, Customer: payee, Metadata: map[string]string{"order": "42"}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checkPayment(t, pay)
	if !s.h.Stateless && pay.Metadata["order"] != "42" {
		t.Errorf("Metadata = %v", pay.Metadata)
	}
	if s.can(client, paykit.OpPaymentsUpdate) {
		// Update changes a payment that has not completed.
		open := pay
		if !s.h.Stateless && pay.Status == paykit.PaymentSucceeded {
			open = s.unfinishedPayment(t, ctx, client, payee, currency)
		}
		if open != nil {
			got, err := client.Payments.Update(ctx, open.ID, &paykit.UpdatePaymentParams{Metadata: map[string]string{"order": "43"}})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if !s.h.Stateless && (got.ID != open.ID || got.Metadata["order"] != "43") {
				t.Errorf("Update = %s metadata %v, want %s metadata order=43", got.ID, got.Metadata, open.ID)
			}
		}
	}
	if s.can(client, paykit.OpPaymentsCapture) {
		auth, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: currency, Customer: payee, CaptureMethod: paykit.CaptureManual})
		if err != nil {
			t.Fatalf("Create manual: %v", err)
		}
		checkPayment(t, auth)
		if s.h.Stateless || auth.Status == paykit.PaymentRequiresCapture {
			got, err := client.Payments.Capture(ctx, auth.ID, &paykit.CapturePaymentParams{Amount: 1500})
			if err != nil {
				t.Fatalf("Capture: %v", err)
			}
			checkPayment(t, got)
			if !s.h.Stateless && (got.Status != paykit.PaymentSucceeded || got.AmountCaptured != 1500) {
				t.Errorf("after a partial capture: status %s captured %d, want succeeded 1500", got.Status, got.AmountCaptured)
			}
		}
	}
	if s.can(client, paykit.OpPaymentsCancel) {
		auth, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 900, Currency: currency, Customer: payee, CaptureMethod: paykit.CaptureManual})
		if err != nil {
			t.Fatalf("Create manual: %v", err)
		}
		got, err := client.Payments.Cancel(ctx, auth.ID)
		if err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		checkPayment(t, got)
		if !s.h.Stateless && got.Status != paykit.PaymentCanceled {
			t.Errorf("status after Cancel = %s", got.Status)
		}
	}
	if s.can(client, paykit.OpPaymentsList) {
		for p, err := range client.Payments.List(ctx, nil) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkPayment(t, p)
			break
		}
	}
	if s.can(client, paykit.OpPaymentsDelete) {
		// Delete removes a payment that never succeeded.
		if doomed := s.unfinishedPayment(t, ctx, client, payee, currency); doomed != nil {
			if err := client.Payments.Delete(ctx, doomed.ID); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if !s.h.Stateless && s.can(client, paykit.OpPaymentsRetrieve) {
				_, err := client.Payments.Retrieve(ctx, doomed.ID)
				requireCode(t, err, paykit.ErrNotFound, "Retrieve after Delete")
			}
		}
	}
}

// unfinishedPayment creates a payment that has not succeeded (an
// authorization to capture, where payments.capture is declared), or
// returns nil when the provider charged it at once.
func (s *suite) unfinishedPayment(t *testing.T, ctx context.Context, client *paykit.Client, payee paykit.Payee, currency string) *paykit.Payment {
	t.Helper()
	params := &paykit.CreatePaymentParams{Amount: 1200, Currency: currency, Customer: payee}
	if s.can(client, paykit.OpPaymentsCapture) {
		params.CaptureMethod = paykit.CaptureManual
	}
	p, err := client.Payments.Create(ctx, params)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checkPayment(t, p)
	if !s.h.Stateless && p.Status == paykit.PaymentSucceeded {
		return nil
	}
	return p
}

// paidPayment returns a succeeded payment to refund, or "" when the
// harness gives no way to make one.
func (s *suite) paidPayment(t *testing.T, ctx context.Context, client *paykit.Client) string {
	t.Helper()
	payee := s.newCustomer(t, ctx, client)
	if s.h.PaidPayment != nil {
		return s.h.PaidPayment(ctx, t, client, payee.ID)
	}
	if s.can(client, paykit.OpPaymentsCreate) {
		currency := "USD"
		if len(s.h.Items) > 0 {
			currency = s.h.Items[0].Currency
		}
		pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 5000, Currency: currency, Customer: payee})
		if err != nil {
			t.Fatalf("Payments.Create: %v", err)
		}
		if s.h.Stateless || pay.Status == paykit.PaymentSucceeded {
			return pay.ID
		}
	}
	if s.h.CompleteCheckout != nil && s.can(client, paykit.OpCheckoutsCreate) && len(s.h.Items) > 0 {
		co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: payee, ItemID: s.h.Items[0].ID, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someSuccess})
		if err != nil {
			t.Fatalf("Checkouts.Create: %v", err)
		}
		if err := s.h.CompleteCheckout(ctx, client.Provider().(*counting).Provider, co.ID); err != nil {
			t.Fatalf("CompleteCheckout: %v", err)
		}
		got, err := client.Checkouts.Retrieve(ctx, co.ID)
		if err != nil {
			t.Fatalf("Checkouts.Retrieve: %v", err)
		}
		if got.PaymentID == "" {
			t.Fatal("a completed checkout names no PaymentID")
		}
		return got.PaymentID
	}
	return ""
}
