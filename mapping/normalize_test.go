package mapping

import (
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		raw, cc string
		want    string
		ok      bool
	}{
		{"+420 777 123 456", "420", "+420777123456", true},
		{"00420777123456", "420", "+420777123456", true},
		{"777123456", "420", "+420777123456", true},
		{"777-123-456", "+420", "+420777123456", true},
		{"(777) 123.456", "00420", "+420777123456", true},
		{"420777123456", "420", "+420777123456", true},
		{" +421 905 123 456 ", "420", "+421905123456", true},
		{"0905 123 456", "421", "+421905123456", true},
		{"00421905123456", "420", "+421905123456", true},
		{"+49 30 1234567", "420", "+49301234567", true},
		{"777\u00a0123\u00a0456", "420", "+420777123456", true},
		{"+420 777 123 45", "420", "", false},   // CZ needs nine digits
		{"+420 777 123 4567", "420", "", false}, // and no more
		{"77712345", "420", "", false},          // national too short
		{"", "420", "", false},
		{"n/a", "420", "", false},
		{"123", "420", "", false},
		{"777 123 456 ext. 12", "420", "", false},
		{"+", "420", "", false},
		{"+1234567890123456", "420", "", false}, // over 15 digits
	}
	for _, tt := range tests {
		got, ok := NormalizePhone(tt.raw, tt.cc)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q, %v",
				tt.raw, tt.cc, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	tests := []struct {
		in     string
		format PhoneFormat
		want   string
	}{
		{"+420777123456", "", "+420777123456"},
		{"+420777123456", PhoneE164, "+420777123456"},
		{"+420777123456", PhoneZeroZero, "00420777123456"},
		{"+420777123456", PhoneNational, "777123456"},
		{"+421905123456", PhoneNational, "905123456"},
		{"+49301234567", PhoneNational, "301234567"},
		{"+12125551234", PhoneNational, "2125551234"},
		{"777123456", PhoneZeroZero, "777123456"}, // not E.164: unchanged
	}
	for _, tt := range tests {
		if got := FormatPhone(tt.in, tt.format); got != tt.want {
			t.Errorf("FormatPhone(%q, %q) = %q, want %q", tt.in, tt.format, got, tt.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"jan@example.cz", "jan@example.cz"},
		{"  Jan.Novak@Example.CZ \t", "jan.novak@example.cz"},
		{"mailto:jan@example.cz", "jan@example.cz"},
		{"", ""},
		{"jan.example.cz", ""},
		{"@example.cz", ""},
		{"jan@", ""},
		{"jan@localhost", ""},
		{"jan@example.", ""},
		{"a@b@example.cz", ""},
		{"jan novak@example.cz", ""},
		{"a@x.cz; b@x.cz", ""},
	}
	for _, tt := range tests {
		if got := NormalizeEmail(tt.in); got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNormalizePhone checks that whatever customers type, an accepted number
// is E.164 and normalising it again gives the same number.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+420 777 123 456", "00421905123456", "0905 123 456", "junk", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := NormalizePhone(raw, "420")
		if !ok {
			return
		}
		if !strings.HasPrefix(got, "+") || len(got) < minPhoneDigits+1 || len(got) > maxPhoneDigits+1 {
			t.Fatalf("NormalizePhone(%q) = %q, not E.164", raw, got)
		}
		if again, ok := NormalizePhone(got, "420"); !ok || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want it unchanged", got, again, ok)
		}
	})
}
