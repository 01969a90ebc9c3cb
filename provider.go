package paykit

import (
	"context"
	"time"
)

// Op names one operation of the API, as "<resource>.<action>". Capabilities
// are expressed as the set of Ops a provider supports.
type Op string

// Every operation of the API.
const (
	OpCustomersCreate   Op = "customers.create"
	OpCustomersRetrieve Op = "customers.retrieve"
	OpCustomersUpdate   Op = "customers.update"
	OpCustomersDelete   Op = "customers.delete"
	OpCustomersList     Op = "customers.list"

	OpCheckoutsCreate   Op = "checkouts.create"
	OpCheckoutsRetrieve Op = "checkouts.retrieve"
	OpCheckoutsUpdate   Op = "checkouts.update"
	OpCheckoutsDelete   Op = "checkouts.delete"
	OpCheckoutsList     Op = "checkouts.list"

	OpSubscriptionsCreate   Op = "subscriptions.create"
	OpSubscriptionsRetrieve Op = "subscriptions.retrieve"
	OpSubscriptionsUpdate   Op = "subscriptions.update"
	OpSubscriptionsCancel   Op = "subscriptions.cancel"
	OpSubscriptionsDelete   Op = "subscriptions.delete"
	OpSubscriptionsList     Op = "subscriptions.list"

	OpPaymentsCreate   Op = "payments.create"
	OpPaymentsRetrieve Op = "payments.retrieve"
	OpPaymentsUpdate   Op = "payments.update"
	OpPaymentsCapture  Op = "payments.capture"
	OpPaymentsCancel   Op = "payments.cancel"
	OpPaymentsDelete   Op = "payments.delete"
	OpPaymentsList     Op = "payments.list"

	OpRefundsCreate   Op = "refunds.create"
	OpRefundsRetrieve Op = "refunds.retrieve"
	OpRefundsList     Op = "refunds.list"

	OpInvoicesRetrieve Op = "invoices.retrieve"
	OpInvoicesList     Op = "invoices.list"

	OpWebhooksHandle Op = "webhooks.handle"
)

// Capabilities describes what a provider can do.
type Capabilities struct {
	// Ops lists the supported operations. The Client refuses every other
	// operation with ErrNotSupported before calling the provider.
	Ops []Op
	// IdempotencyKeys reports whether the provider honours idempotency keys:
	// the same key on a repeated write returns the first result.
	IdempotencyKeys bool
}

// Supports reports whether op is among c.Ops.
func (c Capabilities) Supports(op Op) bool {
	for _, o := range c.Ops {
		if o == op {
			return true
		}
	}
	return false
}

// RequestOptions are the per-call settings a Client hands to a Provider,
// built from the CallOptions of one call.
type RequestOptions struct {
	// IdempotencyKey is set on every write: the caller's key, or one the
	// Client generated. Providers that honour keys must send it unchanged on
	// every retry of the call.
	IdempotencyKey string
	// Timeout, when positive, bounds the whole call including retries. The
	// Client has already applied it to ctx.
	Timeout time.Duration

	generatedKey bool // IdempotencyKey is the Client's, not the caller's
}

// Page is one page of a list. NextCursor, when HasMore is true, is the
// opaque value to pass as ListParams.Cursor to fetch the next page.
type Page[T any] struct {
	Data       []*T
	HasMore    bool
	NextCursor string
}

// Provider is the contract every payment provider adapter implements. The
// Client validates all params before calling a method, fills
// RequestOptions, and never calls an operation missing from Capabilities.
//
// Implementations must embed UnimplementedProvider so that the interface
// can grow without breaking them. Retrieve of an unknown id must return an
// error matching ErrNotFound, never (nil, nil); an unsupported operation
// must return an error matching ErrNotSupported.
//
// A program may also call a provider directly, without a Client: no
// method may then panic on a missing argument. An empty id and nil params
// of a create or update fail with the VALIDATION_ERROR the Client gives
// (RequireID, RequireParams), a nil *WebhookRequest with one on
// "request". Nil list params are the first page with the defaults, and
// nil *CapturePaymentParams a full capture, as through the Client. Nil
// *RequestOptions are no timeout and no idempotency key; each provider's
// doc says whether a write then gets a key of its making.
type Provider interface {
	// Name is the provider's short lower-case name, e.g. "stripe".
	Name() string
	// Capabilities lists what the provider supports.
	Capabilities() Capabilities

	CreateCustomer(ctx context.Context, params *CreateCustomerParams, opts *RequestOptions) (*Customer, error)
	RetrieveCustomer(ctx context.Context, id string, opts *RequestOptions) (*Customer, error)
	UpdateCustomer(ctx context.Context, id string, params *UpdateCustomerParams, opts *RequestOptions) (*Customer, error)
	DeleteCustomer(ctx context.Context, id string, opts *RequestOptions) error
	ListCustomers(ctx context.Context, params *ListCustomersParams, opts *RequestOptions) (*Page[Customer], error)

	CreateCheckout(ctx context.Context, params *CreateCheckoutParams, opts *RequestOptions) (*Checkout, error)
	RetrieveCheckout(ctx context.Context, id string, opts *RequestOptions) (*Checkout, error)
	UpdateCheckout(ctx context.Context, id string, params *UpdateCheckoutParams, opts *RequestOptions) (*Checkout, error)
	DeleteCheckout(ctx context.Context, id string, opts *RequestOptions) error
	ListCheckouts(ctx context.Context, params *ListCheckoutsParams, opts *RequestOptions) (*Page[Checkout], error)

	CreateSubscription(ctx context.Context, params *CreateSubscriptionParams, opts *RequestOptions) (*Subscription, error)
	RetrieveSubscription(ctx context.Context, id string, opts *RequestOptions) (*Subscription, error)
	UpdateSubscription(ctx context.Context, id string, params *UpdateSubscriptionParams, opts *RequestOptions) (*Subscription, error)
	CancelSubscription(ctx context.Context, id string, opts *RequestOptions) (*Subscription, error)
	DeleteSubscription(ctx context.Context, id string, opts *RequestOptions) error
	ListSubscriptions(ctx context.Context, params *ListSubscriptionsParams, opts *RequestOptions) (*Page[Subscription], error)

	CreatePayment(ctx context.Context, params *CreatePaymentParams, opts *RequestOptions) (*Payment, error)
	RetrievePayment(ctx context.Context, id string, opts *RequestOptions) (*Payment, error)
	UpdatePayment(ctx context.Context, id string, params *UpdatePaymentParams, opts *RequestOptions) (*Payment, error)
	CapturePayment(ctx context.Context, id string, params *CapturePaymentParams, opts *RequestOptions) (*Payment, error)
	CancelPayment(ctx context.Context, id string, opts *RequestOptions) (*Payment, error)
	DeletePayment(ctx context.Context, id string, opts *RequestOptions) error
	ListPayments(ctx context.Context, params *ListPaymentsParams, opts *RequestOptions) (*Page[Payment], error)

	CreateRefund(ctx context.Context, params *CreateRefundParams, opts *RequestOptions) (*Refund, error)
	RetrieveRefund(ctx context.Context, id string, opts *RequestOptions) (*Refund, error)
	ListRefunds(ctx context.Context, params *ListRefundsParams, opts *RequestOptions) (*Page[Refund], error)

	RetrieveInvoice(ctx context.Context, id string, opts *RequestOptions) (*Invoice, error)
	ListInvoices(ctx context.Context, params *ListInvoicesParams, opts *RequestOptions) (*Page[Invoice], error)

	// ParseWebhook verifies one delivery with secret and maps it to unified
	// events: none for a native event it ignores, several when one native
	// event means several unified ones. A native event with no mapping comes
	// back as one event of type EventUnknown. A failed verification returns
	// an error matching ErrWebhookSignature.
	ParseWebhook(ctx context.Context, req *WebhookRequest, secret string) ([]*Event, error)

	mustEmbedUnimplementedProvider()
}

// UnimplementedProvider answers every operation with ErrNotSupported. Embed
// it in every Provider implementation.
type UnimplementedProvider struct{}

func (UnimplementedProvider) mustEmbedUnimplementedProvider() {}

func unsupported(op Op) error {
	return &Error{Code: CodeNotSupported, Op: op, Message: "operation not supported by this provider"}
}

// Name returns "unimplemented".
func (UnimplementedProvider) Name() string { return "unimplemented" }

// Capabilities returns no operations.
func (UnimplementedProvider) Capabilities() Capabilities { return Capabilities{} }

// CreateCustomer returns ErrNotSupported.
func (UnimplementedProvider) CreateCustomer(context.Context, *CreateCustomerParams, *RequestOptions) (*Customer, error) {
	return nil, unsupported(OpCustomersCreate)
}

// RetrieveCustomer returns ErrNotSupported.
func (UnimplementedProvider) RetrieveCustomer(context.Context, string, *RequestOptions) (*Customer, error) {
	return nil, unsupported(OpCustomersRetrieve)
}

// UpdateCustomer returns ErrNotSupported.
func (UnimplementedProvider) UpdateCustomer(context.Context, string, *UpdateCustomerParams, *RequestOptions) (*Customer, error) {
	return nil, unsupported(OpCustomersUpdate)
}

// DeleteCustomer returns ErrNotSupported.
func (UnimplementedProvider) DeleteCustomer(context.Context, string, *RequestOptions) error {
	return unsupported(OpCustomersDelete)
}

// ListCustomers returns ErrNotSupported.
func (UnimplementedProvider) ListCustomers(context.Context, *ListCustomersParams, *RequestOptions) (*Page[Customer], error) {
	return nil, unsupported(OpCustomersList)
}

// CreateCheckout returns ErrNotSupported.
func (UnimplementedProvider) CreateCheckout(context.Context, *CreateCheckoutParams, *RequestOptions) (*Checkout, error) {
	return nil, unsupported(OpCheckoutsCreate)
}

// RetrieveCheckout returns ErrNotSupported.
func (UnimplementedProvider) RetrieveCheckout(context.Context, string, *RequestOptions) (*Checkout, error) {
	return nil, unsupported(OpCheckoutsRetrieve)
}

// UpdateCheckout returns ErrNotSupported.
func (UnimplementedProvider) UpdateCheckout(context.Context, string, *UpdateCheckoutParams, *RequestOptions) (*Checkout, error) {
	return nil, unsupported(OpCheckoutsUpdate)
}

// DeleteCheckout returns ErrNotSupported.
func (UnimplementedProvider) DeleteCheckout(context.Context, string, *RequestOptions) error {
	return unsupported(OpCheckoutsDelete)
}

// ListCheckouts returns ErrNotSupported.
func (UnimplementedProvider) ListCheckouts(context.Context, *ListCheckoutsParams, *RequestOptions) (*Page[Checkout], error) {
	return nil, unsupported(OpCheckoutsList)
}

// CreateSubscription returns ErrNotSupported.
func (UnimplementedProvider) CreateSubscription(context.Context, *CreateSubscriptionParams, *RequestOptions) (*Subscription, error) {
	return nil, unsupported(OpSubscriptionsCreate)
}

// RetrieveSubscription returns ErrNotSupported.
func (UnimplementedProvider) RetrieveSubscription(context.Context, string, *RequestOptions) (*Subscription, error) {
	return nil, unsupported(OpSubscriptionsRetrieve)
}

// UpdateSubscription returns ErrNotSupported.
func (UnimplementedProvider) UpdateSubscription(context.Context, string, *UpdateSubscriptionParams, *RequestOptions) (*Subscription, error) {
	return nil, unsupported(OpSubscriptionsUpdate)
}

// CancelSubscription returns ErrNotSupported.
func (UnimplementedProvider) CancelSubscription(context.Context, string, *RequestOptions) (*Subscription, error) {
	return nil, unsupported(OpSubscriptionsCancel)
}

// DeleteSubscription returns ErrNotSupported.
func (UnimplementedProvider) DeleteSubscription(context.Context, string, *RequestOptions) error {
	return unsupported(OpSubscriptionsDelete)
}

// ListSubscriptions returns ErrNotSupported.
func (UnimplementedProvider) ListSubscriptions(context.Context, *ListSubscriptionsParams, *RequestOptions) (*Page[Subscription], error) {
	return nil, unsupported(OpSubscriptionsList)
}

// CreatePayment returns ErrNotSupported.
func (UnimplementedProvider) CreatePayment(context.Context, *CreatePaymentParams, *RequestOptions) (*Payment, error) {
	return nil, unsupported(OpPaymentsCreate)
}

// RetrievePayment returns ErrNotSupported.
func (UnimplementedProvider) RetrievePayment(context.Context, string, *RequestOptions) (*Payment, error) {
	return nil, unsupported(OpPaymentsRetrieve)
}

// UpdatePayment returns ErrNotSupported.
func (UnimplementedProvider) UpdatePayment(context.Context, string, *UpdatePaymentParams, *RequestOptions) (*Payment, error) {
	return nil, unsupported(OpPaymentsUpdate)
}

// CapturePayment returns ErrNotSupported.
func (UnimplementedProvider) CapturePayment(context.Context, string, *CapturePaymentParams, *RequestOptions) (*Payment, error) {
	return nil, unsupported(OpPaymentsCapture)
}

// CancelPayment returns ErrNotSupported.
func (UnimplementedProvider) CancelPayment(context.Context, string, *RequestOptions) (*Payment, error) {
	return nil, unsupported(OpPaymentsCancel)
}

// DeletePayment returns ErrNotSupported.
func (UnimplementedProvider) DeletePayment(context.Context, string, *RequestOptions) error {
	return unsupported(OpPaymentsDelete)
}

// ListPayments returns ErrNotSupported.
func (UnimplementedProvider) ListPayments(context.Context, *ListPaymentsParams, *RequestOptions) (*Page[Payment], error) {
	return nil, unsupported(OpPaymentsList)
}

// CreateRefund returns ErrNotSupported.
func (UnimplementedProvider) CreateRefund(context.Context, *CreateRefundParams, *RequestOptions) (*Refund, error) {
	return nil, unsupported(OpRefundsCreate)
}

// RetrieveRefund returns ErrNotSupported.
func (UnimplementedProvider) RetrieveRefund(context.Context, string, *RequestOptions) (*Refund, error) {
	return nil, unsupported(OpRefundsRetrieve)
}

// ListRefunds returns ErrNotSupported.
func (UnimplementedProvider) ListRefunds(context.Context, *ListRefundsParams, *RequestOptions) (*Page[Refund], error) {
	return nil, unsupported(OpRefundsList)
}

// RetrieveInvoice returns ErrNotSupported.
func (UnimplementedProvider) RetrieveInvoice(context.Context, string, *RequestOptions) (*Invoice, error) {
	return nil, unsupported(OpInvoicesRetrieve)
}

// ListInvoices returns ErrNotSupported.
func (UnimplementedProvider) ListInvoices(context.Context, *ListInvoicesParams, *RequestOptions) (*Page[Invoice], error) {
	return nil, unsupported(OpInvoicesList)
}

// ParseWebhook returns ErrNotSupported.
func (UnimplementedProvider) ParseWebhook(context.Context, *WebhookRequest, string) ([]*Event, error) {
	return nil, unsupported(OpWebhooksHandle)
}
