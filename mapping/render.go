package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Daktela's limits on contact fields, in characters; longer values are
// rejected with 400, so Render cuts them.
var fieldLimits = map[string]int{
	"title":       255,
	"firstname":   128,
	"lastname":    128,
	"description": 512,
}

// Render writes a person into contact fields. Every mapped key is present,
// with no values when the person has nothing for it. Title and lastname are
// never empty because Daktela requires them. The mapping must be valid;
// fields whose template does not parse are left out.
func (m *Mapping) Render(p Person) Fields {
	v := &values{p: p, m: m}
	out := make(Fields, len(m.Fields)+1)
	for key, src := range m.Fields {
		t, err := parseTemplate(src)
		if err != nil {
			continue
		}
		out[key] = clean(key, t.render(v))
	}
	if key := m.orderLinksKey(); key != "" {
		if _, mapped := out[key]; !mapped {
			out[key] = clean(key, v.list("orderLinks"))
		}
	}
	email, phone := first(v.list("emails")), first(v.list("phones"))
	if _, ok := out["title"]; ok && len(out["title"]) == 0 {
		out["title"] = clean("title", []string{v.displayFallback(p.Company, email, phone)})
	}
	if _, ok := out["lastname"]; ok && len(out["lastname"]) == 0 {
		name := v.displayFallback(v.fullName(), p.Company, email, phone)
		out["lastname"] = clean("lastname", []string{name})
	}
	return out
}

// clean strips control characters and empty values and applies the length
// limit of the field. Only description and custom fields keep line breaks.
func clean(key string, vals []string) []string {
	multiline := key == "description" || strings.HasPrefix(key, customPrefix)
	out := make([]string, 0, len(vals))
	for _, s := range vals {
		s = stripControls(s, multiline)
		if limit, ok := fieldLimits[key]; ok {
			s = truncate(s, limit)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func stripControls(s string, multiline bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && multiline:
			return r
		case r == utf8.RuneError, unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
	if multiline {
		return strings.TrimSpace(s)
	}
	return collapseSpaces(s)
}

// truncate cuts s to at most limit characters.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit {
			return strings.TrimSpace(s[:i])
		}
		n++
	}
	return s
}
