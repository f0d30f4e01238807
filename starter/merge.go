package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// sandboxLegacy is `starter dev --sandbox-legacy`: seed the sandbox CRM as the old
// integration leaves it, so that the clean-up has duplicates to find.
var sandboxLegacy bool

// seedLegacy seeds the sandbox CRM at start when asked and when it is empty.
func seedLegacy(sb *app.Sandbox) error {
	if !sandboxLegacy || sb == nil {
		return nil
	}
	// The default mapping's database: a sandbox profile has no mapping file of its own.
	n, seeded, err := sb.SeedLegacyIfEmpty(mapping.DefaultDatabase)
	if err != nil {
		return fmt.Errorf("seed the sandbox CRM: %w", err)
	}
	if seeded {
		fmt.Fprintf(os.Stderr, "sandbox CRM seeded as the old integration leaves it: "+
			"%d customer and %d order contacts (try: starter merge start)\n", n.Customers, n.Orders)
	}
	return nil
}

func runMerge(args []string) error {
	if len(args) == 0 {
		return usageError{"merge needs a subcommand: start, plan, approve or reject"}
	}
	switch args[0] {
	case "start":
		return mergeStart(args[1:])
	case "plan":
		return mergeWith(args[1:], "plan <workflow-id>", nil)
	case "approve":
		return mergeWith(args[1:], "approve <workflow-id> [--exclude g1,g2]",
			&workflows.Decision{Approve: true})
	case "reject":
		return mergeWith(args[1:], "reject <workflow-id>", &workflows.Decision{})
	case "-h", "--help":
		fmt.Println("Usage: starter merge start|plan|approve|reject [flags] (see --help after the subcommand)")
		return nil
	}
	return usageError{fmt.Sprintf("unknown merge subcommand %q", args[0])}
}

func mergeStart(args []string) error {
	fs := newFlags("merge start", "merge start [flags]")
	var conn connFlags
	conn.register(fs)
	var in workflows.MergeInput
	fs.StringVar(&in.Profile, "profile", "", "connection profile of the worker (default: default)")
	fs.StringVar(&in.Database, "database", "", "CRM database to clean (default: the mapping's)")
	fs.StringVar(&in.Keep, "keep", "", "contact kept per group: edited (newest edit, default) or created (oldest)")
	fs.StringVar(&in.ReviewTimeout, "review-timeout", "", "how long the plan waits for a decision (default 72h)")
	detach := fs.Bool("detach", false, "print the workflow id and exit without waiting for the plan")
	taskQueue := fs.String("task-queue", workflows.TaskQueue, "task queue of the workers")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	id := fmt.Sprintf("merge-%s-%s", profileName(in.Profile), time.Now().UTC().Format("20060102-150405"))
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: *taskQueue},
		"MergeDuplicates", in)
	if err != nil {
		return fmt.Errorf("start MergeDuplicates: %w", err)
	}
	fmt.Printf("started MergeDuplicates\nworkflow id: %s\n", run.GetID())
	if *detach {
		return nil
	}
	for {
		sum, err := queryPlan(ctx, c, run.GetID())
		if err != nil {
			return err
		}
		if sum.Plan != "" || sum.Decision != workflows.DecisionPending {
			printMergeSummary(sum, run.GetID())
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// mergeWith shows the plan of a run or, with a decision, sends it as the decide update.
func mergeWith(args []string, usage string, d *workflows.Decision) error {
	fs := newFlags("merge", "merge "+usage)
	var conn connFlags
	conn.register(fs)
	exclude := ""
	if d != nil && d.Approve {
		fs.StringVar(&exclude, "exclude", "", "group ids not to merge, comma separated (g1,g7)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"merge " + usage + ": a workflow id is required"}
	}
	id := fs.Arg(0)
	ctx := context.Background()
	c, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if d == nil {
		sum, err := queryPlan(ctx, c, id)
		if err != nil {
			return err
		}
		printMergeSummary(sum, id)
		return nil
	}
	for _, g := range strings.Split(exclude, ",") {
		if g = strings.TrimSpace(g); g != "" {
			d.Exclude = append(d.Exclude, g)
		}
	}
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id,
		UpdateName: workflows.DecideUpdate, Args: []any{*d},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("decide %s: %w", id, err)
	}
	var sum workflows.MergeSummary
	if err := h.Get(ctx, &sum); err != nil {
		return fmt.Errorf("decide %s: %w", id, rootCause(err))
	}
	printMergeSummary(sum, id)
	return nil
}

func queryPlan(ctx context.Context, c client.Client, id string) (workflows.MergeSummary, error) {
	var sum workflows.MergeSummary
	v, err := c.QueryWorkflow(ctx, id, "", workflows.PlanQuery)
	if err != nil {
		return sum, fmt.Errorf("query the plan of %s: %w", id, err)
	}
	return sum, v.Get(&sum)
}

func printMergeSummary(s workflows.MergeSummary, id string) {
	out, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(out))
	if s.Decision == workflows.DecisionPending && s.Plan != "" {
		fmt.Printf("\nreview the plan, then: starter merge approve %s [--exclude g1,g2]  "+
			"or  starter merge reject %s\n", id, id)
	}
}
