package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Number formats. Dates carry no zone in a workbook, so a date cell shows
// the wall clock of the time.Time it was given.
const (
	dateFormat     = "yyyy-mm-dd hh:mm:ss"
	moneyFormat    = "#,##0.00"
	durationFormat = "[h]:mm:ss"
)

// styles holds the ids of the few cell styles every workbook shares.
type styles struct {
	header   int
	key      int
	date     int
	money    int
	duration int
	link     int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	defs := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{
			Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		}},
		{&s.key, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.date, excelize.Style{CustomNumFmt: ptr(dateFormat)}},
		{&s.money, excelize.Style{CustomNumFmt: ptr(moneyFormat)}},
		{&s.duration, excelize.Style{CustomNumFmt: ptr(durationFormat)}},
		{&s.link, excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, fmt.Errorf("report: add style: %w", err)
		}
		*d.id = id
	}
	return s, nil
}

func ptr[T any](v T) *T { return &v }
