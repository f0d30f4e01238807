package shop

import (
	"strconv"
	"strings"
)

// newContactPerson creates a registered customer or a guest with an e-mail.
// at is the time of the guest's first order, 0 for customers.
func (s *Shop) newContactPerson(r *rng, customer bool, at uint32) int32 {
	id := int32(len(s.persons))
	pr := person{phone: -1}
	if r.chance(0.2) {
		pr.flags |= pSlovak
	}
	if r.chance(0.12) {
		pr.flags |= pCompany
	}
	s.persons = append(s.persons, pr)
	s.assignPhone(r, id, customer, at)
	if customer && s.persons[id].phone >= 0 {
		s.persons[id].flags |= pPhoneSeen // the customer export carries it
	}
	s.reorder = append(s.reorder, id)
	return id
}

// assignPhone gives a new contact person a shared, missing or unique phone.
// Only unique-phone persons may change e-mail, because the phone and the
// name are what ties the new e-mail to them.
func (s *Shop) assignPhone(r *rng, id int32, customer bool, at uint32) {
	pr := &s.persons[id]
	switch {
	case s.openSlots > 0:
		s.joinGroup(id, s.open)
		s.openSlots--
	case r.chance(0.03):
		s.open, s.openSlots = s.newPhone(), 1+r.intn(2)
		pr.phone = s.open
		pr.flags |= pSharedPhone
		s.groups[s.open] = []int32{id}
	case r.chance(0.08):
		// registered without a phone; e-mail alone identifies them
	default:
		pr.phone = s.newPhone()
		s.maybeTwoEmails(r, pr, customer, at)
	}
}

func (s *Shop) maybeTwoEmails(r *rng, pr *person, customer bool, at uint32) {
	switch {
	case customer && r.chance(0.03):
		pr.flags |= pTwoAccounts
	case r.chance(0.06):
		from := max(at, s.start)
		pr.emailAt = from + 30*day + uint32(r.intn(700*day))
	}
}

// joinGroup adds person id to the shared phone; the person takes the
// group's country and company and a name that differs from every member's.
func (s *Shop) joinGroup(id, phone int32) {
	members := s.groups[phone]
	lead := s.persons[members[0]]
	pr := &s.persons[id]
	pr.phone = phone
	pr.flags = pr.flags&^(pCompany|pSlovak) | lead.flags&(pCompany|pSlovak) | pSharedPhone
	for salt := 1; salt < 256 && s.nameClashes(id, members); salt++ {
		pr.nameSalt = uint8(salt)
	}
	s.groups[phone] = append(members, id)
	if len(members)+1 == 2 {
		s.full = append(s.full, phone)
	}
}

func (s *Shop) nameClashes(id int32, members []int32) bool {
	key := nameKey(s.fullName(id))
	for _, m := range members {
		if nameKey(s.fullName(m)) == key {
			return true
		}
	}
	return false
}

// newBarePerson creates a guest without an e-mail, who orders exactly once:
// with phone < 0 nothing identifies them, otherwise only the fresh phone.
func (s *Shop) newBarePerson(r *rng, phone int32) int32 {
	pr := person{phone: phone, flags: pNoEmail}
	if r.chance(0.2) {
		pr.flags |= pSlovak
	}
	s.persons = append(s.persons, pr)
	return int32(len(s.persons) - 1)
}

// newSharedPhoneOnly creates a guest who orders once with only a phone that
// several persons share; by the identity rules that order is its own person.
func (s *Shop) newSharedPhoneOnly(r *rng) int32 {
	id := s.newBarePerson(r, -1)
	s.joinGroup(id, s.full[r.intn(len(s.full))])
	return id
}

func (s *Shop) isCustomer(p int32) bool { return int(p) < s.customers }

// fullName is the person's canonical billing name. Persons sharing a phone
// as a family (not a company) share the surname in its gendered form.
func (s *Shop) fullName(p int32) string {
	if pr := s.persons[p]; pr.flags&pOddName != 0 {
		return oddNames[int(pr.nameSalt)%len(oddNames)](s, p)
	}
	first, last := s.nameParts(p)
	return first + " " + last
}

// oddNames are the billing names of Options.OddNames persons, chosen by their nameSalt.
var oddNames = []func(s *Shop, p int32) string{
	func(*Shop, int32) string { return "" },
	func(s *Shop, p int32) string {
		first, last := s.nameParts(p)
		return first + " " + strings.Repeat(last+"-", 300/(len(last)+1)) + last
	},
	func(s *Shop, p int32) string {
		first, last := s.nameParts(p)
		return first + "\t" + last + "\u0085\u007f"
	},
}

func (s *Shop) nameParts(p int32) (first, last string) {
	pr := s.persons[p]
	r := newRNG(s.seed, saltName, uint64(p)<<8|uint64(pr.nameSalt))
	female := r.chance(0.5)
	firsts, lasts := czMaleFirst, czSurnames
	if female {
		firsts = czFemaleFirst
	}
	if pr.flags&pSlovak != 0 {
		firsts, lasts = skMaleFirst, skSurnames
		if female {
			firsts = skFemaleFirst
		}
	}
	sn := lasts[r.intn(len(lasts))]
	if pr.flags&(pSharedPhone|pCompany) == pSharedPhone {
		sn = lasts[hash3(s.seed, saltName, 1<<40|uint64(pr.phone))%uint64(len(lasts))]
	}
	last = sn.male
	if female {
		last = sn.female
	}
	return firsts[r.intn(len(firsts))], last
}

// email returns the person's k-th e-mail (0 or 1), unique per person
// because the person index is part of the local part.
func (s *Shop) email(p int32, k int) string {
	first, last := s.nameParts(p)
	f, l := foldLower(first), foldLower(last)
	n := strconv.Itoa(int(p))
	if s.persons[p].flags&pBadEmail != 0 {
		// A dot before the "@" and a doubled dot in the domain: one "@", yet invalid.
		return f + "." + n + ".@" + l + "..cz"
	}
	h := hash3(s.seed, saltName, uint64(p))
	if k == 0 {
		return f + "." + l + "." + n + "@" + emailDomains[h%uint64(len(emailDomains))]
	}
	return f[:1] + l + "." + n + "@" + emailDomains[(h>>8)%uint64(len(emailDomains))]
}

// emailOfOrder picks the e-mail an order was placed with.
func (s *Shop) emailOfOrder(o *order, r *rng) string {
	pr := s.persons[o.person]
	k := 0
	if pr.emailAt != 0 && o.created >= pr.emailAt {
		k = 1
	}
	if pr.flags&pTwoAccounts != 0 && r.chance(0.4) {
		k = 1
	}
	return s.email(o.person, k)
}

// decorateEmail varies case and surrounding spaces as people type them.
func decorateEmail(e string, r *rng) string {
	switch x := r.float(); {
	case x < 0.75:
		return e
	case x < 0.85:
		return strings.ToUpper(e[:1]) + e[1:]
	case x < 0.9:
		return "  " + e + " "
	case x < 0.95:
		return strings.ToUpper(e)
	default:
		at := strings.IndexByte(e, '@')
		return e[:at+1] + strings.ToUpper(e[at+1:])
	}
}

// decorateName writes the name as typed: mostly exact, sometimes without
// diacritics or in capitals, which the identity rules must tolerate.
func decorateName(n string, r *rng) string {
	switch x := r.float(); {
	case x < 0.9:
		return n
	case x < 0.96:
		return fold(n)
	default:
		return strings.ToUpper(n)
	}
}

// phoneDigits is the national significant number of a phone id; the
// multiplier is odd and coprime to 10, so distinct ids get distinct numbers.
func phoneDigits(id int32) uint64 {
	return 700000000 + (uint64(id)*37124913+4243)%100000000
}

// E164 returns the canonical form of the person's phone, "" without one.
func (s *Shop) e164(p int32) string {
	pr := s.persons[p]
	if pr.phone < 0 {
		return ""
	}
	cc, nsn := "+420", phoneDigits(pr.phone)
	if pr.flags&pSlovak != 0 {
		cc, nsn = "+421", nsn+200000000
	}
	return cc + strconv.FormatUint(nsn, 10)
}

// formatPhone writes a canonical phone in one of the forms people use.
// Slovak numbers always keep their country code: without it they would
// read as Czech numbers.
func formatPhone(e164 string, r *rng) string {
	cc, n := e164[1:4], e164[4:]
	grouped := n[:3] + " " + n[3:6] + " " + n[6:]
	switch x := r.intn(6); {
	case x == 0:
		return "+" + cc + " " + grouped
	case x == 1:
		return "00" + cc + n
	case x == 2:
		return e164
	case cc == "421":
		return "+" + cc + " " + grouped
	case x == 3:
		return n
	case x == 4:
		return grouped
	default:
		return "+" + cc + " " + n
	}
}

// address is a postal address derived for a person or an order.
type address struct {
	street, house, city, zip, country, countryCode string
}

func (s *Shop) address(p int32, salt uint64) address {
	r := newRNG(s.seed, saltAddress, uint64(p)<<4|salt)
	streets, cities := czStreets, czCities
	a := address{country: "Česká republika", countryCode: "CZ"}
	if s.persons[p].flags&pSlovak != 0 {
		streets, cities = skStreets, skCities
		a.country, a.countryCode = "Slovensko", "SK"
	}
	c := cities[r.intn(len(cities))]
	a.street, a.city, a.zip = streets[r.intn(len(streets))], c.name, c.zip
	a.house = strconv.Itoa(1 + r.intn(2500))
	if r.chance(0.4) {
		a.house += "/" + strconv.Itoa(1+r.intn(40))
	}
	if r.chance(0.3) {
		a.zip = a.zip[:3] + " " + a.zip[3:]
	}
	return a
}

// company returns the company name and its IČO and DIČ for a company
// person; persons sharing a phone at a company share the company.
func (s *Shop) company(p int32) (name, ico, dic string) {
	pr := s.persons[p]
	if pr.flags&pCompany == 0 {
		return "", "", ""
	}
	key := uint64(p) | 1<<40
	if pr.flags&pSharedPhone != 0 {
		key = uint64(pr.phone) | 1<<41
	}
	h := hash3(s.seed, saltPerson, key)
	_, last := s.nameParts(p)
	name = companyStems[h%uint64(len(companyStems))] + " " + last + " " +
		companyForms[(h>>8)%uint64(len(companyForms))]
	if pr.flags&pSharedPhone != 0 {
		name = companyStems[h%uint64(len(companyStems))] + " " +
			companyForms[(h>>8)%uint64(len(companyForms))]
	}
	num := 10000000 + (h>>16)%89999999
	ico = strconv.FormatUint(num, 10)
	if pr.flags&pSlovak != 0 {
		return name, ico, "SK20" + strconv.FormatUint(num, 10)
	}
	return name, ico, "CZ" + ico
}
