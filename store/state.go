package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Identity returns the whole identity map of a shop: identity key -> Daktela contact name.
// Keys are "customer:<guid>", "email:<e-mail>", "phone:<e164>" and "order:<id>".
func (s *Store) Identity(ctx context.Context, shop string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx,
		s.q(`SELECT key, contact FROM identity_map WHERE shop = ?`), shop)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[string]string)
	for rows.Next() {
		var k, c string
		if err := rows.Scan(&k, &c); err != nil {
			return nil, err
		}
		m[k] = c
	}
	return m, rows.Err()
}

// PutIdentity records that each key belongs to the given contact.
func (s *Store) PutIdentity(ctx context.Context, shop string, keys map[string]string) error {
	now := time.Now().UnixMilli()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO identity_map (shop, key, contact, updated)
			VALUES (?, ?, ?, ?) ON CONFLICT (shop, key) DO UPDATE SET contact = excluded.contact,
			updated = excluded.updated`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for k, c := range keys {
			if _, err := stmt.ExecContext(ctx, shop, k, c, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Written is what the sync last wrote into a contact.
type Written struct {
	Fingerprint string
	Fields      string // JSON of the rendered fields
}

// WrittenContacts returns what the sync last wrote into each of the named contacts; contacts
// it never wrote are absent from the map.
func (s *Store) WrittenContacts(ctx context.Context, shop string, names []string) (map[string]Written, error) {
	out := make(map[string]Written, len(names))
	err := s.lookup(ctx, `SELECT contact, fingerprint, fields FROM written_contacts
		WHERE shop = ? AND contact IN (%s)`, shop, names, func(rows *sql.Rows) error {
		var name string
		var w Written
		if err := rows.Scan(&name, &w.Fingerprint, &w.Fields); err != nil {
			return err
		}
		out[name] = w
		return nil
	})
	return out, err
}

// IdentityOf returns the contacts the identity map holds for the given keys of a shop; keys
// it does not hold are absent from the map.
func (s *Store) IdentityOf(ctx context.Context, shop string, keys []string) (map[string]string, error) {
	return s.lookupPairs(ctx, `SELECT key, contact FROM identity_map WHERE shop = ? AND key IN (%s)`,
		shop, keys)
}

// lookupPairs is lookup for a query selecting two text columns, returned as a map from the
// first to the second.
func (s *Store) lookupPairs(ctx context.Context, query, shop string, values []string) (map[string]string, error) {
	out := make(map[string]string, len(values))
	err := s.lookup(ctx, query, shop, values, func(rows *sql.Rows) error {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	return out, err
}

// lookupChunk is how many values one lookup query lists, well under every dialect's limit
// of bound parameters.
const lookupChunk = 500

// lookup runs query, whose %s stands for a list of placeholders, with the shop and the
// values in chunks, and calls scan for every row.
func (s *Store) lookup(ctx context.Context, query, shop string, values []string,
	scan func(*sql.Rows) error) error {
	for len(values) > 0 {
		n := min(lookupChunk, len(values))
		args := make([]any, 0, n+1)
		args = append(args, shop)
		for _, v := range values[:n] {
			args = append(args, v)
		}
		ph := strings.Repeat("?,", n)
		rows, err := s.db.QueryContext(ctx, s.q(fmt.Sprintf(query, ph[:len(ph)-1])), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
}

// Watermark reads a named watermark of a shop; ok is false when it was never set.
func (s *Store) Watermark(ctx context.Context, shop, name string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT value FROM watermarks WHERE shop = ? AND name = ?`),
		shop, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetWatermark sets a named watermark of a shop.
func (s *Store) SetWatermark(ctx context.Context, shop, name, value string) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO watermarks (shop, name, value, updated)
		VALUES (?, ?, ?, ?) ON CONFLICT (shop, name) DO UPDATE SET value = excluded.value,
		updated = excluded.updated`), shop, name, value, time.Now().UnixMilli())
	return err
}

// PutBlob stores raw bytes under a key, unless the key already holds some: the first copy
// of a download wins, so a retry re-reads exactly what arrived the first time.
func (s *Store) PutBlob(ctx context.Context, key string, data []byte) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO blobs (key, created, data) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`), key, time.Now().UnixMilli(), data)
	return err
}

// DeleteBlob removes what key holds, if anything, so that the next PutBlob stores anew.
func (s *Store) DeleteBlob(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM blobs WHERE key = ?`), key)
	return err
}

// DeleteBlobsBefore removes the blobs under prefix stored before t and returns how many.
// The prefix is a key's kind ("feed/"), which holds no LIKE wildcard.
func (s *Store) DeleteBlobsBefore(ctx context.Context, prefix string, t time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM blobs WHERE key LIKE ? AND created < ?`),
		prefix+"%", t.UnixMilli())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Blob returns the bytes stored under key, or ErrNotFound.
func (s *Store) Blob(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT data FROM blobs WHERE key = ?`), key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, err
}
