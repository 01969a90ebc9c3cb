package paypal

import (
	"testing"

	"github.com/paykit-go/paykit"
)

// capturedPayment makes a 5000 USD automatic payment, approved and captured.
func capturedPayment(t *testing.T, f *fake, p paykit.Provider) string {
	t.Helper()
	ctx := testCtx(t)
	pay, err := p.CreatePayment(ctx, &paykit.CreatePaymentParams{Amount: 5000, Currency: "USD", Customer: paykit.CustomerEmail("x@example.com")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CapturePayment(ctx, pay.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	return pay.ID
}

// A direct call with a negative refund Amount must be refused, never
// turned into a refund of everything.
func TestNegativeRefundIsRefused(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	id := capturedPayment(t, f, p)
	r, err := p.CreateRefund(testCtx(t), &paykit.CreateRefundParams{PaymentID: id, Amount: -1}, nil)
	if err == nil {
		t.Fatalf("CreateRefund(Amount: -1) refunded %d (status %s): want a VALIDATION_ERROR on amount", r.Amount, r.Status)
	}
	wantCode(t, err, paykit.ErrValidation, "amount")
}

// Repeating a full refund with the same key (what the Client advises after
// OutcomeUnknown) must answer the refund already made.
func TestFullRefundRepeatedWithSameKey(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	id := capturedPayment(t, f, p)
	ctx := testCtx(t)
	ro := &paykit.RequestOptions{IdempotencyKey: "refund-all-1"}
	r1, err := p.CreateRefund(ctx, &paykit.CreateRefundParams{PaymentID: id}, ro)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.CreateRefund(ctx, &paykit.CreateRefundParams{PaymentID: id}, ro)
	if err != nil || r2.ID != r1.ID {
		t.Fatalf("repeat of a full refund with the same key = %+v, %v; want refund %s again", r2, err, r1.ID)
	}
}
