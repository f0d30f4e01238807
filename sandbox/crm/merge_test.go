package crm

import (
	"reflect"
	"testing"
)

func TestMergeContacts(t *testing.T) {
	h := newHarness(t, Options{})
	err := h.srv.Seed([]Contact{
		{Name: "a", Title: "A", LastName: "A", Database: "shoptet",
			CustomFields: map[string][]string{"email": {"a@x.cz", "shared@x.cz"}}},
		{Name: "b", Title: "B", LastName: "B", Database: "shoptet",
			CustomFields: map[string][]string{"email": {"shared@x.cz", "b@x.cz"}, "number": {"1"}}},
		{Name: "c", Title: "C", LastName: "C", Database: "shoptet",
			CustomFields: map[string][]string{"email": {"c@x.cz"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h.do("POST", "/api/v6/crmRecords.json", map[string]any{
		"name": "o1", "type": "shoptet_order", "title": "Order 1", "contact": "b",
	}).mustStatus(t, 201)

	a := h.do("POST", "/api/v6/mergeContacts.json?contacts[0]=a&contacts[1]=b&contacts[2]=c", nil)
	got := a.mustStatus(t, 200).result()
	if got["name"] != "a" || got["title"] != "A" {
		t.Fatalf("survivor %v %v", got["name"], got["title"])
	}
	cf := got["customFields"].(map[string]any)
	wantEmail := []any{"a@x.cz", "shared@x.cz", "b@x.cz", "c@x.cz"}
	if !reflect.DeepEqual(cf["email"], wantEmail) || !reflect.DeepEqual(cf["number"], []any{"1"}) {
		t.Fatalf("merged fields %v", cf)
	}
	if n := len(h.srv.Contacts()); n != 1 {
		t.Fatalf("%d contacts after merge, want 1", n)
	}
	if rec := h.srv.CRMRecords()[0]; rec.Contact != "a" {
		t.Fatalf("record still points to %q", rec.Contact)
	}
	byEmail := h.do("GET", contactsQuery(fq("customFields.email", "eq", "b@x.cz")), nil)
	if got := names(byEmail); !reflect.DeepEqual(got, []string{"a"}) {
		t.Fatalf("index after merge: %v", got)
	}
	byContact := h.do("GET", "/api/v6/crmRecords.json?"+filterQuery("contact", "eq", "a"), nil)
	if got := names(byContact); !reflect.DeepEqual(got, []string{"o1"}) {
		t.Fatalf("records of survivor: %v", got)
	}
}

func TestMergeErrors(t *testing.T) {
	h := newHarness(t, Options{})
	if err := h.srv.Seed([]Contact{{Name: "a"}, {Name: "b"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query  string
		status int
	}{
		{"contacts[0]=a&contacts[1]=zz", 404},
		{"contacts[0]=a", 400},
		{"contacts[0]=a&contacts[1]=a", 400},
		{"", 400},
	}
	for _, tt := range tests {
		h.do("POST", "/api/v6/mergeContacts.json?"+tt.query, nil).mustStatus(t, tt.status)
	}
	if n := len(h.srv.Contacts()); n != 2 {
		t.Fatalf("failed merges changed the store: %d contacts", n)
	}
	h.do("POST", "/api/v6/mergeContacts.json?contacts[]=b&contacts[]=a", nil).mustStatus(t, 200)
	if cs := h.srv.Contacts(); len(cs) != 1 || cs[0].Name != "b" {
		t.Fatalf("contacts[] form: %v", cs)
	}
}
