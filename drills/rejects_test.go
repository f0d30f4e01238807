package drills

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// badEmailMessage is the sandbox CRM's answer to a malformed EMAIL field, as the real
// Daktela form words it.
const badEmailMessage = "E-mail není ve správném formátu"

// TestDrillCRMRejects puts orders with e-mails Daktela refuses (one "@", yet a dot before it
// and a doubled dot in the domain) into the shop. Their persons must reach contacts written
// without the refused e-mail, each listed on the report's Rejected sheet with Daktela's
// message verbatim, and the rest of the run must go through. The shop also has orders whose billing name the CRM's form refuses as it
// stands (none at all, longer than a name field, control characters): the mapping cleans
// those, so their persons must reach contacts that the CRM accepted.
func TestDrillCRMRejects(t *testing.T) {
	const bad, odd = 3, 6
	st := newStack(t, stackOptions{customers: 40, orders: 150, badEmails: bad, oddNames: odd})
	st.useTemporaltest()
	w := st.startWorker(st.config())
	r := st.start("FullSync", workflows.SyncInput{})
	sum, err := st.wait(r, 2*time.Minute)
	if err != nil {
		t.Fatalf("FullSync: %v", err)
	}
	end := st.checkEndState()
	if end.withoutEmail != bad || sum.Rejected != 0 {
		t.Fatalf("contacts without the refused e-mail %d, want %d; rejected in the summary %d, "+
			"want 0", end.withoutEmail, bad, sum.Rejected)
	}
	rows := st.reportSheets(w.Store(), r.GetRunID())["Rejected"]
	if len(rows) == 0 {
		t.Fatal("the report has no Rejected sheet")
	}
	var daktela []string
	for _, row := range rows[1:] {
		line := strings.Join(row, " | ")
		if strings.Contains(strings.ToLower(line), "daktela") {
			daktela = append(daktela, line)
		}
	}
	if len(daktela) != bad {
		t.Fatalf("Rejected sheet lists %d Daktela refusals, want %d:\n%s", len(daktela), bad,
			strings.Join(daktela, "\n"))
	}
	for _, line := range daktela {
		if !strings.Contains(line, badEmailMessage) || !strings.Contains(line, "written without customFields.email [") {
			t.Errorf("rejected row without Daktela's message %q and the value left out: %s",
				badEmailMessage, line)
		}
	}
	t.Logf("header %v; first row %s", rows[0], daktela[0])

	titles := map[string]crm.Contact{}
	for _, c := range st.crm.Contacts() {
		titles[c.Name] = c
	}
	var cleaned []string
	for p, name := range end.contactOf {
		if !st.shop.Truth().HasOddName(p) {
			continue
		}
		c := titles[name]
		if c.LastName == "" || len([]rune(c.Title)) > 255 || len([]rune(c.LastName)) > 128 {
			t.Errorf("contact %s of a person with an odd name: title %q, last name %q",
				name, c.Title, c.LastName)
		}
		cleaned = append(cleaned, fmt.Sprintf("%q", short(c.Title)))
	}
	if len(cleaned) != odd {
		t.Fatalf("%d persons with odd names reached a contact, want %d", len(cleaned), odd)
	}
	sort.Strings(cleaned)
	pass(t, "crm-rejects", "%s; %d persons with a malformed e-mail loaded without it, each "+
		"e-mail on the Rejected sheet with Daktela's message %q; %d persons with an empty, over-long or "+
		"control-character name loaded with cleaned titles %s", end, bad, badEmailMessage,
		odd, strings.Join(cleaned, ", "))
}

// short cuts a long title for a pass line.
func short(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + fmt.Sprintf("…(%d chars)", len(r))
	}
	return s
}
