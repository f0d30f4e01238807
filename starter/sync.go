package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/shopsync/shoptet-daktela/workflows"
)

func runSync(args []string) error {
	if len(args) == 0 || (args[0] != "full" && args[0] != "incremental") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Println("Usage: starter sync full|incremental [flags] (see --help after the kind)")
			return nil
		}
		return usageError{"sync needs a kind: full or incremental"}
	}
	kind := args[0]
	fs := newFlags("sync", "sync "+kind+" [flags]")
	var conn connFlags
	conn.register(fs)
	var in workflows.SyncInput
	fs.StringVar(&in.Profile, "profile", "", "connection profile of the worker (default: default)")
	fs.BoolVar(&in.DryRun, "dry-run", false, "change nothing in Daktela; the report says what would change")
	fs.IntVar(&in.Parallel, "parallel", 0, "load batches at once (default 2)")
	fs.BoolVar(&in.FullIfNeeded, "full-if-needed", false, "incremental: run a full sync when none ran before")
	detach := fs.Bool("detach", false, "print the workflow id and its UI link, do not wait")
	taskQueue := fs.String("task-queue", workflows.TaskQueue, "task queue of the workers")
	ui := fs.String("ui", "http://localhost:8233", "Web UI base URL for links")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	wfType := map[string]string{"full": "FullSync", "incremental": "IncrementalSync"}[kind]
	return startAndWait(ctx, c, wfType, *taskQueue, in, *detach, *ui, conn.namespace)
}

func startAndWait(ctx context.Context, c client.Client, wfType, taskQueue string,
	in workflows.SyncInput, detach bool, ui, namespace string) error {
	id := fmt.Sprintf("%s-%s-%s", strings.ToLower(wfType), profileName(in.Profile),
		time.Now().UTC().Format("20060102-150405"))
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue},
		wfType, in)
	if err != nil {
		return fmt.Errorf("start %s: %w", wfType, err)
	}
	link := fmt.Sprintf("%s/namespaces/%s/workflows/%s/%s", strings.TrimRight(ui, "/"),
		namespaceOr(namespace), run.GetID(), run.GetRunID())
	if detach {
		fmt.Printf("started %s\nworkflow id: %s\nui: %s\n", wfType, run.GetID(), link)
		return nil
	}
	fmt.Fprintf(os.Stderr, "started %s %s\n  %s\n", wfType, run.GetID(), link)
	sum, err := wait(ctx, c, run)
	if err != nil {
		return err
	}
	printSummary(sum)
	return nil
}

func namespaceOr(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

func profileName(p string) string {
	if p == "" {
		return "default"
	}
	return p
}

// wait polls the progress query while the workflow runs and redraws one status line.
func wait(ctx context.Context, c client.Client, run client.WorkflowRun) (*workflows.Summary, error) {
	done := make(chan error, 1)
	var sum workflows.Summary
	go func() { done <- run.Get(ctx, &sum) }()
	tty := isTerminal(os.Stderr)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last := ""
	for {
		select {
		case err := <-done:
			if tty {
				fmt.Fprint(os.Stderr, "\r\033[K")
			}
			if err != nil {
				return nil, fmt.Errorf("%s failed: %w", run.GetID(), rootCause(err))
			}
			return &sum, nil
		case <-tick.C:
			line := progressLine(ctx, c, run.GetID(), run.GetRunID())
			if line == "" || line == last {
				continue
			}
			last = line
			if tty {
				fmt.Fprintf(os.Stderr, "\r\033[K%s", line)
			} else {
				fmt.Fprintln(os.Stderr, line)
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped waiting; %s goes on (starter status %s)", run.GetID(), run.GetID())
		}
	}
}

func progressLine(ctx context.Context, c client.Client, id, runID string) string {
	qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	v, err := c.QueryWorkflow(qctx, id, runID, workflows.ProgressQuery)
	if err != nil {
		return ""
	}
	var p workflows.Progress
	if err := v.Get(&p); err != nil {
		return ""
	}
	return formatProgress(p)
}

func formatProgress(p workflows.Progress) string {
	var parts []string
	for _, ph := range p.Phases {
		mark := " "
		if ph.Name == p.Phase {
			mark = "▶"
		}
		parts = append(parts, fmt.Sprintf("%s%s %d/%d", mark, ph.Name, ph.Done, ph.Total))
	}
	return strings.Join(parts, "  ")
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

func printSummary(s *workflows.Summary) {
	b, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(b))
	if s.Report != "" {
		fmt.Fprintf(os.Stderr, "report: %s\n", s.Report)
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func runStatus(args []string) error {
	fs := newFlags("status", "status <workflow-id>")
	var conn connFlags
	conn.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"status needs a workflow id"}
	}
	ctx := context.Background()
	c, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	d, err := c.DescribeWorkflowExecution(ctx, fs.Arg(0), "")
	if err != nil {
		return fmt.Errorf("describe %s: %w", fs.Arg(0), err)
	}
	info := d.GetWorkflowExecutionInfo()
	fmt.Printf("%s  %s  %s\n", info.GetType().GetName(), fs.Arg(0), info.GetStatus())
	if line := progressLine(ctx, c, fs.Arg(0), ""); line != "" {
		fmt.Println(line)
	}
	return nil
}
