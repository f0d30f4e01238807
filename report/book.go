package report

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/xuri/excelize/v2"
)

// ErrClosed is returned by a writer that was already closed or aborted.
var ErrClosed = errors.New("report: writer is closed")

// summarySheet is the first sheet of every workbook and the one that opens.
const summarySheet = "Summary"

// outputBuffer sizes the buffer between the zip writer and the file; zip
// headers and deflate blocks arrive in small writes.
const outputBuffer = 256 << 10

// book is one workbook being streamed, sheet by sheet, towards its path.
type book struct {
	file   *excelize.File
	path   string
	tmp    *os.File
	style  styles
	tables []*table
	closed bool
}

// creator is the application named in the workbook's document properties.
const creator = "shoptet-daktela"

// openBook starts a workbook whose only sheet is the (still empty) Summary.
// The temporary file lives beside path so that the final rename is atomic;
// it is created with mode 0600 because reports hold personal data.
func openBook(path, title string) (*book, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("report: create %s: %w", path, err)
	}
	b := &book{file: excelize.NewFile(), path: path, tmp: tmp}
	if err := b.init(title); err != nil {
		b.abort()
		return nil, err
	}
	return b, nil
}

func (b *book) init(title string) error {
	if err := b.file.SetSheetName("Sheet1", summarySheet); err != nil {
		return fmt.Errorf("report: name summary sheet: %w", err)
	}
	props := &excelize.DocProperties{Creator: creator, LastModifiedBy: creator, Title: title}
	if err := b.file.SetDocProps(props); err != nil {
		return fmt.Errorf("report: set properties: %w", err)
	}
	style, err := newStyles(b.file)
	if err != nil {
		return err
	}
	b.style = style
	return nil
}

// close finishes every sheet, writes the file and renames it into place.
// On failure the partial output is removed.
func (b *book) close(s Summary) error {
	if b.closed {
		return ErrClosed
	}
	if err := b.finish(s); err != nil {
		b.abort()
		return err
	}
	b.closed = true
	return nil
}

func (b *book) finish(s Summary) error {
	// Sheet moves and the active tab must be settled while every stream is
	// still open: excelize re-reads a flushed sheet's XML to touch it, and
	// the autofilter's defined name is keyed by sheet position.
	if err := b.orderSheets(); err != nil {
		return err
	}
	b.file.SetActiveSheet(0)
	if err := b.writeSummary(s); err != nil {
		return err
	}
	for _, t := range b.tables {
		if err := t.flush(); err != nil {
			return err
		}
	}
	if err := b.save(); err != nil {
		return err
	}
	if err := os.Rename(b.tmp.Name(), b.path); err != nil {
		return fmt.Errorf("report: rename to %s: %w", b.path, err)
	}
	return nil
}

// orderSheets places every overflow sheet ("Orders (2)") right after its
// predecessor; new sheets are always appended at the end of the workbook.
func (b *book) orderSheets() error {
	want := []string{summarySheet}
	for _, t := range b.tables {
		for _, p := range t.parts {
			want = append(want, p.name)
		}
	}
	if slices.Equal(want, b.file.GetSheetList()) {
		return nil
	}
	// Moving each sheet before its successor, from the back, leaves the
	// tail of want contiguous after every step.
	for i := len(want) - 2; i >= 0; i-- {
		if err := b.file.MoveSheet(want[i], want[i+1]); err != nil {
			return fmt.Errorf("report: order sheets: %w", err)
		}
	}
	return nil
}

// save zips the workbook straight into the temporary file. excelize's own
// SaveAs assembles the whole archive in a bytes.Buffer first, which would
// cost as much memory as the report is large, so the zip writer hook is
// pointed at the file and the buffer it is handed stays empty.
func (b *book) save() error {
	out := bufio.NewWriterSize(b.tmp, outputBuffer)
	b.file.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		// Speed over a few percent of size: a report is written once per
		// run and read by people, not archived.
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		return zw
	})
	n, err := b.file.WriteTo(io.Discard)
	if err == nil && n != 0 {
		err = errors.New("excelize wrote the workbook to its own buffer")
	}
	if err == nil {
		err = out.Flush()
	}
	if err == nil {
		err = b.tmp.Close()
	}
	if err == nil {
		err = b.file.Close()
	}
	if err != nil {
		return fmt.Errorf("report: write %s: %w", b.path, err)
	}
	return nil
}

// abort drops the workbook, its temporary files and the partial output.
func (b *book) abort() {
	if b.closed {
		return
	}
	b.closed = true
	_ = b.file.Close()
	_ = b.tmp.Close()
	_ = os.Remove(b.tmp.Name())
}
