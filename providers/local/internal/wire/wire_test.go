package wire

import (
	"net/url"
	"testing"

	"github.com/paykit-go/paykit"
)

// Every provider operation but webhook parsing (done by the app itself)
// has a route, and no two routes share a method and path.
func TestRoutes(t *testing.T) {
	for _, op := range paykit.AllOps() {
		if _, ok := RouteOf(op); !ok && op != paykit.OpWebhooksHandle {
			t.Errorf("no route for %s", op)
		}
	}
	seen := map[string]paykit.Op{}
	for _, r := range Routes {
		k := r.Method + " " + r.Path
		if prev, dup := seen[k]; dup {
			t.Errorf("%s and %s share %s", prev, r.Op, k)
		}
		seen[k] = r.Op
	}
	if got := (Route{Path: "/payments/{id}/capture"}).URLPath(url.PathEscape("pay_1/x")); got != "/api/v1/payments/pay_1%2Fx/capture" {
		t.Errorf("URLPath = %s", got)
	}
}

func TestListQueryRoundTrip(t *testing.T) {
	q := ListQuery{Limit: 5, Cursor: "abc", CustomerID: "cus_1", SubscriptionID: "sub_1"}
	got, err := ParseListQuery(q.Values(), QueryCustomerID, QuerySubscriptionID)
	if err != nil || got != q {
		t.Errorf("round trip = %+v, %v; want %+v", got, err, q)
	}
	if _, err := ParseListQuery(q.Values(), QueryCustomerID); err == nil || err.Param != QuerySubscriptionID {
		t.Errorf("a filter the list lacks: %v", err)
	}
	if _, err := ParseListQuery(url.Values{"limit": {"1", "2"}}); err == nil || err.Param != "limit" {
		t.Errorf("a repeated parameter: %v", err)
	}
}

// Errors survive the trip with their fields, messages redacted.
func TestErrorRoundTrip(t *testing.T) {
	pe := &paykit.Error{Code: paykit.CodeCardDeclined, Message: "declined for key sk_test_abcdefghijklmnop", Param: "card", DeclineCode: "card_declined"}
	body := NewError(pe)
	got := body.Error.Err(Status(pe.Code))
	if got.Code != pe.Code || got.Param != "card" || got.DeclineCode != "card_declined" || got.StatusCode != 402 {
		t.Errorf("round trip = %#v", got)
	}
	if got.Message != "declined for key [REDACTED]" {
		t.Errorf("message = %q, want the key redacted", got.Message)
	}
}
