package stripe

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/paykit-go/paykit"
	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/tidwall/gjson"
)

// wireResponse receives one Stripe object from stripe-go's backend, for
// the writes, which still go through it (form encoding, idempotency keys,
// error parsing). It checks that the answer is a JSON object but does not
// decode it into stripe-go's type: paykit reads only the fields it maps,
// as for webhooks. Decoding a stripe.Customer costs encoding/json's
// reflection over some 45 fields and their sub-objects.
type wireResponse struct {
	obj wireObject
}

// UnmarshalJSON only checks that the answer is an object: stripe-go's
// backend calls it once the answer is known to be JSON, then hands the
// body over in SetLastResponse, where it is read.
func (*wireResponse) UnmarshalJSON(b []byte) error { return mustBeObject(b) }

// SetLastResponse reads the object from the body of the answer, which
// stripe-go allocated for this answer and nothing else writes to.
func (r *wireResponse) SetLastResponse(res *stripeapi.APIResponse) {
	body := bytes.TrimSpace(res.RawJSON)
	r.obj.read(body[:len(body):len(body)])
}

// read decodes the object from body, a JSON object that becomes its raw
// JSON and must not change afterwards.
func (o *wireObject) read(body []byte) {
	o.raw = body
	o.decode(gjson.Parse(string(body)))
}

// errNotObject is what stripe-go's backend reports, as an answer it could
// not decode, when a 2xx answer is JSON but not an object.
var errNotObject = errors.New("the answer is not a JSON object")

func mustBeObject(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return errNotObject
	}
	return nil
}

// wireList is one page of a Stripe list; its items are wireObjects, what
// stripe.Iter.Current returns.
type wireList struct {
	stripeapi.ListMeta
	items []any
}

// read decodes the page from body. Each item's raw JSON is its part of
// the body.
func (l *wireList) read(body []byte) {
	gjson.Parse(string(body)).ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "has_more":
			l.HasMore = v.Bool()
		case "url":
			l.URL = v.String()
		case "data":
			v.ForEach(func(_, item gjson.Result) bool {
				o := &wireObject{raw: rawBytes(body, item)}
				o.decode(item)
				l.items = append(l.items, o)
				return true
			})
		}
		return true
	})
}

func wireID(o *wireObject) string { return o.id }

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
// checkout session, subscription, payment intent, charge, refund, invoice):
// the one form each resource's mapper (checkoutOut, paymentOut, ... in the
// resource's file) reads. It is filled from JSON by decode, for webhooks
// and the answers paykit reads itself (customers), or converted from the
// stripe-go object of an API answer by the resource's wire function
// (wireSession, wirePaymentIntent, ...), so that an object maps alike
// however it arrived.
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
	// raw is the object's JSON, where it was decoded from JSON; native
	// is the stripe-go object it was read from, where it was (rawOut).
	raw      json.RawMessage
	native   any
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
	// itemsKnown reports that items holds a Checkout Session's line
	// items, which Stripe sends only when asked to expand them.
	itemsKnown bool
	// uncaptured is set on a charge that says it was not captured.
	uncaptured bool
	// intent is the PaymentIntent of a session or a charge, when the
	// answer expanded it (API answers; webhooks carry its id alone).
	intent *wireObject
	// payURL is where the payer pays a subscription's latest invoice,
	// when the answer expanded it (API answers).
	payURL string
}

// rawOut is the Raw of the resources mapped from o: the stripe-go object
// it was read from, else its JSON.
func (o *wireObject) rawOut() any {
	if o.native != nil {
		return o.native
	}
	return o.raw
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
		case "captured":
			o.uncaptured = v.Type == gjson.False
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

// Stripe's statuses and the unified status each maps to, as the README's
// tables show them (held to these maps by TestREADMEStatusTables). The
// unified statuses are defined in paykit's package doc, "Status
// semantics"; a status not listed maps to the fallback its function
// names.

// subscriptionStatuses maps a Subscription's status. incomplete (the
// first payment is still due) and paused (a trial ended without a payment
// method) are pending: nothing was paid yet. unpaid is canceled: Stripe
// has stopped collecting and access should end, as on Polar.
var subscriptionStatuses = map[string]paykit.SubscriptionStatus{
	"trialing":           paykit.SubscriptionActive,
	"active":             paykit.SubscriptionActive,
	"past_due":           paykit.SubscriptionPastDue,
	"unpaid":             paykit.SubscriptionCanceled,
	"canceled":           paykit.SubscriptionCanceled,
	"incomplete":         paykit.SubscriptionPending,
	"paused":             paykit.SubscriptionPending,
	"incomplete_expired": paykit.SubscriptionExpired,
}

// paymentIntentStatuses maps a PaymentIntent's status; paymentStatus
// makes requires_payment_method failed when an attempt failed.
var paymentIntentStatuses = map[string]paykit.PaymentStatus{
	"requires_payment_method": paykit.PaymentPending,
	"requires_confirmation":   paykit.PaymentPending,
	"requires_action":         paykit.PaymentRequiresAction,
	"processing":              paykit.PaymentProcessing,
	"requires_capture":        paykit.PaymentRequiresCapture,
	"succeeded":               paykit.PaymentSucceeded,
	"canceled":                paykit.PaymentCanceled,
}

// chargeStatuses maps the status of a bare charge (one with no
// PaymentIntent); chargePaymentOut makes a succeeded charge not yet
// captured requires_capture.
var chargeStatuses = map[string]paykit.PaymentStatus{
	"pending":   paykit.PaymentProcessing,
	"succeeded": paykit.PaymentSucceeded,
	"failed":    paykit.PaymentFailed,
}

// refundStatuses maps a Refund's status: one that requires action (the
// customer must give details to receive it) is still pending.
var refundStatuses = map[string]paykit.RefundStatus{
	"pending":         paykit.RefundPending,
	"requires_action": paykit.RefundPending,
	"succeeded":       paykit.RefundSucceeded,
	"failed":          paykit.RefundFailed,
	"canceled":        paykit.RefundCanceled,
}

// checkoutStatuses maps a Checkout Session's status.
var checkoutStatuses = map[string]paykit.CheckoutStatus{
	"open":     paykit.CheckoutOpen,
	"complete": paykit.CheckoutComplete,
	"expired":  paykit.CheckoutExpired,
}

// invoiceStatuses maps an Invoice's status: Stripe's are paykit's.
var invoiceStatuses = map[string]paykit.InvoiceStatus{
	"draft":         paykit.InvoiceDraft,
	"open":          paykit.InvoiceOpen,
	"paid":          paykit.InvoicePaid,
	"void":          paykit.InvoiceVoid,
	"uncollectible": paykit.InvoiceUncollectible,
}

// lookup returns the unified status m maps native to, or fallback for a
// status m does not list.
func lookup[U any, S ~string](m map[string]U, native S, fallback U) U {
	if u, ok := m[string(native)]; ok {
		return u
	}
	return fallback
}

// subscriptionStatus maps Stripe's subscription status
// (subscriptionStatuses); an unknown one is pending, neither entitled nor
// ended.
func subscriptionStatus[S ~string](s S) paykit.SubscriptionStatus {
	return lookup(subscriptionStatuses, s, paykit.SubscriptionPending)
}

// paymentStatus maps a PaymentIntent status (paymentIntentStatuses). A
// PaymentIntent that wants a new payment method after an attempt failed is
// failed; an unknown status is failed.
func paymentStatus[S ~string](s S, attemptFailed bool) paykit.PaymentStatus {
	if string(s) == "requires_payment_method" && attemptFailed {
		return paykit.PaymentFailed
	}
	return lookup(paymentIntentStatuses, s, paykit.PaymentFailed)
}

// chargeStatus maps the status of a charge (chargeStatuses); an unknown
// one is processing: never succeeded, which a program may ship goods on.
func chargeStatus[S ~string](s S) paykit.PaymentStatus {
	return lookup(chargeStatuses, s, paykit.PaymentProcessing)
}

// sessionPaymentStatus is the status of the payment of a Checkout Session
// in payment mode that has no PaymentIntent to read it from.
func sessionPaymentStatus[S, P ~string](status S, paymentStatus P) paykit.PaymentStatus {
	switch string(status) {
	case "open":
		return paykit.PaymentRequiresAction
	case "expired":
		return paykit.PaymentCanceled
	}
	if string(paymentStatus) == "unpaid" {
		return paykit.PaymentProcessing
	}
	return paykit.PaymentSucceeded
}
