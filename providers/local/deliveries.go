package local

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/paykit-go/paykit"
	"github.com/paykit-go/paykit/providerkit"
	"github.com/paykit-go/paykit/providers/local/internal/wire"
)

// HandlerEndpoint is the Endpoint name of deliveries to the in-process
// handler of WithWebhookHandler. Deliveries to the URL of WithWebhookURL
// are named by the URL.
const HandlerEndpoint = "handler"

// DeliveryStatus is the state of one event's delivery to one endpoint.
type DeliveryStatus string

// Delivery statuses.
const (
	// DeliveryPending: not yet accepted; an attempt is due at
	// NextAttemptAt (or at once when zero).
	DeliveryPending DeliveryStatus = "pending"
	// DeliverySucceeded: the endpoint answered 2xx.
	DeliverySucceeded DeliveryStatus = "succeeded"
	// DeliveryFailed: every attempt failed; the simulator gave up. Resend
	// tries again.
	DeliveryFailed DeliveryStatus = "failed"
)

// Delivery is the log of one event's delivery to one endpoint.
type Delivery struct {
	Endpoint string         `json:"endpoint"`
	Status   DeliveryStatus `json:"status"`
	// Attempts logs the latest MaxLoggedAttempts attempts, oldest first.
	Attempts []DeliveryAttempt `json:"attempts,omitempty"`
	// AttemptCount counts every attempt, those dropped from the log too.
	AttemptCount  int       `json:"attempt_count,omitempty"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
}

// MaxLoggedAttempts bounds the attempts a Delivery logs; with
// UnlimitedAttempts the oldest make room for new ones.
const MaxLoggedAttempts = 50

// DeliveryAttempt is one try at delivering an event. At is the real time
// of the attempt, which also signs it.
type DeliveryAttempt struct {
	At time.Time `json:"at"`
	// StatusCode is the endpoint's HTTP status, 0 when none came back.
	StatusCode int           `json:"status_code,omitempty"`
	Error      string        `json:"error,omitempty"`
	Duration   time.Duration `json:"duration"`
}

// OK reports whether the attempt was accepted (2xx).
func (a DeliveryAttempt) OK() bool { return a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300 }

type deliveryRec struct {
	Delivery
	// Tries counts attempts since the event was (re)queued.
	Tries int `json:"tries"`
	// LeaseOwner is the simulator attempting the delivery until
	// LeaseUntil, so that two simulators sharing a store (two processes
	// on one SQLite file) never both attempt it. A crashed owner's lease
	// expires.
	LeaseOwner string    `json:"lease_owner,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitzero"`
	// Generation counts the Resends of the delivery: an attempt settles it
	// only when no Resend came while it was in flight.
	Generation int `json:"generation,omitempty"`
}

// deliveryLease is how long a simulator holds a delivery it attempts;
// an attempt is bounded to attemptTimeout, well within it. leasePoll is
// how often a simulator looks again at a delivery another one holds.
const (
	deliveryLease  = time.Minute
	attemptTimeout = 50 * time.Second
	leasePoll      = 200 * time.Millisecond
)

func (e *eventRec) delivery(endpoint string) *deliveryRec {
	for i := range e.Deliveries {
		if e.Deliveries[i].Endpoint == endpoint {
			return &e.Deliveries[i]
		}
	}
	return nil
}

// target is one configured webhook endpoint.
type target struct {
	name    string
	url     string
	handler http.Handler
}

// Endpoints returns the names of the webhook endpoints events are
// delivered to: the URL of WithWebhookURL, HandlerEndpoint for
// WithWebhookHandler. A client of a local server (WithServerURL) has none.
func (s *Simulator) Endpoints() []string {
	return s.b.Endpoints()
}

func (s *engine) Endpoints() []string {
	out := make([]string, len(s.targets))
	for i, tg := range s.targets {
		out[i] = tg.name
	}
	return out
}

func (s *engine) target(name string) (target, bool) {
	for _, tg := range s.targets {
		if tg.name == name {
			return tg, true
		}
	}
	return target{}, false
}

// Resend queues an event again for every configured endpoint, whatever
// happened to it before. The receiver sees the same event id, so a
// de-duplicating handler runs it once.
func (s *Simulator) Resend(ctx context.Context, eventID string) error {
	if err := paykit.RequireID(eventID); err != nil {
		return opError(wire.OpResend, err)
	}
	return s.b.Resend(ctx, eventID)
}

func (s *engine) Resend(ctx context.Context, eventID string) error {
	const op = wire.OpResend
	if err := s.check(ctx, op); err != nil {
		return err
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		r, ok, err := tx.Get(collEvents, eventID)
		if err != nil {
			return err
		}
		if !ok {
			return paykit.NotFoundError("event", eventID)
		}
		var rec eventRec
		if err := json.Unmarshal(r.Data, &rec); err != nil {
			return err
		}
		for _, tg := range s.targets {
			d := rec.delivery(tg.name)
			if d == nil {
				rec.Deliveries = append(rec.Deliveries, deliveryRec{Delivery: Delivery{Endpoint: tg.name}})
				d = &rec.Deliveries[len(rec.Deliveries)-1]
			}
			d.Status, d.NextAttemptAt, d.Tries = DeliveryPending, time.Time{}, 0
			d.Generation++
		}
		return putJSON(tx, collEvents, rec.ID, rec.keys(), &rec)
	})
	if err != nil {
		return opError(op, err)
	}
	s.notify()
	return nil
}

// notify wakes the delivery worker, starting it on first use.
func (s *engine) notify() {
	if len(s.targets) == 0 || s.closed.Load() {
		return
	}
	s.worker.Do(func() { go s.run() })
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run is the single delivery worker: it delivers what is due, in event
// order per endpoint, then sleeps until woken or the next retry is due.
func (s *engine) run() {
	defer close(s.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		next, err := s.deliverDue(s.ctx)
		if err != nil && s.ctx.Err() == nil {
			s.logWarn("local: webhook delivery store failed", slog.String("error", paykit.Redact(err.Error())))
			next = time.Now().Add(time.Second)
		}
		s.signalProgress()
		var due <-chan time.Time
		if !next.IsZero() {
			timer.Reset(time.Until(next))
			due = timer.C
		}
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		case <-due:
		}
		timer.Stop()
	}
}

// deliverDue attempts every due delivery once and returns when the next
// retry is due (zero: nothing waits). The first pending delivery of an
// endpoint blocks its later ones, so each endpoint gets events in order.
func (s *engine) deliverDue(ctx context.Context) (time.Time, error) {
	var pending []Record
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		pending, _, err = tx.List(collEvents, Query{Keys: map[string]string{"pending": "yes"}, Ascending: true})
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	blocked := map[string]bool{}
	for _, r := range pending {
		var ev eventRec
		if err := json.Unmarshal(r.Data, &ev); err != nil {
			return time.Time{}, err
		}
		for _, d := range ev.Deliveries {
			if d.Status != DeliveryPending || blocked[d.Endpoint] {
				continue
			}
			if _, ok := s.target(d.Endpoint); !ok {
				moved, err := s.orphan(ctx, ev.ID, d.Endpoint)
				if err != nil {
					return time.Time{}, err
				}
				if moved { // its new endpoint's turn comes in the next round
					next = time.Now()
				}
				continue
			}
			if !d.NextAttemptAt.IsZero() && time.Now().Before(d.NextAttemptAt) {
				blocked[d.Endpoint] = true
				next = earliest(next, d.NextAttemptAt)
				continue
			}
			gen, leased, wait, err := s.lease(ctx, ev.ID, d.Endpoint)
			if err != nil {
				s.release(ev.ID, d.Endpoint)
				return time.Time{}, err
			}
			if !leased {
				if !wait.IsZero() { // another simulator holds it, or it is not due
					blocked[d.Endpoint] = true
					next = earliest(next, wait)
				}
				continue
			}
			tg, _ := s.target(d.Endpoint)
			actx, cancel := context.WithTimeout(ctx, attemptTimeout)
			a := s.attempt(actx, tg, &ev)
			cancel()
			if ctx.Err() != nil {
				// Closing: the aborted attempt stays pending, free for the
				// next simulator on the store.
				s.release(ev.ID, d.Endpoint)
				return time.Time{}, nil
			}
			retryAt, err := s.recordAttempt(ctx, ev.ID, d.Endpoint, gen, a)
			if err != nil { // closing, say: the attempt stays pending
				s.release(ev.ID, d.Endpoint)
				return time.Time{}, err
			}
			if !retryAt.IsZero() { // still pending: later events wait their turn
				blocked[d.Endpoint] = true
				next = earliest(next, retryAt)
			}
		}
	}
	return next, nil
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// updateDelivery runs fn on the stored delivery of eventID to endpoint in
// a write transaction, and stores the event when fn reports a change. A
// missing event or delivery is no error: fn does not run.
func (s *engine) updateDelivery(ctx context.Context, eventID, endpoint string, fn func(*eventRec, *deliveryRec) (bool, error)) error {
	return s.store.Update(ctx, func(tx Tx) error {
		r, ok, err := tx.Get(collEvents, eventID)
		if err != nil || !ok {
			return err
		}
		var rec eventRec
		if err := json.Unmarshal(r.Data, &rec); err != nil {
			return err
		}
		d := rec.delivery(endpoint)
		if d == nil {
			return nil
		}
		changed, err := fn(&rec, d)
		if err != nil || !changed {
			return err
		}
		return putJSON(tx, collEvents, rec.ID, rec.keys(), &rec)
	})
}

// orphan handles a queued delivery to an endpoint this simulator does not
// have (one configured when the event was emitted, by an earlier run on
// the store). With exactly one URL endpoint configured, a delivery to a
// vanished URL moves to it (due at once, its tries counted afresh; when
// the event already has a delivery there, that one stands for it);
// otherwise it stays queued, for a simulator that has the endpoint, and a
// warning is logged once. It reports whether the delivery moved.
func (s *engine) orphan(ctx context.Context, eventID, endpoint string) (bool, error) {
	to, ok := s.movesTo(endpoint)
	if !ok {
		if _, warned := s.orphans.LoadOrStore(endpoint, true); !warned {
			s.logWarn("local: webhook deliveries stay queued: their endpoint is no longer configured",
				slog.String("endpoint", paykit.Redact(endpoint)))
		}
		return false, nil
	}
	moved := false
	err := s.updateDelivery(ctx, eventID, endpoint, func(rec *eventRec, d *deliveryRec) (bool, error) {
		if d.Status != DeliveryPending || d.LeaseOwner != "" && d.LeaseOwner != s.id && time.Now().Before(d.LeaseUntil) {
			return false, nil
		}
		if rec.delivery(to) != nil {
			rec.Deliveries = slices.DeleteFunc(rec.Deliveries, func(d deliveryRec) bool { return d.Endpoint == endpoint })
		} else {
			d.Endpoint, d.NextAttemptAt, d.Tries, d.LeaseOwner, d.LeaseUntil = to, time.Time{}, 0, "", time.Time{}
		}
		moved = true
		return true, nil
	})
	if moved {
		s.logWarn("local: a queued webhook delivery moved to the configured endpoint", slog.String("event", eventID),
			slog.String("from", paykit.Redact(endpoint)), slog.String("to", paykit.Redact(to)))
	}
	return moved, err
}

// movesTo returns the endpoint queued deliveries to the vanished endpoint
// move to: the one URL endpoint, when exactly one is configured.
func (s *engine) movesTo(endpoint string) (string, bool) {
	var urls []string
	for _, tg := range s.targets {
		if tg.url != "" {
			urls = append(urls, tg.name)
		}
	}
	if endpoint == HandlerEndpoint || len(urls) != 1 {
		return "", false
	}
	return urls[0], true
}

// lease takes the delivery of eventID to endpoint for this simulator when
// it is still pending, due, and not held by another simulator. Otherwise
// it returns when to look again (zero: the delivery is settled). It
// returns the delivery's generation too.
func (s *engine) lease(ctx context.Context, eventID, endpoint string) (int, bool, time.Time, error) {
	var (
		gen    int
		leased bool
		wait   time.Time
	)
	err := s.updateDelivery(ctx, eventID, endpoint, func(_ *eventRec, d *deliveryRec) (bool, error) {
		now := time.Now()
		switch {
		case d.Status != DeliveryPending:
			return false, nil
		case !d.NextAttemptAt.IsZero() && now.Before(d.NextAttemptAt):
			wait = d.NextAttemptAt
			return false, nil
		case d.LeaseOwner != "" && d.LeaseOwner != s.id && now.Before(d.LeaseUntil):
			wait = earliest(d.LeaseUntil, now.Add(leasePoll))
			return false, nil
		}
		d.LeaseOwner, d.LeaseUntil = s.id, now.Add(deliveryLease).UTC()
		gen, leased = d.Generation, true
		return true, nil
	})
	return gen, leased, wait, err
}

// release gives up this simulator's lease of a delivery it did not
// attempt to the end.
func (s *engine) release(eventID, endpoint string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.updateDelivery(ctx, eventID, endpoint, func(_ *eventRec, d *deliveryRec) (bool, error) {
		if d.LeaseOwner != s.id {
			return false, nil
		}
		d.LeaseOwner, d.LeaseUntil = "", time.Time{}
		return true, nil
	})
}

// recordAttempt logs an attempt of generation gen and returns when the
// next one is due, or zero when the delivery is settled. An attempt of an
// older generation (a Resend came while it was in flight) is logged but
// settles nothing: the resent delivery is due at once.
func (s *engine) recordAttempt(ctx context.Context, eventID, endpoint string, gen int, a DeliveryAttempt) (time.Time, error) {
	var retryAt time.Time
	err := s.updateDelivery(ctx, eventID, endpoint, func(_ *eventRec, d *deliveryRec) (bool, error) {
		if d.LeaseOwner != s.id {
			return false, nil // our lease expired: another simulator took over
		}
		d.LeaseOwner, d.LeaseUntil = "", time.Time{}
		if len(d.Attempts) == MaxLoggedAttempts {
			d.Attempts = append(d.Attempts[:0], d.Attempts[1:]...)
		}
		d.Attempts = append(d.Attempts, a)
		d.AttemptCount++
		if d.Generation != gen {
			retryAt, d.NextAttemptAt = time.Now(), time.Time{}
			return true, nil
		}
		d.Tries++
		switch {
		case a.OK():
			d.Status, d.NextAttemptAt = DeliverySucceeded, time.Time{}
		case d.Tries >= s.cfg.retry.attempts:
			d.Status, d.NextAttemptAt = DeliveryFailed, time.Time{}
			s.logWarn("local: webhook delivery gave up", slog.String("event", eventID),
				slog.String("endpoint", paykit.Redact(endpoint)), slog.Int("attempts", d.Tries))
		default:
			retryAt = time.Now().Add(s.cfg.retry.backoff.Delay(d.Tries))
			d.NextAttemptAt = retryAt.UTC()
			s.logWarn("local: webhook delivery failed", slog.String("event", eventID),
				slog.String("endpoint", paykit.Redact(endpoint)), slog.Int("attempt", d.Tries),
				slog.Int("status", a.StatusCode), slog.String("error", a.Error))
		}
		return true, nil
	})
	return retryAt, err
}

func (s *engine) logWarn(msg string, attrs ...slog.Attr) {
	if s.cfg.logger != nil {
		s.cfg.logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
	}
}

// attempt delivers one event to one endpoint, signed now.
func (s *engine) attempt(ctx context.Context, tg target, ev *eventRec) DeliveryAttempt {
	start := time.Now()
	h := providerkit.StandardWebhookHeaders([]byte(s.key.Reveal()), ev.ID, start, ev.Body)
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "paykit-local")
	var (
		status int
		err    error
	)
	if tg.handler != nil {
		status, err = serveInProcess(ctx, tg.handler, h, ev.Body)
	} else {
		status, err = s.post(ctx, tg.url, h, ev.Body)
	}
	a := DeliveryAttempt{At: start.UTC(), StatusCode: status, Duration: time.Since(start)}
	switch {
	case err != nil:
		a.Error = paykit.Redact(err.Error())
	case status < 200 || status > 299:
		a.Error = "endpoint answered " + http.StatusText(status)
		if a.Error == "endpoint answered " {
			a.Error += fmt.Sprint(status)
		}
	}
	return a
}

// post sends one delivery to url; a redirect is a failed attempt.
func (s *engine) post(ctx context.Context, url string, h http.Header, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = h
	resp, err := s.webhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		// A redirect is not followed: it would re-send the event as a GET
		// without its body.
		return resp.StatusCode, fmt.Errorf("endpoint redirected to %s", resp.Header.Get("Location"))
	}
	return resp.StatusCode, nil
}

// serveInProcess hands one delivery to an in-process handler as an HTTP
// POST; a panic counts as a failed attempt.
func serveInProcess(ctx context.Context, h http.Handler, header http.Header, body []byte) (status int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/webhooks", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = header
	req.RemoteAddr = "127.0.0.1:0"
	w := &responseRecorder{header: http.Header{}}
	defer func() {
		if r := recover(); r != nil {
			status, err = 0, fmt.Errorf("webhook handler panicked: %v", r)
		}
	}()
	h.ServeHTTP(w, req)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.status, nil
}

// responseRecorder is the minimal http.ResponseWriter of in-process
// deliveries; the body is discarded.
type responseRecorder struct {
	header http.Header
	status int
}

func (w *responseRecorder) Header() http.Header { return w.header }

func (w *responseRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

func (w *responseRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (s *engine) signalProgress() {
	s.progMu.Lock()
	close(s.progress)
	s.progress = make(chan struct{})
	s.progMu.Unlock()
}

func (s *engine) progressed() <-chan struct{} {
	s.progMu.Lock()
	defer s.progMu.Unlock()
	return s.progress
}

// Flush waits until every queued delivery has been accepted or given up
// on, or until ctx is done. With no endpoint configured it returns at once.
// It fails when the simulator was closed with deliveries still queued.
func (s *Simulator) Flush(ctx context.Context) error {
	return s.b.Flush(ctx)
}

func (s *engine) Flush(ctx context.Context) error {
	const op = wire.OpFlush
	if err := s.check(ctx, op); err != nil {
		return err
	}
	if len(s.targets) == 0 {
		return nil
	}
	s.notify()
	for {
		progressed := s.progressed()
		pending, err := s.hasPending(ctx)
		if err != nil {
			return opError(op, err)
		}
		if !pending {
			return nil
		}
		if s.closed.Load() {
			return opError(op, paykit.NewError(paykit.CodeOperationFailed, "the simulator is closed with webhook deliveries still queued"))
		}
		select {
		case <-progressed:
		case <-ctx.Done():
			return ctxError(op, ctx.Err())
		}
	}
}

// hasPending reports whether a delivery to a configured endpoint, or one
// that moves to it, is queued; the others wait for another simulator.
func (s *engine) hasPending(ctx context.Context) (bool, error) {
	var pending bool
	err := s.store.View(ctx, func(tx Tx) error {
		recs, _, err := tx.List(collEvents, Query{Keys: map[string]string{"pending": "yes"}})
		for _, r := range recs {
			var rec eventRec
			if err := json.Unmarshal(r.Data, &rec); err != nil {
				return err
			}
			for _, d := range rec.Deliveries {
				_, ok := s.target(d.Endpoint)
				if _, moves := s.movesTo(d.Endpoint); (ok || moves) && d.Status == DeliveryPending {
					pending = true
					return nil
				}
			}
		}
		return err
	})
	return pending, err
}

// Close stops webhook delivery, abandoning an attempt in flight (it stays
// queued). Operations keep working; their events are logged but no longer
// delivered. Close is safe to call more than once and always returns nil.
func (s *Simulator) Close() error {
	return s.b.Close()
}

func (s *engine) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.cancel()
		s.worker.Do(func() { close(s.done) })
		<-s.done
		s.signalProgress()
	})
	return nil
}
