package paykittest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
)

// capabilities checks what the provider declares against what it does.
// (That the Client refuses an undeclared operation before calling the
// provider is a Client property, tested in client_test.go.)
func (s *suite) capabilities(t *testing.T) {
	_, cp := s.setup(t)
	ctx := ctxFor(t)
	caps := cp.Provider.Capabilities()
	if len(caps.Ops) == 0 {
		t.Fatal("provider declares no operations")
	}
	if cp.Name() == "" || strings.ToLower(cp.Name()) != cp.Name() {
		t.Errorf("Name() = %q, want a non-empty lower-case name", cp.Name())
	}
	for _, call := range allCalls() {
		if caps.Supports(call.op) {
			continue
		}
		if err := call.direct(ctx, cp.Provider); !errors.Is(err, paykit.ErrNotSupported) {
			t.Errorf("provider %s (undeclared) returned %v, want ErrNotSupported", call.op, err)
		}
	}
}

// contextCanceled hands the provider itself a canceled context: every
// declared operation must fail with it, not succeed or go on. (That the
// Client refuses a canceled context before calling the provider is a
// Client property, tested in client_test.go.)
func (s *suite) contextCanceled(t *testing.T) {
	client, cp := s.setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, call := range callsOn(missingID()) {
		// Verifying a delivery is computation, not a wait.
		if !client.Supports(call.op) || call.op == paykit.OpWebhooksHandle {
			continue
		}
		if err := call.direct(ctx, cp.Provider); !errors.Is(err, context.Canceled) {
			t.Errorf("provider %s with a canceled context returned %v, want an error matching context.Canceled", call.op, err)
		}
	}
}
