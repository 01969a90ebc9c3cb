// Package sqlite is a local.Store in a SQLite database file, so that the
// local provider's state (resources, events with their delivery log,
// idempotency records, the simulated clock) survives restarts. It runs on
// modernc.org/sqlite, a pure-Go SQLite: no cgo, no system library.
//
//	store, err := sqlite.Open("paykit-dev.db")
//	if err != nil { ... }
//	defer store.Close()
//	sim := local.Provider(local.WithStore(store), ...)
//
// The database runs in WAL mode with a busy timeout: Views read a
// consistent snapshot while an Update writes, and Updates are serialized,
// also across processes sharing the file. The schema is versioned
// (PRAGMA user_version) and migrated forward by Open; a file written by a
// newer version is refused rather than damaged.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paykit-go/paykit/providers/local"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// BusyTimeout is how long a statement waits for a lock another
// connection or process holds before failing.
const BusyTimeout = 5 * time.Second

// migrations are the schema versions: migrations[i] takes the database
// from version i to i+1. Append; never edit a released step.
var migrations = [][]string{
	{ // 1: records with their index keys
		`CREATE TABLE records (
			seq  INTEGER PRIMARY KEY AUTOINCREMENT,
			coll TEXT NOT NULL,
			id   TEXT NOT NULL,
			keys TEXT NOT NULL,
			data BLOB NOT NULL,
			UNIQUE (coll, id)
		)`,
		`CREATE INDEX records_by_coll ON records (coll, seq)`,
		`CREATE TABLE record_keys (
			seq  INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
			coll TEXT NOT NULL,
			k    TEXT NOT NULL,
			v    TEXT NOT NULL,
			PRIMARY KEY (seq, k)
		)`,
		`CREATE INDEX record_keys_lookup ON record_keys (coll, k, v, seq)`,
	},
}

// ApplicationID marks a database file as a paykit local store (PRAGMA
// application_id, "pkit").
const ApplicationID = 0x706b6974

// ErrForeignDatabase is returned by Open for a database that is no paykit
// local store: another program's (another application_id, or none on a
// database that has tables), or one marked as a store whose tables are not
// a store's.
var ErrForeignDatabase = errors.New("the database is not a paykit local store: give paykit a file of its own")

// schemaObjects are the tables and indexes the migrations create: add
// those of a new migration.
var schemaObjects = map[string]bool{"records": true, "records_by_coll": true, "record_keys": true, "record_keys_lookup": true}

// SchemaVersion is the schema version Open migrates a database to.
var SchemaVersion = len(migrations)

// Store is a local.Store in one SQLite file. It is safe for concurrent
// use; close it when done.
type Store struct {
	db *sql.DB
	// mu serializes Updates of this process, so that they queue here
	// instead of on SQLite's busy timeout.
	mu sync.Mutex
}

var _ local.Store = (*Store)(nil)

// Open opens the database file at path, creating it when missing, and
// migrates its schema to SchemaVersion.
func Open(path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: %q is not a database file path (use local.NewMemoryStore for memory)", path)
	}
	dsn := path + "?_pragma=busy_timeout(" + fmt.Sprint(BusyTimeout.Milliseconds()) + ")" +
		"&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_pragma=foreign_keys(on)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s := &Store{db: db}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// ErrNewerSchema is returned by Open for a database written by a newer
// version of this package.
var ErrNewerSchema = errors.New("the database was written by a newer paykit: its schema version is unknown")

func (s *Store) migrate(ctx context.Context) error {
	return s.Update(ctx, func(t local.Tx) error {
		tx := t.(*tx)
		var v, app int
		if err := tx.conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		if err := tx.conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
			return err
		}
		if app != 0 && app != ApplicationID {
			return fmt.Errorf("%w (its application_id is %#x)", ErrForeignDatabase, app)
		}
		if v > len(migrations) {
			return fmt.Errorf("%w (%d, this one knows %d)", ErrNewerSchema, v, len(migrations))
		}
		if err := checkSchema(ctx, tx, v); err != nil {
			return err
		}
		if _, err := tx.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
			return err
		}
		for ; v < len(migrations); v++ {
			for _, stmt := range migrations[v] {
				if _, err := tx.conn.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d: %w", v+1, err)
				}
			}
		}
		_, err := tx.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations)))
		return err
	})
}

// checkSchema accepts an empty database of version 0 and one of version
// v >= 1 holding only a store's tables and indexes (a store written
// before stores were marked with ApplicationID has no mark yet): anything
// else is ErrForeignDatabase.
func checkSchema(ctx context.Context, tx *tx, v int) error {
	rows, err := tx.conn.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
	if err != nil {
		return err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if v == 0 && len(names) == 0 {
		return nil
	}
	if v == 0 {
		return fmt.Errorf("%w (it has tables, such as %q, and no paykit mark)", ErrForeignDatabase, names[0])
	}
	for _, n := range names {
		if !schemaObjects[n] {
			return fmt.Errorf("%w (it has a table or index %q of no store)", ErrForeignDatabase, n)
		}
	}
	if !slices.Contains(names, "records") || !slices.Contains(names, "record_keys") {
		return fmt.Errorf("%w (the tables of a store are missing)", ErrForeignDatabase)
	}
	return nil
}

// Update implements local.Store: fn runs in an IMMEDIATE transaction,
// committed when fn returns nil and rolled back otherwise.
func (s *Store) Update(ctx context.Context, fn func(local.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run(ctx, "BEGIN IMMEDIATE", true, fn)
}

// View implements local.Store: fn runs in a read transaction, which sees
// one snapshot of the database.
func (s *Store) View(ctx context.Context, fn func(local.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.run(ctx, "BEGIN", false, fn)
}

func (s *Store) run(ctx context.Context, begin string, writable bool, fn func(local.Tx) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return err
	}
	// Ending the transaction must not be canceled half-way, or the
	// connection would go back to the pool inside it.
	end := context.WithoutCancel(ctx)
	if err := fn(&tx{ctx: ctx, conn: conn, writable: writable}); err != nil {
		if _, rbErr := conn.ExecContext(end, "ROLLBACK"); rbErr != nil {
			discard(conn)
		}
		return err
	}
	if !writable {
		_, err = conn.ExecContext(end, "ROLLBACK")
	} else if _, err = conn.ExecContext(end, "COMMIT"); err != nil {
		if _, rbErr := conn.ExecContext(end, "ROLLBACK"); rbErr != nil {
			discard(conn)
		}
	}
	return err
}

// discard makes database/sql close conn instead of pooling it.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}

// tx is one transaction on one connection.
type tx struct {
	ctx      context.Context
	conn     *sql.Conn
	writable bool
}

var errReadOnly = errors.New("sqlite: write in a read-only transaction")

func (t *tx) Get(collection, id string) (local.Record, bool, error) {
	rec := local.Record{ID: id}
	var keys string
	err := t.conn.QueryRowContext(t.ctx, `SELECT seq, keys, data FROM records WHERE coll = ? AND id = ?`, collection, id).
		Scan(&rec.Seq, &keys, &rec.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return local.Record{}, false, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(keys), &rec.Keys)
	}
	return rec, err == nil, err
}

func (t *tx) Put(collection string, rec local.Record) error {
	if !t.writable {
		return errReadOnly
	}
	keys, err := json.Marshal(rec.Keys)
	if err != nil {
		return err
	}
	if rec.Data == nil {
		rec.Data = []byte{}
	}
	var seq int64
	err = t.conn.QueryRowContext(t.ctx, `INSERT INTO records (coll, id, keys, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (coll, id) DO UPDATE SET keys = excluded.keys, data = excluded.data
		RETURNING seq`, collection, rec.ID, string(keys), rec.Data).Scan(&seq)
	if err != nil {
		return err
	}
	if _, err := t.conn.ExecContext(t.ctx, `DELETE FROM record_keys WHERE seq = ?`, seq); err != nil {
		return err
	}
	// An empty value is not indexed: a Query asking for "" matches
	// records without the key, as a missing map entry reads "".
	for k, v := range rec.Keys {
		if v == "" {
			continue
		}
		if _, err := t.conn.ExecContext(t.ctx, `INSERT INTO record_keys (seq, coll, k, v) VALUES (?, ?, ?, ?)`, seq, collection, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) Delete(collection, id string) error {
	if !t.writable {
		return errReadOnly
	}
	if _, err := t.conn.ExecContext(t.ctx, `DELETE FROM record_keys WHERE seq IN (SELECT seq FROM records WHERE coll = ? AND id = ?)`, collection, id); err != nil {
		return err
	}
	_, err := t.conn.ExecContext(t.ctx, `DELETE FROM records WHERE coll = ? AND id = ?`, collection, id)
	return err
}

func (t *tx) List(collection string, q local.Query) ([]local.Record, bool, error) {
	var b strings.Builder
	keys := slices.Sorted(maps.Keys(q.Keys))
	// A list by key walks that key's index in sequence order, so that it
	// reads only the records holding the key, and a limit stops it early.
	drive := slices.IndexFunc(keys, func(k string) bool { return q.Keys[k] != "" })
	seq := "r.seq"
	var args []any
	if drive >= 0 {
		seq = "d.seq"
		b.WriteString(`SELECT r.seq, r.id, r.keys, r.data FROM record_keys d JOIN records r ON r.seq = d.seq WHERE d.coll = ? AND d.k = ? AND d.v = ?`)
		args = append(args, collection, keys[drive], q.Keys[keys[drive]])
	} else {
		b.WriteString(`SELECT r.seq, r.id, r.keys, r.data FROM records r WHERE r.coll = ?`)
		args = append(args, collection)
	}
	if q.After > 0 {
		if q.Ascending {
			b.WriteString(` AND ` + seq + ` > ?`)
		} else {
			b.WriteString(` AND ` + seq + ` < ?`)
		}
		args = append(args, q.After)
	}
	for i, k := range keys {
		if i == drive {
			continue
		}
		if v := q.Keys[k]; v != "" {
			b.WriteString(` AND r.seq IN (SELECT seq FROM record_keys WHERE coll = ? AND k = ? AND v = ?)`)
			args = append(args, collection, k, v)
		} else {
			b.WriteString(` AND r.seq NOT IN (SELECT seq FROM record_keys WHERE coll = ? AND k = ?)`)
			args = append(args, collection, k)
		}
	}
	if q.Ascending {
		b.WriteString(` ORDER BY ` + seq + ` ASC`)
	} else {
		b.WriteString(` ORDER BY ` + seq + ` DESC`)
	}
	if q.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, q.Limit+1)
	}
	rows, err := t.conn.QueryContext(t.ctx, b.String(), args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []local.Record
	for rows.Next() {
		var rec local.Record
		var keys string
		if err := rows.Scan(&rec.Seq, &rec.ID, &keys, &rec.Data); err != nil {
			return nil, false, err
		}
		if err := json.Unmarshal([]byte(keys), &rec.Keys); err != nil {
			return nil, false, err
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := q.Limit > 0 && len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}
