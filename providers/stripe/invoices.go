package stripe

import (
	"context"

	"github.com/paykit-go/paykit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// RetrieveInvoice returns the invoice.
func (a *provider) RetrieveInvoice(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Invoice, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	in, err := a.api.Invoices.Get(id, &stripeapi.InvoiceParams{Params: base})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireInvoice(in).invoiceOut(), nil
}

// ListInvoices returns one page of invoices, newest first.
func (a *provider) ListInvoices(ctx context.Context, params *paykit.ListInvoicesParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Invoice], error) {
	if params == nil {
		params = &paykit.ListInvoicesParams{}
	}
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.InvoiceListParams{ListParams: lp}
	if params.CustomerID != "" {
		p.Customer = stripeapi.String(params.CustomerID)
	}
	if params.SubscriptionID != "" {
		p.Subscription = stripeapi.String(params.SubscriptionID)
	}
	return page(a, a.api.Invoices.List(p).Iter, invoiceID, mapped(wireInvoice, (*wireObject).invoiceOut))
}

func invoiceID(in *stripeapi.Invoice) string { return in.ID }

// wireInvoice is the wire form of an invoice stripe-go decoded, which
// stays its Raw.
func wireInvoice(in *stripeapi.Invoice) *wireObject {
	md, kept := metadataIn(in.Metadata)
	o := &wireObject{
		native: in, id: in.ID, created: in.Created, metadata: md, internal: kept,
		currency: currencyOut(in.Currency), amountPaid: in.AmountPaid,
		status: string(in.Status), customerEmail: in.CustomerEmail,
	}
	if in.Customer != nil {
		o.customer = in.Customer.ID
	}
	if in.Subscription != nil {
		o.subscription = in.Subscription.ID
	}
	if in.PaymentIntent != nil {
		o.paymentIntent = in.PaymentIntent.ID
	}
	if st := in.StatusTransitions; st != nil {
		o.paidAt = st.PaidAt
	}
	if in.Lines != nil {
		for _, l := range in.Lines.Data {
			if l.Price != nil {
				o.items = append(o.items, wireItem{price: l.Price.ID, quantity: l.Quantity})
			}
		}
	}
	return o
}

// invoiceOut maps an invoice, from an API answer or a webhook.
func (o *wireObject) invoiceOut() *paykit.Invoice {
	inv := &paykit.Invoice{
		ID:             o.id,
		Customer:       payee(o.customer, o.customerEmail),
		SubscriptionID: o.subscription,
		BillingMode:    billingMode(o.subscription),
		AmountPaid:     amountFromStripe(o.amountPaid, o.currency),
		Currency:       o.currency,
		Status:         invoiceStatus(o.status),
		PaidAt:         unixTimePtr(o.paidAt),
		Metadata:       o.metadata,
		PaymentID:      o.paymentIntent,
		CreatedAt:      unixTime(o.created),
		Raw:            o.rawOut(),
	}
	for _, it := range o.items {
		if it.price != "" {
			inv.LineItems = append(inv.LineItems, paykit.LineItem{ID: it.price, Quantity: it.quantity})
		}
	}
	return inv
}

// sessionInvoiceOut is the invoice of a paid Checkout Session: Stripe's
// invoice when the session made one, else the session itself.
func (o *wireObject) sessionInvoiceOut(paidAt int64) *paykit.Invoice {
	id := o.invoice
	if id == "" {
		id = o.id
	}
	return &paykit.Invoice{
		ID:             id,
		Customer:       o.sessionPayee(),
		SubscriptionID: o.subscription,
		BillingMode:    billingMode(o.subscription),
		AmountPaid:     amountFromStripe(o.amountTotal, o.currency),
		Currency:       o.currency,
		Status:         paykit.InvoicePaid,
		PaidAt:         unixTimePtr(paidAt),
		LineItems:      products(o.internal),
		Metadata:       o.metadata,
		PaymentID:      o.paymentIntent,
		CreatedAt:      unixTime(o.created),
		Raw:            o.rawOut(),
	}
}
