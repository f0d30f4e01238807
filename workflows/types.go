// Package workflows holds the Temporal workflows of the sync. They decide and activities do:
// nothing here touches the network, the store or the clock other than through the SDK, and
// no customer or order data passes through them, only run references and counts.
package workflows

import "github.com/shopsync/shoptet-daktela/activities"

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
type Summary = activities.Summary

// Progress is what the progress query answers.
type Progress struct {
	Phase  string  `json:"phase"`
	Phases []Phase `json:"phases"`
}

// set makes name the current phase with done of total.
func (p *Progress) set(name string, done, total int) {
	p.Phase = name
	for i := range p.Phases {
		if p.Phases[i].Name == name {
			p.Phases[i].Done, p.Phases[i].Total = done, total
		}
	}
}

// advance adds n to the done count of phase name.
func (p *Progress) advance(name string, n int) {
	for i := range p.Phases {
		if p.Phases[i].Name == name {
			p.Phases[i].Done += n
		}
	}
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
