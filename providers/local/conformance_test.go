package local_test

import (
	"context"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
)

func TestConformance(t *testing.T) {
	paykittest.RunConformance(t, paykittest.Harness{
		NewProvider: func(t *testing.T) paykit.Provider { return newSim(t) },
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
		SignedDelivery: func(t *testing.T, _ paykit.Provider) (*paykit.WebhookRequest, string) {
			reqs, secret := realDeliveries(t)
			return reqs[0], secret
		},
	})
}
