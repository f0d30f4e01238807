package report

import "time"

// Summary is the key/value header of a workbook, written on its first sheet.
type Summary struct {
	Shop     string // shop base URL; a query string or user info is dropped
	Run      string // workflow run id
	Kind     string // "full sync", "incremental sync", "merge plan", ...
	DryRun   bool
	Started  time.Time
	Finished time.Time
	Counts   []Count // in display order
}

// Count is one named figure of a Summary.
type Count struct {
	Name  string
	Value int64
}

// ContactRow is one Daktela contact and the Shoptet records merged into it.
type ContactRow struct {
	Contact string // Daktela contact name
	Title   string
	Emails  []string
	Phones  []string
	Orders  int
	Records []string // Shoptet records merged, e.g. "customer 1a2b", "order 2026000123"
	Rules   []string // the rule per merged record or the distinct rules
	Action  string   // created, updated, unchanged, rejected, would create, would update
	Message string   // e.g. Daktela's rejection message verbatim
}

// OrderRow is one Shoptet order and the contact it was attached to.
type OrderRow struct {
	Code     string
	ID       string
	Date     time.Time
	Total    float64
	Currency string
	Status   string
	Contact  string
	Link     string // admin link, written as a clickable HYPERLINK formula
}

// ConflictRow is a key shared by records that were not merged, such as one
// phone number used by two different people.
type ConflictRow struct {
	Kind    string   // "shared phone", ...
	Key     string   // the phone
	Records []string // which records or persons it touches
	Reason  string
}

// RejectedRow is an input record that was skipped, with the reason verbatim.
type RejectedRow struct {
	Source   string // "shoptet orders", "shoptet customers", "daktela"
	Record   string // order code, e-mail, contact name
	Position string // "line 123"
	Reason   string // verbatim
}

// PlanGroup is a set of existing CRM contacts judged to be one person.
type PlanGroup struct {
	ID        string
	Rule      string // what grouped them
	Keep      string // contact name kept
	Contacts  []PlanContact
	Ambiguous bool
	Reason    string
}

// PlanContact is one existing CRM contact in a PlanGroup.
type PlanContact struct {
	Name    string
	Title   string
	Emails  []string
	Phones  []string
	Created time.Time
	Edited  time.Time
}

// MergeRow is the outcome of applying one PlanGroup.
type MergeRow struct {
	Group   string
	Keep    string
	Merged  []string
	Result  string // merged, skipped, failed
	Message string // verbatim
}
