package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/shopsync/shoptet-daktela/workflows"
)

// syncRun is one FullSync as the bench saw it.
type syncRun struct {
	wall    time.Duration
	summary workflows.Summary
	calls   map[string]int64 // sandbox CRM counters during the run
	history historyStats
}

// result is everything the table shows.
type result struct {
	opts      options
	first     syncRun
	peakRSS   int64 // worker's VmHWM after the first sync
	contacts  int   // contacts in the CRM after the first sync
	persons   int   // ground truth
	reuse     syncRun
	full      syncRun // rerun with SHOPSYNC_MIN_FULL_INTERVAL=0s
	fullRSS   int64
	decode    speed
	scan      speed
	generate  speed
	builtin   builtinRun
	totalWall time.Duration
}

// run is the whole bench: stack up, first sync, the two reruns, the decode speeds and the
// built-in integration, then everything down.
func run(ctx context.Context, opts options) (*result, error) {
	began := time.Now()
	s, err := newStack(opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	res := &result{opts: opts}
	if err := s.syncs(ctx, res); err != nil {
		return nil, err
	}
	res.contacts = len(s.sb.CRM.Contacts())
	res.persons = s.sb.Shop.Truth().Persons()
	s.progressf("measuring the order-XML decode speed")
	if err := res.measureDecode(s); err != nil {
		return nil, err
	}
	s.progressf("replaying the built-in integration against a fresh CRM")
	if res.builtin, err = runBuiltin(ctx, s.sb.Shop, opts); err != nil {
		return nil, fmt.Errorf("built-in integration: %w", err)
	}
	res.totalWall = time.Since(began)
	return res, nil
}

// syncs runs the first sync and the rerun that reuses the mirror on one worker, then the
// rerun that downloads everything again on a worker restarted with no minimum interval.
func (s *stack) syncs(ctx context.Context, res *result) error {
	w, err := s.launch("15m")
	if err != nil {
		return err
	}
	defer w.stop()
	s.progressf("first full sync")
	if res.first, err = s.fullSync(ctx, w); err != nil {
		return err
	}
	if res.peakRSS, err = w.peakRSS(); err != nil {
		return err
	}
	s.progressf("rerun, nothing changed, mirror reused")
	if res.reuse, err = s.fullSync(ctx, w); err != nil {
		return err
	}
	w.stop()
	if w, err = s.launch("0s"); err != nil {
		return err
	}
	defer w.stop()
	s.progressf("rerun, nothing changed, full download")
	if res.full, err = s.fullSync(ctx, w); err != nil {
		return err
	}
	res.fullRSS, err = w.peakRSS()
	return err
}

func (s *stack) launch(minFull string) (*workerProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, fmt.Errorf("reports port: %w", err)
	}
	return s.startWorker(s.workerEnv(minFull, addr))
}

// fullSync starts FullSync, waits for it with a progress line, and measures it.
func (s *stack) fullSync(ctx context.Context, w *workerProc) (syncRun, error) {
	s.sb.CRM.ResetCounters()
	start := time.Now()
	r, err := s.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: s.queue,
		WorkflowExecutionTimeout: 12 * time.Hour}, "FullSync",
		workflows.SyncInput{Parallel: s.opts.parallel})
	if err != nil {
		return syncRun{}, fmt.Errorf("start FullSync: %w", err)
	}
	var out syncRun
	if err := s.wait(ctx, w, r, &out.summary); err != nil {
		return syncRun{}, err
	}
	out.wall = time.Since(start)
	out.calls = s.sb.CRM.Counters()
	out.history, err = readHistory(ctx, s.tc, r.GetID(), r.GetRunID())
	return out, err
}

// progressEvery is how often the progress query is asked while a sync runs.
const progressEvery = 10 * time.Second

// wait waits for the run's result, printing its progress, and fails early when the worker
// process dies.
func (s *stack) wait(ctx context.Context, w *workerProc, r client.WorkflowRun,
	sum *workflows.Summary) error {
	done := make(chan error, 1)
	go func() { done <- r.Get(ctx, sum) }()
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	start := time.Now()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("FullSync: %w", err)
			}
			return nil
		case <-w.done:
			return w.exited()
		case <-tick.C:
			s.progressf("%s after %s", s.progress(ctx, r), time.Since(start).Round(time.Second))
		}
	}
}

func (s *stack) progress(ctx context.Context, r client.WorkflowRun) string {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, err := s.tc.QueryWorkflow(qctx, r.GetID(), r.GetRunID(), workflows.ProgressQuery)
	if err != nil {
		return "progress unknown"
	}
	var p workflows.Progress
	if err := v.Get(&p); err != nil {
		return "progress unknown"
	}
	return formatProgress(p)
}

func formatProgress(p workflows.Progress) string {
	line := p.Phase
	for _, ph := range p.Phases {
		if ph.Name == p.Phase {
			line += fmt.Sprintf(" %d/%d %s", ph.Done, ph.Total, ph.Unit)
		}
	}
	return line
}

func (s *stack) progressf(format string, args ...any) {
	if s.opts.progress != nil {
		fmt.Fprintf(s.opts.progress, "bench: "+format+"\n", args...)
	}
}

// measureDecode times the product's decoder and a bare token scan over the same export, and
// the export's generation alone, which both include.
func (res *result) measureDecode(s *stack) error {
	var err error
	sh := s.sb.Shop
	if res.generate, err = streamOrders(sh, func(r io.Reader) (int, error) {
		_, err := io.Copy(io.Discard, r)
		return 0, err
	}); err != nil {
		return err
	}
	if res.decode, err = streamOrders(sh, decodeOrders); err != nil {
		return err
	}
	res.scan, err = streamOrders(sh, scanTokens)
	return err
}

// callStats splits CRM counters into reads and writes; status keys ("429") are not calls.
func callStats(calls map[string]int64) (reads, writes int64) {
	for k, v := range calls {
		switch {
		case len(k) > 4 && k[:4] == "GET ":
			reads += v
		case isStatus(k):
		default:
			writes += v
		}
	}
	return reads, writes
}

func isStatus(k string) bool {
	for _, r := range k {
		if r < '0' || r > '9' {
			return false
		}
	}
	return k != ""
}

// sortedCalls lists the call keys in order, without the status keys.
func sortedCalls(calls map[string]int64) []string {
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(calls)) {
		if !isStatus(k) {
			keys = append(keys, k)
		}
	}
	return keys
}
