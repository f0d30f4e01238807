package mapping

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRenderDefaults(t *testing.T) {
	day := func(s string) time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return d
	}
	jan := Person{
		FullName: "Jan Novák",
		Emails:   []string{"jan@example.cz", "jan.novak@example.cz"},
		Phones:   []string{"+420777123456"},
		Billing: Address{
			Street: "Dlouhá", HouseNumber: "12", City: "Praha", Zip: "110 00", Country: "CZ",
		},
		OrderCount: 3, FirstOrder: day("2025-01-10"), LastOrder: day("2026-11-02"),
		TotalSpent: 4520, Currency: "CZK",
		OrderLinks: []string{"https://shop.cz/admin/objednavky-detail/?id=3"},
	}
	tests := []struct {
		name string
		p    Person
		want Fields
	}{
		{
			name: "full person",
			p:    jan,
			want: Fields{
				"title":                        {"Jan Novák"},
				"firstname":                    {"Jan"},
				"lastname":                     {"Novák"},
				"customFields.email":           {"jan@example.cz", "jan.novak@example.cz"},
				"customFields.number":          {"+420777123456"},
				"customFields.address":         {"Dlouhá 12, 110 00 Praha, CZ"},
				"customFields.shoptet_orders":  {"https://shop.cz/admin/objednavky-detail/?id=3"},
				"customFields.shoptet_summary": {"3 orders, last 2026-11-02, total 4 520,00 CZK"},
			},
		},
		{
			name: "single word name is the last name",
			p:    Person{FullName: " Madonna ", Emails: []string{"m@x.cz"}},
			want: Fields{
				"title": {"Madonna"}, "firstname": {}, "lastname": {"Madonna"},
				"customFields.email": {"m@x.cz"}, "customFields.number": {},
				"customFields.address": {}, "customFields.shoptet_orders": {},
				"customFields.shoptet_summary": {"no orders"},
			},
		},
		{
			name: "no name falls back to company",
			p:    Person{Company: "ACME s.r.o.", Emails: []string{"info@acme.cz"}},
			want: Fields{
				"title": {"ACME s.r.o."}, "firstname": {}, "lastname": {"ACME s.r.o."},
				"customFields.email": {"info@acme.cz"}, "customFields.number": {},
				"customFields.address": {}, "customFields.shoptet_orders": {},
				"customFields.shoptet_summary": {"no orders"},
			},
		},
		{
			name: "no name nor company falls back to e-mail, then phone",
			p:    Person{Phones: []string{"+420777123456"}, OrderCount: 1, TotalSpent: 99.5},
			want: Fields{
				"title": {"+420777123456"}, "firstname": {}, "lastname": {"+420777123456"},
				"customFields.email": {}, "customFields.number": {"+420777123456"},
				"customFields.address": {}, "customFields.shoptet_orders": {},
				"customFields.shoptet_summary": {"1 order, total 99,50"},
			},
		},
		{
			name: "nothing known",
			p:    Person{},
			want: Fields{
				"title": {"Shoptet customer"}, "firstname": {}, "lastname": {"Shoptet customer"},
				"customFields.email": {}, "customFields.number": {},
				"customFields.address": {}, "customFields.shoptet_orders": {},
				"customFields.shoptet_summary": {"no orders"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Default().Render(tt.p)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Render =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestRenderTemplates(t *testing.T) {
	p := Person{
		FirstName: "Eva", LastName: "Malá", Company: "ACME",
		Emails: []string{"eva@x.cz", "eva2@x.cz"}, Phones: []string{"+420777123456", "+421905123456"},
		OrderLinks:    []string{"l3", "l2", "l1"},
		CustomerGroup: "VIP", TotalSpent: 1234567.891,
		Extra: map[string]string{"note": "likes tea"},
	}
	m := Default()
	m.PhoneFormat = PhoneZeroZero
	m.MaxOrderLinks = 2
	m.Fields = map[string]string{
		"title":                "{fullName} ({company})",
		"lastname":             "{lastName}",
		"description":          "Group {customerGroup}: {extra.note}\nphones {phones}",
		"account":              "{extra.missing}",
		"customFields.number":  "{phones}",
		"customFields.orders":  "{orderLinks}",
		"customFields.contact": "{email}, {phone}, {totalSpent}",
	}
	want := Fields{
		"title":                {"Eva Malá (ACME)"},
		"lastname":             {"Malá"},
		"description":          {"Group VIP: likes tea\nphones 00420777123456, 00421905123456"},
		"account":              {},
		"customFields.number":  {"00420777123456", "00421905123456"},
		"customFields.orders":  {"l3", "l2"},
		"customFields.contact": {"eva@x.cz, 00420777123456, 1 234 567,89"},
		// OrderLinks names a field the templates do not map: it gets the links.
		"customFields.shoptet_orders": {"l3", "l2"},
	}
	if got := m.Render(p); !reflect.DeepEqual(got, want) {
		t.Errorf("Render =\n%v\nwant\n%v", got, want)
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("ř", 300)
	p := Person{
		FullName: "Jan\x00 \tNovák\r\n" + long,
		Extra:    map[string]string{"d": strings.Repeat("x", 600)},
	}
	m := Default()
	m.Fields["description"] = "{extra.d}"
	got := m.Render(p)
	title := got["title"][0]
	if strings.ContainsAny(title, "\x00\t\r\n") || !strings.HasPrefix(title, "Jan Novák řř") {
		t.Errorf("title not cleaned: %q", title[:20])
	}
	checks := map[string]int{"title": 255, "lastname": 128, "description": 512}
	for key, limit := range checks {
		if n := len([]rune(got[key][0])); n != limit {
			t.Errorf("%s has %d characters, want %d", key, n, limit)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := map[float64]string{0: "0,00", 5: "5,00", 999.999: "1 000,00", 4520: "4 520,00",
		-1234.5: "-1 234,50", 1e6: "1 000 000,00"}
	for in, want := range tests {
		if got := formatMoney(in); got != want {
			t.Errorf("formatMoney(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := Fields{"title": {"Jan"}, "customFields.email": {"a@x.cz", "b@x.cz"}}
	b := Fields{"customFields.email": {"a@x.cz", "b@x.cz"}, "title": {"Jan"}}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("same fields, different fingerprints")
	}
	// The fingerprint is stored with synced contacts: it must not change
	// between releases for the same fields.
	const golden = "f4dce9142b110bc433c24f61093c8b18a7d08e2c16c68787da70eae1c518da52"
	if got := a.Fingerprint(); got != golden {
		t.Errorf("fingerprint = %s, want %s", got, golden)
	}
	different := []Fields{
		{"title": {"Jan"}, "customFields.email": {"b@x.cz", "a@x.cz"}},
		{"title": {"Jan"}, "customFields.email": {"a@x.czb@x.cz"}},
		{"title": {"Jan"}, "customFields.email": {"a@x.cz", "b@x.cz"}, "lastname": {}},
		{"title": {"Jan"}},
	}
	seen := map[string]bool{a.Fingerprint(): true}
	for _, f := range different {
		fp := f.Fingerprint()
		if seen[fp] {
			t.Errorf("fingerprint of %v collides", f)
		}
		seen[fp] = true
	}
}
