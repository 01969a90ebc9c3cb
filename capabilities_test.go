package paykit_test

import (
	"os"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/paypal"
	"github.com/paykit-go/paykit/providers/polar"
	"github.com/paykit-go/paykit/providers/stripe"
)

// capabilityTable renders what each provider declares, as the README shows
// it.
func capabilityTable() string {
	sim := local.Provider()
	defer sim.Close()
	providers := []paykit.Provider{sim, stripe.Provider("sk_test_capabilities"), polar.Provider("polar_oat_capabilities"), paypal.Provider("id", "secret")}
	var b strings.Builder
	b.WriteString("| operation |")
	for _, p := range providers {
		b.WriteString(" " + p.Name() + " |")
	}
	b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(providers)) + "\n")
	row := func(name string, has func(paykit.Capabilities) bool) {
		b.WriteString("| " + name + " |")
		for _, p := range providers {
			mark := " – |"
			if has(p.Capabilities()) {
				mark = " ✓ |"
			}
			b.WriteString(mark)
		}
		b.WriteString("\n")
	}
	for _, op := range paykit.AllOps() {
		row("`"+string(op)+"`", func(c paykit.Capabilities) bool { return c.Supports(op) })
	}
	row("idempotency keys", func(c paykit.Capabilities) bool { return c.IdempotencyKeys })
	return b.String()
}

// TestREADMECapabilityTable keeps the README's table equal to what the
// providers declare.
func TestREADMECapabilityTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- capabilities:start -->\n", "<!-- capabilities:end -->"
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", start, end)
	}
	if got, want := s[i+len(start):j], capabilityTable(); got != want {
		t.Errorf("README capability table is stale; want:\n%s", want)
	}
}
