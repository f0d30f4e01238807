package activities

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/report"
	"github.com/shopsync/shoptet-daktela/store"
)

// MergeBatch is a range [From, To) of a run's plan groups for one ApplyMerge activity,
// with the group ids the reviewer excluded.
type MergeBatch struct {
	Run     MergeRun `json:"run"`
	From    int      `json:"from"`
	To      int      `json:"to"`
	Exclude []string `json:"exclude,omitempty"`
}

// MergeApplied counts the outcome of a batch of groups.
type MergeApplied struct {
	Merged  int `json:"merged"`
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
}

// Add sums two outcomes.
func (m MergeApplied) Add(o MergeApplied) MergeApplied {
	return MergeApplied{m.Merged + o.Merged, m.Skipped + o.Skipped, m.Failed + o.Failed}
}

// ApplyMerge merges the approved groups of a batch with Daktela's mergeContacts, the kept
// contact named first. It is safe to retry: a group's outcome is recorded before the batch
// reports success and recorded groups are not touched again; a group is re-read before it
// is merged, and one whose kept contact is the only one left counts as merged (an earlier
// attempt merged it and was lost before it could record so). Only contacts of the plan that
// still exist are ever named in a merge.
func (a *Activities) ApplyMerge(ctx context.Context, b MergeBatch) (MergeApplied, error) {
	ctx, stop := keepAlive(ctx)
	defer stop()
	c, err := a.conn(b.Run.Run.Profile)
	if err != nil {
		return MergeApplied{}, err
	}
	m := &merger{a: a, c: c, run: b.Run.Run, shop: c.Key(),
		l: &loader{lim: daktela.NewLimiter(c.Concurrency)}}
	var todo []mergeJob
	err = a.scanPlanRange(ctx, b.Run.Run.ID, b.From, b.To, func(row *store.MergeGroup, g *planGroup) error {
		job := mergeJob{seq: row.Seq, g: g}
		switch {
		case row.Result != "":
			m.count(ctx, row.Result)
			return nil
		case g.Ambiguous:
			job.skip = "ambiguous: several persons use this phone; merge by hand if they are one"
		case slices.Contains(b.Exclude, g.ID):
			job.skip = "excluded by the reviewer"
		}
		todo = append(todo, job)
		return nil
	})
	if err != nil {
		return MergeApplied{}, err
	}
	err = m.all(ctx, todo, max(1, c.Concurrency))
	a.log(ctx, b.Run.Run).Info("merge batch applied", "from", b.From, "to", b.To,
		"merged", m.out.Merged, "skipped", m.out.Skipped, "failed", m.out.Failed,
		"throttled", m.l.throttled)
	return m.out, classify(err)
}

type mergeJob struct {
	seq  int
	g    *planGroup
	skip string // why the group is not merged, when it is not
}

type merger struct {
	a    *Activities
	c    *Conn
	run  Run
	shop string
	l    *loader // its call runs requests under the limiter and waits throttling out
	mu   sync.Mutex
	out  MergeApplied
	done int
}

// all runs the jobs on n workers and stops at the first error.
func (m *merger) all(ctx context.Context, jobs []mergeJob, n int) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *mergeJob)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if err := m.one(ctx, j); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case work <- &jobs[i]:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx)
}

func (m *merger) one(ctx context.Context, j *mergeJob) error {
	result, kept, msg := MergeSkipped, "", j.skip
	if j.skip == "" {
		var err error
		if result, kept, msg, err = m.merge(ctx, j.g); err != nil {
			return err
		}
	}
	if err := m.a.Store.SetMergeOutcome(ctx, m.run.ID, j.seq, result, kept, msg); err != nil {
		return err
	}
	m.count(ctx, result)
	return nil
}

// merge merges the plan's contacts that still exist into the kept one and points the
// identity map's keys of the group at the survivor before the outcome is recorded.
func (m *merger) merge(ctx context.Context, g *planGroup) (result, kept, msg string, err error) {
	present, err := m.present(ctx, g.names())
	if err != nil {
		return "", "", "", err
	}
	if !slices.Contains(present, g.Keep) {
		return MergeFailed, "", fmt.Sprintf("the kept contact %s no longer exists; "+
			"the group was left as it is", g.Keep), nil
	}
	kept = g.Keep
	names := append([]string{g.Keep}, slices.DeleteFunc(present, func(n string) bool {
		return n == g.Keep
	})...)
	if len(names) == 1 {
		msg = "already merged: only the kept contact is left"
	} else {
		var out daktela.Contact
		err = m.l.call(ctx, func() (err error) {
			out, err = m.c.CRM.MergeContacts(ctx, names)
			return err
		})
		if text, rejected := rejection(err); rejected {
			return MergeFailed, "", text, nil
		}
		if err != nil {
			return "", "", "", err
		}
		if out.Name != "" && out.Name != g.Keep {
			kept, msg = out.Name, "Daktela kept "+out.Name+" instead of "+g.Keep
		}
	}
	return MergeMerged, kept, msg, m.remember(ctx, g, kept)
}

// present returns the names that still exist, in the order given.
func (m *merger) present(ctx context.Context, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		err := m.l.call(ctx, func() error {
			_, err := m.c.CRM.Contact(ctx, n)
			return err
		})
		switch {
		case daktela.IsNotFound(err):
		case err != nil:
			return nil, err
		default:
			out = append(out, n)
		}
	}
	return out, nil
}

// remember makes the group's e-mails and phones lead the sync to the kept contact, so that
// the next full sync updates it instead of creating one.
func (m *merger) remember(ctx context.Context, g *planGroup, kept string) error {
	keys := make(map[string]string, len(g.Keys))
	for _, k := range g.Keys {
		keys[k] = kept
	}
	return m.a.Store.PutIdentity(ctx, m.shop, keys)
}

func (m *merger) count(ctx context.Context, result string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch result {
	case MergeMerged:
		m.out.Merged++
	case MergeFailed:
		m.out.Failed++
	default:
		m.out.Skipped++
	}
	m.done++
	if m.done%50 == 0 {
		heartbeat(ctx, m.done)
	}
}

// MergeResultRequest asks for the result workbook of a run.
type MergeResultRequest struct {
	Run      MergeRun  `json:"run"`
	Started  time.Time `json:"started"`
	Decision string    `json:"decision"`
}

// WriteMergeResult writes what applying the plan did, group by group, with Daktela's
// messages verbatim, stores the workbook and returns its link.
func (a *Activities) WriteMergeResult(ctx context.Context, req MergeResultRequest) (ReportRef, error) {
	c, err := a.conn(req.Run.Run.Profile)
	if err != nil {
		return ReportRef{}, err
	}
	path := filepath.Join(a.tempDir(), "merged-"+req.Run.Run.ID+".xlsx")
	w, err := report.CreateMergeResult(path)
	if err != nil {
		return ReportRef{}, err
	}
	defer os.Remove(path)
	counts := map[string]int64{}
	err = a.scanPlan(ctx, req.Run.Run.ID, func(row *store.MergeGroup, g *planGroup) error {
		result := row.Result
		if result == "" {
			result = MergeSkipped
		}
		counts[result]++
		keep := g.Keep
		if row.Kept != "" {
			keep = row.Kept
		}
		merged := slices.DeleteFunc(g.names(), func(n string) bool { return n == keep })
		return w.AddRow(report.MergeRow{Group: g.ID, Keep: keep, Merged: merged,
			Result: result, Message: row.Message})
	})
	if err != nil {
		w.Abort()
		return ReportRef{}, err
	}
	err = w.Close(report.Summary{Shop: c.ShopURL, Run: req.Run.Run.ID,
		Kind: "merge result (" + req.Decision + ")", Started: req.Started, Finished: time.Now(),
		Counts: []report.Count{{Name: "Groups merged", Value: counts[MergeMerged]},
			{Name: "Groups skipped", Value: counts[MergeSkipped]},
			{Name: "Groups failed", Value: counts[MergeFailed]}}})
	if err != nil {
		return ReportRef{}, err
	}
	name := fmt.Sprintf("merge-result-%s-%s.xlsx", c.Key(), req.Started.Format("20060102-150405"))
	ref, _, err := a.storeReport(ctx, req.Run.Run.ID+"-result", name, path)
	return ref, err
}
