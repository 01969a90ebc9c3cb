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
	return invoiceOut(in), nil
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
	return page(a, a.api.Invoices.List(p).Iter, invoiceID, invoiceOut)
}

func invoiceID(in *stripeapi.Invoice) string { return in.ID }

func invoiceOut(in *stripeapi.Invoice) *paykit.Invoice {
	md, _ := metadataIn(in.Metadata)
	cur := currencyOut(in.Currency)
	out := &paykit.Invoice{
		ID:         in.ID,
		Customer:   paykit.CustomerEmail(in.CustomerEmail),
		AmountPaid: amountFromStripe(in.AmountPaid, cur),
		Currency:   cur,
		Status:     invoiceStatus(in.Status),
		Metadata:   md,
		CreatedAt:  unixTime(in.Created),
		Raw:        in,
	}
	if in.Customer != nil {
		out.Customer = paykit.CustomerID(in.Customer.ID)
	}
	if in.Subscription != nil {
		out.SubscriptionID = in.Subscription.ID
	}
	out.BillingMode = billingMode(out.SubscriptionID)
	if in.PaymentIntent != nil {
		out.PaymentID = in.PaymentIntent.ID
	}
	if st := in.StatusTransitions; st != nil {
		out.PaidAt = unixTimePtr(st.PaidAt)
	}
	if in.Lines != nil {
		for _, l := range in.Lines.Data {
			if l.Price != nil {
				out.LineItems = append(out.LineItems, paykit.LineItem{ID: l.Price.ID, Quantity: l.Quantity})
			}
		}
	}
	return out
}
