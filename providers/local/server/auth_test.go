package server_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
)

const token = "team-token-0123456789abcdef"

// Served to the network, the server needs an access token.
func TestRemoteNeedsToken(t *testing.T) {
	if srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", AllowRemote: true, Options: items()}); err == nil {
		a := do(t, srv.URL(), apiCall{method: "GET", path: "/api/v1/customers"})
		srv.Close()
		t.Fatalf("AllowRemote without a token started, and its API answered %d to a request without credentials", a.status)
	} else if !strings.Contains(err.Error(), "Token") {
		t.Errorf("AllowRemote without a token: %v", err)
	}
	for _, bad := range []string{"short", "has spaces in it, sixteen+", "tab\tin-the-token-0123"} {
		if srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", AllowRemote: true, Token: bad, Options: items()}); err == nil {
			srv.Close()
			t.Errorf("token %q accepted", bad)
		}
	}
}

func startWithToken(t *testing.T) *server.Server {
	t.Helper()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", AllowRemote: true, Token: token, Options: items()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// The API wants the token as a bearer token: without it, or with a wrong
// one, a 401 and nothing changes.
func TestAPIToken(t *testing.T) {
	base := startWithToken(t).URL()
	for name, h := range map[string]map[string]string{
		"none":          nil,
		"wrong":         bearer("team-token-0123456789abcdeX"),
		"prefix":        bearer(token[:len(token)-1]),
		"longer":        bearer(token + "x"),
		"empty":         bearer(""),
		"basic":         {"Authorization": "Basic " + token},
		"no scheme":     {"Authorization": token},
		"session-ish":   {"Cookie": server.SessionCookie + "=" + token},
		"token as user": {"Authorization": "Bearer  " + token},
	} {
		t.Run(name, func(t *testing.T) {
			a := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com"}`), header: h})
			if a.status != http.StatusUnauthorized || a.err.Code != paykit.CodeAuthentication || a.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%d %s, want 401 AUTHENTICATION_ERROR with WWW-Authenticate", a.status, a.body)
			}
		})
	}
	if a := do(t, base, apiCall{method: "GET", path: "/api/v1/customers", header: bearer(token)}); a.status != 200 || strings.Contains(string(a.body), "a@example.com") {
		t.Fatalf("with the token: %d %s, want an empty list", a.status, a.body)
	}
	if a := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com"}`), header: bearer(token)}); a.status != 200 {
		t.Fatalf("create with the token: %d %s", a.status, a.body)
	}
	if a := do(t, base, apiCall{method: "GET", path: "/healthz"}); a.status != 200 {
		t.Errorf("/healthz: %d", a.status)
	}
	// The CSRF check stays.
	h := bearer(token)
	h["Origin"] = "https://evil.example"
	if a := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"b@example.com"}`), header: h}); a.status != http.StatusForbidden {
		t.Errorf("cross-origin write with the token: %d", a.status)
	}
}

// The pages redirect to the sign-in page, which sets a session cookie
// for the right token only.
func TestSignIn(t *testing.T) {
	base := startWithToken(t).URL()
	for _, p := range []string{"/", "/checkout/cs_1", "/pay/pay_1?checkout=cs_1"} {
		a := do(t, base, apiCall{method: "GET", path: p})
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/signin?next="+url.QueryEscape(p) {
			t.Errorf("GET %s signed out: %d Location %q", p, a.status, a.header.Get("Location"))
		}
	}
	if a := do(t, base, apiCall{method: "POST", path: "/dashboard/clock", body: []byte("by=24h"), contentType: "application/x-www-form-urlencoded"}); a.status != http.StatusUnauthorized {
		t.Errorf("dashboard action signed out: %d", a.status)
	}
	form := func(tok, next string) []byte { return []byte(url.Values{"token": {tok}, "next": {next}}.Encode()) }
	const ct = "application/x-www-form-urlencoded"
	if a := do(t, base, apiCall{method: "POST", path: "/signin", body: form("wrong-token-0123456789", "/"), contentType: ct}); a.status != http.StatusUnauthorized || a.header.Get("Set-Cookie") != "" {
		t.Errorf("wrong token: %d, cookie %q", a.status, a.header.Get("Set-Cookie"))
	}
	if a := do(t, base, apiCall{method: "POST", path: "/signin", body: form(token, "/"), contentType: ct, header: map[string]string{"Origin": "https://evil.example"}}); a.status != http.StatusForbidden {
		t.Errorf("cross-origin sign-in: %d", a.status)
	}
	a := do(t, base, apiCall{method: "POST", path: "/signin", body: form(token, "/checkout/cs_1"), contentType: ct})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/checkout/cs_1" {
		t.Fatalf("sign-in: %d Location %q", a.status, a.header.Get("Location"))
	}
	res := http.Response{Header: a.header}
	cookies := res.Cookies()
	if len(cookies) != 1 || cookies[0].Name != server.SessionCookie || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || strings.Contains(cookies[0].Value, token) {
		t.Fatalf("session cookie = %+v", cookies)
	}
	session := map[string]string{"Cookie": cookies[0].Name + "=" + cookies[0].Value}
	if a := do(t, base, apiCall{method: "GET", path: "/", header: session}); a.status != 200 || !strings.Contains(string(a.body), "paykit dev · dashboard") {
		t.Errorf("dashboard signed in: %d", a.status)
	}
	// The cookie is for the pages, not the API.
	if a := do(t, base, apiCall{method: "GET", path: "/api/v1/customers", header: session}); a.status != http.StatusUnauthorized {
		t.Errorf("API with the session cookie: %d", a.status)
	}
	forged := map[string]string{"Cookie": server.SessionCookie + "=9999999999.AAAA"}
	if a := do(t, base, apiCall{method: "GET", path: "/", header: forged}); a.status != http.StatusSeeOther {
		t.Errorf("forged session: %d", a.status)
	}
	// The sign-in page sends nobody elsewhere.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		a := do(t, base, apiCall{method: "POST", path: "/signin", body: form(token, next), contentType: ct})
		if a.header.Get("Location") != "/" {
			t.Errorf("next %q: Location %q", next, a.header.Get("Location"))
		}
	}
	// Signing out deletes the cookie.
	if a := do(t, base, apiCall{method: "POST", path: "/signout", header: session}); a.status != http.StatusSeeOther || !strings.Contains(a.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("sign-out: %d %q", a.status, a.header.Get("Set-Cookie"))
	}
	// Signed in, the sign-in page goes on.
	if a := do(t, base, apiCall{method: "GET", path: "/signin?next=%2Fcheckout%2Fcs_1", header: session}); a.status != http.StatusSeeOther || a.header.Get("Location") != "/checkout/cs_1" {
		t.Errorf("sign-in page signed in: %d %q", a.status, a.header.Get("Location"))
	}
}

// local.WithServerToken sends the token: the provider in remote mode
// works with it and fails with ErrAuthentication without it.
func TestServerToken(t *testing.T) {
	srv := startWithToken(t)
	ctx := t.Context()
	for name, opts := range map[string][]local.Option{
		"no token":    {local.WithServerURL(srv.URL())},
		"wrong token": {local.WithServerURL(srv.URL()), local.WithServerToken("team-token-0123456789abcdeX")},
	} {
		sim := local.Provider(opts...)
		_, err := paykit.New(sim).Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"})
		if !errors.Is(err, paykit.ErrAuthentication) {
			t.Errorf("%s: %v, want ErrAuthentication", name, err)
		}
		sim.Close()
	}
	sim := local.Provider(local.WithServerURL(srv.URL()), local.WithServerToken(token))
	defer sim.Close()
	c := paykit.New(sim)
	if _, err := c.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := sim.AdvanceClock(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := sim.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// The token is for a server: alone it is a configuration error.
	if err := local.Provider(local.WithServerToken(token)).Err(); !errors.Is(err, paykit.ErrConfiguration) {
		t.Errorf("WithServerToken without WithServerURL: %v", err)
	}
}
