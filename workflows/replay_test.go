package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// TestReplayRecordedHistories replays histories recorded from real runs (see
// TestRecordHistories in app/) against the current workflow code: a change that would break
// running workflows fails here.
func TestReplayRecordedHistories(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(FullSync, workflow.RegisterOptions{Name: "FullSync"})
	r.RegisterWorkflowWithOptions(IncrementalSync, workflow.RegisterOptions{Name: "IncrementalSync"})
	for _, name := range []string{"fullsync.json", "incrementalsync.json"} {
		t.Run(name, func(t *testing.T) {
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, filepath.Join("testdata", name)); err != nil {
				t.Fatal(err)
			}
		})
	}
}
