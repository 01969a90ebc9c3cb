package local_test

import (
	"sync"
	"testing"

	"github.com/paykit-go/paykit"
)

func TestIdempotencyKeys(t *testing.T) {
	e := newEnv(t)
	cus := e.customer(t)
	key := paykit.WithIdempotencyKey("order-42")
	params := &paykit.CreatePaymentParams{Amount: 1200, Currency: "USD", Customer: paykit.CustomerID(cus.ID), Metadata: map[string]string{"order": "42"}}

	first, err := e.client.Payments.Create(e.ctx, params, key)
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.eventTypes(t))
	again, err := e.client.Payments.Create(e.ctx, params, key)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Status != first.Status || again.Metadata["order"] != "42" {
		t.Errorf("repeat = %+v, want the first result %+v", again, first)
	}
	if n := len(e.eventTypes(t)) - before; n != 0 {
		t.Errorf("the repeat emitted %d events", n)
	}
	page, _ := e.client.Payments.ListPage(e.ctx, nil)
	if len(page.Data) != 1 {
		t.Errorf("%d payments after a repeated create, want 1", len(page.Data))
	}

	// The first result is returned even after the resource changed.
	if _, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: first.ID, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if again, _ := e.client.Payments.Create(e.ctx, params, key); again.AmountRefunded != 0 {
		t.Errorf("repeat returned the current state (refunded %d), not the first result", again.AmountRefunded)
	}

	// Different params with the same key conflict.
	other := *params
	other.Amount = 1300
	_, err = e.client.Payments.Create(e.ctx, &other, key)
	wantErr(t, err, paykit.ErrIdempotencyConflict, "")

	// Keys are scoped per operation.
	ref, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: first.ID, Amount: 50}, key)
	if err != nil || ref.Amount != 50 {
		t.Fatalf("the same key on another op: %+v, %v", ref, err)
	}
	refAgain, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: first.ID, Amount: 50}, key)
	if err != nil || refAgain.ID != ref.ID {
		t.Errorf("repeated refund = %+v, %v; want %s", refAgain, err, ref.ID)
	}
	if got, _ := e.client.Payments.Retrieve(e.ctx, first.ID); got.AmountRefunded != 150 {
		t.Errorf("AmountRefunded = %d, want 150: a repeated refund was applied twice", got.AmountRefunded)
	}

	// A failed call is not remembered: the same key may be retried.
	k2 := paykit.WithIdempotencyKey("retry-after-error")
	_, err = e.client.Payments.Capture(e.ctx, first.ID, nil, k2)
	wantErr(t, err, paykit.ErrInvalidState, "")
	auth := e.payment(t, paykit.CustomerID(cus.ID), 500, paykit.CaptureManual)
	if got, err := e.client.Payments.Capture(e.ctx, auth.ID, nil, k2); err != nil || got.Status != paykit.PaymentSucceeded {
		t.Errorf("key reused after a failed call: %+v, %v", got, err)
	}

	// Deletes honour keys too: the repeat succeeds without a second event.
	k3 := paykit.WithIdempotencyKey("delete-once")
	if err := e.client.Customers.Delete(e.ctx, cus.ID, k3); err != nil {
		t.Fatal(err)
	}
	before = len(e.eventTypes(t))
	if err := e.client.Customers.Delete(e.ctx, cus.ID, k3); err != nil {
		t.Errorf("repeated delete with its key: %v", err)
	}
	if n := len(e.eventTypes(t)) - before; n != 0 {
		t.Errorf("repeated delete emitted %d events", n)
	}
}

// Concurrent calls with one key create one resource.
func TestIdempotencyConcurrent(t *testing.T) {
	e := newEnv(t)
	const n = 32
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cus, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "same@example.com"}, paykit.WithIdempotencyKey("signup-1"))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = cus.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("one key created several customers: %v", ids)
		}
	}
	if evs := e.eventTypes(t); len(evs) != 1 {
		t.Errorf("events = %v, want one customer.created", evs)
	}
}
