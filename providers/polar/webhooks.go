package polar

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// mapping is one unified event a native event becomes: its type, and how
// the native data converts.
type mapping struct {
	typ  paykit.EventType
	conv func(json.RawMessage) (any, error)
}

func as[T any](f func(json.RawMessage) (*T, error)) func(json.RawMessage) (any, error) {
	return func(raw json.RawMessage) (any, error) { return f(raw) }
}

var (
	customerData     = as(customerFrom)
	checkoutData     = as(checkoutFrom)
	subscriptionData = as(subscriptionFrom)
	paymentData      = as(paymentFromOrder)
	invoiceData      = as(invoiceFromOrder)
	refundData       = as(refundFrom)
)

// webhookEvents maps Polar's webhook events to unified ones. Polar's
// subscription.canceled means "will end" (cancel at period end, or an
// immediate cancellation that revoked follows), so it is an update;
// subscription.revoked, when the subscription ends, is
// EventSubscriptionCanceled. checkout.updated of a succeeded checkout is
// also EventCheckoutCompleted, and order.paid also EventInvoiceGenerated.
// Every other verified event is EventUnknown.
var webhookEvents = map[string][]mapping{
	"checkout.created": {{paykit.EventCheckoutCreated, checkoutData}},
	"checkout.updated": {{paykit.EventCheckoutUpdated, checkoutData}},
	"checkout.expired": {{paykit.EventCheckoutExpired, checkoutData}},

	"customer.created": {{paykit.EventCustomerCreated, customerData}},
	"customer.updated": {{paykit.EventCustomerUpdated, customerData}},
	"customer.deleted": {{paykit.EventCustomerDeleted, customerData}},

	"order.created":  {{paykit.EventPaymentCreated, paymentData}},
	"order.updated":  {{paykit.EventPaymentUpdated, paymentData}, {paykit.EventInvoiceUpdated, invoiceData}},
	"order.paid":     {{paykit.EventPaymentUpdated, paymentData}, {paykit.EventInvoiceGenerated, invoiceData}},
	"order.refunded": {{paykit.EventPaymentUpdated, paymentData}},

	"subscription.created":    {{paykit.EventSubscriptionCreated, subscriptionData}},
	"subscription.updated":    {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.active":     {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.canceled":   {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.uncanceled": {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.revoked":    {{paykit.EventSubscriptionCanceled, subscriptionData}},
	"subscription.past_due":   {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.paused":     {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.resumed":    {{paykit.EventSubscriptionUpdated, subscriptionData}},
	"subscription.cycled":     {{paykit.EventSubscriptionUpdated, subscriptionData}},

	"refund.created": {{paykit.EventRefundCreated, refundData}},
	"refund.updated": {{paykit.EventRefundUpdated, refundData}},
}

// MappedEvents returns Polar's webhook events that map to unified events,
// in no particular order. Subscribe your endpoint to these.
func MappedEvents() []string {
	out := make([]string, 0, len(webhookEvents))
	for e := range webhookEvents {
		out = append(out, e)
	}
	return out
}

// ParseWebhook verifies a delivery (Standard Webhooks: HMAC-SHA256 keyed by
// the secret's raw bytes, whsec_ prefix included; several signatures
// accepted; 5 minutes of tolerance) and maps it to unified events. When one
// delivery maps to several events, each has the ID "<webhook-id>:<type>";
// otherwise the ID is the webhook-id.
func (p *provider) ParseWebhook(_ context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	if secret == "" {
		return nil, &paykit.Error{Code: paykit.CodeConfiguration, Provider: Name, Param: "secret", Message: "webhook secret is empty"}
	}
	if req == nil {
		return nil, paykit.ValidationError("request", "webhook request is nil")
	}
	id, ts, err := providerkit.VerifyStandardWebhook([]byte(secret), req.Header, req.Body, providerkit.DefaultWebhookTolerance, time.Now())
	if err != nil {
		return nil, err
	}
	var payload struct {
		Type      string          `json:"type"`
		Timestamp *time.Time      `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(req.Body, &payload); err != nil || payload.Type == "" {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "webhook body is not a Polar event"}
	}
	created := ts.UTC()
	if payload.Timestamp != nil {
		created = payload.Timestamp.UTC()
	}
	raw := json.RawMessage(req.Body)
	maps, known := webhookEvents[payload.Type]
	if !known {
		return []*paykit.Event{{ID: id, Type: paykit.EventUnknown, Provider: Name, Created: created,
			NativeType: payload.Type, Data: payload.Data, Raw: raw}}, nil
	}
	var events []*paykit.Event
	for _, m := range maps {
		data, err := m.conv(payload.Data)
		if err != nil {
			return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body",
				Message: "webhook " + payload.Type + " data is not what Polar sends", Err: err}
		}
		events = append(events, &paykit.Event{Type: m.typ, Provider: Name, Created: created, NativeType: payload.Type, Data: data, Raw: raw})
		if payload.Type == "checkout.updated" {
			if co := data.(*paykit.Checkout); co.Status == paykit.CheckoutComplete {
				events = append(events, &paykit.Event{Type: paykit.EventCheckoutCompleted, Provider: Name, Created: created,
					NativeType: payload.Type, Data: data, Raw: raw})
			}
		}
	}
	for _, e := range events {
		e.ID = id
		if len(events) > 1 {
			e.ID = id + ":" + string(e.Type)
		}
	}
	return events, nil
}
