package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/shopsync/shoptet-daktela/activities"
)

// mergeEnv is a workflow environment whose activities answer a plan of three groups and
// one ambiguous group, and record the merge batches they receive.
func mergeEnv(t *testing.T, batches *[]activities.MergeBatch) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(a)
	env.OnActivity(a.ReadContacts, mock.Anything, mock.Anything).Return(
		activities.ContactsRead{Contacts: 9, Database: "shoptet"}, nil)
	env.OnActivity(a.GroupContacts, mock.Anything, mock.Anything).Return(
		activities.MergePlanned{Contacts: 9, Groups: 3, Ambiguous: 1, Merges: 5}, nil)
	env.OnActivity(a.WritePlan, mock.Anything, mock.Anything).Return(
		activities.ReportRef{ID: "r-plan", URL: "http://x/reports/r-plan.xlsx"}, nil)
	env.OnActivity(a.ApplyMerge, mock.Anything, mock.Anything).Return(
		func(_ context.Context, b activities.MergeBatch) (activities.MergeApplied, error) {
			*batches = append(*batches, b)
			// The ambiguous group (the last) and the excluded ones are skipped.
			skipped := len(b.Exclude) + 1
			return activities.MergeApplied{Merged: b.To - b.From - skipped, Skipped: skipped}, nil
		})
	env.OnActivity(a.WriteMergeResult, mock.Anything, mock.Anything).Return(
		activities.ReportRef{ID: "r-result", URL: "http://x/reports/r-result.xlsx"}, nil)
	return env
}

// updateResult collects the answer of an update sent in a test environment.
type updateResult struct {
	rejected error
	sum      MergeSummary
}

func (u *updateResult) Accept()          {}
func (u *updateResult) Reject(err error) { u.rejected = err }
func (u *updateResult) Complete(v any, err error) {
	if err != nil {
		u.rejected = err
	}
	if s, ok := v.(MergeSummary); ok {
		u.sum = s
	}
}

func TestMergeDuplicatesDecisions(t *testing.T) {
	cases := []struct {
		name    string
		decide  *Decision
		signal  bool
		want    string
		merged  int
		skipped int
	}{
		{name: "approve all", decide: &Decision{Approve: true}, want: DecisionApproved,
			merged: 3, skipped: 1},
		{name: "approve with exclusions", decide: &Decision{Approve: true,
			Exclude: []string{"g2"}}, want: DecisionApproved, merged: 2, skipped: 2},
		{name: "approve by signal", decide: &Decision{Approve: true}, signal: true,
			want: DecisionApproved, merged: 3, skipped: 1},
		{name: "reject", decide: &Decision{}, want: DecisionRejected},
		{name: "reject by signal", decide: &Decision{}, signal: true, want: DecisionRejected},
		{name: "timeout", want: DecisionTimedOut},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var batches []activities.MergeBatch
			env := mergeEnv(t, &batches)
			var u updateResult
			if tc.decide != nil {
				env.RegisterDelayedCallback(func() {
					if tc.signal {
						env.SignalWorkflow(DecideSignal, *tc.decide)
						return
					}
					env.UpdateWorkflow(DecideUpdate, "d1", &u, *tc.decide)
				}, time.Hour)
			}
			env.ExecuteWorkflow(MergeDuplicates, MergeInput{ReviewTimeout: "24h"})
			require.True(t, env.IsWorkflowCompleted())
			require.NoError(t, env.GetWorkflowError())
			var sum MergeSummary
			require.NoError(t, env.GetWorkflowResult(&sum))
			require.Equal(t, tc.want, sum.Decision)
			require.NoError(t, u.rejected)
			require.Equal(t, "http://x/reports/r-plan.xlsx", sum.Plan)
			require.Equal(t, tc.merged, sum.Merged)
			require.Equal(t, tc.skipped, sum.Skipped)
			if tc.want != DecisionApproved {
				require.Empty(t, batches, "a plan not approved must merge nothing")
				require.Empty(t, sum.Result)
				return
			}
			require.Len(t, batches, 1)
			require.Equal(t, 0, batches[0].From)
			require.Equal(t, 4, batches[0].To)
			require.Equal(t, tc.decide.Exclude, batches[0].Exclude)
			require.Equal(t, "http://x/reports/r-result.xlsx", sum.Result)
		})
	}
}

func TestMergeDuplicatesRejectsBadDecisions(t *testing.T) {
	var batches []activities.MergeBatch
	env := mergeEnv(t, &batches)
	var unknown, valid updateResult
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(DecideUpdate, "u1", &unknown, Decision{Approve: true,
			Exclude: []string{"g4"}})
	}, time.Hour)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(DecideUpdate, "u2", &valid, Decision{Approve: false})
	}, 2*time.Hour)
	env.ExecuteWorkflow(MergeDuplicates, MergeInput{})
	require.NoError(t, env.GetWorkflowError())
	require.ErrorContains(t, unknown.rejected, `no group "g4"`)
	require.NoError(t, valid.rejected)
	require.Equal(t, DecisionRejected, valid.sum.Decision)
	require.Empty(t, batches)
}

func TestMergeDuplicatesBadInput(t *testing.T) {
	for _, in := range []MergeInput{{Keep: "oldest"}, {ReviewTimeout: "soon"}} {
		var batches []activities.MergeBatch
		env := mergeEnv(t, &batches)
		env.ExecuteWorkflow(MergeDuplicates, in)
		require.ErrorContains(t, env.GetWorkflowError(), ErrBadInput)
		require.Empty(t, batches)
	}
}

func TestMergeDuplicatesBatches(t *testing.T) {
	var batches []activities.MergeBatch
	env := mergeEnv(t, &batches)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(DecideUpdate, "d", &updateResult{}, Decision{Approve: true})
	}, time.Minute)
	env.ExecuteWorkflow(MergeDuplicates, MergeInput{BatchSize: 3, Parallel: 2})
	require.NoError(t, env.GetWorkflowError())
	require.Len(t, batches, 2)
	got := map[int]int{}
	for _, b := range batches {
		got[b.From] = b.To
	}
	require.Equal(t, map[int]int{0: 3, 3: 4}, got)
}
