package providerkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paykit-go/paykit"
)

// The 401 rule and token requests of the transport, played by a token
// endpoint and an API on 127.0.0.1.

const (
	authTestSecret      = "cs-Secret-Value-3141592653"
	authTestTokenPrefix = "at-Zq8x"
)

// tokenEndpoint is an OAuth2 client credentials endpoint issuing
// authTestTokenPrefix+"1", +"2", ...; fail, when set, answers request n
// (1-based) with a status instead (0 issues the token).
type tokenEndpoint struct {
	srv  *httptest.Server
	n    atomic.Int32
	fail func(n int32) int
}

func newTokenEndpoint(t *testing.T, fail func(n int32) int) *tokenEndpoint {
	t.Helper()
	te := &tokenEndpoint{fail: fail}
	te.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := te.n.Add(1)
		if _, pass, _ := r.BasicAuth(); pass != authTestSecret {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if te.fail != nil {
			if status := te.fail(n); status != 0 {
				code := "temporarily_unavailable"
				if status < 500 {
					code = "invalid_client"
				}
				w.WriteHeader(status)
				// An endpoint echoing the request must not leak the secret.
				_, _ = fmt.Fprintf(w, `{"error":%q,"error_description":"secret %s"}`, code, authTestSecret)
				return
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("%s%d", authTestTokenPrefix, n), "token_type": "bearer", "expires_in": 3600})
	}))
	t.Cleanup(te.srv.Close)
	return te
}

func (te *tokenEndpoint) manager(t *testing.T, logger *slog.Logger) *TokenManager {
	t.Helper()
	m, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: te.srv.URL, ClientID: "client-1", ClientSecret: NewSecret(authTestSecret)},
		TokenManagerConfig{Provider: "test", Logger: logger})
	require.NoError(t, err)
	return m
}

// authAPI answers 401 to a token refuse says is refused, else 201, and
// counts requests.
type authAPI struct {
	srv    *httptest.Server
	n      atomic.Int32
	bodies sync.Map // body of each request by number, to see writes are resent whole
}

func newAuthAPI(t *testing.T, refuse func(token string) bool) *authAPI {
	t.Helper()
	a := &authAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := a.n.Add(1)
		b, _ := io.ReadAll(r.Body)
		a.bodies.Store(n, string(b))
		if refuse(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func authClient(t *testing.T, api *authAPI, auth Authenticator, maxRetries int, logger *slog.Logger) (*RESTClient, *[]time.Duration) {
	t.Helper()
	c := NewRESTClient(RESTConfig{Provider: "test", BaseURL: api.srv.URL, Auth: auth, MaxRetries: maxRetries, BaseDelay: time.Millisecond, Logger: logger})
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return sleepCtx(ctx, time.Millisecond)
	}
	return c, waits
}

var charge = &Request{Method: http.MethodPost, Path: "/charges", JSON: map[string]int{"amount": 5}}

func TestOne401RefreshesTheTokenOnceAndRepeatsTheWriteOnce(t *testing.T) {
	// MaxRetries 0: the repeat after a 401 is not taken from the budget.
	for _, maxRetries := range []int{0, 2} {
		t.Run(fmt.Sprint("max retries ", maxRetries), func(t *testing.T) {
			te := newTokenEndpoint(t, nil)
			api := newAuthAPI(t, func(tok string) bool { return tok == authTestTokenPrefix+"1" })
			c, waits := authClient(t, api, te.manager(t, nil), maxRetries, nil)
			var out struct{ OK bool }
			res, err := c.Do(context.Background(), charge, &out)
			require.NoError(t, err)
			assert.True(t, out.OK)
			assert.Equal(t, int32(2), te.n.Load(), "the first token and exactly one refresh")
			assert.Equal(t, int32(2), api.n.Load(), "the refused write is repeated once")
			assert.Equal(t, 2, res.Attempts)
			b1, _ := api.bodies.Load(int32(1))
			b2, _ := api.bodies.Load(int32(2))
			assert.JSONEq(t, `{"amount":5}`, b2.(string), "the body is resent whole")
			assert.Equal(t, b1, b2)
			assert.Empty(t, *waits, "a refused credential is replaced at once, without a backoff")
		})
	}
}

func TestThe401RepeatLeavesTheBudgetForFaults(t *testing.T) {
	te := newTokenEndpoint(t, nil)
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(http.StatusUnauthorized)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			_, _ = io.WriteString(w, `{}`)
		}
	}))
	defer api.Close()
	c := NewRESTClient(RESTConfig{BaseURL: api.URL, Auth: te.manager(t, nil), MaxRetries: 1, BaseDelay: time.Millisecond})
	res, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"}, nil)
	require.NoError(t, err, "401, then 503 retried within a budget of one")
	assert.Equal(t, 3, res.Attempts)
	assert.Equal(t, int32(2), te.n.Load())
}

func TestSecond401FailsWithErrAuthenticationAfterOneRefresh(t *testing.T) {
	te := newTokenEndpoint(t, nil)
	api := newAuthAPI(t, func(string) bool { return true })
	c, waits := authClient(t, api, te.manager(t, nil), 3, nil)
	res, err := c.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	pe, _ := paykit.AsError(err)
	assert.Equal(t, 401, pe.StatusCode)
	assert.False(t, pe.Retryable)
	assert.False(t, pe.OutcomeUnknown, "a 401 proves nothing was done")
	assert.Equal(t, int32(2), te.n.Load(), "one refresh")
	assert.Equal(t, int32(2), api.n.Load(), "one repeat, never more")
	assert.Equal(t, 2, res.Attempts)
	assert.Empty(t, *waits)
}

func TestStaticCredentialsAreNotRepeatedOn401(t *testing.T) {
	api := newAuthAPI(t, func(string) bool { return true })
	c, _ := authClient(t, api, BearerToken(testToken, "access_token"), 3, nil)
	_, err := c.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	assert.Equal(t, int32(1), api.n.Load(), "an Authenticator that cannot replace its key is not asked twice")
}

func TestA401IsAnAuthenticationErrorWhateverMapErrorSays(t *testing.T) {
	api := newAuthAPI(t, func(string) bool { return true })
	c := NewRESTClient(RESTConfig{BaseURL: api.srv.URL, MapError: func(*Response) *paykit.Error {
		return &paykit.Error{Code: paykit.CodeValidation, Param: "email", Message: "detail from the body", Retryable: true}
	}})
	_, err := c.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	pe, _ := paykit.AsError(err)
	assert.Empty(t, pe.Param)
	assert.False(t, pe.Retryable)
	assert.Equal(t, "detail from the body", pe.Message, "the provider's message is kept")
}

// TestConcurrent401sWithTheSameStaleTokenMakeOneTokenRequest sends 50
// calls with one cached token that the API has revoked: the API answers
// none of them until all 50 have arrived with it, so that every call is
// refused and reauthenticates, and exactly one token request replaces it.
func TestConcurrent401sWithTheSameStaleTokenMakeOneTokenRequest(t *testing.T) {
	const calls = 50
	te := newTokenEndpoint(t, nil)
	stale := authTestTokenPrefix + "1"
	var staleSeen atomic.Int32
	all := make(chan struct{})
	api := newAuthAPI(t, func(tok string) bool {
		if tok != stale {
			return false
		}
		if staleSeen.Add(1) == calls {
			close(all)
		}
		select {
		case <-all:
		case <-time.After(10 * time.Second):
		}
		return true
	})
	m := te.manager(t, nil)
	got, err := m.Token(context.Background())
	require.NoError(t, err)
	require.Equal(t, stale, got)
	c, _ := authClient(t, api, m, 2, nil)
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i := range calls {
		wg.Go(func() {
			_, errs[i] = c.Do(context.Background(), charge, nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "call %d", i)
	}
	assert.Equal(t, int32(calls), staleSeen.Load(), "every call was refused once")
	assert.Equal(t, int32(2), te.n.Load(), "the stale token and one token request replacing it")
	assert.Equal(t, int32(2*calls), api.n.Load(), "each call repeated once")
}

func TestRetryableTokenRequestFailuresAreRetried(t *testing.T) {
	failOn := func(ns ...int32) func(int32) int {
		return func(n int32) int {
			for _, f := range ns {
				if n == f || f == 0 {
					return http.StatusServiceUnavailable
				}
			}
			return 0
		}
	}
	firstRefused := func(tok string) bool { return tok == authTestTokenPrefix+"1" }
	noneRefused := func(string) bool { return false }
	for name, tc := range map[string]struct {
		fail         func(int32) int
		refuse       func(string) bool
		want         error // nil: the call succeeds
		tokens, sent int32
		waits        int
	}{
		// Nothing was sent to the API: even a write is safe to try again.
		"503 then a token": {fail: failOn(1), refuse: noneRefused, tokens: 2, sent: 1, waits: 1},
		// The first try and MaxRetries repeats, each after a backoff.
		"503 every time uses the budget": {fail: failOn(0), refuse: noneRefused, want: paykit.ErrProviderUnavailable, tokens: 3, waits: 2},
		"refused credentials are not retried": {fail: func(int32) int { return http.StatusUnauthorized }, refuse: noneRefused,
			want: paykit.ErrAuthentication, tokens: 1},
		// First token, failed refresh, refresh.
		"after a 401, the refresh fails once": {fail: failOn(2), refuse: firstRefused, tokens: 3, sent: 2, waits: 1},
	} {
		t.Run(name, func(t *testing.T) {
			te := newTokenEndpoint(t, tc.fail)
			api := newAuthAPI(t, tc.refuse)
			c, waits := authClient(t, api, te.manager(t, nil), 2, nil)
			res, err := c.Do(context.Background(), charge, nil)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, int(tc.sent), res.Attempts, "Attempts counts what reached the API")
			} else {
				require.ErrorIs(t, err, tc.want)
				pe, _ := paykit.AsError(err)
				assert.Equal(t, tc.want == paykit.ErrProviderUnavailable, pe.Retryable)
				assert.False(t, pe.OutcomeUnknown, "nothing was sent")
			}
			assert.Equal(t, tc.tokens, te.n.Load(), "token requests")
			assert.Equal(t, tc.sent, api.n.Load(), "requests to the API")
			assert.Len(t, *waits, tc.waits, "backoffs")
		})
	}
}

func TestTokensAndTheSecretStayOutOfErrorsAndLogs(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []error

	// Every token refused: one refresh, then ErrAuthentication.
	te := newTokenEndpoint(t, nil)
	api := newAuthAPI(t, func(string) bool { return true })
	c, _ := authClient(t, api, te.manager(t, logger), 2, logger)
	_, err := c.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	errs = append(errs, err)

	// A token endpoint that fails, echoing the secret in its body.
	te2 := newTokenEndpoint(t, func(int32) int { return http.StatusServiceUnavailable })
	c2, _ := authClient(t, api, te2.manager(t, logger), 1, logger)
	_, err = c2.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrProviderUnavailable)
	errs = append(errs, err)

	// A secret the endpoint refuses.
	m, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: te.srv.URL, ClientID: "client-1", ClientSecret: NewSecret(authTestSecret + "-wrong")},
		TokenManagerConfig{Provider: "test", Logger: logger})
	require.NoError(t, err)
	c3, _ := authClient(t, api, m, 1, logger)
	_, err = c3.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	errs = append(errs, err)

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	require.Contains(t, out, "paykit token request")
	require.Contains(t, out, "paykit http request")
	require.Contains(t, out, "paykit http retry")
	for _, s := range []string{authTestSecret, authTestTokenPrefix, "Authorization", "Bearer"} {
		assert.NotContains(t, out, s)
		for _, err := range errs {
			assert.NotContains(t, err.Error(), s)
			pe, _ := paykit.AsError(err)
			assert.NotContains(t, fmt.Sprintf("%+v", *pe), s)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A plain error of an Authenticator becomes an AUTHENTICATION_ERROR, and
// a *paykit.Error it returns is copied, never changed.
func TestAuthenticatorErrorsAreCopied(t *testing.T) {
	shared := &paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "token service down"}
	api := newAuthAPI(t, func(string) bool { return false })
	c, _ := authClient(t, api, AuthFunc(func(context.Context, *http.Request) error { return shared }), 1, nil)
	_, err := c.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrNetwork)
	pe, _ := paykit.AsError(err)
	assert.NotSame(t, shared, pe)
	assert.Equal(t, paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "token service down"}, *shared)

	c2, _ := authClient(t, api, AuthFunc(func(context.Context, *http.Request) error { return errors.New("no key file") }), 1, nil)
	_, err = c2.Do(context.Background(), charge, nil)
	require.ErrorIs(t, err, paykit.ErrAuthentication)
	assert.Zero(t, api.n.Load())
}
