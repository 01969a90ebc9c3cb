package stripe

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/stripe/stripe-go/v79/webhook"
	"github.com/tidwall/gjson"
)

// ParseWebhook verifies a delivery's Stripe-Signature header with
// stripe-go's webhook package (any of several v1 signatures may match, as
// during a secret rotation; the timestamp must be within the tolerance of
// now, behind or ahead; the header's key may be in any case), refuses a
// body that is not valid JSON with a VALIDATION_ERROR, and maps the event
// to unified events. It needs the signing secret only, not a valid API
// key. The event's API version is not checked:
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
	header := providerkit.HeaderValue(req.Header, "Stripe-Signature")
	if err := webhook.ValidatePayloadWithTolerance(req.Body, header, secret, a.tolerance); err != nil {
		return nil, signatureError(err)
	}
	// stripe-go refuses a timestamp too far behind the clock only; one too
	// far ahead is a delivery signed to be replayed later.
	if ts, ok := signatureTimestamp(header); !ok || time.Until(ts) > a.tolerance {
		return nil, &paykit.Error{Code: paykit.CodeWebhookSignature, Provider: Name, Op: paykit.OpWebhooksHandle,
			Message: "the signature's timestamp is ahead of the clock by more than the tolerance"}
	}
	// The body is authentic, but gjson reads what it can of any bytes: a
	// body that is not JSON (a truncated object) must not become an event.
	// gjson.Valid allocates nothing and costs less than the decode.
	if !gjson.ValidBytes(req.Body) {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "the signed webhook body is not valid JSON"}
	}
	var e wireEvent
	if !e.decode(req.Body) {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "the signed webhook body is not a Stripe event (no id and type)"}
	}
	return e.unified(), nil
}

// signatureTimestamp returns the time of a Stripe-Signature header as
// stripe-go reads it: the last t= entry.
func signatureTimestamp(header string) (time.Time, bool) {
	var ts time.Time
	ok := false
	for _, pair := range strings.Split(header, ",") {
		if v, found := strings.CutPrefix(pair, "t="); found {
			sec, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			ts, ok = time.Unix(sec, 0), true
		}
	}
	return ts, ok
}

// mapping is one unified event a native event becomes: its type, and the
// resource it carries, read from the event's object. A resource may not
// apply to the object (a session's payment outside payment mode, say);
// orElse marks a mapping that applies only when none before it gave an
// event.
type mapping struct {
	typ    paykit.EventType
	data   resource
	orElse bool
}

// resource names what an event carries: each is read by its resource's
// one mapper (its Out method, in the resource's file), which the API calls
// use too. It is a name rather than a function so that the event, read on
// the stack, stays there.
type resource uint8

const (
	customerData resource = iota + 1
	// updatedCustomerData is the customer with the event's time as its
	// update time, which Stripe does not keep.
	updatedCustomerData
	checkoutData
	subscriptionData
	paymentData
	// chargePaymentData is the payment a refunded charge belongs to,
	// under its PaymentIntent's id (the charge's for a bare charge).
	chargePaymentData
	refundData
	invoiceData
	// sessionPaymentData is the payment of a session in payment mode.
	sessionPaymentData
	// failedSessionPaymentData is the payment of a session whose delayed
	// payment failed, in any mode.
	failedSessionPaymentData
	// sessionInvoiceData is the invoice of a paid session (not in setup
	// mode, which pays nothing).
	sessionInvoiceData
)

// data returns the resource r of the event's object, or nil when r does
// not apply to it.
func (e *wireEvent) data(r resource) any {
	o := &e.obj
	switch r {
	case customerData:
		return o.customerOut()
	case updatedCustomerData:
		c := o.customerOut()
		c.UpdatedAt = unixTimePtr(e.created)
		return c
	case checkoutData:
		return o.checkoutOut()
	case subscriptionData:
		return o.subscriptionOut()
	case paymentData:
		return o.paymentOut()
	case chargePaymentData:
		p := o.chargePaymentOut()
		if o.paymentIntent != "" {
			p.ID = o.paymentIntent
		}
		return p
	case refundData:
		return o.refundOut()
	case invoiceData:
		return o.invoiceOut()
	case sessionPaymentData:
		if o.mode == "payment" {
			return o.sessionPaymentOut()
		}
	case failedSessionPaymentData:
		p := o.sessionPaymentOut()
		p.Status, p.RequiresAction, p.PaymentURL = paykit.PaymentFailed, false, ""
		return p
	case sessionInvoiceData:
		if o.paymentStatus != "unpaid" && o.mode != "setup" {
			return o.sessionInvoiceOut(e.created)
		}
	}
	return nil
}

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
		data := e.data(m.data)
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
