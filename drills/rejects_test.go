package drills

import (
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/workflows"
)

// badEmailMessage is the sandbox CRM's answer to a malformed EMAIL field, as the real
// Daktela form words it.
const badEmailMessage = "E-mail není ve správném formátu"

// TestDrillCRMRejects puts orders with e-mails Daktela refuses (one "@", yet a dot before it
// and a doubled dot in the domain) into the shop. Their persons must be rejected, listed on
// the report's Rejected sheet with Daktela's message verbatim, and the rest of the run must
// go through.
func TestDrillCRMRejects(t *testing.T) {
	const bad = 3
	st := newStack(t, stackOptions{customers: 40, orders: 150, badEmails: bad})
	st.useTemporaltest()
	w := st.startWorker(st.config())
	r := st.start("FullSync", workflows.SyncInput{})
	sum, err := st.wait(r, 2*time.Minute)
	if err != nil {
		t.Fatalf("FullSync: %v", err)
	}
	end := st.checkEndState()
	if end.rejectedPersons != bad || sum.Rejected != bad {
		t.Fatalf("refused persons in the shop %d, rejected in the summary %d, want %d",
			end.rejectedPersons, sum.Rejected, bad)
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
		if !strings.Contains(line, badEmailMessage) {
			t.Errorf("rejected row without Daktela's message %q: %s", badEmailMessage, line)
		}
	}
	t.Logf("header %v; first row %s", rows[0], daktela[0])
	pass(t, "crm-rejects", "%s; %d persons with a malformed e-mail rejected, each on the "+
		"Rejected sheet with Daktela's message %q", end, bad, badEmailMessage)
}
