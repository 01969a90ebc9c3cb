package local

import (
	"context"
	"strconv"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// CreateRefund implements paykit.Provider. Only a succeeded payment can be
// refunded; Amount 0 refunds what is left (ErrInvalidState when nothing
// is), and more than is left fails with ErrValidation naming "amount". It emits refund.created and
// payment.updated (AmountRefunded grew).
func (s *Simulator) CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, ro *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireParams(p); err != nil {
		return nil, opError(paykit.OpRefundsCreate, err)
	}
	return s.b.CreateRefund(ctx, p, ro)
}

func (s *engine) CreateRefund(ctx context.Context, p *paykit.CreateRefundParams, ro *paykit.RequestOptions) (*paykit.Refund, error) {
	return mutate(ctx, s, paykit.OpRefundsCreate, ro, p, func(t *txn) (*paykit.Refund, error) {
		rec, err := loadParam(t, payments, "payment_id", p.PaymentID)
		if err != nil {
			return nil, err
		}
		pay := &rec.Payment
		if pay.Status != paykit.PaymentSucceeded {
			return nil, invalidState("payment " + pay.ID + " is " + string(pay.Status) + "; only succeeded payments can be refunded")
		}
		left := pay.AmountCaptured - pay.AmountRefunded
		amount := p.Amount
		if amount == 0 {
			if left == 0 {
				return nil, invalidState("payment " + pay.ID + " is already fully refunded")
			}
			amount = left
		}
		if amount > left {
			return nil, paykit.ValidationError("amount", "refund amount "+strconv.FormatInt(amount, 10)+
				" exceeds the "+strconv.FormatInt(left, 10)+" left to refund")
		}
		ref := &paykit.Refund{
			ID: newID("re"), Amount: amount, Currency: pay.Currency, Reason: p.Reason,
			Metadata: providerkit.CloneMetadata(p.Metadata), PaymentID: pay.ID, Status: paykit.RefundSucceeded,
			CreatedAt: t.now,
		}
		if err := save(t, refunds, ref); err != nil {
			return nil, err
		}
		if err := t.emit(paykit.EventRefundCreated, ref); err != nil {
			return nil, err
		}
		pay.AmountRefunded += amount
		return ref, saveEmit(t, payments, rec, paykit.EventPaymentUpdated)
	})
}

// RetrieveRefund implements paykit.Provider.
func (s *Simulator) RetrieveRefund(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpRefundsRetrieve, err)
	}
	return s.b.RetrieveRefund(ctx, id, ro)
}

func (s *engine) RetrieveRefund(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Refund, error) {
	return retrieve(ctx, s, paykit.OpRefundsRetrieve, refunds, id, same[paykit.Refund])
}

// ListRefunds implements paykit.Provider: newest first, filtered by
// payment id.
func (s *Simulator) ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	if p == nil {
		p = &paykit.ListRefundsParams{}
	}
	return s.b.ListRefunds(ctx, p, ro)
}

func (s *engine) ListRefunds(ctx context.Context, p *paykit.ListRefundsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	return list(ctx, s, paykit.OpRefundsList, refunds, p.ListParams, map[string]string{"payment": p.PaymentID}, same[paykit.Refund])
}
