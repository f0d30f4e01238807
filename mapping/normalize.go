package mapping

import (
	"strings"
)

// PhoneFormat is how phone numbers are written into the CRM.
type PhoneFormat string

// The phone formats a mapping may ask for.
const (
	PhoneE164     PhoneFormat = "e164"     // +420777123456
	PhoneZeroZero PhoneFormat = "00"       // 00420777123456
	PhoneNational PhoneFormat = "national" // 777123456
)

// E.164 caps a number at 15 digits; below 8 digits no real subscriber number
// with a country code exists, so anything shorter is junk such as "0" or "123".
const (
	minPhoneDigits = 8
	maxPhoneDigits = 15
)

// nationalDigits holds the subscriber number length of countries whose numbers
// have one fixed length, so that a digit too many or too few is caught.
var nationalDigits = map[string]int{
	"420": 9, // Czechia
	"421": 9, // Slovakia
}

// NormalizeEmail trims and lowercases an e-mail address. It returns "" when
// the text is not a plausible address: one "@" with text on both sides, a
// dotted domain, and no spaces or list separators.
func NormalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return ""
	}
	if strings.ContainsAny(s, " \t\r\n,;<>\"") {
		return ""
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return ""
	}
	return s
}

// NormalizePhone turns a phone number as customers type it into E.164
// ("+420777123456"). International numbers may start with "+" or "00"; a
// number without either is national and gets countryCode (e.g. "420", "+420"
// or "00420"). Spaces, dashes, dots, slashes and parentheses are ignored. It
// reports false when the text is not a phone number.
func NormalizePhone(raw, countryCode string) (string, bool) {
	digits, plus, ok := phoneDigits(raw)
	if !ok || len(digits) == 0 {
		return "", false
	}
	cc := strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(countryCode), "+"), "0")
	var full string
	switch {
	case plus:
		full = digits
	case strings.HasPrefix(digits, "00"):
		full = digits[2:]
	default:
		full = nationalToFull(digits, cc)
	}
	if !plausibleE164(full) {
		return "", false
	}
	return "+" + full, true
}

// phoneDigits strips separators from raw and reports whether it began with a
// "+"; any other character makes the text not a phone number.
func phoneDigits(raw string) (digits string, plus bool, ok bool) {
	var b strings.Builder
	b.Grow(len(raw))
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, "+") {
		plus = true
		s = s[1:]
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '(' || r == ')':
		case r == '\u00a0' || r == '\t':
		default:
			return "", false, false
		}
	}
	return b.String(), plus, true
}

// nationalToFull prefixes a national number with the country code. A leading
// trunk "0" (as in Slovak "0905 123 456") is dropped, except in Italy where it
// belongs to the number. A number that already starts with the country code
// and has the full length ("420777123456") is taken as international.
func nationalToFull(digits, cc string) string {
	if cc == "" {
		return digits
	}
	if n, fixed := nationalDigits[cc]; fixed && len(digits) == len(cc)+n &&
		strings.HasPrefix(digits, cc) {
		return digits
	}
	if cc != "39" && len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	return cc + digits
}

// plausibleE164 checks the digits of a number including its country code.
func plausibleE164(full string) bool {
	if len(full) < minPhoneDigits || len(full) > maxPhoneDigits || full[0] == '0' {
		return false
	}
	cc := countryCodeOf(full)
	if n, fixed := nationalDigits[cc]; fixed && len(full)-len(cc) != n {
		return false
	}
	return true
}

// FormatPhone writes an E.164 number in the given format; an unknown or
// empty format means E.164. Text that is not E.164 is returned unchanged.
func FormatPhone(e164 string, format PhoneFormat) string {
	if !strings.HasPrefix(e164, "+") {
		return e164
	}
	digits := e164[1:]
	switch format {
	case PhoneZeroZero:
		return "00" + digits
	case PhoneNational:
		return digits[len(countryCodeOf(digits)):]
	default:
		return e164
	}
}

// countryCodeOf returns the calling code that starts an international number
// (without "+"). Calling codes form a prefix code: "1" and "7" are single
// digits, the two-digit codes are listed, and every other code has three.
func countryCodeOf(digits string) string {
	if digits == "" {
		return ""
	}
	if digits[0] == '1' || digits[0] == '7' {
		return digits[:1]
	}
	if len(digits) >= 2 && twoDigitCodes[digits[:2]] {
		return digits[:2]
	}
	if len(digits) >= 3 {
		return digits[:3]
	}
	return digits
}

var twoDigitCodes = func() map[string]bool {
	codes := []string{
		"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43",
		"44", "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56",
		"57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
		"86", "90", "91", "92", "93", "94", "95", "98",
	}
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}()
