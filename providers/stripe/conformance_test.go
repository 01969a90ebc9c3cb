package stripe

import (
	"net/http"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/stripe/stripe-go/v79/webhook"
)

// TestConformance runs paykit's contract suite against stripe-mock.
// stripe-mock keeps no state, so the suite checks ids and shapes there;
// state, declines and errors are covered by the fixture tests.
func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, conformanceHarness())
}

// TestWebhookConformance runs paykit's webhook attack suite on Stripe's
// signatures (one Stripe-Signature header; the body holds the event id).
func TestWebhookConformance(t *testing.T) {
	paykittest.RunWebhookConformance(t, conformanceHarness().Webhooks())
}

// conformanceHarness drives the provider on stripe-mock; its deliveries
// are signed as Stripe signs them.
func conformanceHarness() paykittest.Harness {
	return paykittest.Harness{
		NewProvider: func(t *testing.T) paykit.Provider {
			return Provider(testKey, WithBaseURL(mockURL), WithReturnURLs("https://example.com/success", "https://example.com/cancel"))
		},
		Items: []paykittest.Item{
			{ID: "price_usd", Amount: 1000, Currency: "USD"},
			{ID: "price_jpy", Amount: 500, Currency: "JPY"},
			{ID: "price_kwd", Amount: 1250, Currency: "KWD"},
		},
		RecurringItem: paykittest.Item{ID: "price_monthly", Amount: 2000, Currency: "USD"},
		Stateless:     true,
		// A checkout's completion, and its PaymentIntent created, then
		// succeeded: three native events, two of one object.
		SignedDeliveries: func(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) {
			return []*paykit.WebhookRequest{
				signed(eventBody(t, "checkout.session.completed", "checkout_session_payment"), testSecret),
				signed(eventBody(t, "payment_intent.created", "payment_intent"), testSecret),
				signed(eventBody(t, "payment_intent.succeeded", "payment_intent"), testSecret),
			}, testSecret
		},
		// Stripe signs a retry of an event anew, with the time it sends it.
		SignAt: func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
			sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: req.Body, Secret: secret, Timestamp: at})
			return &paykit.WebhookRequest{Body: req.Body, Header: http.Header{"Stripe-Signature": {sp.Header}}}
		},
	}
}

// TestSecretConformance runs paykit's secret scan on the provider with a
// canary key, its base URL at the suite's echo server, and deliveries
// signed with a canary webhook secret. It retries nothing: stripe-go
// waits half a second and more before a retry, and every answer of the
// echo server is an error.
func TestSecretConformance(t *testing.T) {
	h := conformanceHarness()
	paykittest.RunSecretConformance(t, paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, echo string) paykit.Provider {
			return Provider(c.APIKey, WithBaseURL(echo), WithMaxRetries(0), WithReturnURLs("https://example.com/success", "https://example.com/cancel"))
		},
		SignedDeliveries: h.SignedDeliveries,
		SignAt:           h.SignAt,
	})
}
