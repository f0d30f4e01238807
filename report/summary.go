package report

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/xuri/excelize/v2"
)

// writeSummary fills the Summary sheet with one key/value pair per row.
func (b *book) writeSummary(s Summary) error {
	sw, err := b.file.NewStreamWriter(summarySheet)
	if err == nil {
		err = sw.SetColWidth(2, 2, 48) // before column 1, see table.layout
	}
	if err == nil {
		err = sw.SetColWidth(1, 1, 28)
	}
	for i, kv := range summaryPairs(s) {
		if err != nil {
			break
		}
		key := excelize.Cell{StyleID: b.style.key, Value: kv.key}
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		err = sw.SetRow(ref, []any{key, b.cell(kv.value)})
	}
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		return fmt.Errorf("report: write summary: %w", err)
	}
	return nil
}

type pair struct {
	key   string
	value any
}

func summaryPairs(s Summary) []pair {
	dry := "no"
	if s.DryRun {
		dry = "yes"
	}
	pairs := []pair{
		{"Shop", safeURL(s.Shop)},
		{"Run", s.Run},
		{"Kind", s.Kind},
		{"Dry run", dry},
		{"Started", s.Started},
		{"Finished", s.Finished},
	}
	if !s.Started.IsZero() && !s.Finished.Before(s.Started) {
		pairs = append(pairs, pair{"Duration", s.Finished.Sub(s.Started)})
	} else {
		pairs = append(pairs, pair{"Duration", ""})
	}
	for _, c := range s.Counts {
		pairs = append(pairs, pair{c.Name, c.Value})
	}
	return pairs
}

// safeURL drops the parts of a URL that can carry a credential: a Shoptet
// export hash travels in the query string.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		raw, _, _ = strings.Cut(raw, "?")
		return raw
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
