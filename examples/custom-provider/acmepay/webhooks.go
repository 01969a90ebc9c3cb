package acmepay

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// eventMapping is the unified event one of Acme's events becomes, and how
// its data converts.
type eventMapping struct {
	typ  paykit.EventType
	conv func(json.RawMessage) (any, error)
}

func as[T any](f func(json.RawMessage) (*T, error)) func(json.RawMessage) (any, error) {
	return func(raw json.RawMessage) (any, error) { return f(raw) }
}

// webhookEvents is the whole mapping of Acme's events, as data:
// ParseWebhook follows it and MappedEvents lists it. Acme's
// payment.succeeded and payment.failed both say that a payment changed
// (a failed payment may still succeed on Acme's retry), and its refunds
// are announced once they succeeded.
var webhookEvents = map[string]eventMapping{
	"customer.created":  {paykit.EventCustomerCreated, as(customerFrom)},
	"payment.succeeded": {paykit.EventPaymentUpdated, as(paymentFrom)},
	"payment.failed":    {paykit.EventPaymentUpdated, as(paymentFrom)},
	"refund.succeeded":  {paykit.EventRefundUpdated, as(refundFrom)},
}

// MappedEvents returns Acme's webhook events that map to unified events,
// sorted. Subscribe your endpoint to these.
func MappedEvents() []string {
	out := make([]string, 0, len(webhookEvents))
	for e := range webhookEvents {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// ParseWebhook verifies a delivery as Standard Webhooks (HMAC-SHA256
// keyed by the base64 payload of the "whsec_" secret, several signatures
// accepted, 5 minutes of tolerance) and maps it through webhookEvents.
// The event's ID is the delivery's webhook-id, the same on every retry,
// which is what paykit de-duplicates by.
func (p *provider) ParseWebhook(_ context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	if req == nil {
		return nil, paykit.ValidationError("request", "webhook request is nil")
	}
	if secret == "" {
		return nil, providerkit.ConfigError(Name, "secret", "webhook secret is empty")
	}
	id, ts, err := providerkit.VerifyStandardWebhook(providerkit.StandardWebhookKey(secret), req.Header, req.Body,
		providerkit.DefaultWebhookTolerance, time.Now())
	if err != nil {
		return nil, err
	}
	var e wireEvent
	if err := json.Unmarshal(req.Body, &e); err != nil || e.Type == "" {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body", Message: "webhook body is not an Acme Pay event"}
	}
	created := e.CreatedAt.UTC()
	if e.CreatedAt.IsZero() {
		created = ts.UTC()
	}
	event := &paykit.Event{ID: id, Provider: Name, Created: created, NativeType: e.Type, Raw: json.RawMessage(req.Body)}
	m, known := webhookEvents[e.Type]
	if !known {
		event.Type, event.Data = paykit.EventUnknown, e.Data
		return []*paykit.Event{event}, nil
	}
	if event.Data, err = m.conv(e.Data); err != nil {
		return nil, &paykit.Error{Code: paykit.CodeValidation, Provider: Name, Param: "body",
			Message: "webhook " + e.Type + " data is not what Acme Pay sends", Err: err}
	}
	event.Type = m.typ
	return []*paykit.Event{event}, nil
}
