package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/shopsync/shoptet-daktela/activities"
)

// a is the nil receiver through which workflows name activity methods.
var a *activities.Activities

// Workflow kinds as they appear in runs, reports and summaries.
const (
	KindFull        = "full sync"
	KindIncremental = "incremental sync"
)

// FullSync reads the shop's complete customer and order exports, resolves them into persons
// and leaves one Daktela contact per person with the person's orders attached.
func FullSync(ctx workflow.Context, in SyncInput) (*Summary, error) {
	s := newSyncRun(ctx, KindFull, in)
	return s.execute(ctx, s.fetchFull)
}

// IncrementalSync applies the orders (and customers) changed since the last run to the
// contacts. It refuses to run before any full sync unless FullIfNeeded is set.
func IncrementalSync(ctx workflow.Context, in SyncInput) (*Summary, error) {
	s := newSyncRun(ctx, KindIncremental, in)
	return s.execute(ctx, s.fetchIncremental)
}

type syncRun struct {
	in       SyncInput
	run      activities.Run
	shop     activities.Shop
	summary  Summary
	progress Progress
}

func newSyncRun(ctx workflow.Context, kind string, in SyncInput) *syncRun {
	info := workflow.GetInfo(ctx)
	if in.Profile == "" {
		in.Profile = "default"
	}
	if in.Parallel <= 0 {
		in.Parallel = 2
	}
	return &syncRun{
		in: in,
		run: activities.Run{
			ID: info.WorkflowExecution.RunID, Workflow: info.WorkflowExecution.ID,
			Kind: kind, Profile: in.Profile, DryRun: in.DryRun,
		},
		summary: Summary{Kind: kind, Profile: in.Profile, DryRun: in.DryRun,
			Started: workflow.Now(ctx)},
		progress: Progress{Phase: "starting", Phases: []Phase{
			{Name: "fetch", Unit: "exports"}, {Name: "resolve", Unit: "steps"},
			{Name: "load", Unit: "persons"}, {Name: "report", Unit: "reports"},
		}},
	}
}

func (s *syncRun) execute(ctx workflow.Context, fetch func(workflow.Context) error) (*Summary, error) {
	logger := workflow.GetLogger(ctx)
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (Progress, error) {
		return s.progress, nil
	}); err != nil {
		return nil, err
	}
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	if err := fetch(ctx); err != nil {
		return nil, s.fail(ctx, err)
	}
	if err := s.resolve(ctx); err != nil {
		return nil, s.fail(ctx, err)
	}
	if err := s.load(ctx); err != nil {
		return nil, s.fail(ctx, err)
	}
	if err := s.report(ctx); err != nil {
		return nil, s.fail(ctx, err)
	}
	s.summary.Finished = workflow.Now(ctx)
	s.progress.Phase = "done"
	if err := s.finish(ctx, "completed"); err != nil {
		return nil, err
	}
	logger.Info("sync finished", "persons", s.summary.Persons, "created", s.summary.Created,
		"updated", s.summary.Updated, "unchanged", s.summary.Unchanged, "rejected", s.summary.Rejected)
	return &s.summary, nil
}

func (s *syncRun) begin(ctx workflow.Context) error {
	s.progress.Phase = "starting"
	err := workflow.ExecuteActivity(withShort(ctx), a.Begin, s.run).Get(ctx, &s.shop)
	if err != nil {
		return err
	}
	s.summary.Shop = s.shop.URL
	return nil
}

func (s *syncRun) fetchFull(ctx workflow.Context) error {
	s.progress.set("fetch", 0, 2)
	fctx := withFetch(ctx)
	customers := workflow.ExecuteActivity(fctx, a.FetchCustomers, s.run)
	orders := workflow.ExecuteActivity(fctx, a.FetchOrders, s.run)
	var c, o activities.Fetched
	errC := customers.Get(ctx, &c)
	s.progress.advance("fetch", 1)
	errO := orders.Get(ctx, &o)
	s.progress.advance("fetch", 1)
	if err := errors.Join(errC, errO); err != nil {
		return err
	}
	s.summary.RecordErrors += c.Rejected + o.Rejected
	s.addNote(c.Note)
	s.addNote(o.Note)
	return nil
}

func (s *syncRun) fetchIncremental(ctx workflow.Context) error {
	if !s.shop.FullSyncs {
		if !s.in.FullIfNeeded {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("no full sync has "+
				"finished for profile %q yet: run FullSync first, or start this workflow "+
				"with {\"fullIfNeeded\": true}", s.in.Profile), activities.ErrNoFull, nil)
		}
		s.addNote("no full sync had run before: this run read the full exports")
		return s.fetchFull(ctx)
	}
	s.progress.set("fetch", 0, 2)
	fctx := withFetch(ctx)
	feed := workflow.ExecuteActivity(fctx, a.FetchFeed, s.run)
	customers := workflow.ExecuteActivity(fctx, a.FetchCustomers, s.run)
	var f, c activities.Fetched
	errF := feed.Get(ctx, &f)
	s.progress.advance("fetch", 1)
	errC := customers.Get(ctx, &c)
	s.progress.advance("fetch", 1)
	if err := errors.Join(errF, errC); err != nil {
		return err
	}
	s.summary.RecordErrors += f.Rejected + c.Rejected
	s.addNote(f.Note)
	return nil
}

func (s *syncRun) resolve(ctx workflow.Context) error {
	s.progress.set("resolve", 0, 1)
	var r activities.Resolved
	if err := workflow.ExecuteActivity(withLong(ctx), a.Resolve, s.run).Get(ctx, &r); err != nil {
		return err
	}
	s.progress.advance("resolve", 1)
	s.summary.Persons, s.summary.Conflicts = r.Persons, r.Conflicts
	s.summary.Customers, s.summary.Orders = r.Customers, r.Orders
	return nil
}

// load runs the load batches, Parallel at a time, so that the CRM's allowed rate is used
// while the history stays small (each batch is one activity, whatever its size).
func (s *syncRun) load(ctx workflow.Context) error {
	batches := plan(s.summary.Persons, s.in.BatchSize)
	s.progress.set("load", 0, s.summary.Persons)
	lctx := withLong(ctx)
	var total activities.Loaded
	var firstErr error
	pending := 0
	sel := workflow.NewSelector(ctx)
	for i := 0; i < len(batches) || pending > 0; {
		for firstErr == nil && i < len(batches) && pending < s.in.Parallel {
			b := batches[i]
			b.Run = s.run
			f := workflow.ExecuteActivity(lctx, a.Load, b)
			sel.AddFuture(f, func(f workflow.Future) {
				pending--
				var l activities.Loaded
				if err := f.Get(ctx, &l); err != nil {
					if firstErr == nil {
						firstErr = err
					}
					return
				}
				total = total.Add(l)
				s.progress.advance("load", b.To-b.From)
			})
			pending++
			i++
		}
		if pending == 0 {
			break
		}
		sel.Select(ctx)
	}
	if firstErr != nil {
		return firstErr
	}
	s.summary.Created, s.summary.Updated = total.Created, total.Updated
	s.summary.Unchanged, s.summary.Rejected = total.Unchanged, total.Rejected
	return nil
}

// plan cuts n persons into batches: at most 200 of them, at least 500 persons each unless
// size is given.
func plan(n, size int) []activities.Batch {
	if size <= 0 {
		size = max(500, (n+199)/200)
	}
	var out []activities.Batch
	for from := 0; from < n; from += size {
		out = append(out, activities.Batch{From: from, To: min(from+size, n)})
	}
	return out
}

func (s *syncRun) report(ctx workflow.Context) error {
	s.progress.set("report", 0, 1)
	var ref activities.ReportRef
	req := activities.ReportRequest{Run: s.run, Started: s.summary.Started}
	if err := workflow.ExecuteActivity(withLong(ctx), a.WriteReport, req).Get(ctx, &ref); err != nil {
		return err
	}
	s.progress.advance("report", 1)
	s.summary.Report = ref.URL
	return nil
}

func (s *syncRun) finish(ctx workflow.Context, status string) error {
	f := activities.Finish{Run: s.run, Summary: s.summary, Status: status}
	return workflow.ExecuteActivity(withShort(ctx), a.Finish, f).Get(ctx, nil)
}

// fail records a failed run, best effort, and returns the original error.
func (s *syncRun) fail(ctx workflow.Context, err error) error {
	s.summary.Finished = workflow.Now(ctx)
	s.progress.Phase = "failed"
	if ferr := s.finish(ctx, "failed"); ferr != nil {
		workflow.GetLogger(ctx).Warn("could not record the failed run", "error", ferr)
	}
	return err
}

func (s *syncRun) addNote(n string) {
	if n != "" {
		s.summary.Notes = append(s.summary.Notes, n)
	}
}

// Activity options per kind of work. Configuration errors never retry; everything else
// retries with backoff, and long activities heartbeat so that a lost worker is noticed
// within a minute and the retry resumes from the last heartbeat.
var nonRetryable = []string{activities.ErrConfig, activities.ErrNoFull}

func withShort(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 5,
			NonRetryableErrorTypes: nonRetryable},
	})
}

func withFetch(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Hour,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second,
			BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute, MaximumAttempts: 8,
			NonRetryableErrorTypes: nonRetryable},
	})
}

func withLong(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Hour,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second,
			BackoffCoefficient: 2, MaximumInterval: 2 * time.Minute, MaximumAttempts: 20,
			NonRetryableErrorTypes: nonRetryable},
	})
}
