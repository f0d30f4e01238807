package shop

import (
	"math"
	"sync"
	"time"
	_ "time/tzdata" // the sandbox must know Europe/Prague on hosts without tzdata
)

// Options sizes and dates a generated shop.
type Options struct {
	Seed      int64
	Customers int       // registered customers (accounts)
	Orders    int       // orders at generation time
	Start     time.Time // date of the first order (default 2023-01-01, Europe/Prague)
	End       time.Time // date of the last order (default 2026-11-30)
	BOM       bool      // start the order XML with a UTF-8 byte-order mark, as some shops do
	// BadEmails (at most Orders) adds that many guest orders, each by its own person without a phone, placed
	// with an e-mail that has one "@" but that Daktela's EMAIL field refuses
	// (e.g. "jan.17.@novak..cz"), so that drills can follow a rejected contact.
	BadEmails int
	// OddNames (at most Orders) adds that many guest orders, each by its own person with a
	// valid e-mail and no phone, whose billing name Daktela's form would refuse as it
	// stands, in turn: no name at all, a name longer than any name field, and a name with
	// control characters (a tab, NEL, DEL: legal in XML, refused by the CRM).
	OddNames int
}

// Shop is a generated e-shop. It is safe for concurrent use: exports read
// under a shared lock, AddOrders and ChangeOrders take it exclusively.
type Shop struct {
	mu        sync.RWMutex
	seed      int64
	start     uint32
	end       uint32
	bom       bool
	customers int

	persons []person
	orders  []order
	years   []yearStart
	seq     uint32 // last change sequence number handed out
	ops     uint64 // AddOrders/ChangeOrders calls so far, to vary their streams

	reorder   []int32           // persons with an e-mail, who may order again
	groups    map[int32][]int32 // shared phone id -> its persons
	full      []int32           // shared phone ids that already have two persons
	open      int32             // shared phone id still taking members, -1 if none
	openSlots int
	nextPhone int32
}

// person is the compact record of one real person; everything else about
// them is derived from the seed and the person index.
type person struct {
	phone    int32  // phone id, -1 when the person has no phone
	emailAt  uint32 // unix time the person switched to a new e-mail, 0 = never
	flags    uint8
	nameSalt uint8 // re-rolls the name so persons sharing a phone differ
}

const (
	pCompany uint8 = 1 << iota
	pSlovak
	pNoEmail
	pSharedPhone
	pTwoAccounts
	pPhoneSeen // an e-mail record already carries the phone
	pBadEmail  // the person's e-mail is malformed (Options.BadEmails)
	pOddName   // the person's billing name is empty, too long or has control characters
)

// order is the compact record of one order (20 bytes).
type order struct {
	person  int32
	created uint32 // unix seconds
	updated uint32 // unix seconds of the last change
	seq     uint32 // change sequence number, drives the feed marker
	status  uint8
	flags   uint8
}

const (
	oNoEmail uint8 = 1 << iota
	oNoPhone
)

// yearStart records the first order index of a calendar year; order codes
// count from it.
type yearStart struct {
	year  int
	first int32
}

// orderIDBase is the ORDER_ID of the first order; real shops start above one.
const orderIDBase = 10001

const day = 24 * 60 * 60

var prague = mustPrague()

func mustPrague() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		panic("shop: embedded tzdata lacks Europe/Prague: " + err.Error())
	}
	return loc
}

// Generate builds a shop deterministically from opts.Seed.
func Generate(opts Options) *Shop {
	opts = withDefaults(opts)
	s := &Shop{
		seed:      opts.Seed,
		start:     uint32(opts.Start.Unix()),
		end:       uint32(opts.End.Unix()),
		bom:       opts.BOM,
		customers: opts.Customers,
		groups:    map[int32][]int32{},
		open:      -1,
	}
	s.persons = make([]person, 0, opts.Customers+opts.Orders*3/10)
	s.reorder = make([]int32, 0, opts.Customers+opts.Orders/4)
	s.orders = make([]order, 0, opts.Orders)
	for i := 0; i < opts.Customers; i++ {
		r := newRNG(s.seed, saltPerson, uint64(i))
		s.newContactPerson(&r, true, 0)
	}
	span := float64(s.end - s.start)
	for i := 0; i < opts.Orders; i++ {
		r := newRNG(s.seed, saltOrderGen, uint64(i))
		at := s.start + uint32(span*(float64(i)+r.float())/float64(opts.Orders))
		s.placeOrder(&r, at, s.initialStatus(&r, at))
		// Bad e-mail orders are spread among the others, keeping the orders in time order.
		for k := i * opts.BadEmails / opts.Orders; k < (i+1)*opts.BadEmails/opts.Orders; k++ {
			s.placeBadEmailOrder(k, at)
		}
		for k := i * opts.OddNames / opts.Orders; k < (i+1)*opts.OddNames/opts.Orders; k++ {
			s.placeOddNameOrder(k, at)
		}
	}
	return s
}

// placeBadEmailOrder places the k-th order by a new guest whose e-mail Daktela refuses.
func (s *Shop) placeBadEmailOrder(k int, at uint32) {
	r := newRNG(s.seed, saltBadEmail, uint64(k))
	p := s.newBarePerson(&r, -1)
	s.persons[p].flags = s.persons[p].flags&^pNoEmail | pBadEmail
	s.addOrder(&r, p, at, s.initialStatus(&r, at))
}

// placeOddNameOrder places the k-th order by a new guest with an odd billing name.
func (s *Shop) placeOddNameOrder(k int, at uint32) {
	r := newRNG(s.seed, saltOddName, uint64(k))
	p := s.newBarePerson(&r, -1)
	s.persons[p].flags = s.persons[p].flags&^pNoEmail | pOddName
	s.persons[p].nameSalt = uint8(k % len(oddNames))
	s.addOrder(&r, p, at, s.initialStatus(&r, at))
}

func withDefaults(o Options) Options {
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, prague)
	}
	if o.End.IsZero() {
		o.End = time.Date(2026, 11, 30, 0, 0, 0, 0, prague)
	}
	if o.End.Before(o.Start) {
		o.End = o.Start
	}
	return o
}

// initialStatus makes old orders mostly finished and recent ones in flight.
func (s *Shop) initialStatus(r *rng, at uint32) uint8 {
	if s.end-at > 30*day {
		switch x := r.float(); {
		case x < 0.85:
			return statusDone
		case x < 0.95:
			return statusCanceled
		default:
			return 5
		}
	}
	return uint8(r.intn(len(statuses)))
}

// placeOrder appends one order at time at, choosing who places it: mostly
// existing persons (skewed towards the oldest), otherwise a new guest.
func (s *Shop) placeOrder(r *rng, at uint32, status uint8) int {
	var p int32
	switch x := r.float(); {
	case x < 0.008:
		p = s.newBarePerson(r, -1) // neither e-mail nor phone
	case x < 0.02:
		p = s.newBarePerson(r, s.newPhone())
	case x < 0.023 && len(s.full) > 0:
		p = s.newSharedPhoneOnly(r)
	case x < 0.25 || len(s.reorder) == 0:
		p = s.newContactPerson(r, false, at)
	default:
		p = s.reorder[int(float64(len(s.reorder))*math.Pow(r.float(), 3))]
	}
	return s.addOrder(r, p, at, status)
}

// addOrder appends one order by person p at time at.
func (s *Shop) addOrder(r *rng, p int32, at uint32, status uint8) int {
	o := order{person: p, created: at, updated: at, status: status}
	if status != statusNew {
		o.updated = min(at+uint32(r.intn(5*day)), max(s.end, at))
	}
	o.flags = s.orderFlags(r, p)
	s.seq++
	o.seq = s.seq
	s.noteYear(at)
	s.orders = append(s.orders, o)
	return len(s.orders) - 1
}

// orderFlags decides which contact fields an order omits, keeping every
// person recoverable: a phone-only order needs a unique phone already seen
// with an e-mail, a person who changed e-mail always gives the phone, and so does one
// sharing a phone, so that the sharing is visible in the exports.
func (s *Shop) orderFlags(r *rng, p int32) uint8 {
	pr := &s.persons[p]
	if pr.flags&pNoEmail != 0 {
		return oNoEmail
	}
	if pr.phone < 0 {
		return 0
	}
	unique := pr.flags&pSharedPhone == 0
	if unique && pr.flags&pPhoneSeen != 0 && r.chance(0.03) {
		return oNoEmail
	}
	if pr.emailAt == 0 && unique && r.chance(0.12) {
		return oNoPhone
	}
	pr.flags |= pPhoneSeen
	return 0
}

func (s *Shop) noteYear(at uint32) {
	y := time.Unix(int64(at), 0).In(prague).Year()
	if n := len(s.years); n == 0 || s.years[n-1].year != y {
		s.years = append(s.years, yearStart{year: y, first: int32(len(s.orders))})
	}
}

func (s *Shop) newPhone() int32 {
	s.nextPhone++
	return s.nextPhone - 1
}
