package identity

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopsync/shoptet-daktela/mapping"
)

// rec is a test record; key is "c:<guid>" for customers and "o:<id>" for orders.
type rec struct {
	key    string
	emails []string
	phone  string
	name   string
}

func add(r *Resolver, x rec) int32 {
	kind, key := Order, strings.TrimPrefix(x.key, "o:")
	if strings.HasPrefix(x.key, "c:") {
		kind, key = Customer, strings.TrimPrefix(x.key, "c:")
	}
	return r.Add(kind, key, x.emails, x.phone, x.name)
}

// outcome is a Result in input-order-free form.
type outcome struct {
	persons   map[string][]string // anchor -> record keys, sorted
	rules     map[string]Rule     // record key -> rule
	conflicts []Conflict
}

func resolve(recs []rec) outcome {
	r := NewResolver()
	idx := make(map[int32]string)
	for _, x := range recs {
		idx[add(r, x)] = x.key
	}
	res := r.Resolve()
	out := outcome{persons: map[string][]string{}, rules: map[string]Rule{}}
	for i := range res.Persons() {
		p := res.Person(i)
		var keys []string
		for _, id := range p.Records {
			keys = append(keys, idx[id])
			out.rules[idx[id]] = res.Rule(id)
			if res.PersonOf(id) != i {
				panic("PersonOf disagrees with Person")
			}
		}
		slices.Sort(keys)
		out.persons[p.Anchor] = keys
	}
	out.conflicts = res.Conflicts()
	return out
}

func TestResolveRules(t *testing.T) {
	tests := []struct {
		name      string
		recs      []rec
		persons   map[string][]string
		rules     map[string]Rule
		conflicts []Conflict
	}{
		{
			name: "account, its orders and a guest order share an e-mail",
			recs: []rec{
				{"o:2", []string{"jan@example.cz"}, "", "Jan Novák"},
				{"c:g1", []string{"jan@example.cz"}, "+420777000001", "Jan Novák"},
				{"o:1", []string{"jan@example.cz"}, "+420777000001", "Jan Novák"},
			},
			persons: map[string][]string{"customer:g1": {"c:g1", "o:1", "o:2"}},
			rules:   map[string]Rule{"c:g1": CustomerAccount, "o:1": SameEmail, "o:2": SameEmail},
		},
		{
			name: "several accounts of one customer link all their e-mails",
			recs: []rec{
				{"c:g1", []string{"a@x.cz", "b@x.cz"}, "", "Eva Malá"},
				{"o:1", []string{"b@x.cz"}, "", "Eva Malá"},
				{"c:g2", []string{"a@x.cz"}, "", "Eva Malá"},
			},
			persons: map[string][]string{"customer:g1": {"c:g1", "c:g2", "o:1"}},
			rules:   map[string]Rule{"c:g1": CustomerAccount, "c:g2": SeveralAccounts, "o:1": SameEmail},
		},
		{
			name: "changed e-mail with same name and phone is one person",
			recs: []rec{
				{"o:1", []string{"old@x.cz"}, "+420777000001", "Novák Jan"},
				{"o:2", []string{"new@x.cz"}, "+420777000001", "jan  novak"},
			},
			persons: map[string][]string{"email:new@x.cz": {"o:1", "o:2"}},
			rules:   map[string]Rule{"o:2": OwnPerson, "o:1": SameNameAndPhone},
		},
		{
			name: "family on one phone with different names stays apart",
			recs: []rec{
				{"o:1", []string{"jan@x.cz"}, "+420777000001", "Jan Novák"},
				{"o:2", []string{"eva@x.cz"}, "+420777000001", "Eva Nováková"},
			},
			persons: map[string][]string{"email:jan@x.cz": {"o:1"}, "email:eva@x.cz": {"o:2"}},
			rules:   map[string]Rule{"o:1": OwnPerson, "o:2": OwnPerson},
			conflicts: []Conflict{{
				Phone:   "+420777000001",
				Anchors: []string{"email:eva@x.cz", "email:jan@x.cz"},
				Reason:  reasonNames,
			}},
		},
		{
			name: "same phone, one name missing, stays apart",
			recs: []rec{
				{"o:1", []string{"jan@x.cz"}, "+420777000001", "Jan Novák"},
				{"o:2", []string{"info@x.cz"}, "+420777000001", ""},
			},
			persons: map[string][]string{"email:jan@x.cz": {"o:1"}, "email:info@x.cz": {"o:2"}},
			conflicts: []Conflict{{
				Phone:   "+420777000001",
				Anchors: []string{"email:info@x.cz", "email:jan@x.cz"},
				Reason:  reasonNoNames,
			}},
		},
		{
			name: "phone-only order joins the one person with that phone",
			recs: []rec{
				{"c:g1", []string{"jan@x.cz"}, "+420777000001", "Jan Novák"},
				{"o:9", nil, "+420777000001", "Someone Else"},
			},
			persons: map[string][]string{"customer:g1": {"c:g1", "o:9"}},
			rules:   map[string]Rule{"c:g1": CustomerAccount, "o:9": UniquePhone},
		},
		{
			name: "phone-only order with a shared phone stays alone",
			recs: []rec{
				{"o:1", []string{"jan@x.cz"}, "+420777000001", "Jan Novák"},
				{"o:2", []string{"eva@x.cz"}, "+420777000001", "Eva Nováková"},
				{"o:3", nil, "+420777000001", "Jan Novák"},
			},
			persons: map[string][]string{
				"email:jan@x.cz": {"o:1"}, "email:eva@x.cz": {"o:2"}, "order:3": {"o:3"},
			},
			rules: map[string]Rule{"o:3": SharedPhoneAlone},
			conflicts: []Conflict{{
				Phone:   "+420777000001",
				Anchors: []string{"email:eva@x.cz", "email:jan@x.cz", "order:3"},
				Reason:  reasonNames,
			}},
		},
		{
			name: "phone-only orders with one name form a person",
			recs: []rec{
				{"o:5", nil, "+420777000002", "Jan Novák"},
				{"o:4", nil, "+420777000002", "Novak Jan"},
			},
			persons: map[string][]string{"phone:+420777000002": {"o:4", "o:5"}},
			rules:   map[string]Rule{"o:4": OwnPerson, "o:5": UniquePhone},
		},
		{
			name: "phone-only orders with different names stay apart",
			recs: []rec{
				{"o:5", nil, "+420777000002", "Jan Novák"},
				{"o:4", nil, "+420777000002", "Eva Nováková"},
			},
			persons: map[string][]string{"order:4": {"o:4"}, "order:5": {"o:5"}},
			rules:   map[string]Rule{"o:4": SharedPhoneAlone, "o:5": SharedPhoneAlone},
			conflicts: []Conflict{{
				Phone: "+420777000002", Anchors: []string{"order:4", "order:5"}, Reason: reasonNames,
			}},
		},
		{
			name: "no e-mail and no phone is alone",
			recs: []rec{
				{"o:1", nil, "", "Jan Novák"},
				{"o:2", nil, "", "Jan Novák"},
				{"c:g1", nil, "", "Jan Novák"},
			},
			persons: map[string][]string{
				"order:1": {"o:1"}, "order:2": {"o:2"}, "customer:g1": {"c:g1"},
			},
			rules: map[string]Rule{
				"o:1": NoContactDetails, "o:2": NoContactDetails, "c:g1": NoContactDetails,
			},
		},
		{
			name: "e-mail case and spaces are the caller's normalisation",
			recs: []rec{
				{"o:1", []string{mapping.NormalizeEmail(" Jan@Example.CZ ")}, "", ""},
				{"o:2", []string{mapping.NormalizeEmail("jan@example.cz")}, "", ""},
				{"o:3", []string{mapping.NormalizeEmail("not an e-mail")}, "", ""},
			},
			persons: map[string][]string{
				"email:jan@example.cz": {"o:1", "o:2"}, "order:3": {"o:3"},
			},
			rules: map[string]Rule{"o:1": OwnPerson, "o:2": SameEmail, "o:3": NoContactDetails},
		},
		{
			name: "customer without e-mail anchors the e-mail group its phone points to",
			recs: []rec{
				{"c:g1", nil, "+420777000003", "Jan Novák"},
				{"o:1", []string{"jan@x.cz"}, "+420777000003", "Jan Novák"},
			},
			persons: map[string][]string{"customer:g1": {"c:g1", "o:1"}},
			rules:   map[string]Rule{"c:g1": CustomerAccount, "o:1": SameEmail},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.recs)
			if !reflect.DeepEqual(got.persons, tt.persons) {
				t.Errorf("persons = %v, want %v", got.persons, tt.persons)
			}
			for key, want := range tt.rules {
				if got.rules[key] != want {
					t.Errorf("rule of %s = %q, want %q", key, got.rules[key], want)
				}
			}
			if !reflect.DeepEqual(got.conflicts, tt.conflicts) {
				t.Errorf("conflicts = %+v, want %+v", got.conflicts, tt.conflicts)
			}
		})
	}
}

func TestPersonDetails(t *testing.T) {
	r := NewResolver()
	r.Add(Customer, "g2", []string{"b@x.cz", "a@x.cz"}, "+420777000001", "Jan Novák")
	r.Add(Order, "7", []string{"a@x.cz"}, "+420777000009", "Jan Novák")
	r.Add(Order, "8", []string{"c@x.cz"}, "+420777000009", "Eva Nováková")
	r.Add(Order, "9", nil, "", "")
	res := r.Resolve()
	if res.Persons() != 3 {
		t.Fatalf("persons = %d, want 3", res.Persons())
	}
	want := Person{
		Anchor:  "customer:g2",
		Records: []int32{0, 1},
		Emails:  []string{"a@x.cz", "b@x.cz"},
		Phones:  []string{"+420777000001", "+420777000009"},
		Keys:    []string{"customer:g2", "email:a@x.cz", "email:b@x.cz", "phone:+420777000001"},
	}
	if got := res.Person(0); !reflect.DeepEqual(got, want) {
		t.Errorf("person 0 = %+v\nwant %+v", got, want)
	}
	if got := res.Person(2); !reflect.DeepEqual(got.Keys, []string{"order:9"}) {
		t.Errorf("lone order keys = %v", got.Keys)
	}
	if res.Kind(3) != Order || res.Key(3) != "9" {
		t.Errorf("record 3 = %v %q", res.Kind(3), res.Key(3))
	}
}

// TestKeysBelongToOnePerson checks that no identity key is given to two persons and that a
// person's e-mail and phone keys come from its own details: the identity map stores the
// keys, so a key listed twice would tie persons to each other's contacts on the next run.
func TestKeysBelongToOnePerson(t *testing.T) {
	r := NewResolver()
	// The first phone seen belongs to one person; another uses one phone on two orders.
	r.Add(Order, "1", []string{"a@x.cz"}, "+421900000001", "Adam Malý")
	r.Add(Order, "2", []string{"b@x.cz"}, "+421900000002", "Bára Velká")
	r.Add(Order, "3", []string{"b@x.cz"}, "+421900000002", "Bára Velká")
	for _, x := range syntheticRecs(3000, 11) {
		add(r, x)
	}
	res := r.Resolve()
	owner := map[string]int{}
	for i := range res.Persons() {
		p := res.Person(i)
		for _, k := range p.Keys {
			if j, ok := owner[k]; ok && j != i {
				t.Fatalf("key %s given to persons %d and %d", k, j, i)
			}
			owner[k] = i
			if v, ok := strings.CutPrefix(k, "phone:"); ok && !slices.Contains(p.Phones, v) {
				t.Fatalf("person %d has key %s but phones %v", i, k, p.Phones)
			}
			if v, ok := strings.CutPrefix(k, "email:"); ok && !slices.Contains(p.Emails, v) {
				t.Fatalf("person %d has key %s but e-mails %v", i, k, p.Emails)
			}
		}
	}
}

// TestOrderIndependence resolves shuffled copies of a messy input and
// expects the same persons, anchors, rules and conflicts every time.
func TestOrderIndependence(t *testing.T) {
	recs := syntheticRecs(3000, 7)
	want := resolve(recs)
	if len(want.conflicts) == 0 || len(want.persons) >= len(recs) {
		t.Fatalf("synthetic input too clean: %d persons, %d conflicts",
			len(want.persons), len(want.conflicts))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5 {
		rng.Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
		got := resolve(recs)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d gave a different result", i)
		}
	}
}

// syntheticRecs builds customers and orders where e-mails repeat, some people
// change e-mail, families share phones and some orders lack contact details.
func syntheticRecs(n int, seed uint64) []rec {
	rng := rand.New(rand.NewPCG(seed, 0))
	people := n / 5
	recs := make([]rec, 0, n)
	for i := range n {
		p := rng.IntN(people)
		x := rec{
			key:    fmt.Sprintf("o:%d", i),
			emails: []string{fmt.Sprintf("p%d@x.cz", p)},
			phone:  fmt.Sprintf("+420777%06d", p/2),
			name:   fmt.Sprintf("Person %d", p),
		}
		switch rng.IntN(10) {
		case 0:
			x.key = fmt.Sprintf("c:g%d", p)
		case 1:
			x.emails = []string{fmt.Sprintf("p%d-new@x.cz", p)}
		case 2:
			x.emails = nil
		case 3:
			x.emails, x.phone = nil, ""
		}
		recs = append(recs, x)
	}
	return recs
}
