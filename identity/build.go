package identity

import (
	"bytes"
	"cmp"
	"slices"
)

// Conflict reasons.
const (
	reasonNames   = "different billing names use this phone, so it is not tied to one person"
	reasonNoNames = "a billing name is missing, so the phone cannot be tied to one person"
)

const unset anchorKind = 255

// result numbers the final sets as persons ordered by anchor and derives
// each record's rule.
func (s *resolution) result() *Result {
	res := &Result{d: s.r.snapshot(), shared: s.shared}
	count := s.numberSets(res)
	lowEmail := s.chooseAnchors(res, count)
	s.sortPersons(res, lowEmail)
	s.fillMembers(res)
	s.assignRules(res, lowEmail)
	s.collectConflicts(res)
	return res
}

// numberSets gives each union-find set a provisional person number.
func (s *resolution) numberSets(res *Result) int {
	n := len(s.parent)
	res.personOf = make([]int32, n)
	id := make([]int32, n)
	for i := range id {
		id[i] = none
	}
	count := int32(0)
	for rec := range int32(n) {
		root := find(s.parent, rec)
		if id[root] == none {
			id[root] = count
			count++
		}
		res.personOf[rec] = id[root]
	}
	return int(count)
}

// chooseAnchors picks each person's anchor and returns its lowest e-mail.
func (s *resolution) chooseAnchors(res *Result, count int) []int32 {
	d := &res.d
	res.akind = make([]anchorKind, count)
	res.aref = make([]int32, count)
	lowEmail := make([]int32, count)
	for p := range count {
		res.akind[p], lowEmail[p] = unset, none
	}
	for rec := range int32(len(res.personOf)) {
		p := res.personOf[rec]
		for e := range d.emailsOf(rec) {
			if lowEmail[p] == none || d.emailStrs[e] < d.emailStrs[lowEmail[p]] {
				lowEmail[p] = e
			}
		}
		k, ref := s.candidate(rec)
		if res.akind[p] == unset || k < res.akind[p] ||
			k == res.akind[p] && compareAnchors(d, k, ref, k, res.aref[p]) < 0 {
			res.akind[p], res.aref[p] = k, ref
		}
	}
	for p := range count {
		if res.akind[p] == anchorEmail {
			res.aref[p] = lowEmail[p]
		}
	}
	return lowEmail
}

// candidate returns the anchor rec would give its person on its own; the
// e-mail anchor is settled later from the person's lowest e-mail.
func (s *resolution) candidate(rec int32) (anchorKind, int32) {
	d := &s.r.records
	switch {
	case d.kinds[rec] == Customer:
		return anchorCustomer, rec
	case d.email[rec] != none:
		return anchorEmail, d.email[rec]
	case d.phone[rec] != none && !s.shared[d.phone[rec]]:
		return anchorPhone, d.phone[rec]
	default:
		return anchorOrder, rec
	}
}

// sortPersons renumbers persons in anchor order.
func (s *resolution) sortPersons(res *Result, lowEmail []int32) {
	count := len(res.akind)
	perm := make([]int32, count)
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int {
		return compareAnchors(&res.d, res.akind[a], res.aref[a], res.akind[b], res.aref[b])
	})
	rank := make([]int32, count)
	for i, p := range perm {
		rank[p] = int32(i)
	}
	for rec, p := range res.personOf {
		res.personOf[rec] = rank[p]
	}
	res.akind = permute(res.akind, perm)
	res.aref = permute(res.aref, perm)
	copy(lowEmail, permute(lowEmail, perm))
}

func permute[T any](xs []T, perm []int32) []T {
	out := make([]T, len(xs))
	for i, p := range perm {
		out[i] = xs[p]
	}
	return out
}

// fillMembers lists each person's records, ascending, in one shared slice.
func (s *resolution) fillMembers(res *Result) {
	res.start = make([]int32, len(res.akind)+1)
	for _, p := range res.personOf {
		res.start[p+1]++
	}
	for i := 1; i < len(res.start); i++ {
		res.start[i] += res.start[i-1]
	}
	res.members = make([]int32, len(res.personOf))
	next := slices.Clone(res.start[:len(res.start)-1])
	for rec, p := range res.personOf {
		res.members[next[p]] = int32(rec)
		next[p]++
	}
}

// assignRules explains every record relative to its person's first record
// and main e-mail group: the anchor record's group, or the group of the
// lowest e-mail when the anchor record has none.
func (s *resolution) assignRules(res *Result, lowEmail []int32) {
	main := make([]int32, len(res.akind))
	first := make([]int32, len(res.akind))
	for p := range main {
		main[p], first[p] = none, none
		if k := res.akind[p]; k == anchorCustomer || k == anchorOrder {
			first[p] = res.aref[p]
			main[p] = s.group[first[p]]
		}
		if main[p] == none && lowEmail[p] != none {
			main[p] = s.group[s.r.emailOwner[lowEmail[p]]]
		}
	}
	for rec, p := range res.personOf {
		k := res.akind[p]
		if k != anchorEmail && k != anchorPhone {
			continue
		}
		in := main[p] == none || s.group[rec] == main[p]
		if in && (first[p] == none || keyLess(&res.d, int32(rec), first[p])) {
			first[p] = int32(rec)
		}
	}
	res.rules = make([]Rule, len(res.personOf))
	for rec, p := range res.personOf {
		res.rules[rec] = s.ruleOf(int32(rec), first[p], main[p])
	}
}

func keyLess(d *records, a, b int32) bool {
	return bytes.Compare(d.keyBytes(a), d.keyBytes(b)) < 0
}

func (s *resolution) ruleOf(rec, first, main int32) Rule {
	d := &s.r.records
	hasEmail, hasPhone := d.email[rec] != none, d.phone[rec] != none
	switch {
	case !hasEmail && !hasPhone:
		return NoContactDetails
	case !hasEmail && s.shared[d.phone[rec]]:
		return SharedPhoneAlone
	case rec == first && d.kinds[rec] == Customer:
		return CustomerAccount
	case rec == first:
		return OwnPerson
	case !hasEmail:
		return UniquePhone
	case s.group[rec] != main:
		return SameNameAndPhone
	case d.kinds[rec] == Customer:
		return SeveralAccounts
	default:
		return SameEmail
	}
}

// collectConflicts reports every shared phone with the persons using it.
func (s *resolution) collectConflicts(res *Result) {
	for p, shared := range s.shared {
		if !shared {
			continue
		}
		recs := s.recordsOf(int32(p))
		persons := make([]int32, 0, len(recs))
		names := s.scratch[:0]
		for _, rec := range recs {
			persons = append(persons, res.personOf[rec])
			if n := s.r.name[rec]; n != none {
				names = append(names, n)
			}
		}
		s.scratch = names
		c := Conflict{Phone: res.d.phoneStrs[p], Reason: reasonNoNames}
		if len(sortUnique(names)) > 1 {
			c.Reason = reasonNames
		}
		for _, person := range sortUnique(persons) {
			c.Anchors = append(c.Anchors, res.Anchor(int(person)))
		}
		res.conflicts = append(res.conflicts, c)
	}
	slices.SortFunc(res.conflicts, func(a, b Conflict) int {
		return cmp.Compare(a.Phone, b.Phone)
	})
}
