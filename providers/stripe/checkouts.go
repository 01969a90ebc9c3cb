package stripe

import (
	"context"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

// CreateCheckout opens a Stripe Checkout Session: mode payment for one_time,
// mode subscription for recurring. ItemID is a Stripe price (price_...);
// a recurring price carries its own interval, so params.Subscription is
// only checked (Stripe has no custom intervals). The metadata is copied to
// the PaymentIntent or the Subscription the session creates.
func (a *provider) CreateCheckout(ctx context.Context, params *paykit.CreateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[CheckoutOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if sub := params.Subscription; sub != nil && !sub.BillingInterval.IsZero() {
		if _, err := intervalIn("subscription.billing_interval", sub.BillingInterval); err != nil {
			return nil, err
		}
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	md, err := metadataOut(params.Metadata, internal{ItemID: params.ItemID, Quantity: params.Quantity})
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CheckoutSessionParams{
		Params:     base,
		LineItems:  []*stripeapi.CheckoutSessionLineItemParams{{Price: stripeapi.String(params.ItemID), Quantity: stripeapi.Int64(params.Quantity)}},
		SuccessURL: stripeapi.String(params.SuccessURL),
		Metadata:   md,
	}
	setSessionPayee(p, params.Customer)
	if params.CancelURL != "" {
		p.CancelURL = stripeapi.String(params.CancelURL)
	}
	if params.SessionType == paykit.SessionRecurring {
		p.Mode = stripeapi.String(string(stripeapi.CheckoutSessionModeSubscription))
		p.SubscriptionData = &stripeapi.CheckoutSessionSubscriptionDataParams{Metadata: params.Metadata}
	} else {
		p.Mode = stripeapi.String(string(stripeapi.CheckoutSessionModePayment))
		p.PaymentIntentData = &stripeapi.CheckoutSessionPaymentIntentDataParams{Metadata: md}
	}
	opts.apply(p)
	s, err := a.api.CheckoutSessions.New(p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	out := checkoutOut(s)
	if out.Products == nil {
		// Stripe returns no line items unless asked to expand them.
		out.Products = []paykit.LineItem{{ID: params.ItemID, Quantity: params.Quantity}}
	}
	return out, nil
}

func setSessionPayee(p *stripeapi.CheckoutSessionParams, c paykit.Payee) {
	if c.ID != "" {
		p.Customer = stripeapi.String(c.ID)
	} else {
		p.CustomerEmail = stripeapi.String(c.Email)
	}
}

// RetrieveCheckout returns the session with its line items.
func (a *provider) RetrieveCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	s, err := a.api.CheckoutSessions.Get(id, &stripeapi.CheckoutSessionParams{Params: base, Expand: []*string{stripeapi.String("line_items")}})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return checkoutOut(s), nil
}

// UpdateCheckout changes the metadata of an open session.
func (a *provider) UpdateCheckout(ctx context.Context, id string, params *paykit.UpdateCheckoutParams, ro *paykit.RequestOptions) (*paykit.Checkout, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	if params.ProviderMetadata != nil {
		return nil, paykit.ValidationError("provider_metadata", "Stripe can change only the metadata of a checkout")
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	s, err := a.api.CheckoutSessions.Update(id, &stripeapi.CheckoutSessionParams{Params: base, Metadata: params.Metadata})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return checkoutOut(s), nil
}

// DeleteCheckout expires an open session.
func (a *provider) DeleteCheckout(ctx context.Context, id string, ro *paykit.RequestOptions) error {
	if err := paykit.RequireID(id); err != nil {
		return err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return err
	}
	_, err = a.api.CheckoutSessions.Expire(id, &stripeapi.CheckoutSessionExpireParams{Params: base})
	return a.mapErr(err)
}

// ListCheckouts returns one page of sessions, newest first.
func (a *provider) ListCheckouts(ctx context.Context, params *paykit.ListCheckoutsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Checkout], error) {
	if params == nil {
		params = &paykit.ListCheckoutsParams{}
	}
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.CheckoutSessionListParams{ListParams: lp}
	if params.CustomerID != "" {
		p.Customer = stripeapi.String(params.CustomerID)
	}
	return page(a, a.api.CheckoutSessions.List(p).Iter, sessionID, checkoutOut)
}

func sessionID(s *stripeapi.CheckoutSession) string { return s.ID }

func sessionPayee(s *stripeapi.CheckoutSession) paykit.Payee {
	var id, email string
	if s.Customer != nil {
		id = s.Customer.ID
	}
	if email = s.CustomerEmail; s.CustomerDetails != nil && s.CustomerDetails.Email != "" {
		email = s.CustomerDetails.Email
	}
	return payee(id, email)
}

func checkoutOut(s *stripeapi.CheckoutSession) *paykit.Checkout {
	md, in := metadataIn(s.Metadata)
	cur := currencyOut(s.Currency)
	c := &paykit.Checkout{
		ID:          s.ID,
		Customer:    sessionPayee(s),
		PaymentURL:  s.URL,
		Metadata:    md,
		SessionType: sessionType(s.Mode),
		Currency:    cur,
		Amount:      amountFromStripe(s.AmountTotal, cur),
		Status:      checkoutStatus(s.Status),
		SuccessURL:  s.SuccessURL,
		CancelURL:   s.CancelURL,
		CreatedAt:   unixTime(s.Created),
		ExpiresAt:   unixTimePtr(s.ExpiresAt),
		Raw:         s,
	}
	if s.PaymentIntent != nil {
		c.PaymentID = s.PaymentIntent.ID
	}
	if s.Subscription != nil {
		c.SubscriptionID = s.Subscription.ID
	}
	if s.LineItems == nil {
		c.Products = products(in)
		return c
	}
	for _, li := range s.LineItems.Data {
		if li.Price == nil {
			continue
		}
		c.Products = append(c.Products, paykit.LineItem{ID: li.Price.ID, Quantity: li.Quantity})
		if r := li.Price.Recurring; r != nil && c.Subscription == nil {
			c.Subscription = &paykit.CheckoutSubscription{BillingInterval: interval(r.Interval), BillingIntervalCount: int(r.IntervalCount)}
		}
	}
	return c
}

// products returns what a paykit checkout was created for, as kept in its
// metadata, when the line items themselves are not at hand.
func products(in internal) []paykit.LineItem {
	if in.ItemID == "" {
		return nil
	}
	return []paykit.LineItem{{ID: in.ItemID, Quantity: in.Quantity}}
}
