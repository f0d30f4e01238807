// Package identity groups Shoptet customer accounts and orders into persons,
// conservatively, and records for every record the rule that placed it.
//
// E-mail addresses identify a person. A phone number only links records when
// it points to one person: e-mail groups that share a phone are merged when
// their billing names agree, and a phone used under different names (a family,
// a company switchboard) is reported as a conflict instead.
package identity

import (
	"cmp"
	"iter"
	"slices"
	"strings"
)

// Kind tells what a record is.
type Kind uint8

// The kinds of records.
const (
	Customer Kind = iota // a Shoptet customer account
	Order                // an order, from a customer or a guest
)

// String returns the key prefix of the kind.
func (k Kind) String() string {
	if k == Customer {
		return "customer"
	}
	return "order"
}

const none = -1

// Resolver collects records and resolves them into persons. Records are kept
// as a few int32 ids each, with strings interned, so that a million orders
// fit in tens of megabytes. A Resolver is not safe for concurrent use.
type Resolver struct {
	records
	parent []int32 // union-find over records, joined by e-mail as they arrive

	emails     intern
	emailOwner []int32 // first record seen with each e-mail
	phones     intern
	names      map[string]int32 // folded name -> id; the text itself is never needed
	folder     nameFolder
}

// records holds the added records column by column: a record is an index
// into each slice.
type records struct {
	kinds  []Kind
	keyEnd []uint32 // end of each record's key in keys
	keys   []byte
	email  []int32 // first e-mail id of each record, or none
	phone  []int32
	name   []int32

	// extra holds the second and later e-mails of records with several
	// accounts, as (record, e-mail id) pairs in record order.
	extra []extraEmail

	emailStrs []string
	phoneStrs []string
}

type extraEmail struct{ record, email int32 }

// NewResolver returns an empty Resolver.
func NewResolver() *Resolver {
	return &Resolver{
		emails: newIntern(),
		phones: newIntern(),
		names:  make(map[string]int32),
	}
}

// Add registers a record and returns its index. Key is the customer GUID or
// the ORDER_ID and should be unique per kind. Emails and phone must already be
// normalised (see mapping.NormalizeEmail and mapping.NormalizePhone); empty
// strings are ignored. Name is the billing name as written.
func (r *Resolver) Add(kind Kind, key string, emails []string, phone string, name string) int32 {
	rec := int32(len(r.kinds))
	r.kinds = append(r.kinds, kind)
	r.keys = append(r.keys, key...)
	r.keyEnd = append(r.keyEnd, uint32(len(r.keys)))
	r.parent = append(r.parent, rec)
	r.email = append(r.email, none)
	r.phone = append(r.phone, r.phones.idOrNone(phone))
	r.name = append(r.name, r.nameID(name))

	for _, e := range emails {
		if e != "" {
			r.addEmail(rec, e)
		}
	}
	return rec
}

// addEmail links rec to the e-mail: rule 1 is applied as records arrive.
func (r *Resolver) addEmail(rec int32, e string) {
	id, isNew := r.emails.id(e)
	if isNew {
		r.emailOwner = append(r.emailOwner, rec)
	} else {
		union(r.parent, rec, r.emailOwner[id])
	}
	switch {
	case r.email[rec] == none:
		r.email[rec] = id
	case r.email[rec] != id && !r.hasExtra(rec, id):
		r.extra = append(r.extra, extraEmail{rec, id})
	}
}

func (r *Resolver) hasExtra(rec, id int32) bool {
	for i := len(r.extra) - 1; i >= 0 && r.extra[i].record == rec; i-- {
		if r.extra[i].email == id {
			return true
		}
	}
	return false
}

func (r *Resolver) nameID(name string) int32 {
	folded := r.folder.fold(name)
	if len(folded) == 0 {
		return none
	}
	if id, ok := r.names[string(folded)]; ok {
		return id
	}
	id := int32(len(r.names))
	r.names[string(folded)] = id
	return id
}

// Len returns the number of records added.
func (r *Resolver) Len() int { return len(r.kinds) }

// snapshot returns the records with the interned strings attached.
func (r *Resolver) snapshot() records {
	d := r.records
	d.emailStrs = r.emails.strs
	d.phoneStrs = r.phones.strs
	return d
}

// emailsOf yields the e-mail ids of rec.
func (r *records) emailsOf(rec int32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		if r.email[rec] == none || !yield(r.email[rec]) {
			return
		}
		i, _ := slices.BinarySearchFunc(r.extra, rec, func(e extraEmail, t int32) int {
			return cmp.Compare(e.record, t)
		})
		for ; i < len(r.extra) && r.extra[i].record == rec; i++ {
			if !yield(r.extra[i].email) {
				return
			}
		}
	}
}

func (r *records) key(rec int32) string {
	return string(r.keyBytes(rec))
}

func (r *records) keyBytes(rec int32) []byte {
	start := uint32(0)
	if rec > 0 {
		start = r.keyEnd[rec-1]
	}
	return r.keys[start:r.keyEnd[rec]]
}

// intern maps strings to dense int32 ids.
type intern struct {
	m    map[string]int32
	strs []string
}

func newIntern() intern {
	return intern{m: make(map[string]int32)}
}

// id returns the id of s, allocating one when s is new.
func (in *intern) id(s string) (int32, bool) {
	if id, ok := in.m[s]; ok {
		return id, false
	}
	s = strings.Clone(s) // keep no reference into the caller's buffers
	id := int32(len(in.strs))
	in.m[s] = id
	in.strs = append(in.strs, s)
	return id, true
}

func (in *intern) idOrNone(s string) int32 {
	if s == "" {
		return none
	}
	id, _ := in.id(s)
	return id
}

// find returns the root of x, halving the path on the way.
func find(parent []int32, x int32) int32 {
	for parent[x] != x {
		parent[x] = parent[parent[x]]
		x = parent[x]
	}
	return x
}

// union joins the sets of a and b. The lower root wins, which keeps the
// trees shallow enough here and makes no decision depend on input order
// (roots are never exposed).
func union(parent []int32, a, b int32) {
	ra, rb := find(parent, a), find(parent, b)
	switch {
	case ra < rb:
		parent[rb] = ra
	case rb < ra:
		parent[ra] = rb
	}
}
