package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/store/storetest"
)

// eachStore runs a test against SQLite and, when configured, PostgreSQL.
func eachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "s.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			s, err := Open(context.Background(), dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

func TestOrdersUpsertKeepsLatest(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		d := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		first := []Order{{ID: "2", Code: "B", Date: d, Email: "b@x.cz", Total: 10, Status: "new"},
			{ID: "1", Code: "A", Date: d, Email: "a@x.cz", Total: 5, Status: "new"}}
		if err := s.PutOrders(ctx, "shop", first); err != nil {
			t.Fatal(err)
		}
		again := []Order{{ID: "2", Code: "B", Date: d, Email: "b@x.cz", Total: 12.5, Status: "paid"}}
		if err := s.PutOrders(ctx, "shop", again); err != nil {
			t.Fatal(err)
		}
		if err := s.PutOrders(ctx, "other", first[:1]); err != nil {
			t.Fatal(err)
		}
		var got []Order
		err := s.ScanOrders(ctx, "shop", func(o *Order) error { got = append(got, *o); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != "1" || got[1].Status != "paid" || got[1].Total != 12.5 {
			t.Fatalf("orders = %+v", got)
		}
		if !got[1].Date.Equal(d) {
			t.Errorf("date = %v, want %v", got[1].Date, d)
		}
		c, o, err := s.CountMirror(ctx, "shop")
		if err != nil || c != 0 || o != 2 {
			t.Errorf("count = %d, %d, %v", c, o, err)
		}
	})
}

func TestCustomersRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		in := Customer{GUID: "g1", Emails: []string{"a@x.cz", "b@x.cz"}, Phone: "+420777123456",
			Name: "Jiří Dvořák", Extra: map[string]string{"customerGroup": "VIP"}}
		if err := s.PutCustomers(ctx, "shop", []Customer{in}); err != nil {
			t.Fatal(err)
		}
		var got []Customer
		err := s.ScanCustomers(ctx, "shop", func(c *Customer) error { got = append(got, *c); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0].Emails, in.Emails) ||
			got[0].Name != in.Name || got[0].Extra["customerGroup"] != "VIP" {
			t.Fatalf("customers = %+v", got)
		}
	})
}

func TestIdentityWrittenWatermarks(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.PutIdentity(ctx, "shop", map[string]string{"email:a@x.cz": "c1", "phone:+1": "c1"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutIdentity(ctx, "shop", map[string]string{"email:a@x.cz": "c2"}); err != nil {
			t.Fatal(err)
		}
		m, err := s.Identity(ctx, "shop")
		if err != nil || m["email:a@x.cz"] != "c2" || m["phone:+1"] != "c1" || len(m) != 2 {
			t.Fatalf("identity = %v, %v", m, err)
		}
		keys := make([]string, 1200) // more than one IN chunk
		for i := range keys {
			keys[i] = fmt.Sprintf("email:%d@x.cz", i)
		}
		keys[1100] = "phone:+1"
		some, err := s.IdentityOf(ctx, "shop", keys)
		if err != nil || len(some) != 1 || some["phone:+1"] != "c1" {
			t.Fatalf("identity of 1200 keys = %v, %v; want only phone:+1", some, err)
		}
		if other, err := s.IdentityOf(ctx, "other", []string{"phone:+1"}); err != nil ||
			len(other) != 0 {
			t.Fatalf("another shop's identity = %v, %v", other, err)
		}
		names := make([]string, 1200) // more than one IN chunk
		for i := range names {
			names[i] = fmt.Sprintf("c%d", i)
		}
		out := Outcome{Contact: "c1100", Action: "created", Written: &Written{Fingerprint: "f", Fields: "{}"}}
		if err := s.RecordOutcomes(ctx, "r", "shop", []Outcome{out}); err != nil {
			t.Fatal(err)
		}
		w, err := s.WrittenContacts(ctx, "shop", names)
		if err != nil || len(w) != 1 || w["c1100"].Fingerprint != "f" {
			t.Fatalf("written = %v, %v", w, err)
		}
		if _, ok, err := s.Watermark(ctx, "shop", "x"); ok || err != nil {
			t.Fatalf("unset watermark: %v %v", ok, err)
		}
		s.SetWatermark(ctx, "shop", "x", "1")
		s.SetWatermark(ctx, "shop", "x", "2")
		if v, ok, err := s.Watermark(ctx, "shop", "x"); v != "2" || !ok || err != nil {
			t.Fatalf("watermark = %q %v %v", v, ok, err)
		}
	})
}

func TestBlobFirstCopyWins(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.Blob(ctx, "feed/1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing blob: %v", err)
		}
		s.PutBlob(ctx, "feed/1", []byte("first"))
		s.PutBlob(ctx, "feed/1", []byte("second"))
		b, err := s.Blob(ctx, "feed/1")
		if err != nil || string(b) != "first" {
			t.Fatalf("blob = %q, %v", b, err)
		}
	})
}

func TestBlobsDeleted(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, k := range []string{"feed/old", "report/old"} {
			if err := s.PutBlob(ctx, k, []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		cut := time.Now().Add(time.Millisecond)
		time.Sleep(5 * time.Millisecond)
		s.PutBlob(ctx, "feed/new", []byte("y"))
		n, err := s.DeleteBlobsBefore(ctx, "feed/", cut)
		if err != nil || n != 1 {
			t.Fatalf("DeleteBlobsBefore = %d, %v; want the one old feed copy", n, err)
		}
		for k, kept := range map[string]bool{"feed/old": false, "report/old": true, "feed/new": true} {
			if _, err := s.Blob(ctx, k); errors.Is(err, ErrNotFound) == kept {
				t.Errorf("%s kept = %v, want %v", k, !kept, kept)
			}
		}
		// A deleted key can be stored anew.
		if err := s.DeleteBlob(ctx, "feed/new"); err != nil {
			t.Fatal(err)
		}
		s.PutBlob(ctx, "feed/new", []byte("z"))
		if b, err := s.Blob(ctx, "feed/new"); err != nil || string(b) != "z" {
			t.Errorf("blob after delete and put = %q, %v", b, err)
		}
	})
}

func TestRunPersonsAndNotes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		ps := []Person{{Idx: 0, Contact: "a", Data: "{}"}, {Idx: 1, Contact: "b", Data: "{}"},
			{Idx: 2, Contact: "c", Data: "{}"}}
		if err := s.PutPersons(ctx, "r", ps); err != nil {
			t.Fatal(err)
		}
		if err := s.PutPersons(ctx, "r", ps[:1]); err != nil { // a retried resolve
			t.Fatal(err)
		}
		s.RecordOutcomes(ctx, "r", "shop", []Outcome{{Idx: 1, Contact: "b", Action: "rejected",
			Message: "lastname: Vstup je povinný"}})
		var got []string
		s.ScanPersons(ctx, "r", 1, 3, func(p *Person) error {
			got = append(got, p.Contact+":"+p.Action)
			return nil
		})
		if fmt.Sprint(got) != "[b:rejected c:]" {
			t.Fatalf("persons = %v", got)
		}
		counts, _ := s.CountActions(ctx, "r")
		if counts["rejected"] != 1 || counts[""] != 2 {
			t.Errorf("counts = %v", counts)
		}
		var rejected []string
		s.ScanRejectedPersons(ctx, "r", func(c, m string) error {
			rejected = append(rejected, c+"="+m)
			return nil
		})
		if fmt.Sprint(rejected) != "[b=lastname: Vstup je povinný]" {
			t.Errorf("rejected = %v", rejected)
		}
		s.AddNotes(ctx, "r", NoteConflict, []any{map[string]string{"k": "1"}})
		s.AddNotes(ctx, "r", NoteConflict, []any{map[string]string{"k": "2"}})
		var notes []string
		s.ScanNotes(ctx, "r", NoteConflict, func(d []byte) error { notes = append(notes, string(d)); return nil })
		if fmt.Sprint(notes) != `[{"k":"1"} {"k":"2"}]` {
			t.Errorf("notes = %v", notes)
		}
		s.ClearNotes(ctx, "r", NoteConflict)
		notes = nil
		s.ScanNotes(ctx, "r", NoteConflict, func(d []byte) error { notes = append(notes, string(d)); return nil })
		if len(notes) != 0 {
			t.Errorf("notes after clear = %v", notes)
		}
	})
}

func TestRunsAndReports(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		start := time.Now().Truncate(time.Millisecond)
		if err := s.PutRun(ctx, Run{ID: "r1", Workflow: "w", Kind: "full sync", Shop: "s",
			Started: start, Status: "running", Summary: "{}"}); err != nil {
			t.Fatal(err)
		}
		s.PutRun(ctx, Run{ID: "r1", Status: "completed", Finished: start.Add(time.Second), Summary: `{"a":1}`})
		r, err := s.GetRun(ctx, "r1")
		if err != nil || r.Status != "completed" || r.Kind != "full sync" || !r.Started.Equal(start) {
			t.Fatalf("run = %+v, %v", r, err)
		}
		if _, err := s.GetRun(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing run: %v", err)
		}
		if _, err := s.PutReport(ctx, "r1", "x.xlsx", strings.NewReader("PK")); err != nil {
			t.Fatal(err)
		}
		name, data, err := s.Report(ctx, "r1")
		if err != nil || name != "x.xlsx" || string(data) != "PK" {
			t.Fatalf("report = %q %q %v", name, data, err)
		}
		// A report of several parts, stored again under the same id, reads back whole.
		big := bytes.Repeat([]byte("0123456789abcdef"), reportPart/16*2+3)
		size, err := s.PutReport(ctx, "r1", "big.xlsx", bytes.NewReader(big))
		if err != nil || size != int64(len(big)) {
			t.Fatalf("put a big report: size %d, %v", size, err)
		}
		var got bytes.Buffer
		if err := s.CopyReport(ctx, "r1", &got); err != nil || !bytes.Equal(got.Bytes(), big) {
			t.Fatalf("big report read back %d bytes (%v), want %d", got.Len(), err, len(big))
		}
		if name, size, err := s.ReportInfo(ctx, "r1"); name != "big.xlsx" ||
			size != int64(len(big)) || err != nil {
			t.Errorf("report info = %q %d %v", name, size, err)
		}
		if _, _, err := s.ReportInfo(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing report: %v", err)
		}
	})
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	_, err := Open(context.Background(), "mysql://user:secret@host/db")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("want an error without the password, got %v", err)
	}
}

func TestCustomerAccountsOfOneFetchAddUp(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		fetch1 := time.Unix(1000, 0)
		rows := []Customer{{GUID: "g", Emails: []string{"a@x.cz"}, Phone: "+420777000111", Updated: fetch1},
			{GUID: "g", Emails: []string{"b@x.cz"}, Updated: fetch1}}
		if err := s.PutCustomers(ctx, "shop", rows); err != nil {
			t.Fatal(err)
		}
		got := scanOne(t, s)
		if fmt.Sprint(got.Emails) != "[a@x.cz b@x.cz]" || got.Phone != "+420777000111" {
			t.Fatalf("after one fetch: %+v", got)
		}
		s.PutCustomers(ctx, "shop", []Customer{{GUID: "g", Emails: []string{"c@x.cz"}, Updated: time.Unix(2000, 0)}})
		if got := scanOne(t, s); fmt.Sprint(got.Emails) != "[c@x.cz]" {
			t.Fatalf("a later fetch must replace the e-mails: %+v", got)
		}
	})
}

func scanOne(t *testing.T, s *Store) Customer {
	t.Helper()
	var out []Customer
	if err := s.ScanCustomers(context.Background(), "shop", func(c *Customer) error {
		out = append(out, *c)
		return nil
	}); err != nil || len(out) != 1 {
		t.Fatalf("scan: %v %v", out, err)
	}
	return out[0]
}

// TestOpenConcurrently opens one fresh database from several goroutines at once, as the
// workers of a scaled-out deployment do when they start together: each must find or create
// the tables without an error.
func TestOpenConcurrently(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "s.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			const workers = 6
			dsn := dsn(t)
			errs := make(chan error, workers)
			for range workers {
				go func() {
					s, err := Open(context.Background(), dsn)
					if err == nil {
						err = s.Close()
					}
					errs <- err
				}()
			}
			for range workers {
				if err := <-errs; err != nil {
					t.Error(err)
				}
			}
		})
	}
}
