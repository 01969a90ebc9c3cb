package acmepay

import (
	"context"
	"encoding/json"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

const refundsPath = "/v1/refunds"

// refundReserved is what paykit keeps of a refund that Acme has no field
// for, in the refund's metadata under providerkit.ReservedKey.
type refundReserved struct {
	Reason paykit.RefundReason `json:"reason,omitempty"`
}

func refundFrom(raw json.RawMessage) (*paykit.Refund, error) {
	w, err := decode[wireRefund](raw)
	if err != nil {
		return nil, err
	}
	amount, err := amountFrom(w.Amount, w.Currency)
	if err != nil {
		return nil, err
	}
	// DecodeReserved reads paykit's own key and takes it out of the
	// metadata, so the user sees only theirs.
	var kept refundReserved
	meta := providerkit.DecodeReserved(w.Metadata, &kept)
	return &paykit.Refund{
		ID:        w.ID,
		Amount:    amount,
		Currency:  w.Currency,
		Reason:    kept.Reason,
		Metadata:  meta,
		PaymentID: w.Payment,
		Status:    refundStatus(w.Status),
		CreatedAt: w.CreatedAt.UTC(),
		Raw:       raw,
	}, nil
}

// CreateRefund refunds all (Amount 0) or part of a payment. A refund
// larger than what is left is Acme's amount_too_large, a VALIDATION_ERROR
// on "amount".
func (p *provider) CreateRefund(ctx context.Context, params *paykit.CreateRefundParams, opts *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	if params.PaymentID == "" {
		return nil, paykit.ValidationError("payment_id", "payment_id is required")
	}
	if err := noProviderMetadata(params.ProviderMetadata, "refunds"); err != nil {
		return nil, err
	}
	meta, err := providerkit.EncodeReserved(params.Metadata, refundReserved{Reason: params.Reason})
	if err != nil {
		return nil, err
	}
	body := refundCreate{Payment: params.PaymentID, Metadata: meta}
	if params.Amount > 0 {
		// Acme takes the amount in the payment's currency, which only
		// the payment knows: read it first.
		pay, err := p.RetrievePayment(ctx, params.PaymentID, nil)
		if err != nil {
			if pe, ok := paykit.AsError(err); ok && pe.Code == paykit.CodeNotFound {
				cp := *pe
				cp.Param = "payment_id"
				return nil, &cp
			}
			return nil, err
		}
		if body.Amount, err = providerkit.FormatDecimal(params.Amount, pay.Currency); err != nil {
			return nil, paykit.ValidationError("amount", err.Error())
		}
	}
	var raw json.RawMessage
	if err := p.post(ctx, refundsPath, body, opts, &raw); err != nil {
		return nil, err
	}
	return refundFrom(raw)
}

// RetrieveRefund returns a refund, or an error matching
// paykit.ErrNotFound.
func (p *provider) RetrieveRefund(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := p.get(ctx, objectPath(refundsPath+"/", id), nil, &raw); err != nil {
		return nil, err
	}
	return refundFrom(raw)
}
