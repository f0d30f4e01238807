package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

func TestCapText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantUnits int
		wantCut   bool
	}{
		{"short", "Příliš žluťoučký kůň", 20, false},
		{"exactly the limit", strings.Repeat("a", maxCellText), maxCellText, false},
		{"czech at the limit", strings.Repeat("ř", maxCellText), maxCellText, false},
		{"one over", strings.Repeat("a", maxCellText+1), maxCellText, true},
		{"czech over", strings.Repeat("ž", maxCellText+5), maxCellText, true},
		// An emoji is two UTF-16 units; a cut must not split it.
		{"surrogates over", strings.Repeat("😀", maxCellText/2+1), maxCellText, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := capText(tt.in)
			if units := utf16Len(got); units != tt.wantUnits {
				t.Errorf("units = %d, want %d", units, tt.wantUnits)
			}
			if cut := strings.HasSuffix(got, "…"); cut != tt.wantCut {
				t.Errorf("cut = %v, want %v", cut, tt.wantCut)
			}
			if !utf8.ValidString(got) {
				t.Error("result is not valid UTF-8")
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain message", "plain message"},
		{"https://shop.cz/export/orders.xml?patternId=5&hash=abcdef0123",
			"https://shop.cz/export/orders.xml?patternId=5&hash=REDACTED"},
		{"GET /api/v6/contacts.json?accessToken=tok-123&take=10 failed",
			"GET /api/v6/contacts.json?accessToken=REDACTED&take=10 failed"},
		{"access_token=x password=y", "access_token=REDACTED password=REDACTED"},
		{"https://shop.cz/admin/detail/?id=123", "https://shop.cz/admin/detail/?id=123"},
		{"a=b, threshold=5", "a=b, threshold=5"},
		{"HASH=abc", "HASH=REDACTED"},
		{"myhash=abc&hash=", "myhash=abc&hash="},
		{"==token=x=y", "==token=REDACTED"}, // base64 values end in =
		{"token=a&token=b#f", "token=REDACTED&token=REDACTED#f"},
	}
	for _, tt := range tests {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.shop.cz", "https://www.shop.cz"},
		{"https://www.shop.cz/?hash=abc#x", "https://www.shop.cz/"},
		{"https://user:pw@www.shop.cz/export", "https://www.shop.cz/export"},
		{"", ""},
		{"%zz?hash=abc", "%zz"},
	}
	for _, tt := range tests {
		if got := safeURL(tt.in); got != tt.want {
			t.Errorf("safeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJoinList(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "", "b"}, "a, b"},
		{[]string{"", ""}, ""},
	}
	for _, tt := range tests {
		if got := joinList(tt.in); got != tt.want {
			t.Errorf("joinList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLinkCell(t *testing.T) {
	b := &book{style: styles{link: 7}}
	tests := []struct {
		in          string
		wantFormula string
	}{
		{"https://shop.cz/admin/?id=1", `HYPERLINK("https://shop.cz/admin/?id=1")`},
		{`https://shop.cz/a"b`, `HYPERLINK("https://shop.cz/a""b")`},
		{"javascript:alert(1)", ""},
		{"https://shop.cz/" + strings.Repeat("x", maxLinkFormula), ""},
	}
	for _, tt := range tests {
		got := b.linkCell(tt.in)
		formula := ""
		if cell, ok := got.(excelize.Cell); ok {
			formula = cell.Formula
		}
		if formula != tt.wantFormula {
			t.Errorf("linkCell(%.40q) formula = %q, want %q", tt.in, formula, tt.wantFormula)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("https://shop.cz/export/orders.xml?hash=abc&patternId=1")
	f.Add("token==x&hash=")
	f.Add("=hash=a=b")
	f.Fuzz(func(t *testing.T, s string) {
		got := redact(s)
		if !strings.Contains(s, "=") && got != s {
			t.Fatalf("redact changed %q without any '=' to %q", s, got)
		}
		if again := redact(got); again != got {
			t.Fatalf("redact is not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}
