package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/server"
)

func startPlain(t *testing.T) *server.Server {
	t.Helper()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: items()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// state reads everything the API can list, to prove a request changed
// nothing. (The clock is checked apart: its time runs.)
func state(t *testing.T, base string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"/customers", "/checkouts", "/payments", "/subscriptions", "/refunds", "/invoices", "/events"} {
		a := do(t, base, apiCall{method: "GET", path: "/api/v1" + p})
		if a.status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", p, a.status, a.body)
		}
		b.Write(a.body)
	}
	return b.String()
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// Bad input gets a clear 4xx JSON error and changes nothing.
func TestAPIBadInput(t *testing.T) {
	srv := startPlain(t)
	base := srv.URL()
	// Some state to leave untouched.
	cus := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: jsonBody(map[string]any{"email": "jane@example.com", "name": "Jane"})})
	if cus.status != http.StatusOK {
		t.Fatalf("create customer: %d %s", cus.status, cus.body)
	}
	var c paykit.Customer
	_ = json.Unmarshal(cus.body, &c)
	co := do(t, base, apiCall{method: "POST", path: "/api/v1/checkouts", body: jsonBody(map[string]any{
		"customer": c.ID, "item_id": "price_basic", "session_type": "one_time", "quantity": 1, "success_url": "https://example.com/ok"})})
	if co.status != http.StatusOK {
		t.Fatalf("create checkout: %d %s", co.status, co.body)
	}
	var checkout paykit.Checkout
	_ = json.Unmarshal(co.body, &checkout)
	before := state(t, base)
	started := time.Now()
	clockBefore := now(t, base)

	big := append([]byte(`{"email":"a@example.com","name":"`), bytes.Repeat([]byte("x"), 1<<20)...)
	big = append(big, `"}`...)
	for _, tc := range []struct {
		name   string
		call   apiCall
		status int
		code   paykit.ErrorCode
		param  string
		msg    string
	}{
		{"malformed JSON", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":`)}, 400, paykit.CodeValidation, "body", "malformed JSON"},
		{"wrong JSON type", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":42}`)}, 400, paykit.CodeValidation, "email", "email must be a JSON string, not number"},
		{"wrong nested type", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com","metadata":{"plan":1}}`)}, 400, paykit.CodeValidation, "metadata", "must be a JSON string"},
		{"unknown field", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"emial":"a@example.com"}`)}, 400, paykit.CodeValidation, "emial", `unknown field "emial"`},
		{"truncated JSON", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@`)}, 400, paykit.CodeValidation, "body", "ends too early"},
		{"trailing data", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com"} {}`)}, 400, paykit.CodeValidation, "body", "after the JSON value"},
		{"JSON array", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`[]`)}, 400, paykit.CodeValidation, "body", "must be a JSON object, not array"},
		{"not JSON", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`email=a`)}, 400, paykit.CodeValidation, "body", "invalid character"},
		{"invalid email", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"not-an-email"}`)}, 400, paykit.CodeValidation, "email", "email"},
		{"missing email", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{}`)}, 400, paykit.CodeValidation, "email", "required"},
		{"not JSON content type", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`email=a@example.com`), contentType: "application/x-www-form-urlencoded"}, 415, paykit.CodeValidation, "body", "application/json"},
		{"oversized body", apiCall{method: "POST", path: "/api/v1/customers", body: big}, 413, paykit.CodeValidation, "body", "exceeds 1 MiB"},
		{"unknown customer", apiCall{method: "GET", path: "/api/v1/customers/cus_nope"}, 404, paykit.CodeNotFound, "id", `customer "cus_nope" not found`},
		{"update unknown customer", apiCall{method: "POST", path: "/api/v1/customers/cus_nope", body: []byte(`{"name":"X"}`)}, 404, paykit.CodeNotFound, "id", "not found"},
		{"delete unknown payment", apiCall{method: "DELETE", path: "/api/v1/payments/pay_nope"}, 404, paykit.CodeNotFound, "id", "not found"},
		{"pay unknown checkout", apiCall{method: "POST", path: "/api/v1/checkouts/cs_nope/pay", body: []byte(`{"card":"succeeds"}`)}, 404, paykit.CodeNotFound, "id", "not found"},
		{"payment of nothing", apiCall{method: "POST", path: "/api/v1/payments", body: jsonBody(map[string]any{"amount": 0, "currency": "USD", "customer": c.ID})}, 400, paykit.CodeValidation, "amount", "amount"},
		{"refund unknown payment", apiCall{method: "POST", path: "/api/v1/refunds", body: []byte(`{"payment_id":"pay_nope","amount":100}`)}, 404, paykit.CodeNotFound, "payment_id", "not found"},
		{"checkout of unknown item", apiCall{method: "POST", path: "/api/v1/checkouts", body: jsonBody(map[string]any{"customer": c.ID, "item_id": "price_nope", "session_type": "one_time", "quantity": 1, "success_url": "https://example.com/ok"})}, 404, paykit.CodeNotFound, "item_id", "not found"},
		{"unknown event", apiCall{method: "POST", path: "/api/v1/events/evt_nope/resend"}, 404, paykit.CodeNotFound, "id", "not found"},
		{"unknown card", apiCall{method: "POST", path: "/api/v1/checkouts/" + checkout.ID + "/pay", body: []byte(`{"card":"gold"}`)}, 400, paykit.CodeValidation, "card", "unknown simulated card"},
		{"bad duration", apiCall{method: "POST", path: "/api/v1/clock/advance", body: []byte(`{"duration":"soon"}`)}, 400, paykit.CodeValidation, "duration", "Go duration"},
		{"clock backwards", apiCall{method: "POST", path: "/api/v1/clock/advance", body: []byte(`{"duration":"-1h"}`)}, 400, paykit.CodeValidation, "d", "forward"},
		{"key on a simulation helper", apiCall{method: "POST", path: "/api/v1/clock/advance", body: []byte(`{"duration":"1h"}`), header: map[string]string{"Idempotency-Key": "k1"}}, 400, paykit.CodeValidation, "Idempotency-Key", "take no idempotency key"},
		{"clock standing still", apiCall{method: "POST", path: "/api/v1/clock/advance", body: []byte(`{"duration":"0s"}`)}, 400, paykit.CodeValidation, "d", "forward"},
		{"clock too far", apiCall{method: "POST", path: "/api/v1/clock/advance", body: []byte(`{"duration":"2000000h"}`)}, 400, paykit.CodeValidation, "d", "years"},
		{"bad limit", apiCall{method: "GET", path: "/api/v1/customers?limit=many"}, 400, paykit.CodeValidation, "limit", "whole number"},
		{"limit out of range", apiCall{method: "GET", path: "/api/v1/customers?limit=1000"}, 400, paykit.CodeValidation, "limit", "between 0 and 100"},
		{"unknown filter", apiCall{method: "GET", path: "/api/v1/refunds?customer_id=cus_1"}, 400, paykit.CodeValidation, "customer_id", "unknown query parameter"},
		{"bad cursor", apiCall{method: "GET", path: "/api/v1/payments?cursor=xyz"}, 400, paykit.CodeValidation, "cursor", "cursor"},
		{"wrong method", apiCall{method: "PUT", path: "/api/v1/customers", body: []byte(`{}`)}, 405, paykit.CodeNotSupported, "", "use GET or POST"},
		{"wrong method on a resource", apiCall{method: "PATCH", path: "/api/v1/customers/" + c.ID, body: []byte(`{}`)}, 405, paykit.CodeNotSupported, "", "not allowed"},
		{"GET of a write", apiCall{method: "GET", path: "/api/v1/clock/advance"}, 405, paykit.CodeNotSupported, "", "use POST"},
		{"unknown route", apiCall{method: "GET", path: "/api/v1/widgets"}, 404, paykit.CodeNotFound, "", "no API route"},
		{"unknown version", apiCall{method: "GET", path: "/api/v2/customers"}, 404, paykit.CodeNotFound, "", "no API route"},
		{"too deep", apiCall{method: "GET", path: "/api/v1/customers/" + c.ID + "/orders/1"}, 404, paykit.CodeNotFound, "", "no API route"},
		{"cross-site write", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"x@example.com"}`), header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, paykit.CodePermission, "", "cross-origin"},
		{"foreign origin", apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"x@example.com"}`), header: map[string]string{"Origin": "https://evil.example"}}, 403, paykit.CodePermission, "", "cross-origin"},
		{"foreign host (DNS rebinding)", apiCall{method: "GET", path: "/api/v1/customers", header: map[string]string{"Host": "evil.example"}}, 421, paykit.CodePermission, "", "127.0.0.1 or localhost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, base, tc.call)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if a.err.Code != tc.code || a.err.Param != tc.param || !strings.Contains(a.err.Message, tc.msg) {
				t.Errorf("error = %+v, want code %s param %q message with %q", a.err, tc.code, tc.param, tc.msg)
			}
			if tc.status == 405 && a.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			if after := state(t, base); after != before {
				t.Errorf("the data changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	if moved := now(t, base).Sub(clockBefore); moved > time.Since(started)+time.Second {
		t.Errorf("the simulated clock moved %v in %v", moved, time.Since(started))
	}
}

func now(t *testing.T, base string) time.Time {
	t.Helper()
	var c struct {
		Now time.Time `json:"now"`
	}
	if err := json.Unmarshal(do(t, base, apiCall{method: "GET", path: "/api/v1/clock"}).body, &c); err != nil || c.Now.IsZero() {
		t.Fatalf("GET /clock: %v", err)
	}
	return c.Now
}

// Idempotency keys pass through the API: a repeat returns the first
// result, other parameters conflict.
func TestAPIIdempotencyKey(t *testing.T) {
	base := startPlain(t).URL()
	key := map[string]string{"Idempotency-Key": "order-42"}
	first := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com"}`), header: key})
	again := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com"}`), header: key})
	if first.status != 200 || string(first.body) != string(again.body) {
		t.Fatalf("repeat with the same key: %d %s / %s", first.status, first.body, again.body)
	}
	other := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"b@example.com"}`), header: key})
	if other.status != http.StatusConflict || other.err.Code != paykit.CodeIdempotencyConflict {
		t.Fatalf("same key, other body: %d %+v", other.status, other.err)
	}
	list := do(t, base, apiCall{method: "GET", path: "/api/v1/customers"})
	if n := strings.Count(string(list.body), `"email"`); n != 1 {
		t.Errorf("%d customers after three creates with one key, want 1: %s", n, list.body)
	}
}

// A declined charge answers 402 with the decline code, and the failed
// payment is kept, as at a real provider.
func TestAPIDecline(t *testing.T) {
	base := startPlain(t).URL()
	cus := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: []byte(`{"email":"a@example.com"}`)})
	var c paykit.Customer
	_ = json.Unmarshal(cus.body, &c)
	if a := do(t, base, apiCall{method: "POST", path: "/api/v1/customers/" + c.ID + "/card", body: []byte(`{"declined":true}`)}); a.status != 200 {
		t.Fatalf("set card: %d %s", a.status, a.body)
	}
	a := do(t, base, apiCall{method: "POST", path: "/api/v1/payments", body: jsonBody(map[string]any{"amount": 500, "currency": "USD", "customer": c.ID})})
	if a.status != http.StatusPaymentRequired || a.err.Code != paykit.CodeCardDeclined || a.err.DeclineCode != "card_declined" {
		t.Fatalf("declined payment: %d %s", a.status, a.body)
	}
	list := do(t, base, apiCall{method: "GET", path: "/api/v1/payments?customer_id=" + c.ID})
	if !strings.Contains(string(list.body), `"status":"failed"`) {
		t.Errorf("the failed payment is not listed: %s", list.body)
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	// A *.localhost name is resolved by DNS when listening: not trusted.
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0", "app.localhost:0"} {
		if srv, err := server.Start(server.Config{Addr: addr}); err == nil {
			srv.Close()
			t.Errorf("Start(%q) listened", addr)
		} else if !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("Start(%q) = %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:4242", "localhost:80", "[::1]:1", "127.1.2.3:0"} {
		if err := server.CheckLoopback(addr); err != nil {
			t.Errorf("CheckLoopback(%q) = %v", addr, err)
		}
	}
}

func TestPublicURL(t *testing.T) {
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", PublicURL: "http://localhost:9999/", Options: items()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.URL() != "http://localhost:9999" {
		t.Errorf("URL() = %s", srv.URL())
	}
	if _, err := server.Start(server.Config{Addr: "127.0.0.1:0", PublicURL: "localhost:9999"}); err == nil {
		t.Error("a public URL without scheme was accepted")
	}
	// A public URL elsewhere than loopback invites remote payers: only
	// with AllowRemote.
	if srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", PublicURL: "http://192.168.1.20:4242", Options: items()}); err == nil {
		srv.Close()
		t.Error("a non-loopback public URL was accepted without AllowRemote")
	} else if !strings.Contains(err.Error(), "AllowRemote") {
		t.Errorf("non-loopback public URL: %v", err)
	}
	srv2, err := server.Start(server.Config{Addr: "127.0.0.1:0", PublicURL: "http://192.168.1.20:4242", AllowRemote: true, Token: "team-token-0123456789abcdef", Options: items()})
	if err != nil {
		t.Fatal(err)
	}
	srv2.Close()
}

// GET /events answers one page, newest first, and a cursor to the next.
func TestAPIEventsPages(t *testing.T) {
	base := startPlain(t).URL()
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		if a := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: jsonBody(map[string]any{"email": email})}); a.status != 200 {
			t.Fatalf("create customer: %d %s", a.status, a.body)
		}
	}
	type page struct {
		Data []struct {
			Event struct {
				Data struct{ Email string } `json:"data"`
			} `json:"event"`
		} `json:"data"`
		HasMore    bool   `json:"has_more"`
		NextCursor string `json:"next_cursor"`
	}
	read := func(path string) page {
		t.Helper()
		a := do(t, base, apiCall{method: "GET", path: path})
		var p page
		if err := json.Unmarshal(a.body, &p); a.status != 200 || err != nil {
			t.Fatalf("GET %s: %d %v %s", path, a.status, err, a.body)
		}
		return p
	}
	first := read("/api/v1/events?limit=2")
	if len(first.Data) != 2 || !first.HasMore || first.NextCursor == "" || first.Data[0].Event.Data.Email != "c@example.com" {
		t.Fatalf("first page = %+v, want the 2 newest events and a cursor", first)
	}
	second := read("/api/v1/events?limit=2&cursor=" + first.NextCursor)
	if len(second.Data) != 1 || second.HasMore || second.Data[0].Event.Data.Email != "a@example.com" {
		t.Errorf("second page = %+v, want the oldest event, no more", second)
	}
	if a := do(t, base, apiCall{method: "GET", path: "/api/v1/events?limit=101"}); a.status != 400 || a.err.Param != "limit" {
		t.Errorf("limit 101: %d %+v", a.status, a.err)
	}
}

// Shutdown ends a client's Flush long poll at once instead of waiting
// FlushWait for it.
func TestShutdownEndsFlush(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	defer down.Close()
	srv, err := server.Start(server.Config{Addr: "127.0.0.1:0", Options: append(items(), local.WithWebhookURL(down.URL))})
	if err != nil {
		t.Fatal(err)
	}
	base := srv.URL()
	if a := do(t, base, apiCall{method: "POST", path: "/api/v1/customers", body: jsonBody(map[string]any{"email": "a@example.com"})}); a.status != 200 {
		t.Fatalf("create customer: %d %s", a.status, a.body)
	}
	written := make(chan struct{})
	answered := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest("POST", base+"/api/v1/events/flush", nil)
		req = req.WithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(written) }}))
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			answered <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- string(body)
	}()
	<-written
	// Give the server the moment it needs to accept the connection and
	// start the handler; a request still in the backlog would be reset.
	time.Sleep(200 * time.Millisecond)
	// Close gives the requests in flight 5 s, less than FlushWait.
	if err := srv.Close(); err != nil {
		t.Errorf("Close with a Flush in flight: %v", err)
	}
	if got := <-answered; !strings.Contains(got, `"pending":true`) {
		t.Errorf("the Flush answered %q, want pending", got)
	}
}
