package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// reportPart is the size of the pieces a report file is stored in: a report of a million
// orders runs to tens of megabytes, which neither side should hold in one piece.
const reportPart = 1 << 20

// PutReport stores a finished report file under id, reading it from r a part at a time; a
// report stored again under the same id replaces the earlier one. It returns the size.
func (s *Store) PutReport(ctx context.Context, id, name string, r io.Reader) (int64, error) {
	var size int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		size = 0
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM report_parts WHERE id = ?`), id); err != nil {
			return err
		}
		buf := make([]byte, reportPart)
		for part := 0; ; part++ {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				_, xerr := tx.ExecContext(ctx, s.q(`INSERT INTO report_parts (id, part, data)
					VALUES (?, ?, ?)`), id, part, buf[:n])
				if xerr != nil {
					return xerr
				}
				size += int64(n)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("read report %s: %w", id, err)
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO report_files (id, created, name, size)
			VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET created = excluded.created,
			name = excluded.name, size = excluded.size`), id, time.Now().UnixMilli(), name, size)
		return err
	})
	return size, err
}

// ReportInfo returns a stored report's file name and size, or ErrNotFound.
func (s *Store) ReportInfo(ctx context.Context, id string) (name string, size int64, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT name, size FROM report_files WHERE id = ?`), id).
		Scan(&name, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, ErrNotFound
	}
	return name, size, err
}

// CopyReport writes a stored report's bytes to w, a part at a time.
func (s *Store) CopyReport(ctx context.Context, id string, w io.Writer) error {
	rows, err := s.db.QueryContext(ctx,
		s.q(`SELECT data FROM report_parts WHERE id = ? ORDER BY part`), id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var data sql.RawBytes
		if err := rows.Scan(&data); err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Report returns a stored report's file name and bytes, or ErrNotFound; for small reports
// and tests, where holding the whole file is fine.
func (s *Store) Report(ctx context.Context, id string) (name string, data []byte, err error) {
	name, size, err := s.ReportInfo(ctx, id)
	if err != nil {
		return "", nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if err := s.CopyReport(ctx, id, buf); err != nil {
		return "", nil, err
	}
	return name, buf.Bytes(), nil
}
