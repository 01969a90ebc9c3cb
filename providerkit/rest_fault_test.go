package providerkit

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

type fault int

const (
	faultNone           fault = iota
	fault500                  // answered 500 before applying
	fault429                  // answered 429 with Retry-After before applying
	faultDropAfterApply       // applied, then the connection is dropped
)

// faultyServer applies charges identified by the "ref" of the body and
// fails 30% of the writes it receives. The fault of each attempt depends
// only on the charge and the attempt number, so every run is the same
// whatever the goroutine schedule. A charge fails at most maxFaults times
// in a row so that the test always ends.
type faultyServer struct {
	honourKeys bool
	mu         sync.Mutex
	attempts   map[string]int    // requests received per ref
	applied    map[string]int    // times each ref was applied
	byKey      map[string]string // idempotency key -> ref already applied
	faults     map[fault]int
}

const maxFaults = 4

func newFaultyServer(honourKeys bool) *faultyServer {
	return &faultyServer{honourKeys: honourKeys, attempts: map[string]int{}, applied: map[string]int{}, byKey: map[string]string{}, faults: map[fault]int{}}
}

// snapshot returns copies of the counters, taken under the lock.
func (s *faultyServer) snapshot() (attempts, applied map[string]int, faults map[fault]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	attempts, applied, faults = map[string]int{}, map[string]int{}, map[fault]int{}
	for k, v := range s.attempts {
		attempts[k] = v
	}
	for k, v := range s.applied {
		applied[k] = v
	}
	for k, v := range s.faults {
		faults[k] = v
	}
	return attempts, applied, faults
}

func pickFault(ref string, attempt int) fault {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s#%d", ref, attempt)
	n := h.Sum32() % 100
	switch {
	case n < 10:
		return fault500
	case n < 20:
		return fault429
	case n < 30:
		return faultDropAfterApply
	}
	return faultNone
}

func (s *faultyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		ref := r.URL.Query().Get("ref")
		s.mu.Lock()
		n := s.applied[ref]
		s.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"ref": ref, "applied": n > 0})
		return
	}
	var body struct{ Ref string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Ref == "" {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	attempt := s.attempts[body.Ref]
	s.attempts[body.Ref]++
	f := pickFault(body.Ref, attempt)
	if attempt >= maxFaults {
		f = faultNone
	}
	s.faults[f]++
	if s.honourKeys && key != "" {
		if _, done := s.byKey[key]; done && f != fault429 && f != fault500 {
			s.mu.Unlock()
			w.WriteHeader(http.StatusOK) // the stored first result
			_, _ = fmt.Fprintf(w, `{"ref":%q,"replayed":true}`, body.Ref)
			return
		}
	}
	switch f {
	case fault500:
		s.mu.Unlock()
		http.Error(w, `{"error":"boom"}`, http.StatusInternalServerError)
		return
	case fault429:
		s.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":"slow down"}`, http.StatusTooManyRequests)
		return
	}
	s.applied[body.Ref]++
	if s.honourKeys && key != "" {
		s.byKey[key] = body.Ref
	}
	s.mu.Unlock()
	if f == faultDropAfterApply {
		dropConnection(w)
		return
	}
	w.WriteHeader(http.StatusCreated)
	_, _ = fmt.Fprintf(w, `{"ref":%q}`, body.Ref)
}

// faultRun is one run of the fault-injection scenario.
type faultRun struct {
	server  *faultyServer
	client  *RESTClient
	results map[string]error // error of each logical call, by ref
	mu      sync.Mutex
	waits   []time.Duration // every backoff the client asked for
}

const faultCalls = 200

// runFaults starts a faultyServer and makes faultCalls logical charges
// through a RESTClient with a few workers, with idempotency keys honoured or
// not. Waits are recorded but cut short: Retry-After is whole seconds.
func runFaults(t *testing.T, honourKeys bool) *faultRun {
	t.Helper()
	run := &faultRun{server: newFaultyServer(honourKeys), results: map[string]error{}}
	srv := httptest.NewServer(run.server)
	t.Cleanup(srv.Close)
	cfg := RESTConfig{BaseURL: srv.URL, MaxRetries: maxFaults + 1, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}
	if honourKeys {
		cfg.IdempotencyHeader = "Idempotency-Key"
	}
	run.client = NewRESTClient(cfg)
	run.client.sleep = func(ctx context.Context, d time.Duration) error {
		run.mu.Lock()
		run.waits = append(run.waits, d)
		run.mu.Unlock()
		return sleepCtx(ctx, min(d, 2*time.Millisecond))
	}

	refs := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for ref := range refs {
				req := &Request{Method: http.MethodPost, Path: "/charges", JSON: map[string]string{"ref": ref}}
				if honourKeys {
					req.IdempotencyKey = "key-" + ref
				}
				_, err := run.client.Do(context.Background(), req, nil)
				run.mu.Lock()
				run.results[ref] = err
				run.mu.Unlock()
			}
		})
	}
	for i := range faultCalls {
		refs <- fmt.Sprintf("charge-%03d", i)
	}
	close(refs)
	wg.Wait()
	require.Len(t, run.results, faultCalls)
	return run
}

func (r *faultRun) recordedWaits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

func TestFaultInjectionWithHonouredKeysAppliesEveryCallExactlyOnce(t *testing.T) {
	run := runFaults(t, true)

	_, appliedN, faults := run.server.snapshot()
	for ref, err := range run.results {
		assert.NoError(t, err, ref)
		assert.Equal(t, 1, appliedN[ref], "%s applied exactly once", ref)
	}
	// The faults really happened, in every kind.
	assert.Positive(t, faults[fault500])
	assert.Positive(t, faults[fault429])
	assert.Positive(t, faults[faultDropAfterApply])
	total := 0
	for _, n := range faults {
		total += n
	}
	failed := total - faults[faultNone]
	t.Logf("%d requests for %d calls, %d faults: %v", total, faultCalls, failed, faults)
	assert.InDelta(t, 0.3, float64(failed)/float64(total), 0.1)
	// Every 429 was waited out for at least its Retry-After.
	long := 0
	for _, w := range run.recordedWaits() {
		if w >= time.Second {
			long++
		}
	}
	assert.Equal(t, faults[fault429], long)
}

func TestFaultInjectionWithoutKeysNeverAppliesTwiceNorLosesAFailure(t *testing.T) {
	run := runFaults(t, false)
	c, results := run.client, run.results

	attemptsN, appliedN, _ := run.server.snapshot()
	failures := 0
	for ref, err := range results {
		applied := appliedN[ref]
		assert.LessOrEqual(t, applied, 1, "%s applied at most once", ref)
		assert.Equal(t, 1, attemptsN[ref], "%s: a write that reached the server is sent once", ref)
		if err == nil {
			assert.Equal(t, 1, applied, "%s succeeded, so it was applied", ref)
			continue
		}
		failures++
		pe, ok := paykit.AsError(err)
		require.True(t, ok, "%s: every failure is a *paykit.Error", ref)
		if applied == 0 {
			// Not applied: reported, never silently dropped. A 500 does
			// not say whether it was applied; a 429 proves it was not.
			assert.Contains(t, []paykit.ErrorCode{paykit.CodeProviderUnavailable, paykit.CodeRateLimited}, pe.Code, ref)
			assert.Equal(t, pe.Code == paykit.CodeProviderUnavailable, pe.OutcomeUnknown, "%s: OutcomeUnknown", ref)
		} else {
			assert.Equal(t, paykit.CodeNetwork, pe.Code, ref)
			assert.False(t, pe.Retryable, "%s may have been applied: not retryable", ref)
			assert.True(t, pe.OutcomeUnknown, "%s may have been applied: OutcomeUnknown", ref)
		}
	}
	assert.Positive(t, failures)
	assert.Empty(t, run.recordedWaits(), "no write was retried")

	// A caller that checks before repeating, as the errors ask, ends with
	// every charge applied exactly once.
	for ref, err := range results {
		for try := 0; err != nil && try < 10; try++ {
			var state struct{ Applied bool }
			_, gerr := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/charges", Query: map[string][]string{"ref": {ref}}}, &state)
			require.NoError(t, gerr)
			if state.Applied {
				break
			}
			_, err = c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/charges", JSON: map[string]string{"ref": ref}}, nil)
		}
	}
	_, appliedN, _ = run.server.snapshot()
	for ref := range results {
		assert.Equal(t, 1, appliedN[ref], "%s applied exactly once after reconciliation", ref)
	}
}
