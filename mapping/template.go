package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// placeholders are the names a template may use besides extra.<csvColumn>.
var placeholders = []string{
	"fullName", "firstName", "lastName", "company", "emails", "email", "phones",
	"phone", "street", "city", "zip", "country", "address", "orderCount",
	"lastOrderDate", "firstOrderDate", "totalSpent", "currency", "orderSummary",
	"orderLinks", "customerGroup",
}

// listPlaceholders yield one value each when they stand alone in a template.
var listPlaceholders = []string{"emails", "phones", "orderLinks"}

const extraPrefix = "extra."

var errUnbalanced = errors.New("unbalanced { or } in template")

// segment is a piece of a template: literal text or a placeholder.
type segment struct {
	text        string
	placeholder bool
}

// template is a parsed field template.
type template []segment

// parseTemplate splits a template into literals and {placeholders}.
func parseTemplate(s string) (template, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("template is empty; remove the entry to leave the field alone")
	}
	var t template
	for s != "" {
		open := strings.IndexByte(s, '{')
		if close := strings.IndexByte(s, '}'); close >= 0 && (open < 0 || close < open) {
			return nil, errUnbalanced
		}
		if open < 0 {
			t = append(t, segment{text: s})
			break
		}
		if open > 0 {
			t = append(t, segment{text: s[:open]})
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return nil, errUnbalanced
		}
		name := s[open+1 : open+end]
		if err := checkPlaceholder(name); err != nil {
			return nil, err
		}
		t = append(t, segment{text: name, placeholder: true})
		s = s[open+end+1:]
	}
	return t, nil
}

func checkPlaceholder(name string) error {
	if col, ok := strings.CutPrefix(name, extraPrefix); ok {
		if strings.TrimSpace(col) == "" {
			return errors.New("placeholder {extra.} needs a CSV column name")
		}
		return nil
	}
	if slices.Contains(placeholders, name) {
		return nil
	}
	if s := suggest(name, placeholders); s != "" {
		return fmt.Errorf("unknown placeholder {%s} (did you mean {%s}?)", name, s)
	}
	return fmt.Errorf("unknown placeholder {%s}", name)
}

// list returns the list placeholder that makes up the whole template, or "".
func (t template) list() string {
	if len(t) == 1 && t[0].placeholder && slices.Contains(listPlaceholders, t[0].text) {
		return t[0].text
	}
	return ""
}

// render fills the template; list placeholders inside other text are joined.
func (t template) render(v *values) []string {
	if name := t.list(); name != "" {
		return v.list(name)
	}
	var b strings.Builder
	for _, seg := range t {
		if !seg.placeholder {
			b.WriteString(seg.text)
			continue
		}
		b.WriteString(v.single(seg.text))
	}
	return []string{b.String()}
}
