package shoptet

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxInterned bounds the interner: values such as statuses, currencies and
// countries repeat across a whole export, product names only somewhat, and
// the table must not grow with the export.
const maxInterned = 4096

// interner hands out one string per distinct short value, so repeated values
// cost no allocation.
type interner struct{ m map[string]string }

func newInterner() interner { return interner{m: make(map[string]string, 64)} }

func (in interner) bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= 64 && len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// errNumber is wrapped by every number parse error.
var errNumber = errors.New("not a number")

// ParseDecimal reads a decimal as Shoptet exports it: a dot in XML, a comma
// in CSV, optionally with spaces as thousands separators. When both a dot
// and a comma occur, the later one is the decimal separator. An empty value
// is 0. NaN, infinities and hexadecimal forms are rejected.
func ParseDecimal(s string) (float64, error) { return parseDecimal([]byte(s)) }

func parseDecimal(b []byte) (float64, error) {
	b = trimSpaceBytes(b)
	if len(b) == 0 {
		return 0, nil
	}
	var buf [64]byte
	clean, ok := normalizeDecimal(buf[:0], b)
	if !ok {
		return 0, fmt.Errorf("%w: %q", errNumber, truncate(b, 40))
	}
	f, err := strconv.ParseFloat(string(clean), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%w: %q", errNumber, truncate(b, 40))
	}
	return f, nil
}

// normalizeDecimal copies b into dst as a strconv-ready number, dropping
// grouping characters, or reports that b is not a plain decimal.
func normalizeDecimal(dst, b []byte) ([]byte, bool) {
	sep := byte('.')
	if i, j := lastIndex(b, ','), lastIndex(b, '.'); i > j {
		sep = ','
	}
	digits := 0
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
			dst = append(dst, c)
		case c == sep:
			dst = append(dst, '.')
		case c == ',' || c == '.' || c == ' ' || c == '\'':
			// a thousands separator
		case (c == '-' || c == '+') && (i == 0 || b[i-1] == 'e' || b[i-1] == 'E'):
			dst = append(dst, c)
		case (c == 'e' || c == 'E') && digits > 0:
			dst = append(dst, c)
		default:
			return nil, false
		}
	}
	return dst, digits > 0
}

func lastIndex(b []byte, c byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func trimSpaceBytes(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// errDate is wrapped by every date parse error.
var errDate = errors.New("not a date")

// shopTimeLayouts are the forms a shop date takes besides the usual
// "2006-01-02 15:04:05", which parseShopTime reads without time.Parse.
var shopTimeLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"2.1.2006",
}

// ParseShopTime reads a date as Shoptet exports it, in shop local time
// (Europe/Prague) unless the value carries its own offset. Empty is zero.
func ParseShopTime(s string) (time.Time, error) { return parseShopTime([]byte(s)) }

func parseShopTime(b []byte) (time.Time, error) {
	b = trimSpaceBytes(b)
	if len(b) == 0 {
		return time.Time{}, nil
	}
	if t, ok := parseDateTime(b); ok {
		return t, nil
	}
	s := string(b)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range shopTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, Prague); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q", errDate, truncate(b, 40))
}

// parseDateTime is the fast path for "YYYY-MM-DD HH:MM:SS", the form of
// every DATE in the system template.
func parseDateTime(b []byte) (time.Time, bool) {
	if len(b) != 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' ||
		b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := atoi(b[0:4])
	mo, ok2 := atoi(b[5:7])
	d, ok3 := atoi(b[8:10])
	h, ok4 := atoi(b[11:13])
	mi, ok5 := atoi(b[14:16])
	s, ok6 := atoi(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 ||
		d > daysIn(time.Month(mo), y) || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, Prague), true
}

func atoi(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// lowerASCII lower-cases a header name for case-insensitive matching.
func lowerASCII(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
