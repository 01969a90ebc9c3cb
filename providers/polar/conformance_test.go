package polar

import (
	"context"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
)

const (
	testToken  = "polar_oat_0123456789abcdefghijklmnopqrstuvwxyz"
	testSecret = "whsec_polar_test_secret_0123456789"
)

// Products of the fake, with fixed ids.
const (
	usdProduct       = "0b1c5d1e-5a8f-4b4e-9d4a-000000000001" // seat-based, 15.00 USD a seat
	jpyProduct       = "0b1c5d1e-5a8f-4b4e-9d4a-000000000002" // seat-based, 800 JPY a seat
	freePlan         = "0b1c5d1e-5a8f-4b4e-9d4a-000000000003" // free, monthly
	paidPlan         = "0b1c5d1e-5a8f-4b4e-9d4a-000000000004" // 9.00 USD monthly
	oneTimeProduct   = "0b1c5d1e-5a8f-4b4e-9d4a-000000000005" // fixed 1.00 USD
	missingProductID = "0b1c5d1e-5a8f-4b4e-9d4a-0000000000ff"
)

// newFakeWithProducts returns a fake that sells the products above.
func newFakeWithProducts(t *testing.T) *fakePolar {
	f := newFakePolar(t)
	f.addProduct(usdProduct, 1500, "usd", false, true)
	f.addProduct(jpyProduct, 800, "jpy", false, true)
	f.addProduct(freePlan, 0, "usd", true, false)
	f.addProduct(paidPlan, 900, "usd", true, false)
	f.addProduct(oneTimeProduct, 100, "usd", false, false)
	return f
}

// TestConformance runs paykit's contract suite against the provider
// pointed at the stateful, spec-validating fake: every request of the
// suite is checked against Polar's 2026-10 document.
func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, conformanceHarness())
}

// TestWebhookConformance runs paykit's webhook attack suite on Polar's
// Standard Webhooks signatures.
func TestWebhookConformance(t *testing.T) {
	paykittest.RunWebhookConformance(t, conformanceHarness().Webhooks())
}

// conformanceHarness drives the provider on the fake; its deliveries are
// signed as Polar signs them.
func conformanceHarness() paykittest.Harness {
	var fake *fakePolar
	return paykittest.Harness{
		NewProvider: func(t *testing.T) paykit.Provider {
			fake = newFakeWithProducts(t)
			return fake.provider(WithPaymentProduct(oneTimeProduct))
		},
		// Seat-based prices: the only ones Polar sells in quantities. Polar
		// presents no KWD.
		Items: []paykittest.Item{{ID: usdProduct, Amount: 1500, Currency: "USD"}, {ID: jpyProduct, Amount: 800, Currency: "JPY"}},
		// Polar subscribes customers through the API to free products only.
		RecurringItem: paykittest.Item{ID: freePlan, Amount: 0, Currency: "USD"},
		PaidPayment: func(ctx context.Context, t *testing.T, c *paykit.Client, customerID string) string {
			return fake.paidOrder(customerID, usdProduct, 5000, "usd")
		},
		CompleteCheckout: func(ctx context.Context, p paykit.Provider, checkoutID string) error {
			return fake.completeCheckout(checkoutID)
		},
		// One order, created then paid: two events, two webhook-ids.
		SignedDeliveries: func(t *testing.T, p paykit.Provider) ([]*paykit.WebhookRequest, string) {
			return []*paykit.WebhookRequest{
				signed(fixture(t, "order.created"), "msg_conformance_1", time.Now(), testSecret),
				signed(fixture(t, "order.paid"), "msg_conformance_2", time.Now(), testSecret),
			}, testSecret
		},
		// Polar sends a retry with the same webhook-id, signed anew.
		SignAt: func(t *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
			return signed(req.Body, req.Header.Get("webhook-id"), at, secret)
		},
	}
}

// TestSecretConformance runs paykit's secret scan on the provider with a
// canary access token, its base URL at the suite's echo server, and
// deliveries signed with a canary webhook secret.
func TestSecretConformance(t *testing.T) {
	h := conformanceHarness()
	paykittest.RunSecretConformance(t, paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, echo string) paykit.Provider {
			return Provider(c.Token, WithBaseURL(echo), WithMaxRetries(1), WithLogger(c.Logger), WithPaymentProduct(oneTimeProduct))
		},
		SignedDeliveries: h.SignedDeliveries,
		SignAt:           h.SignAt,
	})
}
