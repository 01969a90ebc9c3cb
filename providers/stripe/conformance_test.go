package stripe

import (
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
)

// TestConformance runs paykit's contract suite against stripe-mock.
// stripe-mock keeps no state, so the suite checks ids and shapes there;
// state, declines and errors are covered by the fixture tests.
func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, paykittest.Harness{
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
		SignedDelivery: func(t *testing.T, _ paykit.Provider) (*paykit.WebhookRequest, string) {
			return signed(eventBody(t, "checkout.session.completed", "checkout_session_payment"), testSecret), testSecret
		},
	})
}
