package shop

import (
	"fmt"
	"testing"
)

// record is one customer or order as the identity rules see it.
type record struct {
	key    string // "c:<guid>" or "o:<ORDER_ID>"
	emails []string
	phone  string
	name   string
}

// unionFind is a plain disjoint-set forest over record positions.
type unionFind []int

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) { u[u.find(a)] = u.find(b) }

// resolve applies the product's identity rules to the records and returns
// a cluster id per record.
func resolve(recs []record) []int {
	u := make(unionFind, len(recs))
	for i := range u {
		u[i] = i
	}
	byEmail := map[string]int{}
	for i, r := range recs {
		for _, e := range r.emails {
			if j, ok := byEmail[e]; ok {
				u.union(i, j)
			} else {
				byEmail[e] = i
			}
		}
	}
	// Rule 2: per phone, the e-mail groups carrying it; they merge only when
	// they all have the same name.
	groups := map[string]map[int]string{}
	for i, r := range recs {
		if r.phone == "" || len(r.emails) == 0 {
			continue
		}
		if groups[r.phone] == nil {
			groups[r.phone] = map[int]string{}
		}
		groups[r.phone][u.find(i)] = nameKey(r.name)
	}
	owner := map[string]int{} // phone -> a record of its only person
	for phone, g := range groups {
		names := map[string]bool{}
		for _, n := range g {
			names[n] = true
		}
		if len(names) != 1 {
			continue
		}
		first := -1
		for root := range g {
			if first >= 0 {
				u.union(root, first)
			}
			first = root
		}
		owner[phone] = first
	}
	for i, r := range recs {
		if len(r.emails) == 0 && r.phone != "" {
			if j, ok := owner[r.phone]; ok {
				u.union(i, j)
			}
		}
	}
	out := make([]int, len(recs))
	for i := range recs {
		out[i] = u.find(i)
	}
	return out
}

func exportRecords(t *testing.T, s *Shop) []record {
	var recs []record
	for _, c := range parseCustomers(t, customersXML(t, s)) {
		r := record{key: "c:" + c.GUID, phone: normPhone(c.Phone), name: c.Name}
		for _, a := range c.Accounts {
			r.emails = append(r.emails, normEmail(a.Email))
		}
		recs = append(recs, r)
	}
	for _, o := range parseOrders(t, ordersXML(t, s, OrderFilter{})) {
		r := record{key: "o:" + o.ID, phone: normPhone(o.Phone), name: o.Name}
		if e := normEmail(o.Email); e != "" {
			r.emails = []string{e}
		}
		recs = append(recs, r)
	}
	return recs
}

// TestTruthMatchesIdentityRules resolves the exports with the product's
// identity rules and requires exactly the generator's persons.
func TestTruthMatchesIdentityRules(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := Generate(Options{Seed: seed, Customers: 500, Orders: 2500})
			s.AddOrders(300, s.lastOrderTime())
			s.ChangeOrders(100, s.lastOrderTime())
			requireHardCases(t, s)
			checkPartition(t, s, exportRecords(t, s))
		})
	}
}

func checkPartition(t *testing.T, s *Shop, recs []record) {
	t.Helper()
	truth := s.Truth()
	clusters := resolve(recs)
	personOf := func(r record) int {
		if r.key[0] == 'c' {
			return truth.PersonOfCustomer(r.key[2:])
		}
		return truth.PersonOfOrder(r.key[2:])
	}
	clusterToPerson, personToCluster := map[int]int{}, map[int]int{}
	for i, r := range recs {
		p := personOf(r)
		if p < 0 {
			t.Fatalf("%s has no person in the truth", r.key)
		}
		if q, ok := clusterToPerson[clusters[i]]; ok && q != p {
			t.Fatalf("rules merge persons %d and %d (%s %q)", q, p, r.key, r.name)
		}
		if c, ok := personToCluster[p]; ok && c != clusters[i] {
			t.Fatalf("rules split person %d (%s %q %q)", p, r.key, r.name, r.emails)
		}
		clusterToPerson[clusters[i]], personToCluster[p] = p, clusters[i]
	}
	if got, want := len(personToCluster), truth.Persons(); got != want {
		t.Fatalf("exports show %d persons, truth has %d", got, want)
	}
}

// requireHardCases makes sure the partition check meets every rule: a
// switched e-mail in use, phone-only orders that join a person, phone-only
// orders on a shared phone, orders without contact and two-account customers.
func requireHardCases(t *testing.T, s *Shop) {
	t.Helper()
	var switched, phoneOnlyJoin, phoneOnlyShared, bare, twoAccounts int
	for _, o := range s.orders {
		pr := s.persons[o.person]
		switch {
		case pr.emailAt != 0 && o.created >= pr.emailAt:
			switched++
		case o.flags&oNoEmail != 0 && pr.flags&pNoEmail == 0:
			phoneOnlyJoin++
		case pr.flags&(pNoEmail|pSharedPhone) == pNoEmail|pSharedPhone:
			phoneOnlyShared++
		case pr.flags&pNoEmail != 0 && pr.phone < 0:
			bare++
		}
	}
	for _, pr := range s.persons[:s.customers] {
		if pr.flags&pTwoAccounts != 0 {
			twoAccounts++
		}
	}
	if switched*phoneOnlyJoin*phoneOnlyShared*bare*twoAccounts == 0 {
		t.Fatalf("missing a case: switched %d, phone-only joining %d, phone-only shared %d, "+
			"bare %d, two accounts %d", switched, phoneOnlyJoin, phoneOnlyShared, bare, twoAccounts)
	}
}
