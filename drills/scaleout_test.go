package drills

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/store/storetest"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillScaleOut runs two worker processes against one Temporal service with the state
// store on PostgreSQL, as docker-compose.yml deploys them, and checks that both took load
// batches of one full sync and that the end state is the ground truth's, as with one worker.
// It needs SHOPSYNC_TEST_POSTGRES (set by .ci/run) and is skipped without it.
func TestDrillScaleOut(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	st := newStack(t, stackOptions{customers: 400, orders: 1600, store: dsn,
		crm: crm.Options{Latency: 10 * time.Millisecond}})
	addr := st.useTemporaltest()
	workers := []*proc{st.startProc(addr), st.startProc(addr)}
	for _, w := range workers {
		w.waitFor(t, `msg="worker polling"`, time.Minute)
	}
	persons := st.shop.Truth().Persons()
	r := st.start("FullSync", workflows.SyncInput{Parallel: 4, BatchSize: persons/16 + 1})
	if _, err := st.wait(r, 4*time.Minute); err != nil {
		t.Fatalf("FullSync: %v\nworker 1:\n%s\nworker 2:\n%s", err,
			tail(workers[0].out.String()), tail(workers[1].out.String()))
	}
	end := st.checkEndState()

	byWorker := st.activitiesByWorker(r.GetID(), r.GetRunID())
	var shares []string
	for i, w := range workers {
		n := byWorker[strconv.Itoa(w.pid())]
		if n["Load"] == 0 {
			t.Errorf("worker %d (pid %d) ran no load batch: %v", i+1, w.pid(), byWorker)
		}
		shares = append(shares, fmt.Sprintf("worker %d: %d load batches, %d activities in all",
			i+1, n["Load"], n["all"]))
	}
	pass(t, "scale-out", "two worker processes on PostgreSQL shared one full sync (%s); %s",
		strings.Join(shares, "; "), end)
}

// activitiesByWorker counts the activities each worker process started in a run, by the pid
// at the front of the SDK's default worker identity ("pid@host@"): per activity type and
// under "all".
func (st *stack) activitiesByWorker(id, runID string) map[string]map[string]int {
	st.t.Helper()
	types := map[int64]string{} // scheduled event id -> activity type
	out := map[string]map[string]int{}
	it := st.client.GetWorkflowHistory(context.Background(), id, runID, false,
		enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			st.t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			types[ev.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
			pid, _, _ := strings.Cut(a.GetIdentity(), "@")
			if out[pid] == nil {
				out[pid] = map[string]int{}
			}
			out[pid][types[a.GetScheduledEventId()]]++
			out[pid]["all"]++
		}
	}
	return out
}
