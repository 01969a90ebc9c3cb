package paykittest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paykit-go/paykit"
)

func (s *suite) webhooks(t *testing.T) {
	client, cp := s.setup(t)
	ctx := ctxFor(t)
	if !s.can(client, paykit.OpWebhooksHandle) {
		t.Log("webhooks.handle not declared (covered by Capabilities) or Unexercised")
		return
	}
	if s.h.SignedDeliveries == nil || s.h.SignAt == nil {
		t.Fatal("webhooks.handle is declared, but the harness cannot sign deliveries: set Harness.SignedDeliveries and Harness.SignAt " +
			"(or list webhooks.handle in Harness.Unexercised, with the reason)")
	}
	reqs, secret := s.h.SignedDeliveries(t, cp.Provider)
	if len(reqs) < 2 {
		t.Fatalf("Harness.SignedDeliveries gave %d deliveries, want at least 2 of distinct events of one object", len(reqs))
	}

	// Each delivery verifies, and gives events whose ids are its own:
	// paykit de-duplicates by event id, so an id shared with another
	// delivery loses that delivery's event. Parsed again, a delivery
	// keeps its ids, or de-duplication would not recognise it.
	parsed := make([][]*paykit.Event, len(reqs))
	owner := map[string]int{} // event id -> delivery
	objects := map[string]int{}
	sameObject := false
	for i, req := range reqs {
		events, err := cp.Provider.ParseWebhook(ctx, req, secret)
		if err != nil {
			t.Fatalf("ParseWebhook of genuine delivery %d: %v", i, err)
		}
		if len(events) == 0 {
			t.Fatalf("genuine delivery %d gave no events", i)
		}
		parsed[i] = events
		for _, e := range events {
			if e.ID == "" || e.Type == "" || e.Provider != cp.Name() || e.Created.IsZero() {
				t.Errorf("event %+v lacks ID, Type, Provider or Created", e)
			}
			if j, dup := owner[e.ID]; dup {
				t.Errorf("deliveries %d and %d both give an event with id %q (%s): paykit's de-duplication drops the later; an event id names the event, not its object", j, i, e.ID, e.Type)
			}
			owner[e.ID] = i
			if id := objectID(e); id != "" {
				if j, seen := objects[id]; seen && j != i {
					sameObject = true
				} else if !seen {
					objects[id] = i
				}
			}
		}
		again, err := cp.Provider.ParseWebhook(ctx, req, secret)
		if err != nil {
			t.Fatalf("ParseWebhook of genuine delivery %d, again: %v", i, err)
		}
		if !slices.Equal(eventIDs(again), eventIDs(events)) {
			t.Errorf("delivery %d parsed twice gave event ids %q, then %q: de-duplication needs them stable", i, eventIDs(events), eventIDs(again))
		}
	}
	if !sameObject {
		t.Error("Harness.SignedDeliveries: no two deliveries are about one object; give events of one object (such as a payment created, then updated), so that ids taken from the object are caught")
	}

	// Through the Client: every event of every delivery runs its handler
	// once, and a retry of a delivery, signed later, runs none.
	handled := 0
	wh := client.Webhooks.Setup(paykit.WebhookConfig{Secret: secret})
	var types []paykit.EventType
	for _, events := range parsed {
		for _, e := range events {
			if !slices.Contains(types, e.Type) {
				types = append(types, e.Type)
				wh.On(e.Type, func(context.Context, *paykit.Event) error { handled++; return nil })
			}
		}
	}
	want := 0
	for _, events := range parsed {
		want += len(events)
	}
	for i, req := range reqs {
		if err := wh.Handle(ctx, req); err != nil {
			t.Fatalf("Handle of delivery %d: %v", i, err)
		}
	}
	if handled != want {
		t.Errorf("handlers ran %d times for %d events of %d deliveries", handled, want, len(reqs))
	}
	retry := s.h.SignAt(t, reqs[0], secret, time.Now())
	events, err := cp.Provider.ParseWebhook(ctx, retry, secret)
	if err != nil {
		t.Fatalf("ParseWebhook of delivery 0 signed again now (Harness.SignAt): %v", err)
	}
	if !slices.Equal(eventIDs(events), eventIDs(parsed[0])) {
		t.Errorf("delivery 0 signed again gave event ids %q, first %q: a retry must keep them", eventIDs(events), eventIDs(parsed[0]))
	}
	before := handled
	if err := wh.Handle(ctx, retry); err != nil || handled != before {
		t.Errorf("a retry ran handlers again (err %v, %d more runs)", err, handled-before)
	}

	// A genuine delivery signed long ago is a replay.
	stale := s.h.SignAt(t, reqs[0], secret, time.Now().Add(-365*24*time.Hour))
	_, err = cp.Provider.ParseWebhook(ctx, stale, secret)
	requireCode(t, err, paykit.ErrWebhookSignature, "a genuine delivery signed a year ago")

	req := reqs[0]
	tampered := *req
	tampered.Body = append([]byte(nil), req.Body...)
	tampered.Body[len(tampered.Body)/2] ^= 0x01
	_, err = cp.Provider.ParseWebhook(ctx, &tampered, secret)
	requireCode(t, err, paykit.ErrWebhookSignature, "tampered body")
	_, err = cp.Provider.ParseWebhook(ctx, req, secret+"x")
	requireCode(t, err, paykit.ErrWebhookSignature, "wrong secret")
	noHeaders := *req
	noHeaders.Header = map[string][]string{}
	_, err = cp.Provider.ParseWebhook(ctx, &noHeaders, secret)
	requireCode(t, err, paykit.ErrWebhookSignature, "missing signature headers")
}

func eventIDs(events []*paykit.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

// objectID is the id of the object an event is about, or "".
func objectID(e *paykit.Event) string {
	switch {
	case e.Customer() != nil:
		return e.Customer().ID
	case e.Checkout() != nil:
		return e.Checkout().ID
	case e.Subscription() != nil:
		return e.Subscription().ID
	case e.Payment() != nil:
		return e.Payment().ID
	case e.Refund() != nil:
		return e.Refund().ID
	case e.Invoice() != nil:
		return e.Invoice().ID
	}
	return ""
}
