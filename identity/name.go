package identity

import (
	"bytes"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps the Latin runes below foldLimit to their lowercase base
// letter ("Ř" -> 'r'); 0 marks a rune that is not a letter or digit.
const foldLimit = 0x250

var foldTable = buildFoldTable()

func buildFoldTable() [foldLimit]rune {
	var t [foldLimit]rune
	for r := rune(0); r < foldLimit; r++ {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
		t[r] = unicode.ToLower(base)
	}
	// Letters with a stroke have no decomposition but read as their base.
	stroked := map[rune]rune{'ł': 'l', 'Ł': 'l', 'đ': 'd', 'Đ': 'd', 'ø': 'o', 'Ø': 'o'}
	for r, base := range stroked {
		t[r] = base
	}
	return t
}

// foldRune lowercases r and strips its diacritics; it returns 0 for runes
// that separate words (spaces, punctuation).
func foldRune(r rune) rune {
	if r < foldLimit {
		return foldTable[r]
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return 0
	}
	base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
	return unicode.ToLower(base)
}

// nameFolder normalises personal names for comparison. It keeps its buffers
// between calls because it runs once per record.
type nameFolder struct {
	buf    []byte
	tokens [][]byte
	out    []byte
}

// fold returns the comparison form of a name: lowercase, diacritics removed,
// punctuation and whitespace collapsed, words sorted ("Novák,  Jan" and
// "jan novak" both give "jan novak"). The result is valid until the next call.
func (f *nameFolder) fold(name string) []byte {
	f.buf = f.buf[:0]
	f.tokens = f.tokens[:0]
	start := 0
	for _, r := range name {
		c := foldRune(r)
		if c == 0 {
			f.endToken(start)
			start = len(f.buf)
			continue
		}
		f.buf = utf8.AppendRune(f.buf, c)
	}
	f.endToken(start)
	slices.SortFunc(f.tokens, bytes.Compare)
	f.out = f.out[:0]
	for i, t := range f.tokens {
		if i > 0 {
			f.out = append(f.out, ' ')
		}
		f.out = append(f.out, t...)
	}
	return f.out
}

func (f *nameFolder) endToken(start int) {
	if len(f.buf) > start {
		f.tokens = append(f.tokens, f.buf[start:len(f.buf):len(f.buf)])
	}
}
