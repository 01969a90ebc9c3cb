package stripe

import (
	"context"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// CreateRefund refunds a PaymentIntent (pi_...), a charge (ch_..., py_...)
// or the payment of a Checkout Session (cs_...), in full when Amount is 0.
// A partial refund first reads the payment's currency, to convert the
// amount. The reason "other", which Stripe lacks, is kept in metadata.
func (a *provider) CreateRefund(ctx context.Context, params *paykit.CreateRefundParams, ro *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[RefundOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	t, err := a.resolve(ctx, params.PaymentID, params.Amount > 0)
	if err != nil {
		return nil, err
	}
	keep := internal{}
	if t.session != nil {
		keep.PaymentID = params.PaymentID
	}
	p := &stripeapi.RefundParams{Params: base}
	if p.PaymentIntent, p.Charge = t.refundable(); p.PaymentIntent == nil && p.Charge == nil {
		return nil, t.noIntent(params.PaymentID, "payment_id")
	}
	if params.Amount > 0 {
		amount, err := amountToStripe("amount", params.Amount, t.currency)
		if err != nil {
			return nil, err
		}
		p.Amount = stripeapi.Int64(amount)
	}
	switch params.Reason {
	case paykit.RefundOther:
		keep.Reason = string(paykit.RefundOther)
	case "":
	default:
		p.Reason = stripeapi.String(string(params.Reason))
	}
	if p.Metadata, err = metadataOut(params.Metadata, keep); err != nil {
		return nil, err
	}
	opts.apply(p)
	r, err := a.api.Refunds.New(p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireRefund(r).refundOut(), nil
}

// RetrieveRefund returns the refund.
func (a *provider) RetrieveRefund(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Refund, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	r, err := a.api.Refunds.Get(id, &stripeapi.RefundParams{Params: base})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireRefund(r).refundOut(), nil
}

// ListRefunds returns one page of refunds, of one payment when PaymentID is
// set, newest first.
func (a *provider) ListRefunds(ctx context.Context, params *paykit.ListRefundsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Refund], error) {
	if params == nil {
		params = &paykit.ListRefundsParams{}
	}
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.RefundListParams{ListParams: lp}
	if params.PaymentID != "" {
		t, err := a.resolve(ctx, params.PaymentID, false)
		if err != nil {
			return nil, err
		}
		if p.PaymentIntent, p.Charge = t.refundable(); p.PaymentIntent == nil && p.Charge == nil {
			return &paykit.Page[paykit.Refund]{}, nil // an unpaid checkout has no refunds
		}
	}
	return page(a, a.api.Refunds.List(p).Iter, refundID, mapped(wireRefund, (*wireObject).refundOut))
}

// refundable returns the PaymentIntent or the charge that refunds of t
// name; both are nil for a checkout not yet paid.
func (t target) refundable() (intent, charge *string) {
	switch {
	case t.intent != "":
		return stripeapi.String(t.intent), nil
	case t.charge != "":
		return nil, stripeapi.String(t.charge)
	}
	return nil, nil
}

func refundID(r *stripeapi.Refund) string { return r.ID }

// wireRefund is the wire form of a refund stripe-go decoded, which stays
// its Raw.
func wireRefund(r *stripeapi.Refund) *wireObject {
	md, in := metadataIn(r.Metadata)
	o := &wireObject{
		native: r, id: r.ID, created: r.Created, metadata: md, internal: in,
		currency: currencyOut(r.Currency), amount: r.Amount,
		status: string(r.Status), reason: string(r.Reason),
	}
	if r.PaymentIntent != nil {
		o.paymentIntent = r.PaymentIntent.ID
	}
	if r.Charge != nil {
		o.charge = r.Charge.ID
	}
	return o
}

// refundOut maps a refund, from an API answer or a webhook. Its payment is
// the one it was asked for (a cs_ id, kept in metadata), else its
// PaymentIntent, else its charge.
func (o *wireObject) refundOut() *paykit.Refund {
	r := &paykit.Refund{
		ID:        o.id,
		Amount:    amountFromStripe(o.amount, o.currency),
		Currency:  o.currency,
		Reason:    refundReason(o.reason, o.internal.Reason),
		Metadata:  o.metadata,
		PaymentID: o.internal.PaymentID,
		Status:    refundStatus(o.status),
		CreatedAt: unixTime(o.created),
		Raw:       o.rawOut(),
	}
	switch {
	case r.PaymentID != "":
	case o.paymentIntent != "":
		r.PaymentID = o.paymentIntent
	default:
		r.PaymentID = o.charge
	}
	return r
}
