package providerkit

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// tokenClock is a settable clock.
type tokenClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTokenClock() *tokenClock {
	return &tokenClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *tokenClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *tokenClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// tokenCounter is a fetch function that issues "tok-1", "tok-2", ...
// with a fixed lifetime and counts its calls.
type tokenCounter struct {
	n        atomic.Int32
	lifetime time.Duration
}

func (f *tokenCounter) fetch(context.Context) (string, time.Duration, error) {
	n := f.n.Add(1)
	return "tok-" + strconv.Itoa(int(n)), f.lifetime, nil
}

func tokMust(t *testing.T, m *TokenManager) string {
	t.Helper()
	tok, err := m.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return tok
}

// tokWaitForWaiters polls, boundedly, until n callers wait for the request
// in flight.
func tokWaitForWaiters(t *testing.T, m *TokenManager, n int) {
	t.Helper()
	for range 5000 {
		m.mu.Lock()
		w := 0
		if m.call != nil {
			w = m.call.waiters
		}
		m.mu.Unlock()
		if w >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("fewer than %d callers joined the token request", n)
}

func TestTokenCached(t *testing.T) {
	f := &tokenCounter{lifetime: time.Hour}
	m := NewTokenManager(f.fetch, TokenManagerConfig{})
	if got := tokMust(t, m); got != "tok-1" {
		t.Fatalf("first token %q", got)
	}
	if got := tokMust(t, m); got != "tok-1" {
		t.Fatalf("second token %q", got)
	}
	if n := f.n.Load(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
}

func TestTokenRefreshAtLeeway(t *testing.T) {
	cases := []struct {
		name     string
		leeway   time.Duration
		lifetime time.Duration
		fresh    time.Duration // last moment the first token is handed out is fresh-1ns
	}{
		{"default leeway", 0, time.Hour, time.Hour - DefaultTokenLeeway},
		{"short lifetime caps the leeway at a quarter", 0, time.Minute, 45 * time.Second},
		{"configured leeway", 10 * time.Second, 3599 * time.Second, 3589 * time.Second},
		{"no leeway", -1, time.Hour, time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newTokenClock()
			f := &tokenCounter{lifetime: tc.lifetime}
			m := NewTokenManager(f.fetch, TokenManagerConfig{Leeway: tc.leeway, Now: clock.Now})
			tokMust(t, m)
			clock.Advance(tc.fresh - time.Nanosecond)
			if got := tokMust(t, m); got != "tok-1" {
				t.Fatalf("just before the refresh point: %q, want tok-1", got)
			}
			clock.Advance(time.Nanosecond)
			if got := tokMust(t, m); got != "tok-2" {
				t.Fatalf("at the refresh point: %q, want tok-2", got)
			}
			if n := f.n.Load(); n != 2 {
				t.Fatalf("%d token requests, want 2", n)
			}
		})
	}
}

func TestTokenWithoutLifetime(t *testing.T) {
	clock := newTokenClock()
	f := &tokenCounter{}
	m := NewTokenManager(f.fetch, TokenManagerConfig{Now: clock.Now})
	tokMust(t, m)
	clock.Advance(24 * 365 * time.Hour)
	if got := tokMust(t, m); got != "tok-1" {
		t.Fatalf("a token without lifetime was replaced: %q", got)
	}

	// With a DefaultLifetime it is replaced like any other.
	clock = newTokenClock()
	f = &tokenCounter{}
	m = NewTokenManager(f.fetch, TokenManagerConfig{Now: clock.Now, DefaultLifetime: 10 * time.Minute})
	tokMust(t, m)
	clock.Advance(9 * time.Minute)
	if got := tokMust(t, m); got != "tok-2" {
		t.Fatalf("after DefaultLifetime less leeway: %q, want tok-2", got)
	}
}

func TestTokenSingleFlight(t *testing.T) {
	var requests atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		<-release
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"shared-token","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	m, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: srv.URL, ClientID: "id", ClientSecret: NewSecret("secret")}, TokenManagerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	toks := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { toks[i], errs[i] = m.Token(context.Background()) })
	}
	tokWaitForWaiters(t, m, n)
	close(release)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || toks[i] != "shared-token" {
			t.Fatalf("caller %d: %q, %v", i, toks[i], errs[i])
		}
	}
	if got := requests.Load(); got != 1 {
		t.Fatalf("%d token requests, want 1", got)
	}
}

func TestTokenSingleFlightError(t *testing.T) {
	var requests atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			<-release
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"second","expires_in":3600}`)
	}))
	defer srv.Close()
	m, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: srv.URL, ClientID: "id", ClientSecret: NewSecret("secret")}, TokenManagerConfig{Provider: "paypal"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, errs[i] = m.Token(context.Background()) })
	}
	tokWaitForWaiters(t, m, n)
	close(release)
	wg.Wait()
	first, _ := paykit.AsError(errs[0])
	for i, err := range errs {
		pe, ok := paykit.AsError(err)
		if !ok || !errors.Is(err, paykit.ErrAuthentication) || pe.Provider != "paypal" || pe.StatusCode != 401 {
			t.Fatalf("caller %d: %#v", i, err)
		}
		if i > 0 && pe == first {
			t.Fatalf("callers %d and 0 share one *paykit.Error", i)
		}
	}
	if got := requests.Load(); got != 1 {
		t.Fatalf("%d token requests, want 1", got)
	}
	// A failure is not cached: the next caller asks again.
	if got := tokMust(t, m); got != "second" {
		t.Fatalf("after a failed request: %q", got)
	}
}

func TestTokenInvalidate(t *testing.T) {
	f := &tokenCounter{lifetime: time.Hour}
	m := NewTokenManager(f.fetch, TokenManagerConfig{})
	tokMust(t, m)
	m.Invalidate("tok-0") // an older token
	m.Invalidate("")
	if got := tokMust(t, m); got != "tok-1" || f.n.Load() != 1 {
		t.Fatalf("invalidating another token refreshed: %q after %d requests", got, f.n.Load())
	}
	m.Invalidate("tok-1")
	if got := tokMust(t, m); got != "tok-2" {
		t.Fatalf("after invalidating the current token: %q, want tok-2", got)
	}
	// A late 401 for tok-1, after the refresh, keeps tok-2.
	m.Invalidate("tok-1")
	if got := tokMust(t, m); got != "tok-2" || f.n.Load() != 2 {
		t.Fatalf("late invalidation threw the refreshed token away: %q after %d requests", got, f.n.Load())
	}
}

// TestTokenReauthenticate plays the transport's side of the 401 rule: an
// API that refuses the first token, so that the refused request is
// re-authenticated once and repeated; and an API that refuses every
// token, so that the second 401 is final.
func TestTokenReauthenticate(t *testing.T) {
	var revoked atomic.Value
	revoked.Store("tok-1")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Get("Authorization")
		if v == "" || v == "Bearer "+revoked.Load().(string) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer api.Close()

	// send is the few lines of the transport's Do: authenticate, send;
	// on a first 401 reauthenticate and send again; a second 401 is an
	// AUTHENTICATION_ERROR.
	send := func(auth interface {
		Authenticate(context.Context, *http.Request) error
	}) (int, error) {
		ctx := context.Background()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, api.URL, strings.NewReader("body"))
		if err := auth.Authenticate(ctx, req); err != nil {
			return 0, err
		}
		for reauthed := false; ; reauthed = true {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				return res.StatusCode, nil
			}
			ra, ok := auth.(Reauthenticator)
			if reauthed || !ok {
				return res.StatusCode, &paykit.Error{Code: paykit.CodeAuthentication, StatusCode: 401}
			}
			if err := ra.Reauthenticate(ctx, req); err != nil {
				return 0, err
			}
			if req.GetBody != nil {
				req.Body, _ = req.GetBody()
			}
		}
	}

	f := &tokenCounter{lifetime: time.Hour}
	m := NewTokenManager(f.fetch, TokenManagerConfig{})
	if status, err := send(m); err != nil || status != 200 {
		t.Fatalf("refused first token: %d, %v", status, err)
	}
	if n := f.n.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}

	// An endpoint that issues the same refused token again (PayPal
	// returns the same token until it expires).
	revoked.Store("same")
	var calls atomic.Int32
	m2 := NewTokenManager(func(context.Context) (string, time.Duration, error) {
		calls.Add(1)
		return "same", time.Hour, nil
	}, TokenManagerConfig{})
	status, err := send(m2)
	if status != 401 || !errors.Is(err, paykit.ErrAuthentication) {
		t.Fatalf("every token refused: %d, %v", status, err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d token requests, want 2 (one reauthentication)", n)
	}
}

func TestTokenReauthenticateSetsFreshHeader(t *testing.T) {
	f := &tokenCounter{lifetime: time.Hour}
	m := NewTokenManager(f.fetch, TokenManagerConfig{})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if err := m.Authenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer tok-1" {
		t.Fatalf("Authorization %q", got)
	}
	stale := req.Clone(context.Background())
	if err := m.Reauthenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer tok-2" {
		t.Fatalf("after Reauthenticate: %q", got)
	}
	// Another request refused with tok-1 joins the refresh already made.
	if err := m.Reauthenticate(context.Background(), stale); err != nil {
		t.Fatal(err)
	}
	if got := stale.Header.Get("Authorization"); got != "Bearer tok-2" || f.n.Load() != 2 {
		t.Fatalf("second refused request: %q after %d requests", got, f.n.Load())
	}
}

func TestTokenCanceledWaiter(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	var fetchErr atomic.Value
	var calls atomic.Int32
	m := NewTokenManager(func(ctx context.Context) (string, time.Duration, error) {
		calls.Add(1)
		close(started)
		<-release
		fetchErr.Store(fmt.Sprint(ctx.Err()))
		return "shared", time.Hour, nil
	}, TokenManagerConfig{})

	ctx, cancel := context.WithCancel(context.Background())
	impatient := make(chan error, 1)
	go func() { _, err := m.Token(ctx); impatient <- err }()
	<-started
	patient := make(chan string, 1)
	go func() { tok, _ := m.Token(context.Background()); patient <- tok }()
	tokWaitForWaiters(t, m, 2)

	cancel()
	err := <-impatient
	if pe, ok := paykit.AsError(err); !ok || !errors.Is(err, context.Canceled) || pe.Code != paykit.CodeOperationFailed {
		t.Fatalf("canceled waiter: %#v", err)
	}
	close(release)
	if tok := <-patient; tok != "shared" {
		t.Fatalf("patient waiter: %q", tok)
	}
	if got := fetchErr.Load(); got != "<nil>" {
		t.Fatalf("the shared request saw ctx error %v", got)
	}
	if got := tokMust(t, m); got != "shared" || calls.Load() != 1 {
		t.Fatalf("after the request: %q, %d requests", got, calls.Load())
	}

	// A ctx already done asks for nothing.
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := m.Token(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("done ctx: %v", err)
	}
}

func TestTokenFetchTimeout(t *testing.T) {
	m := NewTokenManager(func(ctx context.Context) (string, time.Duration, error) {
		<-ctx.Done()
		return "", 0, ctx.Err()
	}, TokenManagerConfig{FetchTimeout: 20 * time.Millisecond, Provider: "gopay"})
	_, err := m.Token(context.Background())
	pe, ok := paykit.AsError(err)
	if !ok || pe.Code != paykit.CodeNetwork || !pe.Retryable || pe.Provider != "gopay" || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timed-out fetch: %#v", err)
	}
}

func TestTokenFetchErrors(t *testing.T) {
	m := NewTokenManager(nil, TokenManagerConfig{})
	if _, err := m.Token(context.Background()); !errors.Is(err, paykit.ErrConfiguration) {
		t.Fatalf("nil fetch: %v", err)
	}
	m = NewTokenManager(func(context.Context) (string, time.Duration, error) { return "", time.Hour, nil }, TokenManagerConfig{})
	if _, err := m.Token(context.Background()); !errors.Is(err, paykit.ErrAuthentication) {
		t.Fatalf("empty token: %v", err)
	}
	plain := errors.New("login refused")
	m = NewTokenManager(func(context.Context) (string, time.Duration, error) { return "", 0, plain }, TokenManagerConfig{})
	if _, err := m.Token(context.Background()); !errors.Is(err, paykit.ErrAuthentication) || !errors.Is(err, plain) {
		t.Fatalf("plain error: %v", err)
	}
}

// tokenForm records one token request.
type tokenForm struct {
	method, path, contentType string
	basicOK                   bool
	user, pass                string
	form                      url.Values
}

func TestClientCredentialsRequest(t *testing.T) {
	cases := []struct {
		name       string
		cc         ClientCredentialsConfig
		expiresIn  string
		wantScope  string
		wantInBody bool
		lifetime   time.Duration
	}{
		{name: "paypal", cc: ClientCredentialsConfig{ClientID: "client-id", ClientSecret: NewSecret("client:secret")}, expiresIn: `32400`, lifetime: 32400 * time.Second},
		{name: "gopay with scope", cc: ClientCredentialsConfig{ClientID: "1234", ClientSecret: NewSecret("s"), Scopes: []string{"payment-create", "payment-all"}}, expiresIn: `"1800"`, wantScope: "payment-create payment-all", lifetime: 1800 * time.Second},
		{name: "credentials in body", cc: ClientCredentialsConfig{ClientID: "id", ClientSecret: NewSecret("s"), AuthInBody: true}, expiresIn: `600`, wantInBody: true, lifetime: 600 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []tokenForm
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				user, pass, ok := r.BasicAuth()
				mu.Lock()
				seen = append(seen, tokenForm{r.Method, r.URL.Path, r.Header.Get("Content-Type"), ok, user, pass, r.PostForm})
				n := len(seen)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"scope":"x","access_token":"A21AA-%d","token_type":"Bearer","app_id":"APP-1","expires_in":%s,"nonce":"n"}`, n, tc.expiresIn)
			}))
			defer srv.Close()
			clock := newTokenClock()
			cc := tc.cc
			cc.TokenURL = srv.URL + "/v1/oauth2/token"
			m, err := NewClientCredentials(cc, TokenManagerConfig{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			if got := tokMust(t, m); got != "A21AA-1" {
				t.Fatalf("token %q", got)
			}
			mu.Lock()
			r := seen[0]
			mu.Unlock()
			if r.method != http.MethodPost || r.path != "/v1/oauth2/token" || r.contentType != "application/x-www-form-urlencoded" {
				t.Fatalf("request %s %s %s", r.method, r.path, r.contentType)
			}
			if got := r.form["grant_type"]; len(got) != 1 || got[0] != "client_credentials" {
				t.Fatalf("grant_type %q", got)
			}
			if got := strings.Join(r.form["scope"], "|"); got != tc.wantScope {
				t.Fatalf("scope %q, want %q", got, tc.wantScope)
			}
			if tc.wantInBody {
				if r.basicOK || r.form.Get("client_id") != cc.ClientID || r.form.Get("client_secret") != cc.ClientSecret.Reveal() {
					t.Fatalf("credentials in body: basic %v, form %v", r.basicOK, r.form)
				}
			} else if !r.basicOK || r.user != url.QueryEscape(cc.ClientID) || r.pass != url.QueryEscape(cc.ClientSecret.Reveal()) || r.form.Get("client_secret") != "" {
				// RFC 6749 section 2.3.1 form-encodes both before Basic:
				// "client:secret" is sent as "client%3Asecret".
				t.Fatalf("basic auth %v %q %q, form %v", r.basicOK, r.user, r.pass, r.form)
			}
			// The lifetime is the stated expires_in: the token is replaced
			// exactly at lifetime less leeway.
			refresh := tc.lifetime - min(DefaultTokenLeeway, tc.lifetime/4)
			clock.Advance(refresh - time.Second)
			if got := tokMust(t, m); got != "A21AA-1" {
				t.Fatalf("before the refresh point: %q", got)
			}
			clock.Advance(time.Second)
			if got := tokMust(t, m); got != "A21AA-2" {
				t.Fatalf("at the refresh point: %q", got)
			}
		})
	}
}

func TestClientCredentialsConfigErrors(t *testing.T) {
	ok := ClientCredentialsConfig{TokenURL: "https://api.example.com/token", ClientID: "id", ClientSecret: NewSecret("secret-value")}
	cases := map[string]func(*ClientCredentialsConfig){
		"token_url":       func(c *ClientCredentialsConfig) { c.TokenURL = "" },
		"client_id":       func(c *ClientCredentialsConfig) { c.ClientID = "" },
		"client_secret":   func(c *ClientCredentialsConfig) { c.ClientSecret = Secret{} },
		"endpoint_params": func(c *ClientCredentialsConfig) { c.EndpointParams = map[string][]string{"grant_type": {"password"}} },
	}
	for param, mutate := range cases {
		cc := ok
		mutate(&cc)
		_, err := NewClientCredentials(cc, TokenManagerConfig{Provider: "paypal"})
		pe, isPE := paykit.AsError(err)
		if !isPE || pe.Code != paykit.CodeConfiguration || pe.Param != param || pe.Provider != "paypal" {
			t.Errorf("%s: %#v", param, err)
		}
	}
	cc := ok
	cc.TokenURL = "ftp://x/token"
	if _, err := NewClientCredentials(cc, TokenManagerConfig{}); !errors.Is(err, paykit.ErrConfiguration) {
		t.Errorf("ftp URL: %v", err)
	}
}

// TestTokenMonnifyLogin shows a fetch function for a login that is not OAuth2:
// Monnify's POST /api/v1/auth/login with Basic apiKey:secret, answered
// by an envelope holding accessToken and expiresIn.
func TestTokenMonnifyLogin(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		key, secret, ok := r.BasicAuth()
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/auth/login" || !ok || key != "MK_TEST_KEY" || secret != "monnify-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"requestSuccessful":false,"responseMessage":"Invalid credentials monnify-secret","responseCode":"99"}`)
			return
		}
		io.WriteString(w, `{"requestSuccessful":true,"responseMessage":"0","responseCode":"0","responseBody":{"accessToken":"eyJ.monnify.tok","expiresIn":3599}}`)
	}))
	defer srv.Close()

	monnify := func(base, apiKey, secret string) TokenFetchFunc {
		return func(ctx context.Context) (string, time.Duration, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/auth/login", nil)
			if err != nil {
				return "", 0, &paykit.Error{Code: paykit.CodeConfiguration, Message: "bad base URL"}
			}
			req.SetBasicAuth(apiKey, secret)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return "", 0, &paykit.Error{Code: paykit.CodeNetwork, Retryable: true, Message: "login failed", Err: err}
			}
			defer res.Body.Close()
			var out struct {
				RequestSuccessful bool   `json:"requestSuccessful"`
				ResponseCode      string `json:"responseCode"`
				ResponseBody      struct {
					AccessToken string `json:"accessToken"`
					ExpiresIn   int64  `json:"expiresIn"`
				} `json:"responseBody"`
			}
			decodeErr := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&out)
			if res.StatusCode/100 != 2 || decodeErr != nil || !out.RequestSuccessful {
				// The responseMessage may echo the request: only the
				// status and the numeric response code are kept.
				code := ""
				if _, err := strconv.Atoi(out.ResponseCode); err == nil {
					code = "responseCode " + out.ResponseCode
				}
				pe := TokenRequestError(res.StatusCode, code)
				if res.StatusCode/100 == 2 {
					pe.Code = paykit.CodeAuthentication
				}
				return "", 0, pe
			}
			return out.ResponseBody.AccessToken, time.Duration(out.ResponseBody.ExpiresIn) * time.Second, nil
		}
	}

	clock := newTokenClock()
	m := NewTokenManager(monnify(srv.URL, "MK_TEST_KEY", "monnify-secret"), TokenManagerConfig{Provider: "monnify", Now: clock.Now})
	req := httptest.NewRequest(http.MethodGet, "/api/v2/disbursements", nil)
	if err := m.Authenticate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer eyJ.monnify.tok" {
		t.Fatalf("Authorization %q", got)
	}
	clock.Advance(3599*time.Second - DefaultTokenLeeway - time.Second)
	tokMust(t, m)
	if n := requests.Load(); n != 1 {
		t.Fatalf("%d logins, want 1", n)
	}

	bad := NewTokenManager(monnify(srv.URL, "MK_TEST_KEY", "wrong"), TokenManagerConfig{Provider: "monnify"})
	_, err := bad.Token(context.Background())
	if !errors.Is(err, paykit.ErrAuthentication) || strings.Contains(err.Error(), "monnify-secret") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("refused login: %v", err)
	}
}

// Canary strings a token endpoint may echo, which no error or log may
// ever show.
const (
	tokCanarySecret = "CANARYSECRETzq81x"
	tokCanaryToken  = "CANARYTOKENpw93k"
)

func TestClientCredentialsErrorRedaction(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte("client-id:" + tokCanarySecret))
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		code        paykit.ErrorCode
		retryable   bool
		wantIn      []string
	}{
		{"invalid_client 401", 401, "application/json",
			`{"error":"invalid_client","error_description":"Client Authentication failed for ` + tokCanarySecret + `","access_token":"` + tokCanaryToken + `"}`,
			paykit.CodeAuthentication, false, []string{"401", "invalid_client"}},
		{"invalid_grant 400", 400, "application/json",
			`{"error":"invalid_grant","error_description":"` + basic + ` ` + tokCanaryToken + `"}`,
			paykit.CodeAuthentication, false, []string{"400", "invalid_grant"}},
		{"secret as the error code", 400, "application/json",
			`{"error":"` + tokCanarySecret + `","error_description":"x"}`,
			paykit.CodeAuthentication, false, []string{"400", "(unreadable)"}},
		{"error with status 200", 200, "application/json",
			`{"error":"unauthorized_client","error_description":"` + tokCanarySecret + `","access_token":"` + tokCanaryToken + `"}`,
			paykit.CodeAuthentication, false, []string{"200", "unauthorized_client"}},
		{"form-encoded error", 401, "application/x-www-form-urlencoded",
			`error=invalid_client&error_description=` + tokCanarySecret + `&access_token=` + tokCanaryToken,
			paykit.CodeAuthentication, false, []string{"401", "invalid_client"}},
		{"html 503", 503, "text/html",
			`<html>upstream ` + tokCanarySecret + ` ` + tokCanaryToken + ` Bearer ` + tokCanaryToken + `</html>`,
			paykit.CodeProviderUnavailable, true, []string{"503"}},
		{"429", 429, "application/json", `{"message":"` + tokCanarySecret + `"}`,
			paykit.CodeRateLimited, true, []string{"429"}},
		{"garbage 200", 200, "application/json", `{"access_token":` + tokCanaryToken + tokCanarySecret,
			paykit.CodeOperationFailed, false, nil},
		{"200 without token", 200, "application/json", `{"token_type":"Bearer","note":"` + tokCanarySecret + `"}`,
			paykit.CodeAuthentication, false, nil},
		{"not a bearer token", 200, "application/json", `{"access_token":"` + tokCanaryToken + `","token_type":"mac"}`,
			paykit.CodeAuthentication, false, []string{"MAC"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			m, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: srv.URL + "/v1/oauth2/token", ClientID: "client-id", ClientSecret: NewSecret(tokCanarySecret)},
				TokenManagerConfig{Provider: "paypal", Logger: logger})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/v1/x", nil)
			err = m.Authenticate(context.Background(), req)
			pe, ok := paykit.AsError(err)
			if !ok || pe.Code != tc.code || pe.Retryable != tc.retryable || pe.Provider != "paypal" {
				t.Fatalf("error %#v", err)
			}
			if req.Header.Get("Authorization") != "" {
				t.Fatalf("Authorization set despite the error")
			}
			renderings := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", *pe), logs.String()}
			for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
				renderings = append(renderings, e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
			}
			for _, s := range renderings {
				for _, canary := range []string{tokCanarySecret, tokCanaryToken, basic, "Basic "} {
					if strings.Contains(s, canary) {
						t.Fatalf("%q leaked into %q", canary, s)
					}
				}
			}
			for _, want := range tc.wantIn {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
			if !strings.Contains(logs.String(), "paykit token request") || !strings.Contains(logs.String(), string(tc.code)) {
				t.Errorf("log %q", logs.String())
			}
		})
	}
}

func TestClientCredentialsNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	tokenURL := srv.URL + "/token"
	srv.Close()
	m, err := NewClientCredentials(ClientCredentialsConfig{TokenURL: tokenURL, ClientID: "id", ClientSecret: NewSecret(tokCanarySecret)}, TokenManagerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Token(context.Background())
	pe, ok := paykit.AsError(err)
	if !ok || pe.Code != paykit.CodeNetwork || !pe.Retryable || strings.Contains(fmt.Sprintf("%+v %#v", err, *pe), tokCanarySecret) {
		t.Fatalf("unreachable endpoint: %#v", err)
	}
}

func TestTokenRequestError(t *testing.T) {
	cases := []struct {
		status    int
		oauthCode string
		code      paykit.ErrorCode
		retryable bool
	}{
		{400, "invalid_scope", paykit.CodeAuthentication, false},
		{401, "", paykit.CodeAuthentication, false},
		{403, "", paykit.CodeAuthentication, false},
		{404, "", paykit.CodeOperationFailed, false},
		{408, "", paykit.CodeNetwork, true},
		{429, "", paykit.CodeRateLimited, true},
		{500, "server_error", paykit.CodeProviderUnavailable, true},
		{501, "", paykit.CodeProviderUnavailable, false},
		{503, "", paykit.CodeProviderUnavailable, true},
		{400, "temporarily_unavailable", paykit.CodeProviderUnavailable, true},
		{200, "invalid_client", paykit.CodeAuthentication, false},
		{0, "", paykit.CodeOperationFailed, false},
	}
	for _, tc := range cases {
		pe := TokenRequestError(tc.status, tc.oauthCode)
		if pe.Code != tc.code || pe.Retryable != tc.retryable || pe.StatusCode != tc.status || !strings.Contains(pe.Message, tc.oauthCode) {
			t.Errorf("TokenRequestError(%d, %q) = %#v", tc.status, tc.oauthCode, pe)
		}
	}
}

// TestTokenRefreshFailureKeepsAValidToken: a refresh that fails inside the
// leeway leaves callers the old token while it is valid, and the next
// call tries again; past its expiry the failure is the answer.
func TestTokenRefreshFailureKeepsAValidToken(t *testing.T) {
	clock := newTokenClock()
	var fail atomic.Bool
	var calls atomic.Int32
	fetch := func(context.Context) (string, time.Duration, error) {
		n := calls.Add(1)
		if fail.Load() {
			return "", 0, &paykit.Error{Code: paykit.CodeProviderUnavailable, Retryable: true, Message: "token endpoint answered 503"}
		}
		return "tok-" + strconv.Itoa(int(n)), time.Hour, nil
	}
	m := NewTokenManager(fetch, TokenManagerConfig{Now: clock.Now})
	tokMust(t, m)
	fail.Store(true)
	clock.Advance(time.Hour - DefaultTokenLeeway/2) // inside the leeway
	if got := tokMust(t, m); got != "tok-1" {
		t.Fatalf("inside the leeway after a failed refresh: %q, want the old token", got)
	}
	tokMust(t, m)
	if n := calls.Load(); n != 3 {
		t.Fatalf("%d token requests, want 3: each call inside the leeway tries again", n)
	}
	clock.Advance(DefaultTokenLeeway)
	if _, err := m.Token(context.Background()); !errors.Is(err, paykit.ErrProviderUnavailable) {
		t.Fatalf("past the expiry: %v, want the refresh's error", err)
	}
	fail.Store(false)
	if got := tokMust(t, m); got == "tok-1" {
		t.Fatal("a new token was not fetched once the endpoint recovered")
	}
}

// TestTokenFetchPanic: a fetch function that panics fails the callers
// waiting for it with an error, and a later call fetches again.
func TestTokenFetchPanic(t *testing.T) {
	var calls atomic.Int32
	m := NewTokenManager(func(context.Context) (string, time.Duration, error) {
		if calls.Add(1) == 1 {
			panic("bad login answer")
		}
		return "tok", time.Hour, nil
	}, TokenManagerConfig{})
	if _, err := m.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("Token after a panicking fetch: %v, want an error saying so", err)
	}
	if got := tokMust(t, m); got != "tok" {
		t.Fatalf("the next call: %q, want a fresh token", got)
	}
}
