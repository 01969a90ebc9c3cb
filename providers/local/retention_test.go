package local_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

// count returns how many records collection holds in store.
func count(t *testing.T, store local.Store, collection string) int {
	t.Helper()
	var n int
	err := store.View(t.Context(), func(tx local.Tx) error {
		recs, _, err := tx.List(collection, local.Query{})
		n = len(recs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An idempotency key is remembered for IdempotencyTTL of simulated time,
// as at Stripe; then its record is pruned by later writes, so that the
// Client's key on every write does not keep every result forever.
func TestIdempotencyKeysExpire(t *testing.T) {
	store := local.NewMemoryStore()
	e := clockEnv(t, local.WithStore(store))
	params := &paykit.CreateCustomerParams{Email: "once@example.com"}
	key := paykit.WithIdempotencyKey("signup-1")
	first, err := e.client.Customers.Create(e.ctx, params, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AdvanceClock(e.ctx, local.IdempotencyTTL-time.Minute); err != nil {
		t.Fatal(err)
	}
	if again, err := e.client.Customers.Create(e.ctx, params, key); err != nil || again.ID != first.ID {
		t.Fatalf("repeat within %v = %+v, %v; want %s", local.IdempotencyTTL, again, err, first.ID)
	}
	if err := e.sim.AdvanceClock(e.ctx, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	later, err := e.client.Customers.Create(e.ctx, params, key)
	if err != nil || later.ID == first.ID {
		t.Fatalf("a key %v old = %+v, %v; want a new customer", local.IdempotencyTTL, later, err)
	}

	const writes = 60
	for range writes {
		if _, err := e.client.Customers.Update(e.ctx, first.ID, &paykit.UpdateCustomerParams{Name: paykit.String("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, store, "idempotency"); n < writes {
		t.Fatalf("%d idempotency records after %d writes with keys", n, writes)
	}
	if err := e.sim.AdvanceClock(e.ctx, local.IdempotencyTTL); err != nil {
		t.Fatal(err)
	}
	// Each write prunes a few expired records: a backlog drains while
	// no write pays for all of it.
	const after = 10
	for range after {
		e.customer(t)
	}
	if n := count(t, store, "idempotency"); n != after {
		t.Errorf("%d idempotency records a day after %d writes and %d since; want %d", n, writes, after, after)
	}
}

// The event log keeps the newest events up to WithEventRetention; an
// event still queued for delivery is never dropped.
func TestEventRetention(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		if local.DefaultEventRetention < 1000 {
			t.Errorf("DefaultEventRetention = %d: too few for the dashboard and tests", local.DefaultEventRetention)
		}
	})
	t.Run("newest kept", func(t *testing.T) {
		store := local.NewMemoryStore()
		e := newEnv(t, local.WithStore(store), local.WithEventRetention(5))
		var ids []string
		for range 12 { // without a Client, so without idempotency keys
			cus, err := e.sim.CreateCustomer(e.ctx, &paykit.CreateCustomerParams{Email: "log@example.com"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, cus.ID)
		}
		evs, err := e.sim.Events(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 5 || count(t, store, "events") != 5 {
			t.Fatalf("%d events logged (%d stored), want the newest 5", len(evs), count(t, store, "events"))
		}
		for i, ev := range evs {
			if cus, ok := ev.Event.Data.(*paykit.Customer); !ok || cus.ID != ids[7+i] {
				t.Errorf("event %d is about %+v, want customer %s", i, ev.Event.Data, ids[7+i])
			}
		}
	})
	t.Run("queued never dropped", func(t *testing.T) {
		var up atomic.Bool
		a := newApp(testSecret)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !up.Load() {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			a.webhook.ServeHTTP(w, r)
		})
		e := newEnv(t, local.WithEventRetention(3), local.WithWebhookHandler(h), local.WithWebhookSecret(testSecret),
			local.WithDeliveryRetry(local.UnlimitedAttempts, time.Millisecond, 5*time.Millisecond))
		for range 8 {
			e.customer(t)
		}
		if n := len(e.eventTypes(t)); n != 8 {
			t.Fatalf("%d events logged while 8 wait for delivery", n)
		}
		up.Store(true)
		if err := e.sim.Flush(e.ctx); err != nil {
			t.Fatal(err)
		}
		a.mu.Lock()
		delivered := len(a.handled)
		a.mu.Unlock()
		if delivered != 8 {
			t.Errorf("%d events delivered, want 8", delivered)
		}
		e.customer(t) // the next write prunes what was delivered
		if n := len(e.eventTypes(t)); n != 3 {
			t.Errorf("%d events logged after delivery, want 3", n)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		sim := local.Provider(local.WithEventRetention(0))
		defer sim.Close()
		if err := sim.Err(); err == nil {
			t.Error("WithEventRetention(0) accepted")
		}
	})
}
