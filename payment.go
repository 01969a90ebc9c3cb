package paykit

import (
	"context"
	"iter"
	"time"
)

// PaymentStatus is the unified state of a payment, defined in the package
// doc's "Status semantics".
type PaymentStatus string

// Payment statuses.
const (
	// PaymentPending: no attempt under way; it awaits a payment method or
	// a confirmation.
	PaymentPending PaymentStatus = "pending"
	// PaymentProcessing: an attempt is under way, its outcome unknown.
	PaymentProcessing PaymentStatus = "processing"
	// PaymentRequiresAction: the payer must act, at PaymentURL.
	PaymentRequiresAction PaymentStatus = "requires_action"
	// PaymentRequiresCapture: authorized; the funds are held until Capture.
	PaymentRequiresCapture PaymentStatus = "requires_capture"
	// PaymentSucceeded: the money was collected (refunds do not change it).
	PaymentSucceeded PaymentStatus = "succeeded"
	// PaymentCanceled: ended before any money was taken.
	PaymentCanceled PaymentStatus = "canceled"
	// PaymentFailed: the last attempt was declined or failed (FailureCode).
	PaymentFailed PaymentStatus = "failed"
)

// CaptureMethod says when an authorized payment is captured.
type CaptureMethod string

// Capture methods.
const (
	CaptureAutomatic CaptureMethod = "automatic"
	CaptureManual    CaptureMethod = "manual"
)

// Payment is one charge of a customer.
type Payment struct {
	ID string `json:"id"`
	// Amount in minor units of Currency.
	Amount   int64             `json:"amount"`
	Currency string            `json:"currency"`
	Customer Payee             `json:"customer"`
	Status   PaymentStatus     `json:"status"`
	Metadata map[string]string `json:"metadata"`
	ItemID   string            `json:"item_id"`
	// RequiresAction is set when the payer must act; send them to
	// PaymentURL.
	RequiresAction bool   `json:"requires_action"`
	PaymentURL     string `json:"payment_url"`
	// AmountCaptured and AmountRefunded are in minor units.
	AmountCaptured int64         `json:"amount_captured,omitempty"`
	AmountRefunded int64         `json:"amount_refunded,omitempty"`
	CaptureMethod  CaptureMethod `json:"capture_method,omitempty"`
	// FailureCode is the decline or failure reason of a failed payment.
	FailureCode string    `json:"failure_code,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// Raw is the provider's native object. It is never serialized.
	Raw any `json:"-"`
}

// CreatePaymentParams describe a new payment.
type CreatePaymentParams struct {
	// Amount in minor units of Currency (1050 = USD 10.50). The Client
	// refuses a negative one; local and PayPal refuse 0 with a
	// VALIDATION_ERROR on "amount" before any request, and Stripe's API
	// refuses amounts below its minimum charge.
	Amount   int64
	Currency string
	Customer Payee
	ItemID   string
	Metadata map[string]string
	// CaptureMethod defaults to CaptureAutomatic.
	CaptureMethod CaptureMethod
	Billing       *BillingInfo
	// ProviderMetadata is the provider's own typed options struct.
	ProviderMetadata any
}

func (p *CreatePaymentParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	if err := validateAmount("amount", p.Amount); err != nil {
		return err
	}
	if err := validateCurrency("currency", p.Currency, true); err != nil {
		return err
	}
	if err := validatePayee("customer", p.Customer); err != nil {
		return err
	}
	switch p.CaptureMethod {
	case "", CaptureAutomatic, CaptureManual:
	default:
		return ValidationError("capture_method", "capture_method must be automatic or manual")
	}
	if len(p.ItemID) > 255 {
		return ValidationError("item_id", "item_id is longer than 255 characters")
	}
	if err := validateBilling(p.Billing); err != nil {
		return err
	}
	return validateMetadata(p.Metadata)
}

// UpdatePaymentParams change a payment that has not completed.
type UpdatePaymentParams struct {
	Metadata         map[string]string
	ProviderMetadata any
}

func (p *UpdatePaymentParams) validate() error {
	if p == nil {
		return ValidationError("params", "params are required")
	}
	return validateMetadata(p.Metadata)
}

// CapturePaymentParams capture an authorized payment.
type CapturePaymentParams struct {
	// Amount to capture in minor units; 0 captures the whole authorization.
	// It may not exceed the authorized amount.
	Amount int64
}

func (p *CapturePaymentParams) validate() error {
	if p == nil {
		return nil
	}
	return validateAmount("amount", p.Amount)
}

// ListPaymentsParams filter and page a payment list.
type ListPaymentsParams struct {
	ListParams
	CustomerID string
}

// PaymentService manages payments. Reach it as Client.Payments.
type PaymentService struct{ c *Client }

// Create charges a customer: at once against a saved payment method, or
// with RequiresAction and a PaymentURL when the payer must act.
func (s *PaymentService) Create(ctx context.Context, params *CreatePaymentParams, opts ...CallOption) (*Payment, error) {
	return do(s.c, ctx, OpPaymentsCreate, params, opts, func(ctx context.Context, ro *RequestOptions) (*Payment, error) {
		return s.c.provider.CreatePayment(ctx, params, ro)
	})
}

// Retrieve returns the payment with id, or an error matching ErrNotFound.
func (s *PaymentService) Retrieve(ctx context.Context, id string, opts ...CallOption) (*Payment, error) {
	return do(s.c, ctx, OpPaymentsRetrieve, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Payment, error) {
		return s.c.provider.RetrievePayment(ctx, id, ro)
	})
}

// Update changes a payment.
func (s *PaymentService) Update(ctx context.Context, id string, params *UpdatePaymentParams, opts ...CallOption) (*Payment, error) {
	return do(s.c, ctx, OpPaymentsUpdate, twoArgs{idArg(id), params}, opts, func(ctx context.Context, ro *RequestOptions) (*Payment, error) {
		return s.c.provider.UpdatePayment(ctx, id, params, ro)
	})
}

// Capture captures an authorized (requires_capture) payment. params may be
// nil to capture the whole amount.
func (s *PaymentService) Capture(ctx context.Context, id string, params *CapturePaymentParams, opts ...CallOption) (*Payment, error) {
	p := copyOrZero(params)
	return do(s.c, ctx, OpPaymentsCapture, twoArgs{idArg(id), p}, opts, func(ctx context.Context, ro *RequestOptions) (*Payment, error) {
		return s.c.provider.CapturePayment(ctx, id, p, ro)
	})
}

// Cancel cancels a payment that has not succeeded.
func (s *PaymentService) Cancel(ctx context.Context, id string, opts ...CallOption) (*Payment, error) {
	return do(s.c, ctx, OpPaymentsCancel, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Payment, error) {
		return s.c.provider.CancelPayment(ctx, id, ro)
	})
}

// Delete removes a payment that never succeeded, where the provider allows.
func (s *PaymentService) Delete(ctx context.Context, id string, opts ...CallOption) error {
	return exec(s.c, ctx, OpPaymentsDelete, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) error {
		return s.c.provider.DeletePayment(ctx, id, ro)
	})
}

// List iterates over all payments. params may be nil.
func (s *PaymentService) List(ctx context.Context, params *ListPaymentsParams, opts ...CallOption) iter.Seq2[*Payment, error] {
	return list(s.c, ctx, OpPaymentsList, params, opts, s.fetch)
}

// ListPage returns one page of payments.
func (s *PaymentService) ListPage(ctx context.Context, params *ListPaymentsParams, opts ...CallOption) (*Page[Payment], error) {
	return listPage(s.c, ctx, OpPaymentsList, params, opts, s.fetch)
}

func (s *PaymentService) fetch(ctx context.Context, p *ListPaymentsParams, ro *RequestOptions) (*Page[Payment], error) {
	return s.c.provider.ListPayments(ctx, p, ro)
}
