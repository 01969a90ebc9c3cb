package paykit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// EventType is the unified type of a webhook event.
type EventType string

// Unified event types. The first eleven are those of the TypeScript PayKit.
const (
	EventCustomerCreated      EventType = "customer.created"
	EventCustomerUpdated      EventType = "customer.updated"
	EventCustomerDeleted      EventType = "customer.deleted"
	EventSubscriptionCreated  EventType = "subscription.created"
	EventSubscriptionUpdated  EventType = "subscription.updated"
	EventSubscriptionCanceled EventType = "subscription.canceled"
	EventPaymentCreated       EventType = "payment.created"
	EventPaymentUpdated       EventType = "payment.updated"
	EventPaymentCanceled      EventType = "payment.canceled"
	EventRefundCreated        EventType = "refund.created"
	EventInvoiceGenerated     EventType = "invoice.generated"

	EventCheckoutCreated   EventType = "checkout.created"
	EventCheckoutUpdated   EventType = "checkout.updated"
	EventCheckoutCompleted EventType = "checkout.completed"
	EventCheckoutExpired   EventType = "checkout.expired"
	EventRefundUpdated     EventType = "refund.updated"
	EventInvoiceUpdated    EventType = "invoice.updated"

	// EventUnknown is a verified native event paykit has no mapping for.
	// Its Data is the native payload (json.RawMessage) and NativeType
	// names it.
	EventUnknown EventType = "unknown"
)

// Event is one verified, unified webhook event.
type Event struct {
	// ID is unique per event; a redelivery carries the same ID. When one
	// native event maps to several unified ones, each has its own ID.
	ID       string    `json:"id"`
	Type     EventType `json:"type"`
	Provider string    `json:"provider"`
	Created  time.Time `json:"created"`
	// NativeType is the provider's own event type, e.g.
	// "payment_intent.succeeded".
	NativeType string `json:"native_type,omitempty"`
	// Data is *Customer, *Subscription, *Payment, *Refund, *Invoice or
	// *Checkout according to Type, or json.RawMessage for EventUnknown. Use
	// the typed accessors.
	Data any `json:"data"`
	// Raw is the delivery's body as received. It is never serialized.
	Raw json.RawMessage `json:"-"`
}

// Customer returns the event's customer, or nil.
func (e *Event) Customer() *Customer { c, _ := e.Data.(*Customer); return c }

// Subscription returns the event's subscription, or nil.
func (e *Event) Subscription() *Subscription { s, _ := e.Data.(*Subscription); return s }

// Payment returns the event's payment, or nil.
func (e *Event) Payment() *Payment { p, _ := e.Data.(*Payment); return p }

// Refund returns the event's refund, or nil.
func (e *Event) Refund() *Refund { r, _ := e.Data.(*Refund); return r }

// Invoice returns the event's invoice, or nil.
func (e *Event) Invoice() *Invoice { i, _ := e.Data.(*Invoice); return i }

// Checkout returns the event's checkout, or nil.
func (e *Event) Checkout() *Checkout { c, _ := e.Data.(*Checkout); return c }

// UnmarshalJSON decodes an event written by json.Marshal, typing Data by
// the event's Type.
func (e *Event) UnmarshalJSON(b []byte) error {
	type plain Event
	var v struct {
		plain
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = Event(v.plain)
	data, err := decodeEventData(v.Type, v.Data)
	if err != nil {
		return fmt.Errorf("paykit: event %s data: %w", v.Type, err)
	}
	e.Data = data
	return nil
}

func decodeEventData(t EventType, raw json.RawMessage) (any, error) {
	var dst any
	resource, _, _ := strings.Cut(string(t), ".")
	switch resource {
	case "customer":
		dst = new(Customer)
	case "subscription":
		dst = new(Subscription)
	case "payment":
		dst = new(Payment)
	case "refund":
		dst = new(Refund)
	case "invoice":
		dst = new(Invoice)
	case "checkout":
		dst = new(Checkout)
	default:
		return raw, nil
	}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, errors.New("missing")
	}
	return dst, json.Unmarshal(raw, dst)
}

// WebhookRequest is one delivery as received.
type WebhookRequest struct {
	Body []byte
	// Header holds the delivery's headers. Its keys may be in any case:
	// a map built by hand from an AWS Lambda event or an API gateway
	// ("webhook-id", "stripe-signature") verifies as one from net/http
	// does. Webhook.Handle gives the provider a copy with canonical keys
	// (values of keys that differ only in case joined, the canonical
	// key's first); a provider's ParseWebhook called directly reads keys
	// in any case too.
	Header http.Header
	// URL is the full URL the delivery was sent to; some providers sign it.
	URL string
}

// EventHandler handles one event. A non-nil error makes the delivery fail
// so that the provider sends it again.
type EventHandler func(ctx context.Context, e *Event) error

// WebhookConfig configures a Webhook.
type WebhookConfig struct {
	// Secret is the endpoint's signing secret from the provider.
	Secret string
	// MaxBodyBytes bounds a delivery's body in ServeHTTP; default 1 MiB.
	MaxBodyBytes int64
	// Store de-duplicates deliveries by event id; default an in-memory
	// store keeping ids for 72 hours.
	Store DedupStore
	// Logger receives a warning for every failed delivery: its status, the
	// error and, as "cause", what a failing handler or the Store returned,
	// secrets redacted. Optional.
	Logger *slog.Logger
}

// DefaultMaxWebhookBody is the body limit of a Webhook's ServeHTTP.
const DefaultMaxWebhookBody = 1 << 20

// WebhookService builds webhook endpoints. Reach it as Client.Webhooks.
type WebhookService struct{ c *Client }

// Setup returns a Webhook verifying deliveries with cfg.Secret through the
// Client's provider. Register handlers with On, then mount it as an
// http.Handler or call Handle.
func (s *WebhookService) Setup(cfg WebhookConfig) *Webhook {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxWebhookBody
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryDedupStore(72 * time.Hour)
	}
	// The secret is kept behind a function, not in cfg, so that no way
	// of printing the Webhook shows it.
	secret := cfg.Secret
	cfg.Secret = ""
	return &Webhook{c: s.c, cfg: cfg, secret: func() string { return secret }, handlers: map[EventType][]EventHandler{}}
}

// Webhook verifies deliveries, de-duplicates them by event id and runs the
// handlers registered for each event's type. It is an http.Handler and is
// safe for concurrent use.
type Webhook struct {
	c        *Client
	cfg      WebhookConfig // Secret cleared: see secret
	secret   func() string
	mu       sync.RWMutex
	handlers map[EventType][]EventHandler
}

// String returns "paykit.Webhook(<provider>)".
func (w *Webhook) String() string { return "paykit.Webhook(" + w.c.name + ")" }

// Format prints the Webhook as String does, whatever the verb, so that
// printing or logging it shows no secret.
func (w *Webhook) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, w.String()) }

// On registers h for events of type t and returns w, so calls chain.
// Handlers of one event run in registration order; the first error stops
// them.
func (w *Webhook) On(t EventType, h EventHandler) *Webhook {
	if h == nil {
		return w
	}
	w.mu.Lock()
	w.handlers[t] = append(w.handlers[t], h)
	w.mu.Unlock()
	return w
}

var errEventInFlight = &Error{Code: CodeIdempotencyConflict, Op: OpWebhooksHandle, Message: "this event is being handled by another delivery"}

// Handle verifies one delivery and runs the handlers of its events. An
// event whose id was already handled is skipped; the id is recorded only
// once every handler succeeded. The handlers of one event share a context
// that ends nine minutes after the event was claimed, one minute short of
// DedupLease, so that a run ends before a redelivery can claim the event
// again. It returns an error matching ErrWebhookSignature when the delivery
// is not authentic.
func (w *Webhook) Handle(ctx context.Context, req *WebhookRequest) error {
	c := w.c
	if req == nil {
		return &Error{Code: CodeValidation, Provider: c.name, Op: OpWebhooksHandle, Param: "request", Message: "webhook request is nil"}
	}
	if w.secret() == "" {
		return &Error{Code: CodeConfiguration, Provider: c.name, Op: OpWebhooksHandle, Param: "Secret", Message: "WebhookConfig.Secret is empty"}
	}
	ctx, cancel, _, err := c.prepare(ctx, OpWebhooksHandle, noArgs{}, nil)
	if err != nil {
		return err
	}
	defer cancel()
	if h := canonicalHeader(req.Header); h != nil {
		r := *req
		r.Header = h
		req = &r
	}
	events, err := c.provider.ParseWebhook(ctx, req, w.secret())
	if err != nil {
		return c.wrapErr(OpWebhooksHandle, err)
	}
	for _, e := range events {
		if err := w.dispatch(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// canonicalHeader returns a copy of h with every key in Go's canonical
// form, or nil when h's keys are all canonical already (as net/http makes
// them), so that a provider's Header.Get finds them. The values of keys
// that differ only in case are joined: the canonical key's first, then
// the others' in the order of their keys. h is not changed. It is done
// here, once, for every provider; providerkit.HeaderValue does it for a
// direct ParseWebhook call.
func canonicalHeader(h http.Header) http.Header {
	canonical := true
	for k := range h {
		if http.CanonicalHeaderKey(k) != k {
			canonical = false
			break
		}
	}
	if canonical {
		return nil
	}
	keys := slices.Sorted(maps.Keys(h))
	out := make(http.Header, len(h))
	for _, pass := range []bool{true, false} {
		for _, k := range keys {
			ck := http.CanonicalHeaderKey(k)
			if (ck == k) == pass {
				out[ck] = append(out[ck], h[k]...)
			}
		}
	}
	return out
}

type noArgs struct{}

func (noArgs) validate() error { return nil }

func (w *Webhook) dispatch(ctx context.Context, e *Event) error {
	w.mu.RLock()
	hs := w.handlers[e.Type]
	w.mu.RUnlock()
	if len(hs) == 0 {
		return nil
	}
	// The deadline is taken before the claim, so it falls before the
	// claim's lease ends: a run cannot outlive its claim unless a handler
	// ignores its context.
	hctx := ctx
	if limit := time.Now().Add(handlerTimeout); !deadlineBefore(ctx, limit) {
		var cancel context.CancelFunc
		hctx, cancel = context.WithDeadline(ctx, limit)
		defer cancel()
	}
	var token string
	if e.ID != "" {
		token = newClaimToken()
		claim, err := w.cfg.Store.Claim(ctx, e.ID, token)
		switch {
		case err != nil:
			return w.c.wrapErr(OpWebhooksHandle, err)
		case claim == ClaimDone:
			return nil
		case claim == ClaimInFlight:
			return w.c.wrapErr(OpWebhooksHandle, errEventInFlight)
		}
	}
	for _, h := range hs {
		if err := runHandler(hctx, h, e); err != nil {
			if e.ID != "" {
				_ = w.cfg.Store.Release(context.WithoutCancel(ctx), e.ID, token)
			}
			return &Error{Code: CodeOperationFailed, Provider: w.c.name, Op: OpWebhooksHandle,
				Message: "handler for " + string(e.Type) + " event " + e.ID + " failed", Err: err}
		}
	}
	if e.ID != "" {
		if err := w.cfg.Store.Complete(context.WithoutCancel(ctx), e.ID); err != nil {
			// The handlers ran but the id is not recorded. Left claimed, the
			// id would refuse every redelivery (409) until the claim
			// expired; released, the redelivery this 500 asks for runs the
			// handlers again, which they must tolerate (at least once).
			_ = w.cfg.Store.Release(context.WithoutCancel(ctx), e.ID, token)
			return &Error{Code: CodeOperationFailed, Provider: w.c.name, Op: OpWebhooksHandle,
				Message: "recording " + string(e.Type) + " event " + e.ID + " as handled failed", Err: err}
		}
	}
	return nil
}

// deadlineBefore reports whether ctx ends by t anyway.
func deadlineBefore(ctx context.Context, t time.Time) bool {
	d, ok := ctx.Deadline()
	return ok && !d.After(t)
}

// handlerTimeout bounds the handlers of one event: a minute short of
// DedupLease, leaving the store time to record the event before the claim
// ends.
const handlerTimeout = DedupLease - time.Minute

// claimTokens numbers this process's claims; claimTokenPrefix, random per
// process, keeps tokens unique across the processes sharing a store.
var (
	claimTokens      atomic.Uint64
	claimTokenPrefix = rand.Text() + "-"
)

// newClaimToken returns a token no other claim has used.
func newClaimToken() string {
	var buf [64]byte
	return string(strconv.AppendUint(append(buf[:0], claimTokenPrefix...), claimTokens.Add(1), 10))
}

func runHandler(ctx context.Context, h EventHandler, e *Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return h(ctx, e)
}

// ServeHTTP handles one delivery: 200 when every handler succeeded, 400 for
// a bad signature or body, 405 for a method other than POST, 409 while the
// same event is being handled by another delivery, 413 for an oversized
// body, and 500 when a handler failed, so that the provider redelivers.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		writeWebhookStatus(rw, http.StatusMethodNotAllowed, "method_not_allowed", "webhooks are delivered with POST")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeWebhookStatus(rw, http.StatusRequestEntityTooLarge, "body_too_large", "webhook body exceeds the limit")
			return
		}
		writeWebhookStatus(rw, http.StatusBadRequest, "bad_body", "webhook body could not be read")
		return
	}
	err = w.Handle(r.Context(), &WebhookRequest{Body: body, Header: r.Header, URL: requestURL(r)})
	if err == nil {
		writeWebhookStatus(rw, http.StatusOK, "", "")
		return
	}
	status := http.StatusInternalServerError
	code := string(CodeOperationFailed)
	pe, isPE := AsError(err)
	if isPE {
		code = string(pe.Code)
		switch pe.Code {
		case CodeWebhookSignature, CodeValidation:
			status = http.StatusBadRequest
		case CodeIdempotencyConflict:
			status = http.StatusConflict
		}
	}
	if w.cfg.Logger != nil {
		attrs := []slog.Attr{slog.Int("status", status), slog.String("error", Redact(err.Error()))}
		if isPE && pe.Message != "" && pe.Err != nil {
			// Error() shows the Message alone; what the handler (or the
			// store) returned is what the operator needs.
			attrs = append(attrs, slog.String("cause", Redact(pe.Err.Error())))
		}
		w.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "paykit webhook delivery failed", attrs...)
	}
	writeWebhookStatus(rw, status, code, http.StatusText(status))
}

func writeWebhookStatus(rw http.ResponseWriter, status int, code, msg string) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	if status == http.StatusOK {
		_, _ = io.WriteString(rw, `{"received":true}`)
		return
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	_, _ = rw.Write(b)
}

func requestURL(r *http.Request) string {
	if r.URL.IsAbs() {
		return r.URL.String()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}

// ClaimResult is the answer of DedupStore.Claim.
type ClaimResult int

// Claim results.
const (
	// ClaimAcquired: the caller handles the event now.
	ClaimAcquired ClaimResult = iota
	// ClaimDone: the event was already handled; skip it.
	ClaimDone
	// ClaimInFlight: another delivery is handling it right now.
	ClaimInFlight
)

// DedupStore records which event ids were handled, so that a redelivered
// event runs its handlers once. Implementations must be safe for
// concurrent use; back it with a database to de-duplicate across processes.
//
// A claim is a lease of DedupLease, the lease MemoryDedupStore uses: an id
// claimed but neither completed nor released (its process crashed, or
// Release failed) must be claimable again once DedupLease has passed since
// Claim, so that it blocks redeliveries for that long at most, not forever;
// and not before, since the Webhook gives handlers until a minute short of
// it. Each claim carries a token, unique per Claim call, so that a late
// Release of an expired claim cannot drop the claim that replaced it.
type DedupStore interface {
	// Claim marks id as being handled under token, unless it is done or in
	// flight (a claim younger than DedupLease).
	Claim(ctx context.Context, id, token string) (ClaimResult, error)
	// Complete records id as handled, even if the caller's claim expired
	// meanwhile: its handlers did succeed.
	Complete(ctx context.Context, id string) error
	// Release drops the claim taken with token after a failure, so a
	// redelivery runs again. It does nothing when id is done or claimed
	// under another token.
	Release(ctx context.Context, id, token string) error
}

// MemoryDedupStore is the in-memory DedupStore, for one process. A claim
// neither completed nor released expires after DedupLease.
type MemoryDedupStore struct {
	retention time.Duration
	mu        sync.Mutex
	entries   map[string]dedupEntry
	order     []string // ids in the order they were first claimed
}

type dedupEntry struct {
	done  bool
	at    time.Time
	token string // of the claim, while not done
}

// DedupLease is how long an unfinished claim of a DedupStore blocks
// redeliveries of its event before it is considered abandoned.
const DedupLease = 10 * time.Minute

// NewMemoryDedupStore returns a store that remembers handled ids for
// retention (at least as long as the provider redelivers: Stripe retries
// for three days).
func NewMemoryDedupStore(retention time.Duration) *MemoryDedupStore {
	return &MemoryDedupStore{retention: retention, entries: map[string]dedupEntry{}}
}

// Claim implements DedupStore.
func (s *MemoryDedupStore) Claim(_ context.Context, id, token string) (ClaimResult, error) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[id]; ok {
		switch {
		case e.done:
			return ClaimDone, nil
		case now.Sub(e.at) < DedupLease:
			return ClaimInFlight, nil
		}
	}
	if _, known := s.entries[id]; !known {
		s.order = append(s.order, id)
	}
	s.entries[id] = dedupEntry{at: now, token: token}
	s.prune(now)
	return ClaimAcquired, nil
}

// Complete implements DedupStore.
func (s *MemoryDedupStore) Complete(_ context.Context, id string) error {
	s.mu.Lock()
	if _, known := s.entries[id]; !known {
		s.order = append(s.order, id)
	}
	s.entries[id] = dedupEntry{done: true, at: time.Now()}
	s.mu.Unlock()
	return nil
}

// Release implements DedupStore.
func (s *MemoryDedupStore) Release(_ context.Context, id, token string) error {
	s.mu.Lock()
	if e, ok := s.entries[id]; ok && !e.done && e.token == token {
		delete(s.entries, id)
	}
	s.mu.Unlock()
	return nil
}

// Len returns how many ids the store holds.
func (s *MemoryDedupStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// prune forgets, oldest first, the ids past their retention (or abandoned
// claims past the lease), so memory stays bounded at O(1) amortized cost.
func (s *MemoryDedupStore) prune(now time.Time) {
	n := 0
	for ; n < len(s.order); n++ {
		id := s.order[n]
		e, ok := s.entries[id]
		if ok && (e.done && now.Sub(e.at) <= s.retention || !e.done && now.Sub(e.at) <= DedupLease) {
			break
		}
		delete(s.entries, id)
	}
	if n > 0 {
		s.order = s.order[n:]
	}
}
