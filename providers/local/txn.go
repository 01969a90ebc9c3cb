package local

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paykit-go/paykit"
)

// Collections of the Store.
const (
	collCustomers     = "customers"
	collCheckouts     = "checkouts"
	collPayments      = "payments"
	collRefunds       = "refunds"
	collSubscriptions = "subscriptions"
	collInvoices      = "invoices"
	collEvents        = "events"
	collIdempotency   = "idempotency"
	collMeta          = "meta"
)

// kind describes how one resource type is stored.
type kind[T any] struct {
	coll string
	noun string
	id   func(*T) string
	keys func(*T) map[string]string
	// data is the unified object of events about the record.
	data func(*T) any
}

// txn is one operation's view of the store: the transaction, the
// simulated time of the operation, and the events it emitted.
type txn struct {
	s       *engine
	tx      Tx
	now     time.Time
	emitted int
	// afterCommit is an error to return although the transaction commits,
	// e.g. a decline that leaves a failed payment behind.
	afterCommit *paykit.Error
}

// clockRec is the simulated clock's offset from the configured clock.
type clockRec struct {
	Offset time.Duration `json:"offset"`
}

const clockID = "clock"

func (s *engine) begin(tx Tx) (*txn, error) {
	off, err := clockOffset(tx)
	if err != nil {
		return nil, err
	}
	return &txn{s: s, tx: tx, now: s.cfg.clock().Add(off).UTC()}, nil
}

func clockOffset(tx Tx) (time.Duration, error) {
	rec, ok, err := tx.Get(collMeta, clockID)
	if err != nil || !ok {
		return 0, err
	}
	var c clockRec
	if err := json.Unmarshal(rec.Data, &c); err != nil {
		return 0, err
	}
	return c.Offset, nil
}

// idemRec is the remembered first result of an idempotent write.
type idemRec struct {
	Fingerprint string          `json:"fingerprint"`
	Result      json.RawMessage `json:"result"`
	Err         *storedError    `json:"error,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
}

// storedError is a committed call's error, replayed with its result.
type storedError struct {
	Code        paykit.ErrorCode `json:"code"`
	Message     string           `json:"message"`
	Param       string           `json:"param,omitempty"`
	DeclineCode string           `json:"decline_code,omitempty"`
}

func toStoredError(e *paykit.Error) *storedError {
	if e == nil {
		return nil
	}
	return &storedError{Code: e.Code, Message: e.Message, Param: e.Param, DeclineCode: e.DeclineCode}
}

func (e *storedError) err() *paykit.Error {
	if e == nil {
		return nil
	}
	return &paykit.Error{Code: e.Code, Message: e.Message, Param: e.Param, DeclineCode: e.DeclineCode}
}

// IdempotencyTTL is how long the simulator remembers an idempotency key
// and the first result of its call, in simulated time, as Stripe does for
// 24 hours: a key used again later starts a new call.
const IdempotencyTTL = 24 * time.Hour

// pruneBatch bounds the expired idempotency records, and the events
// beyond the retention, that one write deletes besides the events it
// adds. A write adds at most one idempotency record, so a backlog (after
// AdvanceClock, say) drains over a few writes and none pays for all of
// it: pruning costs O(1) records per write, amortized.
const pruneBatch = 8

// mutate runs fn in one write transaction. With an idempotency key, a
// repeat of the same op with the same args within IdempotencyTTL returns
// the first result and changes nothing; different args fail with
// ErrIdempotencyConflict. Only successful results are remembered, so a
// failed call may be retried. Every write also prunes idempotency records
// past IdempotencyTTL and events beyond the retention (prune).
func mutate[T any](ctx context.Context, s *engine, op paykit.Op, ro *paykit.RequestOptions, args any, fn func(*txn) (*T, error)) (*T, error) {
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	var key string
	if ro != nil && ro.IdempotencyKey != "" {
		key = string(op) + " " + ro.IdempotencyKey
	}
	var (
		out      *T
		emitted  bool
		afterErr *paykit.Error
	)
	err := s.store.Update(ctx, func(tx Tx) error {
		t, err := s.begin(tx)
		if err != nil {
			return err
		}
		var fp string
		if key != "" {
			fp = fingerprint(args)
			rec, ok, err := tx.Get(collIdempotency, key)
			if err != nil {
				return err
			}
			var first idemRec
			if ok {
				if err := json.Unmarshal(rec.Data, &first); err != nil {
					return err
				}
			}
			if ok && t.expired(first.CreatedAt) {
				// Deleted rather than replaced, so that the new record is
				// the newest and records stay in time order for prune.
				if err := tx.Delete(collIdempotency, key); err != nil {
					return err
				}
				ok = false
			}
			if ok {
				if first.Fingerprint != fp {
					return paykit.NewError(paykit.CodeIdempotencyConflict,
						"idempotency key was already used with different parameters for "+string(op))
				}
				out, afterErr = new(T), first.Err.err()
				return json.Unmarshal(first.Result, out)
			}
		}
		res, err := fn(t)
		if err != nil {
			return err
		}
		if key != "" {
			data, err := json.Marshal(res)
			if err != nil {
				return err
			}
			first := idemRec{Fingerprint: fp, Result: data, Err: toStoredError(t.afterCommit), CreatedAt: t.now}
			if err := putJSON(tx, collIdempotency, key, nil, first); err != nil {
				return err
			}
		}
		if err := t.prune(); err != nil {
			return err
		}
		out, emitted, afterErr = res, t.emitted > 0, t.afterCommit
		return nil
	})
	if err != nil {
		return nil, opError(op, err)
	}
	if emitted {
		s.notify()
	}
	if afterErr != nil {
		return nil, opError(op, afterErr)
	}
	return out, nil
}

// expired reports whether an idempotency record made at created is past
// IdempotencyTTL.
func (t *txn) expired(created time.Time) bool { return t.now.Sub(created) >= IdempotencyTTL }

// prune deletes, oldest first, up to pruneBatch idempotency records past
// IdempotencyTTL and the delivered events beyond the retention. Records
// are stored in the order of their time, so the oldest is first in
// sequence order and the search stops at the first one to keep: it reads
// O(1) records per write, amortized, whatever the size of the store.
func (t *txn) prune() error {
	for range pruneBatch {
		recs, _, err := t.tx.List(collIdempotency, Query{Ascending: true, Limit: 1})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		var rec struct {
			CreatedAt time.Time `json:"created_at"`
		}
		if err := json.Unmarshal(recs[0].Data, &rec); err != nil {
			return err
		}
		if !t.expired(rec.CreatedAt) {
			break
		}
		if err := t.tx.Delete(collIdempotency, recs[0].ID); err != nil {
			return err
		}
	}
	return t.pruneEvents()
}

// view runs fn in one read transaction.
func view[T any](ctx context.Context, s *engine, op paykit.Op, fn func(*txn) (*T, error)) (*T, error) {
	if err := s.check(ctx, op); err != nil {
		return nil, err
	}
	var out *T
	err := s.store.View(ctx, func(tx Tx) error {
		t, err := s.begin(tx)
		if err != nil {
			return err
		}
		out, err = fn(t)
		return err
	})
	if err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

// done is the result type of operations that return nothing.
type done struct{}

func fingerprint(args any) string {
	b, err := json.Marshal(args)
	if err != nil {
		b = fmt.Appendf(nil, "%#v", args)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func putJSON(tx Tx, coll, id string, keys map[string]string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(coll, Record{ID: id, Keys: keys, Data: data})
}

func load[T any](t *txn, k kind[T], id string) (*T, error) {
	rec, ok, err := t.tx.Get(k.coll, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, paykit.NotFoundError(k.noun, id)
	}
	v := new(T)
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// loadParam is load for an id given as parameter param: not found names
// param.
func loadParam[T any](t *txn, k kind[T], param, id string) (*T, error) {
	v, err := load(t, k, id)
	if pe, ok := err.(*paykit.Error); ok && pe.Code == paykit.CodeNotFound {
		pe.Param = param
	}
	return v, err
}

func save[T any](t *txn, k kind[T], v *T) error {
	return putJSON(t.tx, k.coll, k.id(v), k.keys(v), v)
}

// saveEmit saves v and emits the event ev about it (none when empty).
func saveEmit[T any](t *txn, k kind[T], v *T, ev paykit.EventType) error {
	if err := save(t, k, v); err != nil || ev == "" {
		return err
	}
	return t.emit(ev, k.data(v))
}

// retrieve is the Retrieve operation of k.
func retrieve[T, R any](ctx context.Context, s *engine, op paykit.Op, k kind[T], id string, out func(*T) *R) (*R, error) {
	return view(ctx, s, op, func(t *txn) (*R, error) {
		v, err := load(t, k, id)
		if err != nil {
			return nil, err
		}
		return out(v), nil
	})
}

// list is the List operation of k: one page, filtered by keys.
func list[T, R any](ctx context.Context, s *engine, op paykit.Op, k kind[T], lp paykit.ListParams, keys map[string]string, out func(*T) *R) (*paykit.Page[R], error) {
	return view(ctx, s, op, func(t *txn) (*paykit.Page[R], error) {
		return page(t, k, lp, keys, out)
	})
}

// page lists one page of k newest first, filtered by keys (empty values
// are ignored).
func page[T, R any](t *txn, k kind[T], lp paykit.ListParams, keys map[string]string, out func(*T) *R) (*paykit.Page[R], error) {
	return pageOf(t.tx, k.coll, lp, keys, func(data []byte) (*R, error) {
		v := new(T)
		if err := json.Unmarshal(data, v); err != nil {
			return nil, err
		}
		return out(v), nil
	})
}

// pageOf lists one page of collection newest first, filtered by keys
// (empty values are ignored), each record decoded by decode.
func pageOf[R any](tx Tx, coll string, lp paykit.ListParams, keys map[string]string, decode func([]byte) (*R, error)) (*paykit.Page[R], error) {
	limit := lp.Limit
	switch {
	case limit <= 0:
		limit = defaultLimit
	case limit > maxLimit:
		limit = maxLimit
	}
	q := Query{Limit: limit, Keys: map[string]string{}}
	for k, v := range keys {
		if v != "" {
			q.Keys[k] = v
		}
	}
	if lp.Cursor != "" {
		after, err := decodeCursor(coll, lp.Cursor)
		if err != nil {
			return nil, err
		}
		q.After = after
	}
	recs, more, err := tx.List(coll, q)
	if err != nil {
		return nil, err
	}
	p := &paykit.Page[R]{Data: make([]*R, 0, len(recs)), HasMore: more}
	for _, rec := range recs {
		v, err := decode(rec.Data)
		if err != nil {
			return nil, err
		}
		p.Data = append(p.Data, v)
	}
	if more && len(recs) > 0 {
		p.NextCursor = encodeCursor(coll, recs[len(recs)-1].Seq)
	}
	return p, nil
}

// List paging limits, like Stripe's.
const (
	defaultLimit = 10
	maxLimit     = 100
)

func encodeCursor(coll string, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(coll + ":" + strconv.FormatInt(seq, 10)))
}

func decodeCursor(coll, cursor string) (int64, error) {
	bad := paykit.ValidationError("cursor", "cursor is not one this list returned")
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, bad
	}
	name, n, ok := strings.Cut(string(raw), ":")
	if !ok || name != coll {
		return 0, bad
	}
	seq, err := strconv.ParseInt(n, 10, 64)
	if err != nil || seq <= 0 {
		return 0, bad
	}
	return seq, nil
}

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID returns prefix + "_" + 20 random base62 characters, e.g.
// "cus_4fJ0qLm2ZxR8vT1bN6sK".
func newID(prefix string) string {
	const n = 20
	out := make([]byte, 0, len(prefix)+1+n)
	out = append(out, prefix...)
	out = append(out, '_')
	var buf [32]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if b < 248 && len(out) < cap(out) { // 248 = 4*62: no modulo bias
				out = append(out, idAlphabet[b%62])
			}
		}
	}
	return string(out)
}
