// Package workflows holds the Temporal workflows of the sync. They decide and activities do:
// nothing here touches the network, the store or the clock other than through the SDK, and
// no customer or order data passes through them, only run references and counts.
package workflows

import "time"

// TaskQueue is the default task queue of workers and starters.
const TaskQueue = "shopsync"

// SyncInput is the small JSON input of FullSync and IncrementalSync; {} uses the worker's
// default profile.
type SyncInput struct {
	Profile string `json:"profile,omitempty"`
	DryRun  bool   `json:"dryRun,omitempty"`
	// Parallel is how many load batches run at once (default 2).
	Parallel int `json:"parallel,omitempty"`
	// BatchSize is how many persons one load activity handles (default: chosen so that a
	// run has at most 200 batches, at least 500 persons each).
	BatchSize int `json:"batchSize,omitempty"`
	// FullIfNeeded makes an incremental sync run a full sync when none has run before.
	FullIfNeeded bool `json:"fullIfNeeded,omitempty"`
}

// Summary is the result of a sync run: counts and the report's link, never personal data.
type Summary struct {
	Kind         string    `json:"kind"`
	Profile      string    `json:"profile"`
	Shop         string    `json:"shop"`
	DryRun       bool      `json:"dryRun,omitempty"`
	Customers    int       `json:"customers"`
	Orders       int       `json:"orders"`
	RecordErrors int       `json:"recordErrors"`
	Persons      int       `json:"persons"`
	Conflicts    int       `json:"conflicts"`
	Created      int       `json:"created"`
	Updated      int       `json:"updated"`
	Unchanged    int       `json:"unchanged"`
	Rejected     int       `json:"rejected"`
	Report       string    `json:"report"`
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	Notes        []string  `json:"notes,omitempty"`
}

// Progress is what the progress query answers.
type Progress struct {
	Phase  string  `json:"phase"`
	Phases []Phase `json:"phases"`
}

// Phase is the progress of one phase in its own unit.
type Phase struct {
	Name  string `json:"name"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Unit  string `json:"unit"`
}

// ProgressQuery is the name of the progress query of every workflow.
const ProgressQuery = "progress"
