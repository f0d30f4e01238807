package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCellText writes arbitrary text into a report and reads it back: the
// only changes allowed are the ones XML forces (characters it cannot carry
// become U+FFFD) and the cap on cell length.
func FuzzCellText(f *testing.F) {
	for _, s := range []string{
		"Příliš žluťoučký kůň", " leading and trailing ", "a\r\nb\tc", "_x0041_ literal",
		"=1+1", "<b>&amp;</b>", "\x00\x1b\ufffe", "\xff\xfe broken", "😀",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		path := dir + "/fuzz.xlsx"
		w, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		if err := w.AddRejected(RejectedRow{Source: "fuzz", Record: s}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(Summary{}); err != nil {
			t.Fatal(err)
		}
		rows, err := ReadRows(path, RejectedSheet, 2)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(rows) == 2 && len(rows[1]) > 1 {
			got = rows[1][1]
		}
		if want := xmlSafe(capText(s)); got != want {
			t.Fatalf("read back %q, want %q", got, want)
		}
	})
}

// xmlSafe replaces what XML 1.0 cannot hold, as encoding/xml does.
func xmlSafe(s string) string {
	var sb strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
			r = '\uFFFD'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
