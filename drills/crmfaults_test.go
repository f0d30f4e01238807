package drills

import (
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillCRMFaults runs a full sync against a CRM that answers 10% of requests with 429
// and 5% with 500.
func TestDrillCRMFaults(t *testing.T) {
	st := newStack(t, stackOptions{customers: 60, orders: 240,
		crm: crm.Options{ThrottleRate: 0.10, FailRate: 0.05, Seed: 11}})
	st.useTemporaltest()
	st.startWorker(st.config())
	st.run("FullSync", workflows.SyncInput{}, 2*time.Minute)
	end := st.checkEndState()
	c := st.crm.Counters()
	if c["429"] == 0 || c["500"] == 0 {
		t.Fatalf("faults not injected: %v", c)
	}
	pass(t, "crm-faults", "%s despite %d answers 429 and %d answers 500", end, c["429"], c["500"])
}
