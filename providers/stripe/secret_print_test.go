package stripe_test

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/stripe"
)

// A provider, and a Client holding it, print as the provider's name,
// never with the key.
func TestProviderPrintsNoKey(t *testing.T) {
	const key = "sk_test_CANARYstripeKEY0001"
	p := stripe.Provider(key)
	for _, v := range []any{p, paykit.New(p)} {
		paykittest.CheckPrinted(t, v, key, "CANARY")
	}
	if got := paykittest.Printed(p); !strings.Contains(got, "stripe") {
		t.Errorf("the provider does not print as its name:\n%s", got)
	}
}
