// Package store keeps the sync's durable state in SQL: the shop mirror (customers and orders
// as last exported), the identity map from persons to Daktela contacts, fingerprints of what
// was written, watermarks, raw feed downloads, per-run staging and the merge reports.
//
// SQLite (a file in the data directory) is the default; PostgreSQL serves several workers.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Store is a handle on the state database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect dialect
}

type dialect int

const (
	sqlite dialect = iota
	postgres
)

// Open connects to the state database named by dsn and creates its tables when missing.
// A dsn is "sqlite:<path>" (or a bare path ending in .db) or a postgres:// URL.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: create tables: %w", err)
	}
	return s, nil
}

func open(dsn string) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		db.SetMaxOpenConns(16)
		return &Store{db: db, dialect: postgres}, nil
	case strings.HasPrefix(dsn, "sqlite:"), strings.HasSuffix(dsn, ".db"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("store: %w", err)
			}
		}
		// WAL lets readers (the report server) work beside the writer; the busy timeout
		// makes concurrent activities wait for the single writer instead of failing.
		db, err := sql.Open("sqlite", "file:"+path+
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(30000)&_pragma=synchronous(NORMAL)")
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		db.SetMaxOpenConns(1)
		return &Store{db: db, dialect: sqlite}, nil
	default:
		return nil, fmt.Errorf("store: unsupported dsn %q: want sqlite:<path> or postgres://", redactDSN(dsn))
	}
}

// redactDSN hides a password in a postgres URL so that it can be printed.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return dsn[:scheme+3] + userinfo[:i] + ":xxxxx" + dsn[at:]
	}
	return dsn
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// q rewrites ? placeholders into the dialect's form.
func (s *Store) q(query string) string {
	if s.dialect != postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) blobType() string {
	if s.dialect == postgres {
		return "BYTEA"
	}
	return "BLOB"
}

// migrateLock is the PostgreSQL advisory lock key that serialises schema creation.
const migrateLock = 0x73686f7073796e63 // "shopsync"

// migrate creates the tables in one transaction. On PostgreSQL it first takes an advisory
// lock: workers of a scaled-out deployment start together, and concurrent CREATE TABLE IF
// NOT EXISTS statements for one table can fail there on a catalogue unique index.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.dialect == postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
			return fmt.Errorf("schema lock: %w", err)
		}
	}
	for _, stmt := range append(schema(s.blobType()), mergeSchema(s.blobType())...) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w: %s", err, firstLine(stmt))
		}
	}
	return tx.Commit()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func schema(blob string) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS shop_orders (
			shop TEXT NOT NULL, order_id TEXT NOT NULL, code TEXT NOT NULL, ordered BIGINT NOT NULL,
			email TEXT NOT NULL, phone TEXT NOT NULL, name TEXT NOT NULL, company TEXT NOT NULL,
			street TEXT NOT NULL, city TEXT NOT NULL, zip TEXT NOT NULL, country TEXT NOT NULL,
			total DOUBLE PRECISION NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
			updated BIGINT NOT NULL,
			PRIMARY KEY (shop, order_id))`,
		`CREATE TABLE IF NOT EXISTS shop_customers (
			shop TEXT NOT NULL, guid TEXT NOT NULL, emails TEXT NOT NULL, phone TEXT NOT NULL,
			name TEXT NOT NULL, company TEXT NOT NULL, street TEXT NOT NULL, city TEXT NOT NULL,
			zip TEXT NOT NULL, country TEXT NOT NULL, registered BIGINT NOT NULL,
			extra TEXT NOT NULL, updated BIGINT NOT NULL,
			PRIMARY KEY (shop, guid))`,
		`CREATE TABLE IF NOT EXISTS identity_map (
			shop TEXT NOT NULL, key TEXT NOT NULL, contact TEXT NOT NULL, updated BIGINT NOT NULL,
			PRIMARY KEY (shop, key))`,
		`CREATE TABLE IF NOT EXISTS written_contacts (
			shop TEXT NOT NULL, contact TEXT NOT NULL, fingerprint TEXT NOT NULL,
			fields TEXT NOT NULL, updated BIGINT NOT NULL,
			PRIMARY KEY (shop, contact))`,
		`CREATE TABLE IF NOT EXISTS watermarks (
			shop TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, updated BIGINT NOT NULL,
			PRIMARY KEY (shop, name))`,
		`CREATE TABLE IF NOT EXISTS blobs (
			key TEXT PRIMARY KEY, created BIGINT NOT NULL, data ` + blob + ` NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS run_persons (
			run TEXT NOT NULL, idx INTEGER NOT NULL, contact TEXT NOT NULL,
			fingerprint TEXT NOT NULL, data TEXT NOT NULL,
			action TEXT NOT NULL, message TEXT NOT NULL,
			PRIMARY KEY (run, idx))`,
		`CREATE TABLE IF NOT EXISTS run_notes (
			run TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
			PRIMARY KEY (run, kind, seq))`,
		`CREATE TABLE IF NOT EXISTS runs (
			run TEXT PRIMARY KEY, workflow TEXT NOT NULL, kind TEXT NOT NULL, shop TEXT NOT NULL,
			started BIGINT NOT NULL, finished BIGINT NOT NULL, status TEXT NOT NULL,
			summary TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS order_records (
			shop TEXT NOT NULL, order_id TEXT NOT NULL, record TEXT NOT NULL, updated BIGINT NOT NULL,
			PRIMARY KEY (shop, order_id))`,
		`CREATE TABLE IF NOT EXISTS report_files (
			id TEXT PRIMARY KEY, created BIGINT NOT NULL, name TEXT NOT NULL, size BIGINT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS report_parts (
			id TEXT NOT NULL, part INTEGER NOT NULL, data ` + blob + ` NOT NULL,
			PRIMARY KEY (id, part))`,
	}
}

// ErrNotFound is returned by single-row reads that found nothing.
var ErrNotFound = errors.New("not found")

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// inTx runs fn in a transaction and commits it when fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
