package drills

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillWorkerKill kills the worker process with SIGKILL at a random point of the load
// (when the CRM holds between 10% and 90% of the contacts), starts a new one and checks the
// end state: no contact twice, every order attached once.
func TestDrillWorkerKill(t *testing.T) {
	// At this latency the load lasts about two seconds, so the kill lands inside it.
	st := newStack(t, stackOptions{customers: 300, orders: 1000,
		crm: crm.Options{Latency: 50 * time.Millisecond}})
	addr := st.useTemporaltest()
	want := st.shop.Truth().Persons()
	first := st.startProc(addr)
	r := st.start("FullSync", workflows.SyncInput{})
	at := want/10 + rand.IntN(want*8/10)
	got := st.waitContacts(at, time.Minute)
	first.kill()
	killedAt := st.crm.ContactCount()
	if killedAt >= want {
		t.Fatalf("the load had finished (%d of %d contacts) before the kill", killedAt, want)
	}
	began := time.Now()
	second := st.startProc(addr)
	sum, err := st.wait(r, 3*time.Minute)
	if err != nil {
		t.Fatalf("FullSync after the kill: %v\nsecond worker:\n%s", err, tail(second.out.String()))
	}
	// A contact the killed worker created without recording so must be found by the retry,
	// not reported as refused.
	if sum.Created+sum.Updated+sum.Unchanged != want || sum.Rejected != 0 {
		t.Errorf("summary: %d created, %d updated, %d unchanged, %d rejected; want %d persons "+
			"written and none rejected", sum.Created, sum.Updated, sum.Unchanged, sum.Rejected, want)
	}
	resumed := time.Since(began)
	end := st.checkEndState()
	if s := st.leakedIn(first.out.String() + second.out.String()); s != "" {
		t.Errorf("a secret (%s) appears in the worker logs", s)
	}
	pass(t, "worker-kill", "SIGKILL at %d of %d contacts (aimed at %d), a new worker "+
		"finished in %s; %s", killedAt, want, got, resumed.Round(time.Second), end)
}

// tail is the end of a long log, for failure messages.
func tail(s string) string {
	if lines := strings.Split(s, "\n"); len(lines) > 40 {
		return strings.Join(lines[len(lines)-40:], "\n")
	}
	return s
}
