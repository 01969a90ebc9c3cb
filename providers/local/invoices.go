package local

import (
	"context"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// RetrieveInvoice implements paykit.Provider.
func (s *Simulator) RetrieveInvoice(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Invoice, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(paykit.OpInvoicesRetrieve, err)
	}
	return s.b.RetrieveInvoice(ctx, id, ro)
}

func (s *engine) RetrieveInvoice(ctx context.Context, id string, _ *paykit.RequestOptions) (*paykit.Invoice, error) {
	return retrieve(ctx, s, paykit.OpInvoicesRetrieve, invoices, id, same[paykit.Invoice])
}

// ListInvoices implements paykit.Provider: newest first, filtered by
// customer and subscription id.
func (s *Simulator) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, ro *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	if p == nil {
		p = &paykit.ListInvoicesParams{}
	}
	return s.b.ListInvoices(ctx, p, ro)
}

func (s *engine) ListInvoices(ctx context.Context, p *paykit.ListInvoicesParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	return list(ctx, s, paykit.OpInvoicesList, invoices, p.ListParams, map[string]string{"customer": p.CustomerID, "subscription": p.SubscriptionID}, same[paykit.Invoice])
}

// issueInvoice records inv, paid by pay, and emits invoice.generated.
func (t *txn) issueInvoice(inv *paykit.Invoice, pay *paymentRec) error {
	t.markPaid(inv, pay)
	if err := save(t, invoices, inv); err != nil {
		return err
	}
	pay.InvoiceID = inv.ID
	if err := save(t, payments, pay); err != nil {
		return err
	}
	return t.emit(paykit.EventInvoiceGenerated, inv)
}

// newInvoice builds the open invoice of a payment; the caller stores it.
func (t *txn) newInvoice(pay *paymentRec, mode paykit.BillingMode, subID string, items []paykit.LineItem, md map[string]string) *paykit.Invoice {
	return &paykit.Invoice{
		ID: newID("in"), Customer: pay.Payment.Customer, SubscriptionID: subID, BillingMode: mode,
		Currency: pay.Payment.Currency, Status: paykit.InvoiceOpen, LineItems: items, Metadata: providerkit.CloneMetadata(md),
		PaymentID: pay.Payment.ID, CreatedAt: t.now,
	}
}

// markPaid records that pay paid inv.
func (t *txn) markPaid(inv *paykit.Invoice, pay *paymentRec) {
	now := t.now
	inv.Status, inv.AmountPaid, inv.PaidAt, inv.PaymentID = paykit.InvoicePaid, pay.Payment.AmountCaptured, &now, pay.Payment.ID
}
