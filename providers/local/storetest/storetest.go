// Package storetest is the contract suite of local.Store implementations:
// every Store the local provider runs on passes Run.
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) local.Store { return local.NewMemoryStore() })
//	}
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit/providers/local"
)

// Run checks the Store contract against fresh stores made by open: gets,
// puts, deletes, lists in both orders with keys, bounds and limits,
// sequence numbers, rollback of a failed Update, read-only Views,
// canceled contexts, and serialized concurrent Updates.
func Run(t *testing.T, open func(t *testing.T) local.Store) {
	t.Helper()
	t.Run("Lists", func(t *testing.T) { lists(t, open(t)) })
	t.Run("Rollback", func(t *testing.T) { rollback(t, open(t)) })
	t.Run("Records", func(t *testing.T) { records(t, open(t)) })
	t.Run("ReadOnlyAndCanceled", func(t *testing.T) { readOnly(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { concurrent(t, open(t)) })
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, tx local.Tx, id, color string) {
	t.Helper()
	keys := map[string]string{"color": color}
	if color == "" {
		keys = nil
	}
	if err := tx.Put("things", local.Record{ID: id, Keys: keys, Data: []byte(`"` + id + `"`)}); err != nil {
		t.Fatal(err)
	}
}

func ids(recs []local.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

func list(t *testing.T, s local.Store, q local.Query) ([]string, bool) {
	t.Helper()
	var recs []local.Record
	var more bool
	if err := s.View(ctxFor(t), func(tx local.Tx) error {
		var err error
		recs, more, err = tx.List("things", q)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return ids(recs), more
}

func get(t *testing.T, s local.Store, coll, id string) (local.Record, bool) {
	t.Helper()
	var rec local.Record
	var ok bool
	if err := s.View(ctxFor(t), func(tx local.Tx) error {
		var err error
		rec, ok, err = tx.Get(coll, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return rec, ok
}

// fill puts a..e, alternately red and blue, and one thing of another
// collection in between.
func fill(t *testing.T, s local.Store) {
	t.Helper()
	err := s.Update(ctxFor(t), func(tx local.Tx) error {
		for i, id := range []string{"a", "b", "c", "d", "e"} {
			put(t, tx, id, []string{"red", "blue"}[i%2])
			if id == "b" {
				if err := tx.Put("others", local.Record{ID: "z", Data: []byte(`{}`)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func lists(t *testing.T, s local.Store) {
	fill(t, s)
	seq := func(id string) int64 { r, _ := get(t, s, "things", id); return r.Seq }
	for _, c := range []struct {
		name string
		q    local.Query
		want []string
		more bool
	}{
		{"newest first", local.Query{}, []string{"e", "d", "c", "b", "a"}, false},
		{"oldest first", local.Query{Ascending: true}, []string{"a", "b", "c", "d", "e"}, false},
		{"limit", local.Query{Limit: 2}, []string{"e", "d"}, true},
		{"limit exactly all", local.Query{Limit: 5}, []string{"e", "d", "c", "b", "a"}, false},
		{"after, newest first", local.Query{After: seq("d"), Limit: 2}, []string{"c", "b"}, true},
		{"after, oldest first", local.Query{After: seq("c"), Ascending: true}, []string{"d", "e"}, false},
		{"keys", local.Query{Keys: map[string]string{"color": "red"}}, []string{"e", "c", "a"}, false},
		{"keys and limit", local.Query{Keys: map[string]string{"color": "blue"}, Limit: 1}, []string{"d"}, true},
		{"keys, after, oldest first", local.Query{Keys: map[string]string{"color": "red"}, After: seq("a"), Ascending: true}, []string{"c", "e"}, false},
		{"no match", local.Query{Keys: map[string]string{"color": "green"}}, nil, false},
		{"two keys", local.Query{Keys: map[string]string{"color": "red", "size": "L"}}, nil, false},
	} {
		got, more := list(t, s, c.q)
		if !slices.Equal(got, c.want) || more != c.more {
			t.Errorf("%s: %v more=%v, want %v more=%v", c.name, got, more, c.want, c.more)
		}
	}
	// A key asked to be empty matches records without it, as a missing
	// map entry reads "".
	if err := s.Update(ctxFor(t), func(tx local.Tx) error { put(t, tx, "f", ""); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := list(t, s, local.Query{Keys: map[string]string{"color": ""}}); !slices.Equal(got, []string{"f"}) {
		t.Errorf("empty key value matched %v, want [f]", got)
	}
	var missing []local.Record
	err := s.View(ctxFor(t), func(tx local.Tx) error {
		var err error
		missing, _, err = tx.List("nothing", local.Query{})
		return err
	})
	if err != nil || len(missing) != 0 {
		t.Errorf("a missing collection lists %v, %v", ids(missing), err)
	}
}

func rollback(t *testing.T, s local.Store) {
	fill(t, s)
	before, _ := get(t, s, "things", "b")
	boom := errors.New("boom")
	err := s.Update(ctxFor(t), func(tx local.Tx) error {
		put(t, tx, "f", "red")
		put(t, tx, "b", "green")
		if err := tx.Delete("things", "c"); err != nil {
			return err
		}
		if err := tx.Delete("things", "b"); err != nil {
			return err
		}
		if r, ok, _ := tx.Get("things", "f"); !ok || string(r.Data) != `"f"` {
			t.Error("a transaction does not see its own insert")
		}
		if _, ok, _ := tx.Get("things", "c"); ok {
			t.Error("a transaction sees a record it deleted")
		}
		if recs, _, _ := tx.List("things", local.Query{Keys: map[string]string{"color": "red"}}); !slices.Equal(ids(recs), []string{"f", "e", "a"}) {
			t.Errorf("a transaction lists %v, want its own writes [f e a]", ids(recs))
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if got, _ := list(t, s, local.Query{Ascending: true}); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("after rollback: %v", got)
	}
	if got, _ := list(t, s, local.Query{Keys: map[string]string{"color": "blue"}}); !slices.Equal(got, []string{"d", "b"}) {
		t.Errorf("keys after rollback: %v", got)
	}
	if after, _ := get(t, s, "things", "b"); after.Seq != before.Seq || string(after.Data) != `"b"` {
		t.Errorf("b after rollback = %+v, want %+v", after, before)
	}
}

func records(t *testing.T, s local.Store) {
	ctx := ctxFor(t)
	fill(t, s)
	a, _ := get(t, s, "things", "a")
	b, _ := get(t, s, "things", "b")
	z, _ := get(t, s, "others", "z")
	e, _ := get(t, s, "things", "e")
	if !(a.Seq > 0 && a.Seq < b.Seq && b.Seq < z.Seq && z.Seq < e.Seq) {
		t.Errorf("sequence numbers a=%d b=%d z=%d e=%d are not increasing across collections", a.Seq, b.Seq, z.Seq, e.Seq)
	}
	if !maps.Equal(a.Keys, map[string]string{"color": "red"}) || string(a.Data) != `"a"` {
		t.Errorf("Get(a) = %+v", a)
	}
	data, _ := json.Marshal(map[string]any{"big": string(make([]byte, 64<<10)), "unicode": "¥1500 — ok"})
	err := s.Update(ctx, func(tx local.Tx) error {
		// A replace keeps the record's place whatever Seq says; a delete
		// of a missing record is no error.
		if err := tx.Put("things", local.Record{ID: "b", Seq: 999, Keys: map[string]string{"color": "green", "email": ""}, Data: data}); err != nil {
			return err
		}
		return tx.Delete("things", "missing")
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := get(t, s, "things", "b")
	if got.Seq != b.Seq || string(got.Data) != string(data) || got.Keys["color"] != "green" {
		t.Errorf("replaced b: seq %d (want %d), keys %v, %d bytes", got.Seq, b.Seq, got.Keys, len(got.Data))
	}
	if l, _ := list(t, s, local.Query{Keys: map[string]string{"color": "blue"}}); !slices.Equal(l, []string{"d"}) {
		t.Errorf("the replaced record is still indexed by its old key: %v", l)
	}
	// A deleted and re-inserted record goes to the end.
	err = s.Update(ctx, func(tx local.Tx) error {
		if err := tx.Delete("things", "a"); err != nil {
			return err
		}
		put(t, tx, "a", "red")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := list(t, s, local.Query{Limit: 1}); !slices.Equal(l, []string{"a"}) {
		t.Errorf("re-inserted a is not newest: %v", l)
	}
	if r, _ := get(t, s, "things", "a"); r.Seq <= e.Seq {
		t.Errorf("re-inserted a has seq %d, not beyond %d", r.Seq, e.Seq)
	}
	if _, ok := get(t, s, "things", "nope"); ok {
		t.Error("Get of a missing id found a record")
	}
}

func readOnly(t *testing.T, s local.Store) {
	ctx := ctxFor(t)
	fill(t, s)
	if err := s.View(ctx, func(tx local.Tx) error { return tx.Put("things", local.Record{ID: "x", Data: []byte(`1`)}) }); err == nil {
		t.Error("Put in a View succeeded")
	}
	if err := s.View(ctx, func(tx local.Tx) error { return tx.Delete("things", "a") }); err == nil {
		t.Error("Delete in a View succeeded")
	}
	if _, ok := get(t, s, "things", "a"); !ok {
		t.Error("a View deleted a record")
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	if err := s.Update(canceled, func(local.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Update with a canceled ctx = %v, ran %v", err, ran)
	}
	if err := s.View(canceled, func(local.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("View with a canceled ctx = %v, ran %v", err, ran)
	}
}

// concurrent runs read-modify-write Updates from many goroutines, with
// Views alongside: no update is lost and every View sees a committed
// state.
func concurrent(t *testing.T, s local.Store) {
	ctx := ctxFor(t)
	const workers, each = 8, 15
	type counter struct{ N, Twice int }
	write := func(tx local.Tx, c counter) error {
		data, _ := json.Marshal(c)
		return tx.Put("counters", local.Record{ID: "n", Data: data})
	}
	read := func(tx local.Tx) (counter, error) {
		var c counter
		r, _, err := tx.Get("counters", "n")
		if err == nil {
			err = json.Unmarshal(r.Data, &c)
		}
		return c, err
	}
	if err := s.Update(ctx, func(tx local.Tx) error { return write(tx, counter{}) }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := s.Update(ctx, func(tx local.Tx) error {
					c, err := read(tx)
					if err != nil {
						return err
					}
					c.N++
					if err := write(tx, c); err != nil {
						return err
					}
					c.Twice = 2 * c.N // a second write of the same transaction
					return write(tx, c)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := s.View(ctx, func(tx local.Tx) error {
					c, err := read(tx)
					if err != nil {
						return err
					}
					if c.Twice != 2*c.N {
						return fmt.Errorf("a View saw half a transaction: %+v", c)
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var c counter
	_ = s.View(ctx, func(tx local.Tx) error { c, _ = read(tx); return nil })
	if c.N != workers*each {
		t.Errorf("counter = %d after %d increments: updates were lost", c.N, workers*each)
	}
}
