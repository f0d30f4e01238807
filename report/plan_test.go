package report

import (
	"slices"
	"testing"
	"time"
)

func TestPlanWorkbook(t *testing.T) {
	path := tempPath(t, "plan.xlsx")
	w, err := CreatePlan(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	created := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	groups := []PlanGroup{
		{ID: "g1", Rule: "same e-mail", Keep: "Petr Novák", Contacts: []PlanContact{
			{Name: "Petr Novák", Emails: []string{"petr@example.cz"}, Created: created},
			{Name: "Petr Novák (2)", Emails: []string{"PETR@example.cz"},
				Phones: []string{"+420777000111"}},
		}},
		{ID: "g2", Rule: "same phone", Keep: "Anna Černá", Ambiguous: true,
			Reason: "two different names share one phone", Contacts: []PlanContact{
				{Name: "Anna Černá"}, {Name: "Karel Černý"},
			}},
		{ID: "g3", Rule: "same e-mail", Keep: "Eva Malá"},
	}
	for _, g := range groups {
		if err := w.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Summary{Kind: "merge plan", Counts: []Count{{"Groups", 3}}}); err != nil {
		t.Fatal(err)
	}

	want := []string{"Summary", "Groups", "Ambiguous"}
	if got, err := ReadSheetNames(path); err != nil || !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, %v; want %v", got, err, want)
	}
	tests := []struct {
		sheet string
		rows  [][]string
	}{
		{"Groups", [][]string{
			{"Group", "Rule", "Keep", "Contact", "Action", "Title", "E-mails", "Phones",
				"Created", "Edited", "Reason"},
			{"g1", "same e-mail", "Petr Novák", "Petr Novák", "keep", "", "petr@example.cz", "",
				"2024-05-06 07:08:09"},
			{"g1", "same e-mail", "Petr Novák", "Petr Novák (2)", "merge", "", "PETR@example.cz",
				"+420777000111"},
			{"g3", "same e-mail", "Eva Malá"},
		}},
		{"Ambiguous", [][]string{
			{"Group", "Rule", "Keep", "Contact", "Action", "Title", "E-mails", "Phones",
				"Created", "Edited", "Reason"},
			{"g2", "same phone", "Anna Černá", "Anna Černá", "review", "", "", "", "", "",
				"two different names share one phone"},
			{"g2", "same phone", "Anna Černá", "Karel Černý", "review", "", "", "", "", "",
				"two different names share one phone"},
		}},
	}
	for _, tt := range tests {
		got, err := ReadRows(path, tt.sheet, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tt.rows) {
			t.Fatalf("%s: %d rows %q, want %d", tt.sheet, len(got), got, len(tt.rows))
		}
		for i := range tt.rows {
			if !slices.Equal(got[i], tt.rows[i]) {
				t.Errorf("%s row %d = %q, want %q", tt.sheet, i+1, got[i], tt.rows[i])
			}
		}
	}
	f := openXLSX(t, path)
	if got := numFmt(t, f, "Groups", "I2"); got != dateFormat {
		t.Errorf("Created format = %q, want %q", got, dateFormat)
	}
	for _, sheet := range []string{"Groups", "Ambiguous"} {
		if p, _ := f.GetPanes(sheet); !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s panes = %+v, want frozen header", sheet, p)
		}
	}
}

func TestMergeResultWorkbook(t *testing.T) {
	path := tempPath(t, "merged.xlsx")
	w, err := CreateMergeResult(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	rows := []MergeRow{
		{Group: "g1", Keep: "Petr Novák", Merged: []string{"Petr Novák (2)", "P. Novák"},
			Result: "merged"},
		{Group: "g2", Keep: "Anna Černá", Result: "failed",
			Message: `PUT https://x.daktela.com/api/v6/contacts/a.json?accessToken=abc123: 500`},
	}
	for _, r := range rows {
		if err := w.AddRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Summary{Kind: "merge"}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRows(path, ResultsSheet, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Group", "Keep", "Merged", "Result", "Message"},
		{"g1", "Petr Novák", "Petr Novák (2), P. Novák", "merged"},
		{"g2", "Anna Černá", "", "failed",
			"PUT https://x.daktela.com/api/v6/contacts/a.json?accessToken=REDACTED: 500"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows = %q, want %q", got, want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, got[i], want[i])
		}
	}
	if names, _ := ReadSheetNames(path); !slices.Equal(names, []string{"Summary", "Results"}) {
		t.Errorf("sheets = %v", names)
	}
}

func TestReadRowsLimit(t *testing.T) {
	path := tempPath(t, "report.xlsx")
	writeSample(t, path)
	rows, err := ReadRows(path, "Contacts", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][0] != "Jiří Šťastný" {
		t.Errorf("rows = %q, want header and first contact", rows)
	}
	if _, err := ReadRows(path, "Nope", 1); err == nil {
		t.Error("reading a missing sheet succeeded")
	}
	if _, err := ReadSheetNames(tempPath(t, "missing.xlsx")); err == nil {
		t.Error("reading a missing file succeeded")
	}
}
