package paykit_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/paykit-go/paykit"
)

// nopProvider does no work, so the benchmarks measure the Client alone.
type nopProvider struct {
	paykit.UnimplementedProvider
	customer *paykit.Customer
	events   []*paykit.Event
}

func (nopProvider) Name() string { return "nop" }

func (nopProvider) Capabilities() paykit.Capabilities {
	return paykit.Capabilities{Ops: paykit.AllOps(), IdempotencyKeys: true}
}

func (p *nopProvider) CreateCustomer(context.Context, *paykit.CreateCustomerParams, *paykit.RequestOptions) (*paykit.Customer, error) {
	return p.customer, nil
}

func (p *nopProvider) ParseWebhook(context.Context, *paykit.WebhookRequest, string) ([]*paykit.Event, error) {
	return p.events, nil
}

// BenchmarkCustomersCreate is the Client's own cost of one call:
// validation (email, phone, metadata), capability check, idempotency key
// generation and error plumbing.
func BenchmarkCustomersCreate(b *testing.B) {
	client := paykit.New(&nopProvider{customer: &paykit.Customer{ID: "cus_1"}})
	ctx := context.Background()
	params := &paykit.CreateCustomerParams{Email: "user@example.com", Name: "Jane Doe", Phone: "+1234567890", Metadata: map[string]string{"plan": "pro"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Customers.Create(ctx, params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebhookHandle is the framework's own cost of one delivery:
// parse (free here), de-duplication claim and completion, dispatch.
func BenchmarkWebhookHandle(b *testing.B) {
	ev := &paykit.Event{Type: paykit.EventPaymentUpdated, Data: &paykit.Payment{ID: "pay_1"}}
	p := &nopProvider{events: []*paykit.Event{ev}}
	wh := paykit.New(p).Webhooks.Setup(paykit.WebhookConfig{Secret: "whsec_bench"}).
		On(paykit.EventPaymentUpdated, func(context.Context, *paykit.Event) error { return nil })
	ctx := context.Background()
	req := &paykit.WebhookRequest{Body: []byte(`{}`), Header: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ev.ID = "evt_" + strconv.Itoa(i) // every delivery is a new event
		if err := wh.Handle(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
