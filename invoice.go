package paykit

import (
	"context"
	"iter"
	"time"
)

// BillingMode says whether an invoice bills a one-time purchase or a
// subscription period.
type BillingMode string

// Billing modes.
const (
	BillingOneTime   BillingMode = "one_time"
	BillingRecurring BillingMode = "recurring"
)

// InvoiceStatus is the state of an invoice, defined in the package doc's
// "Status semantics".
type InvoiceStatus string

// Invoice statuses.
const (
	// InvoiceDraft: not final; it cannot be paid yet.
	InvoiceDraft InvoiceStatus = "draft"
	// InvoiceOpen: final and awaiting payment.
	InvoiceOpen InvoiceStatus = "open"
	// InvoicePaid: paid.
	InvoicePaid InvoiceStatus = "paid"
	// InvoiceVoid: canceled; it will never be paid.
	InvoiceVoid InvoiceStatus = "void"
	// InvoiceUncollectible: collection was given up; it may still be paid.
	InvoiceUncollectible InvoiceStatus = "uncollectible"
)

// Invoice is the record of what a customer was billed.
type Invoice struct {
	ID             string      `json:"id"`
	Customer       Payee       `json:"customer"`
	SubscriptionID string      `json:"subscription_id"`
	BillingMode    BillingMode `json:"billing_mode"`
	// AmountPaid in minor units of Currency.
	AmountPaid int64             `json:"amount_paid"`
	Currency   string            `json:"currency"`
	Status     InvoiceStatus     `json:"status"`
	PaidAt     *time.Time        `json:"paid_at"`
	LineItems  []LineItem        `json:"line_items"`
	Metadata   map[string]string `json:"metadata"`
	PaymentID  string            `json:"payment_id,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	// Raw is the provider's native object. It is never serialized.
	Raw any `json:"-"`
}

// ListInvoicesParams filter and page an invoice list.
type ListInvoicesParams struct {
	ListParams
	CustomerID     string
	SubscriptionID string
}

// InvoiceService reads invoices. Reach it as Client.Invoices.
type InvoiceService struct{ c *Client }

// Retrieve returns the invoice with id, or an error matching ErrNotFound.
func (s *InvoiceService) Retrieve(ctx context.Context, id string, opts ...CallOption) (*Invoice, error) {
	return do(s.c, ctx, OpInvoicesRetrieve, idArg(id), opts, func(ctx context.Context, ro *RequestOptions) (*Invoice, error) {
		return s.c.provider.RetrieveInvoice(ctx, id, ro)
	})
}

// List iterates over all invoices. params may be nil.
func (s *InvoiceService) List(ctx context.Context, params *ListInvoicesParams, opts ...CallOption) iter.Seq2[*Invoice, error] {
	return list(s.c, ctx, OpInvoicesList, params, opts, s.fetch)
}

// ListPage returns one page of invoices.
func (s *InvoiceService) ListPage(ctx context.Context, params *ListInvoicesParams, opts ...CallOption) (*Page[Invoice], error) {
	return listPage(s.c, ctx, OpInvoicesList, params, opts, s.fetch)
}

func (s *InvoiceService) fetch(ctx context.Context, p *ListInvoicesParams, ro *RequestOptions) (*Page[Invoice], error) {
	return s.c.provider.ListInvoices(ctx, p, ro)
}
