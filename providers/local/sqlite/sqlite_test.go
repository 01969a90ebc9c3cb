package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paykit-go/paykit/providers/local"
	"github.com/paykit-go/paykit/providers/local/sqlite"
	"github.com/paykit-go/paykit/providers/local/storetest"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) local.Store {
		return open(t, filepath.Join(t.TempDir(), "paykit.db"))
	})
}

func TestOpenRefusesNonFiles(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", "x.db?mode=memory", "a#b"} {
		if s, err := sqlite.Open(p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	return queryInt(t, path, "PRAGMA user_version")
}

// queryInt answers a query of one number on the database file at path.
func queryInt(t *testing.T, path, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(query).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchemaMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paykit.db")
	s := open(t, path)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx local.Tx) error {
		return tx.Put("things", local.Record{ID: "a", Keys: map[string]string{"k": "v"}, Data: []byte(`1`)})
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if v := userVersion(t, path); v != sqlite.SchemaVersion || v < 1 {
		t.Fatalf("user_version = %d, want %d", v, sqlite.SchemaVersion)
	}
	// Reopening migrates nothing and keeps the data.
	s = open(t, path)
	if err := s.View(ctx, func(tx local.Tx) error {
		r, ok, err := tx.Get("things", "a")
		if err != nil || !ok || string(r.Data) != "1" || r.Keys["k"] != "v" {
			t.Errorf("after reopening: %+v %v %v", r, ok, err)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A file of a newer schema is refused and left as it is.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := sqlite.Open(path); !errors.Is(err, sqlite.ErrNewerSchema) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open of a version 99 file = %v, want ErrNewerSchema", err)
	}
	if v := userVersion(t, path); v != 99 {
		t.Errorf("the refused file now has version %d", v)
	}
}

// Two stores on one file stand for two processes: their Updates are
// serialized by SQLite's locks and the busy timeout, and none is lost.
func TestTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paykit.db")
	a, b := open(t, path), open(t, path)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, s := range []*sqlite.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < each; n++ {
				id := string(rune('a'+i)) + time.Now().Format("150405.000000000")
				if err := s.Update(ctx, func(tx local.Tx) error {
					return tx.Put("things", local.Record{ID: id, Data: []byte(`1`)})
				}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := a.View(ctx, func(tx local.Tx) error {
		recs, _, err := tx.List("things", local.Query{})
		if len(recs) != 2*each {
			t.Errorf("%d records after %d inserts from two stores", len(recs), 2*each)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// execSQL runs statements on the database file at path.
func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
}

// Open marks its databases with PRAGMA application_id and refuses a
// database of something else instead of adding its tables to it.
func TestOpenRefusesForeignDatabases(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	open(t, fresh).Close()
	if id := queryInt(t, fresh, "PRAGMA application_id"); id != sqlite.ApplicationID {
		t.Errorf("application_id of a new store = %#x, want %#x", id, sqlite.ApplicationID)
	}

	// The app's own database (user_version 0, no application_id).
	app := filepath.Join(dir, "app.db")
	execSQL(t, app, "CREATE TABLE users (id INTEGER PRIMARY KEY)")
	// A database claiming to be a store, with a schema of something else.
	claims := filepath.Join(dir, "claims.db")
	execSQL(t, claims, "CREATE TABLE widgets (id INTEGER PRIMARY KEY)",
		fmt.Sprintf("PRAGMA application_id = %d", sqlite.ApplicationID), "PRAGMA user_version = 1")
	// Another program's database.
	other := filepath.Join(dir, "other.db")
	execSQL(t, other, "PRAGMA application_id = 42")
	for _, path := range []string{app, claims, other} {
		s, err := sqlite.Open(path)
		if !errors.Is(err, sqlite.ErrForeignDatabase) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Open(%s) = %v, want ErrForeignDatabase", filepath.Base(path), err)
			continue
		}
		if n := queryInt(t, path, "SELECT count(*) FROM sqlite_schema WHERE name = 'records'"); n != 0 {
			t.Errorf("Open(%s) added its tables", filepath.Base(path))
		}
	}

	// A store written before stores were marked is marked and kept.
	old := filepath.Join(dir, "old.db")
	s := open(t, old)
	if err := s.Update(context.Background(), func(tx local.Tx) error {
		return tx.Put("things", local.Record{ID: "a", Data: []byte(`1`)})
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	execSQL(t, old, "PRAGMA application_id = 0")
	open(t, old).Close()
	if id := queryInt(t, old, "PRAGMA application_id"); id != sqlite.ApplicationID {
		t.Errorf("application_id of an older store = %#x, want %#x", id, sqlite.ApplicationID)
	}
}
