package providerkit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providerkit"
)

// A MapError that quotes a body echoing the request (a proxy's error page,
// here) does not let the echo into the error or its chain: the RESTClient
// redacts what MapError built.
func TestRESTErrorsAreRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("proxy echo: Authorization: " + r.Header.Get("Authorization") + " card 4242424242424242"))
	}))
	t.Cleanup(srv.Close)
	c := providerkit.NewRESTClient(providerkit.RESTConfig{
		Provider: "echo", BaseURL: srv.URL,
		Auth: providerkit.BearerToken("sk_test_CANARYtoken123456", "key"),
		MapError: func(res *providerkit.Response) *paykit.Error {
			pe := providerkit.StatusError(res)
			pe.Message, pe.Err = string(res.Body), errors.New(string(res.Body))
			return pe
		},
	})
	_, err := c.Do(context.Background(), &providerkit.Request{Method: http.MethodGet, Path: "/x"}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for level := err; level != nil; level = errors.Unwrap(level) {
		out := level.Error() + paykittest.Printed(level)
		for _, leak := range []string{"CANARY", "4242424242424242"} {
			if strings.Contains(out, leak) {
				t.Errorf("%T in the chain shows %q:\n%s", level, leak, out)
			}
		}
	}
}
