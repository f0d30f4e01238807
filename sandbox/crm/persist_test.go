package crm

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestPersistRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.json")
	first, err := New(Options{Token: testToken, PersistPath: path})
	if err != nil {
		t.Fatal(err)
	}
	seeded := []Contact{{
		Name: "a.b", Title: "A", LastName: "B", Database: "shoptet",
		CustomFields: map[string][]string{"email": {"a@b.cz"}},
		Created:      time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC),
		Edited:       time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC),
	}}
	if err := first.Seed(seeded); err != nil {
		t.Fatal(err)
	}
	rec := CRMRecord{Name: "o1", Type: "shoptet_order", Title: "O", Contact: "a.b", Stage: "OPEN"}
	if err := first.SeedRecords([]CRMRecord{rec}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := newHarness(t, Options{PersistPath: path})
	got := second.srv.Contacts()
	if len(got) != 1 || !got[0].Created.Equal(seeded[0].Created) ||
		!reflect.DeepEqual(got[0].CustomFields, seeded[0].CustomFields) || got[0].Title != "A" {
		t.Fatalf("loaded %+v", got)
	}
	if recs := second.srv.CRMRecords(); len(recs) != 1 || recs[0].Contact != "a.b" {
		t.Fatalf("loaded records %+v", recs)
	}
	byEmail := second.do("GET", contactsQuery(fq("customFields.email", "eq", "a@b.cz")), nil)
	if names(byEmail)[0] != "a.b" {
		t.Fatal("index not rebuilt on load")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestPersistDebouncedSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.json")
	h := newHarness(t, Options{PersistPath: path})
	h.do("POST", "/api/v6/contacts.json", contactBody("jan", "j@x.cz")).mustStatus(t, 201)
	deadline := time.Now().Add(3 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && len(data) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("store not saved after a write")
		}
		time.Sleep(20 * time.Millisecond)
	}
	again, err := New(Options{Token: testToken, PersistPath: path})
	if err != nil {
		t.Fatal(err)
	}
	if cs := again.Contacts(); len(cs) != 1 || cs[0].Name != "jan" {
		t.Fatalf("saved store %+v", cs)
	}
}

func TestPersistCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crm.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Token: testToken, PersistPath: path}); err == nil {
		t.Fatal("corrupt store loaded without error")
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(Options{}); err != ErrNoToken {
		t.Fatalf("no token: %v", err)
	}
	if _, err := New(Options{Token: "x", Fields: []Field{{Key: "k", Type: "BLOB"}}}); err == nil {
		t.Fatal("bad field type accepted")
	}
}
