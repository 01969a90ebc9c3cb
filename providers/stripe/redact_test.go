package stripe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paykit-go/paykit/paykittest"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// An answer that echoes a token, a card number or a key passed as an id
// leaves no trace in the error, its fields, its JSON or its chain, the
// *stripe.Error's RawJSON included, which stays reachable with errors.As.
func TestErrorChainIsRedacted(t *testing.T) {
	leaks := []string{"CANARY", "4242424242424242"}
	for name, h := range map[string]http.HandlerFunc{
		"not json": reply(http.StatusBadGateway, `<html>proxy: Authorization: Bearer CANARYtoken12345 card 4242424242424242</html>`),
		"json": reply(http.StatusBadRequest, `{"error":{"type":"invalid_request_error","message":"No such customer: 'sk_test_CANARYid1234567'",`+
			`"param":"id","doc_url":"https://x/pay_4242424242424242","request_log_url":"Bearer CANARYtoken12345"}}`),
	} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		// Called directly, not through a paykit.Client, which redacts too.
		p := Provider(testKey, WithBaseURL(srv.URL), WithMaxRetries(0))
		_, err := p.RetrieveCustomer(context.Background(), "cus_x", nil)
		if err == nil {
			t.Fatal(name, ": no error")
		}
		for level := error(err); level != nil; level = errors.Unwrap(level) {
			out := level.Error() + paykittest.Printed(level)
			var se *stripeapi.Error
			if errors.As(level, &se) && se.LastResponse != nil {
				out += string(se.LastResponse.RawJSON)
			}
			for _, leak := range leaks {
				if strings.Contains(out, leak) {
					t.Errorf("%s: %T in the chain shows %q:\n%s", name, level, leak, out)
				}
			}
		}
		if name == "json" {
			var se *stripeapi.Error
			if !errors.As(err, &se) {
				t.Errorf("%s: the *stripe.Error is not reachable", name)
			}
		}
	}
}
