package paypal

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// tokenServer plays PayPal's token endpoint and one order read. Tokens
// live lifetime seconds; refused lists tokens the API answers 401 for.
type tokenServer struct {
	*httptest.Server
	issued    atomic.Int32
	lifetime  int
	mu        sync.Mutex
	refused   map[string]bool
	refuseAll bool
}

func newTokenServer(t *testing.T, lifetime int) *tokenServer {
	s := &tokenServer{lifetime: lifetime, refused: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		if id, secret, ok := r.BasicAuth(); !ok || id != "client-id" || secret != "client-secret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		n := s.issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "A21AA" + strings.Repeat("x", 20) + strconv.Itoa(int(n)), "token_type": "Bearer", "expires_in": s.lifetime})
	})
	mux.HandleFunc("GET /v2/checkout/orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		refused := s.refuseAll || s.refused[tok]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if refused {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_token","error_description":"Token signature verification failed"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"` + r.PathValue("id") + `","status":"CREATED","intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"USD","value":"10.00"}}]}`))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *tokenServer) refuse(tok string) {
	s.mu.Lock()
	s.refused[tok] = true
	s.mu.Unlock()
}

// TestTokenRefreshedOnceForManyCallers: 100 goroutines calling once the
// token has expired cause one token request between them.
func TestTokenRefreshedOnceForManyCallers(t *testing.T) {
	srv := newTokenServer(t, 3600)
	var mu sync.Mutex
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	p := Provider("client-id", "client-secret", WithBaseURL(srv.URL), withClock(clock))
	ctx := testCtx(t)
	if _, err := p.RetrievePayment(ctx, "ORDER1", nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(time.Hour) // the token has expired
	mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.RetrievePayment(ctx, "ORDER1", nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.issued.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2: one, then one refresh for 100 callers", n)
	}
}

// TestTokenRefusedIsReplacedOnce: a token the API refuses (401) is
// replaced once and the call repeated; refused again, the call fails
// with ErrAuthentication, and neither the secret nor a token is in the
// error.
func TestTokenRefusedIsReplacedOnce(t *testing.T) {
	srv := newTokenServer(t, 32400)
	p := Provider("client-id", "client-secret", WithBaseURL(srv.URL))
	ctx := testCtx(t)
	if _, err := p.RetrievePayment(ctx, "ORDER1", nil); err != nil {
		t.Fatal(err)
	}
	srv.refuse("A21AA" + strings.Repeat("x", 20) + "1")
	if _, err := p.RetrievePayment(ctx, "ORDER1", nil); err != nil {
		t.Fatalf("after the token was revoked: %v", err)
	}
	if n := srv.issued.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
	srv.mu.Lock()
	srv.refuseAll = true
	srv.mu.Unlock()
	_, err := p.RetrievePayment(ctx, "ORDER1", nil)
	if !errors.Is(err, paykit.ErrAuthentication) {
		t.Fatalf("refused twice: %v, want ErrAuthentication", err)
	}
	if n := srv.issued.Load(); n != 3 {
		t.Fatalf("%d token requests, want 3: one refresh for the second 401 call", n)
	}
	for _, s := range []string{"client-secret", "A21AA"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error quotes %q: %v", s, err)
		}
	}
}
