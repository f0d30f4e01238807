package workflows_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/shopsync/shoptet-daktela/activities"
	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/store"
	"github.com/shopsync/shoptet-daktela/workflows"
)

const e2eQueue = "merge-e2e"

// legacyWorld is a sandbox shop and CRM seeded as the old integration leaves the CRM, with
// activities wired to them over HTTP and the ground truth of who is who.
type legacyWorld struct {
	sb       *app.Sandbox
	acts     *activities.Activities
	st       *store.Store
	personOf map[string]int // contact name -> truth person
	seeded   int
	token    string
}

func newLegacyWorld(t *testing.T) *legacyWorld {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	sb, err := app.StartSandbox(app.SandboxOptions{ShopAddr: "127.0.0.1:0",
		CRMAddr: "127.0.0.1:0", Seed: 7, Customers: 40, Orders: 160, Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { sb.Stop(context.Background()) })
	n, seeded, err := sb.SeedLegacyIfEmpty("shoptet")
	require.NoError(t, err)
	require.True(t, seeded)
	p := config.Profile{Name: "default", Daktela: config.Daktela{Concurrency: 4}}
	sb.Apply(&p)
	cfg := &config.Config{Profiles: map[string]config.Profile{"default": p}}
	st, err := store.Open(context.Background(), "sqlite:"+t.TempDir()+"/state.db")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	acts := &activities.Activities{Store: st, Connector: app.NewConnector(cfg, logger),
		ReportsURL: "http://reports", TempDir: t.TempDir(), Logger: logger}
	w := &legacyWorld{sb: sb, acts: acts, st: st, seeded: n.Customers + n.Orders,
		token: p.Daktela.Token}
	w.personOf, err = app.LegacyPersons(sb.Shop)
	require.NoError(t, err)
	require.Len(t, w.personOf, w.seeded)
	return w
}

// expectedGroups lists, sorted, the contacts of every person with more than one contact.
func (w *legacyWorld) expectedGroups() []string {
	byPerson := map[int][]string{}
	for name, p := range w.personOf {
		byPerson[p] = append(byPerson[p], name)
	}
	var out []string
	for _, names := range byPerson {
		if len(names) > 1 {
			slices.Sort(names)
			out = append(out, strings.Join(names, ","))
		}
	}
	slices.Sort(out)
	return out
}

type storedGroup struct {
	ID        string `json:"id"`
	Keep      string `json:"keep"`
	Ambiguous bool   `json:"ambiguous"`
	Contacts  []struct {
		Name string `json:"name"`
	} `json:"contacts"`
}

// plan reads the groups a run staged: merge groups and the ambiguous contacts.
func (w *legacyWorld) plan(t *testing.T, runID string) (groups []string, keeps map[string]string, ambiguous []string) {
	keeps = map[string]string{}
	err := w.st.ScanMergeGroups(context.Background(), runID, 0, 1<<30, func(g *store.MergeGroup) error {
		var sg storedGroup
		require.NoError(t, json.Unmarshal([]byte(g.Data), &sg))
		var names []string
		for _, c := range sg.Contacts {
			names = append(names, c.Name)
		}
		if sg.Ambiguous {
			ambiguous = append(ambiguous, names...)
			return nil
		}
		slices.Sort(names)
		key := strings.Join(names, ",")
		groups = append(groups, key)
		keeps[key] = sg.Keep
		return nil
	})
	require.NoError(t, err)
	slices.Sort(groups)
	return groups, keeps, ambiguous
}

func TestMergeDuplicatesEndToEnd(t *testing.T) {
	w := newLegacyWorld(t)
	srv := temporaltest.NewServer(temporaltest.WithT(t))
	srv.NewWorker(e2eQueue, func(r worker.Registry) { app.Register(r, w.acts) })
	c := srv.GetDefaultClient()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	want := w.expectedGroups()
	require.NotEmpty(t, want)

	t.Run("reject changes nothing", func(t *testing.T) {
		w.sb.CRM.ResetCounters()
		run := start(ctx, t, c, "merge-reject", workflows.MergeInput{})
		sum := waitForPlan(ctx, t, c, run)
		require.Equal(t, len(want), sum.Groups)
		groups, _, _ := w.plan(t, run.GetRunID())
		require.Equal(t, want, groups, "the plan groups exactly the ground truth's persons")
		decide(ctx, t, c, run, workflows.Decision{Approve: false})
		require.NoError(t, run.Get(ctx, &sum))
		require.Equal(t, workflows.DecisionRejected, sum.Decision)
		require.Zero(t, w.sb.CRM.Counters()["POST mergeContacts"])
		require.Len(t, w.sb.CRM.Contacts(), w.seeded)
	})
	t.Run("timeout changes nothing", func(t *testing.T) {
		w.sb.CRM.ResetCounters()
		run := start(ctx, t, c, "merge-timeout", workflows.MergeInput{ReviewTimeout: "1s"})
		var sum workflows.MergeSummary
		require.NoError(t, run.Get(ctx, &sum))
		require.Equal(t, workflows.DecisionTimedOut, sum.Decision)
		require.Zero(t, w.sb.CRM.Counters()["POST mergeContacts"])
		require.Len(t, w.sb.CRM.Contacts(), w.seeded)
	})
	t.Run("approve leaves one contact per person", func(t *testing.T) {
		w.sb.CRM.ResetCounters()
		run := start(ctx, t, c, "merge-approve", workflows.MergeInput{BatchSize: 5})
		sum := waitForPlan(ctx, t, c, run)
		groups, keeps, ambiguous := w.plan(t, run.GetRunID())
		require.Equal(t, want, groups)
		t.Logf("seeded %d contacts of %d persons: %d groups merge %d contacts; "+
			"%d ambiguous groups with %d contacts", w.seeded, w.sb.Shop.Truth().Persons(),
			sum.Groups, sum.Merges, sum.Ambiguous, len(ambiguous))
		decide(ctx, t, c, run, workflows.Decision{Approve: true})
		require.NoError(t, run.Get(ctx, &sum))
		require.Equal(t, len(want), sum.Merged)
		require.Zero(t, sum.Failed)
		require.Equal(t, int64(len(want)), w.sb.CRM.Counters()["POST mergeContacts"])
		w.requireOnePerPerson(t)
		left := map[string]bool{}
		for _, ct := range w.sb.CRM.Contacts() {
			left[ct.Name] = true
		}
		for _, keep := range keeps {
			require.True(t, left[keep], "kept contact %s is gone", keep)
		}
		for _, name := range ambiguous {
			if !inAnyGroup(groups, name) {
				require.True(t, left[name], "ambiguous contact %s was merged", name)
			}
		}
		w.requireFullSyncAdopts(ctx, t, c, len(want))
	})
}

func inAnyGroup(groups []string, name string) bool {
	for _, g := range groups {
		if slices.Contains(strings.Split(g, ","), name) {
			return true
		}
	}
	return false
}

// requireOnePerPerson checks that no two contacts left belong to one person.
func (w *legacyWorld) requireOnePerPerson(t *testing.T) {
	t.Helper()
	seen := map[int]string{}
	for _, ct := range w.sb.CRM.Contacts() {
		p, ok := w.personOf[ct.Name]
		require.True(t, ok, "unexpected contact %s", ct.Name)
		require.Empty(t, seen[p], "person %d has contacts %s and %s", p, seen[p], ct.Name)
		seen[p] = ct.Name
	}
	require.Len(t, seen, w.sb.Shop.Truth().Persons())
}

// requireFullSyncAdopts runs a full sync and checks it created contacts only for the
// persons no group covered: every merged person's kept contact was updated instead.
func (w *legacyWorld) requireFullSyncAdopts(ctx context.Context, t *testing.T, c client.Client, merged int) {
	before := len(w.sb.CRM.Contacts())
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "full-after-merge",
		TaskQueue: e2eQueue}, "FullSync", workflows.SyncInput{})
	require.NoError(t, err)
	var sum workflows.Summary
	require.NoError(t, run.Get(ctx, &sum))
	persons := w.sb.Shop.Truth().Persons()
	require.Equal(t, persons, sum.Persons)
	require.Equal(t, persons-merged, sum.Created, "contacts created for merged persons")
	require.Equal(t, before+persons-merged, len(w.sb.CRM.Contacts()))
}

func start(ctx context.Context, t *testing.T, c client.Client, id string, in workflows.MergeInput) client.WorkflowRun {
	t.Helper()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: e2eQueue},
		"MergeDuplicates", in)
	require.NoError(t, err)
	return run
}

// waitForPlan polls the plan query until the plan link is there.
func waitForPlan(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun) workflows.MergeSummary {
	t.Helper()
	for {
		v, err := c.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), workflows.PlanQuery)
		require.NoError(t, err)
		var sum workflows.MergeSummary
		require.NoError(t, v.Get(&sum))
		if sum.Plan != "" && sum.ReviewBy.After(sum.Started) {
			require.True(t, strings.HasPrefix(sum.Plan, "http://reports/reports/"))
			return sum
		}
		select {
		case <-ctx.Done():
			t.Fatal("no plan in time")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func decide(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun, d workflows.Decision) {
	t.Helper()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(),
		RunID: run.GetRunID(), UpdateName: workflows.DecideUpdate, Args: []any{d},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	require.NoError(t, err)
	var sum workflows.MergeSummary
	require.NoError(t, h.Get(ctx, &sum))
	require.NotEqual(t, workflows.DecisionPending, sum.Decision)
}
