package crm

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

const msgMergeTooFew = "Ke sloučení jsou potřeba alespoň dva kontakty"

// mergeContacts merges the contacts named in contacts[i]: the first named
// survives with every custom field value of the others, the others are
// deleted and their CRM records move to the survivor.
func (s *Server) mergeContacts(w http.ResponseWriter, r *http.Request) {
	names := mergeNames(r)
	if len(names) < 2 {
		writeError(w, http.StatusBadRequest, []string{msgMergeTooFew}, nil)
		return
	}
	s.mu.Lock()
	for _, n := range names {
		if s.data.contacts[n] == nil {
			s.mu.Unlock()
			writeNotFound(w)
			return
		}
	}
	survivor := s.mergeLocked(names, time.Now())
	view := s.contactView(survivor, true)
	s.mu.Unlock()
	s.merged.Add(1)

	s.written()
	writeResult(w, http.StatusOK, view)
}

// mergeNames reads contacts[0]=a&contacts[1]=b (or contacts[]=a), keeping
// the order and dropping repeats.
func mergeNames(r *http.Request) []string {
	q := r.URL.Query()
	names := stringList(bracketTree(q)["contacts"])
	names = append(names, q["contacts[]"]...)
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func (s *Server) mergeLocked(names []string, now time.Time) *contactRec {
	st := s.data
	first := st.contacts[names[0]]
	survivor := &contactRec{Contact: first.Contact, hash: first.hash}
	survivor.CustomFields = cloneFields(first.CustomFields)
	for _, name := range names[1:] {
		other := st.contacts[name]
		survivor.CustomFields = unionFields(survivor.CustomFields, other.CustomFields)
		s.repointRecords(name, survivor.Name, now)
		st.deleteContact(name)
	}
	survivor.Edited = now
	st.putContact(survivor)
	return survivor
}

// unionFields appends to a the values of b it lacks, in b's order.
func unionFields(a, b map[string][]string) map[string][]string {
	if a == nil {
		a = map[string][]string{}
	}
	for key, vals := range b {
		for _, v := range vals {
			if !slices.Contains(a[key], v) {
				a[key] = append(a[key], v)
			}
		}
	}
	return a
}

func (s *Server) repointRecords(from, to string, now time.Time) {
	st := s.data
	for _, name := range setNames(st.byContact[strings.ToLower(from)]) {
		old := st.records[name]
		if old.Contact != from {
			continue
		}
		rec := &recordRec{CRMRecord: old.CRMRecord}
		rec.Contact, rec.Edited = to, now
		st.putRecord(rec)
	}
}
