package activities

import "time"

// Run names one sync run and the profile it works for. It is the only thing activities
// receive: the data itself stays in the store.
type Run struct {
	ID       string `json:"id"`       // the workflow run id
	Workflow string `json:"workflow"` // the workflow id
	Kind     string `json:"kind"`     // "full sync", "incremental sync"
	Profile  string `json:"profile"`
	DryRun   bool   `json:"dryRun,omitempty"`
}

// Shop describes the shop of a run without any secret.
type Shop struct {
	Key       string `json:"key"` // namespaces contact names and store rows
	URL       string `json:"url"`
	Sandboxed bool   `json:"sandboxed,omitempty"`
	CRM       string `json:"crm"`
	HasFeed   bool   `json:"hasFeed,omitempty"`
	FullSyncs bool   `json:"fullSyncDone,omitempty"` // a full sync finished before
}

// Fetched counts what a fetch step read.
type Fetched struct {
	Records  int    `json:"records"`
	Rejected int    `json:"rejected"`
	Bytes    int64  `json:"bytes"`
	Note     string `json:"note,omitempty"`
}

// Resolved counts what the resolve step staged.
type Resolved struct {
	Persons   int `json:"persons"`
	Conflicts int `json:"conflicts"`
	Customers int `json:"customers"`
	Orders    int `json:"orders"`
}

// Batch is a range of staged persons [From, To) for one load activity.
type Batch struct {
	Run  Run `json:"run"`
	From int `json:"from"`
	To   int `json:"to"`
}

// Loaded counts the outcome of a load batch.
type Loaded struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
}

// Add sums two outcomes.
func (l Loaded) Add(o Loaded) Loaded {
	return Loaded{l.Created + o.Created, l.Updated + o.Updated, l.Unchanged + o.Unchanged,
		l.Rejected + o.Rejected}
}

// ReportRequest asks for the merge report of a run.
type ReportRequest struct {
	Run     Run       `json:"run"`
	Started time.Time `json:"started"`
}

// ReportRef points at a stored report.
type ReportRef struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// Finish records the end of a run.
type Finish struct {
	Run     Run     `json:"run"`
	Summary Summary `json:"summary"`
	Status  string  `json:"status"`
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

// Action words the load step records per person.
const (
	ActionCreated     = "created"
	ActionUpdated     = "updated"
	ActionUnchanged   = "unchanged"
	ActionRejected    = "rejected"
	ActionWouldCreate = "would create"
	ActionWouldUpdate = "would update"
)

// Error types that retry policies name as non-retryable.
const (
	ErrConfig = "ConfigError"
	ErrNoFull = "NoFullSyncError"
)

// ErrTooSoon is the error type of a fetch that must wait for Shoptet's interval between two
// complete exports; it is retried, after the delay it carries.
const ErrTooSoon = "TooSoonError"
