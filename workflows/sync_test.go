package workflows

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/shopsync/shoptet-daktela/activities"
)

// syncEnv answers a sync's activities for a shop of the given number of persons and records
// the load batches.
func syncEnv(t *testing.T, persons int, fullDone bool, batches *[]activities.Batch) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	env.OnActivity(a.Begin, mock.Anything, mock.Anything).Return(
		activities.Shop{Key: "s", URL: "https://shop.cz", FullSyncs: fullDone}, nil)
	fetched := activities.Fetched{Records: 10, Rejected: 1}
	env.OnActivity(a.FetchCustomers, mock.Anything, mock.Anything).Return(fetched, nil)
	env.OnActivity(a.FetchOrders, mock.Anything, mock.Anything).Return(fetched, nil)
	env.OnActivity(a.FetchFeed, mock.Anything, mock.Anything).Return(fetched, nil)
	env.OnActivity(a.Resolve, mock.Anything, mock.Anything).Return(
		activities.Resolved{Persons: persons, Conflicts: 2, Customers: 10, Orders: 10}, nil)
	env.OnActivity(a.Load, mock.Anything, mock.Anything).Return(
		func(_ context.Context, b activities.Batch) (activities.Loaded, error) {
			*batches = append(*batches, b)
			return activities.Loaded{Created: b.To - b.From}, nil
		})
	env.OnActivity(a.WriteReport, mock.Anything, mock.Anything).Return(
		activities.ReportRef{ID: "r", URL: "http://x/reports/r.xlsx"}, nil)
	env.OnActivity(a.Finish, mock.Anything, mock.Anything).Return(nil)
	return env
}

func TestFullSyncLoadsEveryPersonOnce(t *testing.T) {
	var batches []activities.Batch
	env := syncEnv(t, 123457, false, &batches)
	env.ExecuteWorkflow(FullSync, SyncInput{Parallel: 3})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var sum Summary
	env.GetWorkflowResult(&sum)
	if sum.Created != 123457 || sum.Report == "" || sum.RecordErrors != 2 {
		t.Errorf("summary = %+v", sum)
	}
	if len(batches) > 200 {
		t.Errorf("%d batches: the history would grow with the shop", len(batches))
	}
	covered := make([]bool, 123457)
	for _, b := range batches {
		for i := b.From; i < b.To; i++ {
			if covered[i] {
				t.Fatalf("person %d loaded twice", i)
			}
			covered[i] = true
		}
	}
	for i, c := range covered {
		if !c {
			t.Fatalf("person %d never loaded", i)
		}
	}
	v, err := env.QueryWorkflow(ProgressQuery)
	if err != nil {
		t.Fatal(err)
	}
	var p Progress
	v.Get(&p)
	if p.Phase != "done" || p.Phases[2].Done != 123457 {
		t.Errorf("progress = %+v", p)
	}
}

func TestIncrementalRefusesBeforeFullSync(t *testing.T) {
	var batches []activities.Batch
	env := syncEnv(t, 5, false, &batches)
	env.ExecuteWorkflow(IncrementalSync, SyncInput{})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != activities.ErrNoFull {
		t.Fatalf("want %s, got %v", activities.ErrNoFull, err)
	}
	if len(batches) != 0 {
		t.Error("an incremental sync before any full sync loaded contacts")
	}
}

func TestIncrementalReadsTheFeed(t *testing.T) {
	var batches []activities.Batch
	env := syncEnv(t, 5, true, &batches)
	env.ExecuteWorkflow(IncrementalSync, SyncInput{})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.AssertActivityNumberOfCalls(t, "FetchFeed", 1)
	env.AssertActivityNumberOfCalls(t, "FetchOrders", 0)
}

func TestConfigErrorFailsWithoutRetry(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	env.OnActivity(a.Begin, mock.Anything, mock.Anything).Return(activities.Shop{Key: "s"}, nil)
	calls := 0
	env.OnActivity(a.FetchCustomers, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.Run) (activities.Fetched, error) {
			calls++
			return activities.Fetched{}, temporal.NewNonRetryableApplicationError(
				"customers export: check the hash", activities.ErrConfig, nil)
		})
	env.OnActivity(a.FetchOrders, mock.Anything, mock.Anything).Return(activities.Fetched{}, nil)
	env.OnActivity(a.Finish, mock.Anything, mock.Anything).Return(nil)
	env.ExecuteWorkflow(FullSync, SyncInput{})
	if env.GetWorkflowError() == nil || calls != 1 {
		t.Fatalf("error %v after %d calls; want a failure after one call", env.GetWorkflowError(), calls)
	}
}
