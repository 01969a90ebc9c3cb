package local_test

import (
	"context"
	"io"
	"net/http"
	"sync"
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

// newSim returns a simulator selling the conformance items, closed at the
// end of the test.
func newSim(t testing.TB, opts ...local.Option) *local.Simulator {
	t.Helper()
	base := []local.Option{
		local.WithItem("price_usd", 1999, "USD"),
		local.WithItem("price_jpy", 1500, "JPY"),
		local.WithItem("price_kwd", 2750, "KWD"),
		local.WithRecurringItem("price_pro", 900, "USD", paykit.IntervalMonth),
		local.WithRecurringItem("price_team", 2900, "USD", paykit.IntervalMonth),
		local.WithRecurringItem("price_yearly", 9000, "USD", paykit.IntervalYear),
		local.WithRecurringItem("price_eur", 900, "EUR", paykit.IntervalMonth),
	}
	sim := local.Provider(append(base, opts...)...)
	if err := sim.Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// recorder is an endpoint that keeps every delivery it receives.
type recorder struct {
	mu   sync.Mutex
	reqs []*paykit.WebhookRequest
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.reqs = append(r.reqs, &paykit.WebhookRequest{Body: body, Header: req.Header.Clone(), URL: "http://" + req.Host + req.URL.RequestURI()})
	r.mu.Unlock()
}

func (r *recorder) all() []*paykit.WebhookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*paykit.WebhookRequest(nil), r.reqs...)
}

// realDeliveries runs a purchase on a simulator and returns the signed
// deliveries its worker sent, with the secret.
func realDeliveries(t testing.TB) ([]*paykit.WebhookRequest, string) {
	t.Helper()
	rec := &recorder{}
	sim := newSim(t, local.WithWebhookHandler(rec))
	ctx := context.Background()
	client := paykit.New(sim)
	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "jane@example.com", Metadata: map[string]string{"plan": "pro"}})
	if err != nil {
		t.Fatal(err)
	}
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: "price_pro",
		SessionType: paykit.SessionRecurring, Quantity: 1, SuccessURL: "https://example.com/ok"})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := sim.CompleteCheckout(ctx, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) == 0 {
		t.Fatal("no deliveries")
	}
	return reqs, sim.WebhookSecret()
}
