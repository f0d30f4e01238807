package report

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var prague = time.FixedZone("CET", 3600)

func sampleSummary() Summary {
	return Summary{
		Shop:     "https://www.obchod.cz/export/orders.xml?hash=0123abcd&patternId=5",
		Run:      "run-1",
		Kind:     "full sync",
		DryRun:   true,
		Started:  time.Date(2026, 3, 1, 10, 0, 0, 0, prague),
		Finished: time.Date(2026, 3, 1, 11, 30, 15, 0, prague),
		Counts:   []Count{{"Contacts created", 2}, {"Orders attached", 1_500_000}},
	}
}

// writeSample writes a sync report with a few rows of every kind.
func writeSample(t *testing.T, path string) {
	t.Helper()
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	rows := []func() error{
		func() error {
			return w.AddContact(ContactRow{
				Contact: "Jiří Šťastný", Title: "Ing.",
				Emails: []string{"jiri@example.cz", "j.stastny@example.cz"},
				Phones: []string{"+420601123456"}, Orders: 3,
				Records: []string{"customer 1a2b", "order 2026000123"},
				Rules:   []string{"same e-mail", "same phone"}, Action: "created",
			})
		},
		func() error {
			return w.AddContact(ContactRow{
				Contact: "Žofie Dvořáková", Action: "rejected",
				Message: `{"error":["Pole \"email\" je neplatné"]}`,
			})
		},
		func() error {
			return w.AddOrder(OrderRow{
				Code: "2026000123", ID: "123", Total: 1234.5, Currency: "CZK",
				Date:   time.Date(2026, 2, 28, 14, 5, 9, 0, prague),
				Status: "Vyřízena", Contact: "Jiří Šťastný",
				Link: "https://www.obchod.cz/admin/objednavky-detail/?id=123",
			})
		},
		func() error {
			return w.AddConflict(ConflictRow{
				Kind: "shared phone", Key: "+420601123456",
				Records: []string{"Jiří Šťastný", "Jana Šťastná"},
				Reason:  "different names",
			})
		},
		func() error {
			return w.AddRejected(RejectedRow{
				Source: "shoptet orders", Record: "2026000999", Position: "line 123",
				Reason: "missing e-mail and phone",
			})
		},
	}
	for i, add := range rows {
		if err := add(); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	if err := w.Close(sampleSummary()); err != nil {
		t.Fatal(err)
	}
}

func TestSyncReportLayout(t *testing.T) {
	path := tempPath(t, "report.xlsx")
	writeSample(t, path)
	f := openXLSX(t, path)

	want := []string{"Summary", "Contacts", "Orders", "Conflicts", "Rejected"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	if props, err := f.GetDocProps(); err != nil || props.Title != "Merge report" {
		t.Errorf("document title = %+v, %v", props, err)
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("active sheet = %d, want 0 (Summary)", got)
	}
	headers := map[string][]string{
		"Contacts": {"Contact", "Title", "E-mails", "Phones", "Orders", "Records", "Rules",
			"Action", "Message"},
		"Orders":    {"Code", "ID", "Date", "Total", "Currency", "Status", "Contact", "Link"},
		"Conflicts": {"Kind", "Key", "Records", "Reason"},
		"Rejected":  {"Source", "Record", "Position", "Reason"},
	}
	for sheet, want := range headers {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 2 || !slices.Equal(rows[0], want) {
			t.Errorf("%s header = %v, want %v", sheet, rows[0], want)
		}
	}
}

func TestSyncReportCells(t *testing.T) {
	path := tempPath(t, "report.xlsx")
	writeSample(t, path)
	f := openXLSX(t, path)

	tests := []struct {
		sheet, cell, want string
	}{
		{"Contacts", "A2", "Jiří Šťastný"},
		{"Contacts", "C2", "jiri@example.cz, j.stastny@example.cz"},
		{"Contacts", "E2", "3"},
		{"Contacts", "F2", "customer 1a2b, order 2026000123"},
		{"Contacts", "A3", "Žofie Dvořáková"},
		{"Contacts", "I3", `{"error":["Pole \"email\" je neplatné"]}`},
		{"Contacts", "C3", ""},
		{"Orders", "C2", "2026-02-28 14:05:09"},
		{"Orders", "D2", "1,234.50"},
		{"Orders", "F2", "Vyřízena"},
		{"Conflicts", "C2", "Jiří Šťastný, Jana Šťastná"},
		{"Rejected", "C2", "line 123"},
	}
	for _, tt := range tests {
		if got := value(t, f, tt.sheet, tt.cell); got != tt.want {
			t.Errorf("%s!%s = %q, want %q", tt.sheet, tt.cell, got, tt.want)
		}
	}

	// A date is a serial number with a date format, not text.
	raw := rawValue(t, f, "Orders", "C2")
	if serial, err := strconv.ParseFloat(raw, 64); err != nil || serial < 46000 || serial > 46200 {
		t.Errorf("Orders!C2 raw = %q, want an Excel date serial", raw)
	}
	if got := numFmt(t, f, "Orders", "C2"); got != dateFormat {
		t.Errorf("Orders!C2 format = %q, want %q", got, dateFormat)
	}
	if got := rawValue(t, f, "Orders", "D2"); got != "1234.5" {
		t.Errorf("Orders!D2 raw = %q, want 1234.5", got)
	}
	if got := numFmt(t, f, "Orders", "D2"); got != moneyFormat {
		t.Errorf("Orders!D2 format = %q, want %q", got, moneyFormat)
	}
	formula, err := f.GetCellFormula("Orders", "H2")
	wantFormula := `HYPERLINK("https://www.obchod.cz/admin/objednavky-detail/?id=123")`
	if err != nil || formula != wantFormula {
		t.Errorf("Orders!H2 formula = %q, %v", formula, err)
	}
	if got := value(t, f, "Orders", "H2"); !strings.HasSuffix(got, "?id=123") {
		t.Errorf("Orders!H2 cached value = %q", got)
	}
}

func TestSyncReportSummary(t *testing.T) {
	path := tempPath(t, "report.xlsx")
	writeSample(t, path)
	rows, err := ReadRows(path, "Summary", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Shop", "https://www.obchod.cz/export/orders.xml"},
		{"Run", "run-1"},
		{"Kind", "full sync"},
		{"Dry run", "yes"},
		{"Started", "2026-03-01 10:00:00"},
		{"Finished", "2026-03-01 11:30:15"},
		{"Duration", "1:30:15"},
		{"Contacts created", "2"},
		{"Orders attached", "1500000"},
	}
	if len(rows) != len(want) {
		t.Fatalf("summary rows = %q, want %q", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("summary row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	f := openXLSX(t, path)
	if got := numFmt(t, f, "Summary", "B5"); got != dateFormat {
		t.Errorf("Started format = %q, want %q", got, dateFormat)
	}
	if _, err := strconv.ParseFloat(rawValue(t, f, "Summary", "B5"), 64); err != nil {
		t.Errorf("Started is not a date serial: %v", err)
	}
}

func TestSyncReportPanesAndFilters(t *testing.T) {
	path := tempPath(t, "report.xlsx")
	writeSample(t, path)
	f := openXLSX(t, path)

	filters := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters[dn.Scope] = dn.RefersTo
		}
	}
	want := map[string]string{
		"Contacts":  "'Contacts'!$A$1:$I$3",
		"Orders":    "'Orders'!$A$1:$H$2",
		"Conflicts": "'Conflicts'!$A$1:$D$2",
		"Rejected":  "'Rejected'!$A$1:$D$2",
	}
	for sheet, ref := range want {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s panes = %+v, want frozen at row 1", sheet, panes)
		}
		if filters[sheet] != ref {
			t.Errorf("%s filter name = %q, want %q", sheet, filters[sheet], ref)
		}
		// excelize writes the worksheet's filter range in absolute form too.
		wantXML := `<autoFilter ref="` + ref[strings.Index(ref, "!")+1:] + `"`
		if x := sheetXML(t, path, sheet); !strings.Contains(x, wantXML) {
			t.Errorf("%s has no %s", sheet, wantXML)
		}
		if w, _ := f.GetColWidth(sheet, "A"); w < 12 {
			t.Errorf("%s column A width = %v, want a set width", sheet, w)
		}
		if x := sheetXML(t, path, sheet); !strings.Contains(x, `<cols><col min="1" max="1"`) {
			t.Errorf("%s columns are not in ascending order", sheet)
		}
	}
}

func TestSyncReportOverflow(t *testing.T) {
	path := tempPath(t, "big.xlsx")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.orders.limit, w.contacts.limit = 2, 3
	for i := range 5 {
		if err := w.AddOrder(OrderRow{Code: "o" + strconv.Itoa(i), Total: float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		if err := w.AddContact(ContactRow{Contact: "c" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Summary{Kind: "full sync"}); err != nil {
		t.Fatal(err)
	}

	f := openXLSX(t, path)
	want := []string{"Summary", "Contacts", "Contacts (2)", "Orders", "Orders (2)",
		"Orders (3)", "Conflicts", "Rejected"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	wantA := map[string][]string{
		"Contacts":     {"Contact", "c0", "c1", "c2"},
		"Contacts (2)": {"Contact", "c3"},
		"Orders":       {"Code", "o0", "o1"},
		"Orders (2)":   {"Code", "o2", "o3"},
		"Orders (3)":   {"Code", "o4"},
	}
	for sheet, col := range wantA {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r[0])
		}
		if !slices.Equal(got, col) {
			t.Errorf("%s column A = %v, want %v", sheet, got, col)
		}
	}
	// The filter names are scoped by sheet position, which moved.
	for _, dn := range f.GetDefinedName() {
		scoped := strings.HasPrefix(dn.RefersTo, "'"+dn.Scope+"'!")
		if dn.Name == "_xlnm._FilterDatabase" && !scoped {
			t.Errorf("filter of %s refers to %s", dn.Scope, dn.RefersTo)
		}
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet = %d, want Summary", f.GetActiveSheetIndex())
	}
}

func TestWriterLifecycle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "aborted.xlsx")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddOrder(OrderRow{Code: "1"}); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("abort left %v", names)
	}
	if err := w.AddOrder(OrderRow{Code: "2"}); !errors.Is(err, ErrClosed) {
		t.Errorf("add after abort = %v, want ErrClosed", err)
	}
	if err := w.Close(Summary{}); !errors.Is(err, ErrClosed) {
		t.Errorf("close after abort = %v, want ErrClosed", err)
	}

	path = filepath.Join(dir, "closed.xlsx")
	w, err = Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	w.Abort() // deferred Abort after Close must keep the report
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"closed.xlsx"}) {
		t.Errorf("dir = %v, want only closed.xlsx", names)
	}
	if err := w.AddContact(ContactRow{}); !errors.Is(err, ErrClosed) {
		t.Errorf("add after close = %v, want ErrClosed", err)
	}
	if err := w.Close(Summary{}); !errors.Is(err, ErrClosed) {
		t.Errorf("second close = %v, want ErrClosed", err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("report mode = %v, %v; want 0600", info.Mode(), err)
	}
}

func TestCreateFailsOnMissingDir(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "no", "such", "r.xlsx")); err == nil {
		t.Fatal("Create in a missing directory succeeded")
	}
}

func TestCloseFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	// The destination is a non-empty directory, so the final rename fails.
	path := filepath.Join(dir, "taken.xlsx")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{}); err == nil {
		t.Fatal("close onto a directory succeeded")
	}
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"taken.xlsx"}) {
		t.Errorf("dir = %v, want no temporary file", names)
	}
}
