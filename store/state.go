package store

import (
	"context"
	"database/sql"
	"errors"
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
	const chunk = 500
	for len(names) > 0 {
		n := min(chunk, len(names))
		args := []any{shop}
		ph := make([]byte, 0, 2*n)
		for i, name := range names[:n] {
			if i > 0 {
				ph = append(ph, ',')
			}
			ph = append(ph, '?')
			args = append(args, name)
		}
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT contact, fingerprint, fields
			FROM written_contacts WHERE shop = ? AND contact IN (`+string(ph)+`)`), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			var w Written
			if err := rows.Scan(&name, &w.Fingerprint, &w.Fields); err != nil {
				rows.Close()
				return nil, err
			}
			out[name] = w
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		names = names[n:]
	}
	return out, nil
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

// Blob returns the bytes stored under key, or ErrNotFound.
func (s *Store) Blob(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT data FROM blobs WHERE key = ?`), key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, err
}

// PutReport stores a finished report file under id.
func (s *Store) PutReport(ctx context.Context, id, name string, data []byte) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO reports (id, created, name, data)
		VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,
		data = excluded.data, created = excluded.created`), id, time.Now().UnixMilli(), name, data)
	return err
}

// Report returns a stored report's file name and bytes, or ErrNotFound.
func (s *Store) Report(ctx context.Context, id string) (name string, data []byte, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT name, data FROM reports WHERE id = ?`), id).
		Scan(&name, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, ErrNotFound
	}
	return name, data, err
}
