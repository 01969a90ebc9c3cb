package local_test

import (
	"testing"

	"github.com/paykit-go/paykit"
)

func BenchmarkCreateCustomer(b *testing.B) {
	e := newEnv(b)
	params := &paykit.CreateCustomerParams{Email: "bench@example.com", Name: "Bench", Metadata: map[string]string{"plan": "pro"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.client.Customers.Create(e.ctx, params); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRetrievePayment(b *testing.B) {
	e := newEnv(b)
	cus := e.customer(b)
	pay := e.payment(b, paykit.CustomerID(cus.ID), 1000, "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.client.Payments.Retrieve(e.ctx, pay.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// A checkout created and paid: payment, invoice and six events.
func BenchmarkCheckoutCompleted(b *testing.B) {
	e := newEnv(b)
	cus := e.customer(b)
	params := &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(cus.ID), ItemID: "price_usd", SessionType: paykit.SessionOneTime,
		Quantity: 1, SuccessURL: "https://example.com/ok"}
	b.ReportAllocs()
	for b.Loop() {
		co, err := e.client.Checkouts.Create(e.ctx, params)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseWebhook(b *testing.B) {
	reqs, secret := realDeliveries(b)
	sim := newSim(b)
	req := reqs[len(reqs)-1]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.ParseWebhook(b.Context(), req, secret); err != nil {
			b.Fatal(err)
		}
	}
}
