package paykittest

import (
	"testing"

	"github.com/paykit-go/paykit"
)

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
