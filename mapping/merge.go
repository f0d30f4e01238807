package mapping

import (
	"slices"
	"strings"
)

// Merge writes next, the sync's rendering, into existing, a contact's current
// fields, without destroying data the sync does not own. Previous is the
// rendering the sync wrote last time (nil when unknown).
//
// Keys outside next are untouched. In custom fields the values agents added
// are kept: an existing value is dropped only when the previous rendering had
// it and next no longer does. A standard field the agent edited keeps the
// agent's text while the sync's own value stays what it was. Values are
// compared by a canonical form, so "+420 777 123 456" and "00420777123456"
// are the same phone. Changed reports whether the contact needs an update;
// the maps and slices of the arguments are never modified.
func Merge(existing, previous, next Fields) (merged Fields, changed bool) {
	merged = make(Fields, len(existing)+len(next))
	for k, v := range existing {
		merged[k] = v
	}
	for _, key := range sortedKeys(next) {
		var v []string
		if strings.HasPrefix(key, customPrefix) {
			v = mergeList(existing[key], previous[key], next[key])
		} else {
			v = mergeSingle(existing[key], previous, key, next[key])
		}
		if !sameValues(existing[key], v) {
			merged[key] = v
			changed = true
		}
	}
	return merged, changed
}

// mergeList returns next followed by the existing values the sync never
// wrote, in their existing order.
func mergeList(existing, previous, next []string) []string {
	out := slices.Clone(nonEmpty(next))
	seen := canonSet(out)
	written := canonSet(previous)
	for _, v := range nonEmpty(existing) {
		c := canonValue(v)
		if seen[c] || written[c] {
			continue
		}
		seen[c] = true
		out = append(out, v)
	}
	return out
}

// mergeSingle keeps an agent's edit of a one-value field as long as the
// sync's value did not change since it was last written.
func mergeSingle(existing []string, previous Fields, key string, next []string) []string {
	cur, prev := first(nonEmpty(existing)), previous[key]
	_, wrote := previous[key]
	if cur != "" && wrote && sameValues(prev, next) {
		return existing
	}
	return next
}

// sameValues compares value sets; order and formatting do not matter.
func sameValues(a, b []string) bool {
	ca, cb := canonSet(a), canonSet(b)
	if len(ca) != len(cb) {
		return false
	}
	for c := range ca {
		if !cb[c] {
			return false
		}
	}
	return true
}

func canonSet(vals []string) map[string]bool {
	set := make(map[string]bool, len(vals))
	for _, v := range vals {
		if c := canonValue(v); c != "" {
			set[c] = true
		}
	}
	return set
}

// canonValue is the form in which two values count as the same: e-mails
// ignore case, phones ignore separators and the "+"/"00" spelling.
func canonValue(v string) string {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "@") {
		return strings.ToLower(v)
	}
	if digits, plus, ok := phoneDigits(v); ok && len(digits) >= minPhoneDigits {
		if plus {
			return "00" + digits
		}
		return digits
	}
	return v
}
