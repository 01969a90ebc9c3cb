package paykit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
)

// echoErr is a native error type with exported fields, as a provider's
// API error type is: the provider echoed the request into them.
type echoErr struct {
	Body   []byte
	Header http.Header
	Detail *struct{ Value string }
}

func (e *echoErr) Error() string { return "echo: " + string(e.Body) }

// errProvider fails CustomersRetrieve with err.
type errProvider struct {
	nopProvider
	err error
}

func (p *errProvider) RetrieveCustomer(context.Context, string, *paykit.RequestOptions) (*paykit.Customer, error) {
	return nil, p.err
}

// leaks are the canaries the errors below carry: a bearer token, a card
// number, a key passed as an id, Basic credentials.
var leaks = []string{"CANARY", "4242424242424242", "4242 4242", "dXNlcjpwYXNz"}

func assertClean(t *testing.T, what string, err error) {
	t.Helper()
	for level := err; level != nil; level = errors.Unwrap(level) {
		out := level.Error() + "\n" + paykittest.Printed(level)
		for _, c := range leaks {
			if strings.Contains(out, c) {
				t.Errorf("%s: %T in the chain shows %q:\n%s", what, level, c, out)
			}
		}
		if pe, ok := level.(*paykit.Error); ok {
			for _, f := range []string{pe.Message, pe.Param, pe.RequestID, pe.DeclineCode} {
				for _, c := range leaks {
					if strings.Contains(f, c) {
						t.Errorf("%s: a field of the *Error holds %q: %q", what, c, f)
					}
				}
			}
		}
	}
}

// Every *Error a Client returns is redacted when it is built: its fields,
// %#v, its JSON and the whole chain under it.
func TestErrorsAreRedactedWhenBuilt(t *testing.T) {
	cases := map[string]error{
		"token echoed": &paykit.Error{Code: paykit.CodeAuthentication, Message: "token Bearer CANARYtoken12345 refused", RequestID: "req_Bearer CANARYtoken12345"},
		"key as id":    paykit.NotFoundError("customer", "sk_test_CANARYkeyAsId123"),
		"card echoed": &paykit.Error{Code: paykit.CodeCardDeclined, Message: "card 4242424242424242 declined", DeclineCode: "4242 4242 4242 4242",
			Err: fmt.Errorf("upstream quoted card 4242 4242 4242 4242: %w", context.DeadlineExceeded)},
		"plain native": errors.New("proxy echoed Authorization: Basic dXNlcjpwYXNzd29yZA== and sk_live_CANARYkey123456"),
		"typed native": &echoErr{Body: []byte(`{"card":"4242424242424242","key":"sk_test_CANARY123456"}`),
			Header: http.Header{"X-Echo": {"Bearer CANARYtok12345"}}, Detail: &struct{ Value string }{"pay_4242424242424242"}},
	}
	for name, perr := range cases {
		c := paykit.New(&errProvider{err: perr})
		_, err := c.Customers.Retrieve(context.Background(), "cus_1")
		if err == nil {
			t.Fatal(name, "no error")
		}
		assertClean(t, name, err)
		if name == "card echoed" && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: errors.Is no longer sees the deadline", name)
		}
		if name == "typed native" {
			var ee *echoErr
			if !errors.As(err, &ee) {
				t.Errorf("%s: the native error is no longer reachable with errors.As", name)
			}
		}
	}
	// The constructors redact too, for providers called directly.
	assertClean(t, "NotFoundError", paykit.NotFoundError("customer", "sk_test_CANARYkeyAsId123"))
	assertClean(t, "NewError", paykit.NewError(paykit.CodeValidation, "bad card 4242424242424242"))
	assertClean(t, "ValidationError", paykit.ValidationError("card", "bad card 4242424242424242"))
}
