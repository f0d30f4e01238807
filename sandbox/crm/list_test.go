package crm

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// seedPeople stores 25 contacts p00..p24; even ones have a phone, every
// fifth is in Brno, and edited times grow by one hour.
func seedPeople(t *testing.T, h *harness) time.Time {
	t.Helper()
	base := time.Date(2024, 5, 1, 8, 0, 0, 0, prague)
	var cs []Contact
	for i := range 25 {
		c := Contact{
			Name: fmt.Sprintf("p%02d", i), Title: fmt.Sprintf("Person %02d", i),
			LastName: fmt.Sprintf("Last%02d", i), Database: "shoptet",
			CustomFields: map[string][]string{"email": {fmt.Sprintf("P%02d@Example.cz", i)}},
			Created:      base, Edited: base.Add(time.Duration(i) * time.Hour),
		}
		if i%2 == 0 {
			c.CustomFields["number"] = []string{fmt.Sprintf("00420%09d", i)}
		}
		if i%5 == 0 {
			c.Description = "Brno"
		}
		cs = append(cs, c)
	}
	if err := h.srv.Seed(cs); err != nil {
		t.Fatal(err)
	}
	return base
}

func names(a answer) []string {
	var out []string
	for _, d := range a.data() {
		out = append(out, d.(map[string]any)["name"].(string))
	}
	return out
}

func contactsQuery(q string) string { return "/api/v6/contacts.json?" + q }

// ps names the seeded people.
func ps(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprintf("p%02d", n)
	}
	return out
}

var fq = filterQuery

func filterQuery(field, op, value string) string {
	q := url.Values{}
	q.Set("filter[logic]", "and")
	q.Set("filter[filters][0][field]", field)
	q.Set("filter[filters][0][operator]", op)
	if value != "" {
		q.Set("filter[filters][0][value]", value)
	}
	return q.Encode()
}

func TestListPaging(t *testing.T) {
	h := newHarness(t, Options{})
	seedPeople(t, h)
	tests := []struct {
		query string
		want  []string
		total float64
	}{
		{"skip=0&take=3", []string{"p00", "p01", "p02"}, 25},
		{"skip=23&take=5", []string{"p23", "p24"}, 25},
		{"skip=30", nil, 25},
		{"take=2&sort[0][field]=edited&sort[0][dir]=desc", []string{"p24", "p23"}, 25},
		{"take=2&sort[0][field]=description&sort[0][dir]=desc", []string{"p00", "p05"}, 25},
	}
	for _, tt := range tests {
		a := h.do("GET", "/api/v6/contacts.json?"+tt.query, nil).mustStatus(t, 200)
		if got := names(a); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: names %v, want %v", tt.query, got, tt.want)
		}
		if a.result()["total"] != tt.total {
			t.Errorf("%s: total %v, want %v", tt.query, a.result()["total"], tt.total)
		}
	}
	if n := len(h.do("GET", "/api/v6/contacts.json", nil).data()); n != 25 {
		t.Errorf("default take returned %d", n)
	}
	h.do("GET", "/api/v6/contacts.json?take=x", nil).mustStatus(t, 400)
}

func TestListTakeCappedAt1000(t *testing.T) {
	h := newHarness(t, Options{})
	cs := make([]Contact, 1200)
	for i := range cs {
		cs[i] = Contact{Name: fmt.Sprintf("c%04d", i), Title: "t", LastName: "l"}
	}
	if err := h.srv.Seed(cs); err != nil {
		t.Fatal(err)
	}
	a := h.do("GET", "/api/v6/contacts.json?take=5000", nil).mustStatus(t, 200)
	if len(a.data()) != 1000 || a.result()["total"] != 1200.0 {
		t.Fatalf("got %d of %v", len(a.data()), a.result()["total"])
	}
}

func TestListFilters(t *testing.T) {
	h := newHarness(t, Options{})
	base := seedPeople(t, h)
	edited := base.Add(22 * time.Hour).Format(timeLayout)
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"custom eq any case", fq("customFields.email", "eq", "p03@example.CZ"), ps(3)},
		{"phone eq", fq("customFields.number", "eq", "00420000000004"), ps(4)},
		{"name eq", fq("name", "eq", "p07"), ps(7)},
		{"name eq missing", fq("name", "eq", "zz"), nil},
		{"edited gte", fq("edited", "gte", edited), ps(22, 23, 24)},
		{"edited gt date only", fq("edited", "gt", "2024-05-02"),
			ps(17, 18, 19, 20, 21, 22, 23, 24)},
		{"title lt", fq("title", "lt", "Person 02"), ps(0, 1)},
		{"title lte", fq("title", "lte", "Person 01"), ps(0, 1)},
		{"description like", fq("description", "like", "rn"), ps(0, 5, 10, 15, 20)},
		{"like with percent", fq("customFields.email", "like", "p1%"),
			ps(10, 11, 12, 13, 14, 15, 16, 17, 18, 19)},
		{"isnotnull", fq("description", "isnotnull", ""), ps(0, 5, 10, 15, 20)},
		{"isnull", fq("customFields.number", "isnull", "") + "&take=3", ps(1, 3, 5)},
		{"neq", fq("description", "neq", "brno") + "&take=2", ps(1, 2)},
		{"in list", "filter[field]=name&filter[operator]=in" +
			"&filter[value][0]=p01&filter[value][1]=p09", ps(1, 9)},
		{"in comma", "filter[field]=name&filter[operator]=in&filter[value]=p02,p03", ps(2, 3)},
		{"notin", "filter[field]=name&filter[operator]=notin&filter[value]=p00,p01&take=2",
			ps(2, 3)},
		{"or group", "filter[logic]=or" +
			"&filter[filters][0][field]=name&filter[filters][0][value]=p01" +
			"&filter[filters][1][field]=customFields.email" +
			"&filter[filters][1][value]=p02@example.cz", ps(1, 2)},
		{"and with index", "filter[logic]=and" +
			"&filter[filters][0][field]=customFields.email" +
			"&filter[filters][0][value]=p05@example.cz" +
			"&filter[filters][1][field]=description&filter[filters][1][value]=prague", nil},
		{"nested", "filter[logic]=and" +
			"&filter[filters][0][field]=description&filter[filters][0][value]=brno" +
			"&filter[filters][1][logic]=or" +
			"&filter[filters][1][filters][0][field]=name" +
			"&filter[filters][1][filters][0][value]=p05" +
			"&filter[filters][1][filters][1][field]=name" +
			"&filter[filters][1][filters][1][value]=p10", ps(5, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.do("GET", "/api/v6/contacts.json?"+tt.query, nil).mustStatus(t, 200)
			if got := names(a); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("names %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListBadQuery(t *testing.T) {
	h := newHarness(t, Options{})
	for _, q := range []string{
		filterQuery("nosuch", "eq", "x"),
		filterQuery("customFields.fax", "eq", "x"),
		filterQuery("name", "approx", "x"),
		"sort[0][field]=nosuch",
		"skip=-1",
	} {
		a := h.do("GET", "/api/v6/contacts.json?"+q, nil).mustStatus(t, 400)
		if errs, ok := a.env["error"].([]any); !ok || len(errs) != 1 {
			t.Errorf("%s: error %v", q, a.env["error"])
		}
	}
}

func TestListFieldsAndShape(t *testing.T) {
	h := newHarness(t, Options{})
	seedPeople(t, h)
	a := h.do("GET", "/api/v6/contacts.json?take=1&fields[0]=title&fields[1]=edited", nil)
	got := a.mustStatus(t, 200).data()[0].(map[string]any)
	if len(got) != 3 || got["title"] != "Person 00" || got["edited"] != "2024-05-01 08:00:00" {
		t.Fatalf("picked fields %v", got)
	}
}

func TestListShapeMatchesFixture(t *testing.T) {
	want := fixture(t, "contacts.json")
	h := newHarness(t, Options{Fields: fixtureFields})
	h.do("POST", "/api/v6/contacts.json", map[string]any{
		"title": "Testing user", "lastname": "User", "database": "shoptet",
	}).mustStatus(t, 201)
	a := h.do("GET", "/api/v6/contacts.json", nil).mustStatus(t, 200)
	wantRec := want["result"].(map[string]any)["data"].([]any)[1]
	if !reflect.DeepEqual(shape(a.data()[0]), shape(wantRec)) {
		t.Fatalf("record shape\n got %v\nwant %v", shape(a.data()[0]), shape(wantRec))
	}
	if !reflect.DeepEqual(keys(shape(a.result())), keys(shape(want["result"]))) {
		t.Fatalf("result keys differ")
	}
}

func TestListSeesWritesBetweenPages(t *testing.T) {
	h := newHarness(t, Options{})
	seedPeople(t, h)
	h.do("GET", "/api/v6/contacts.json?take=1", nil).mustStatus(t, 200)
	h.do("POST", "/api/v6/contacts.json", contactBody("a0", "a0@example.cz")).mustStatus(t, 201)
	h.do("DELETE", "/api/v6/contacts/p00.json", nil).mustStatus(t, 204)
	h.do("POST", "/api/v6/contacts.json", contactBody("p00", "again@example.cz")).mustStatus(t, 201)
	a := h.do("GET", "/api/v6/contacts.json?take=3", nil).mustStatus(t, 200)
	if got := names(a); !reflect.DeepEqual(got, []string{"a0", "p00", "p01"}) {
		t.Fatalf("names %v", got)
	}
	if a.result()["total"] != 26.0 {
		t.Fatalf("total %v", a.result()["total"])
	}
}
