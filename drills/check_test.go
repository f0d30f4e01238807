package drills

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopsync/shoptet-daktela/report"
	"github.com/shopsync/shoptet-daktela/store"
)

// endState is what checkEndState counted.
type endState struct {
	contacts, persons, orders int
	// withoutEmail counts the persons whose e-mail Daktela refuses: their contacts exist
	// without it.
	withoutEmail int
	contactOf    map[int]string // person -> the name of its contact
}

func (e endState) String() string {
	s := "one contact per person (" + strconv.Itoa(e.contacts) + " contacts for " + strconv.Itoa(e.persons) +
		" persons), " + strconv.Itoa(e.orders) + " orders attached exactly once"
	if e.withoutEmail > 0 {
		s += ", " + strconv.Itoa(e.withoutEmail) + " of them without the e-mail Daktela refused"
	}
	return s
}

// checkEndState asserts the CRM against the shop's ground truth: every order is attached to
// exactly one contact, all orders of a person share one contact, no two persons share one,
// and there is no contact beyond the persons. Persons with an e-mail Daktela refuses reach a
// contact that holds no e-mail.
func (st *stack) checkEndState() endState {
	st.t.Helper()
	truth := st.shop.Truth()
	contacts := st.crm.Contacts()
	seen := map[string]string{} // order id -> contact
	byName := map[string]int{}
	for i, c := range contacts {
		byName[c.Name] = i
		for _, link := range c.CustomFields["shoptet_orders"] {
			_, id, ok := strings.Cut(link, "?id=")
			if !ok {
				st.t.Fatalf("contact %s: odd order link %q", c.Name, link)
			}
			if prev, dup := seen[id]; dup {
				st.t.Fatalf("order %s attached twice: %s and %s", id, prev, c.Name)
			}
			seen[id] = c.Name
		}
	}
	personContact := map[int]string{}
	contactPerson := map[string]int{}
	for _, id := range truth.OrderIDs() {
		p := truth.PersonOfOrder(id)
		c, ok := seen[id]
		if !ok {
			st.t.Fatalf("order %s is attached to no contact (lost)", id)
		}
		if prev, ok := personContact[p]; ok && prev != c {
			st.t.Fatalf("person %d (%s) split over contacts %s and %s", p, truth.Name(p), prev, c)
		}
		if q, ok := contactPerson[c]; ok && q != p {
			st.t.Fatalf("contact %s merges persons %d (%s) and %d (%s)", c, p, truth.Name(p), q,
				truth.Name(q))
		}
		personContact[p], contactPerson[c] = c, p
	}
	withoutEmail := 0
	for p, c := range personContact {
		if !truth.HasBadEmail(p) {
			continue
		}
		if emails := contacts[byName[c]].CustomFields["email"]; len(emails) > 0 {
			st.t.Fatalf("contact %s of a person with a refused e-mail holds e-mails %v", c, emails)
		}
		withoutEmail++
	}
	if len(contacts) != truth.Persons() {
		st.t.Fatalf("CRM holds %d contacts, ground truth has %d persons", len(contacts),
			truth.Persons())
	}
	return endState{contacts: len(contacts), persons: truth.Persons(), orders: len(seen),
		withoutEmail: withoutEmail, contactOf: personContact}
}

// reportSheets reads every sheet of a run's report from the store.
func (st *stack) reportSheets(s *store.Store, runID string) map[string][][]string {
	st.t.Helper()
	name, data, err := s.Report(context.Background(), runID)
	if err != nil {
		st.t.Fatalf("report of run %s: %v", runID, err)
	}
	path := filepath.Join(st.t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		st.t.Fatal(err)
	}
	names, err := report.ReadSheetNames(path)
	if err != nil {
		st.t.Fatal(err)
	}
	sheets := map[string][][]string{}
	for _, n := range names {
		if sheets[n], err = report.ReadRows(path, n, 0); err != nil {
			st.t.Fatal(err)
		}
	}
	return sheets
}

// histories exports the Temporal history of every run the drill started, as JSON lines.
func (st *stack) histories() string {
	st.t.Helper()
	var b strings.Builder
	for _, r := range st.runs {
		it := st.client.GetWorkflowHistory(context.Background(), r.GetID(), r.GetRunID(), false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				st.t.Fatal(err)
			}
			j, err := json.Marshal(ev)
			if err != nil {
				st.t.Fatal(err)
			}
			b.Write(j)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// secrets are the shop hashes and the CRM token.
func (st *stack) secrets() []string {
	return []string{st.hashes.Customers, st.hashes.Orders, st.hashes.Feed, st.token}
}

// leakedIn names the first secret found in text, or "".
func (st *stack) leakedIn(text string) string {
	for _, s := range st.secrets() {
		if strings.Contains(text, s) {
			return s[:6] + "…"
		}
	}
	return ""
}
