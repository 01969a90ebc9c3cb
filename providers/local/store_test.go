package local_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/storetest"
)

func ids(recs []local.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) local.Store { return local.NewMemoryStore() })
}

// A Store of the caller's own sees every write of the simulator.
func TestWithStore(t *testing.T) {
	store := local.NewMemoryStore()
	e := newEnv(t, local.WithStore(store))
	cus := e.customer(t)
	// A second simulator over the same store shares the state, as a
	// persistent store would across restarts.
	again := newSim(t, local.WithStore(store))
	got, err := again.RetrieveCustomer(e.ctx, cus.ID, nil)
	if err != nil || got.Email != cus.Email {
		t.Fatalf("customer through another simulator: %+v, %v", got, err)
	}
	if err := e.sim.AdvanceClock(e.ctx, 48*time.Hour); err != nil {
		t.Fatal(err)
	}
	n1, _ := e.sim.Now(e.ctx)
	n2, _ := again.Now(e.ctx)
	if d := n2.Sub(n1); d < 0 || d > time.Minute {
		t.Errorf("the clock offset is not in the store: %v vs %v", n1, n2)
	}
}

// Deliveries queued in a store resume when a new simulator opens it, as
// after a restart of a server keeping its state in a database.
func TestQueuedDeliveriesSurviveRestart(t *testing.T) {
	store := local.NewMemoryStore()
	var up atomic.Bool
	a := newApp(testSecret)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		a.webhook.ServeHTTP(w, r)
	}))
	defer srv.Close()
	opts := []local.Option{local.WithStore(store), local.WithWebhookURL(srv.URL), local.WithWebhookSecret(testSecret),
		local.WithDeliveryRetry(50, time.Millisecond, 5*time.Millisecond)}
	first := newEnv(t, opts...)
	shop(t, first)
	if err := first.sim.Close(); err != nil {
		t.Fatal(err)
	}
	up.Store(true)
	second := newEnv(t, opts...)
	if err := second.sim.Flush(second.ctx); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, second, a)
}

// faultyStore fails the n-th Put of every Update, to prove that a failing
// store leaves no half-done operation behind.
type faultyStore struct {
	local.Store
	failAt int
}

type faultyTx struct {
	local.Tx
	puts   *int
	failAt int
}

var errDisk = errors.New("disk full")

func (s *faultyStore) Update(ctx context.Context, fn func(local.Tx) error) error {
	puts := 0
	return s.Store.Update(ctx, func(tx local.Tx) error { return fn(&faultyTx{Tx: tx, puts: &puts, failAt: s.failAt}) })
}

func (t *faultyTx) Put(c string, r local.Record) error {
	if *t.puts++; *t.puts == t.failAt {
		return errDisk
	}
	return t.Tx.Put(c, r)
}

func TestStoreFailureIsAtomic(t *testing.T) {
	// Completing a recurring checkout of an email payee writes a customer,
	// a payment (twice), a subscription, an invoice, the checkout and
	// seven events. Fail each write in turn: nothing may remain of the
	// failed call, and the checkout can still be completed afterwards.
	for failAt := 1; ; failAt++ {
		fs := &faultyStore{Store: local.NewMemoryStore()}
		e := newEnv(t, local.WithStore(fs))
		co := e.checkout(t, paykit.CustomerEmail("a@example.com"), "price_pro", paykit.SessionRecurring, 1)
		fs.failAt = failAt
		_, err := e.sim.CompleteCheckout(e.ctx, co.ID)
		fs.failAt = 0
		if err == nil {
			if failAt < 14 {
				t.Fatalf("CompleteCheckout made only %d writes", failAt-1)
			}
			t.Logf("every one of %d writes failed in turn without a trace", failAt-1)
			break
		}
		if !errors.Is(err, errDisk) {
			t.Fatalf("write %d failed with %v, want the store's error", failAt, err)
		}
		if pe, ok := paykit.AsError(err); !ok || pe.Code != paykit.CodeOperationFailed || pe.Provider != "local" {
			t.Fatalf("store failure = %#v, want OPERATION_FAILED from local", err)
		}
		if evs := e.eventTypes(t); len(evs) != 1 {
			t.Fatalf("write %d failed, yet events %v remain", failAt, evs)
		}
		got, _ := e.client.Checkouts.Retrieve(e.ctx, co.ID)
		pays, _ := e.client.Payments.ListPage(e.ctx, nil)
		subs, _ := e.client.Subscriptions.ListPage(e.ctx, nil)
		custs, _ := e.client.Customers.ListPage(e.ctx, nil)
		if got.Status != paykit.CheckoutOpen || len(pays.Data)+len(subs.Data)+len(custs.Data) != 0 {
			t.Fatalf("write %d failed, yet the checkout is %s with %d payments, %d subscriptions, %d customers",
				failAt, got.Status, len(pays.Data), len(subs.Data), len(custs.Data))
		}
		if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
			t.Fatalf("completing after a failed write %d: %v", failAt, err)
		}
	}
}
