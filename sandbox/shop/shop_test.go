package shop

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

func smallShop() *Shop { return Generate(Options{Seed: 7, Customers: 400, Orders: 3000}) }

func TestGenerateIsDeterministic(t *testing.T) {
	export := func(s *Shop) [3][]byte {
		var csvBuf bytes.Buffer
		if err := s.WriteCustomersCSV(&csvBuf); err != nil {
			t.Fatal(err)
		}
		return [3][]byte{ordersXML(t, s, OrderFilter{}), customersXML(t, s), csvBuf.Bytes()}
	}
	opts := Options{Seed: 42, Customers: 200, Orders: 1000}
	a, b := Generate(opts), Generate(opts)
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, prague)
	for _, s := range []*Shop{a, b} {
		s.AddOrders(20, at)
		s.ChangeOrders(10, at)
	}
	ea, eb := export(a), export(b)
	for k := range ea {
		if !bytes.Equal(ea[k], eb[k]) {
			t.Errorf("export %d differs between two shops of the same seed", k)
		}
	}
	opts.Seed = 43
	if bytes.Equal(ea[0], ordersXML(t, Generate(opts), OrderFilter{})) {
		t.Error("a different seed gives the same orders")
	}
}

func TestCustomersCSVIsWindows1250(t *testing.T) {
	s := smallShop()
	var raw bytes.Buffer
	if err := s.WriteCustomersCSV(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw.Bytes(), []byte("ř")) {
		t.Fatal("csv carries UTF-8 sequences, want Windows-1250")
	}
	text, err := charmap.Windows1250.NewDecoder().Bytes(raw.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v", err)
	}
	if !slices.Equal(rows[0], csvHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	truth, guids, diacritics := s.Truth(), map[string]int{}, 0
	for _, row := range rows[1:] {
		guid := row[col("guid")]
		if truth.PersonOfCustomer(guid) < 0 {
			t.Fatalf("row guid %q unknown to the truth", guid)
		}
		guids[guid]++
		if strings.ContainsAny(row[col("billingFullName")], "řčšžýáíéůúěňťďľ") {
			diacritics++
		}
	}
	if len(guids) != 400 {
		t.Errorf("csv has %d customers, want 400", len(guids))
	}
	if len(rows)-1 <= len(guids) {
		t.Error("no customer has a second account row")
	}
	if diacritics < 100 {
		t.Errorf("only %d names with diacritics survived the encoding", diacritics)
	}
}

func TestOrdersXMLContent(t *testing.T) {
	s := smallShop()
	orders := parseOrders(t, ordersXML(t, s, OrderFilter{}))
	if len(orders) != 3000 {
		t.Fatalf("got %d orders, want 3000", len(orders))
	}
	types, codes := map[string]int{}, map[string]bool{}
	dateRe := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	prev := ""
	for _, o := range orders {
		if !dateRe.MatchString(o.Date) || o.Date < prev {
			t.Fatalf("order %s date %q not a sorted shop date", o.ID, o.Date)
		}
		prev = o.Date
		if codes[o.Code] || !strings.HasPrefix(o.Code, o.Date[:4]) {
			t.Fatalf("order code %q duplicate or not prefixed by its year", o.Code)
		}
		codes[o.Code] = true
		var sum int64
		for _, it := range o.Items {
			types[it.Type]++
			sum += cents(t, it.Total)
		}
		if sum != cents(t, o.Total.WithVAT) {
			t.Fatalf("order %s items sum %d, total %s", o.ID, sum, o.Total.WithVAT)
		}
		if cents(t, o.Total.WithoutVAT)+cents(t, o.Total.VAT) != sum {
			t.Fatalf("order %s: without VAT + VAT != with VAT", o.ID)
		}
	}
	for _, typ := range []string{"product", "shipping", "billing", "discount"} {
		if types[typ] == 0 {
			t.Errorf("no %s item in the export", typ)
		}
	}
}

func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q lacks two decimals after a dot", s)
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRealism counts the awkward cases the sync has to handle.
func TestRealism(t *testing.T) {
	s := smallShop()
	orders, truth := parseOrders(t, ordersXML(t, s, OrderFilter{})), s.Truth()
	var noEmail, neither, spaced, upper, companies, sk, folded int
	phoneForms, digit := map[string]bool{}, regexp.MustCompile(`\d`)
	for _, o := range orders {
		switch {
		case o.Email == "" && o.Phone == "":
			neither++
		case o.Email == "":
			noEmail++
		}
		if o.Email != strings.TrimSpace(o.Email) {
			spaced++
		}
		if o.Email != strings.ToLower(o.Email) {
			upper++
		}
		if o.ICO != "" && o.Company != "" {
			companies++
		}
		if strings.HasPrefix(normPhone(o.Phone), "+421") {
			sk++
		}
		if o.Name == fold(o.Name) && o.Name != s.fullName(int32(truth.PersonOfOrder(o.ID))) {
			folded++
		}
		phoneForms[digit.ReplaceAllString(o.Phone, "9")] = true
	}
	for name, n := range map[string]int{
		"phone-only orders": noEmail, "orders without contact": neither,
		"e-mails with spaces": spaced, "e-mails with capitals": upper,
		"company orders": companies, "slovak phones": sk, "names typed without diacritics": folded,
	} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	if len(phoneForms) < 6 {
		t.Errorf("only %d phone forms: %v", len(phoneForms), phoneForms)
	}
}

func TestTruthInvariants(t *testing.T) {
	s := Generate(Options{Seed: 11, Customers: 2000, Orders: 10000})
	truth := s.Truth()
	for _, id := range truth.OrderIDs() {
		if p := truth.PersonOfOrder(id); p < 0 || p >= truth.Persons() {
			t.Fatalf("order %s has person %d", id, p)
		}
	}
	shared := truth.SharedPhones()
	if len(shared) < 10 {
		t.Fatalf("only %d shared phones", len(shared))
	}
	for _, phone := range shared {
		persons := truth.PersonsOfPhone(phone)
		names := map[string]bool{}
		for _, p := range persons {
			names[nameKey(truth.Name(p))] = true
		}
		if len(persons) < 2 || len(names) != len(persons) {
			t.Fatalf("shared phone %s: persons %v, distinct names %d", phone, persons, len(names))
		}
	}
	changed := 0
	for p, pr := range s.persons {
		if pr.emailAt == 0 {
			continue
		}
		changed++
		if got := truth.PersonsOfPhone(s.e164(int32(p))); len(got) != 1 {
			t.Fatalf("person %d changed e-mail but its phone is used by %v", p, got)
		}
	}
	if changed == 0 {
		t.Fatal("nobody changed e-mail")
	}
	if truth.PersonOfOrder("1") != -1 || truth.PersonOfCustomer("nope") != -1 {
		t.Fatal("unknown ids must map to -1")
	}
}

func TestOrderFilters(t *testing.T) {
	s := smallShop()
	all := parseOrders(t, ordersXML(t, s, OrderFilter{}))
	from := time.Date(2024, 3, 1, 0, 0, 0, 0, prague)
	until := time.Date(2024, 3, 31, 0, 0, 0, 0, prague)
	var want []string
	for _, o := range all {
		if o.Date >= "2024-03-01" && o.Date < "2024-04-01" {
			want = append(want, o.ID)
		}
	}
	got := ids(parseOrders(t, ordersXML(t, s, OrderFilter{DateFrom: from, DateUntil: until})))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("march 2024: got %d orders, want %d", len(got), len(want))
	}

	at := time.Date(2027, 1, 5, 12, 0, 0, 0, prague)
	added := s.AddOrders(4, at)
	changed := s.ChangeOrders(6, at)
	got = ids(parseOrders(t, ordersXML(t, s, OrderFilter{UpdatedSince: at})))
	want = union(added, changed)
	if !slices.Equal(got, want) {
		t.Fatalf("updated since: got %v, want %v", got, want)
	}

	got = ids(parseOrders(t, ordersXML(t, s, OrderFilter{IDs: []int{10005, 10003, 10005, 1}})))
	if !slices.Equal(got, []string{"10003", "10005"}) {
		t.Fatalf("ids filter: got %v", got)
	}
}

func ids(orders []xmlOrder) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.ID
	}
	return out
}

// union returns the sorted distinct ORDER_IDs of the lists.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortFunc(out, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	return slices.Compact(out)
}

func TestRandomHash(t *testing.T) {
	h := RandomHash(1)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
		t.Fatalf("hash %q", h)
	}
	if h != RandomHash(1) || h == RandomHash(2) {
		t.Fatal("hash not deterministic per seed")
	}
}

func TestBadEmailOrders(t *testing.T) {
	plain := Generate(Options{Seed: 9, Customers: 30, Orders: 100})
	s := Generate(Options{Seed: 9, Customers: 30, Orders: 100, BadEmails: 4})
	truth := s.Truth()
	if got, want := truth.Orders(), plain.Truth().Orders()+4; got != want {
		t.Fatalf("orders = %d, want %d", got, want)
	}
	var buf bytes.Buffer
	if err := s.WriteOrdersXML(&buf, OrderFilter{}); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, id := range truth.OrderIDs() {
		if truth.HasBadEmail(truth.PersonOfOrder(id)) {
			bad++
		}
	}
	if bad != 4 {
		t.Fatalf("orders by bad-email persons = %d, want 4", bad)
	}
	if n := strings.Count(strings.ToLower(buf.String()), "..cz"); n != 4 {
		t.Fatalf("malformed e-mails in the export = %d, want 4", n)
	}
	if !slices.IsSortedFunc(s.orders, func(a, b order) int { return int(a.created) - int(b.created) }) {
		t.Fatal("orders are not in time order")
	}
}

func TestOddNameOrders(t *testing.T) {
	s := Generate(Options{Seed: 9, Customers: 30, Orders: 100, OddNames: 3})
	truth := s.Truth()
	var buf bytes.Buffer
	if err := s.WriteOrdersXML(&buf, OrderFilter{}); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&buf)
	kinds := map[string]int{}
	var name struct {
		XMLName xml.Name
		Text    string `xml:",chardata"`
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "BILLING_ADDRESS" {
			continue
		}
		for {
			tok, _ = dec.Token()
			if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "NAME" {
				if err := dec.DecodeElement(&name, &el); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		switch v := name.Text; {
		case v == "":
			kinds["empty"]++
		case len([]rune(v)) > 255:
			kinds["long"]++
		case strings.ContainsAny(v, "\t\u0085\u007f"):
			kinds["control"]++
		}
	}
	odd := 0
	for _, id := range truth.OrderIDs() {
		if truth.HasOddName(truth.PersonOfOrder(id)) {
			odd++
		}
	}
	if odd != 3 || kinds["empty"] != 1 || kinds["long"] != 1 || kinds["control"] != 1 {
		t.Fatalf("odd-name orders %d, billing names by kind %v; want 3, one of each", odd, kinds)
	}
}
