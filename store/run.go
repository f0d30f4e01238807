package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Person is one resolved person of a run, staged between the resolve and load steps.
type Person struct {
	Idx         int
	Contact     string
	Fingerprint string
	Data        string // JSON owned by the caller
	Action      string // set by the load step
	Message     string
}

// PutPersons stages resolved persons of a run, replacing earlier ones with the same index so
// that a retried resolve step leaves one copy.
func (s *Store) PutPersons(ctx context.Context, run string, persons []Person) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO run_persons (run, idx, contact,
			fingerprint, data, action, message) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (run, idx) DO UPDATE SET contact = excluded.contact,
			fingerprint = excluded.fingerprint, data = excluded.data, action = excluded.action,
			message = excluded.message`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range persons {
			_, err := stmt.ExecContext(ctx, run, p.Idx, p.Contact, p.Fingerprint, p.Data,
				p.Action, p.Message)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// ScanPersons calls fn for the persons of a run with from <= idx < to, in index order.
func (s *Store) ScanPersons(ctx context.Context, run string, from, to int, fn func(*Person) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT idx, contact, fingerprint, data, action,
		message FROM run_persons WHERE run = ? AND idx >= ? AND idx < ? ORDER BY idx`), run, from, to)
	if err != nil {
		return err
	}
	var batch []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.Idx, &p.Contact, &p.Fingerprint, &p.Data, &p.Action, &p.Message); err != nil {
			rows.Close()
			return err
		}
		batch = append(batch, p)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	// The rows are read before fn runs so that fn may write (SQLite has one connection).
	for i := range batch {
		if err := fn(&batch[i]); err != nil {
			return err
		}
	}
	return nil
}

// CountActions returns how many persons of a run ended with each action.
func (s *Store) CountActions(ctx context.Context, run string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT action, COUNT(*) FROM run_persons
		WHERE run = ? GROUP BY action`), run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			return nil, err
		}
		out[a] = n
	}
	return out, rows.Err()
}

// Note kinds kept per run for the report.
const (
	NoteRejected = "rejected"
	NoteConflict = "conflict"
)

// AddNotes appends JSON-encoded notes of a kind to a run, numbered after the existing ones.
func (s *Store) AddNotes(ctx context.Context, run, kind string, notes []any) error {
	if len(notes) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var next int
		err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(seq), 0) FROM run_notes
			WHERE run = ? AND kind = ?`), run, kind).Scan(&next)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO run_notes (run, seq, kind, data)
			VALUES (?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, n := range notes {
			data, err := json.Marshal(n)
			if err != nil {
				return err
			}
			next++
			if _, err := stmt.ExecContext(ctx, run, next, kind, string(data)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ClearNotes removes a run's notes of a kind, so that a retried step does not list twice.
func (s *Store) ClearNotes(ctx context.Context, run, kind string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM run_notes WHERE run = ? AND kind = ?`), run, kind)
	return err
}

// ScanNotes calls fn with each note of a kind, in the order they were added.
func (s *Store) ScanNotes(ctx context.Context, run, kind string, fn func(data []byte) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT data FROM run_notes WHERE run = ? AND kind = ?
		ORDER BY seq`), run, kind)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return err
		}
		if err := fn(data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Run is the record of one sync run.
type Run struct {
	ID, Workflow, Kind, Shop string
	Started, Finished        time.Time
	Status                   string
	Summary                  string // JSON
}

// PutRun inserts or updates a run record.
func (s *Store) PutRun(ctx context.Context, r Run) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO runs (run, workflow, kind, shop, started,
		finished, status, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run) DO UPDATE
		SET finished = excluded.finished, status = excluded.status, summary = excluded.summary`),
		r.ID, r.Workflow, r.Kind, r.Shop, millis(r.Started), millis(r.Finished), r.Status, r.Summary)
	return err
}

// GetRun reads a run record, or ErrNotFound.
func (s *Store) GetRun(ctx context.Context, id string) (Run, error) {
	var r Run
	var started, finished int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT run, workflow, kind, shop, started, finished,
		status, summary FROM runs WHERE run = ?`), id).Scan(&r.ID, &r.Workflow, &r.Kind, &r.Shop,
		&started, &finished, &r.Status, &r.Summary)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	r.Started, r.Finished = fromMillis(started), fromMillis(finished)
	return r, err
}

// ScanRejectedPersons calls fn with the contact and message of each person of a run whose
// record Daktela refused, in whole or in part (a contact written without a refused value).
func (s *Store) ScanRejectedPersons(ctx context.Context, run string, fn func(contact, message string) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT contact, message FROM run_persons
		WHERE run = ? AND message <> '' ORDER BY idx`), run)
	if err != nil {
		return err
	}
	var pairs [][2]string
	for rows.Next() {
		var c, m string
		if err := rows.Scan(&c, &m); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, [2]string{c, m})
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, p := range pairs {
		if err := fn(p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

// Outcome is what the load step did with one person.
type Outcome struct {
	Idx     int
	Contact string
	Action  string
	Message string
	Written *Written // what the contact now holds; nil when nothing was written
	// Records are the CRM records made for orders, order id -> record name.
	Records map[string]string
}

// RecordOutcomes stores the outcomes of a run's persons and what was written into their
// contacts, in one transaction.
func (s *Store) RecordOutcomes(ctx context.Context, run, shop string, outs []Outcome) error {
	now := time.Now().UnixMilli()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		act, err := tx.PrepareContext(ctx, s.q(`UPDATE run_persons SET action = ?, message = ?
			WHERE run = ? AND idx = ?`))
		if err != nil {
			return err
		}
		defer act.Close()
		wr, err := tx.PrepareContext(ctx, s.q(`INSERT INTO written_contacts (shop, contact,
			fingerprint, fields, updated) VALUES (?, ?, ?, ?, ?) ON CONFLICT (shop, contact)
			DO UPDATE SET fingerprint = excluded.fingerprint, fields = excluded.fields,
			updated = excluded.updated`))
		if err != nil {
			return err
		}
		defer wr.Close()
		rec, err := tx.PrepareContext(ctx, s.q(`INSERT INTO order_records (shop, order_id, record,
			updated) VALUES (?, ?, ?, ?) ON CONFLICT (shop, order_id) DO NOTHING`))
		if err != nil {
			return err
		}
		defer rec.Close()
		for _, o := range outs {
			if _, err := act.ExecContext(ctx, o.Action, o.Message, run, o.Idx); err != nil {
				return err
			}
			for id, name := range o.Records {
				if _, err := rec.ExecContext(ctx, shop, id, name, now); err != nil {
					return err
				}
			}
			if o.Written == nil {
				continue
			}
			_, err := wr.ExecContext(ctx, shop, o.Contact, o.Written.Fingerprint, o.Written.Fields, now)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// OrderRecords returns which of the given orders already have a CRM record: order id ->
// record name.
func (s *Store) OrderRecords(ctx context.Context, shop string, orderIDs []string) (map[string]string, error) {
	return s.lookupPairs(ctx, `SELECT order_id, record FROM order_records
		WHERE shop = ? AND order_id IN (%s)`, shop, orderIDs)
}
