package shoptet

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// xmlEvent is what a tokenSource reports to a decoder.
type xmlEvent int

const (
	evStart xmlEvent = iota // an element opened; its name is on top of the stack
	evEnd                   // an element closed; still on the stack, text holds its text
)

// tokenSource walks an XML export tag by tag. Two implement it: scanner,
// the fast one the order decoder uses, and xmlReader over encoding/xml.
type tokenSource interface {
	// next advances to the next start or end tag. It returns io.EOF after
	// the root element closed, a *ParseError for broken XML, and read errors
	// unchanged.
	next() (xmlEvent, error)
	// tags is the state shared by both implementations.
	tags() *tagStack
	// line is the line of the last start tag.
	line() int
}

// tagStack is the open elements and the text of the innermost one.
type tagStack struct {
	export string
	stack  []string // open element names, root first
	text   []byte
	root   bool // the root element has been seen
}

func (t *tagStack) tags() *tagStack { return t }

func (t *tagStack) push(name string) error {
	if len(t.stack) == 0 && t.root {
		return fmt.Errorf("second root element <%s>", name)
	}
	t.root = true
	t.stack = append(t.stack, name)
	t.text = t.text[:0]
	return nil
}

func (t *tagStack) checkEnd(name string) error {
	if len(t.stack) == 0 || t.stack[len(t.stack)-1] != name {
		return fmt.Errorf("unexpected </%s>", name)
	}
	return nil
}

// pop closes the element reported by the last evEnd.
func (t *tagStack) pop() {
	t.stack = t.stack[:len(t.stack)-1]
	t.text = t.text[:0]
}

// eof turns the end of input into io.EOF or, when the document is not
// complete, into the reason it is not.
func (t *tagStack) eof() error {
	switch {
	case !t.root:
		return errors.New("no XML element in the export")
	case len(t.stack) > 0:
		return fmt.Errorf("export ends inside <%s>; it was cut short (%w)", t.stack[len(t.stack)-1],
			io.ErrUnexpectedEOF)
	}
	return io.EOF
}

func (t *tagStack) depth() int { return len(t.stack) }

// trimmed returns the current text without surrounding white space.
func (t *tagStack) trimmed() []byte { return trimSpaceBytes(t.text) }

// skipBOM returns a buffered reader past a UTF-8 byte-order mark.
func skipBOM(r io.Reader) *bufio.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	return br
}

// charsetReader accepts the Czech single-byte encodings besides UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8":
		return in, nil
	case "windows-1250", "cp1250":
		return charmap.Windows1250.NewDecoder().Reader(in), nil
	case "iso-8859-2", "latin2":
		return charmap.ISO8859_2.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// xmlReader is a tokenSource over encoding/xml's RawToken, which skips the
// namespace work and copies of Token; it checks nesting itself.
type xmlReader struct {
	tagStack
	xd       *xml.Decoder
	lastLine int
}

func newXMLReader(export string, r io.Reader) *xmlReader {
	xd := xml.NewDecoder(skipBOM(r))
	xd.CharsetReader = charsetReader
	// Merchant-edited templates sometimes carry HTML entities such as &nbsp;.
	xd.Entity = xml.HTMLEntity
	return &xmlReader{tagStack: tagStack{export: export, stack: make([]string, 0, 8)}, xd: xd}
}

func (r *xmlReader) next() (xmlEvent, error) {
	for {
		tok, err := r.xd.RawToken()
		if err != nil {
			return evEnd, r.tokenError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			r.lastLine = r.pos()
			return evStart, r.syntax(r.push(t.Name.Local))
		case xml.EndElement:
			return evEnd, r.syntax(r.checkEnd(t.Name.Local))
		case xml.CharData:
			if len(r.stack) > 0 {
				r.text = append(r.text, t...)
			}
		}
	}
}

func (r *xmlReader) line() int { return r.lastLine }

func (r *xmlReader) pos() int {
	line, _ := r.xd.InputPos()
	return line
}

func (r *xmlReader) tokenError(err error) error {
	var se *xml.SyntaxError
	switch {
	case err == io.EOF:
		if err := r.eof(); err != io.EOF {
			return r.syntax(err)
		}
		return io.EOF
	case errors.As(err, &se) && se.Msg == io.ErrUnexpectedEOF.Error():
		return &ParseError{Export: r.export, Line: se.Line, Err: io.ErrUnexpectedEOF}
	case errors.As(err, &se):
		return &ParseError{Export: r.export, Line: se.Line, Err: errors.New(se.Msg)}
	}
	return err // a read error, e.g. an *Error from Download; keep it matchable
}

func (r *xmlReader) syntax(err error) error {
	if err == nil {
		return nil
	}
	return &ParseError{Export: r.export, Line: r.pos(), Err: err}
}
