package stripe

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// TestOneMapperPerResource maps each fixture object twice through its
// resource's one mapper: read from its JSON, as webhooks and customer
// reads are, and converted from the stripe-go object the API calls
// decode. Both must give the same resource, Raw aside.
func TestOneMapperPerResource(t *testing.T) {
	fromJSON := func(t *testing.T, object string) (*wireObject, []byte) {
		body, err := os.ReadFile(filepath.Join("testdata", "objects", object+".json"))
		require.NoError(t, err)
		var o wireObject
		o.read(append([]byte(nil), body...))
		return &o, body
	}
	decode := func(t *testing.T, body []byte, v any) {
		require.NoError(t, json.Unmarshal(body, v))
	}
	noRaw := func(v any) any {
		switch r := v.(type) {
		case *paykit.Payment:
			r.Raw = nil
		case *paykit.Checkout:
			r.Raw = nil
		case *paykit.Subscription:
			r.Raw = nil
		case *paykit.Refund:
			r.Raw = nil
		case *paykit.Invoice:
			r.Raw = nil
		}
		return v
	}
	cases := []struct {
		object string
		native func(t *testing.T, body []byte) *wireObject
		out    func(*wireObject) any
	}{
		{"payment_intent", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.PaymentIntent
			decode(t, b, &v)
			return wirePaymentIntent(&v)
		}, func(o *wireObject) any { return o.paymentOut() }},
		{"payment_intent_failed", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.PaymentIntent
			decode(t, b, &v)
			return wirePaymentIntent(&v)
		}, func(o *wireObject) any { return o.paymentOut() }},
		{"payment_intent_requires_action", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.PaymentIntent
			decode(t, b, &v)
			return wirePaymentIntent(&v)
		}, func(o *wireObject) any { return o.paymentOut() }},
		{"payment_intent_refunded", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.PaymentIntent
			decode(t, b, &v)
			return wirePaymentIntent(&v)
		}, func(o *wireObject) any { return o.paymentOut() }},
		{"charge_refunded", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.Charge
			decode(t, b, &v)
			v.Captured = true // the fixture does not say; stripe-go's zero is false
			return wireCharge(&v)
		}, func(o *wireObject) any { return o.chargePaymentOut() }},
		{"checkout_session_payment", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.CheckoutSession
			decode(t, b, &v)
			return wireSession(&v)
		}, func(o *wireObject) any { return o.checkoutOut() }},
		{"checkout_session_payment", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.CheckoutSession
			decode(t, b, &v)
			return wireSession(&v)
		}, func(o *wireObject) any { return o.sessionPaymentOut() }},
		{"checkout_session_subscription", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.CheckoutSession
			decode(t, b, &v)
			return wireSession(&v)
		}, func(o *wireObject) any { return o.checkoutOut() }},
		{"checkout_session_expired", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.CheckoutSession
			decode(t, b, &v)
			return wireSession(&v)
		}, func(o *wireObject) any { return o.checkoutOut() }},
		{"subscription", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.Subscription
			decode(t, b, &v)
			return wireSubscription(&v)
		}, func(o *wireObject) any { return o.subscriptionOut() }},
		{"refund", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.Refund
			decode(t, b, &v)
			return wireRefund(&v)
		}, func(o *wireObject) any { return o.refundOut() }},
		{"invoice", func(t *testing.T, b []byte) *wireObject {
			var v stripeapi.Invoice
			decode(t, b, &v)
			return wireInvoice(&v)
		}, func(o *wireObject) any { return o.invoiceOut() }},
	}
	for _, tc := range cases {
		t.Run(tc.object, func(t *testing.T) {
			o, body := fromJSON(t, tc.object)
			want := tc.out(o)
			native := tc.native(t, body)
			got := tc.out(native)
			assert.Same(t, native.native, native.rawOut(), "Raw is the stripe-go object")
			assert.Equal(t, noRaw(want), noRaw(got))
		})
	}
}
