package polar_test

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/polar"
)

// A provider, and a Client holding it, print as the provider's name,
// never with the access token.
func TestProviderPrintsNoToken(t *testing.T) {
	const token = "polar_oat_CANARYpolarTOKEN0001"
	p := polar.Provider(token)
	for _, v := range []any{p, paykit.New(p)} {
		paykittest.CheckPrinted(t, v, "CANARY")
	}
	if got := paykittest.Printed(p); !strings.Contains(got, "polar") {
		t.Errorf("the provider does not print as its name:\n%s", got)
	}
}
