package paykittest

import (
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"net/url"
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

// newCustomer creates a customer when the provider can, and returns the
// payee to use for checkouts and payments.
func (s *suite) newCustomer(t *testing.T, ctx context.Context, client *paykit.Client) paykit.Payee {
	t.Helper()
	if !s.can(client, paykit.OpCustomersCreate) {
		return paykit.CustomerEmail(uniqueEmail())
	}
	cus, err := client.Customers.Create(ctx, &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Conformance Buyer"})
	if err != nil {
		t.Fatalf("Customers.Create: %v", err)
	}
	return paykit.CustomerID(cus.ID)
}

func (s *suite) customers(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpCustomersCreate) {
		t.Log("customers.create not declared (covered by Capabilities) or Unexercised")
		return
	}
	email := uniqueEmail()
	in := &paykit.CreateCustomerParams{Email: email, Name: "Jane Doe", Phone: "+1234567890", Metadata: map[string]string{"plan": "pro"}}
	cus, err := client.Customers.Create(ctx, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if cus.ID == "" {
		t.Fatal("Create returned a customer without ID")
	}
	if _, reserved := cus.Metadata[paykit.ReservedMetadataKey]; reserved {
		t.Errorf("metadata leaks the reserved key %s", paykit.ReservedMetadataKey)
	}
	if !s.h.Stateless {
		if cus.Email != email || cus.Name != "Jane Doe" || cus.Phone != "+1234567890" || cus.Metadata["plan"] != "pro" {
			t.Errorf("Create returned %+v, want the fields it was given", cus)
		}
		if cus.CreatedAt.IsZero() {
			t.Error("CreatedAt is zero")
		}
	}
	if s.can(client, paykit.OpCustomersRetrieve) {
		got, err := client.Customers.Retrieve(ctx, cus.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		if got.ID == "" {
			t.Error("Retrieve returned a customer without ID")
		}
		if !s.h.Stateless && (got.ID != cus.ID || got.Email != email || got.Phone != cus.Phone || got.Metadata["plan"] != "pro") {
			t.Errorf("Retrieve = %+v, want %+v", got, cus)
		}
		if _, reserved := got.Metadata[paykit.ReservedMetadataKey]; reserved {
			t.Errorf("metadata leaks the reserved key %s", paykit.ReservedMetadataKey)
		}
	}
	if s.can(client, paykit.OpCustomersUpdate) {
		got, err := client.Customers.Update(ctx, cus.ID, &paykit.UpdateCustomerParams{Name: paykit.String("Jane Smith"), Metadata: map[string]string{"tier": "gold"}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if !s.h.Stateless {
			if got.Name != "Jane Smith" || got.Email != email || got.Metadata["tier"] != "gold" {
				t.Errorf("Update = %+v, want the new name and metadata and the old email", got)
			}
			if got.UpdatedAt == nil || got.UpdatedAt.Before(got.CreatedAt) {
				t.Errorf("UpdatedAt = %v after an update", got.UpdatedAt)
			}
		}
	}
	if s.can(client, paykit.OpCustomersList) {
		found := false
		n := 0
		for c, err := range client.Customers.List(ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 2}}) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if c == nil || c.ID == "" {
				t.Fatal("List yielded a customer without ID")
			}
			found = found || c.ID == cus.ID
			if n++; n >= 200 {
				break
			}
		}
		if !s.h.Stateless && !found {
			t.Errorf("List did not yield the customer %s", cus.ID)
		}
	}
	if s.can(client, paykit.OpCustomersDelete) {
		if err := client.Customers.Delete(ctx, cus.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if !s.h.Stateless && s.can(client, paykit.OpCustomersRetrieve) {
			_, err := client.Customers.Retrieve(ctx, cus.ID)
			requireCode(t, err, paykit.ErrNotFound, "Retrieve after Delete")
		}
	}
}

func (s *suite) notFound(t *testing.T) {
	if s.h.Stateless {
		t.Log("stateless peer: not-found is covered by the provider's fixture tests")
		return
	}
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	missing := missingID()
	retrieves := map[paykit.Op]func() (any, error){
		paykit.OpCustomersRetrieve:     func() (any, error) { return client.Customers.Retrieve(ctx, missing) },
		paykit.OpCheckoutsRetrieve:     func() (any, error) { return client.Checkouts.Retrieve(ctx, missing) },
		paykit.OpSubscriptionsRetrieve: func() (any, error) { return client.Subscriptions.Retrieve(ctx, missing) },
		paykit.OpPaymentsRetrieve:      func() (any, error) { return client.Payments.Retrieve(ctx, missing) },
		paykit.OpRefundsRetrieve:       func() (any, error) { return client.Refunds.Retrieve(ctx, missing) },
		paykit.OpInvoicesRetrieve:      func() (any, error) { return client.Invoices.Retrieve(ctx, missing) },
	}
	for op, retrieve := range retrieves {
		if !client.Supports(op) {
			continue
		}
		_, err := retrieve()
		requireCode(t, err, paykit.ErrNotFound, string(op)+" of an unknown id")
	}
	// The provider itself must not answer (nil, nil): the Client hides that
	// as ErrNotFound, other callers would not.
	for _, call := range allCalls() {
		if !strings.HasSuffix(string(call.op), ".retrieve") || !client.Supports(call.op) {
			continue
		}
		if err := call.direct(ctx, client.Provider()); !errors.Is(err, paykit.ErrNotFound) {
			t.Errorf("provider %s of an unknown id returned %v, want an error matching ErrNotFound", call.op, err)
		}
	}
}

// missingID looks like an id of every provider (a UUID) and names nothing.
func missingID() string {
	b := []byte(strings.ToLower(rand.Text()))
	hex := make([]byte, 32)
	for i := range hex {
		hex[i] = "0123456789abcdef"[b[i%len(b)]%16]
	}
	return string(hex[0:8]) + "-" + string(hex[8:12]) + "-4" + string(hex[13:16]) + "-a" + string(hex[17:20]) + "-" + string(hex[20:32])
}

func (s *suite) idempotency(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !client.Capabilities().IdempotencyKeys || s.h.Stateless || !s.can(client, paykit.OpCustomersCreate) {
		t.Log("idempotency keys not declared, or stateless peer")
		return
	}
	key := paykit.WithIdempotencyKey("conformance-" + randomSuffix())
	params := &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Once"}
	first, err := client.Customers.Create(ctx, params, key)
	if err != nil {
		t.Fatalf("first Create: %v", err)
	}
	again, err := client.Customers.Create(ctx, params, key)
	if err != nil {
		t.Fatalf("repeated Create: %v", err)
	}
	if again.ID != first.ID {
		t.Errorf("the same idempotency key created two customers: %s and %s", first.ID, again.ID)
	}
	other := &paykit.CreateCustomerParams{Email: uniqueEmail(), Name: "Other"}
	_, err = client.Customers.Create(ctx, other, key)
	requireCode(t, err, paykit.ErrIdempotencyConflict, "same key, different params")
	second, err := client.Customers.Create(ctx, other)
	if err != nil {
		t.Fatalf("Create without key: %v", err)
	}
	if second.ID == first.ID {
		t.Error("generated keys collided: two different creates returned one customer")
	}

	// Where a duplicate costs money: a repeated charge or refund with the
	// same key must be applied once.
	if s.can(client, paykit.OpPaymentsCreate) {
		currency := "USD"
		if len(s.h.Items) > 0 {
			currency = s.h.Items[0].Currency
		}
		pkey := paykit.WithIdempotencyKey("conformance-pay-" + randomSuffix())
		params := &paykit.CreatePaymentParams{Amount: 4200, Currency: currency, Customer: paykit.CustomerID(first.ID)}
		p1, err := client.Payments.Create(ctx, params, pkey)
		if err != nil {
			t.Fatalf("Payments.Create: %v", err)
		}
		p2, err := client.Payments.Create(ctx, params, pkey)
		if err != nil {
			t.Fatalf("repeated Payments.Create: %v", err)
		}
		if p1.ID != p2.ID {
			t.Errorf("the same idempotency key charged twice: %s and %s", p1.ID, p2.ID)
		}
	}
	if s.can(client, paykit.OpRefundsCreate) {
		payID := s.paidPayment(t, ctx, client)
		if payID == "" {
			return
		}
		rkey := paykit.WithIdempotencyKey("conformance-refund-" + randomSuffix())
		params := &paykit.CreateRefundParams{PaymentID: payID, Amount: 100}
		r1, err := client.Refunds.Create(ctx, params, rkey)
		if err != nil {
			t.Fatalf("Refunds.Create: %v", err)
		}
		r2, err := client.Refunds.Create(ctx, params, rkey)
		if err != nil {
			t.Fatalf("repeated Refunds.Create: %v", err)
		}
		if r1.ID != r2.ID {
			t.Errorf("the same idempotency key refunded twice: %s and %s", r1.ID, r2.ID)
		}
		if s.can(client, paykit.OpRefundsList) {
			n := 0
			for _, err := range client.Refunds.List(ctx, &paykit.ListRefundsParams{PaymentID: payID}) {
				if err != nil {
					t.Fatalf("Refunds.List: %v", err)
				}
				n++
			}
			if n != 1 {
				t.Errorf("payment %s has %d refunds after one refund sent twice with one key", payID, n)
			}
		}
	}
}

func (s *suite) checkouts(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpCheckoutsCreate) || len(s.h.Items) == 0 {
		t.Log("checkouts.create not declared or Unexercised, or no Items in the harness")
		return
	}
	item := s.h.Items[0]
	payee := s.newCustomer(t, ctx, client)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
		Customer: payee, ItemID: item.ID, SessionType: paykit.SessionOneTime, Quantity: 2,
		Metadata: map[string]string{"source": "conformance"}, SuccessURL: "https://example.com/success", CancelURL: "https://example.com/cancel",
	})
	if err != nil {
		t.Fatalf("Create one_time: %v", err)
	}
	checkCheckout(t, co)
	if !s.h.Stateless {
		if co.SessionType != paykit.SessionOneTime || co.Amount != 2*item.Amount || co.Currency != item.Currency {
			t.Errorf("checkout = %s %d %s, want one_time %d %s", co.SessionType, co.Amount, co.Currency, 2*item.Amount, item.Currency)
		}
		if !slices.Contains(co.Products, paykit.LineItem{ID: item.ID, Quantity: 2}) {
			t.Errorf("Products = %+v, want %s x2", co.Products, item.ID)
		}
		if co.Metadata["source"] != "conformance" {
			t.Errorf("Metadata = %v", co.Metadata)
		}
	}
	if s.can(client, paykit.OpCheckoutsRetrieve) {
		got, err := client.Checkouts.Retrieve(ctx, co.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		checkCheckout(t, got)
		if !s.h.Stateless && (got.ID != co.ID || got.Amount != co.Amount || got.PaymentURL != co.PaymentURL) {
			t.Errorf("Retrieve = %+v, want %+v", got, co)
		}
	}
	if s.can(client, paykit.OpCheckoutsUpdate) {
		got, err := client.Checkouts.Update(ctx, co.ID, &paykit.UpdateCheckoutParams{Metadata: map[string]string{"step": "2"}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if !s.h.Stateless && got.Metadata["step"] != "2" {
			t.Errorf("Update metadata = %v", got.Metadata)
		}
	}
	if s.h.RecurringItem.ID != "" {
		rec, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
			Customer: payee, ItemID: s.h.RecurringItem.ID, SessionType: paykit.SessionRecurring, Quantity: 1,
			Metadata: map[string]string{"plan": "pro"}, SuccessURL: "https://example.com/success",
		})
		if err != nil {
			t.Fatalf("Create recurring: %v", err)
		}
		checkCheckout(t, rec)
		if !s.h.Stateless && (rec.SessionType != paykit.SessionRecurring || rec.Amount != s.h.RecurringItem.Amount) {
			t.Errorf("recurring checkout = %s %d, want recurring %d", rec.SessionType, rec.Amount, s.h.RecurringItem.Amount)
		}
	}
	if s.can(client, paykit.OpCheckoutsDelete) {
		if err := client.Checkouts.Delete(ctx, co.ID); err != nil {
			t.Fatalf("Delete (expire): %v", err)
		}
		if !s.h.Stateless && s.can(client, paykit.OpCheckoutsRetrieve) {
			got, err := client.Checkouts.Retrieve(ctx, co.ID)
			if err != nil {
				t.Fatalf("Retrieve after Delete: %v", err)
			}
			if got.Status != paykit.CheckoutExpired {
				t.Errorf("status after Delete = %q, want expired", got.Status)
			}
		}
	}
	if s.can(client, paykit.OpCheckoutsList) {
		for c, err := range client.Checkouts.List(ctx, nil) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkCheckout(t, c)
			break
		}
	}
}

func checkCheckout(t *testing.T, co *paykit.Checkout) {
	t.Helper()
	if co == nil || co.ID == "" {
		t.Fatal("checkout without ID")
	}
	if co.Status != paykit.CheckoutComplete && co.Status != paykit.CheckoutExpired {
		u, err := url.Parse(co.PaymentURL)
		if err != nil || !u.IsAbs() {
			t.Errorf("PaymentURL %q of an open checkout is not an absolute URL", co.PaymentURL)
		}
	}
	switch co.Status {
	case "", paykit.CheckoutOpen, paykit.CheckoutComplete, paykit.CheckoutExpired:
	default:
		t.Errorf("unknown checkout status %q", co.Status)
	}
}

func (s *suite) currencies(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if len(s.h.Items) == 0 {
		t.Log("no Items in the harness")
		return
	}
	payee := s.newCustomer(t, ctx, client)
	for _, item := range s.h.Items {
		t.Run(item.Currency, func(t *testing.T) {
			if s.can(client, paykit.OpCheckoutsCreate) {
				co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{
					Customer: payee, ItemID: item.ID, SessionType: paykit.SessionOneTime, Quantity: 3, SuccessURL: someSuccess,
				})
				if err != nil {
					t.Fatalf("checkout in %s: %v", item.Currency, err)
				}
				if !s.h.Stateless && (co.Amount != 3*item.Amount || co.Currency != item.Currency) {
					t.Errorf("checkout amount = %d %s, want %d %s (minor units)", co.Amount, co.Currency, 3*item.Amount, item.Currency)
				}
			}
			if s.can(client, paykit.OpPaymentsCreate) {
				pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: item.Amount, Currency: item.Currency, Customer: payee, ItemID: item.ID})
				if err != nil {
					t.Fatalf("payment in %s: %v", item.Currency, err)
				}
				if !s.h.Stateless && (pay.Amount != item.Amount || pay.Currency != item.Currency) {
					t.Errorf("payment = %d %s, want %d %s", pay.Amount, pay.Currency, item.Amount, item.Currency)
				}
				if s.can(client, paykit.OpPaymentsRetrieve) {
					got, err := client.Payments.Retrieve(ctx, pay.ID)
					if err != nil {
						t.Fatalf("Retrieve: %v", err)
					}
					if !s.h.Stateless && (got.Amount != item.Amount || got.Currency != item.Currency) {
						t.Errorf("retrieved payment = %d %s, want %d %s", got.Amount, got.Currency, item.Amount, item.Currency)
					}
				}
			}
		})
	}
}

func knownPaymentStatus(s paykit.PaymentStatus) bool {
	switch s {
	case paykit.PaymentPending, paykit.PaymentProcessing, paykit.PaymentRequiresAction, paykit.PaymentRequiresCapture,
		paykit.PaymentSucceeded, paykit.PaymentCanceled, paykit.PaymentFailed:
		return true
	}
	return false
}

func checkPayment(t *testing.T, p *paykit.Payment) {
	t.Helper()
	if p == nil || p.ID == "" {
		t.Fatal("payment without ID")
	}
	if !knownPaymentStatus(p.Status) {
		t.Errorf("payment %s has unknown status %q", p.ID, p.Status)
	}
	if p.RequiresAction && p.PaymentURL == "" {
		t.Errorf("payment %s requires action but has no PaymentURL", p.ID)
	}
}

func (s *suite) payments(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpPaymentsCreate) {
		t.Log("payments.create not declared or Unexercised")
		return
	}
	payee := s.newCustomer(t, ctx, client)
	currency := "USD"
	if len(s.h.Items) > 0 {
		currency = s.h.Items[0].Currency
	}
	pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2500, Currency: currency, Customer: payee, Metadata: map[string]string{"order": "42"}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checkPayment(t, pay)
	if !s.h.Stateless && pay.Metadata["order"] != "42" {
		t.Errorf("Metadata = %v", pay.Metadata)
	}
	if s.can(client, paykit.OpPaymentsUpdate) {
		// Update changes a payment that has not completed.
		open := pay
		if !s.h.Stateless && pay.Status == paykit.PaymentSucceeded {
			open = s.unfinishedPayment(t, ctx, client, payee, currency)
		}
		if open != nil {
			got, err := client.Payments.Update(ctx, open.ID, &paykit.UpdatePaymentParams{Metadata: map[string]string{"order": "43"}})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if !s.h.Stateless && (got.ID != open.ID || got.Metadata["order"] != "43") {
				t.Errorf("Update = %s metadata %v, want %s metadata order=43", got.ID, got.Metadata, open.ID)
			}
		}
	}
	if s.can(client, paykit.OpPaymentsCapture) {
		auth, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 2000, Currency: currency, Customer: payee, CaptureMethod: paykit.CaptureManual})
		if err != nil {
			t.Fatalf("Create manual: %v", err)
		}
		checkPayment(t, auth)
		if s.h.Stateless || auth.Status == paykit.PaymentRequiresCapture {
			got, err := client.Payments.Capture(ctx, auth.ID, &paykit.CapturePaymentParams{Amount: 1500})
			if err != nil {
				t.Fatalf("Capture: %v", err)
			}
			checkPayment(t, got)
			if !s.h.Stateless && (got.Status != paykit.PaymentSucceeded || got.AmountCaptured != 1500) {
				t.Errorf("after a partial capture: status %s captured %d, want succeeded 1500", got.Status, got.AmountCaptured)
			}
		}
	}
	if s.can(client, paykit.OpPaymentsCancel) {
		auth, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 900, Currency: currency, Customer: payee, CaptureMethod: paykit.CaptureManual})
		if err != nil {
			t.Fatalf("Create manual: %v", err)
		}
		got, err := client.Payments.Cancel(ctx, auth.ID)
		if err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		checkPayment(t, got)
		if !s.h.Stateless && got.Status != paykit.PaymentCanceled {
			t.Errorf("status after Cancel = %s", got.Status)
		}
	}
	if s.can(client, paykit.OpPaymentsList) {
		for p, err := range client.Payments.List(ctx, nil) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkPayment(t, p)
			break
		}
	}
	if s.can(client, paykit.OpPaymentsDelete) {
		// Delete removes a payment that never succeeded.
		if doomed := s.unfinishedPayment(t, ctx, client, payee, currency); doomed != nil {
			if err := client.Payments.Delete(ctx, doomed.ID); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if !s.h.Stateless && s.can(client, paykit.OpPaymentsRetrieve) {
				_, err := client.Payments.Retrieve(ctx, doomed.ID)
				requireCode(t, err, paykit.ErrNotFound, "Retrieve after Delete")
			}
		}
	}
}

// unfinishedPayment creates a payment that has not succeeded (an
// authorization to capture, where payments.capture is declared), or
// returns nil when the provider charged it at once.
func (s *suite) unfinishedPayment(t *testing.T, ctx context.Context, client *paykit.Client, payee paykit.Payee, currency string) *paykit.Payment {
	t.Helper()
	params := &paykit.CreatePaymentParams{Amount: 1200, Currency: currency, Customer: payee}
	if s.can(client, paykit.OpPaymentsCapture) {
		params.CaptureMethod = paykit.CaptureManual
	}
	p, err := client.Payments.Create(ctx, params)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checkPayment(t, p)
	if !s.h.Stateless && p.Status == paykit.PaymentSucceeded {
		return nil
	}
	return p
}

// paidPayment returns a succeeded payment to refund, or "" when the
// harness gives no way to make one.
func (s *suite) paidPayment(t *testing.T, ctx context.Context, client *paykit.Client) string {
	t.Helper()
	payee := s.newCustomer(t, ctx, client)
	if s.h.PaidPayment != nil {
		return s.h.PaidPayment(ctx, t, client, payee.ID)
	}
	if s.can(client, paykit.OpPaymentsCreate) {
		currency := "USD"
		if len(s.h.Items) > 0 {
			currency = s.h.Items[0].Currency
		}
		pay, err := client.Payments.Create(ctx, &paykit.CreatePaymentParams{Amount: 5000, Currency: currency, Customer: payee})
		if err != nil {
			t.Fatalf("Payments.Create: %v", err)
		}
		if s.h.Stateless || pay.Status == paykit.PaymentSucceeded {
			return pay.ID
		}
	}
	if s.h.CompleteCheckout != nil && s.can(client, paykit.OpCheckoutsCreate) && len(s.h.Items) > 0 {
		co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: payee, ItemID: s.h.Items[0].ID, SessionType: paykit.SessionOneTime, Quantity: 1, SuccessURL: someSuccess})
		if err != nil {
			t.Fatalf("Checkouts.Create: %v", err)
		}
		if err := s.h.CompleteCheckout(ctx, client.Provider().(*counting).Provider, co.ID); err != nil {
			t.Fatalf("CompleteCheckout: %v", err)
		}
		got, err := client.Checkouts.Retrieve(ctx, co.ID)
		if err != nil {
			t.Fatalf("Checkouts.Retrieve: %v", err)
		}
		if got.PaymentID == "" {
			t.Fatal("a completed checkout names no PaymentID")
		}
		return got.PaymentID
	}
	return ""
}

func (s *suite) refunds(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpRefundsCreate) {
		t.Log("refunds.create not declared or Unexercised")
		return
	}
	payID := s.paidPayment(t, ctx, client)
	if payID == "" {
		t.Fatal("refunds.create is declared but the harness can make no paid payment: set Harness.PaidPayment")
	}
	ref, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: payID, Amount: 100, Reason: paykit.RefundRequestedByCustomer})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if ref.ID == "" {
		t.Fatal("refund without ID")
	}
	if !s.h.Stateless && (ref.Amount != 100 || ref.Reason != paykit.RefundRequestedByCustomer) {
		t.Errorf("refund = %d %q, want 100 requested_by_customer", ref.Amount, ref.Reason)
	}
	if s.can(client, paykit.OpRefundsRetrieve) {
		got, err := client.Refunds.Retrieve(ctx, ref.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		if !s.h.Stateless && (got.ID != ref.ID || got.Amount != 100) {
			t.Errorf("Retrieve = %+v", got)
		}
	}
	if !s.h.Stateless {
		_, err := client.Refunds.Create(ctx, &paykit.CreateRefundParams{PaymentID: payID, Amount: 1 << 40})
		requireCode(t, err, paykit.ErrValidation, "refund larger than the payment")
	}
	if s.can(client, paykit.OpRefundsList) {
		found := false
		for r, err := range client.Refunds.List(ctx, &paykit.ListRefundsParams{PaymentID: payID}) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			found = found || r.ID == ref.ID
		}
		if !s.h.Stateless && !found {
			t.Errorf("List did not yield refund %s", ref.ID)
		}
	}
}

func (s *suite) subscriptions(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpSubscriptionsCreate) || s.h.RecurringItem.ID == "" {
		t.Log("subscriptions.create not declared or Unexercised, or no RecurringItem")
		return
	}
	payee := s.newCustomer(t, ctx, client)
	sub, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: payee, ItemID: s.h.RecurringItem.ID, Metadata: map[string]string{"plan": "pro"}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checkSubscription(t, sub)
	if !s.h.Stateless {
		if sub.ItemID != s.h.RecurringItem.ID || sub.Metadata["plan"] != "pro" {
			t.Errorf("Create = item %q metadata %v", sub.ItemID, sub.Metadata)
		}
		if !sub.CurrentPeriodEnd.After(sub.CurrentPeriodStart) {
			t.Errorf("period %v..%v is empty", sub.CurrentPeriodStart, sub.CurrentPeriodEnd)
		}
	}
	if s.can(client, paykit.OpSubscriptionsRetrieve) {
		got, err := client.Subscriptions.Retrieve(ctx, sub.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		checkSubscription(t, got)
		if !s.h.Stateless && (got.ID != sub.ID || !got.CurrentPeriodEnd.Equal(sub.CurrentPeriodEnd)) {
			t.Errorf("Retrieve = %+v, want %+v", got, sub)
		}
	}
	if s.can(client, paykit.OpSubscriptionsUpdate) {
		got, err := client.Subscriptions.Update(ctx, sub.ID, &paykit.UpdateSubscriptionParams{Metadata: map[string]string{"plan": "team"}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if !s.h.Stateless && got.Metadata["plan"] != "team" {
			t.Errorf("Update metadata = %v", got.Metadata)
		}
	}
	if s.can(client, paykit.OpSubscriptionsCancel) {
		got, err := client.Subscriptions.Cancel(ctx, sub.ID)
		if err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		checkSubscription(t, got)
		if !s.h.Stateless && got.Status != paykit.SubscriptionCanceled {
			t.Errorf("status after Cancel = %s", got.Status)
		}
	}
	if s.can(client, paykit.OpSubscriptionsList) {
		for sub, err := range client.Subscriptions.List(ctx, nil) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkSubscription(t, sub)
			break
		}
	}
	if s.can(client, paykit.OpSubscriptionsDelete) {
		doomed, err := client.Subscriptions.Create(ctx, &paykit.CreateSubscriptionParams{Customer: payee, ItemID: s.h.RecurringItem.ID})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if err := client.Subscriptions.Delete(ctx, doomed.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if !s.h.Stateless && s.can(client, paykit.OpSubscriptionsRetrieve) {
			// Deleted, or (at most providers) canceled at once.
			got, err := client.Subscriptions.Retrieve(ctx, doomed.ID)
			if err != nil && !errors.Is(err, paykit.ErrNotFound) {
				t.Fatalf("Retrieve after Delete: %v", err)
			}
			if err == nil && got.Status != paykit.SubscriptionCanceled && got.Status != paykit.SubscriptionExpired {
				t.Errorf("status after Delete = %s, want canceled or expired (or the subscription gone)", got.Status)
			}
		}
	}
}

func checkSubscription(t *testing.T, s *paykit.Subscription) {
	t.Helper()
	if s == nil || s.ID == "" {
		t.Fatal("subscription without ID")
	}
	switch s.Status {
	case paykit.SubscriptionActive, paykit.SubscriptionPastDue, paykit.SubscriptionCanceled, paykit.SubscriptionExpired, paykit.SubscriptionPending:
	default:
		t.Errorf("subscription %s has unknown status %q", s.ID, s.Status)
	}
	if s.RequiresAction && s.PaymentURL == "" {
		t.Errorf("subscription %s requires action but has no PaymentURL", s.ID)
	}
}

func (s *suite) invoices(t *testing.T) {
	client, _ := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpInvoicesList) {
		t.Log("invoices.list not declared or Unexercised")
		return
	}
	for inv, err := range client.Invoices.List(ctx, nil) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		checkInvoice(t, inv)
		if s.can(client, paykit.OpInvoicesRetrieve) {
			got, err := client.Invoices.Retrieve(ctx, inv.ID)
			if err != nil {
				t.Fatalf("Retrieve: %v", err)
			}
			checkInvoice(t, got)
		}
		break
	}
	if s.h.CompleteCheckout == nil || s.h.Stateless || len(s.h.Items) == 0 || !s.can(client, paykit.OpCheckoutsCreate) {
		return
	}
	// A completed one-time checkout leaves a paid invoice naming its payment.
	payee := s.newCustomer(t, ctx, client)
	co, err := client.Checkouts.Create(ctx, &paykit.CreateCheckoutParams{Customer: payee, ItemID: s.h.Items[0].ID, SessionType: paykit.SessionOneTime, Quantity: 2, SuccessURL: someSuccess})
	if err != nil {
		t.Fatalf("Checkouts.Create: %v", err)
	}
	if err := s.h.CompleteCheckout(ctx, client.Provider().(*counting).Provider, co.ID); err != nil {
		t.Fatalf("CompleteCheckout: %v", err)
	}
	done, err := client.Checkouts.Retrieve(ctx, co.ID)
	if err != nil {
		t.Fatalf("Checkouts.Retrieve: %v", err)
	}
	if done.Status != paykit.CheckoutComplete || done.PaymentID == "" {
		t.Fatalf("completed checkout: status %q payment %q", done.Status, done.PaymentID)
	}
	var inv *paykit.Invoice
	for i, err := range client.Invoices.List(ctx, nil) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		checkInvoice(t, i)
		if i.PaymentID == done.PaymentID {
			inv = i
		}
	}
	if inv == nil {
		t.Fatalf("no invoice names the checkout's payment %s", done.PaymentID)
	}
	if s.can(client, paykit.OpInvoicesRetrieve) {
		got, err := client.Invoices.Retrieve(ctx, inv.ID)
		if err != nil {
			t.Fatalf("Retrieve: %v", err)
		}
		checkInvoice(t, got)
		if got.ID != inv.ID || got.PaymentID != inv.PaymentID || got.AmountPaid != inv.AmountPaid {
			t.Errorf("Retrieve = %+v, want %+v", got, inv)
		}
	}
	want := paykit.LineItem{ID: s.h.Items[0].ID, Quantity: 2}
	if inv.Status != paykit.InvoicePaid || inv.BillingMode != paykit.BillingOneTime || inv.AmountPaid != 2*s.h.Items[0].Amount ||
		inv.Currency != s.h.Items[0].Currency || inv.PaidAt == nil || !slices.Contains(inv.LineItems, want) {
		t.Errorf("invoice = %+v, want paid one_time %d %s with line item %+v", inv, 2*s.h.Items[0].Amount, s.h.Items[0].Currency, want)
	}
}

func checkInvoice(t *testing.T, inv *paykit.Invoice) {
	t.Helper()
	if inv == nil || inv.ID == "" {
		t.Fatal("invoice without ID")
	}
	switch inv.Status {
	case paykit.InvoiceDraft, paykit.InvoiceOpen, paykit.InvoicePaid, paykit.InvoiceVoid, paykit.InvoiceUncollectible:
	default:
		t.Errorf("invoice %s has unknown status %q", inv.ID, inv.Status)
	}
	if inv.BillingMode != paykit.BillingOneTime && inv.BillingMode != paykit.BillingRecurring {
		t.Errorf("invoice %s has unknown billing mode %q", inv.ID, inv.BillingMode)
	}
}

func (s *suite) webhooks(t *testing.T) {
	client, cp := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpWebhooksHandle) {
		t.Log("webhooks.handle not declared (covered by Capabilities) or Unexercised")
		return
	}
	if s.h.SignedDeliveries == nil || s.h.SignAt == nil {
		t.Fatal("webhooks.handle is declared, but the harness cannot sign deliveries: set Harness.SignedDeliveries and Harness.SignAt " +
			"(or list webhooks.handle in Harness.Unexercised, with the reason)")
	}
	reqs, secret := s.h.SignedDeliveries(t, cp.Provider)
	if len(reqs) < 2 {
		t.Fatalf("Harness.SignedDeliveries gave %d deliveries, want at least 2 of distinct events of one object", len(reqs))
	}

	// Each delivery verifies, and gives events whose ids are its own:
	// paykit de-duplicates by event id, so an id shared with another
	// delivery loses that delivery's event. Parsed again, a delivery
	// keeps its ids, or de-duplication would not recognise it.
	parsed := make([][]*paykit.Event, len(reqs))
	owner := map[string]int{} // event id -> delivery
	objects := map[string]int{}
	sameObject := false
	for i, req := range reqs {
		events, err := cp.Provider.ParseWebhook(ctx, req, secret)
		if err != nil {
			t.Fatalf("ParseWebhook of genuine delivery %d: %v", i, err)
		}
		if len(events) == 0 {
			t.Fatalf("genuine delivery %d gave no events", i)
		}
		parsed[i] = events
		for _, e := range events {
			if e.ID == "" || e.Type == "" || e.Provider != cp.Name() || e.Created.IsZero() {
				t.Errorf("event %+v lacks ID, Type, Provider or Created", e)
			}
			if j, dup := owner[e.ID]; dup {
				t.Errorf("deliveries %d and %d both give an event with id %q (%s): paykit's de-duplication drops the later; an event id names the event, not its object", j, i, e.ID, e.Type)
			}
			owner[e.ID] = i
			if id := objectID(e); id != "" {
				if j, seen := objects[id]; seen && j != i {
					sameObject = true
				} else if !seen {
					objects[id] = i
				}
			}
		}
		again, err := cp.Provider.ParseWebhook(ctx, req, secret)
		if err != nil {
			t.Fatalf("ParseWebhook of genuine delivery %d, again: %v", i, err)
		}
		if !slices.Equal(eventIDs(again), eventIDs(events)) {
			t.Errorf("delivery %d parsed twice gave event ids %q, then %q: de-duplication needs them stable", i, eventIDs(events), eventIDs(again))
		}
	}
	if !sameObject {
		t.Error("Harness.SignedDeliveries: no two deliveries are about one object; give events of one object (such as a payment created, then updated), so that ids taken from the object are caught")
	}

	// Through the Client: every event of every delivery runs its handler
	// once, and a retry of a delivery, signed later, runs none.
	handled := 0
	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	var types []paykit.EventType
	for _, events := range parsed {
		for _, e := range events {
			if !slices.Contains(types, e.Type) {
				types = append(types, e.Type)
				wh.On(e.Type, func(context.Context, *paykit.Event) error { handled++; return nil })
			}
		}
	}
	want := 0
	for _, events := range parsed {
		want += len(events)
	}
	for i, req := range reqs {
		if err := wh.Handle(ctx, req); err != nil {
			t.Fatalf("Handle of delivery %d: %v", i, err)
		}
	}
	if handled != want {
		t.Errorf("handlers ran %d times for %d events of %d deliveries", handled, want, len(reqs))
	}
	retry := s.h.SignAt(t, reqs[0], secret, time.Now())
	events, err := cp.Provider.ParseWebhook(ctx, retry, secret)
	if err != nil {
		t.Fatalf("ParseWebhook of delivery 0 signed again now (Harness.SignAt): %v", err)
	}
	if !slices.Equal(eventIDs(events), eventIDs(parsed[0])) {
		t.Errorf("delivery 0 signed again gave event ids %q, first %q: a retry must keep them", eventIDs(events), eventIDs(parsed[0]))
	}
	before := handled
	if err := wh.Handle(ctx, retry); err != nil || handled != before {
		t.Errorf("a retry ran handlers again (err %v, %d more runs)", err, handled-before)
	}

	// A genuine delivery signed long ago is a replay.
	stale := s.h.SignAt(t, reqs[0], secret, time.Now().Add(-365*24*time.Hour))
	_, err = cp.Provider.ParseWebhook(ctx, stale, secret)
	requireCode(t, err, paykit.ErrWebhookSignature, "a genuine delivery signed a year ago")

	req := reqs[0]
	tampered := *req
	tampered.Body = append([]byte(nil), req.Body...)
	tampered.Body[len(tampered.Body)/2] ^= 0x01
	_, err = cp.Provider.ParseWebhook(ctx, &tampered, secret)
	requireCode(t, err, paykit.ErrWebhookSignature, "tampered body")
	_, err = cp.Provider.ParseWebhook(ctx, req, secret+"x")
	requireCode(t, err, paykit.ErrWebhookSignature, "wrong secret")
	noHeaders := *req
	noHeaders.Header = map[string][]string{}
	_, err = cp.Provider.ParseWebhook(ctx, &noHeaders, secret)
	requireCode(t, err, paykit.ErrWebhookSignature, "missing signature headers")
}

func eventIDs(events []*paykit.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

// objectID is the id of the object an event is about, or "".
func objectID(e *paykit.Event) string {
	switch {
	case e.Customer() != nil:
		return e.Customer().ID
	case e.Checkout() != nil:
		return e.Checkout().ID
	case e.Subscription() != nil:
		return e.Subscription().ID
	case e.Payment() != nil:
		return e.Payment().ID
	case e.Refund() != nil:
		return e.Refund().ID
	case e.Invoice() != nil:
		return e.Invoice().ID
	}
	return ""
}
