package stripe

import (
	"context"
	"fmt"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The payment of a Checkout Session (Payments.Create without a saved
// payment method), whose PaymentIntent Stripe creates when the payer first
// submits the checkout page (API 2022-08-01 and later).

// checkoutSession is a session in payment mode with status and, when intent
// is not empty, its expanded PaymentIntent (the JSON of its fields).
func checkoutSession(status, intent string) string {
	pi := "null"
	if intent != "" {
		pi = `{"id":"pi_1","object":"payment_intent","amount":1050,"currency":"usd",` + intent + `}`
	}
	return fmt.Sprintf(`{"id":"cs_1","object":"checkout.session","mode":"payment","status":%q,"payment_status":"unpaid",
		"amount_total":1050,"currency":"usd","url":"https://checkout.stripe.com/c/pay/cs_1","payment_intent":%s}`, status, pi)
}

// TestOpenCheckoutPaymentAwaitsThePayer: while its session is open, a
// checkout payment waits for the payer at the session's page, whatever its
// PaymentIntent says of an attempt: a declined card or a 3-D Secure
// challenge is handled on that page, where the payer can try again.
func TestOpenCheckoutPaymentAwaitsThePayer(t *testing.T) {
	cases := []struct {
		name, status, intent string
		want                 paykit.PaymentStatus
		failureCode          string
	}{
		{"declined, the payer may retry", "open", `"status":"requires_payment_method",
			"last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds"}`, paykit.PaymentRequiresAction, "insufficient_funds"},
		{"3-D Secure on the checkout page", "open", `"status":"requires_action","next_action":{"type":"use_stripe_sdk"}`, paykit.PaymentRequiresAction, ""},
		{"no attempt yet", "open", "", paykit.PaymentRequiresAction, ""},
		{"paid, the session about to complete", "open", `"status":"succeeded","amount_received":1050`, paykit.PaymentSucceeded, ""},
		{"complete, authorized", "complete", `"status":"requires_capture","capture_method":"manual"`, paykit.PaymentRequiresCapture, ""},
		{"expired", "expired", `"status":"canceled"`, paykit.PaymentCanceled, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, _ := fixture(t, routes{"GET /v1/checkout/sessions/cs_1": reply(200, checkoutSession(tc.status, tc.intent))})
			pay, err := client.Payments.Retrieve(context.Background(), "cs_1")
			require.NoError(t, err)
			assert.Equal(t, "cs_1", pay.ID)
			assert.Equal(t, tc.want, pay.Status)
			assert.Equal(t, tc.want == paykit.PaymentRequiresAction, pay.RequiresAction)
			if tc.want == paykit.PaymentRequiresAction {
				assert.Equal(t, "https://checkout.stripe.com/c/pay/cs_1", pay.PaymentURL, "the payer pays on the session's page")
			} else {
				assert.Empty(t, pay.PaymentURL)
			}
			assert.Equal(t, tc.failureCode, pay.FailureCode, "the last attempt's decline stays visible")
			assert.Equal(t, int64(1050), pay.Amount)
		})
	}
}

// TestCancelCheckoutPayment: an open session is expired, whether or not
// the payer made an attempt (Stripe refuses to cancel the PaymentIntent of
// a Checkout Session); the authorized payment of a complete session is
// cancelled through its PaymentIntent. Both are reported under the
// session's id.
func TestCancelCheckoutPayment(t *testing.T) {
	ctx := context.Background()
	t.Run("open, after a declined attempt", func(t *testing.T) {
		expired := `{"id":"cs_1","object":"checkout.session","mode":"payment","status":"expired","payment_status":"unpaid","amount_total":1050,"currency":"usd","payment_intent":"pi_1"}`
		client, rec := fixture(t, routes{
			"GET /v1/checkout/sessions/cs_1": reply(200, checkoutSession("open", `"status":"requires_payment_method",
				"last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline"}`)),
			"POST /v1/checkout/sessions/cs_1/expire": reply(200, expired),
		})
		pay, err := client.Payments.Cancel(ctx, "cs_1", paykit.WithIdempotencyKey("cancel-1"))
		require.NoError(t, err)
		assert.Equal(t, "cs_1", pay.ID)
		assert.Equal(t, paykit.PaymentCanceled, pay.Status)
		sent := rec.last(t)
		assert.Equal(t, "/v1/checkout/sessions/cs_1/expire", sent.Path)
		assert.Equal(t, "cancel-1", sent.Header.Get("Idempotency-Key"))
	})
	t.Run("open, but just paid", func(t *testing.T) {
		for _, status := range []string{"succeeded", "processing", "requires_capture"} {
			client, rec := fixture(t, routes{
				"GET /v1/checkout/sessions/cs_1": reply(200, checkoutSession("open", `"status":"`+status+`"`)),
			})
			_, err := client.Payments.Cancel(ctx, "cs_1")
			require.ErrorIs(t, err, paykit.ErrInvalidState, status)
			assert.Len(t, rec.all(), 1, "%s: nothing but the read is sent", status)
		}
	})
	t.Run("complete, authorized", func(t *testing.T) {
		client, rec := fixture(t, routes{
			"GET /v1/checkout/sessions/cs_1":       reply(200, checkoutSession("complete", `"status":"requires_capture","capture_method":"manual"`)),
			"POST /v1/payment_intents/pi_1/cancel": reply(200, `{"id":"pi_1","object":"payment_intent","amount":1050,"currency":"usd","status":"canceled","capture_method":"manual"}`),
		})
		pay, err := client.Payments.Cancel(ctx, "cs_1")
		require.NoError(t, err)
		assert.Equal(t, "cs_1", pay.ID)
		assert.Equal(t, paykit.PaymentCanceled, pay.Status)
		assert.Equal(t, "/v1/payment_intents/pi_1/cancel", rec.last(t).Path)
	})
}

// TestCheckoutPaymentReturnURLs: PaymentOptions' SuccessURL and CancelURL
// each override the provider's WithReturnURLs on their own.
func TestCheckoutPaymentReturnURLs(t *testing.T) {
	cases := []struct {
		name               string
		opts               PaymentOptions
		success, cancelURL string
	}{
		{"defaults", PaymentOptions{}, "https://shop.example/paid", "https://shop.example/cart"},
		{"cancel URL only", PaymentOptions{CancelURL: "https://shop.example/basket"}, "https://shop.example/paid", "https://shop.example/basket"},
		{"success URL only", PaymentOptions{SuccessURL: "https://shop.example/thanks"}, "https://shop.example/thanks", "https://shop.example/cart"},
		{"both", PaymentOptions{SuccessURL: "https://shop.example/thanks", CancelURL: "https://shop.example/basket"}, "https://shop.example/thanks", "https://shop.example/basket"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, rec := fixture(t, routes{"POST /v1/checkout/sessions": reply(200, checkoutSession("open", ""))},
				WithReturnURLs("https://shop.example/paid", "https://shop.example/cart"))
			_, err := client.Payments.Create(context.Background(), &paykit.CreatePaymentParams{Amount: 1050, Currency: "USD",
				Customer: paykit.CustomerEmail("a@example.com"), ProviderMetadata: tc.opts})
			require.NoError(t, err)
			f := rec.last(t).Form
			assert.Equal(t, tc.success, f.Get("success_url"))
			assert.Equal(t, tc.cancelURL, f.Get("cancel_url"))
		})
	}
}
