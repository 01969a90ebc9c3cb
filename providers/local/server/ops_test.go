package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// TestOpsHaveRoutesAndHandlers ties the wire routes and the server's
// handlers to the operations the local provider declares: each has a
// route, a handler, and the route reaches it. The route's method must say
// what paykit's table of operations says: GET for a read, POST or DELETE
// for a write. webhooks.handle has no route: the app verifies deliveries
// itself. Every handler must also have a route.
func TestOpsHaveRoutesAndHandlers(t *testing.T) {
	sim := local.Provider()
	defer func() { _ = sim.Close() }()
	a := newAPI(sim, context.Background())
	handlers := a.ops()
	declared := sim.Capabilities().Ops
	if len(declared) == 0 {
		t.Fatal("the local provider declares no operation")
	}
	for _, op := range declared {
		if op == paykit.OpWebhooksHandle {
			continue
		}
		rt, ok := wire.RouteOf(op)
		if !ok {
			t.Errorf("the local provider declares %s, but wire.Routes has no route for it", op)
			continue
		}
		if handlers[op] == nil {
			t.Errorf("the local provider declares %s, but api.ops has no handler for it", op)
		}
		if read := rt.Method == "GET"; read == op.IsWrite() {
			t.Errorf("the route of %s is %s %s, but paykit's table of operations says IsWrite() = %v", op, rt.Method, rt.Path, op.IsWrite())
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(rt.Method, rt.URLPath("ops_missing_id"), nil))
		if body := rec.Body.String(); rec.Code == http.StatusMethodNotAllowed || strings.Contains(body, "no API route") {
			t.Errorf("%s %s (%s) is not served: %d %s", rt.Method, rt.URLPath("ops_missing_id"), op, rec.Code, body)
		}
	}
	for op := range handlers {
		if !slices.ContainsFunc(wire.Routes, func(r wire.Route) bool { return r.Op == op }) {
			t.Errorf("api.ops has a handler for %s, which no route in wire.Routes serves", op)
		}
	}
}
