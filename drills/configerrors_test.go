package drills

import (
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// failFast bounds how long a configuration error may take to end a sync: no retry with
// backoff, only the round trips of one attempt.
const failFast = 10 * time.Second

// TestDrillShopConfigErrors makes the shop answer an export with its login page, with 403
// and with an empty body. Each is a configuration error: the sync must fail within seconds,
// name the export, carry no secret and write nothing to the CRM.
func TestDrillShopConfigErrors(t *testing.T) {
	st := newStack(t, stackOptions{customers: 20, orders: 60})
	st.useTemporaltest()
	cfg := st.config()
	// Each case fetches both exports again, whatever the last case fetched.
	cfg.MinFullInterval = time.Nanosecond
	st.startWorker(cfg)
	cases := []struct {
		kind   shop.FaultKind
		export string
	}{
		{shop.FaultLoginPage, "customers"},
		{shop.FaultLoginPage, "orders"},
		{shop.FaultForbidden, "customers"},
		{shop.FaultForbidden, "orders"},
		{shop.FaultEmpty, "customers"},
		{shop.FaultEmpty, "orders"},
	}
	var passed []string
	for _, c := range cases {
		name := c.kind.String() + "-" + c.export
		t.Run(name, func(t *testing.T) {
			st.shopSrv.SetFault(shop.Fault{Kind: c.kind, Export: c.export})
			defer st.shopSrv.SetFault(shop.Fault{})
			st.crm.ResetCounters()
			began := time.Now()
			_, err := st.wait(st.start("FullSync", workflows.SyncInput{}), time.Minute)
			took := time.Since(began)
			if err == nil {
				t.Fatal("the sync succeeded")
			}
			msg := err.Error()
			if took > failFast {
				t.Errorf("failed after %s, want within %s: %v", took.Round(time.Millisecond),
					failFast, msg)
			}
			if !strings.Contains(msg, c.export) {
				t.Errorf("error does not name the %s export: %s", c.export, msg)
			}
			if s := st.leakedIn(msg); s != "" {
				t.Errorf("error carries a secret (%s): %s", s, msg)
			}
			if calls := st.crm.Counters(); len(calls) != 0 || st.crm.ContactCount() != 0 {
				t.Errorf("the CRM was called: %v", calls)
			}
			if !t.Failed() {
				passed = append(passed, name+" in "+took.Round(100*time.Millisecond).String())
			}
			t.Logf("%s: %s", name, msg)
		})
	}
	pass(t, "shop-config-errors", "FullSync failed fast, naming the export, no secret, "+
		"nothing written to the CRM: %s", strings.Join(passed, ", "))
}
