package local

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// LoggedEvent is an event the simulator emitted, with its deliveries.
type LoggedEvent struct {
	Event *paykit.Event
	// Body is the exact JSON payload that is signed and delivered.
	Body       []byte
	Deliveries []Delivery
}

// eventRec is the stored event: its payload and delivery state.
type eventRec struct {
	ID         string           `json:"id"`
	Type       paykit.EventType `json:"type"`
	Body       []byte           `json:"body"`
	Deliveries []deliveryRec    `json:"deliveries"`
}

// keys index an event as "pending" while a delivery is queued, and as
// "settled" once none is: the delivery worker lists the first, pruning
// deletes the oldest of the second.
func (e *eventRec) keys() map[string]string {
	for _, d := range e.Deliveries {
		if d.Status == DeliveryPending {
			return map[string]string{"pending": "yes"}
		}
	}
	return map[string]string{"settled": "yes"}
}

var settledEvents = Query{Keys: map[string]string{"settled": "yes"}, Ascending: true, Limit: 1}

// DefaultEventRetention is how many events the log keeps when
// WithEventRetention is not given.
const DefaultEventRetention = 10000

// eventLogRec counts the stored events, for the retention.
type eventLogRec struct {
	Count int `json:"count"`
}

const eventLogID = "eventlog"

// emit records one event of the operation, queued for every endpoint.
func (t *txn) emit(typ paykit.EventType, data any) error {
	ev := paykit.Event{ID: newID("evt"), Type: typ, Provider: Name, Created: t.now, Data: data}
	body, err := json.Marshal(&ev)
	if err != nil {
		return err
	}
	rec := &eventRec{ID: ev.ID, Type: typ, Body: body}
	for _, tg := range t.s.targets {
		rec.Deliveries = append(rec.Deliveries, deliveryRec{Delivery: Delivery{Endpoint: tg.name, Status: DeliveryPending}})
	}
	t.emitted++
	return putJSON(t.tx, collEvents, rec.ID, rec.keys(), rec)
}

// pruneEvents keeps the event log within the retention: it counts the
// events the write emitted and deletes the oldest settled ones (delivered
// or given up) beyond it, at most as many as were emitted plus
// pruneBatch. An event still queued for delivery is never deleted.
func (t *txn) pruneEvents() error {
	if t.emitted == 0 {
		return nil
	}
	log, err := t.eventLog()
	if err != nil {
		return err
	}
	log.Count += t.emitted
	for range t.emitted + pruneBatch {
		if log.Count <= t.s.cfg.eventRetention {
			break
		}
		recs, _, err := t.tx.List(collEvents, settledEvents)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		if err := t.tx.Delete(collEvents, recs[0].ID); err != nil {
			return err
		}
		log.Count--
	}
	return putJSON(t.tx, collMeta, eventLogID, nil, log)
}

// eventLog reads the count of stored events. A store written before the
// count was kept is counted once, and its events indexed as pruneEvents
// needs.
func (t *txn) eventLog() (eventLogRec, error) {
	var log eventLogRec
	rec, ok, err := t.tx.Get(collMeta, eventLogID)
	if err != nil {
		return log, err
	}
	if ok {
		return log, json.Unmarshal(rec.Data, &log)
	}
	all, _, err := t.tx.List(collEvents, Query{Ascending: true})
	if err != nil {
		return log, err
	}
	for _, r := range all {
		if r.Keys["pending"] == "" && r.Keys["settled"] == "" {
			r.Keys = map[string]string{"settled": "yes"}
			if err := t.tx.Put(collEvents, r); err != nil {
				return log, err
			}
		}
	}
	// The events of this write are counted by the caller.
	log.Count = len(all) - t.emitted
	return log, nil
}

// Events returns the events the log keeps (see WithEventRetention),
// oldest first, each with the log of its deliveries.
func (s *Simulator) Events(ctx context.Context) ([]*LoggedEvent, error) {
	return s.b.Events(ctx)
}

func (s *engine) Events(ctx context.Context) ([]*LoggedEvent, error) {
	const op = wire.OpEvents
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	var out []*LoggedEvent
	err := s.store.View(ctx, func(tx Tx) error {
		recs, _, err := tx.List(collEvents, Query{Ascending: true})
		if err != nil {
			return err
		}
		out = make([]*LoggedEvent, 0, len(recs))
		for _, r := range recs {
			le, err := decodeLogged(r.Data)
			if err != nil {
				return err
			}
			out = append(out, le)
		}
		return nil
	})
	if err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

// EventsPage returns one page of the events the log keeps, newest
// first, each with the log of its deliveries: lp.Limit events (10 when 0,
// at most 100) after lp.Cursor, a NextCursor of the page before. A limit
// out of 0..100 or a cursor of another list fails with ErrValidation.
func (s *Simulator) EventsPage(ctx context.Context, lp paykit.ListParams) (*paykit.Page[LoggedEvent], error) {
	const op = wire.OpEvents
	if lp.Limit < 0 || lp.Limit > maxLimit {
		return nil, opError(op, paykit.ValidationError("limit", fmt.Sprintf("limit must be between 0 and %d", maxLimit)))
	}
	return s.b.EventsPage(ctx, lp)
}

func (s *engine) EventsPage(ctx context.Context, lp paykit.ListParams) (*paykit.Page[LoggedEvent], error) {
	const op = wire.OpEvents
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	var out *paykit.Page[LoggedEvent]
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = pageOf(tx, collEvents, lp, nil, decodeLogged)
		return err
	})
	if err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

// Event returns one emitted event with its deliveries, or an error
// matching paykit.ErrNotFound, also for an event the log no longer keeps.
func (s *Simulator) Event(ctx context.Context, id string) (*LoggedEvent, error) {
	if err := paykit.RequireID(id); err != nil {
		return nil, opError(wire.OpEvent, err)
	}
	return s.b.Event(ctx, id)
}

func (s *engine) Event(ctx context.Context, id string) (*LoggedEvent, error) {
	const op = wire.OpEvent
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	var out *LoggedEvent
	err := s.store.View(ctx, func(tx Tx) error {
		r, ok, err := tx.Get(collEvents, id)
		if err != nil {
			return err
		}
		if !ok {
			return paykit.NotFoundError("event", id)
		}
		out, err = decodeLogged(r.Data)
		return err
	})
	if err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

func decodeLogged(data []byte) (*LoggedEvent, error) {
	var rec eventRec
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	ev := new(paykit.Event)
	if err := json.Unmarshal(rec.Body, ev); err != nil {
		return nil, err
	}
	ev.Raw = rec.Body
	le := &LoggedEvent{Event: ev, Body: rec.Body, Deliveries: make([]Delivery, len(rec.Deliveries))}
	for i, d := range rec.Deliveries {
		le.Deliveries[i] = d.Delivery
	}
	return le, nil
}
