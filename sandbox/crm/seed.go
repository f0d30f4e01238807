package crm

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrDuplicateName is returned by Seed for a name already stored.
var ErrDuplicateName = errors.New("crm: duplicate name")

// Contacts returns a copy of every contact, sorted by name.
func (s *Server) Contacts() []Contact {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Contact, 0, len(s.data.contacts))
	for _, c := range s.data.contacts {
		cp := c.Contact
		cp.CustomFields = cloneFields(c.CustomFields)
		out = append(out, cp)
	}
	slices.SortFunc(out, func(a, b Contact) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// ContactCount returns how many contacts are stored, without copying them, for drills that
// poll the CRM's progress.
func (s *Server) ContactCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.data.contacts)
}

// Merged returns how many mergeContacts requests the server has applied since it started,
// so that a drill can tell a merge that took effect from one whose client went away first.
func (s *Server) Merged() int64 { return s.merged.Load() }

// CRMRecords returns a copy of every CRM record, sorted by name.
func (s *Server) CRMRecords() []CRMRecord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]CRMRecord, 0, len(s.data.records))
	for _, r := range s.data.records {
		cp := r.CRMRecord
		cp.CustomFields = cloneFields(r.CustomFields)
		out = append(out, cp)
	}
	slices.SortFunc(out, func(a, b CRMRecord) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Seed stores contacts as given, without the form's validation, to set up
// a database as an earlier integration left it. An empty name is
// generated; zero times become now. A name already stored is an error and
// nothing is stored.
func (s *Server) Seed(contacts []Contact) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := checkSeedNames(contacts, s.data.hasContact,
		func(c Contact) string { return c.Name }); err != nil {
		return err
	}
	now := time.Now()
	for _, c := range contacts {
		rec := &contactRec{Contact: c}
		rec.CustomFields = cloneFields(c.CustomFields)
		if rec.Name == "" {
			rec.Name = s.freeName("contact_", s.data.hasContact)
		}
		rec.Created, rec.Edited = orNow(rec.Created, now), orNow(rec.Edited, now)
		s.data.putContact(rec)
	}
	s.written()
	return nil
}

// SeedRecords stores CRM records as given, like Seed.
func (s *Server) SeedRecords(records []CRMRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := checkSeedNames(records, s.data.hasRecord,
		func(r CRMRecord) string { return r.Name }); err != nil {
		return err
	}
	now := time.Now()
	for _, r := range records {
		rec := &recordRec{CRMRecord: r}
		rec.CustomFields = cloneFields(r.CustomFields)
		if rec.Name == "" {
			rec.Name = s.freeName("crmrecord_", s.data.hasRecord)
		}
		rec.Created, rec.Edited = orNow(rec.Created, now), orNow(rec.Edited, now)
		s.data.putRecord(rec)
	}
	s.written()
	return nil
}

func checkSeedNames[T any](items []T, taken func(string) bool, name func(T) string) error {
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		n := name(it)
		if n == "" {
			continue
		}
		if taken(n) || seen[n] {
			return fmt.Errorf("%w: %q", ErrDuplicateName, n)
		}
		seen[n] = true
	}
	return nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}
