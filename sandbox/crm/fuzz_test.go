package crm

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzListQuery feeds arbitrary query strings to the list endpoint: the
// answer must be a 200 or a 400, always in the envelope.
func FuzzListQuery(f *testing.F) {
	f.Add(filterQuery("customFields.email", "eq", "a@b.cz"))
	f.Add("filter[logic]=or&filter[filters][0][filters][0][field]=name" +
		"&sort[0][field]=edited&sort[0][dir]=desc")
	f.Add("filter[field]=name&filter[operator]=in&filter[value][0]=a&fields[0]=title&skip=1&take=2")
	f.Add("filter[field]=description&filter[operator]=like&filter[value]=%25a_b%25")
	srv, err := New(Options{Token: testToken})
	if err != nil {
		f.Fatal(err)
	}
	if err := srv.Seed([]Contact{{Name: "a", Title: "A", Description: "x",
		CustomFields: map[string][]string{"email": {"a@b.cz"}}}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest("GET", "/api/v6/contacts.json", nil)
		req.URL.RawQuery = query
		req.Header.Set("X-AUTH-TOKEN", testToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		checkEnvelope(t, rec, 200, 400)
	})
}

// FuzzCreateContact feeds arbitrary bodies to contact creation.
func FuzzCreateContact(f *testing.F) {
	f.Add(`{"title":"T","lastname":"L","database":"shoptet","customFields":{"email":["a@b.cz"]}}`)
	f.Add(`{"title":null,"customFields":{"email":"x","number":[null,1]}}`)
	f.Add(`{"name":"a.b","title":"T","lastname":"L","database":"shoptet",` +
		`"user":{"name":"administrator"}}`)
	f.Add("\xef\xbb\xbf[]")
	srv, err := New(Options{Token: testToken})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/v6/contacts.json", strings.NewReader(body))
		req.Header.Set("X-AUTH-TOKEN", testToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		checkEnvelope(t, rec, 201, 400)
	})
}

func checkEnvelope(t *testing.T, rec *httptest.ResponseRecorder, allowed ...int) {
	t.Helper()
	ok := false
	for _, code := range allowed {
		ok = ok || rec.Code == code
	}
	if !ok {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("not json: %s", rec.Body.Bytes())
	}
	for _, key := range []string{"error", "result", "_time"} {
		if _, found := env[key]; !found {
			t.Fatalf("envelope lacks %s: %s", key, rec.Body.Bytes())
		}
	}
}
