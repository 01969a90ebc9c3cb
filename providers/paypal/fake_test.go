package paypal

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest/openapitest"
)

// fake plays PayPal from its own OpenAPI documents
// (../shared/specs/paypal): every request the provider sends is validated
// against them, and handlers keep state in memory. The documents hold no
// token endpoint, so the fake answers POST /v1/oauth2/token itself.
type fake struct {
	t   *testing.T
	srv *openapitest.Server

	mu     sync.Mutex
	tokens map[string]bool // access tokens issued
	// The resources' state is kept by each part of the fake: orders and
	// payments in fake_orders_test.go, billing in fake_billing_test.go,
	// webhook verification in fake_webhooks_test.go.
	orderState
	billingState
	webhookState
}

// specFiles are PayPal's documents the fake serves.
var specFiles = []string{
	"paypal/checkout_orders_v2.json",
	"paypal/payments_payment_v2.json",
	"paypal/billing_subscriptions_v1.json",
	"paypal/catalogs_products_v1.json",
	"paypal/notifications_webhooks_v1.json",
}

func newFake(t *testing.T) *fake {
	t.Helper()
	var specs []*openapitest.Spec
	for _, f := range specFiles {
		spec, err := openapitest.Load(openapitest.SpecPath(t, f))
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, spec)
	}
	f := &fake{t: t, tokens: map[string]bool{}}
	f.srv = openapitest.NewServer(t, specs[0], specs[1:]...)
	f.srv.Route(http.MethodPost, "/v1/oauth2/token", f.token)
	f.srv.Check(f.checkToken)
	f.handleOrders()
	f.handleBilling()
	f.handleWebhooks()
	return f
}

// provider returns a provider on the fake.
func (f *fake) provider(opts ...Option) paykit.Provider {
	return Provider("client-id", "client-secret", append([]Option{WithBaseURL(f.srv.URL), withBackoff(1)}, opts...)...)
}

// token answers the client-credentials grant for the fake's own client.
func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != "client-id" || secret != "client-secret" || r.FormValue("grant_type") != "client_credentials" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"Client Authentication failed"}`))
		return
	}
	f.mu.Lock()
	tok := "A21AA" + randomID()
	f.tokens[tok] = true
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 32400, "app_id": "APP-80W284485P519543T"})
}

// checkToken refuses a request whose bearer token the fake did not issue.
func (f *fake) checkToken(r *http.Request) error {
	tok := r.Header.Get("Authorization")
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(tok) < 8 || !f.tokens[tok[7:]] {
		return errUnknownToken
	}
	return nil
}
