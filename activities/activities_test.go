package activities

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/identity"
	"github.com/shopsync/shoptet-daktela/mapping"
)

func TestShopKey(t *testing.T) {
	cases := map[string]string{
		"https://www.muj-obchod.cz":      "muj-obchod-cz",
		"https://shop.example.sk:8443/x": "shop-example-sk",
		"http://127.0.0.1:8240":          "127-0-0-1",
		"":                               "shop",
	}
	for in, want := range cases {
		if got := ShopKey(in); got != want {
			t.Errorf("ShopKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContactNameIsStableAndSafe(t *testing.T) {
	a := ContactName("muj-obchod-cz", "email:jan@novak.cz")
	if a != ContactName("muj-obchod-cz", "email:jan@novak.cz") {
		t.Fatal("contact name is not deterministic")
	}
	if a == ContactName("jiny-obchod-cz", "email:jan@novak.cz") {
		t.Error("two shops derive the same contact name for one anchor")
	}
	if strings.ContainsAny(a, ".@ ") || strings.Contains(a, "novak") {
		t.Errorf("contact name %q has a dot, personal data or spaces", a)
	}
}

func TestContactFieldsRoundTrip(t *testing.T) {
	f := mapping.Fields{
		"title": {"Jiří Dvořák"}, "firstname": {"Jiří"}, "lastname": {"Dvořák"},
		"customFields.email":  {"jiri@dvorak.cz", "jd@firma.cz"},
		"customFields.number": {"+420777123456"},
	}
	ct := contactOf(f, "c1", "shoptet")
	if ct.Name != "c1" || ct.Database != "shoptet" || ct.Title != "Jiří Dvořák" ||
		len(ct.CustomFields["email"]) != 2 {
		t.Fatalf("contactOf = %+v", ct)
	}
	if got := fieldsOf(ct); !reflect.DeepEqual(got, f) {
		t.Errorf("fieldsOf(contactOf(f)) = %v, want %v", got, f)
	}
}

func TestRejectionKeepsDaktelaMessagesVerbatim(t *testing.T) {
	err := &daktela.Error{Status: 400, Kind: daktela.KindValidation,
		Fields: map[string][]string{"customFields.email": {"E-mail není ve správném formátu"},
			"lastname": {"Vstup je povinný"}}}
	msg, ok := rejection(err)
	if !ok || msg != "customFields.email: E-mail není ve správném formátu | lastname: Vstup je povinný" {
		t.Fatalf("rejection = %q, %v", msg, ok)
	}
	if _, ok := rejection(&daktela.Error{Status: 503, Kind: daktela.KindServer}); ok {
		t.Error("a server error was taken for a rejection")
	}
	if !transient(&daktela.Error{Status: 503, Kind: daktela.KindServer}) || transient(errors.New("x")) {
		t.Error("transient misclassifies")
	}
}

func TestContactNamerKeepsKnownNames(t *testing.T) {
	n := newContactNamer("s")
	known := map[string]string{
		"email:old@x.cz": "kept_contact",
		"email:a@x.cz":   "first", "email:b@x.cz": "second",
		"email:d@x.cz": ContactName("s", "email:c@x.cz"),
	}
	// A person whose e-mail changed keeps the contact its old e-mail had.
	name, isNew, clash := n.name(identity.Person{Anchor: "email:new@x.cz",
		Keys: []string{"email:new@x.cz", "email:old@x.cz"}}, known)
	if name != "kept_contact" || isNew || clash != nil {
		t.Fatalf("name = %q, new = %v, clash = %v", name, isNew, clash)
	}
	// A new person gets a derived name.
	name, isNew, _ = n.name(identity.Person{Anchor: "email:c@x.cz",
		Keys: []string{"email:c@x.cz"}}, known)
	if name != ContactName("s", "email:c@x.cz") || !isNew {
		t.Errorf("new person named %q, new = %v", name, isNew)
	}
	// Two earlier contacts now one person: one is kept and the clash is reported.
	name, isNew, clash = n.name(identity.Person{Anchor: "email:a@x.cz",
		Keys: []string{"email:a@x.cz", "email:b@x.cz"}}, known)
	if name != "first" || isNew || clash == nil || len(clash.Records) != 2 {
		t.Errorf("merge of two contacts: name %q new %v clash %+v", name, isNew, clash)
	}
	// A known contact another person of this run already took, here one of the derived
	// form, is not given twice.
	name, _, _ = n.name(identity.Person{Anchor: "email:d@x.cz",
		Keys: []string{"email:d@x.cz"}}, known)
	if name != ContactName("s", "email:d@x.cz") {
		t.Errorf("person whose contact was taken named %q, want its own derived name", name)
	}
	// Names of another form are remembered too.
	name, _, _ = n.name(identity.Person{Anchor: "email:old2@x.cz",
		Keys: []string{"email:old@x.cz", "email:old2@x.cz"}}, known)
	if name == "kept_contact" {
		t.Errorf("kept_contact given to two persons")
	}
}
