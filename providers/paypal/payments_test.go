package paypal

import (
	"testing"

	"github.com/paykit-go/paykit"
)

// Repeating a capture with the same key must answer the captured payment.
func TestCaptureRepeatedWithSameKey(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	ctx := testCtx(t)
	pay, err := p.CreatePayment(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerEmail("x@example.com"), CaptureMethod: paykit.CaptureManual}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	ro := &paykit.RequestOptions{IdempotencyKey: "capture-1"}
	if _, err := p.CapturePayment(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 1500}, ro); err != nil {
		t.Fatal(err)
	}
	got, err := p.CapturePayment(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 1500}, ro)
	if err != nil || got.AmountCaptured != 1500 {
		t.Fatalf("repeat of a capture with the same key = %+v, %v; want the payment captured once", got, err)
	}
}

// A direct CapturePayment with a negative Amount is refused before
// anything is sent, never passed on to PayPal.
func TestNegativeCaptureIsRefused(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	ctx := testCtx(t)
	pay, err := p.CreatePayment(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerEmail("x@example.com"), CaptureMethod: paykit.CaptureManual}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	got, err := p.CapturePayment(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: -1}, nil)
	if err == nil {
		t.Fatalf("CapturePayment(Amount: -1) = %+v: want a VALIDATION_ERROR on amount", got)
	}
	wantCode(t, err, paykit.ErrValidation, "amount")
	if after, err := p.RetrievePayment(ctx, pay.ID, nil); err != nil || after.AmountCaptured != 0 {
		t.Fatalf("after a refused capture: %+v, %v; want nothing captured", after, err)
	}
}
