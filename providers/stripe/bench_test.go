package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/require"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/client"
	"github.com/stripe/stripe-go/v79/webhook"
)

// Run with:
//
//	go test -run '^$' -bench . -benchmem -benchtime 2s ./providers/stripe/
//
// The API benchmarks call the stripe-mock of TestMain. Keep -benchtime
// short: raw stripe-go's default transport leaves a socket in TIME_WAIT for
// nearly every request under concurrency.

// rawStripe is stripe-go as its users set it up: default backend and HTTP
// client, only the URL pointed at stripe-mock.
func rawStripe() *client.API {
	return client.New(testKey, stripeapi.NewBackendsWithConfig(&stripeapi.BackendConfig{URL: stripeapi.String(mockURL)}))
}

func benchClient() *paykit.Client {
	return paykit.New(Provider(testKey, WithBaseURL(mockURL)))
}

func retrieveViaPaykit(c *paykit.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := c.Customers.Retrieve(ctx, "cus_123")
		return err
	}
}

func retrieveViaStripe(api *client.API) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := api.Customers.Get("cus_123", &stripeapi.CustomerParams{Params: stripeapi.Params{Context: ctx}})
		return err
	}
}

// BenchmarkCustomersRetrieve is one Customers.Retrieve after another,
// through paykit and through raw stripe-go.
func BenchmarkCustomersRetrieve(b *testing.B) {
	for name, call := range map[string]func(context.Context) error{
		"paykit":    retrieveViaPaykit(benchClient()),
		"stripe-go": retrieveViaStripe(rawStripe()),
	} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCustomersRetrieveRatio interleaves the two, swapping which goes
// first each time, so that both see the same load on a shared machine, and
// reports paykit's time over stripe-go's (target: at most 1.03).
func BenchmarkCustomersRetrieveRatio(b *testing.B) {
	ctx := context.Background()
	calls := [2]func(context.Context) error{retrieveViaPaykit(benchClient()), retrieveViaStripe(rawStripe())}
	var spent [2]time.Duration
	i := 0
	for b.Loop() {
		for _, k := range [2]int{i % 2, 1 - i%2} {
			start := time.Now()
			if err := calls[k](ctx); err != nil {
				b.Fatal(err)
			}
			spent[k] += time.Since(start)
		}
		i++
	}
	n := float64(b.N)
	b.ReportMetric(float64(spent[0].Nanoseconds())/n, "paykit-ns/op")
	b.ReportMetric(float64(spent[1].Nanoseconds())/n, "stripe-go-ns/op")
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "paykit/stripe-go")
}

// workers is the concurrency of the concurrent benchmark.
const workers = 16

// runConcurrently makes n calls from 16 goroutines and returns the time.
func runConcurrently(b *testing.B, n int, call func(context.Context) error) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range workers {
		wg.Go(func() {
			ctx := context.Background()
			for next.Add(1) <= int64(n) {
				if err := call(ctx); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkCustomersRetrieveConcurrent makes b.N calls from 16 goroutines
// through paykit with its default transport, raw stripe-go with its
// default one, and, for reference, raw stripe-go given a transport keeping
// 16 idle connections per host. They take turns in rounds so that all see
// the same load. It reports the throughputs, paykit's speed-up over
// default stripe-go (target: at least 1.15) and, where the process's CPU
// time can be read, each one's client CPU per call (user and system time
// of this process; stripe-mock's own is not counted).
func BenchmarkCustomersRetrieveConcurrent(b *testing.B) {
	t16 := http.DefaultTransport.(*http.Transport).Clone()
	t16.MaxIdleConnsPerHost = workers
	tuned := client.New(testKey, stripeapi.NewBackendsWithConfig(&stripeapi.BackendConfig{URL: stripeapi.String(mockURL), HTTPClient: &http.Client{Transport: t16}}))
	contenders := []struct {
		name  string
		call  func(context.Context) error
		spent time.Duration
		cpu   time.Duration
	}{
		{"paykit", retrieveViaPaykit(benchClient()), 0, 0},
		{"stripe-go", retrieveViaStripe(rawStripe()), 0, 0},
		{"stripe-go-16idle", retrieveViaStripe(tuned), 0, 0},
	}
	// Warm the connection pools, then measure.
	for _, c := range contenders {
		runConcurrently(b, workers, c.call)
	}
	const round = 20 * workers
	_, cpuKnown := processCPU()
	b.ResetTimer()
	for done, i := 0, 0; done < b.N; i++ {
		n := min(round, b.N-done)
		for j := range contenders {
			c := &contenders[(i+j)%len(contenders)]
			before, _ := processCPU()
			c.spent += runConcurrently(b, n, c.call)
			after, _ := processCPU()
			c.cpu += after - before
		}
		done += n
	}
	b.StopTimer()
	for _, c := range contenders {
		b.ReportMetric(float64(b.N)/c.spent.Seconds(), c.name+"-req/s")
		if cpuKnown {
			b.ReportMetric(float64(c.cpu.Microseconds())/float64(b.N), c.name+"-cpu-µs/op")
		}
	}
	b.ReportMetric(contenders[1].spent.Seconds()/contenders[0].spent.Seconds(), "speedup")
}

// sharedFixture reads one of the Stripe events the figures were
// measured on, from the shared folder beside the repository.
func sharedFixture(b *testing.B, name string) []byte {
	b.Helper()
	dir, err := os.Getwd()
	require.NoError(b, err)
	for {
		body, err := os.ReadFile(filepath.Join(dir, "shared", "fixtures", "stripe", name))
		if err == nil {
			return body
		}
		if !errors.Is(err, os.ErrNotExist) || filepath.Dir(dir) == dir {
			b.Fatalf("shared/fixtures/stripe/%s not found above the working directory: %v", name, err)
		}
		dir = filepath.Dir(dir)
	}
}

// webhookFixtures are the events of the webhook benchmark and the stripe
// type raw stripe-go decodes each into.
func webhookFixtures(b *testing.B) []struct {
	name   string
	body   []byte
	native func() any
} {
	invoicePaid, err := os.ReadFile(filepath.Join("testdata", "event_invoice_paid.json"))
	require.NoError(b, err)
	return []struct {
		name   string
		body   []byte
		native func() any
	}{
		{"customer.created", sharedFixture(b, "event_customer_created.json"), func() any { return new(stripeapi.Customer) }},
		{"payment_intent.succeeded", sharedFixture(b, "event_payment_intent_succeeded.json"), func() any { return new(stripeapi.PaymentIntent) }},
		{"invoice.paid", invoicePaid, func() any { return new(stripeapi.Invoice) }},
	}
}

// BenchmarkWebhook verifies and maps one event through paykit, beside
// stripe-go's ConstructEvent and decoding of data.object into the stripe
// type, on the same signed bytes (target for paykit: at most 15 µs and 40
// allocations for customer.created).
func BenchmarkWebhook(b *testing.B) {
	p := Provider(testKey)
	ctx := context.Background()
	for _, fx := range webhookFixtures(b) {
		req := signed(fx.body, testSecret)
		header := req.Header.Get("Stripe-Signature")
		b.Run(fx.name+"/paykit", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(fx.body)))
			for b.Loop() {
				events, err := p.ParseWebhook(ctx, req, testSecret)
				if err != nil || len(events) == 0 {
					b.Fatal(err)
				}
			}
		})
		b.Run(fx.name+"/stripe-go", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(fx.body)))
			for b.Loop() {
				e, err := webhook.ConstructEvent(fx.body, header, testSecret)
				if err != nil {
					b.Fatal(err)
				}
				if err := json.Unmarshal(e.Data.Raw, fx.native()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
