package paykittest

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

// RunConformance runs the contract suite every provider passes: declared
// capabilities work and undeclared ones return ErrNotSupported, create and
// retrieve round trips, ErrNotFound for unknown ids, idempotency where
// declared, context cancellation, amounts in every currency of
// Harness.Items, and webhook verification.
// Last, every declared operation must have succeeded at least once (see
// Harness.Unexercised).
func RunConformance(t *testing.T, h Harness) {
	t.Helper()
	if h.NewProvider == nil {
		t.Fatal("paykittest: Harness.NewProvider is required")
	}
	s := &suite{h: h, succeeded: map[paykit.Op]bool{}, ran: map[string]bool{}}
	steps := []struct {
		name string
		run  func(*testing.T)
	}{
		{"Capabilities", s.capabilities},
		{"ContextCanceled", s.contextCanceled},
		{"ZeroArguments", s.zeroArguments},
		{"Customers", s.customers},
		{"NotFound", s.notFound},
		{"Idempotency", s.idempotency},
		{"Checkouts", s.checkouts},
		{"Currencies", s.currencies},
		{"Subscriptions", s.subscriptions},
		{"Payments", s.payments},
		{"Refunds", s.refunds},
		{"Invoices", s.invoices},
		{"Webhooks", s.webhooks},
	}
	passed := true
	for _, st := range steps {
		passed = t.Run(st.name, func(t *testing.T) {
			s.mu.Lock()
			s.ran[st.name] = true
			s.mu.Unlock()
			st.run(t)
		}) && passed
	}
	t.Run("DeclaredOpsSucceeded", func(t *testing.T) {
		if len(s.ran) < len(steps) {
			// -run picked some subtests: what the others call is unknown.
			t.Logf("%d of %d subtests ran: the declared operations are checked on a full run", len(s.ran), len(steps))
			return
		}
		s.declaredOpsSucceeded(t, passed)
	})
}

type suite struct {
	h Harness

	mu        sync.Mutex
	succeeded map[paykit.Op]bool // operations a call of the suite succeeded in
	ran       map[string]bool    // subtests that ran
}

// can reports whether the suite calls op: it is declared, and the harness
// does not list it in Unexercised.
func (s *suite) can(client *paykit.Client, op paykit.Op) bool {
	return client.Supports(op) && !slices.Contains(s.h.Unexercised, op)
}

// setup returns a Client over a fresh, counted provider.
func (s *suite) setup(t *testing.T) (*paykit.Client, *counting) {
	t.Helper()
	p := s.h.NewProvider(t)
	if p == nil {
		t.Fatal("Harness.NewProvider returned nil")
	}
	cp := &counting{Provider: p, succeeded: func(op paykit.Op) {
		s.mu.Lock()
		s.succeeded[op] = true
		s.mu.Unlock()
	}}
	return paykit.New(cp), cp
}

// declaredOpsSucceeded fails for every declared operation no call of the
// suite succeeded in, unless Harness.Unexercised lists it; those listed
// must at least not say they are unimplemented. passed tells whether the
// other subtests passed.
func (s *suite) declaredOpsSucceeded(t *testing.T, passed bool) {
	client, cp := s.setup(t)
	ctx := ctxFor(t)
	caps := client.Capabilities()
	s.mu.Lock()
	succeeded := maps.Clone(s.succeeded)
	s.mu.Unlock()
	for _, op := range s.h.Unexercised {
		switch {
		case !caps.Supports(op):
			t.Errorf("Harness.Unexercised lists %s, which the provider does not declare", op)
		case succeeded[op]:
			t.Errorf("Harness.Unexercised lists %s, yet a call of the suite succeeded in it: take it off the list", op)
		}
	}
	hint := "a harness that cannot make valid input for it lists it in Harness.Unexercised"
	if !passed {
		hint = "a failure above may have stopped a subtest before it; " + hint
	}
	for _, op := range caps.Ops {
		if !succeeded[op] && !slices.Contains(s.h.Unexercised, op) {
			t.Errorf("%s is declared, but no call of it with valid input succeeded during the suite (%s)", op, hint)
		}
	}
	for _, call := range callsOn(missingID()) {
		if !slices.Contains(s.h.Unexercised, call.op) || !caps.Supports(call.op) {
			continue
		}
		if err := call.direct(ctx, cp.Provider); unimplemented(err) {
			t.Errorf("%s is declared, but the provider answers %v", call.op, err)
		}
	}
}

// unimplemented reports whether err says that the operation is not
// implemented, rather than that this call of it failed.
func unimplemented(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, paykit.ErrNotSupported) {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"not implemented", "unimplemented", "not supported", "unsupported"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func randomSuffix() string { return strings.ToLower(rand.Text()[:10]) }

func uniqueEmail() string { return "conformance+" + randomSuffix() + "@example.com" }

func requireCode(t *testing.T, err error, sentinel *paykit.Error, what string) *paykit.Error {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s: got error %v, want one matching %s", what, err, sentinel.Code)
	}
	pe, ok := paykit.AsError(err)
	if !ok {
		t.Fatalf("%s: error %T is not a *paykit.Error", what, err)
	}
	return pe
}
