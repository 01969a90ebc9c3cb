package acmepay_test

import (
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/custom-provider/acmepay"
	"github.com/paykit-go/paykit/paykittest"
)

// TestConformance runs paykit's contract suite against the provider
// pointed at the stateful fake: every request of the suite is checked
// against testdata/openapi.yaml. Every declared operation must succeed
// in it at least once; none is listed in Harness.Unexercised.
func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, conformanceHarness())
}

// TestWebhookConformance runs paykit's webhook attack suite on Acme's
// Standard Webhooks signatures.
func TestWebhookConformance(t *testing.T) {
	paykittest.RunWebhookConformance(t, conformanceHarness().Webhooks())
}

// conformanceHarness drives the provider on the fake; its deliveries are
// signed as Acme signs them.
func conformanceHarness() paykittest.Harness {
	return paykittest.Harness{
		// A fresh fake, with empty state, for every subtest.
		NewProvider: func(t *testing.T) paykit.Provider { return newFake(t).provider() },
		// Acme sells in any ISO 4217 currency: one of each exponent.
		Items: []paykittest.Item{
			{ID: "sku_usd", Amount: 2500, Currency: "USD"},
			{ID: "sku_jpy", Amount: 500, Currency: "JPY"},
			{ID: "sku_kwd", Amount: 1500, Currency: "KWD"},
		},
		// Payments succeed at once, so the suite refunds one it created
		// (no PaidPayment needed).
		//
		// One payment, declined then paid on Acme's retry: two events of
		// one object, two event ids.
		SignedDeliveries: func(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) {
			spec, now := acmeSpec(t), time.Now()
			return []*paykit.WebhookRequest{
				delivery(t, spec, "evt_conformance_1", "payment.failed", paymentObj("pay_000042", "failed", "card_declined"), now),
				delivery(t, spec, "evt_conformance_2", "payment.succeeded", paymentObj("pay_000042", "succeeded", nil), now),
			}, testWebhookSecret
		},
		// Acme sends a retry with the same body and webhook-id, signed
		// anew.
		SignAt: func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
			return signAt(req.Body, req.Header.Get("webhook-id"), secret, at)
		},
	}
}

// TestSecretConformance runs paykit's secret scan on the provider with
// canary client credentials, its base URL (the token request included)
// at the suite's echo server, and deliveries signed with a canary
// webhook secret.
func TestSecretConformance(t *testing.T) {
	paykittest.RunSecretConformance(t, paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, echo string) paykit.Provider {
			return acmepay.Provider(c.ClientID, c.ClientSecret, acmepay.WithBaseURL(echo), acmepay.WithMaxRetries(1), acmepay.WithLogger(c.Logger))
		},
		SignedDeliveries: func(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) {
			spec := acmeSpec(t)
			return []*paykit.WebhookRequest{delivery(t, spec, "evt_secret_1", "payment.succeeded", paymentObj("pay_000042", "succeeded", nil), time.Now())}, testWebhookSecret
		},
		SignAt: func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
			return signAt(req.Body, req.Header.Get("webhook-id"), secret, at)
		},
	})
}
