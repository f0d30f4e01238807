package shop

import (
	"slices"
	"strconv"
	"sync"
	"time"
)

// Truth is the ground truth of who is who, for tests and benchmarks. Person
// numbers are dense, 0 to Persons()-1; it reads the live shop, so orders
// added later are included.
type Truth struct {
	s *Shop

	once  sync.Once
	guids map[string]int // customer GUID -> customer index
}

// Truth returns the ground truth of s.
func (s *Shop) Truth() *Truth { return &Truth{s: s} }

// Persons returns the number of real persons in the customer and order
// exports.
func (t *Truth) Persons() int {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	return len(t.s.persons)
}

// Orders returns the number of orders.
func (t *Truth) Orders() int {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	return len(t.s.orders)
}

// PersonOfOrder returns the person who placed the order with that ORDER_ID,
// -1 when unknown.
func (t *Truth) PersonOfOrder(orderID string) int {
	id, err := strconv.Atoi(orderID)
	if err != nil {
		return -1
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	i := id - orderIDBase
	if i < 0 || i >= len(t.s.orders) {
		return -1
	}
	return int(t.s.orders[i].person)
}

// HasBadEmail reports whether the person ordered with a malformed e-mail
// (Options.BadEmails), which Daktela refuses.
func (t *Truth) HasBadEmail(person int) bool {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	return person >= 0 && person < len(t.s.persons) && t.s.persons[person].flags&pBadEmail != 0
}

// HasOddName reports whether the person's billing name is empty, too long or has control
// characters (Options.OddNames).
func (t *Truth) HasOddName(person int) bool {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	return person >= 0 && person < len(t.s.persons) && t.s.persons[person].flags&pOddName != 0
}

// PersonOfCustomer returns the person of the customer with that GUID,
// -1 when unknown. Customer i is person i.
func (t *Truth) PersonOfCustomer(guid string) int {
	t.once.Do(func() {
		t.guids = make(map[string]int, t.s.customers)
		for c := 0; c < t.s.customers; c++ {
			t.guids[t.s.customerGUID(c)] = c
		}
	})
	if c, ok := t.guids[guid]; ok {
		return c
	}
	return -1
}

// SharedPhones returns, sorted, the phones (E.164, "+420777123456") that
// more than one person uses.
func (t *Truth) SharedPhones() []string {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	var out []string
	for _, members := range t.s.groups {
		if len(members) > 1 {
			out = append(out, t.s.e164(members[0]))
		}
	}
	slices.Sort(out)
	return out
}

// PersonsOfPhone returns the persons using an E.164 phone.
func (t *Truth) PersonsOfPhone(e164 string) []int {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	var out []int
	for p := range t.s.persons {
		if t.s.e164(int32(p)) == e164 {
			out = append(out, p)
		}
	}
	return out
}

// Name returns a person's canonical billing name.
func (t *Truth) Name(person int) string {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	return t.s.fullName(int32(person))
}

// OrderIDs returns every ORDER_ID, oldest first.
func (t *Truth) OrderIDs() []string {
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	out := make([]string, len(t.s.orders))
	for i := range out {
		out[i] = orderID(i)
	}
	return out
}

// CustomerGUIDs returns every customer GUID in export order.
func (t *Truth) CustomerGUIDs() []string {
	out := make([]string, t.s.customers)
	for c := range out {
		out[c] = t.s.customerGUID(c)
	}
	return out
}

func (s *Shop) lastOrderTime() time.Time {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.orders) == 0 {
		return time.Unix(int64(s.end), 0)
	}
	return time.Unix(int64(s.orders[len(s.orders)-1].created), 0)
}
