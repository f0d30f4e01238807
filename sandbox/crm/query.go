package crm

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Paging limits of the real service.
const (
	defaultTake = 100
	maxTake     = 1000
)

// listQuery is a parsed list request.
type listQuery struct {
	skip, take int
	filter     *filterNode // nil: everything
	sort       []sortKey   // empty: by name
	fields     []string    // empty: all fields
}

type sortKey struct {
	field string
	desc  bool
}

// errQuery is a malformed list query; the answer is a 400.
var errQuery = errors.New("invalid query")

// kindOf tells the type of a field, or false for an unknown field.
type kindOf func(field string) (fieldKind, bool)

type fieldKind int

const (
	kindString fieldKind = iota
	kindTime
	kindNumber
)

// parseList reads skip, take, filter, sort and fields.
func parseList(q url.Values, kinds kindOf) (listQuery, error) {
	lq := listQuery{take: defaultTake}
	var err error
	if lq.skip, err = intParam(q, "skip", 0); err != nil {
		return lq, err
	}
	if lq.take, err = intParam(q, "take", defaultTake); err != nil {
		return lq, err
	}
	lq.take = min(lq.take, maxTake)
	tree := bracketTree(q)
	if node, ok := tree["filter"]; ok {
		if lq.filter, err = compileFilter(node, kinds); err != nil {
			return lq, err
		}
	}
	if lq.sort, err = parseSort(tree["sort"], kinds); err != nil {
		return lq, err
	}
	lq.fields = stringList(tree["fields"])
	return lq, nil
}

func intParam(q url.Values, key string, def int) (int, error) {
	raw := q.Get(key)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: %s must be a non-negative integer", errQuery, key)
	}
	return n, nil
}

// bracketTree turns keys like filter[filters][0][field] into nested maps;
// leaves are strings.
func bracketTree(q url.Values) map[string]any {
	root := map[string]any{}
	for key, vals := range q {
		path := splitBrackets(key)
		node := root
		for i, seg := range path {
			if i == len(path)-1 {
				node[seg] = vals[len(vals)-1]
				break
			}
			child, ok := node[seg].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[seg] = child
			}
			node = child
		}
	}
	return root
}

func splitBrackets(key string) []string {
	head, rest, _ := strings.Cut(key, "[")
	path := []string{head}
	for rest != "" {
		seg, after, ok := strings.Cut(rest, "]")
		if !ok {
			break
		}
		path = append(path, seg)
		rest = strings.TrimPrefix(after, "[")
	}
	return path
}

// indexed returns a map's values ordered by their numeric keys.
func indexed(m map[string]any) []any {
	keys := make([]int, 0, len(m))
	for k := range m {
		if n, err := strconv.Atoi(k); err == nil {
			keys = append(keys, n)
		}
	}
	slices.Sort(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[strconv.Itoa(k)])
	}
	return out
}

// stringList reads "a,b" or {0: a, 1: b}.
func stringList(node any) []string {
	switch v := node.(type) {
	case string:
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	case map[string]any:
		var out []string
		for _, item := range indexed(v) {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func parseSort(node any, kinds kindOf) ([]sortKey, error) {
	m, ok := node.(map[string]any)
	if !ok {
		return nil, nil
	}
	items := indexed(m)
	if _, single := m["field"]; single {
		items = []any{m}
	}
	var keys []sortKey
	for _, item := range items {
		im, _ := item.(map[string]any)
		field, _ := im["field"].(string)
		dir, _ := im["dir"].(string)
		if _, ok := kinds(field); !ok {
			return nil, fmt.Errorf("%w: unknown sort field %q", errQuery, field)
		}
		keys = append(keys, sortKey{field: field, desc: strings.EqualFold(dir, "desc")})
	}
	return keys, nil
}

// timeFormats are the layouts accepted for filter values on time fields.
var timeFormats = []string{timeLayout, "2006-01-02T15:04:05", "2006-01-02"}

// normaliseTime rewrites a time filter value into the stored layout so
// that string order is time order.
func normaliseTime(v string) string {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return formatTime(t)
	}
	for _, layout := range timeFormats {
		if t, err := time.ParseInLocation(layout, v, prague); err == nil {
			return formatTime(t)
		}
	}
	return v
}
