package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/shopsync/shoptet-daktela/activities"
)

// KindMerge is the kind of a duplicate clean-up in runs and reports.
const KindMerge = "merge duplicates"

// defaultReviewTimeout is how long a plan waits for a decision when the input names none:
// long enough for a weekend.
const defaultReviewTimeout = 72 * time.Hour

// defaultMergeBatch is how many groups one merge activity handles by default.
const defaultMergeBatch = 100

// ErrBadInput is the error type of a MergeDuplicates input that cannot work.
const ErrBadInput = "BadInputError"

// MergeDuplicates cleans up a CRM database an earlier integration filled with one contact
// per customer and per order: it reads the contacts, groups those of one person, writes an
// XLSX plan and waits for a reviewer's decision (the decide update or signal). On approval
// it merges the groups not excluded; on rejection or when the review times out it ends
// without changing anything.
func MergeDuplicates(ctx workflow.Context, in MergeInput) (*MergeSummary, error) {
	m, err := newMergeRun(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := m.handlers(ctx); err != nil {
		return nil, err
	}
	if err := m.prepare(ctx); err != nil {
		m.progress.Phase = "failed"
		return nil, err
	}
	if err := m.review(ctx); err != nil {
		return nil, err
	}
	if m.summary.Decision == DecisionApproved {
		if err := m.apply(ctx); err != nil {
			m.progress.Phase = "failed"
			return nil, err
		}
	}
	m.summary.Finished = workflow.Now(ctx)
	m.progress.Phase = "done"
	workflow.GetLogger(ctx).Info("merge finished", "decision", m.summary.Decision,
		"groups", m.summary.Groups, "merged", m.summary.Merged, "skipped", m.summary.Skipped,
		"failed", m.summary.Failed)
	return &m.summary, nil
}

type mergeRun struct {
	in       MergeInput
	run      activities.MergeRun
	timeout  time.Duration
	summary  MergeSummary
	progress Progress
	ready    bool // the plan is written and can be decided on
	decision *Decision
}

func newMergeRun(ctx workflow.Context, in MergeInput) (*mergeRun, error) {
	if in.Profile == "" {
		in.Profile = "default"
	}
	if in.Keep == "" {
		in.Keep = activities.KeepEdited
	}
	if in.Keep != activities.KeepEdited && in.Keep != activities.KeepCreated {
		return nil, badInput(fmt.Sprintf("keep must be %q or %q, not %q",
			activities.KeepEdited, activities.KeepCreated, in.Keep))
	}
	timeout := defaultReviewTimeout
	if in.ReviewTimeout != "" {
		d, err := time.ParseDuration(in.ReviewTimeout)
		if err != nil || d <= 0 {
			return nil, badInput(fmt.Sprintf("reviewTimeout %q is not a positive duration "+
				"such as \"72h\"", in.ReviewTimeout))
		}
		timeout = d
	}
	if in.Parallel <= 0 {
		in.Parallel = 2
	}
	if in.BatchSize <= 0 {
		in.BatchSize = defaultMergeBatch
	}
	info := workflow.GetInfo(ctx)
	return &mergeRun{
		in: in, timeout: timeout,
		run: activities.MergeRun{Run: activities.Run{ID: info.WorkflowExecution.RunID,
			Workflow: info.WorkflowExecution.ID, Kind: KindMerge, Profile: in.Profile},
			Database: in.Database, Keep: in.Keep},
		summary: MergeSummary{Profile: in.Profile, Database: in.Database, Keep: in.Keep,
			Decision: DecisionPending, Started: workflow.Now(ctx)},
		progress: Progress{Phase: "starting", Phases: []Phase{
			{Name: "read", Unit: "steps"}, {Name: "group", Unit: "steps"},
			{Name: "plan", Unit: "plans"}, {Name: "review", Unit: "decisions"},
			{Name: "merge", Unit: "groups"}, {Name: "report", Unit: "reports"},
		}},
	}, nil
}

func badInput(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, ErrBadInput, nil)
}

// handlers registers the queries, the decide update and the decide signal. The signal does
// what the update does for callers that cannot send updates; an invalid signal is logged
// and dropped since a signal cannot answer.
func (m *mergeRun) handlers(ctx workflow.Context) error {
	err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (Progress, error) {
		return m.progress, nil
	})
	if err == nil {
		err = workflow.SetQueryHandler(ctx, PlanQuery, func() (MergeSummary, error) {
			return m.summary, nil
		})
	}
	if err == nil {
		err = workflow.SetUpdateHandlerWithOptions(ctx, DecideUpdate,
			func(ctx workflow.Context, d Decision) (MergeSummary, error) {
				// Two updates of one workflow task both pass the validator; the first wins.
				if err := m.validate(d); err != nil {
					return m.summary, err
				}
				m.decide(d)
				return m.summary, nil
			}, workflow.UpdateHandlerOptions{Validator: m.validate})
	}
	if err != nil {
		return err
	}
	ch := workflow.GetSignalChannel(ctx, DecideSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var d Decision
			ch.Receive(ctx, &d)
			if err := m.validate(d); err != nil {
				workflow.GetLogger(ctx).Warn("decide signal ignored", "error", err)
				continue
			}
			m.decide(d)
		}
	})
	return nil
}

// validate refuses a decision before the plan exists, after one was made, or naming a
// group the plan does not have.
func (m *mergeRun) validate(d Decision) error {
	switch {
	case !m.ready:
		return errors.New("the plan is not written yet: wait for the plan query to show its link")
	case m.summary.Decision != DecisionPending:
		return fmt.Errorf("the plan was already decided: %s", m.summary.Decision)
	}
	for _, id := range d.Exclude {
		if !m.hasGroup(id) {
			return fmt.Errorf("the plan has no group %q (groups are g1..g%d)", id, m.summary.Groups)
		}
	}
	return nil
}

func (m *mergeRun) hasGroup(id string) bool {
	if len(id) < 2 {
		return false
	}
	n, err := strconv.Atoi(id[1:])
	switch {
	case err != nil || n < 1:
		return false
	case id[0] == 'g':
		return n <= m.summary.Groups
	case id[0] == 'a':
		return n <= m.summary.Ambiguous
	}
	return false
}

func (m *mergeRun) decide(d Decision) {
	m.decision = &d
	m.summary.Decision = DecisionRejected
	if d.Approve {
		m.summary.Decision = DecisionApproved
		m.summary.Excluded = slices.Compact(slices.Sorted(slices.Values(d.Exclude)))
	}
	m.progress.set("review", 1, 1)
}

// prepare reads the contacts, groups them and writes the plan.
func (m *mergeRun) prepare(ctx workflow.Context) error {
	m.progress.set("read", 0, 1)
	var read activities.ContactsRead
	err := workflow.ExecuteActivity(withLong(ctx), a.ReadContacts, m.run).Get(ctx, &read)
	if err != nil {
		return err
	}
	m.run.Database, m.summary.Database, m.summary.Contacts = read.Database, read.Database,
		read.Contacts
	m.progress.set("read", 1, 1)

	m.progress.set("group", 0, 1)
	var p activities.MergePlanned
	if err := workflow.ExecuteActivity(withLong(ctx), a.GroupContacts, m.run).Get(ctx, &p); err != nil {
		return err
	}
	m.summary.Groups, m.summary.Ambiguous, m.summary.Merges = p.Groups, p.Ambiguous, p.Merges
	m.summary.OrderContacts = p.OrderContacts
	m.progress.set("group", 1, 1)

	m.progress.set("plan", 0, 1)
	var ref activities.ReportRef
	if err := workflow.ExecuteActivity(withLong(ctx), a.WritePlan, m.run).Get(ctx, &ref); err != nil {
		return err
	}
	m.summary.Plan = ref.URL
	m.progress.set("plan", 1, 1)
	return nil
}

// review waits for the decision or the timeout. A plan without groups needs no decision.
func (m *mergeRun) review(ctx workflow.Context) error {
	if m.summary.Groups == 0 {
		m.summary.Decision = DecisionRejected
		return nil
	}
	m.ready = true
	m.summary.ReviewBy = workflow.Now(ctx).Add(m.timeout)
	m.progress.set("review", 0, 1)
	workflow.GetLogger(ctx).Info("merge plan waits for review", "groups", m.summary.Groups,
		"plan", m.summary.Plan, "timeout", m.timeout)
	decided, err := workflow.AwaitWithTimeout(ctx, m.timeout, func() bool {
		return m.decision != nil
	})
	if err != nil {
		return err
	}
	if !decided {
		m.summary.Decision = DecisionTimedOut
	}
	return nil
}

// apply merges the groups in batches, Parallel at a time, then writes the result workbook.
func (m *mergeRun) apply(ctx workflow.Context) error {
	total := m.summary.Groups + m.summary.Ambiguous
	m.progress.set("merge", 0, total)
	lctx := withLong(ctx)
	var sum activities.MergeApplied
	var firstErr error
	pending, next := 0, 0
	sel := workflow.NewSelector(ctx)
	for next < total || pending > 0 {
		for firstErr == nil && next < total && pending < m.in.Parallel {
			b := activities.MergeBatch{Run: m.run, From: next,
				To: min(next+m.in.BatchSize, total), Exclude: m.decision.Exclude}
			sel.AddFuture(workflow.ExecuteActivity(lctx, a.ApplyMerge, b), func(f workflow.Future) {
				pending--
				var out activities.MergeApplied
				if err := f.Get(ctx, &out); err != nil {
					firstErr = cmpErr(firstErr, err)
					return
				}
				sum = sum.Add(out)
				m.progress.advance("merge", b.To-b.From)
			})
			pending++
			next = b.To
		}
		if pending == 0 {
			break
		}
		sel.Select(ctx)
	}
	if firstErr != nil {
		return firstErr
	}
	m.summary.Merged, m.summary.Skipped, m.summary.Failed = sum.Merged, sum.Skipped, sum.Failed
	return m.writeResult(ctx)
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func (m *mergeRun) writeResult(ctx workflow.Context) error {
	m.progress.set("report", 0, 1)
	req := activities.MergeResultRequest{Run: m.run, Started: m.summary.Started,
		Decision: m.summary.Decision}
	var ref activities.ReportRef
	if err := workflow.ExecuteActivity(withLong(ctx), a.WriteMergeResult, req).Get(ctx, &ref); err != nil {
		return err
	}
	m.summary.Result = ref.URL
	m.progress.set("report", 1, 1)
	return nil
}
