package local_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, harness(func(t *testing.T) paykit.Provider { return newSim(t) }, func(t *testing.T, _ paykit.Provider) (*paykit.WebhookRequest, string) {
		reqs, secret := realDeliveries(t)
		return reqs[0], secret
	}))
}

// The simulator keeping its state in SQLite passes too.
func TestConformanceOnSQLite(t *testing.T) {
	h := harness(func(t *testing.T) paykit.Provider {
		store, err := sqlite.Open(filepath.Join(t.TempDir(), "paykit.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		return newSim(t, local.WithStore(store))
	}, nil)
	// No webhook deliveries yet.
	h.Unexercised = []paykit.Op{paykit.OpWebhooksHandle}
	paykittest.RunConformance(t, h)
}

// harness drives the simulator made by newProvider, in-process or as a
// client of a local server, with the items of newSim.
func harness(newProvider func(*testing.T) paykit.Provider, signed func(*testing.T, paykit.Provider) (*paykit.WebhookRequest, string)) paykittest.Harness {
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
		SignedDelivery: signed,
	}
}
