package crm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxBody caps a request body; one record is a few kilobytes.
const maxBody = 1 << 20

// errBody is a request body that is not a JSON object.
var errBody = errors.New("request body must be a json object")

// decodeBody reads a JSON object, tolerating a byte-order mark.
func decodeBody(r *http.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return nil, errBody
	}
	return obj, nil
}

func writeBadBody(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadRequest, []string{err.Error()}, nil)
}

// input is a decoded record body: the string fields given and the custom
// field arrays given.
type input struct {
	strs   map[string]string
	custom map[string][]string
}

func (in input) has(field string) bool {
	_, ok := in.strs[field]
	return ok
}

// apply copies the given strings into their targets; the customFields keys given replace
// those keys' arrays and leave the others.
func (in input) apply(targets map[string]*string, custom *map[string][]string) {
	for field, v := range in.strs {
		*targets[field] = v
	}
	if len(in.custom) > 0 && *custom == nil {
		*custom = map[string][]string{}
	}
	for key, vals := range in.custom {
		(*custom)[key] = vals
	}
}

// decodeInput reads the named string fields and customFields; a custom key
// is checked with knownKey when it is not nil.
func decodeInput(raw map[string]json.RawMessage, names []string,
	knownKey func(string) bool, form *formError) input {
	in := input{strs: map[string]string{}}
	for _, name := range names {
		msg, ok := raw[name]
		if !ok {
			continue
		}
		v, valid := decodeString(msg)
		if !valid {
			form.add(name, msgBadValue)
			continue
		}
		in.strs[name] = v
	}
	if msg, ok := raw["customFields"]; ok {
		in.custom = decodeCustom(msg, knownKey, form)
	}
	return in
}

// decodeString accepts a string, null (empty), a number or a boolean, or
// an embedded object with a name, as reads return foreign keys.
func decodeString(msg json.RawMessage) (string, bool) {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return "", false
	}
	switch t := v.(type) {
	case nil:
		return "", true
	case string:
		return t, true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(t), true
	case map[string]any:
		name, ok := t["name"].(string)
		return name, ok
	}
	return "", false
}

// decodeCustom reads key -> array of strings; null elements are dropped
// because they mean "no value" in Daktela's answers.
func decodeCustom(msg json.RawMessage, knownKey func(string) bool,
	form *formError) map[string][]string {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(msg, &obj); err != nil {
		var list []any
		if json.Unmarshal(msg, &list) != nil || len(list) > 0 {
			form.add("customFields", msgBadValue)
		}
		return map[string][]string{}
	}
	out := make(map[string][]string, len(obj))
	for key, val := range obj {
		if knownKey != nil && !knownKey(key) {
			form.addCustom(key, msgUnknownField)
			continue
		}
		vals, ok := decodeArray(val)
		if !ok {
			form.addCustom(key, msgNotArray)
			continue
		}
		out[key] = vals
	}
	return out
}

func decodeArray(msg json.RawMessage) ([]string, bool) {
	var items []any
	if err := json.Unmarshal(msg, &items); err != nil {
		return nil, string(bytes.TrimSpace(msg)) == "null"
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch v := it.(type) {
		case nil:
		case string:
			out = append(out, v)
		default:
			return nil, false
		}
	}
	return out, true
}

// checkText validates a free-text field's length and, for one-line fields,
// control characters.
func checkText(form *formError, field, v string, required bool, maxLen int, oneLine bool) {
	switch {
	case v == "" && required:
		form.add(field, msgRequired)
	case utf8.RuneCountInString(v) > maxLen:
		form.add(field, fmt.Sprintf("Maximální délka je %d znaků", maxLen))
	case oneLine && hasControl(v):
		form.add(field, msgBadChars)
	}
}

func hasControl(v string) bool {
	return strings.ContainsFunc(v, unicode.IsControl)
}

// validEmail follows the rules the real form enforces on an EMAIL field:
// a dot-atom local part (no leading, trailing or doubled dot) and a domain
// of at least two labels.
func validEmail(v string) bool {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at > 64 {
		return false
	}
	return validLocal(v[:at]) && validDomain(v[at+1:])
}

func validLocal(local string) bool {
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") ||
		strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if !isAtext(r) && r != '.' {
			return false
		}
	}
	return true
}

func isAtext(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) ||
		strings.ContainsRune("!#$%&'*+/=?^_`{|}~-", r))
}

func validDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || len(labels[len(labels)-1]) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				return false
			}
		}
	}
	return true
}
