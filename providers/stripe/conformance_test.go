package stripe

import (
	"net/http"
	"os"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/stripe/stripe-go/v79/webhook"
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
			body, err := os.ReadFile("../../../shared/fixtures/stripe/event_customer_created.json")
			if err != nil {
				t.Fatal(err)
			}
			sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: testSecret})
			return &paykit.WebhookRequest{Body: body, Header: http.Header{"Stripe-Signature": {sp.Header}}}, testSecret
		},
	})
}
