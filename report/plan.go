package report

// Sheet names of the merge plan and merge result workbooks.
const (
	GroupsSheet    = "Groups"
	AmbiguousSheet = "Ambiguous"
	ResultsSheet   = "Results"
)

// Actions written per contact of a plan group.
const (
	ActionKeep   = "keep"
	ActionMerge  = "merge"
	ActionReview = "review"
)

var (
	planColumns = []column{
		{"Group", 12}, {"Rule", 22}, {"Keep", 28}, {"Contact", 28}, {"Action", 10},
		{"Title", 12}, {"E-mails", 36}, {"Phones", 22}, {"Created", 20}, {"Edited", 20},
		{"Reason", 50},
	}
	mergeColumns = []column{
		{"Group", 12}, {"Keep", 28}, {"Merged", 50}, {"Result", 10}, {"Message", 70},
	}
)

// PlanWriter streams a merge plan: one row per contact of each group, so
// that filtering on Group shows a whole group. Ambiguous groups, which are
// not merged without a person deciding, go to their own sheet.
type PlanWriter struct {
	b         *book
	groups    *table
	ambiguous *table
}

// CreatePlan starts a merge plan workbook that Close writes to path.
func CreatePlan(path string) (*PlanWriter, error) {
	b, err := openBook(path, "Merge plan")
	if err != nil {
		return nil, err
	}
	w := &PlanWriter{b: b}
	if w.groups, err = b.newTable(GroupsSheet, planColumns); err == nil {
		w.ambiguous, err = b.newTable(AmbiguousSheet, planColumns)
	}
	if err != nil {
		b.abort()
		return nil, err
	}
	return w, nil
}

// AddGroup writes one row per contact of g; a group without contacts still
// gets one row so that it is not lost from the plan.
func (w *PlanWriter) AddGroup(g PlanGroup) error {
	t := w.groups
	if g.Ambiguous {
		t = w.ambiguous
	}
	if len(g.Contacts) == 0 {
		return t.add(g.ID, g.Rule, g.Keep, "", "", "", "", "", "", "", redact(g.Reason))
	}
	for _, c := range g.Contacts {
		err := t.add(g.ID, g.Rule, g.Keep, c.Name, planAction(g, c), c.Title,
			c.Emails, c.Phones, c.Created, c.Edited, redact(g.Reason))
		if err != nil {
			return err
		}
	}
	return nil
}

func planAction(g PlanGroup, c PlanContact) string {
	switch {
	case g.Ambiguous:
		return ActionReview
	case c.Name == g.Keep:
		return ActionKeep
	default:
		return ActionMerge
	}
}

// Close writes the Summary and moves the plan to its path.
func (w *PlanWriter) Close(s Summary) error { return w.b.close(s) }

// Abort discards the plan; it does nothing after Close.
func (w *PlanWriter) Abort() { w.b.abort() }

// MergeWriter streams the outcome of applying a merge plan.
type MergeWriter struct {
	b       *book
	results *table
}

// CreateMergeResult starts a merge result workbook that Close writes to path.
func CreateMergeResult(path string) (*MergeWriter, error) {
	b, err := openBook(path, "Merge result")
	if err != nil {
		return nil, err
	}
	w := &MergeWriter{b: b}
	if w.results, err = b.newTable(ResultsSheet, mergeColumns); err != nil {
		b.abort()
		return nil, err
	}
	return w, nil
}

// AddRow appends the outcome of one group.
func (w *MergeWriter) AddRow(r MergeRow) error {
	return w.results.add(r.Group, r.Keep, r.Merged, r.Result, redact(r.Message))
}

// Close writes the Summary and moves the result workbook to its path.
func (w *MergeWriter) Close(s Summary) error { return w.b.close(s) }

// Abort discards the result workbook; it does nothing after Close.
func (w *MergeWriter) Abort() { w.b.abort() }
