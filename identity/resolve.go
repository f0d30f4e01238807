package identity

import (
	"slices"
)

// resolution is the working state of one Resolve call.
type resolution struct {
	r      *Resolver
	parent []int32 // union-find, starting from the e-mail groups (rule 1)
	group  []int32 // each record's e-mail group root, or none without e-mail
	// byPhone lists the records of each phone: phoneRecs[phoneStart[p]:phoneStart[p+1]].
	phoneStart []int32
	phoneRecs  []int32
	shared     []bool // phones that point to more than one person

	scratch  []int32
	scratch2 []int32
}

// Resolve applies the rules to the records added so far and returns the
// persons. The result does not change when records are added later.
func (r *Resolver) Resolve() *Result {
	s := &resolution{r: r, parent: slices.Clone(r.parent)}
	s.snapshotGroups()
	s.indexPhones()
	for p := range r.phones.strs {
		s.mergeSameName(int32(p))
	}
	for p := range r.phones.strs {
		s.attachPhoneOnly(int32(p))
	}
	s.markShared()
	return s.result()
}

func (s *resolution) snapshotGroups() {
	s.group = make([]int32, len(s.parent))
	for i := range s.group {
		s.group[i] = none
		if s.r.email[i] != none {
			s.group[i] = find(s.parent, int32(i))
		}
	}
}

// indexPhones builds the phone -> records index in two counting passes, so
// that no per-phone slices are allocated.
func (s *resolution) indexPhones() {
	s.phoneStart = make([]int32, len(s.r.phones.strs)+1)
	for _, p := range s.r.phone {
		if p != none {
			s.phoneStart[p+1]++
		}
	}
	for p := 1; p < len(s.phoneStart); p++ {
		s.phoneStart[p] += s.phoneStart[p-1]
	}
	s.phoneRecs = make([]int32, s.phoneStart[len(s.phoneStart)-1])
	next := slices.Clone(s.phoneStart[:len(s.phoneStart)-1])
	for rec, p := range s.r.phone {
		if p != none {
			s.phoneRecs[next[p]] = int32(rec)
			next[p]++
		}
	}
}

func (s *resolution) recordsOf(p int32) []int32 {
	return s.phoneRecs[s.phoneStart[p]:s.phoneStart[p+1]]
}

// mergeSameName applies rule 2 to the e-mail groups carrying phone p: they
// become one person only when every group gives a billing name and all names
// are the same, i.e. one person who changed e-mail. Decisions use the rule-1
// groups, so the order in which phones are visited does not matter.
func (s *resolution) mergeSameName(p int32) {
	groups, named := s.scratch[:0], s.scratch2[:0]
	name, sameName := int32(none), true
	for _, rec := range s.recordsOf(p) {
		if s.group[rec] == none {
			continue
		}
		groups = append(groups, s.group[rec])
		n := s.r.name[rec]
		if n == none {
			continue
		}
		named = append(named, s.group[rec])
		if name == none {
			name = n
		}
		sameName = sameName && n == name
	}
	s.scratch, s.scratch2 = groups, named
	groups, named = sortUnique(groups), sortUnique(named)
	if len(groups) < 2 || !sameName || len(named) != len(groups) {
		return
	}
	for _, g := range groups[1:] {
		union(s.parent, groups[0], g)
	}
}

// attachPhoneOnly places the records of phone p that have no e-mail: they
// join the one person the phone points to. When no e-mail group carries the
// phone, they form one person if they all give the same name.
func (s *resolution) attachPhoneOnly(p int32) {
	roots := s.scratch[:0]
	for _, rec := range s.recordsOf(p) {
		if s.group[rec] != none {
			roots = append(roots, find(s.parent, rec))
		}
	}
	s.scratch = roots
	roots = sortUnique(roots)
	switch len(roots) {
	case 0:
		s.joinPhoneOnlyIfSameName(p)
	case 1:
		for _, rec := range s.recordsOf(p) {
			if s.group[rec] == none {
				union(s.parent, roots[0], rec)
			}
		}
	}
}

func (s *resolution) joinPhoneOnlyIfSameName(p int32) {
	recs := s.recordsOf(p)
	for _, rec := range recs[1:] {
		if s.r.name[rec] != s.r.name[recs[0]] {
			return
		}
	}
	for _, rec := range recs[1:] {
		union(s.parent, recs[0], rec)
	}
}

// markShared flags the phones whose records ended in more than one person.
func (s *resolution) markShared() {
	s.shared = make([]bool, len(s.r.phones.strs))
	for p := range s.shared {
		recs := s.recordsOf(int32(p))
		root := find(s.parent, recs[0])
		for _, rec := range recs[1:] {
			if find(s.parent, rec) != root {
				s.shared[p] = true
				break
			}
		}
	}
}

// sortUnique sorts ids and drops repeats in place.
func sortUnique(ids []int32) []int32 {
	if len(ids) < 2 {
		return ids
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
