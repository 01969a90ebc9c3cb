package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/stripe/stripe-go/v79/webhook"
	"github.com/tidwall/gjson"
)

// ParseWebhook verifies a delivery's Stripe-Signature header with
// stripe-go's webhook package (any of several v1 signatures may match, as
// during a secret rotation; the timestamp must be within the tolerance) and
// maps the event to unified events. It needs the signing secret only, not
// a valid API key. The event's API version is not checked:
// only the fields paykit maps are read, straight from the verified body.
//
// A checkout.session.completed gives checkout.completed (under the native
// event's id) and, in payment mode, the session's payment (payment.updated,
// payment id of the session) and, once paid, invoice.generated; these have
// ids derived from the event's. checkout.session.async_payment_failed is a
// failed payment.updated. An invoice.generated event's id is derived
// from the invoice's, so the invoice.paid and checkout.session.completed
// of one first subscription invoice are handled once. Native events
// without a mapping come back as one EventUnknown event. The Raw field of
// an event's resource is the native object's JSON (json.RawMessage).
func (a *provider) ParseWebhook(_ context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	switch {
	case a.optErr != nil:
		return nil, a.optErr
	case req == nil:
		return nil, paykit.ValidationError("request", "webhook request is nil")
	case secret == "":
		return nil, providerkit.ConfigError(Name, "secret", "the webhook signing secret is empty")
	}
	if err := webhook.ValidatePayloadWithTolerance(req.Body, signatureHeader(req.Header), secret, a.tolerance); err != nil {
		return nil, signatureError(err)
	}
	// The body is authentic: it is read without a validation pass first
	// (a fifth of the time), but it must look like an event.
	var e wireEvent
	if !e.decode(req.Body) {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "the signed webhook body is not a Stripe event (no id and type)"}
	}
	return e.unified(), nil
}

// signatureHeader returns the Stripe-Signature header, also when h was
// built by hand with a key in another case (as some serverless platforms
// pass headers).
func signatureHeader(h http.Header) string {
	if v := h.Get("Stripe-Signature"); v != "" {
		return v
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, "Stripe-Signature") {
			return v[0]
		}
	}
	return ""
}

func signatureError(err error) error {
	msg := "no signature in the Stripe-Signature header matches the body: wrong secret, or the body was altered"
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		msg = "the delivery has no Stripe-Signature header"
	case errors.Is(err, webhook.ErrInvalidHeader):
		msg = "the Stripe-Signature header is malformed"
	case errors.Is(err, webhook.ErrTooOld):
		msg = "the signature's timestamp is older than the tolerance (a replayed delivery?)"
	}
	return &paykit.Error{Code: paykit.CodeWebhookSignature, Provider: Name, Op: paykit.OpWebhooksHandle, Message: msg, Err: err}
}

// wireEvent is what paykit reads of a Stripe event: a small purpose-built
// struct filled by walking the body with gjson, instead of stripe-go's
// stripe.Event whose data.object is decoded into a map and then again.
type wireEvent struct {
	body    []byte
	id, typ string
	created int64
	obj     wireObject
}

// wireObject holds the fields of every object type paykit maps (customer,
// checkout session, subscription, payment intent, charge, refund, invoice).
//
// Webhooks come in the API version of the account or endpoint, not the one
// stripe-go pins (2024-06-20), so decode reads the fields that moved in
// 2025-03-31.basil at their new places too: an invoice's subscription
// (parent.subscription_details.subscription) and PaymentIntent (the paid
// entry of payments, when the list is included), an invoice line's price
// (pricing.price_details.price) and a subscription's period (on its
// items). The charge, refund, PaymentIntent, customer and checkout session
// fields paykit reads did not move.
type wireObject struct {
	raw      json.RawMessage
	id       string
	created  int64
	metadata map[string]string
	internal internal

	email, name, phone                              string
	currency                                        string
	amount, amountTotal, amountPaid, amountReceived int64
	amountCaptured, amountRefunded                  int64
	status, paymentStatus, mode, reason             string
	captureMethod, failureCode                      string
	attemptFailed, cancelAtPeriodEnd                bool
	deleted                                         bool
	customer, customerEmail, detailsEmail           string
	receiptEmail                                    string
	paymentIntent, charge, subscription, invoice    string
	url, successURL, cancelURL, redirectURL         string
	expiresAt, canceledAt, periodStart, periodEnd   int64
	paidAt                                          int64
	items                                           []wireItem
	// itemPeriodStart and itemPeriodEnd are the first subscription
	// item's period, where API versions since 2025-03-31.basil put it.
	itemPeriodStart, itemPeriodEnd int64
}

// wireItem is a subscription item or an invoice line.
type wireItem struct {
	price, product, interval string
	unitAmount, quantity     int64
	intervalCount            int
}

// decode reads body and reports whether it is an event: a JSON object
// with an id and a type.
func (e *wireEvent) decode(body []byte) bool {
	e.body = body
	top := gjson.Parse(string(body))
	if !top.IsObject() {
		return false
	}
	top.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "id":
			if v.Type == gjson.String {
				e.id = v.Str
			}
		case "type":
			if v.Type == gjson.String {
				e.typ = v.Str
			}
		case "created":
			e.created = v.Int()
		case "data":
			obj := v.Get("object")
			e.obj.raw = rawBytes(body, obj)
			e.obj.decode(obj)
		}
		return true
	})
	return e.id != "" && e.typ != ""
}

// rawBytes returns the bytes of r within body, without copying when gjson
// knows where r is.
func rawBytes(body []byte, r gjson.Result) json.RawMessage {
	if r.Raw == "" {
		return nil
	}
	if i := r.Index; i > 0 && i+len(r.Raw) <= len(body) && string(body[i:i+len(r.Raw)]) == r.Raw {
		return body[i : i+len(r.Raw) : i+len(r.Raw)]
	}
	return json.RawMessage(r.Raw)
}

// idOf reads an expandable field: an id, or an object with one.
func idOf(v gjson.Result) string {
	if v.IsObject() {
		return v.Get("id").String()
	}
	return v.String()
}

func (o *wireObject) decode(obj gjson.Result) {
	obj.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "id":
			o.id = v.String()
		case "created":
			o.created = v.Int()
		case "metadata":
			v.ForEach(func(k, v gjson.Result) bool {
				if o.metadata == nil {
					o.metadata = make(map[string]string, 4)
				}
				o.metadata[k.String()] = v.String()
				return true
			})
			o.metadata, o.internal = metadataIn(o.metadata)
		case "email":
			o.email = v.String()
		case "name":
			o.name = v.String()
		case "phone":
			o.phone = v.String()
		case "currency":
			o.currency = currencyOut(v.String())
		case "amount":
			o.amount = v.Int()
		case "amount_total":
			o.amountTotal = v.Int()
		case "amount_paid":
			o.amountPaid = v.Int()
		case "amount_received":
			o.amountReceived = v.Int()
		case "amount_captured":
			o.amountCaptured = v.Int()
		case "amount_refunded":
			o.amountRefunded = v.Int()
		case "latest_charge":
			// A PaymentIntent's charge, when expanded, holds what
			// was refunded (a PaymentIntent has no amount_refunded).
			if v.IsObject() {
				o.amountRefunded = v.Get("amount_refunded").Int()
			}
		case "status":
			o.status = v.String()
		case "payment_status":
			o.paymentStatus = v.String()
		case "mode":
			o.mode = v.String()
		case "reason":
			o.reason = v.String()
		case "capture_method":
			o.captureMethod = v.String()
		case "failure_code":
			o.failureCode = v.String()
		case "last_payment_error":
			if v.IsObject() {
				o.attemptFailed = true
				o.failureCode = failureCode(v.Get("decline_code").String(), v.Get("code").String())
			}
		case "cancel_at_period_end":
			o.cancelAtPeriodEnd = v.Bool()
		case "deleted":
			o.deleted = v.Bool()
		case "customer":
			o.customer = idOf(v)
		case "customer_email":
			o.customerEmail = v.String()
		case "customer_details":
			o.detailsEmail = v.Get("email").String()
		case "receipt_email":
			o.receiptEmail = v.String()
		case "payment_intent":
			if id := idOf(v); id != "" {
				o.paymentIntent = id
			}
		case "payments":
			if o.paymentIntent == "" {
				o.paymentIntent = invoicePaymentIntent(v)
			}
		case "charge":
			o.charge = idOf(v)
		case "subscription":
			if id := idOf(v); id != "" {
				o.subscription = id
			}
		case "parent":
			if o.subscription == "" {
				o.subscription = idOf(v.Get("subscription_details.subscription"))
			}
		case "invoice":
			o.invoice = idOf(v)
		case "url":
			o.url = v.String()
		case "success_url":
			o.successURL = v.String()
		case "cancel_url":
			o.cancelURL = v.String()
		case "next_action":
			o.redirectURL = v.Get("redirect_to_url.url").String()
		case "expires_at":
			o.expiresAt = v.Int()
		case "canceled_at":
			o.canceledAt = v.Int()
		case "current_period_start":
			o.periodStart = v.Int()
		case "current_period_end":
			o.periodEnd = v.Int()
		case "status_transitions":
			o.paidAt = v.Get("paid_at").Int()
		case "items", "lines":
			v.Get("data").ForEach(func(_, it gjson.Result) bool {
				price := it.Get("price")
				item := wireItem{
					price:         price.Get("id").String(),
					product:       idOf(price.Get("product")),
					interval:      price.Get("recurring.interval").String(),
					intervalCount: int(price.Get("recurring.interval_count").Int()),
					unitAmount:    price.Get("unit_amount").Int(),
					quantity:      it.Get("quantity").Int(),
				}
				if item.price == "" {
					item.price = idOf(it.Get("pricing.price_details.price"))
				}
				if len(o.items) == 0 {
					o.itemPeriodStart = it.Get("current_period_start").Int()
					o.itemPeriodEnd = it.Get("current_period_end").Int()
				}
				o.items = append(o.items, item)
				return true
			})
		}
		return true
	})
}

// invoicePaymentIntent returns the PaymentIntent of an invoice's payments
// list (2025-03-31.basil): the paid one, else the first.
func invoicePaymentIntent(payments gjson.Result) string {
	var first, paid string
	payments.Get("data").ForEach(func(_, p gjson.Result) bool {
		id := idOf(p.Get("payment.payment_intent"))
		if first == "" {
			first = id
		}
		if id != "" && p.Get("status").String() == "paid" {
			paid = id
			return false
		}
		return true
	})
	if paid != "" {
		return paid
	}
	return first
}

// mapping is one unified event a native event becomes: its type, and its
// resource read from the event's object. data returns nil when the event
// does not apply to this object (a session's payment outside payment
// mode, say); orElse marks a mapping that applies only when none before it
// gave an event.
type mapping struct {
	typ    paykit.EventType
	data   func(*wireEvent) any
	orElse bool
}

// The resource of each mapping: each resource has one mapper (its Out
// method, in the resource's file), which the API calls use too.
var (
	customerData        = func(e *wireEvent) any { return e.obj.customerOut() }
	updatedCustomerData = func(e *wireEvent) any {
		// Stripe keeps no update time: the event's is the update's.
		c := e.obj.customerOut()
		c.UpdatedAt = unixTimePtr(e.created)
		return c
	}
	checkoutData      = func(e *wireEvent) any { return e.obj.checkoutOut() }
	subscriptionData  = func(e *wireEvent) any { return e.obj.subscriptionOut() }
	paymentData       = func(e *wireEvent) any { return e.obj.paymentOut() }
	chargePaymentData = func(e *wireEvent) any {
		// The payment a refunded charge belongs to, under its
		// PaymentIntent's id (the charge's for a bare charge).
		p := e.obj.chargePaymentOut()
		if e.obj.paymentIntent != "" {
			p.ID = e.obj.paymentIntent
		}
		return p
	}
	refundData  = func(e *wireEvent) any { return e.obj.refundOut() }
	invoiceData = func(e *wireEvent) any { return e.obj.invoiceOut() }
	// sessionPaymentData is the payment of a session in payment mode.
	sessionPaymentData = func(e *wireEvent) any {
		if e.obj.mode != "payment" {
			return nil
		}
		return e.obj.sessionPaymentOut()
	}
	failedSessionPaymentData = func(e *wireEvent) any {
		p := e.obj.sessionPaymentOut()
		p.Status, p.RequiresAction, p.PaymentURL = paykit.PaymentFailed, false, ""
		return p
	}
	// sessionInvoiceData is the invoice of a paid session (not in setup
	// mode, which pays nothing).
	sessionInvoiceData = func(e *wireEvent) any {
		if e.obj.paymentStatus == "unpaid" || e.obj.mode == "setup" {
			return nil
		}
		return e.obj.sessionInvoiceOut(e.created)
	}
)

// webhookEvents maps Stripe's event types to unified events. The first
// event of a delivery has the native event's id, later ones ids derived
// from it ("<event id>:<type>"); an invoice.generated always has an id
// derived from the invoice's ("invoice.generated:in_..."), so that the
// invoice.paid and checkout.session.completed of one first subscription
// invoice are handled once. Every other verified event is one
// EventUnknown.
var webhookEvents = map[string][]mapping{
	"customer.created": {{typ: paykit.EventCustomerCreated, data: customerData}},
	"customer.updated": {{typ: paykit.EventCustomerUpdated, data: updatedCustomerData}},
	"customer.deleted": {{typ: paykit.EventCustomerDeleted, data: customerData}},

	// A completed session gives the checkout and, in payment mode, its
	// payment and, once paid, its invoice; a delayed payment's outcome
	// gives the payment and the invoice, or a failed payment in any mode.
	"checkout.session.completed": {
		{typ: paykit.EventCheckoutCompleted, data: checkoutData},
		{typ: paykit.EventPaymentUpdated, data: sessionPaymentData},
		{typ: paykit.EventInvoiceGenerated, data: sessionInvoiceData},
	},
	"checkout.session.async_payment_succeeded": {
		{typ: paykit.EventPaymentUpdated, data: sessionPaymentData},
		{typ: paykit.EventInvoiceGenerated, data: sessionInvoiceData},
		// In setup mode, which Stripe does not send this for.
		{typ: paykit.EventCheckoutCompleted, data: checkoutData, orElse: true},
	},
	"checkout.session.async_payment_failed": {{typ: paykit.EventPaymentUpdated, data: failedSessionPaymentData}},
	"checkout.session.expired":              {{typ: paykit.EventCheckoutExpired, data: checkoutData}},

	"customer.subscription.created":                {{typ: paykit.EventSubscriptionCreated, data: subscriptionData}},
	"customer.subscription.updated":                {{typ: paykit.EventSubscriptionUpdated, data: subscriptionData}},
	"customer.subscription.paused":                 {{typ: paykit.EventSubscriptionUpdated, data: subscriptionData}},
	"customer.subscription.resumed":                {{typ: paykit.EventSubscriptionUpdated, data: subscriptionData}},
	"customer.subscription.pending_update_applied": {{typ: paykit.EventSubscriptionUpdated, data: subscriptionData}},
	"customer.subscription.pending_update_expired": {{typ: paykit.EventSubscriptionUpdated, data: subscriptionData}},
	"customer.subscription.deleted":                {{typ: paykit.EventSubscriptionCanceled, data: subscriptionData}},

	"payment_intent.created":                   {{typ: paykit.EventPaymentCreated, data: paymentData}},
	"payment_intent.processing":                {{typ: paykit.EventPaymentUpdated, data: paymentData}},
	"payment_intent.requires_action":           {{typ: paykit.EventPaymentUpdated, data: paymentData}},
	"payment_intent.amount_capturable_updated": {{typ: paykit.EventPaymentUpdated, data: paymentData}},
	"payment_intent.partially_funded":          {{typ: paykit.EventPaymentUpdated, data: paymentData}},
	"payment_intent.succeeded":                 {{typ: paykit.EventPaymentUpdated, data: paymentData}},
	"payment_intent.payment_failed":            {{typ: paykit.EventPaymentUpdated, data: paymentData}},
	"payment_intent.canceled":                  {{typ: paykit.EventPaymentCanceled, data: paymentData}},
	"charge.refunded":                          {{typ: paykit.EventPaymentUpdated, data: chargePaymentData}},

	"refund.created":        {{typ: paykit.EventRefundCreated, data: refundData}},
	"refund.updated":        {{typ: paykit.EventRefundUpdated, data: refundData}},
	"refund.failed":         {{typ: paykit.EventRefundUpdated, data: refundData}},
	"charge.refund.updated": {{typ: paykit.EventRefundUpdated, data: refundData}},

	"invoice.paid":                 {{typ: paykit.EventInvoiceGenerated, data: invoiceData}},
	"invoice.payment_failed":       {{typ: paykit.EventInvoiceUpdated, data: invoiceData}},
	"invoice.finalized":            {{typ: paykit.EventInvoiceUpdated, data: invoiceData}},
	"invoice.voided":               {{typ: paykit.EventInvoiceUpdated, data: invoiceData}},
	"invoice.marked_uncollectible": {{typ: paykit.EventInvoiceUpdated, data: invoiceData}},
}

// MappedEvents returns the Stripe event types that map to unified events,
// sorted. Subscribe your endpoint to these; every other event arrives as
// one EventUnknown.
func MappedEvents() []string {
	return slices.Sorted(maps.Keys(webhookEvents))
}

// unified maps the event to paykit events through webhookEvents.
func (e *wireEvent) unified() []*paykit.Event {
	mappings, known := webhookEvents[e.typ]
	if !known {
		raw := e.obj.raw
		if !json.Valid(raw) {
			// Unknown events hand the native object over as it is:
			// it must be JSON.
			raw = json.RawMessage("null")
		}
		return []*paykit.Event{e.event(e.id, paykit.EventUnknown, raw)}
	}
	events := make([]*paykit.Event, 0, len(mappings))
	for _, m := range mappings {
		if m.orElse && len(events) > 0 {
			continue
		}
		data := m.data(e)
		if data == nil {
			continue
		}
		id := e.id
		switch {
		case m.typ == paykit.EventInvoiceGenerated:
			id = invoiceGeneratedID(e.id, data.(*paykit.Invoice).ID)
		case len(events) > 0:
			id += ":" + string(m.typ)
		}
		if len(events) > 0 {
			// The resources of one object share its metadata map.
			cloneMetadata(data)
		}
		events = append(events, e.event(id, m.typ, data))
	}
	return events
}

func (e *wireEvent) event(id string, t paykit.EventType, data any) *paykit.Event {
	return &paykit.Event{ID: id, Type: t, Provider: Name, Created: unixTime(e.created), NativeType: e.typ, Data: data, Raw: e.body}
}

// invoiceGeneratedID is the id of the invoice.generated event of the
// invoice invoiceID, announced by the event eventID. It is derived from
// the invoice's id, so that the several native events announcing one paid
// invoice are de-duplicated as one.
func invoiceGeneratedID(eventID, invoiceID string) string {
	if len(invoiceID) > 3 && invoiceID[:3] == "in_" {
		return string(paykit.EventInvoiceGenerated) + ":" + invoiceID
	}
	return eventID + ":" + string(paykit.EventInvoiceGenerated)
}

// cloneMetadata gives the resource of a second event from one object a
// metadata map of its own.
func cloneMetadata(data any) {
	switch d := data.(type) {
	case *paykit.Checkout:
		d.Metadata = maps.Clone(d.Metadata)
	case *paykit.Payment:
		d.Metadata = maps.Clone(d.Metadata)
	case *paykit.Invoice:
		d.Metadata = maps.Clone(d.Metadata)
	}
}

func (o *wireObject) sessionPayee() paykit.Payee {
	if o.detailsEmail != "" {
		return payee(o.customer, o.detailsEmail)
	}
	return payee(o.customer, o.customerEmail)
}

func (o *wireObject) checkoutOut() *paykit.Checkout {
	return &paykit.Checkout{
		ID:             o.id,
		Customer:       o.sessionPayee(),
		PaymentURL:     o.url,
		Metadata:       o.metadata,
		SessionType:    sessionType(o.mode),
		Products:       products(o.internal),
		Currency:       o.currency,
		Amount:         amountFromStripe(o.amountTotal, o.currency),
		Status:         checkoutStatus(o.status),
		PaymentID:      o.paymentIntent,
		SubscriptionID: o.subscription,
		SuccessURL:     o.successURL,
		CancelURL:      o.cancelURL,
		CreatedAt:      unixTime(o.created),
		ExpiresAt:      unixTimePtr(o.expiresAt),
		Raw:            o.raw,
	}
}

func (o *wireObject) sessionPaymentOut() *paykit.Payment {
	p := &paykit.Payment{
		ID:        o.id,
		Amount:    amountFromStripe(o.amountTotal, o.currency),
		Currency:  o.currency,
		Customer:  o.sessionPayee(),
		Status:    sessionPaymentStatus(o.status, o.paymentStatus),
		Metadata:  o.metadata,
		ItemID:    o.internal.ItemID,
		CreatedAt: unixTime(o.created),
		Raw:       o.raw,
	}
	if p.Status == paykit.PaymentRequiresAction {
		p.RequiresAction, p.PaymentURL = true, o.url
	}
	return p
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
		Raw:            o.raw,
	}
}

func (o *wireObject) subscriptionOut() *paykit.Subscription {
	if o.periodStart == 0 && o.periodEnd == 0 {
		o.periodStart, o.periodEnd = o.itemPeriodStart, o.itemPeriodEnd
	}
	s := &paykit.Subscription{
		ID:                 o.id,
		Customer:           paykit.CustomerID(o.customer),
		Currency:           o.currency,
		Status:             subscriptionStatus(o.status),
		CurrentPeriodStart: unixTime(o.periodStart),
		CurrentPeriodEnd:   unixTime(o.periodEnd),
		Metadata:           o.metadata,
		RequiresAction:     o.status == "incomplete",
		CancelAtPeriodEnd:  o.cancelAtPeriodEnd,
		CanceledAt:         unixTimePtr(o.canceledAt),
		CreatedAt:          unixTime(o.created),
		Raw:                o.raw,
	}
	for i, it := range o.items {
		if i == 0 {
			s.ItemID, s.Quantity, s.BillingInterval = itemIDOut(o.internal.ItemID, it.price, it.product), it.quantity, interval(it.interval)
			s.BillingIntervalCount = it.intervalCount
		}
		s.Amount += amountFromStripe(it.unitAmount*it.quantity, o.currency)
	}
	return s
}

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
		Raw:            o.raw,
	}
	p.RequiresAction = p.Status == paykit.PaymentRequiresAction
	return p
}

// chargePaymentOut is the payment a charge belongs to, as charge.refunded
// reports it: its PaymentIntent's id, or the charge's for a bare charge.
func (o *wireObject) chargePaymentOut() *paykit.Payment {
	p := o.paymentOut()
	if o.paymentIntent != "" {
		p.ID = o.paymentIntent
	}
	p.Status = chargeStatus(o.status)
	p.RequiresAction = false
	p.AmountCaptured = amountFromStripe(o.amountCaptured, o.currency)
	p.AmountRefunded = amountFromStripe(o.amountRefunded, o.currency)
	return p
}

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
		Raw:       o.raw,
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
		Raw:            o.raw,
	}
	for _, it := range o.items {
		if it.price != "" {
			inv.LineItems = append(inv.LineItems, paykit.LineItem{ID: it.price, Quantity: it.quantity})
		}
	}
	return inv
}
