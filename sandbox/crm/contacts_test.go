package crm

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct {
		name   string
		path   string
		token  string
		status int
	}{
		{"header token", "/api/v6/whoim.json", testToken, 200},
		{"legacy query token", "/api/v6/whoim.json?accessToken=" + testToken, "", 200},
		{"missing token", "/api/v6/whoim.json", "", 401},
		{"wrong token", "/api/v6/whoim.json", "nope", 401},
		{"wrong token on contacts", "/api/v6/contacts.json", "nope", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.doToken("GET", tt.path, nil, tt.token).mustStatus(t, tt.status)
			if tt.status == 401 {
				if _, ok := a.env["error"].(string); !ok || a.env["result"] != nil {
					t.Fatalf("401 body %s, want string error and null result", a.raw)
				}
				return
			}
			if a.result()["name"] != sandboxUser {
				t.Fatalf("whoim result %v", a.result())
			}
			if errs, ok := a.env["error"].([]any); !ok || len(errs) != 0 {
				t.Fatalf("success error %v, want []", a.env["error"])
			}
			if len(a.env["_time"].(string)) != len("2006-01-02 15:04:05") {
				t.Fatalf("_time %v", a.env["_time"])
			}
		})
	}
}

func TestUnknownEndpoint(t *testing.T) {
	h := newHarness(t, Options{})
	for _, path := range []string{"/api/v6/nothing.json", "/elsewhere", "/api/v6/contacts/"} {
		a := h.do("GET", path, nil).mustStatus(t, 404)
		if _, ok := a.env["error"].(string); !ok {
			t.Errorf("%s: error %v, want a string", path, a.env["error"])
		}
	}
	h.do("PATCH", "/api/v6/contacts.json", nil).mustStatus(t, 404)
}

func TestCreateAndGetContact(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.do("POST", "/api/v6/contacts.json", contactBody("jan", "jan@example.cz"))
	a.mustStatus(t, http.StatusCreated)
	if a.result()["name"] != "jan" {
		t.Fatalf("created name %v", a.result()["name"])
	}

	got := h.do("GET", "/api/v6/contacts/jan.json", nil).mustStatus(t, 200).result()
	cf := got["customFields"].(map[string]any)
	if !reflect.DeepEqual(cf["email"], []any{"jan@example.cz"}) {
		t.Errorf("email %v", cf["email"])
	}
	if !reflect.DeepEqual(cf["note"], []any{}) {
		t.Errorf("empty field %v, want []", cf["note"])
	}
	sys := got["_sys"].(map[string]any)
	if sys["model"] != "contacts" || sys["cfScheme"].(map[string]any)["email"] == nil {
		t.Errorf("_sys %v", sys)
	}
	for _, key := range []string{"duplicateContacts", "notDuplicateContacts", "account", "user"} {
		if v, ok := got[key]; !ok || v != nil {
			t.Errorf("%s = %v, want null", key, v)
		}
	}

	gen := h.do("POST", "/api/v6/contacts.json", contactBody("", "x@example.cz"))
	gen.mustStatus(t, http.StatusCreated)
	if name, _ := gen.result()["name"].(string); !strings.HasPrefix(name, "contact_") {
		t.Errorf("generated name %q", name)
	}
}

func TestGetContactShapeMatchesFixture(t *testing.T) {
	want := fixture(t, "simple-contact.json")
	h := newHarness(t, Options{Fields: fixtureFields})
	h.do("POST", "/api/v6/contacts.json", map[string]any{
		"name": "testing_user", "title": "Testing user", "firstname": "Testing",
		"lastname": "user", "database": "shoptet",
	}).mustStatus(t, 201)
	got := h.do("GET", "/api/v6/contacts/testing_user.json", nil).mustStatus(t, 200)
	if !reflect.DeepEqual(shape(got.env), shape(want)) {
		t.Fatalf("shape\n got %v\nwant %v", shape(got.env), shape(want))
	}
}

func TestCreateContactValidation(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		name  string
		patch map[string]any
		field string // form key expected in error
		key   string // customFields key expected in error
	}{
		{"missing title", map[string]any{"title": nil}, "title", ""},
		{"long title", map[string]any{"title": long}, "title", ""},
		{"control char in title", map[string]any{"title": "a\x07b"}, "title", ""},
		{"missing lastname", map[string]any{"lastname": ""}, "lastname", ""},
		{"long lastname", map[string]any{"lastname": long[:129]}, "lastname", ""},
		{"long firstname", map[string]any{"firstname": long[:129]}, "firstname", ""},
		{"long description", map[string]any{"description": long + long + "d"}, "description", ""},
		{"missing database", map[string]any{"database": nil}, "database", ""},
		{"unknown database", map[string]any{"database": "other"}, "database", ""},
		{"unknown user", map[string]any{"user": "ghost"}, "user", ""},
		{"duplicate name", map[string]any{"name": "taken"}, "name", ""},
		{"bad email", custom("email", []string{"a.@b.cz"}), "", "email"},
		{"unknown custom key", custom("fax", []string{"1"}), "", "fax"},
		{"custom not array", custom("note", "text"), "", "note"},
		{"custom number item", custom("note", []any{1}), "", "note"},
	}
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("taken", "t@example.cz")).mustStatus(t, 201)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := contactBody("", "ok@example.cz")
			for k, v := range tt.patch {
				body[k] = v
			}
			a := h.do("POST", "/api/v6/contacts.json", body).mustStatus(t, 400)
			form := a.env["error"].(map[string]any)["form"].(map[string]any)
			if tt.field != "" {
				if _, ok := form[tt.field].(string); !ok {
					t.Fatalf("form %v lacks %s", form, tt.field)
				}
			} else {
				cf := form["customFields"].(map[string]any)
				if msgs, ok := cf[tt.key].([]any); !ok || len(msgs) == 0 {
					t.Fatalf("form %v lacks customFields.%s", form, tt.key)
				}
			}
			if a.result() == nil || a.result()["_sys"] == nil {
				t.Fatalf("400 must echo the record, got %s", a.raw)
			}
		})
	}
	if n := len(h.srv.Contacts()); n != 1 {
		t.Fatalf("rejected creates stored something: %d contacts", n)
	}
}

func TestLastnameMessageIsCzech(t *testing.T) {
	h := newHarness(t, Options{})
	body := contactBody("", "a@b.cz")
	delete(body, "lastname")
	a := h.do("POST", "/api/v6/contacts.json", body).mustStatus(t, 400)
	form := a.env["error"].(map[string]any)["form"].(map[string]any)
	if form["lastname"] != "Vstup je povinný" {
		t.Fatalf("lastname message %v", form["lastname"])
	}
}

func TestBadEmailShapeMatchesFixture(t *testing.T) {
	want := fixture(t, "create-contract-bad-email-format.json")
	h := newHarness(t, Options{Fields: fixtureFields})
	a := h.do("POST", "/api/v6/contacts.json", map[string]any{
		"name": "name", "title": "firstname lastname", "firstname": "firstname",
		"lastname": "lastname", "database": "shoptet",
		"customFields": map[string]any{
			"number": []string{"0041796533279"}, "email": []string{"email.@domain.fpp"},
		},
	}).mustStatus(t, 400)
	if !reflect.DeepEqual(shape(a.env), shape(want)) {
		t.Fatalf("shape\n got %v\nwant %v", shape(a.env), shape(want))
	}
	if !reflect.DeepEqual(a.env["error"], want["error"]) {
		t.Fatalf("error %v, want %v", a.env["error"], want["error"])
	}
}

func TestUpdateContact(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("jan", "jan@example.cz")).mustStatus(t, 201)

	a := h.do("PUT", "/api/v6/contacts/jan.json", map[string]any{
		"firstname":    "Honza",
		"customFields": map[string]any{"email": []string{"new@example.cz", "jan@example.cz"}},
	}).mustStatus(t, 200)
	got := a.result()
	if got["firstname"] != "Honza" || got["lastname"] != "Novák" || got["title"] != "Jan Novák" {
		t.Errorf("scalars after put: %v %v %v", got["firstname"], got["lastname"], got["title"])
	}
	cf := got["customFields"].(map[string]any)
	if !reflect.DeepEqual(cf["email"], []any{"new@example.cz", "jan@example.cz"}) {
		t.Errorf("email %v", cf["email"])
	}
	if !reflect.DeepEqual(cf["number"], []any{"00420777000111"}) {
		t.Errorf("untouched number %v", cf["number"])
	}

	bad := h.do("PUT", "/api/v6/contacts/jan.json", map[string]any{"title": "", "lastname": nil})
	form := bad.mustStatus(t, 400).env["error"].(map[string]any)["form"].(map[string]any)
	if form["title"] != msgRequired || form["lastname"] != msgRequired {
		t.Errorf("form %v", form)
	}
	if h.srv.Contacts()[0].Title != "Jan Novák" {
		t.Errorf("rejected put changed the contact")
	}
	h.do("PUT", "/api/v6/contacts/nobody.json", map[string]any{"title": "x"}).mustStatus(t, 404)
	h.do("PUT", "/api/v6/contacts/jan.json", []int{1}).mustStatus(t, 400)
}

func TestUpdateShapeMatchesFixture(t *testing.T) {
	want := fixture(t, "update-contact-bad-request.json")
	h := newHarness(t, Options{Fields: fixtureFields})
	h.do("POST", "/api/v6/contacts.json", contactBody("u", "my@email.com")).mustStatus(t, 201)
	a := h.do("PUT", "/api/v6/contacts/u.json", map[string]any{"title": nil, "lastname": nil})
	a.mustStatus(t, 400)
	if !reflect.DeepEqual(shape(a.env["error"]), shape(want["error"])) {
		t.Fatalf("error shape %v, want %v", a.env["error"], want["error"])
	}
	gotKeys, wantKeys := shape(a.result()), shape(want["result"])
	if !reflect.DeepEqual(keys(gotKeys), keys(wantKeys)) {
		t.Fatalf("result keys %v, want %v", keys(gotKeys), keys(wantKeys))
	}
}

func custom(key string, value any) map[string]any {
	return map[string]any{"customFields": map[string]any{key: value}}
}

func keys(v any) []string {
	var out []string
	for k := range v.(map[string]any) {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestDeleteContact(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("jan", "jan@example.cz")).mustStatus(t, 201)
	a := h.do("DELETE", "/api/v6/contacts/jan.json", nil).mustStatus(t, 204)
	if len(a.raw) != 0 {
		t.Errorf("204 body %q", a.raw)
	}
	nf := h.do("GET", "/api/v6/contacts/jan.json", nil).mustStatus(t, 404)
	if nf.env["error"] != msgNotExist || nf.env["result"] != nil {
		t.Errorf("404 body %s", nf.raw)
	}
	h.do("DELETE", "/api/v6/contacts/jan.json", nil).mustStatus(t, 404)
	q := "filter[field]=customFields.email&filter[value]=jan@example.cz"
	list := h.do("GET", contactsQuery(q), nil)
	if total := list.result()["total"]; total != 0.0 {
		t.Errorf("deleted contact still indexed: total %v", total)
	}
}

func TestNamesWithDots(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("a.b", "ab@example.cz")).mustStatus(t, 201)
	h.do("POST", "/api/v6/contacts.json", contactBody("a", "a@example.cz")).mustStatus(t, 201)
	tests := []struct {
		path string
		want string
	}{
		{"/api/v6/contacts/a%2Eb.json", "a.b"},
		{"/api/v6/contacts/a%2eb.json", "a.b"},
		{"/api/v6/contacts/a.b.json", "a"}, // the router cuts at the dot
		{"/api/v6/contacts/a.json", "a"},
	}
	for _, tt := range tests {
		got := h.do("GET", tt.path, nil).mustStatus(t, 200).result()["name"]
		if got != tt.want {
			t.Errorf("%s: got %v, want %s", tt.path, got, tt.want)
		}
	}
	h.do("DELETE", "/api/v6/contacts/a%2Eb.json", nil).mustStatus(t, 204)
	h.do("GET", "/api/v6/contacts/a%2Eb.json", nil).mustStatus(t, 404)
	h.do("GET", "/api/v6/contacts/a.json", nil).mustStatus(t, 200)
}

func TestNamesWithSlashAndSpace(t *testing.T) {
	h := newHarness(t, Options{})
	h.do("POST", "/api/v6/contacts.json", contactBody("x/y z", "xy@example.cz")).mustStatus(t, 201)
	got := h.do("GET", "/api/v6/contacts/x%2Fy%20z.json", nil).mustStatus(t, 200)
	if got.result()["name"] != "x/y z" {
		t.Fatalf("name %v", got.result()["name"])
	}
}
