package shoptet

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// scanBufSize is the read buffer of the scanner; large enough that refills
// are rare, small enough that a decoder never holds much of an export.
const scanBufSize = 64 << 10

// errTokenTooLong stops a scan on a single name or entity that fills the
// whole read buffer, which no real export has.
var errTokenTooLong = errors.New("xml token longer than the read buffer")

// maxEntity bounds an entity reference such as &#x10FFFF; or &Ouml;.
const maxEntity = 64

// scanner is a tokenSource that reads XML straight from a byte buffer.
// encoding/xml spends most of its time building tokens a decoder throws
// away (names, attributes, copies of text); an order export needs none of
// that, so this scanner interns element names, skips attributes, and
// appends text in place. It accepts what encoding/xml accepts for the
// documents Shoptet writes and is checked against it by FuzzOrderDecoder.
type scanner struct {
	tagStack
	src        io.Reader
	buf        []byte
	r, w       int
	readErr    error
	cur        int // line at buf[r]
	startLine  int // line of the last start tag
	pendingEnd bool
	names      nameCache
}

// nameCache interns element names. Exports use a few dozen names over and
// over, so a direct-mapped table in front of the map answers most lookups
// with one comparison.
type nameCache struct {
	slots [256]string
	all   interner
}

func (c *nameCache) get(b []byte) string {
	h := (len(b)*31 + int(b[0])*7 + int(b[len(b)/2])*3 + int(b[len(b)-1])) & 255
	if s := c.slots[h]; s == string(b) {
		return s
	}
	s := c.all.bytes(b)
	c.slots[h] = s
	return s
}

func newScanner(export string, r io.Reader) (*scanner, error) {
	br := skipBOM(r)
	src, err := declaredCharset(br)
	if err != nil {
		return nil, &ParseError{Export: export, Line: 1, Err: err}
	}
	return &scanner{
		tagStack: tagStack{export: export, stack: make([]string, 0, 8)},
		src:      src,
		buf:      make([]byte, 0, scanBufSize),
		cur:      1,
		names:    nameCache{all: newInterner()},
	}, nil
}

// declaredCharset reads the encoding of an XML declaration and returns a
// reader that yields UTF-8.
func declaredCharset(br interface {
	io.Reader
	Peek(int) ([]byte, error)
}) (io.Reader, error) {
	head, _ := br.Peek(256)
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return br, nil
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return br, nil
	}
	decl := head[:end]
	i := bytes.Index(decl, []byte("encoding="))
	if i < 0 || i+len("encoding=")+1 >= len(decl) {
		return br, nil
	}
	v := decl[i+len("encoding="):]
	q := v[0]
	j := bytes.IndexByte(v[1:], q)
	if (q != '"' && q != '\'') || j < 0 {
		return br, nil
	}
	return charsetReader(string(v[1:1+j]), br)
}

func (s *scanner) line() int { return s.startLine }

func (s *scanner) next() (xmlEvent, error) {
	if s.pendingEnd {
		s.pendingEnd = false
		return evEnd, nil
	}
	for {
		if err := s.readText(); err != nil {
			return evEnd, err
		}
		if s.r == s.w && !s.fill() {
			return evEnd, s.atEOF()
		}
		line := s.cur
		s.r++ // '<'
		ev, isTag, err := s.markup(line)
		if err != nil || isTag {
			return ev, err
		}
	}
}

// markup reads what follows a '<'. isTag is false for comments, processing
// instructions, CDATA and DOCTYPE, which produce no event.
func (s *scanner) markup(line int) (ev xmlEvent, isTag bool, err error) {
	s.ensure(1)
	if s.r == s.w {
		return evEnd, false, s.readErrOrEOF()
	}
	switch s.buf[s.r] {
	case '/':
		s.r++
		return evEnd, true, s.endTag()
	case '?':
		return evEnd, false, s.skipPast("?>", "processing instruction")
	case '!':
		s.r++
		return evEnd, false, s.bang()
	}
	s.startLine = line
	return evStart, true, s.startTag()
}

func (s *scanner) endTag() error {
	b, err := s.name()
	if err != nil {
		return err
	}
	// The top of the stack is the only name that may close here, so a
	// match needs no interning.
	name := ""
	if top := len(s.stack) - 1; top >= 0 && s.stack[top] == string(b) {
		name = s.stack[top]
	} else {
		name = string(b)
	}
	if err := s.skipSpace(); err != nil {
		return err
	}
	if c, err := s.getc(); err != nil || c != '>' {
		return s.orSyntax(err, "invalid characters between </"+name+" and >")
	}
	return s.syntax(s.checkEnd(name))
}

func (s *scanner) startTag() error {
	b, err := s.name()
	if err != nil {
		return err
	}
	if err := s.syntax(s.push(s.names.get(b))); err != nil {
		return err
	}
	for {
		if err := s.skipSpace(); err != nil {
			return err
		}
		c, err := s.getc()
		if err != nil {
			return err
		}
		switch c {
		case '>':
			return nil
		case '/':
			if c, err := s.getc(); err != nil || c != '>' {
				return s.orSyntax(err, "expected /> in element")
			}
			s.pendingEnd = true
			return nil
		}
		s.r--
		if err := s.attribute(); err != nil {
			return err
		}
	}
}

// attribute skips name="value"; no Shoptet field lives in an attribute.
func (s *scanner) attribute() error {
	if _, err := s.name(); err != nil {
		return err
	}
	if err := s.skipSpace(); err != nil {
		return err
	}
	if c, err := s.getc(); err != nil || c != '=' {
		return s.orSyntax(err, "attribute name without = in element")
	}
	if err := s.skipSpace(); err != nil {
		return err
	}
	q, err := s.getc()
	if err != nil || (q != '"' && q != '\'') {
		return s.orSyntax(err, "unquoted or missing attribute value in element")
	}
	for {
		c, err := s.getc()
		switch {
		case err != nil:
			return err
		case c == q:
			return nil
		case c == '<':
			return s.syntax(errors.New("unescaped < inside quoted string"))
		}
	}
}

// bang handles <!-- -->, <![CDATA[ ]]> and directives such as <!DOCTYPE >.
func (s *scanner) bang() error {
	switch {
	case s.consume("--"):
		return s.skipPast("-->", "comment")
	case s.consume("[CDATA["):
		return s.cdata()
	}
	// DOCTYPE and any other directive: skipped, as encoding/xml does.
	return s.directive()
}

// directive skips a <!...> directive the way encoding/xml does: quotes
// and nested <...> pairs may hold a '>', and comments inside are skipped.
func (s *scanner) directive() error {
	var quote byte
	depth := 0
	// Like encoding/xml, the first byte is the directive's name, never a quote.
	if _, err := s.getc(); err != nil {
		return err
	}
	for {
		c, err := s.getc()
		if err != nil {
			return err
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '>' && depth == 0:
			return nil
		case c == '>':
			depth--
		case c == '<' && s.consume("!--"):
			if err := s.skipPast("-->", "comment"); err != nil {
				return err
			}
		case c == '<':
			depth++
		}
	}
}

func (s *scanner) cdata() error {
	for {
		i := bytes.Index(s.buf[s.r:s.w], []byte("]]>"))
		if i >= 0 {
			return s.appendText(s.advance(i), 3)
		}
		// Keep what may be the start of "]]>" or of a cut rune.
		win := s.buf[s.r:s.w]
		keep := min(2, len(win))
		chunk := win[:len(win)-keep]
		if err := s.appendText(s.advance(len(chunk)-partialRune(chunk)), 0); err != nil {
			return err
		}
		if !s.fill() {
			return s.eofIn("CDATA section")
		}
	}
}

// readText appends the character data up to the next '<' to the text of
// the open element, decoding entity references.
// On success the input is at a '<' or at its end.
func (s *scanner) readText() error {
	for {
		win := s.buf[s.r:s.w]
		if i := bytes.IndexByte(win, '<'); i >= 0 {
			return s.textRun(i)
		}
		// A rune cut by the end of the buffer waits for the next fill.
		if err := s.textRun(len(win) - partialRune(win)); err != nil {
			return err
		}
		if !s.fill() {
			return s.textRun(s.w - s.r)
		}
	}
}

// partialRune is the length of an incomplete UTF-8 sequence ending b.
func partialRune(b []byte) int {
	for i := 1; i <= min(3, len(b)); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return 0
		}
		if c >= 0xC0 { // a leading byte: is its sequence complete?
			if utf8.FullRune(b[len(b)-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}

// textRun consumes n bytes of character data that hold no '<'.
func (s *scanner) textRun(n int) error {
	for n > 0 {
		seg := s.buf[s.r : s.r+n]
		amp := bytes.IndexByte(seg, '&')
		if amp < 0 {
			return s.appendText(s.advance(n), 0)
		}
		if err := s.appendText(s.advance(amp), 0); err != nil {
			return err
		}
		used, err := s.entity()
		if err != nil {
			return err
		}
		n -= amp + used
		if n < 0 { // the buffer moved while the entity was read
			return nil
		}
	}
	return nil
}

// appendText adds raw character data to the open element's text and then
// skips extra bytes (a CDATA terminator). encoding/xml folds \r\n and \r
// into \n and rejects invalid UTF-8; so does this.
func (s *scanner) appendText(b []byte, extra int) error {
	if !utf8.Valid(b) {
		return s.syntax(errors.New("invalid UTF-8"))
	}
	if len(s.stack) > 0 {
		if bytes.IndexByte(b, '\r') < 0 {
			s.text = append(s.text, b...)
		} else {
			s.text = appendNewlines(s.text, b)
		}
	}
	s.advance(extra)
	return nil
}

func appendNewlines(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] != '\r' {
			dst = append(dst, b[i])
			continue
		}
		dst = append(dst, '\n')
		if i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
	}
	return dst
}

// entity decodes the reference at buf[r] ('&') and reports how many bytes
// it took. The read buffer may be compacted meanwhile; textRun copes.
func (s *scanner) entity() (int, error) {
	s.ensure(maxEntity)
	win := s.buf[s.r:s.w]
	semi := bytes.IndexByte(win[:min(len(win), maxEntity)], ';')
	if semi < 2 {
		return 0, s.syntax(errors.New("invalid character entity"))
	}
	ref := win[1:semi]
	if err := s.appendEntity(ref); err != nil {
		return 0, err
	}
	s.advance(semi + 1)
	return semi + 1, nil
}

func (s *scanner) appendEntity(ref []byte) error {
	if ref[0] == '#' {
		var n uint64
		var err error
		if len(ref) > 1 && ref[1] == 'x' {
			n, err = strconv.ParseUint(string(ref[2:]), 16, 32)
		} else {
			n, err = strconv.ParseUint(string(ref[1:]), 10, 32)
		}
		if err != nil || !isXMLChar(rune(n)) {
			return s.syntax(errors.New("invalid character entity &" + string(ref) + ";"))
		}
		if len(s.stack) > 0 {
			s.text = utf8.AppendRune(s.text, rune(n))
		}
		return nil
	}
	v, ok := predefinedEntity(ref)
	if !ok {
		v, ok = xml.HTMLEntity[string(ref)]
	}
	if !ok {
		return s.syntax(errors.New("invalid character entity &" + string(ref) + ";"))
	}
	if len(s.stack) > 0 {
		s.text = append(s.text, v...)
	}
	return nil
}

func predefinedEntity(ref []byte) (string, bool) {
	switch string(ref) {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "apos":
		return "'", true
	case "quot":
		return `"`, true
	}
	return "", false
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// name reads an element or attribute name. The bytes are valid until the
// next read.
func (s *scanner) name() ([]byte, error) {
	for {
		win := s.buf[s.r:s.w]
		n := 0
		for n < len(win) && isNameByte(win[n], n == 0) {
			n++
		}
		switch {
		case n == 0 && len(win) > 0:
			return nil, s.syntax(errors.New("expected a name after <"))
		case n < len(win):
			return s.advance(n), nil
		case !s.fill():
			if n == 0 {
				return nil, s.readErrOrEOF()
			}
			return s.advance(n), nil
		}
	}
}

func isNameByte(c byte, first bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':', c >= 0x80:
		return true
	case '0' <= c && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

func (s *scanner) skipSpace() error {
	for {
		for s.r < s.w {
			switch s.buf[s.r] {
			case '\n':
				s.cur++
			case ' ', '\t', '\r':
			default:
				return nil
			}
			s.r++
		}
		if !s.fill() {
			return s.readErrOrEOF()
		}
	}
}

// skipPast consumes input up to and including marker, which ends what.
func (s *scanner) skipPast(marker, what string) error {
	for {
		if i := bytes.Index(s.buf[s.r:s.w], []byte(marker)); i >= 0 {
			s.advance(i + len(marker))
			return nil
		}
		s.advance(max(0, s.w-s.r-len(marker)+1))
		if !s.fill() {
			return s.eofIn(what)
		}
	}
}

// consume skips lit if the input continues with it.
func (s *scanner) consume(lit string) bool {
	s.ensure(len(lit))
	if bytes.HasPrefix(s.buf[s.r:s.w], []byte(lit)) {
		s.advance(len(lit))
		return true
	}
	return false
}

func (s *scanner) getc() (byte, error) {
	if s.r == s.w && !s.fill() {
		return 0, s.readErrOrEOF()
	}
	c := s.buf[s.r]
	s.r++
	if c == '\n' {
		s.cur++
	}
	return c, nil
}

// advance consumes n buffered bytes, counting lines, and returns them.
func (s *scanner) advance(n int) []byte {
	b := s.buf[s.r : s.r+n]
	s.cur += bytes.Count(b, []byte{'\n'})
	s.r += n
	return b
}

// ensure tries to have n bytes buffered; fewer remain only at the end.
func (s *scanner) ensure(n int) {
	for s.w-s.r < n && s.fill() {
	}
}

// fill reads more input, keeping the unread bytes. It reports whether
// anything new arrived.
func (s *scanner) fill() bool {
	if s.readErr != nil {
		return false
	}
	if s.r > 0 {
		s.w = copy(s.buf[:cap(s.buf)], s.buf[s.r:s.w])
		s.r = 0
	}
	s.buf = s.buf[:cap(s.buf)]
	for tries := 0; tries < 100; tries++ {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if err != nil {
			s.readErr = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	s.readErr = errTokenTooLong
	return false
}

// readErrOrEOF is the error for input that ended where more was needed.
func (s *scanner) readErrOrEOF() error {
	if s.readErr != nil && s.readErr != io.EOF {
		return s.readErr
	}
	return s.syntax(io.ErrUnexpectedEOF)
}

func (s *scanner) eofIn(what string) error {
	if s.readErr != nil && s.readErr != io.EOF {
		return s.readErr
	}
	return s.syntax(fmt.Errorf("%w in %s", io.ErrUnexpectedEOF, what))
}

// atEOF is reached with no input left outside any markup.
func (s *scanner) atEOF() error {
	if s.readErr != nil && s.readErr != io.EOF {
		return s.readErr
	}
	if err := s.eof(); err != io.EOF {
		return s.syntax(err)
	}
	return io.EOF
}

func (s *scanner) syntax(err error) error {
	if err == nil {
		return nil
	}
	return &ParseError{Export: s.export, Line: s.cur, Err: err}
}

// orSyntax returns err when reading failed, else a syntax error saying msg.
func (s *scanner) orSyntax(err error, msg string) error {
	if err != nil {
		return err
	}
	return s.syntax(errors.New(msg))
}
