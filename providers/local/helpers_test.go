package local_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

// catalogue is the items every test simulator sells.
func catalogue() []local.Option {
	return []local.Option{
		local.WithItem("price_usd", 1999, "USD"),
		local.WithItem("price_jpy", 1500, "JPY"),
		local.WithItem("price_kwd", 2750, "KWD"),
		local.WithRecurringItem("price_pro", 900, "USD", paykit.IntervalMonth),
		local.WithRecurringItem("price_team", 2900, "USD", paykit.IntervalMonth),
		local.WithRecurringItem("price_yearly", 9000, "USD", paykit.IntervalYear),
		local.WithRecurringItem("price_eur", 900, "EUR", paykit.IntervalMonth),
	}
}

// newSim returns a simulator selling the conformance items, closed at the
// end of the test.
func newSim(t testing.TB, opts ...local.Option) *local.Simulator {
	t.Helper()
	sim := local.Provider(append(catalogue(), opts...)...)
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
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
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

// env is a simulator with a client over it.
type env struct {
	sim    *local.Simulator
	client *paykit.Client
	ctx    context.Context
}

func newEnv(t testing.TB, opts ...local.Option) *env {
	t.Helper()
	sim := newSim(t, opts...)
	// Every call of a test is bounded, so that a stuck delivery fails the
	// test instead of hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return &env{sim: sim, client: paykit.New(sim), ctx: ctx}
}

func (e *env) customer(t testing.TB) *paykit.Customer {
	t.Helper()
	cus, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "buyer@example.com", Name: "Buyer"})
	if err != nil {
		t.Fatal(err)
	}
	return cus
}

func (e *env) checkout(t testing.TB, payee paykit.Payee, item string, session paykit.SessionType, qty int64) *paykit.Checkout {
	t.Helper()
	co, err := e.client.Checkouts.Create(e.ctx, &paykit.CreateCheckoutParams{Customer: payee, ItemID: item, SessionType: session,
		Quantity: qty, SuccessURL: "https://example.com/success", Metadata: map[string]string{"order": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	return co
}

func (e *env) payment(t testing.TB, payee paykit.Payee, amount int64, method paykit.CaptureMethod) *paykit.Payment {
	t.Helper()
	pay, err := e.client.Payments.Create(e.ctx, &paykit.CreatePaymentParams{Amount: amount, Currency: "USD", Customer: payee, CaptureMethod: method})
	if err != nil {
		t.Fatal(err)
	}
	return pay
}

func (e *env) subscription(t testing.TB, payee paykit.Payee, item string) *paykit.Subscription {
	t.Helper()
	sub, err := e.client.Subscriptions.Create(e.ctx, &paykit.CreateSubscriptionParams{Customer: payee, ItemID: item})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// eventTypes returns the types of every event emitted so far.
func (e *env) eventTypes(t testing.TB) []paykit.EventType {
	t.Helper()
	evs, err := e.sim.Events(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]paykit.EventType, len(evs))
	for i, ev := range evs {
		out[i] = ev.Event.Type
	}
	return out
}

// wantErr fails unless err matches sentinel and, when param is not empty,
// names param. It returns the *paykit.Error.
func wantErr(t testing.TB, err error, sentinel *paykit.Error, param string) *paykit.Error {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want %s", err, sentinel.Code)
	}
	pe, _ := paykit.AsError(err)
	if param != "" && pe.Param != param {
		t.Fatalf("error Param = %q, want %q (%v)", pe.Param, param, err)
	}
	if pe.Provider != "local" {
		t.Errorf("error Provider = %q, want local", pe.Provider)
	}
	return pe
}
