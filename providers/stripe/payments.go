package stripe

import (
	"context"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	stripeapi "github.com/stripe/stripe-go/v79"
)

func isSession(id string) bool { return strings.HasPrefix(id, "cs_") }

// isCharge reports whether id names a charge: ch_, or py_ for the charges
// of some payment methods.
func isCharge(id string) bool { return strings.HasPrefix(id, "ch_") || strings.HasPrefix(id, "py_") }

// CreatePayment charges a customer. With a payment method to use, the
// customer's default one or PaymentOptions.PaymentMethod, it creates a
// PaymentIntent and confirms it off-session. Otherwise the payer must act:
// it opens a Checkout Session in payment mode, which needs a success URL
// (PaymentOptions.SuccessURL, or the provider's WithReturnURLs), and
// returns a payment that requires action, whose PaymentURL is the checkout
// page and whose id is the session's.
func (a *provider) CreatePayment(ctx context.Context, params *paykit.CreatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[PaymentOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	if opts.SuccessURL == "" || opts.CancelURL == "" {
		// Each URL not given for the call is the provider's.
		withDefaults := *opts
		if withDefaults.SuccessURL == "" {
			withDefaults.SuccessURL = a.successURL
		}
		if withDefaults.CancelURL == "" {
			withDefaults.CancelURL = a.cancelURL
		}
		opts = &withDefaults
	}
	amount, err := amountToStripe("amount", params.Amount, params.Currency)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	md, err := metadataOut(params.Metadata, internal{ItemID: params.ItemID})
	if err != nil {
		return nil, err
	}
	method := opts.PaymentMethod
	if method == "" && params.Customer.ID != "" {
		if method, err = a.savedMethod(ctx, params.Customer.ID); err != nil {
			return nil, err
		}
	}
	if method == "" {
		return a.paymentCheckout(base, params, opts, amount, md)
	}
	p := &stripeapi.PaymentIntentParams{
		Params:        base,
		Expand:        expandCharge,
		Amount:        stripeapi.Int64(amount),
		Currency:      currencyIn(params.Currency),
		PaymentMethod: stripeapi.String(method),
		Confirm:       stripeapi.Bool(true),
		OffSession:    stripeapi.Bool(true),
		Metadata:      md,
	}
	if opts.SuccessURL != "" {
		p.ReturnURL = stripeapi.String(opts.SuccessURL)
	} else {
		// Off-session there is nobody to redirect.
		p.AutomaticPaymentMethods = &stripeapi.PaymentIntentAutomaticPaymentMethodsParams{Enabled: stripeapi.Bool(true), AllowRedirects: stripeapi.String("never")}
	}
	if params.Customer.ID != "" {
		p.Customer = stripeapi.String(params.Customer.ID)
	} else {
		p.ReceiptEmail = stripeapi.String(params.Customer.Email)
	}
	if params.CaptureMethod == paykit.CaptureManual {
		p.CaptureMethod = stripeapi.String("manual")
	}
	opts.apply(p)
	pi, err := a.api.PaymentIntents.New(p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wirePaymentIntent(pi).paymentOut(), nil
}

// savedMethod returns the payment method the customer pays with by default,
// or "" when there is none.
func (a *provider) savedMethod(ctx context.Context, customerID string) (string, error) {
	c, err := a.api.Customers.Get(customerID, &stripeapi.CustomerParams{Params: stripeapi.Params{Context: ctx}})
	if err != nil {
		err := a.mapErr(err)
		if pe, ok := paykit.AsError(err); ok && pe.Code == paykit.CodeNotFound {
			pe.Param = "customer"
		}
		return "", err
	}
	switch {
	case c.Deleted:
		e := paykit.NotFoundError("customer", customerID)
		e.Param = "customer"
		return "", e
	case c.InvoiceSettings != nil && c.InvoiceSettings.DefaultPaymentMethod != nil:
		return c.InvoiceSettings.DefaultPaymentMethod.ID, nil
	case c.DefaultSource != nil:
		return c.DefaultSource.ID, nil
	}
	return "", nil
}

func (a *provider) paymentCheckout(base stripeapi.Params, params *paykit.CreatePaymentParams, opts *PaymentOptions, amount int64, md map[string]string) (*paykit.Payment, error) {
	if opts.SuccessURL == "" {
		return nil, paykit.ValidationError("provider_metadata.success_url", "the customer has no saved payment method, so the payment goes through a Stripe Checkout page: set stripe.PaymentOptions.SuccessURL or the provider's stripe.WithReturnURLs")
	}
	price := &stripeapi.CheckoutSessionLineItemPriceDataParams{Currency: currencyIn(params.Currency), UnitAmount: stripeapi.Int64(amount)}
	if isProduct(params.ItemID) {
		price.Product = stripeapi.String(params.ItemID)
	} else {
		name := opts.Description
		if name == "" {
			name = "Payment"
		}
		price.ProductData = &stripeapi.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripeapi.String(name)}
	}
	intent := &stripeapi.CheckoutSessionPaymentIntentDataParams{Metadata: md}
	if params.CaptureMethod == paykit.CaptureManual {
		intent.CaptureMethod = stripeapi.String("manual")
	}
	opts.applyIntent(&intent.Description, &intent.ReceiptEmail, &intent.StatementDescriptorSuffix)
	p := &stripeapi.CheckoutSessionParams{
		Params:            base,
		Mode:              stripeapi.String(string(stripeapi.CheckoutSessionModePayment)),
		LineItems:         []*stripeapi.CheckoutSessionLineItemParams{{PriceData: price, Quantity: stripeapi.Int64(1)}},
		SuccessURL:        stripeapi.String(opts.SuccessURL),
		Metadata:          md,
		PaymentIntentData: intent,
	}
	if opts.CancelURL != "" {
		p.CancelURL = stripeapi.String(opts.CancelURL)
	}
	setSessionPayee(p, params.Customer)
	s, err := a.api.CheckoutSessions.New(p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wireSession(s).sessionPaymentOut(), nil
}

// expandCharge makes Stripe return a PaymentIntent's latest charge, which
// holds the amount refunded.
var expandCharge = []*string{stripeapi.String("latest_charge")}

// expandIntent makes a session or a charge come back with its PaymentIntent
// and that intent's latest charge.
var expandIntent = []*string{stripeapi.String("payment_intent"), stripeapi.String("payment_intent.latest_charge")}

// RetrievePayment returns a PaymentIntent (pi_...) or the payment of a
// Checkout Session (cs_...), by the id it was created with, or that of a
// charge (ch_..., py_...), the id a refund of a charge names: its
// PaymentIntent's when it has one, under the charge's id.
func (a *provider) RetrievePayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	switch {
	case isSession(id):
		s, err := a.api.CheckoutSessions.Get(id, &stripeapi.CheckoutSessionParams{Params: base, Expand: expandIntent})
		if err != nil {
			return nil, a.mapErr(err)
		}
		return wireSession(s).sessionPaymentOut(), nil
	case isCharge(id):
		ch, err := a.api.Charges.Get(id, &stripeapi.ChargeParams{Params: base, Expand: expandIntent})
		if err != nil {
			return nil, a.mapErr(err)
		}
		return wireCharge(ch).chargePaymentOut(), nil
	}
	pi, err := a.api.PaymentIntents.Get(id, &stripeapi.PaymentIntentParams{Params: base, Expand: expandCharge})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return wirePaymentIntent(pi).paymentOut(), nil
}

// UpdatePayment changes the metadata (and PaymentOptions' description and
// receipt email) of a payment. A checkout payment not yet paid has only its
// session's metadata changed.
func (a *provider) UpdatePayment(ctx context.Context, id string, params *paykit.UpdatePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	if err := paykit.RequireParams(params); err != nil {
		return nil, err
	}
	opts, err := providerkit.OptionsOf[PaymentOptions](params.ProviderMetadata)
	if err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	if isCharge(id) {
		// A charge's metadata is not the payment's: update its
		// PaymentIntent.
		return nil, target{charge: id}.noIntent(id, "id")
	}
	var s *stripeapi.CheckoutSession
	intentID := id
	if isSession(id) {
		if s, err = a.api.CheckoutSessions.Get(id, &stripeapi.CheckoutSessionParams{Params: stripeapi.Params{Context: ctx}, Expand: expandIntent}); err != nil {
			return nil, a.mapErr(err)
		}
		if s.PaymentIntent == nil {
			s, err := a.api.CheckoutSessions.Update(id, &stripeapi.CheckoutSessionParams{Params: base, Metadata: params.Metadata})
			if err != nil {
				return nil, a.mapErr(err)
			}
			return wireSession(s).sessionPaymentOut(), nil
		}
		intentID = s.PaymentIntent.ID
	}
	p := &stripeapi.PaymentIntentParams{Params: base, Metadata: params.Metadata, Expand: expandCharge}
	opts.apply(p)
	pi, err := a.api.PaymentIntents.Update(intentID, p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return asAsked(id, s, pi), nil
}

// asAsked maps pi as the payment named id: a checkout payment keeps its
// session's id.
func asAsked(id string, s *stripeapi.CheckoutSession, pi *stripeapi.PaymentIntent) *paykit.Payment {
	if s == nil {
		return wirePaymentIntent(pi).paymentOut()
	}
	s.PaymentIntent = pi
	return wireSession(s).sessionPaymentOut()
}

// CapturePayment captures an authorized payment, partially when Amount is
// set (Stripe's amount_to_capture).
func (a *provider) CapturePayment(ctx context.Context, id string, params *paykit.CapturePaymentParams, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	partial := params != nil && params.Amount > 0
	t, err := a.resolve(ctx, id, partial)
	if err != nil {
		return nil, err
	}
	if t.intent == "" {
		return nil, t.noIntent(id, "id")
	}
	p := &stripeapi.PaymentIntentCaptureParams{Params: base, Expand: expandCharge}
	if partial {
		amount, err := amountToStripe("amount", params.Amount, t.currency)
		if err != nil {
			return nil, err
		}
		p.AmountToCapture = stripeapi.Int64(amount)
	}
	pi, err := a.api.PaymentIntents.Capture(t.intent, p)
	if err != nil {
		return nil, a.mapErr(err)
	}
	return asAsked(id, t.session, pi), nil
}

// CancelPayment cancels a PaymentIntent. A checkout payment whose session
// is still open (the payer may have made an attempt, and so have a
// PaymentIntent, which Stripe refuses to cancel) is cancelled by expiring
// the session; that of a complete session, such as an authorization not yet
// captured, by cancelling its PaymentIntent.
func (a *provider) CancelPayment(ctx context.Context, id string, ro *paykit.RequestOptions) (*paykit.Payment, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, err
	}
	base, err := a.params(ctx, ro)
	if err != nil {
		return nil, err
	}
	t, err := a.resolve(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if t.intent == "" && t.session == nil {
		return nil, t.noIntent(id, "id")
	}
	if s := t.session; s != nil && s.Status == stripeapi.CheckoutSessionStatusOpen && s.PaymentIntent != nil {
		switch s.PaymentIntent.Status {
		case stripeapi.PaymentIntentStatusSucceeded, stripeapi.PaymentIntentStatusProcessing, stripeapi.PaymentIntentStatusRequiresCapture:
			// The payer has just paid and Stripe is completing the
			// session: expiring it now would report as canceled a
			// payment that went through.
			return nil, &paykit.Error{Code: paykit.CodeInvalidState, Provider: Name, Param: "id",
				Message: "the payer has just paid checkout session " + id + " (its payment is " + string(s.PaymentIntent.Status) + "): retrieve the payment, then cancel or refund it"}
		}
	}
	if t.session != nil && (t.intent == "" || t.session.Status == stripeapi.CheckoutSessionStatusOpen) {
		s, err := a.api.CheckoutSessions.Expire(id, &stripeapi.CheckoutSessionExpireParams{Params: base})
		if err != nil {
			return nil, a.mapErr(err)
		}
		p := wireSession(s).sessionPaymentOut()
		p.ID = id
		return p, nil
	}
	pi, err := a.api.PaymentIntents.Cancel(t.intent, &stripeapi.PaymentIntentCancelParams{Params: base, Expand: expandCharge})
	if err != nil {
		return nil, a.mapErr(err)
	}
	return asAsked(id, t.session, pi), nil
}

// ListPayments returns one page of PaymentIntents, newest first.
func (a *provider) ListPayments(ctx context.Context, params *paykit.ListPaymentsParams, _ *paykit.RequestOptions) (*paykit.Page[paykit.Payment], error) {
	if params == nil {
		params = &paykit.ListPaymentsParams{}
	}
	lp, err := a.listParams(ctx, params.ListParams)
	if err != nil {
		return nil, err
	}
	p := &stripeapi.PaymentIntentListParams{ListParams: lp, Expand: []*string{stripeapi.String("data.latest_charge")}}
	if params.CustomerID != "" {
		p.Customer = stripeapi.String(params.CustomerID)
	}
	return page(a, a.api.PaymentIntents.List(p).Iter, intentID, mapped(wirePaymentIntent, (*wireObject).paymentOut))
}

func intentID(pi *stripeapi.PaymentIntent) string { return pi.ID }

// target is the Stripe object behind a payment id.
type target struct {
	// intent or charge is the id to act on.
	intent, charge string
	// currency is set when it was asked for.
	currency string
	// session is the Checkout Session of a cs_ id.
	session *stripeapi.CheckoutSession
}

// resolve finds what a payment id names: a PaymentIntent, a charge (ch_,
// py_) or the PaymentIntent of a Checkout Session (cs_), which a session
// not yet paid does not have.
func (a *provider) resolve(ctx context.Context, id string, needCurrency bool) (target, error) {
	read := stripeapi.Params{Context: ctx}
	switch {
	case isSession(id):
		s, err := a.api.CheckoutSessions.Get(id, &stripeapi.CheckoutSessionParams{Params: read, Expand: expandIntent})
		if err != nil {
			return target{}, a.mapErr(err)
		}
		t := target{session: s, currency: string(s.Currency)}
		if s.PaymentIntent != nil {
			t.intent = s.PaymentIntent.ID
		}
		return t, nil
	case isCharge(id):
		t := target{charge: id}
		if needCurrency {
			ch, err := a.api.Charges.Get(id, &stripeapi.ChargeParams{Params: read})
			if err != nil {
				return target{}, a.mapErr(err)
			}
			t.currency = string(ch.Currency)
		}
		return t, nil
	}
	t := target{intent: id}
	if needCurrency {
		pi, err := a.api.PaymentIntents.Get(id, &stripeapi.PaymentIntentParams{Params: read})
		if err != nil {
			return target{}, a.mapErr(err)
		}
		t.currency = string(pi.Currency)
	}
	return t, nil
}

// noIntent is the error of an operation that needs a PaymentIntent on a
// payment id that has none.
func (t target) noIntent(id, param string) error {
	if t.session != nil {
		return &paykit.Error{Code: paykit.CodeInvalidState, Param: param, Message: "checkout session " + id + " has no payment yet"}
	}
	return paykit.ValidationError(param, "this operation needs a PaymentIntent (pi_) or Checkout Session (cs_) id")
}

// wirePaymentIntent is the wire form of a PaymentIntent stripe-go
// decoded, which stays its Raw.
func wirePaymentIntent(pi *stripeapi.PaymentIntent) *wireObject {
	md, in := metadataIn(pi.Metadata)
	o := &wireObject{
		native: pi, id: pi.ID, created: pi.Created, metadata: md, internal: in,
		currency: currencyOut(pi.Currency), amount: pi.Amount, amountReceived: pi.AmountReceived,
		status: string(pi.Status), captureMethod: string(pi.CaptureMethod),
		receiptEmail: pi.ReceiptEmail, redirectURL: redirectURL(pi),
	}
	if pi.Customer != nil {
		o.customer = pi.Customer.ID
	}
	if e := pi.LastPaymentError; e != nil {
		o.attemptFailed = true
		o.failureCode = failureCode(e.DeclineCode, e.Code)
	}
	if ch := pi.LatestCharge; ch != nil {
		// Expanded, it holds what was refunded.
		o.amountRefunded = ch.AmountRefunded
	}
	return o
}

// wireCharge is the wire form of a charge stripe-go decoded, which stays
// its Raw.
func wireCharge(ch *stripeapi.Charge) *wireObject {
	md, in := metadataIn(ch.Metadata)
	o := &wireObject{
		native: ch, id: ch.ID, created: ch.Created, metadata: md, internal: in,
		currency: currencyOut(ch.Currency), amount: ch.Amount,
		amountCaptured: ch.AmountCaptured, amountRefunded: ch.AmountRefunded,
		status: string(ch.Status), failureCode: ch.FailureCode, receiptEmail: ch.ReceiptEmail,
		uncaptured: !ch.Captured,
	}
	if ch.Customer != nil {
		o.customer = ch.Customer.ID
	}
	o.setIntent(ch.PaymentIntent)
	return o
}

// setIntent sets the PaymentIntent of a session or a charge: its id, and
// its wire form when the answer expanded it.
func (o *wireObject) setIntent(pi *stripeapi.PaymentIntent) {
	if pi == nil {
		return
	}
	o.paymentIntent = pi.ID
	if pi.Status != "" {
		o.intent = wirePaymentIntent(pi)
	}
}

// redirectURL is where a PaymentIntent that requires action sends the
// payer, when it is a redirect.
func redirectURL(pi *stripeapi.PaymentIntent) string {
	if pi == nil || pi.NextAction == nil || pi.NextAction.RedirectToURL == nil {
		return ""
	}
	return pi.NextAction.RedirectToURL.URL
}

// paymentOut maps a PaymentIntent, from an API answer or a webhook.
func (o *wireObject) paymentOut() *paykit.Payment {
	p := &paykit.Payment{
		ID:             o.id,
		Amount:         amountFromStripe(o.amount, o.currency),
		Currency:       o.currency,
		Customer:       payee(o.customer, o.receiptEmail),
		Status:         paymentStatus(o.status, o.attemptFailed),
		Metadata:       o.metadata,
		ItemID:         o.internal.ItemID,
		PaymentURL:     o.redirectURL,
		AmountCaptured: amountFromStripe(o.amountReceived, o.currency),
		AmountRefunded: amountFromStripe(o.amountRefunded, o.currency),
		CaptureMethod:  captureMethod(o.captureMethod),
		FailureCode:    o.failureCode,
		CreatedAt:      unixTime(o.created),
		Raw:            o.rawOut(),
	}
	p.RequiresAction = p.Status == paykit.PaymentRequiresAction
	return p
}

// chargePaymentOut maps the payment of a charge, under the charge's id:
// its PaymentIntent's, when the answer expanded it, else the charge's own.
// charge.refunded reports it under the PaymentIntent's id.
func (o *wireObject) chargePaymentOut() *paykit.Payment {
	if o.intent != nil {
		p := o.intent.paymentOut()
		p.ID, p.Raw = o.id, o.rawOut()
		return p
	}
	p := &paykit.Payment{
		ID:             o.id,
		Amount:         amountFromStripe(o.amount, o.currency),
		Currency:       o.currency,
		Customer:       payee(o.customer, o.receiptEmail),
		Status:         chargeStatus(o.status),
		Metadata:       o.metadata,
		ItemID:         o.internal.ItemID,
		AmountCaptured: amountFromStripe(o.amountCaptured, o.currency),
		AmountRefunded: amountFromStripe(o.amountRefunded, o.currency),
		CaptureMethod:  paykit.CaptureAutomatic,
		FailureCode:    o.failureCode,
		CreatedAt:      unixTime(o.created),
		Raw:            o.rawOut(),
	}
	if p.Status == paykit.PaymentSucceeded && o.uncaptured {
		// Authorized, to be captured.
		p.Status, p.CaptureMethod = paykit.PaymentRequiresCapture, paykit.CaptureManual
	}
	return p
}

// sessionPaymentOut maps the payment of a Checkout Session in payment mode,
// under the session's id: its PaymentIntent's state when the answer
// expanded it, else the session's. Stripe creates the PaymentIntent when
// the payer first submits the page; while the session is open, a declined
// attempt or a 3-D Secure challenge is the payer's to handle on that page,
// so the payment requires action there (keeping the decline's
// FailureCode), unless the PaymentIntent already went through.
func (o *wireObject) sessionPaymentOut() *paykit.Payment {
	if o.intent != nil {
		p := o.intent.paymentOut()
		p.ID, p.Raw = o.id, o.rawOut()
		if o.status == string(stripeapi.CheckoutSessionStatusOpen) {
			switch p.Status {
			case paykit.PaymentPending, paykit.PaymentFailed, paykit.PaymentRequiresAction:
				p.Status, p.RequiresAction, p.PaymentURL = paykit.PaymentRequiresAction, true, o.url
			}
		}
		return p
	}
	p := &paykit.Payment{
		ID:        o.id,
		Amount:    amountFromStripe(o.amountTotal, o.currency),
		Currency:  o.currency,
		Customer:  o.sessionPayee(),
		Status:    sessionPaymentStatus(o.status, o.paymentStatus),
		Metadata:  o.metadata,
		ItemID:    o.internal.ItemID,
		CreatedAt: unixTime(o.created),
		Raw:       o.rawOut(),
	}
	if p.Status == paykit.PaymentRequiresAction {
		p.RequiresAction, p.PaymentURL = true, o.url
	}
	return p
}
