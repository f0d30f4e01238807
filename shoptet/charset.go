package shoptet

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// detectWindow is how much text past the first non-ASCII byte decides
// between UTF-8 and Windows-1250. Czech text in Windows-1250 is almost
// never valid UTF-8 over even a few accented letters.
const detectWindow = 4 << 10

// textReader yields UTF-8 from a CSV export that is Windows-1250 unless it
// starts with a UTF-8 byte-order mark or its bytes are valid UTF-8. ASCII
// reads the same in both, so the choice waits for the first byte above 0x7F
// and the stream is never held whole.
type textReader struct {
	br      *bufio.Reader
	decided io.Reader // nil until the first non-ASCII byte
}

func newTextReader(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
		return br
	}
	return &textReader{br: br}
}

func (t *textReader) Read(p []byte) (int, error) {
	if t.decided != nil {
		return t.decided.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := t.br.Peek(1); err != nil {
		return 0, err
	}
	buffered, _ := t.br.Peek(t.br.Buffered())
	ascii := asciiPrefix(buffered)
	if ascii > 0 {
		return t.br.Read(p[:min(len(p), ascii)])
	}
	t.decide()
	return t.decided.Read(p)
}

func asciiPrefix(b []byte) int {
	for i, c := range b {
		if c >= 0x80 {
			return i
		}
	}
	return len(b)
}

func (t *textReader) decide() {
	win, err := t.br.Peek(detectWindow)
	atEnd := err != nil // the window holds the rest of the input
	if !atEnd {
		win = win[:len(win)-partialRune(win)]
	}
	if utf8.Valid(win) {
		t.decided = t.br
		return
	}
	t.decided = charmap.Windows1250.NewDecoder().Reader(t.br)
}
