package drills

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillMergeWorkerKill seeds the CRM as Daktela's built-in integration leaves it, approves
// the clean-up's plan and kills the worker process with SIGKILL while the groups are being
// merged. A new worker finishes the run; every group must be merged exactly once (the CRM
// counts one mergeContacts per group) and one contact per person must be left.
func TestDrillMergeWorkerKill(t *testing.T) {
	st := newStack(t, stackOptions{customers: 200, orders: 800,
		crm: crm.Options{Latency: 30 * time.Millisecond}})
	seeded, err := app.SeedLegacy(st.shop, st.crm, "shoptet")
	if err != nil {
		t.Fatal(err)
	}
	personOf, err := app.LegacyPersons(st.shop)
	if err != nil {
		t.Fatal(err)
	}
	addr := st.useTemporaltest()
	first := st.startProc(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: st.queue},
		"MergeDuplicates", workflows.MergeInput{BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	plan := st.waitForPlan(ctx, r)
	if plan.Groups < 20 {
		t.Fatalf("the plan has %d groups; the drill needs more to kill the worker among them",
			plan.Groups)
	}
	st.decide(ctx, r, workflows.Decision{Approve: true})

	at := int64(plan.Groups/10 + rand.IntN(plan.Groups*6/10))
	for st.crm.Counters()["POST mergeContacts"] < at {
		if ctx.Err() != nil {
			t.Fatalf("merging did not reach %d groups", at)
		}
		time.Sleep(5 * time.Millisecond)
	}
	first.kill()
	killedAt := st.crm.Counters()["POST mergeContacts"]
	second := st.startProc(addr)
	var sum workflows.MergeSummary
	if err := r.Get(ctx, &sum); err != nil {
		t.Fatalf("MergeDuplicates after the kill: %v\nsecond worker:\n%s", err,
			tail(second.out.String()))
	}

	if sum.Merged != plan.Groups || sum.Failed != 0 {
		t.Errorf("merged %d, failed %d of %d groups", sum.Merged, sum.Failed, plan.Groups)
	}
	// A merge request the killed worker had sent and the CRM had not answered yet did
	// nothing; every merge that took effect must have merged a group of its own.
	calls := st.crm.Counters()
	if applied := st.crm.Merged(); applied != int64(plan.Groups) {
		t.Errorf("the CRM applied %d merges (%d requests) for %d groups, want exactly one "+
			"each", applied, calls["POST mergeContacts"], plan.Groups)
	}
	if want := seeded.Customers + seeded.Orders - plan.Merges; len(st.crm.Contacts()) != want {
		t.Errorf("the CRM holds %d contacts, want %d (seeded less the plan's merges)",
			len(st.crm.Contacts()), want)
	}
	owner := map[int]string{}
	contacts := st.crm.Contacts()
	for _, c := range contacts {
		p, ok := personOf[c.Name]
		if !ok {
			t.Fatalf("contact %s is not one of the seeded contacts", c.Name)
		}
		if prev, dup := owner[p]; dup {
			t.Errorf("person %d (%s) is still two contacts: %s and %s", p,
				st.shop.Truth().Name(p), prev, c.Name)
		}
		owner[p] = c.Name
	}
	if persons := st.shop.Truth().Persons(); len(contacts) != persons {
		t.Errorf("the CRM holds %d contacts for %d persons", len(contacts), persons)
	}
	pass(t, "merge-worker-kill", "SIGKILL after %d of %d merge requests; the new worker "+
		"finished with %d merges applied, one per group (%d requests in all, %d requests "+
		"abandoned by the kill without effect), %d contacts (seeded %d) for %d persons",
		killedAt, plan.Groups, st.crm.Merged(), calls["POST mergeContacts"], calls["499"],
		len(contacts), seeded.Customers+seeded.Orders, st.shop.Truth().Persons())
}

// waitForPlan polls the clean-up's plan query until the plan is written.
func (st *stack) waitForPlan(ctx context.Context, r client.WorkflowRun) workflows.MergeSummary {
	st.t.Helper()
	for {
		v, err := st.client.QueryWorkflow(ctx, r.GetID(), r.GetRunID(), workflows.PlanQuery)
		if err != nil {
			st.t.Fatalf("plan query: %v", err)
		}
		var sum workflows.MergeSummary
		if err := v.Get(&sum); err != nil {
			st.t.Fatal(err)
		}
		if sum.Plan != "" {
			return sum
		}
		select {
		case <-ctx.Done():
			st.t.Fatal("no merge plan in time")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// decide sends a review decision through the decide update and waits for it to be taken.
func (st *stack) decide(ctx context.Context, r client.WorkflowRun, d workflows.Decision) {
	st.t.Helper()
	h, err := st.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: r.GetID(),
		RunID: r.GetRunID(), UpdateName: workflows.DecideUpdate, Args: []any{d},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		st.t.Fatal(err)
	}
	if err := h.Get(ctx, nil); err != nil {
		st.t.Fatal(err)
	}
}
