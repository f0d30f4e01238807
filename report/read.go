package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// ReadSheetNames lists the sheets of the workbook at path in tab order.
func ReadSheetNames(path string) ([]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: open %s: %w", path, err)
	}
	defer f.Close()
	return f.GetSheetList(), nil
}

// ReadRows returns up to limit rows of sheet as displayed text (dates and
// money formatted), header included; limit <= 0 reads every row. Rows are
// read as a stream, so a small limit is cheap on a large report.
func ReadRows(path, sheet string, limit int) ([][]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: open %s: %w", path, err)
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", sheet, err)
	}
	defer rows.Close()
	var out [][]string
	for (limit <= 0 || len(out) < limit) && rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return out, fmt.Errorf("report: read %s row %d: %w", sheet, len(out)+1, err)
		}
		out = append(out, cols)
	}
	if err := rows.Error(); err != nil {
		return out, fmt.Errorf("report: read %s: %w", sheet, err)
	}
	return out, nil
}
