package paykittest

import (
	"testing"

	"github.com/paykit-go/paykit"
)

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
