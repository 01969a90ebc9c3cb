package stripe

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/paykit-go/paykit/internal/stripemock"
)

// mockURL is the base URL of the stripe-mock this test binary started.
var mockURL string

// TestMain starts stripe-mock for the whole package. Without it the tests
// fail: they never skip, in CI or elsewhere.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		// Fuzz workers only parse webhooks.
		os.Exit(m.Run())
	}
	srv, err := stripemock.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: the tests of providers/stripe need stripe-mock:", err)
		os.Exit(1)
	}
	mockURL = srv.URL
	// The examples read the API base from the environment, as a program
	// pointed at stripe-mock would.
	os.Setenv("STRIPE_API_BASE", mockURL)
	code := m.Run()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping stripe-mock:", err)
	}
	os.Exit(code)
}
