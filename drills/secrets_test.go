package drills

import (
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillSecrets runs a full sync, an incremental sync over the feed and a sync that fails
// on a refused export, with the worker logging at debug level, and then looks for the shop
// hashes and the CRM token in every workflow history (exported through the SDK), the logs
// and the reports.
func TestDrillSecrets(t *testing.T) {
	st := newStack(t, stackOptions{customers: 40, orders: 150, badEmails: 1})
	st.useTemporaltest()
	w := st.startWorker(st.config())
	full := st.start("FullSync", workflows.SyncInput{})
	if _, err := st.wait(full, 2*time.Minute); err != nil {
		t.Fatalf("FullSync: %v", err)
	}
	st.shop.AddOrders(3, time.Now())
	inc := st.start("IncrementalSync", workflows.SyncInput{})
	if _, err := st.wait(inc, 2*time.Minute); err != nil {
		t.Fatalf("IncrementalSync: %v", err)
	}
	st.shopSrv.SetFault(shop.Fault{Kind: shop.FaultForbidden, Export: "customers"})
	if _, err := st.wait(st.start("FullSync", workflows.SyncInput{}), time.Minute); err == nil {
		t.Fatal("a sync against a refused export succeeded")
	}
	st.shopSrv.SetFault(shop.Fault{})

	history := st.histories()
	if len(history) == 0 {
		t.Fatal("no history exported")
	}
	logs := st.logs.String()
	places := map[string]string{"workflow history": history, "worker logs": logs}
	cells := 0
	for _, r := range []string{full.GetRunID(), inc.GetRunID()} {
		for name, rows := range st.reportSheets(w.Store(), r) {
			var b []byte
			for _, row := range rows {
				for _, c := range row {
					b = append(b, c...)
					b = append(b, '\t')
					cells++
				}
			}
			places["report "+name+" of run "+r] = string(b)
		}
	}
	for where, text := range places {
		if s := st.leakedIn(text); s != "" {
			t.Errorf("a secret (%s) appears in the %s", s, where)
		}
	}
	pass(t, "secrets", "no shop hash nor CRM token in %d bytes of history of %d runs, "+
		"%d bytes of debug logs, %d report cells", len(history), len(st.runs), len(logs), cells)
}
