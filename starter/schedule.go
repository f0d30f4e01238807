package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/shopsync/shoptet-daktela/workflows"
)

const scheduleHelp = `Usage: starter schedule <action> [flags]

Actions:
  create     create the incremental-sync schedule, or update its interval
  pause      pause it
  unpause    resume it
  trigger    run it once now
  delete     delete it
  describe   show its state, next runs and recent actions`

func runSchedule(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Println(scheduleHelp)
		if len(args) == 0 {
			return usageError{"schedule needs an action"}
		}
		return nil
	}
	action := args[0]
	fs := newFlags("schedule "+action, "schedule "+action+" [flags]")
	var conn connFlags
	conn.register(fs)
	profile := fs.String("profile", "default", "connection profile the schedule syncs")
	every := fs.Duration("every", 15*time.Minute, "create: interval between incremental syncs")
	fullIfNeeded := fs.Bool("full-if-needed", false, "create: run a full sync when none ran before")
	taskQueue := fs.String("task-queue", workflows.TaskQueue, "create: task queue of the workers")
	note := fs.String("note", "", "pause/unpause: a note kept with the schedule")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	c, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	id := "shopsync-incremental-" + *profile
	h := c.ScheduleClient().GetHandle(ctx, id)
	switch action {
	case "create":
		in := workflows.SyncInput{Profile: *profile, FullIfNeeded: *fullIfNeeded}
		return createSchedule(ctx, c, id, *every, *taskQueue, in)
	case "pause":
		return done(h.Pause(ctx, client.SchedulePauseOptions{Note: *note}), "paused "+id)
	case "unpause":
		return done(h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: *note}), "unpaused "+id)
	case "trigger":
		return done(h.Trigger(ctx, client.ScheduleTriggerOptions{
			Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP}), "triggered "+id)
	case "delete":
		return done(h.Delete(ctx), "deleted "+id)
	case "describe":
		return describeSchedule(ctx, h)
	}
	return usageError{fmt.Sprintf("unknown schedule action %q", action)}
}

func done(err error, msg string) error {
	if err != nil {
		return err
	}
	fmt.Println(msg)
	return nil
}

func createSchedule(ctx context.Context, c client.Client, id string, every time.Duration,
	taskQueue string, in workflows.SyncInput) error {
	if every < time.Minute {
		return usageError{"--every must be at least 1m"}
	}
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: every}}}
	action := &client.ScheduleWorkflowAction{ID: "incrementalsync-" + in.Profile,
		Workflow: "IncrementalSync", TaskQueue: taskQueue, Args: []any{in}}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: id, Spec: spec,
		Action: action, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP})
	if err == nil {
		fmt.Printf("created %s: IncrementalSync every %s\n", id, every)
		return nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("create schedule: %w", err)
	}
	h := c.ScheduleClient().GetHandle(ctx, id)
	err = h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(u client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := u.Description.Schedule
			s.Spec = &spec
			s.Action = action
			s.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	return done(err, fmt.Sprintf("updated %s: IncrementalSync every %s", id, every))
}

func describeSchedule(ctx context.Context, h client.ScheduleHandle) error {
	d, err := h.Describe(ctx)
	if err != nil {
		return fmt.Errorf("describe %s: %w", h.GetID(), err)
	}
	state := "active"
	if d.Schedule.State.Paused {
		state = "paused"
	}
	fmt.Printf("schedule %s: %s", h.GetID(), state)
	if n := d.Schedule.State.Note; n != "" {
		fmt.Printf(" (%s)", n)
	}
	fmt.Println()
	for _, iv := range d.Schedule.Spec.Intervals {
		fmt.Printf("every %s\n", iv.Every)
	}
	var next []string
	for i, t := range d.Info.NextActionTimes {
		if i == 3 {
			break
		}
		next = append(next, t.Local().Format(time.DateTime))
	}
	fmt.Printf("next runs: %s\n", strings.Join(next, ", "))
	fmt.Printf("runs so far: %d, skipped for overlap: %d\n", d.Info.NumActions, d.Info.NumActionsSkippedOverlap)
	for _, r := range d.Info.RecentActions {
		fmt.Printf("  %s  %s\n", r.ActualTime.Local().Format(time.DateTime), r.StartWorkflowResult.WorkflowID)
	}
	return nil
}
