package crm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// filterNode is a compiled filter: a group (logic with children) or a
// condition on one field.
type filterNode struct {
	or       bool
	children []*filterNode

	field string
	op    string
	vals  []string // lowercased, time values normalised
	raw   []string // as given, for exact lookups
	kind  fieldKind
	like  *regexp.Regexp
}

// getter returns a record's values of a field; empty means null.
type getter func(field string) []string

var operators = map[string]bool{
	"eq": true, "neq": true, "lt": true, "lte": true, "gt": true, "gte": true,
	"like": true, "in": true, "notin": true, "isnull": true, "isnotnull": true,
}

// compileFilter accepts a group {logic, filters}, one condition
// {field, operator, value} or a list of conditions joined by and.
func compileFilter(node any, kinds kindOf) (*filterNode, error) {
	m, ok := node.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: filter must be structured", errQuery)
	}
	if _, leaf := m["field"]; leaf {
		return compileCondition(m, kinds)
	}
	group := &filterNode{}
	logic, _ := m["logic"].(string)
	group.or = strings.EqualFold(logic, "or")
	items := indexed(m)
	if sub, ok := m["filters"].(map[string]any); ok {
		items = indexed(sub)
	}
	for _, item := range items {
		child, err := compileFilter(item, kinds)
		if err != nil {
			return nil, err
		}
		group.children = append(group.children, child)
	}
	return group, nil
}

func compileCondition(m map[string]any, kinds kindOf) (*filterNode, error) {
	field, _ := m["field"].(string)
	op, _ := m["operator"].(string)
	if op == "" {
		op = "eq"
	}
	kind, ok := kinds(field)
	if !ok {
		return nil, fmt.Errorf("%w: unknown filter field %q", errQuery, field)
	}
	if !operators[op] {
		return nil, fmt.Errorf("%w: unknown operator %q", errQuery, op)
	}
	n := &filterNode{field: field, op: op, kind: kind}
	n.raw = conditionValues(m["value"], op)
	n.vals = make([]string, len(n.raw))
	for i, v := range n.raw {
		if kind == kindTime {
			v = normaliseTime(v)
		}
		n.vals[i] = strings.ToLower(v)
	}
	if op == "like" && len(n.vals) > 0 {
		n.like = likePattern(n.vals[0])
	}
	return n, nil
}

func conditionValues(v any, op string) []string {
	if s, ok := v.(string); ok && op != "in" && op != "notin" {
		return []string{s}
	}
	return stringList(v)
}

// likePattern makes an SQL LIKE pattern (% and _) a regexp; a value
// without % matches as a substring, which is how clients use it.
func likePattern(v string) *regexp.Regexp {
	if !strings.Contains(v, "%") {
		v = "%" + v + "%"
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range v {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile("(?s)" + b.String())
}

// match reports whether the record behind get passes the filter.
func (n *filterNode) match(get getter) bool {
	if n == nil {
		return true
	}
	if n.field == "" {
		return n.matchGroup(get)
	}
	return n.matchCondition(get(n.field))
}

func (n *filterNode) matchGroup(get getter) bool {
	for _, c := range n.children {
		if c.match(get) == n.or {
			return n.or
		}
	}
	return !n.or
}

func (n *filterNode) matchCondition(vals []string) bool {
	switch n.op {
	case "isnull":
		return len(vals) == 0
	case "isnotnull":
		return len(vals) > 0
	case "neq":
		return !anyValue(vals, n.equalsOne)
	case "notin":
		return !anyValue(vals, n.inSet)
	case "in":
		return anyValue(vals, n.inSet)
	}
	if len(n.vals) == 0 {
		return false
	}
	return anyValue(vals, n.compareOne)
}

func anyValue(vals []string, pred func(string) bool) bool {
	for _, v := range vals {
		if pred(strings.ToLower(v)) {
			return true
		}
	}
	return false
}

func (n *filterNode) equalsOne(v string) bool {
	return len(n.vals) > 0 && compareValues(v, n.vals[0], n.kind) == 0
}

func (n *filterNode) inSet(v string) bool {
	for _, want := range n.vals {
		if compareValues(v, want, n.kind) == 0 {
			return true
		}
	}
	return false
}

func (n *filterNode) compareOne(v string) bool {
	if n.op == "like" {
		return n.like.MatchString(v)
	}
	c := compareValues(v, n.vals[0], n.kind)
	switch n.op {
	case "eq":
		return c == 0
	case "lt":
		return c < 0
	case "lte":
		return c <= 0
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	}
	return false
}

// compareValues compares numerically for number fields and as strings
// otherwise; times are stored in a layout whose string order is time order.
func compareValues(a, b string, kind fieldKind) int {
	if kind == kindNumber {
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		if errA == nil && errB == nil {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	return strings.Compare(a, b)
}

// requiredEq returns the value, as given, of an eq condition on field that
// every match must satisfy, so that candidates can come from an index.
func (n *filterNode) requiredEq(field string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.field == field && n.op == "eq" && len(n.raw) > 0 {
		return n.raw[0], true
	}
	if n.field != "" || n.or {
		return "", false
	}
	for _, c := range n.children {
		if v, ok := c.requiredEq(field); ok {
			return v, true
		}
	}
	return "", false
}
