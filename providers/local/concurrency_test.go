package local_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local"
)

// Many goroutines share one simulator: every refund either fits or is
// refused, so the refunded total never exceeds the payment, and every
// write is in the event log exactly once.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, local.WithWebhookHandler(&recorder{}))
	cus := e.customer(t)
	pay := e.payment(t, paykit.CustomerID(cus.ID), 1000, "")
	const workers, rounds = 16, 25
	var refunded, refused, created atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				switch (w + r) % 4 {
				case 0:
					ref, err := e.client.Refunds.Create(e.ctx, &paykit.CreateRefundParams{PaymentID: pay.ID, Amount: 37})
					switch {
					case err == nil:
						refunded.Add(ref.Amount)
					case errors.Is(err, paykit.ErrValidation):
						refused.Add(1)
					default:
						t.Error(err)
					}
				case 1:
					if _, err := e.client.Customers.Create(e.ctx, &paykit.CreateCustomerParams{Email: "w@example.com", Metadata: map[string]string{"w": "1"}}); err != nil {
						t.Error(err)
					}
					created.Add(1)
				case 2:
					if _, err := e.client.Customers.Update(e.ctx, cus.ID, &paykit.UpdateCustomerParams{Metadata: map[string]string{"last": "x"}}); err != nil {
						t.Error(err)
					}
				case 3:
					for c, err := range e.client.Customers.List(e.ctx, &paykit.ListCustomersParams{ListParams: paykit.ListParams{Limit: 7}}) {
						if err != nil || c.ID == "" {
							t.Error(err)
							break
						}
					}
					if _, err := e.client.Payments.Retrieve(e.ctx, pay.ID); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if refused.Load() == 0 || refunded.Load() != 1000/37*37 {
		t.Errorf("refunded %d with %d refused, want %d refunded and some refused", refunded.Load(), refused.Load(), 1000/37*37)
	}
	got, err := e.client.Payments.Retrieve(e.ctx, pay.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AmountRefunded != refunded.Load() || got.AmountRefunded > got.AmountCaptured {
		t.Errorf("AmountRefunded = %d, refunds returned %d, captured %d", got.AmountRefunded, refunded.Load(), got.AmountCaptured)
	}
	want := workers * rounds / 4
	if n := refunded.Load()/37 + refused.Load(); n != int64(want) {
		t.Errorf("%d refunds answered, want %d", n, want)
	}
	counts := map[paykit.EventType]int{}
	for _, typ := range e.eventTypes(t) {
		counts[typ]++
	}
	if counts[paykit.EventRefundCreated] != int(refunded.Load()/37) || counts[paykit.EventCustomerCreated] != int(created.Load())+1 ||
		counts[paykit.EventCustomerUpdated] != want {
		t.Errorf("event counts %v do not match the writes", counts)
	}
	if err := e.sim.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
}
