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

var knownEvents = map[paykit.EventType]bool{
	paykit.EventCustomerCreated: true, paykit.EventCustomerUpdated: true, paykit.EventCustomerDeleted: true,
	paykit.EventSubscriptionCreated: true, paykit.EventSubscriptionUpdated: true, paykit.EventSubscriptionCanceled: true,
	paykit.EventPaymentCreated: true, paykit.EventPaymentUpdated: true, paykit.EventPaymentCanceled: true,
	paykit.EventRefundCreated: true, paykit.EventRefundUpdated: true,
	paykit.EventInvoiceGenerated: true, paykit.EventInvoiceUpdated: true,
	paykit.EventCheckoutCreated: true, paykit.EventCheckoutUpdated: true,
	paykit.EventCheckoutCompleted: true, paykit.EventCheckoutExpired: true,
}

// SignedRequest returns a delivery of body signed now with the
// simulator's secret, as its webhook worker would send it: for testing
// webhook endpoints.
func (s *Simulator) SignedRequest(id string, body []byte) *paykit.WebhookRequest {
	h := providerkit.StandardWebhookHeaders(s.key, id, time.Now(), body)
	h.Set("Content-Type", "application/json")
	return &paykit.WebhookRequest{Body: body, Header: h, URL: "http://127.0.0.1/webhooks"}
}
