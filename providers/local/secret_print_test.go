package local_test

import (
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/paykittest"
	"github.com/paykit-go/paykit/providers/local"
)

// The simulator, a Client holding it and a Webhook set up with its secret
// print without the webhook secret.
func TestSimulatorPrintsNoSecret(t *testing.T) {
	const secret = "whsec_Q0FOQVJZbG9jYWxTRUNSRVQwMDAx"
	sim := local.Provider(local.WithWebhookSecret(secret))
	c := paykit.New(sim)
	wh := c.Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	for _, v := range []any{sim, c, wh} {
		paykittest.CheckPrinted(t, v, "Q0FOQVJZ")
	}
	if got := paykittest.Printed(sim); !strings.Contains(got, "local") {
		t.Errorf("the simulator does not print as its name:\n%s", got)
	}
}
