package stripe

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeadlineBoundsRetries checks that a call's deadline bounds its
// retries, whose sleeps (at least 500 ms) stripe-go would make blind to the
// context: a retry that could not start before the deadline is not waited
// for, and the last answer's status survives. Sleeps are real here, unlike
// in fixture.
func TestDeadlineBoundsRetries(t *testing.T) {
	const apiError = `{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}`
	serve := func(t *testing.T, h http.HandlerFunc) (*paykit.Client, *recorder) {
		rec := &recorder{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := rec.record(r); err != nil {
				t.Errorf("reading the request: %v", err)
			}
			w.Header().Set("Content-Type", "application/json")
			h(w, r)
		}))
		t.Cleanup(srv.Close)
		return paykit.New(Provider(testKey, WithBaseURL(srv.URL))), rec
	}
	ctx := context.Background()

	t.Run("no time for a retry", func(t *testing.T) {
		client, rec := serve(t, reply(500, apiError))
		start := time.Now()
		_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, paykit.WithTimeout(100*time.Millisecond))
		elapsed := time.Since(start)
		pe, _ := requireStripeErr(t, err, paykit.ErrProviderUnavailable)
		assert.Equal(t, 500, pe.StatusCode, "the answer is reported, not a timeout")
		reqs := rec.all()
		assert.Len(t, reqs, 1)
		// A 500 does not say whether the customer was created.
		assert.True(t, pe.OutcomeUnknown)
		require.NotEmpty(t, reqs)
		assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), pe.IdempotencyKey)
		assert.False(t, pe.Retryable, "the Client generated the key: a repeat would send a new one")
		// stripe-go alone sleeps 500 ms before its first retry.
		assert.Less(t, elapsed, 450*time.Millisecond, "returned before the deadline's overrun")
	})

	t.Run("deadline hit during a retry", func(t *testing.T) {
		var n atomic.Int32
		client, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.WriteHeader(500)
				fmt.Fprint(w, apiError)
				return
			}
			select { // the retry hangs until the caller gives up
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
		start := time.Now()
		_, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, paykit.WithTimeout(800*time.Millisecond), paykit.WithIdempotencyKey("once"))
		elapsed := time.Since(start)
		pe, _ := requireStripeErr(t, err, paykit.ErrProviderUnavailable)
		assert.Equal(t, 500, pe.StatusCode, "the last answer's status survives the deadline")
		require.ErrorIs(t, err, context.DeadlineExceeded, "the deadline is reported too")
		reqs := rec.all()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			assert.Equal(t, "once", r.Header.Get("Idempotency-Key"), "the retry reuses the key")
		}
		assert.Less(t, elapsed, 3*time.Second)
	})

	t.Run("deadline hit after a proxy's error page", func(t *testing.T) {
		var n atomic.Int32
		client, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.WriteHeader(502)
				fmt.Fprint(w, "<html>Bad Gateway</html>")
				return
			}
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
		_, err := client.Customers.Retrieve(ctx, "cus_1", paykit.WithTimeout(800*time.Millisecond))
		require.ErrorIs(t, err, paykit.ErrProviderUnavailable)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		pe, _ := paykit.AsError(err)
		assert.Equal(t, 502, pe.StatusCode, "the last answer's status survives the deadline")
	})

	t.Run("a write without a key gets one for all its tries", func(t *testing.T) {
		// Used without the Client, which always sets a key on writes.
		var n atomic.Int32
		rec := &recorder{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := rec.record(r); err != nil {
				t.Errorf("reading the request: %v", err)
			}
			w.Header().Set("Content-Type", "application/json")
			if n.Add(1) == 1 {
				w.WriteHeader(500)
				fmt.Fprint(w, apiError)
				return
			}
			fmt.Fprint(w, customerJSON)
		}))
		t.Cleanup(srv.Close)
		p := Provider(testKey, WithBaseURL(srv.URL)).(*provider)
		p.retry.noSleep = true
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := p.CreateCustomer(dctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, nil)
		require.NoError(t, err)
		reqs := rec.all()
		require.Len(t, reqs, 2)
		assert.NotEmpty(t, reqs[0].Header.Get("Idempotency-Key"))
		assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"), "one customer, however often it is sent")
	})

	t.Run("without a deadline stripe-go retries", func(t *testing.T) {
		var n atomic.Int32
		client, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.WriteHeader(500)
				fmt.Fprint(w, apiError)
				return
			}
			w.WriteHeader(200)
			fmt.Fprint(w, customerJSON)
		})
		c, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}, paykit.WithIdempotencyKey("again"))
		require.NoError(t, err)
		assert.Equal(t, "cus_1", c.ID)
		reqs := rec.all()
		require.Len(t, reqs, 2)
		assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"))
	})
}
