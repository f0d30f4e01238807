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

// xmlReader walks an XML export with encoding/xml's RawToken, which skips
// the namespace work and copies Token does. It checks tag nesting itself, so
// a document that is cut off or badly nested is still caught.
type xmlReader struct {
	export string
	xd     *xml.Decoder
	stack  []string // open element names, root first
	text   []byte   // character data of the innermost open element
	root   bool     // the root element has been seen
}

func newXMLReader(export string, r io.Reader) *xmlReader {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	xd := xml.NewDecoder(br)
	xd.CharsetReader = charsetReader
	// Merchant-edited templates sometimes carry HTML entities such as &nbsp;.
	xd.Entity = xml.HTMLEntity
	return &xmlReader{export: export, xd: xd, stack: make([]string, 0, 8)}
}

// charsetReader accepts the Czech single-byte encodings besides UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "windows-1250", "cp1250":
		return charmap.Windows1250.NewDecoder().Reader(in), nil
	case "iso-8859-2", "latin2":
		return charmap.ISO8859_2.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// xmlEvent is what next reports to a decoder.
type xmlEvent int

const (
	evStart xmlEvent = iota
	evEnd
	evEOF
)

// next advances to the next start or end tag. On evEnd the ended element is
// still on the stack and r.text holds its text; on evStart r.text is empty.
func (r *xmlReader) next() (xmlEvent, error) {
	for {
		tok, err := r.xd.RawToken()
		if err != nil {
			return evEOF, r.tokenError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return evStart, r.start(t.Name.Local)
		case xml.EndElement:
			return evEnd, r.end(t.Name.Local)
		case xml.CharData:
			if len(r.stack) > 0 {
				r.text = append(r.text, t...)
			}
		}
	}
}

func (r *xmlReader) start(name string) error {
	if len(r.stack) == 0 && r.root {
		return r.syntax(fmt.Errorf("second root element <%s>", name))
	}
	r.root = true
	r.stack = append(r.stack, name)
	r.text = r.text[:0]
	return nil
}

func (r *xmlReader) end(name string) error {
	if len(r.stack) == 0 || r.stack[len(r.stack)-1] != name {
		return r.syntax(fmt.Errorf("unexpected </%s>", name))
	}
	return nil
}

// pop closes the element reported by the last evEnd.
func (r *xmlReader) pop() {
	r.stack = r.stack[:len(r.stack)-1]
	r.text = r.text[:0]
}

func (r *xmlReader) tokenError(err error) error {
	var se *xml.SyntaxError
	switch {
	case err == io.EOF && !r.root:
		return r.syntax(errors.New("no XML element in the export"))
	case err == io.EOF && len(r.stack) > 0:
		return r.syntax(fmt.Errorf("export ends inside <%s>; it was cut short",
			r.stack[len(r.stack)-1]))
	case err == io.EOF:
		return io.EOF
	case errors.As(err, &se):
		return &ParseError{Export: r.export, Line: se.Line, Err: errors.New(se.Msg)}
	}
	return err // a read error, e.g. an *Error from Download; keep it matchable
}

func (r *xmlReader) syntax(err error) error {
	return &ParseError{Export: r.export, Line: r.line(), Err: err}
}

func (r *xmlReader) line() int {
	line, _ := r.xd.InputPos()
	return line
}

// depth is the number of open elements.
func (r *xmlReader) depth() int { return len(r.stack) }

// trimmed returns the current text without surrounding white space.
func (r *xmlReader) trimmed() []byte { return bytes.TrimSpace(r.text) }
