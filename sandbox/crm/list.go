package crm

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
)

// lister is what paging needs to know about one kind of record.
type lister struct {
	all        func() []string // every name, sorted
	candidates func(lq listQuery) ([]string, bool)
	get        func(name string) getter
}

// page returns the names on the requested page and the total matching.
// Unfiltered, name-ordered reads cost O(take) once the order is cached.
func (l lister) page(lq listQuery) ([]string, int) {
	names, narrowed := l.candidates(lq)
	if narrowed {
		slices.Sort(names)
	} else {
		names = l.all()
	}
	if lq.filter != nil {
		names = l.matching(names, lq.filter)
	}
	if len(lq.sort) > 0 {
		names = l.sorted(names, lq.sort)
	}
	total := len(names)
	from := min(lq.skip, total)
	to := min(from+lq.take, total)
	return names[from:to], total
}

func (l lister) matching(names []string, f *filterNode) []string {
	var out []string
	for _, name := range names {
		if f.match(l.get(name)) {
			out = append(out, name)
		}
	}
	return out
}

// sorted orders by the keys, then by name so that pages are stable.
func (l lister) sorted(names []string, keys []sortKey) []string {
	type row struct {
		name string
		vals []string
	}
	rows := make([]row, len(names))
	for i, name := range names {
		get := l.get(name)
		vals := make([]string, len(keys))
		for j, k := range keys {
			if v := get(k.field); len(v) > 0 {
				vals[j] = strings.ToLower(v[0])
			}
		}
		rows[i] = row{name: name, vals: vals}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		for j, k := range keys {
			c := cmp.Compare(a.vals[j], b.vals[j])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.name, b.name)
	})
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.name
	}
	return out
}

// pick keeps only the requested fields of a view; name always stays so
// that a caller can tell the records apart. Views are structs for speed,
// so this rare path goes through a map.
func pick(view any, fields []string) any {
	if len(fields) == 0 {
		return view
	}
	data, err := json.Marshal(view)
	if err != nil {
		return view
	}
	var all map[string]any
	if err := json.Unmarshal(data, &all); err != nil {
		return view
	}
	out := map[string]any{"name": all["name"]}
	for _, f := range fields {
		if v, ok := all[f]; ok {
			out[f] = v
		}
	}
	return out
}

// setNames lists a set's members.
func setNames(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	return out
}
