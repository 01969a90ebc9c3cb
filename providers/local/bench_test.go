package local_test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/sqlite"
)

// setups are the ways the simulator runs: in-process on memory or on a
// SQLite file, and as the client of a local server (HTTP on loopback,
// memory store).
var setups = []struct {
	name string
	env  func(testing.TB) *env
}{
	{"memory", func(t testing.TB) *env { return newEnv(t) }},
	{"sqlite", func(t testing.TB) *env {
		store, err := sqlite.Open(filepath.Join(t.TempDir(), "bench.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		return newEnv(t, local.WithStore(store))
	}},
	{"remote", func(t testing.TB) *env { return newRemoteEnv(t) }},
}

// bench runs fn as a sub-benchmark of every setup.
func bench(b *testing.B, fn func(b *testing.B, e *env)) {
	for _, s := range setups {
		b.Run(s.name, func(b *testing.B) {
			e := s.env(b)
			b.ReportAllocs()
			fn(b, e)
		})
	}
}

func BenchmarkCreateCustomer(b *testing.B) {
	params := &paykit.CreateCustomerParams{Email: "bench@example.com", Name: "Bench", Metadata: map[string]string{"plan": "pro"}}
	bench(b, func(b *testing.B, e *env) {
		for b.Loop() {
			if _, err := e.client.Customers.Create(e.ctx, params); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRetrievePayment(b *testing.B) {
	bench(b, func(b *testing.B, e *env) {
		pay := e.payment(b, paykit.CustomerID(e.customer(b).ID), 1000, "")
		for b.Loop() {
			if _, err := e.client.Payments.Retrieve(e.ctx, pay.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A checkout created and paid: payment, invoice and six events.
func BenchmarkCheckoutCompleted(b *testing.B) {
	bench(b, func(b *testing.B, e *env) {
		params := &paykit.CreateCheckoutParams{Customer: paykit.CustomerID(e.customer(b).ID), ItemID: "price_usd", SessionType: paykit.SessionOneTime,
			Quantity: 1, SuccessURL: "https://example.com/ok"}
		for b.Loop() {
			co, err := e.client.Checkouts.Create(e.ctx, params)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.sim.CompleteCheckout(e.ctx, co.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
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

// A write and the delivery of its event while the log holds many
// delivered events, in memory and on SQLite: the cost must not grow with
// the log.
func BenchmarkDeliveryWithLongLog(b *testing.B) {
	stores := []struct {
		name string
		open func(testing.TB) local.Store
	}{
		{"memory", func(testing.TB) local.Store { return local.NewMemoryStore() }},
		{"sqlite", func(t testing.TB) local.Store {
			store, err := sqlite.Open(filepath.Join(t.TempDir(), "bench.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = store.Close() })
			return store
		}},
	}
	for _, st := range stores {
		for _, size := range []int{1000, 20000} {
			b.Run(st.name+"/log="+strconv.Itoa(size), func(b *testing.B) {
				store := st.open(b)
				fill := newSim(b, local.WithStore(store), local.WithEventRetention(size))
				for range size {
					if _, err := fill.CreateCustomer(b.Context(), &paykit.CreateCustomerParams{Email: "log@example.com"}, nil); err != nil {
						b.Fatal(err)
					}
				}
				e := newEnv(b, local.WithStore(store), local.WithEventRetention(size), local.WithWebhookHandler(http.NotFoundHandler()),
					local.WithDeliveryRetry(1, time.Millisecond, time.Millisecond))
				params := &paykit.CreateCustomerParams{Email: "bench@example.com"}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.client.Customers.Create(e.ctx, params); err != nil {
						b.Fatal(err)
					}
					if err := e.sim.Flush(e.ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
