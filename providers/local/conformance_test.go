package local_test

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, harness(func(t *testing.T) paykit.Provider { return newSim(t) }, realDeliveries))
}

// The simulator keeping its state in SQLite passes too.
func TestConformanceOnSQLite(t *testing.T) {
	paykittest.RunConformance(t, harness(func(t *testing.T) paykit.Provider {
		store, err := sqlite.Open(filepath.Join(t.TempDir(), "paykit.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		return newSim(t, local.WithStore(store))
	}, realDeliveries))
}

// harness drives the simulator made by newProvider, in-process or as a
// client of a local server, with the items of newSim; deliveries makes
// its SignedDeliveries (verifying one needs no state).
func harness(newProvider func(*testing.T) paykit.Provider, deliveries func(testing.TB) ([]*paykit.WebhookRequest, string)) paykittest.Harness {
	return paykittest.Harness{
		NewProvider: newProvider,
		Items: []paykittest.Item{
			{ID: "price_usd", Amount: 1999, Currency: "USD"},
			{ID: "price_jpy", Amount: 1500, Currency: "JPY"},
			{ID: "price_kwd", Amount: 2750, Currency: "KWD"},
		},
		RecurringItem: paykittest.Item{ID: "price_pro", Amount: 900, Currency: "USD"},
		CompleteCheckout: func(ctx context.Context, p paykit.Provider, checkoutID string) error {
			_, err := p.(*local.Simulator).CompleteCheckout(ctx, checkoutID)
			return err
		},
		SignedDeliveries: func(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) { return deliveries(t) },
		SignAt:           signAt,
	}
}

// signAt signs req again as the simulator's worker signs a retry at time
// at: same webhook-id and body, new timestamp and signature.
func signAt(_ *testing.T, req *paykit.WebhookRequest, secret string, at time.Time) *paykit.WebhookRequest {
	h := req.Header.Clone()
	maps.Copy(h, providerkit.StandardWebhookHeaders(providerkit.StandardWebhookKey(secret), req.Header.Get("webhook-id"), at, req.Body))
	return &paykit.WebhookRequest{Body: req.Body, Header: h, URL: req.URL}
}

// TestWebhookConformance runs paykit's webhook attack suite on the
// simulator's own deliveries, signed as its worker signs them.
func TestWebhookConformance(t *testing.T) {
	paykittest.RunWebhookConformance(t, harness(func(t *testing.T) paykit.Provider { return newSim(t) }, realDeliveries).Webhooks())
}

// TestSecretConformance runs paykit's secret scan on the simulator as a
// client of a local payments server (WithServerURL), played by the
// suite's echo server: its access token and webhook secret are canaries.
// In-process the simulator sends no request at all.
func TestSecretConformance(t *testing.T) {
	paykittest.RunSecretConformance(t, paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, echo string) paykit.Provider {
			sim := local.Provider(local.WithServerURL(echo), local.WithServerToken(c.Token), local.WithWebhookSecret(c.WebhookSecret), local.WithLogger(c.Logger))
			t.Cleanup(func() { _ = sim.Close() })
			return sim
		},
		SignedDeliveries: func(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) { return realDeliveries(t) },
		SignAt:           signAt,
	})
}

// TestSecretConformanceInProcess runs the secret scan on the simulator
// in-process, with a canary webhook secret: its engine's errors (an
// unknown id quoted), logs and webhook answers are searched.
func TestSecretConformanceInProcess(t *testing.T) {
	paykittest.RunSecretConformance(t, paykittest.SecretHarness{
		NewProvider: func(t *testing.T, c paykittest.Canaries, _ string) paykit.Provider {
			return newSim(t, local.WithWebhookSecret(c.WebhookSecret), local.WithLogger(c.Logger))
		},
		NoEcho:           "in-process the simulator sends no request; TestSecretConformance points its remote mode at the echo server",
		SignedDeliveries: func(t *testing.T, _ paykit.Provider) ([]*paykit.WebhookRequest, string) { return realDeliveries(t) },
		SignAt:           signAt,
	})
}
