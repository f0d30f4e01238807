package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// maxDataRows is what fits below the header row in one Excel sheet.
const maxDataRows = excelize.TotalRows - 1

// maxCellText is Excel's limit on the characters (UTF-16 units) of a cell.
const maxCellText = excelize.TotalCellChars

// maxLinkFormula keeps a HYPERLINK formula under Excel's 8,192-character
// formula limit; longer links are written as plain text.
const maxLinkFormula = 2000

// column is the title and width of one column of a table.
type column struct {
	title string
	width float64
}

// money is a cell value shown with two decimals.
type money float64

// link is a cell value shown as a clickable web address.
type link string

// table is one logical sheet. When it outgrows Excel's row limit it goes on
// in a further sheet named "Orders (2)", "Orders (3)" and so on.
type table struct {
	b     *book
	name  string
	cols  []column
	limit int // data rows per sheet; lowered by tests
	parts []*part
	cells []any // reused for every row
}

// part is one sheet of a table.
type part struct {
	name string
	sw   *excelize.StreamWriter
	rows int // written so far, header included
}

func (b *book) newTable(name string, cols []column) (*table, error) {
	t := &table{b: b, name: name, cols: cols, limit: maxDataRows, cells: make([]any, len(cols))}
	b.tables = append(b.tables, t)
	return t, t.addPart()
}

// addPart opens the next sheet of the table and writes its header. Widths
// and panes must be set before the first row of a stream.
func (t *table) addPart() error {
	name := t.name
	if n := len(t.parts); n > 0 {
		name = t.name + " (" + strconv.Itoa(n+1) + ")"
	}
	f := t.b.file
	if _, err := f.NewSheet(name); err != nil {
		return fmt.Errorf("report: add sheet %s: %w", name, err)
	}
	sw, err := f.NewStreamWriter(name)
	if err == nil {
		err = t.layout(sw)
	}
	if err != nil {
		return fmt.Errorf("report: start sheet %s: %w", name, err)
	}
	t.parts = append(t.parts, &part{name: name, sw: sw, rows: 1})
	return nil
}

func (t *table) layout(sw *excelize.StreamWriter) error {
	// excelize puts each new width in front of the ones already set, and
	// Excel wants <col> elements in ascending order: set them last first.
	for i := len(t.cols) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, t.cols[i].width); err != nil {
			return err
		}
	}
	err := sw.SetPanes(&excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return err
	}
	header := make([]any, len(t.cols))
	for i, c := range t.cols {
		header[i] = excelize.Cell{StyleID: t.b.style.header, Value: c.title}
	}
	return sw.SetRow("A1", header)
}

// add writes one row; values are given in column order.
func (t *table) add(values ...any) error {
	if t.b.closed {
		return ErrClosed
	}
	p := t.parts[len(t.parts)-1]
	if p.rows-1 >= t.limit {
		if err := t.addPart(); err != nil {
			return err
		}
		p = t.parts[len(t.parts)-1]
	}
	for i, v := range values {
		t.cells[i] = t.b.cell(v)
	}
	ref, err := excelize.CoordinatesToCellName(1, p.rows+1)
	if err == nil {
		err = p.sw.SetRow(ref, t.cells)
	}
	if err != nil {
		return fmt.Errorf("report: write %s row %d: %w", p.name, p.rows+1, err)
	}
	p.rows++
	return nil
}

// flush puts an autofilter over each sheet's used range and ends its stream.
// The filter goes onto the worksheet the stream serialises in Flush, so it
// must be set before Flush, not after.
func (t *table) flush() error {
	last, _ := excelize.ColumnNumberToName(len(t.cols))
	for _, p := range t.parts {
		ref := "A1:" + last + strconv.Itoa(p.rows)
		if err := t.b.file.AutoFilter(p.name, ref, nil); err != nil {
			return fmt.Errorf("report: filter %s: %w", p.name, err)
		}
		if err := p.sw.Flush(); err != nil {
			return fmt.Errorf("report: flush %s: %w", p.name, err)
		}
	}
	return nil
}

// cell turns a row value into what the stream writer takes. Empty values
// become no cell at all, so that blanks filter as blanks.
func (b *book) cell(v any) any {
	switch v := v.(type) {
	case string:
		return text(v)
	case []string:
		return text(joinList(v))
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: b.style.date, Value: v}
	case time.Duration:
		return excelize.Cell{StyleID: b.style.duration, Value: v}
	case money:
		return excelize.Cell{StyleID: b.style.money, Value: float64(v)}
	case link:
		return b.linkCell(string(v))
	default:
		return v
	}
}

// linkCell writes a web address as a HYPERLINK formula with the address as
// its cached value. A formula costs nothing beyond its text, whereas real
// hyperlinks are kept in memory by excelize until the file is saved.
func (b *book) linkCell(s string) any {
	if !isWebLink(s) || len(s) > maxLinkFormula {
		return text(s)
	}
	quoted := strings.ReplaceAll(s, `"`, `""`)
	return excelize.Cell{
		StyleID: b.style.link,
		Formula: `HYPERLINK("` + quoted + `")`,
		Value:   s,
	}
}

func isWebLink(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// text caps s at Excel's cell limit; nil stands for an empty cell.
func text(s string) any {
	if s == "" {
		return nil
	}
	return capText(s)
}

// capText cuts s to at most maxCellText UTF-16 units, on a rune boundary,
// ending with an ellipsis so a reader sees the value was cut.
func capText(s string) string {
	// A UTF-16 unit never takes fewer bytes than its UTF-8 form.
	if len(s) <= maxCellText || utf16Len(s) <= maxCellText {
		return s
	}
	units := 0
	for i, r := range s {
		units += runeUnits(r)
		if units > maxCellText-1 {
			return s[:i] + "…"
		}
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1 // invalid UTF-8 decodes to U+FFFD
}

// joinList joins the non-empty items of a list with ", ".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	var sb strings.Builder
	for _, s := range items {
		if s == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(s)
	}
	return sb.String()
}
