package identity

import (
	"bytes"
	"cmp"
	"slices"
)

// anchorKind is the kind of key that names a person, in order of preference.
type anchorKind uint8

const (
	anchorCustomer anchorKind = iota
	anchorEmail
	anchorPhone
	anchorOrder
)

var anchorPrefix = [...]string{
	anchorCustomer: "customer:",
	anchorEmail:    "email:",
	anchorPhone:    "phone:",
	anchorOrder:    "order:",
}

// Result is the outcome of Resolve: persons in anchor order, each record's
// person and rule, and the phone conflicts.
type Result struct {
	d         records
	personOf  []int32
	start     []int32 // records of person i are members[start[i]:start[i+1]]
	members   []int32
	akind     []anchorKind
	aref      []int32 // a record, e-mail id or phone id depending on akind
	rules     []Rule
	shared    []bool
	conflicts []Conflict
}

// Person is one real person as far as the records tell.
type Person struct {
	// Anchor is the person's stable key: "customer:<guid>" (lowest GUID) when
	// there is a customer account, else "email:<lowest e-mail>", else
	// "phone:<phone>", else "order:<id>".
	Anchor  string
	Records []int32  // record indexes, ascending
	Emails  []string // sorted, distinct
	Phones  []string // sorted, distinct, shared phones included
	// Keys are all identity keys of the person, sorted: "customer:<guid>",
	// "email:<e>", "phone:<p>" for phones nobody else uses, and
	// "order:<id>" for an order that is a person on its own.
	Keys []string
}

// Conflict reports a phone used by several persons that were kept apart.
type Conflict struct {
	Phone   string
	Anchors []string // the persons using the phone, sorted
	Reason  string
}

// Persons returns the number of persons.
func (res *Result) Persons() int { return len(res.akind) }

// Records returns the number of records.
func (res *Result) Records() int { return len(res.personOf) }

// PersonOf returns the index of the person that holds record.
func (res *Result) PersonOf(record int32) int { return int(res.personOf[record]) }

// Rule returns why record belongs to its person.
func (res *Result) Rule(record int32) Rule { return res.rules[record] }

// Kind returns the kind of record.
func (res *Result) Kind(record int32) Kind { return res.d.kinds[record] }

// Key returns the customer GUID or order id of record.
func (res *Result) Key(record int32) string { return res.d.key(record) }

// Conflicts returns the shared phones, ordered by phone.
func (res *Result) Conflicts() []Conflict { return res.conflicts }

// Anchor returns the anchor of person i without building the whole Person.
func (res *Result) Anchor(i int) string {
	return anchorPrefix[res.akind[i]] + res.anchorValue(i)
}

func (res *Result) anchorValue(i int) string {
	return anchorValueOf(&res.d, res.akind[i], res.aref[i])
}

func anchorValueOf(d *records, k anchorKind, ref int32) string {
	switch k {
	case anchorEmail:
		return d.emailStrs[ref]
	case anchorPhone:
		return d.phoneStrs[ref]
	default:
		return d.key(ref)
	}
}

// Person returns person i; persons are ordered by anchor.
func (res *Result) Person(i int) Person {
	recs := res.members[res.start[i]:res.start[i+1]]
	p := Person{Anchor: res.Anchor(i), Records: slices.Clone(recs)}
	var emails, phones []int32
	for _, rec := range recs {
		for e := range res.d.emailsOf(rec) {
			emails = append(emails, e)
		}
		if ph := res.d.phone[rec]; ph != none {
			phones = append(phones, ph)
		}
		if res.d.kinds[rec] == Customer {
			p.Keys = append(p.Keys, "customer:"+res.d.key(rec))
		}
	}
	// sortUnique compacts in place and clears the tail, so its result is used, never the
	// slice it was given.
	phones = sortUnique(phones)
	p.Emails = lookupSorted(sortUnique(emails), res.d.emailStrs)
	p.Phones = lookupSorted(phones, res.d.phoneStrs)
	for _, e := range p.Emails {
		p.Keys = append(p.Keys, "email:"+e)
	}
	for _, ph := range phones {
		if !res.shared[ph] {
			p.Keys = append(p.Keys, "phone:"+res.d.phoneStrs[ph])
		}
	}
	if res.akind[i] == anchorOrder {
		p.Keys = append(p.Keys, p.Anchor)
	}
	slices.Sort(p.Keys)
	return p
}

func lookupSorted(ids []int32, strs []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strs[id]
	}
	slices.Sort(out)
	return out
}

// compareAnchors orders anchors as their strings would sort, without
// building them: the prefixes differ in their first letter.
func compareAnchors(d *records, ka anchorKind, ra int32, kb anchorKind, rb int32) int {
	if c := cmp.Compare(anchorPrefix[ka], anchorPrefix[kb]); c != 0 {
		return c
	}
	switch ka {
	case anchorEmail:
		return cmp.Compare(d.emailStrs[ra], d.emailStrs[rb])
	case anchorPhone:
		return cmp.Compare(d.phoneStrs[ra], d.phoneStrs[rb])
	default:
		return bytes.Compare(d.keyBytes(ra), d.keyBytes(rb))
	}
}
