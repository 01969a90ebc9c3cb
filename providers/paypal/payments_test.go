package paypal

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
)

// approvedManualPayment makes a 2000 USD manual payment with ro, approved
// by the payer.
func approvedManualPayment(t *testing.T, f *fake, p paykit.Provider, ro *paykit.RequestOptions) *paykit.Payment {
	t.Helper()
	pay, err := p.CreatePayment(testCtx(t), &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerEmail("x@example.com"), CaptureMethod: paykit.CaptureManual}, ro)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	return pay
}

// Repeating a capture with the same key must answer the captured payment.
func TestCaptureRepeatedWithSameKey(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	ctx := testCtx(t)
	pay := approvedManualPayment(t, f, p, nil)
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
	pay := approvedManualPayment(t, f, p, nil)
	got, err := p.CapturePayment(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: -1}, nil)
	if err == nil {
		t.Fatalf("CapturePayment(Amount: -1) = %+v: want a VALIDATION_ERROR on amount", got)
	}
	wantCode(t, err, paykit.ErrValidation, "amount")
	if after, err := p.RetrievePayment(ctx, pay.ID, nil); err != nil || after.AmountCaptured != 0 {
		t.Fatalf("after a refused capture: %+v, %v; want nothing captured", after, err)
	}
}

// paykit takes keys up to 255 characters; PayPal's orders endpoints take
// PayPal-Request-Id up to 108. A key CreatePayment accepted must also work
// for the Capture that derives "<key>-authorize" from it.
func TestDerivedKeyTooLong(t *testing.T) {
	f := newFake(t)
	p := f.provider()
	ctx := testCtx(t)
	key := strings.Repeat("k", 100)
	pay, err := p.CreatePayment(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerEmail("x@example.com"), CaptureMethod: paykit.CaptureManual},
		&paykit.RequestOptions{IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.approveOrder(pay.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CapturePayment(ctx, pay.ID, nil, &paykit.RequestOptions{IdempotencyKey: key}); err != nil {
		t.Fatalf("CapturePayment with a 100-character key: %v (violations %v)", err, f.srv.Violations())
	}
}

// Keys of 100 and 200 characters, which the Client accepts (255 at most),
// work for every write of a payment through a Client: PayPal-Request-Id
// never exceeds the documents' 108, a key too long for it becomes one
// fixed-length hash, and the same call with the same key sends the same
// header, so PayPal still replays it.
func TestLongKeysThroughClient(t *testing.T) {
	for _, n := range []int{100, 200} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			f, c, cus := newClient(t)
			ctx := testCtx(t)
			key := strings.Repeat("k", n) // one call's key: each call below has its own
			keyed := paykit.WithIdempotencyKey
			params := &paykit.CreatePaymentParams{Amount: 2000, Currency: "USD", Customer: paykit.CustomerID(cus), CaptureMethod: paykit.CaptureManual}
			pay, err := c.Payments.Create(ctx, params, keyed(key+"-create"))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.approveOrder(pay.ID); err != nil {
				t.Fatal(err)
			}
			got, err := c.Payments.Capture(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 1500}, keyed(key))
			if err != nil || got.AmountCaptured != 1500 {
				t.Fatalf("capture with a %d-character key = %+v, %v", n, got, err)
			}
			again, err := c.Payments.Capture(ctx, pay.ID, &paykit.CapturePaymentParams{Amount: 1500}, keyed(key))
			if err != nil || again.AmountCaptured != 1500 {
				t.Fatalf("capture repeated with a %d-character key = %+v, %v; want it replayed", n, again, err)
			}
			r1, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 500}, keyed(key))
			if err != nil {
				t.Fatal(err)
			}
			r2, err := c.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 500}, keyed(key))
			if err != nil || r2.ID != r1.ID {
				t.Fatalf("refund repeated with a %d-character key = %+v, %v; want %s again", n, r2, err, r1.ID)
			}
			other, err := c.Payments.Create(ctx, params, keyed(key+"-other"))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.approveOrder(other.ID); err != nil {
				t.Fatal(err)
			}
			if got, err := c.Payments.Cancel(ctx, other.ID, keyed(strings.Repeat("c", n))); err != nil || got.Status != paykit.PaymentCanceled {
				t.Fatalf("cancel with a %d-character key = %+v, %v", n, got, err)
			}
			if v := f.srv.Violations(); len(v) > 0 {
				t.Fatalf("violations: %v", v)
			}
			headers := map[string][]string{}
			for _, call := range f.srv.Calls("") {
				if h := call.Header.Get("PayPal-Request-Id"); h != "" {
					if len(h) > maxRequestID {
						t.Errorf("%s sent a PayPal-Request-Id of %d characters", call.OperationID, len(h))
					}
					if n+len("-capture") > maxRequestID && strings.HasPrefix(h, "kkkk") && strings.HasSuffix(h, "capture") {
						t.Errorf("%s sent %q, not its hash", call.OperationID, h)
					}
					headers[call.OperationID] = append(headers[call.OperationID], h)
				}
			}
			for _, op := range []string{"authorizations.capture", "captures.refund"} {
				if h := headers[op]; len(h) != 2 || h[0] != h[1] {
					t.Errorf("%s sent %q: want the same header twice", op, h)
				}
			}
		})
	}
}

// PayPal's authorizations.void takes no PayPal-Request-Id (the spec lists
// none), so it does not replay a void by key. A void whose answer was lost
// must not turn a done void into an error.
func TestVoidRetryAfterLostAnswer(t *testing.T) {
	f := newFake(t)
	p := f.provider(WithHTTPClient(&http.Client{Transport: &dropFirst{suffix: "/void"}}))
	ctx := context.Background()
	pay := approvedManualPayment(t, f, p, nil)
	got, err := p.CancelPayment(ctx, pay.ID, &paykit.RequestOptions{IdempotencyKey: "cancel-1"})
	if err != nil || got.Status != paykit.PaymentCanceled {
		t.Fatalf("CancelPayment whose void answer was lost = %+v, %v; the void was applied (want canceled)", got, err)
	}
	// The same cancel repeated answers the canceled payment too.
	again, err := p.CancelPayment(ctx, pay.ID, &paykit.RequestOptions{IdempotencyKey: "cancel-1"})
	if err != nil || again.Status != paykit.PaymentCanceled {
		t.Fatalf("CancelPayment repeated = %+v, %v; want canceled", again, err)
	}
	for _, c := range f.srv.Calls("authorizations.void") {
		if h := c.Header.Get("PayPal-Request-Id"); h != "" {
			t.Errorf("the void sent PayPal-Request-Id %q, which authorizations.void does not take", h)
		}
	}
	if n := len(f.srv.Calls("authorizations.void")); n != 1 {
		t.Errorf("%d voids, want 1: nothing repeats a void without a key", n)
	}
}
