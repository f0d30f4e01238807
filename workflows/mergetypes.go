package workflows

import "time"

// MergeInput is the small JSON input of MergeDuplicates; {} cleans the default profile's
// database, keeps the most recently edited contact of each group and waits 72 hours for a
// decision.
type MergeInput struct {
	Profile string `json:"profile,omitempty"`
	// Database is the CRM database to clean (default: the mapping's database).
	Database string `json:"database,omitempty"`
	// Keep is "edited" (default: the newest edit survives) or "created" (the oldest).
	Keep string `json:"keep,omitempty"`
	// ReviewTimeout is how long the plan waits for a decision, e.g. "72h" (the default);
	// after it the run ends without merging.
	ReviewTimeout string `json:"reviewTimeout,omitempty"`
	// Parallel is how many merge batches run at once (default 2).
	Parallel int `json:"parallel,omitempty"`
	// BatchSize is how many groups one merge activity handles (default 100).
	BatchSize int `json:"batchSize,omitempty"`
}

// Decision is what a reviewer sends to the decide update or signal: approve every group
// but the excluded ones, or reject the plan.
type Decision struct {
	Approve bool     `json:"approve"`
	Exclude []string `json:"exclude,omitempty"` // group ids, e.g. "g12"
}

// Decisions a run records.
const (
	DecisionPending  = "pending"
	DecisionApproved = "approved"
	DecisionRejected = "rejected"
	DecisionTimedOut = "timed out"
)

// MergeSummary is the result of MergeDuplicates and the answer of its plan query: counts
// and links, never personal data.
type MergeSummary struct {
	Profile       string    `json:"profile"`
	Database      string    `json:"database"`
	Keep          string    `json:"keep"`
	Contacts      int       `json:"contacts"`
	Groups        int       `json:"groups"`
	Ambiguous     int       `json:"ambiguous"`
	Merges        int       `json:"merges"` // contacts merging would remove
	OrderContacts int       `json:"orderContacts"`
	Plan          string    `json:"plan,omitempty"` // download link of the XLSX plan
	Decision      string    `json:"decision"`
	Excluded      []string  `json:"excluded,omitempty"`
	ReviewBy      time.Time `json:"reviewBy,omitzero"`
	Merged        int       `json:"merged"`
	Skipped       int       `json:"skipped"`
	Failed        int       `json:"failed"`
	Result        string    `json:"result,omitempty"` // download link of the result workbook
	Started       time.Time `json:"started"`
	Finished      time.Time `json:"finished,omitzero"`
}

// Names of the clean-up's query, update and signal.
const (
	PlanQuery    = "plan"
	DecideUpdate = "decide"
	DecideSignal = "decide"
)
