package store

import (
	"context"
	"database/sql"
	"fmt"
)

// mergeSchema holds the tables of a duplicate clean-up: the CRM contacts a run read
// (staged here so that the workflow history carries none of them) and the groups of its
// plan with each group's outcome.
func mergeSchema(blob string) []string {
	_ = blob // no binary columns yet; the parameter keeps the schema functions alike
	return []string{
		`CREATE TABLE IF NOT EXISTS merge_contacts (
			run TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
			PRIMARY KEY (run, idx))`,
		`CREATE TABLE IF NOT EXISTS merge_groups (
			run TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
			result TEXT NOT NULL, kept TEXT NOT NULL, message TEXT NOT NULL,
			PRIMARY KEY (run, seq))`,
	}
}

// MergeContact is one CRM contact read by a clean-up run; Data is the caller's JSON.
type MergeContact struct {
	Idx  int
	Name string
	Data string
}

// MergeGroup is one group of a clean-up plan. Data is the caller's JSON of the group;
// Result, Kept and Message are its outcome, empty until the group was applied.
type MergeGroup struct {
	Seq     int
	ID      string
	Data    string
	Result  string
	Kept    string
	Message string
}

// PutMergeContacts stores contacts of a run, replacing those with the same index, so that
// a resumed read may write a page again.
func (s *Store) PutMergeContacts(ctx context.Context, run string, cs []MergeContact) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO merge_contacts (run, idx, name, data)
			VALUES (?, ?, ?, ?) ON CONFLICT (run, idx) DO UPDATE SET name = excluded.name,
			data = excluded.data`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			if _, err := stmt.ExecContext(ctx, run, c.Idx, c.Name, c.Data); err != nil {
				return fmt.Errorf("store merge contact %d: %w", c.Idx, err)
			}
		}
		return nil
	})
}

// ClearMergeContacts drops the contacts a run read from index from on.
func (s *Store) ClearMergeContacts(ctx context.Context, run string, from int) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM merge_contacts WHERE run = ? AND idx >= ?`),
		run, from)
	return err
}

// ScanMergeContacts calls fn for each contact of a run in index order.
func (s *Store) ScanMergeContacts(ctx context.Context, run string, fn func(*MergeContact) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT idx, name, data FROM merge_contacts
		WHERE run = ? ORDER BY idx`), run)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c MergeContact
	for rows.Next() {
		if err := rows.Scan(&c.Idx, &c.Name, &c.Data); err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PutMergeGroups replaces the plan of a run. Outcomes already recorded for a group of the
// same sequence number and id are kept, so that planning again cannot forget a merge.
func (s *Store) PutMergeGroups(ctx context.Context, run string, groups []MergeGroup) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO merge_groups
			(run, seq, id, data, result, kept, message) VALUES (?, ?, ?, ?, '', '', '')
			ON CONFLICT (run, seq) DO UPDATE SET id = excluded.id, data = excluded.data`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, g := range groups {
			if _, err := stmt.ExecContext(ctx, run, g.Seq, g.ID, g.Data); err != nil {
				return fmt.Errorf("store merge group %s: %w", g.ID, err)
			}
		}
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM merge_groups WHERE run = ? AND seq >= ?`),
			run, len(groups))
		return err
	})
}

// ScanMergeGroups calls fn for the groups of a run with from <= seq < to, in order.
func (s *Store) ScanMergeGroups(ctx context.Context, run string, from, to int, fn func(*MergeGroup) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT seq, id, data, result, kept, message
		FROM merge_groups WHERE run = ? AND seq >= ? AND seq < ? ORDER BY seq`), run, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	var g MergeGroup
	for rows.Next() {
		if err := rows.Scan(&g.Seq, &g.ID, &g.Data, &g.Result, &g.Kept, &g.Message); err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SetMergeOutcome records what applying group seq of a run did.
func (s *Store) SetMergeOutcome(ctx context.Context, run string, seq int, result, kept, message string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE merge_groups SET result = ?, kept = ?, message = ?
		WHERE run = ? AND seq = ?`), result, kept, message, run, seq)
	return err
}
