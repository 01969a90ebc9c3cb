package paykittest

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/paykit-go/paykit"
)

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
