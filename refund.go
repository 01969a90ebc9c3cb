package paykit

import (
	"context"
	"iter"
	"time"
)

// RefundReason is why money goes back.
type RefundReason string

// Refund reasons.
const (
	RefundDuplicate           RefundReason = "duplicate"
	RefundFraudulent          RefundReason = "fraudulent"
	RefundRequestedByCustomer RefundReason = "requested_by_customer"
	RefundOther               RefundReason = "other"
)

// RefundStatus is the state of a refund, defined in the package doc's
// "Status semantics".
type RefundStatus string

// Refund statuses.
const (
	// RefundPending: requested; the money is not back yet.
	RefundPending RefundStatus = "pending"
	// RefundSucceeded: the money was returned.
	RefundSucceeded RefundStatus = "succeeded"
	// RefundFailed: the refund could not be made.
	RefundFailed RefundStatus = "failed"
	// RefundCanceled: canceled before it was made.
	RefundCanceled RefundStatus = "canceled"
)

// Refund returns all or part of a payment.
type Refund struct {
	ID string `json:"id"`
	// Amount in minor units of Currency.
	Amount    int64             `json:"amount"`
	Currency  string            `json:"currency"`
	Reason    RefundReason      `json:"reason"`
	Metadata  map[string]string `json:"metadata"`
	PaymentID string            `json:"payment_id,omitempty"`
	Status    RefundStatus      `json:"status,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	// Raw is the provider's native object. It is never serialized.
	Raw any `json:"-"`
}

// CreateRefundParams describe a refund.
type CreateRefundParams struct {
	PaymentID string
	// Amount in minor units; 0 refunds what is left of the payment.
	Amount int64
	// Reason is one of the RefundReason constants, or empty.
	Reason           RefundReason
	Metadata         map[string]string
	ProviderMetadata any
}

func (p *CreateRefundParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if err := validateID("payment_id", p.PaymentID); err != nil {
		return err
	}
	if err := validateAmount("amount", p.Amount); err != nil {
		return err
	}
	switch p.Reason {
	case "", RefundDuplicate, RefundFraudulent, RefundRequestedByCustomer, RefundOther:
	default:
		return ValidationError("reason", "reason must be duplicate, fraudulent, requested_by_customer or other")
	}
	return validateMetadata(p.Metadata)
}

// ListRefundsParams filter and page a refund list.
type ListRefundsParams struct {
	ListParams
	PaymentID string
}

// RefundService manages refunds. Reach it as Client.Refunds.
type RefundService struct{ c *Client }

// Create refunds all or part of a payment. A refund larger than what is
// left of the payment fails with ErrValidation.
func (s *RefundService) Create(ctx context.Context, params *CreateRefundParams, opts ...CallOption) (*Refund, error) {
	return do(s.c, ctx, OpRefundsCreate, params, opts, func(ctx context.Context, ro *RequestOptions) (*Refund, error) {
		return s.c.provider.CreateRefund(ctx, params, ro)
	})
}

// Retrieve returns the refund with id, or an error matching ErrNotFound.
func (s *RefundService) Retrieve(ctx context.Context, id string, opts ...CallOption) (*Refund, error) {
	return do(s.c, ctx, OpRefundsRetrieve, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Refund, error) {
		return s.c.provider.RetrieveRefund(ctx, id, ro)
	})
}

// List iterates over all refunds. params may be nil.
func (s *RefundService) List(ctx context.Context, params *ListRefundsParams, opts ...CallOption) iter.Seq2[*Refund, error] {
	return list(s.c, ctx, OpRefundsList, params, opts, s.fetch)
}

// ListPage returns one page of refunds.
func (s *RefundService) ListPage(ctx context.Context, params *ListRefundsParams, opts ...CallOption) (*Page[Refund], error) {
	return listPage(s.c, ctx, OpRefundsList, params, opts, s.fetch)
}

func (s *RefundService) fetch(ctx context.Context, p *ListRefundsParams, ro *RequestOptions) (*Page[Refund], error) {
	return s.c.provider.ListRefunds(ctx, p, ro)
}
