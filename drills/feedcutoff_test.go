package drills

import (
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillFeedCutoff cuts the feed download off after the shop moved its marker past the
// new orders: a plain retry of the feed gets nothing, so the sync must reconcile (e.g. with
// the order export's updateTimeFrom) to attach every new order.
func TestDrillFeedCutoff(t *testing.T) {
	st := newStack(t, stackOptions{customers: 40, orders: 150})
	st.useTemporaltest()
	st.startWorker(st.config())
	st.run("FullSync", workflows.SyncInput{}, 2*time.Minute)
	added := st.shop.AddOrders(6, time.Now())
	st.shopSrv.SetFault(shop.Fault{Kind: shop.FaultCutAfterMarker, Export: "feed", Times: 1})
	markerBefore := st.shopSrv.FeedMarker(st.hashes.Feed)
	ordersBefore := st.shopSrv.Requests("orders")
	st.run("IncrementalSync", workflows.SyncInput{}, 2*time.Minute)
	if st.shopSrv.FeedMarker(st.hashes.Feed) == markerBefore {
		t.Fatal("the fault did not move the feed marker")
	}
	if st.shopSrv.Requests("feed") < 2 {
		t.Errorf("feed requested %d times, want a retry after the cut", st.shopSrv.Requests("feed"))
	}
	if st.shopSrv.Requests("orders") == ordersBefore {
		t.Error("the retry did not reconcile through the order export (updateTimeFrom)")
	}
	end := st.checkEndState()
	pass(t, "feed-cutoff", "feed cut after its marker moved, the retry reconciled through "+
		"updateTimeFrom; %s, the %d orders added before the cut included", end, len(added))
}
