package paypal_test

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/paypal"
)

// A provider, and a Client holding it, print as the provider's name,
// never with the client secret.
func TestProviderPrintsNoSecret(t *testing.T) {
	const secret = "EJCANARYpaypalSECRET0001"
	p := paypal.Provider("AcCANARYpaypalID", secret)
	for _, v := range []any{p, paykit.New(p)} {
		paykittest.CheckPrinted(t, v, "CANARY")
	}
	if got := paykittest.Printed(p); !strings.Contains(got, "paypal") {
		t.Errorf("the provider does not print as its name:\n%s", got)
	}
}
