package local

import (
	"context"
	"errors"
	"iter"
	"maps"
	"sync"

	"github.com/google/btree"
)

// Store keeps the state of a Simulator: its resources, emitted events with
// their delivery log, idempotency records and clock. Every state machine
// of the simulator reads and writes through a Tx, so a Store backed by a
// database persists the simulator without changing its behaviour.
//
// The default is NewMemoryStore. Implementations must be safe for
// concurrent use and must serialize Update transactions.
type Store interface {
	// Update runs fn in a read-write transaction. If fn returns nil, all
	// its writes become visible at once; otherwise none of them do and
	// Update returns fn's error unchanged.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees a consistent state.
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction of a Store. It is valid only inside the function
// given to Update or View, and is not safe for concurrent use.
type Tx interface {
	// Get returns the record with id in collection, and false when there
	// is none.
	Get(collection, id string) (Record, bool, error)
	// Put inserts or replaces the record with rec.ID. An inserted record
	// gets the next sequence number of the store; a replaced one keeps
	// its own, whatever rec.Seq says.
	Put(collection string, rec Record) error
	// Delete removes the record with id; removing a missing one is no
	// error.
	Delete(collection, id string) error
	// List returns the records of collection matching q, in sequence
	// order, and whether more match beyond q.Limit.
	List(collection string, q Query) ([]Record, bool, error)
}

// Record is one stored object: its id, its insertion sequence number (the
// order of lists), the index keys lists filter on, and its JSON encoding.
type Record struct {
	ID string
	// Seq orders records of a collection by insertion; the store assigns
	// it.
	Seq int64
	// Keys are exact-match index entries, e.g. {"customer": "cus_1"}.
	Keys map[string]string
	// Data is the record's JSON encoding. Callers must not modify it.
	Data []byte
}

// Query selects records of one collection.
type Query struct {
	// Keys, when set, keeps only records whose Keys hold every pair.
	Keys map[string]string
	// After, when positive, keeps only records beyond this sequence
	// number in the direction of the list (below it when newest first).
	After int64
	// Ascending lists oldest first; the default is newest first.
	Ascending bool
	// Limit bounds the result; 0 returns every match.
	Limit int
}

// matches reports whether rec satisfies q's keys and bound.
func (q *Query) matches(rec *Record) bool {
	if q.After > 0 && (q.Ascending && rec.Seq <= q.After || !q.Ascending && rec.Seq >= q.After) {
		return false
	}
	for k, v := range q.Keys {
		if rec.Keys[k] != v {
			return false
		}
	}
	return true
}

// MemoryStore is the in-memory Store, the default of a Simulator. Update
// transactions hold an exclusive lock and are undone on error; View
// transactions share a read lock.
//
// Each collection is a B-tree in sequence order with one more per index
// key and value, so a Get costs O(1), a write O(log n), and a List
// O(log n) plus the records it skips and returns: a List by key only
// visits records holding that key (the index with the fewest records
// when several keys are asked for).
type MemoryStore struct {
	mu    sync.RWMutex
	seq   int64
	colls map[string]*memCollection
}

type memCollection struct {
	byID  map[string]*Record
	order *btree.BTreeG[*Record] // every record, by Seq
	// index holds, per key and value ("k\x00v"), the records with
	// Keys[k] == v, by Seq; values "" are not indexed.
	index map[string]*btree.BTreeG[*Record]
}

// btreeDegree is the degree of the collections' B-trees: nodes of up to
// 63 records.
const btreeDegree = 32

func bySeq(a, b *Record) bool { return a.Seq < b.Seq }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{colls: map[string]*memCollection{}}
}

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{s: s, writable: true}
	if err := fn(tx); err != nil {
		tx.rollback()
		return err
	}
	return nil
}

// View implements Store.
func (s *MemoryStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&memTx{s: s})
}

// memTx applies writes in place and keeps an undo log, which is safe
// because an Update holds the store's exclusive lock throughout.
type memTx struct {
	s        *MemoryStore
	writable bool
	undo     []func()
	// visited counts the records List examined, which tests of its cost
	// read.
	visited int
}

var errReadOnly = errors.New("local: write in a read-only transaction")

func (t *memTx) coll(name string, create bool) *memCollection {
	c := t.s.colls[name]
	if c == nil && create {
		c = &memCollection{byID: map[string]*Record{}, order: btree.NewG(btreeDegree, bySeq), index: map[string]*btree.BTreeG[*Record]{}}
		t.s.colls[name] = c
	}
	return c
}

func (t *memTx) Get(collection, id string) (Record, bool, error) {
	c := t.coll(collection, false)
	if c == nil {
		return Record{}, false, nil
	}
	r, ok := c.byID[id]
	if !ok {
		return Record{}, false, nil
	}
	return *r, true, nil
}

func (t *memTx) Put(collection string, rec Record) error {
	if !t.writable {
		return errReadOnly
	}
	c := t.coll(collection, true)
	rec.Keys = maps.Clone(rec.Keys)
	if old, ok := c.byID[rec.ID]; ok {
		prev := *old
		rec.Seq = old.Seq
		c.replace(old, rec)
		t.undo = append(t.undo, func() { c.replace(old, prev) })
		return nil
	}
	t.s.seq++
	rec.Seq = t.s.seq
	r := &rec
	c.insert(r)
	t.undo = append(t.undo, func() { c.remove(r) })
	return nil
}

func (t *memTx) Delete(collection, id string) error {
	if !t.writable {
		return errReadOnly
	}
	c := t.coll(collection, false)
	if c == nil {
		return nil
	}
	r, ok := c.byID[id]
	if !ok {
		return nil
	}
	c.remove(r)
	t.undo = append(t.undo, func() { c.insert(r) })
	return nil
}

func (t *memTx) List(collection string, q Query) ([]Record, bool, error) {
	c := t.coll(collection, false)
	if c == nil {
		return nil, false, nil
	}
	tree := c.order
	for k, v := range q.Keys {
		if v == "" {
			continue
		}
		ix := c.index[indexKey(k, v)]
		if ix == nil {
			return nil, false, nil
		}
		if ix.Len() < tree.Len() {
			tree = ix
		}
	}
	var out []Record
	more := false
	visit := func(r *Record) bool {
		t.visited++
		if !q.matches(r) {
			return true
		}
		if q.Limit > 0 && len(out) == q.Limit {
			more = true
			return false
		}
		out = append(out, *r)
		return true
	}
	switch {
	case q.Ascending && q.After > 0:
		tree.AscendGreaterOrEqual(&Record{Seq: q.After + 1}, visit)
	case q.Ascending:
		tree.Ascend(visit)
	case q.After > 0:
		tree.DescendLessOrEqual(&Record{Seq: q.After - 1}, visit)
	default:
		tree.Descend(visit)
	}
	return out, more, nil
}

func (t *memTx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

func indexKey(k, v string) string { return k + "\x00" + v }

func (c *memCollection) insert(r *Record) {
	c.byID[r.ID] = r
	c.order.ReplaceOrInsert(r)
	c.indexRecord(r)
}

func (c *memCollection) remove(r *Record) {
	c.unindexRecord(r)
	c.order.Delete(r)
	delete(c.byID, r.ID)
}

// replace sets the stored record r to rec, which has r's Seq, moving it
// between indexes as its keys change.
func (c *memCollection) replace(r *Record, rec Record) {
	c.unindexRecord(r)
	*r = rec
	c.indexRecord(r)
}

// indexKeys yields the index entries of r: one per key with a value.
func indexKeys(r *Record) iter.Seq[string] {
	return func(yield func(string) bool) {
		for k, v := range r.Keys {
			if v != "" && !yield(indexKey(k, v)) {
				return
			}
		}
	}
}

func (c *memCollection) indexRecord(r *Record) {
	for ik := range indexKeys(r) {
		ix := c.index[ik]
		if ix == nil {
			ix = btree.NewG(btreeDegree, bySeq)
			c.index[ik] = ix
		}
		ix.ReplaceOrInsert(r)
	}
}

func (c *memCollection) unindexRecord(r *Record) {
	for ik := range indexKeys(r) {
		if ix := c.index[ik]; ix != nil {
			ix.Delete(r)
			if ix.Len() == 0 {
				delete(c.index, ik)
			}
		}
	}
}
