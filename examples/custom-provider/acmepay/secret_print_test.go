package acmepay_test

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/examples/custom-provider/acmepay"
	"github.com/paykit-go/paykit/paykittest"
)

// A provider, and a Client holding it, print as the provider's name,
// never with the client secret.
func TestProviderPrintsNoSecret(t *testing.T) {
	p := acmepay.Provider("acme_CANARYid", "acme_CANARYsecret0001")
	for _, v := range []any{p, paykit.New(p)} {
		paykittest.CheckPrinted(t, v, "CANARY")
	}
	if got := paykittest.Printed(p); !strings.Contains(got, "acmepay") {
		t.Errorf("the provider does not print as its name:\n%s", got)
	}
}
