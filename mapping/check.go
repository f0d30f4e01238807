package mapping

import (
	"fmt"
	"slices"
	"strings"
)

// FieldInfo describes a custom field of the contact form, as a contact read
// returns it in _sys.cfScheme.
type FieldInfo struct {
	Type     string // PHONE, EMAIL, URL, ADDRESS, TEXT, TEXTAREA, ...
	Title    string
	Hidden   bool
	ReadOnly bool
}

// Mismatch is a problem of the mapping against the CRM's contact form.
type Mismatch struct {
	Field   string // e.g. "customFields.shopet_orders"
	Problem string
}

// Check compares the mapped custom fields with the contact form's scheme: a
// field missing from the form (with the closest existing key as a
// suggestion), read-only or hidden fields, and fields whose type does not
// suit their data (e-mails need EMAIL, phones PHONE, order links URL).
// Mismatches are ordered by field.
func (m *Mapping) Check(scheme map[string]FieldInfo) []Mismatch {
	var out []Mismatch
	for _, key := range m.customKeys() {
		name := strings.TrimPrefix(key, customPrefix)
		info, ok := scheme[name]
		if !ok {
			out = append(out, Mismatch{key, missingProblem(name, scheme)})
			continue
		}
		if info.ReadOnly {
			out = append(out, Mismatch{key, "read-only in the contact form, the sync cannot write it"})
		}
		if info.Hidden {
			out = append(out, Mismatch{key, "hidden in the contact form, agents will not see it"})
		}
		if want := m.wantedType(key); want != "" && !strings.EqualFold(info.Type, want) {
			out = append(out, Mismatch{key, fmt.Sprintf("is a %s field, %s need a field of type %s",
				info.Type, typeNoun[want], want)})
		}
	}
	return out
}

var typeNoun = map[string]string{"EMAIL": "e-mails", "PHONE": "phones", "URL": "order links"}

// customKeys returns the mapped custom field keys, sorted, including the
// order links field.
func (m *Mapping) customKeys() []string {
	var keys []string
	for key := range m.Fields {
		if strings.HasPrefix(key, customPrefix) {
			keys = append(keys, key)
		}
	}
	if key := m.orderLinksKey(); key != "" && !slices.Contains(keys, key) {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}

// wantedType returns the field type a custom field needs for its data, or ""
// when any type will do.
func (m *Mapping) wantedType(key string) string {
	if key == m.orderLinksKey() {
		return "URL"
	}
	t, err := parseTemplate(m.Fields[key])
	if err != nil || len(t) != 1 || !t[0].placeholder {
		return ""
	}
	switch t[0].text {
	case "emails", "email":
		return "EMAIL"
	case "phones", "phone":
		return "PHONE"
	case "orderLinks":
		return "URL"
	}
	return ""
}

func missingProblem(name string, scheme map[string]FieldInfo) string {
	const problem = "no such custom field in the contact form"
	if s := suggest(name, sortedKeys(scheme)); s != "" {
		return problem + " (did you mean " + s + "?)"
	}
	return problem
}
