package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// create posts body to path and decodes the answer's id.
func create(t *testing.T, base, path string, body any) string {
	t.Helper()
	a := do(t, base, apiCall{method: "POST", path: "/api/v1" + path, body: jsonBody(body)})
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.body, &v); a.status != http.StatusOK || err != nil || v.ID == "" {
		t.Fatalf("POST %s: %d %s", path, a.status, a.body)
	}
	return v.ID
}

// badBodies are bodies a route with no body refuses: anything but
// nothing or {}.
var badBodies = map[string][]byte{
	"malformed":      []byte(`{"x":`),
	"trailing":       []byte(`{} {}`),
	"trailing text":  []byte(`{}garbage`),
	"array":          []byte(`[]`),
	"string":         []byte(`"confirm"`),
	"number":         []byte(`1`),
	"null":           []byte(`null`),
	"a field":        []byte(`{"card":"succeeds"}`),
	"invalid UTF-8":  []byte("\xff\xfe"),
	"UTF-8 in {}":    []byte("{\xff}"),
	"object of junk": []byte(`{"":null}`),
}

// A route that takes no body accepts only an empty body or {}: anything
// else is a 400 naming the body, and changes nothing.
func TestAPINoBodyRoutes(t *testing.T) {
	srv := startPlain(t)
	base := srv.URL()
	cus := create(t, base, "/customers", map[string]any{"email": "jane@example.com"})
	co := create(t, base, "/checkouts", map[string]any{"customer": cus, "item_id": "price_basic", "session_type": "one_time", "quantity": 1, "success_url": "https://example.com/ok"})
	pay := create(t, base, "/payments", map[string]any{"amount": 500, "currency": "USD", "customer": map[string]string{"email": "payer@example.com"}})
	sub := create(t, base, "/subscriptions", map[string]any{"customer": cus, "item_id": "price_pro", "quantity": 1})
	var evs struct {
		Data []struct {
			Event struct {
				ID string `json:"id"`
			} `json:"event"`
		} `json:"data"`
	}
	_ = json.Unmarshal(do(t, base, apiCall{method: "GET", path: "/api/v1/events?limit=1"}).body, &evs)
	if len(evs.Data) == 0 {
		t.Fatal("no event")
	}
	evt := evs.Data[0].Event.ID
	before := state(t, base)
	routes := []struct{ method, path string }{
		{"POST", "/payments/" + pay + "/cancel"},
		{"POST", "/payments/" + pay + "/confirm"},
		{"POST", "/payments/" + pay + "/fail"},
		{"DELETE", "/payments/" + pay},
		{"DELETE", "/checkouts/" + co},
		{"DELETE", "/customers/" + cus},
		{"POST", "/subscriptions/" + sub + "/cancel"},
		{"DELETE", "/subscriptions/" + sub},
		{"POST", "/events/flush"},
		{"POST", "/events/" + evt + "/resend"},
		{"GET", "/payments/" + pay},
		{"GET", "/clock"},
	}
	for _, rt := range routes {
		for name, body := range badBodies {
			t.Run(rt.method+" "+rt.path+" "+name, func(t *testing.T) {
				a := do(t, base, apiCall{method: rt.method, path: "/api/v1" + rt.path, body: body})
				if a.status != http.StatusBadRequest || a.err.Code != paykit.CodeValidation || a.err.Param != "body" {
					t.Errorf("status %d %s, want 400 VALIDATION_ERROR on body", a.status, a.body)
				}
				if after := state(t, base); after != before {
					t.Fatalf("the data changed:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	}
	// Every route the table marks as taking no body refuses one.
	ids := map[string]string{"customers": cus, "checkouts": co, "payments": pay, "subscriptions": sub, "events": evt, "refunds": "re_x", "invoices": "in_x"}
	for _, rt := range wire.Routes {
		if rt.Body {
			continue
		}
		path := rt.URLPath(ids[strings.Split(rt.Path, "/")[1]])
		if a := do(t, base, apiCall{method: rt.Method, path: path, body: []byte(`[]`)}); a.status != http.StatusBadRequest || a.err.Param != "body" {
			t.Errorf("%s %s with a body: %d %s", rt.Method, path, a.status, a.body)
		}
	}
	if after := state(t, base); after != before {
		t.Fatalf("the data changed:\nbefore %s\nafter  %s", before, after)
	}
	// Nothing, or {}, is no body.
	for _, body := range [][]byte{nil, []byte(`{}`), []byte(" { }\n")} {
		if a := do(t, base, apiCall{method: "GET", path: "/api/v1/payments/" + pay, body: body}); a.status != http.StatusOK {
			t.Errorf("GET with body %q: %d %s", body, a.status, a.body)
		}
	}
	if a := do(t, base, apiCall{method: "POST", path: "/api/v1/payments/" + pay + "/confirm", body: []byte(`{}`)}); a.status != http.StatusOK || !strings.Contains(string(a.body), `"succeeded"`) {
		t.Errorf("confirm with {}: %d %s", a.status, a.body)
	}
}

// A null body is no object: a route that takes a body refuses it, as an
// array or a string, where it counted as empty params (and paid the
// checkout).
func TestAPINullBody(t *testing.T) {
	srv := startPlain(t)
	base := srv.URL()
	cus := create(t, base, "/customers", map[string]any{"email": "jane@example.com"})
	co := create(t, base, "/checkouts", map[string]any{"customer": cus, "item_id": "price_basic", "session_type": "one_time", "quantity": 1, "success_url": "https://example.com/ok"})
	before := state(t, base)
	for _, path := range []string{"/checkouts/" + co + "/pay", "/customers/" + cus, "/checkouts/" + co, "/customers/" + cus + "/card", "/clock/advance"} {
		for _, body := range []string{"null", " null ", `"x"`, `[]`} {
			a := do(t, base, apiCall{method: "POST", path: "/api/v1" + path, body: []byte(body)})
			if a.status != http.StatusBadRequest || a.err.Param != "body" || !strings.Contains(a.err.Message, "JSON object") {
				t.Errorf("POST %s %s: %d %s, want 400 naming the body", path, body, a.status, a.body)
			}
		}
	}
	if after := state(t, base); after != before {
		t.Fatalf("the data changed:\nbefore %s\nafter  %s", before, after)
	}
}

// Invalid UTF-8 and NUL are no text: refused with a 400 before anything
// changes, in a body (where JSON decoding would make U+FFFD of the
// bytes, an email "\ufffd\ufffd@example.com"), a path or a query.
func TestAPIRefusesNonText(t *testing.T) {
	srv := startPlain(t)
	base := srv.URL()
	cus := create(t, base, "/customers", map[string]any{"email": "jane@example.com"})
	before := state(t, base)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		param              string
	}{
		{"invalid UTF-8 email", "POST", "/customers", []byte("{\"email\":\"\xff\xfe@example.com\"}"), "body"},
		{"invalid UTF-8 name", "POST", "/customers/" + cus, []byte("{\"name\":\"Jane \xc3\"}"), "body"},
		{"invalid UTF-8 metadata key", "POST", "/customers/" + cus, []byte("{\"metadata\":{\"\xff\":\"x\"}}"), "body"},
		{"escaped NUL", "POST", "/customers", []byte(`{"email":"a@example.com","name":"a\u0000b"}`), "name"},
		{"escaped NUL in metadata", "POST", "/customers/" + cus, []byte(`{"metadata":{"plan":"\u0000"}}`), "metadata.plan"},
		{"invalid UTF-8 id", "GET", "/customers/cus_%FF%FE", nil, "id"},
		{"NUL id", "DELETE", "/customers/cus_%00", nil, "id"},
		{"invalid UTF-8 filter", "GET", "/customers?email=%FF%FE%40example.com", nil, "email"},
		{"NUL cursor", "GET", "/payments?cursor=%00", nil, "cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, base, apiCall{method: tc.method, path: "/api/v1" + tc.path, body: tc.body})
			if a.status != http.StatusBadRequest || a.err.Code != paykit.CodeValidation || a.err.Param != tc.param {
				t.Errorf("%d %s, want 400 VALIDATION_ERROR on %s", a.status, a.body, tc.param)
			}
			if after := state(t, base); after != before {
				t.Fatalf("the data changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
