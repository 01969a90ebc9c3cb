package local

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
)

// ParseWebhook implements paykit.Provider: it verifies a delivery in the
// Standard Webhooks format with secret (tolerance 5 minutes around the
// real time) and returns its event, Data typed by the event's type. A
// missing or wrong signature, a tampered body or an expired timestamp
// fails with an error matching paykit.ErrWebhookSignature; an authentic
// body that is no paykit event with ErrValidation.
func (s *Simulator) ParseWebhook(ctx context.Context, req *paykit.WebhookRequest, secret string) ([]*paykit.Event, error) {
	const op = paykit.OpWebhooksHandle
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, opError(op, paykit.ValidationError("request", "webhook request is nil"))
	}
	if secret == "" {
		return nil, opError(op, &paykit.Error{Code: paykit.CodeConfiguration, Param: "secret", Message: "webhook secret is empty"})
	}
	id, _, err := providerkit.VerifyStandardWebhook(providerkit.StandardWebhookKey(secret), req.Header, req.Body, providerkit.DefaultWebhookTolerance, time.Now())
	if err != nil {
		return nil, opError(op, err)
	}
	ev := new(paykit.Event)
	if err := json.Unmarshal(req.Body, ev); err != nil {
		return nil, opError(op, &paykit.Error{Code: paykit.CodeValidation, Param: "body", Message: "webhook body is not a paykit event", Err: err})
	}
	if ev.ID == "" {
		ev.ID = id
	}
	if ev.Type == "" {
		return nil, opError(op, paykit.ValidationError("body", "webhook event has no type"))
	}
	if !knownEvents[ev.Type] {
		var raw struct {
			Data json.RawMessage `json:"data"`
		}
		_ = json.Unmarshal(req.Body, &raw)
		ev.NativeType, ev.Type, ev.Data = string(ev.Type), paykit.EventUnknown, raw.Data
	}
	ev.Raw = bytes.Clone(req.Body)
	return []*paykit.Event{ev}, nil
}

// emittedEvents are the event types the simulator emits. They are
// paykit's own, so there is nothing to map: this list is the whole table.
var emittedEvents = []paykit.EventType{
	paykit.EventCustomerCreated, paykit.EventCustomerUpdated, paykit.EventCustomerDeleted,
	paykit.EventCheckoutCreated, paykit.EventCheckoutUpdated, paykit.EventCheckoutCompleted, paykit.EventCheckoutExpired,
	paykit.EventSubscriptionCreated, paykit.EventSubscriptionUpdated, paykit.EventSubscriptionCanceled,
	paykit.EventPaymentCreated, paykit.EventPaymentUpdated, paykit.EventPaymentCanceled,
	paykit.EventRefundCreated,
	paykit.EventInvoiceGenerated, paykit.EventInvoiceUpdated,
}

// knownEvents are the types ParseWebhook decodes the Data of: those the
// simulator emits, and refund.updated, a paykit event it never emits
// (its refunds succeed at once). Any other type is EventUnknown.
var knownEvents = func() map[paykit.EventType]bool {
	m := map[paykit.EventType]bool{paykit.EventRefundUpdated: true}
	for _, t := range emittedEvents {
		m[t] = true
	}
	return m
}()

// MappedEvents returns the webhook event types the simulator emits, each
// already a unified paykit.EventType (the simulator has no native events
// to map), grouped by resource. Subscribe an endpoint to these.
func MappedEvents() []string {
	out := make([]string, len(emittedEvents))
	for i, t := range emittedEvents {
		out[i] = string(t)
	}
	return out
}

// SignedRequest returns a delivery of body signed now with the
// simulator's secret, as its webhook worker would send it: for testing
// webhook endpoints.
func (s *Simulator) SignedRequest(id string, body []byte) *paykit.WebhookRequest {
	h := providerkit.StandardWebhookHeaders([]byte(s.key.Reveal()), id, time.Now(), body)
	h.Set("Content-Type", "application/json")
	return &paykit.WebhookRequest{Body: body, Header: h, URL: "http://127.0.0.1/webhooks"}
}
