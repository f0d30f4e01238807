package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

const benchContacts = 200_000

var (
	bigOnce sync.Once
	bigSrv  *Server
)

// bigServer holds 200,000 contacts, shared by the benchmarks because
// seeding them dominates a single run.
func bigServer(b *testing.B) *Server {
	b.Helper()
	bigOnce.Do(func() {
		srv, err := New(Options{Token: testToken})
		if err != nil {
			b.Fatal(err)
		}
		cs := make([]Contact, benchContacts)
		for i := range cs {
			cs[i] = Contact{
				Name: fmt.Sprintf("c%07d", i), Title: "T", LastName: "L", Database: "shoptet",
				CustomFields: map[string][]string{
					"email":  {fmt.Sprintf("user%d@example.cz", i)},
					"number": {fmt.Sprintf("00420%09d", i)},
				},
			}
		}
		if err := srv.Seed(cs); err != nil {
			b.Fatal(err)
		}
		bigSrv = srv
	})
	return bigSrv
}

func serve(b *testing.B, srv *Server, method, target string, body []byte, want int) {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.Header.Set("X-AUTH-TOKEN", testToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body.Bytes())
	}
}

func BenchmarkGetByName(b *testing.B) {
	srv := bigServer(b)
	i := 0
	for b.Loop() {
		serve(b, srv, "GET", fmt.Sprintf("/api/v6/contacts/c%07d.json", i%benchContacts), nil, 200)
		i += 7919
	}
}

func BenchmarkFilterByEmail(b *testing.B) {
	srv := bigServer(b)
	i := 0
	for b.Loop() {
		email := fmt.Sprintf("user%d@example.cz", i%benchContacts)
		serve(b, srv, "GET", contactsQuery(fq("customFields.email", "eq", email)), nil, 200)
		i += 7919
	}
}

// BenchmarkPageAfterWrite lists a page of 1000 after an insert, the worst
// case of the sorted-name cache.
func BenchmarkPageAfterWrite(b *testing.B) {
	srv := bigServer(b)
	i := 0
	for b.Loop() {
		body, _ := json.Marshal(contactBody(fmt.Sprintf("zz%09d", i), "p@x.cz"))
		serve(b, srv, "POST", "/api/v6/contacts.json", body, http.StatusCreated)
		q := fmt.Sprintf("skip=%d&take=1000", i*1000%benchContacts)
		serve(b, srv, "GET", contactsQuery(q), nil, 200)
		i++
	}
}

func BenchmarkPage(b *testing.B) {
	srv := bigServer(b)
	i := 0
	for b.Loop() {
		q := fmt.Sprintf("skip=%d&take=100", i*100%benchContacts)
		serve(b, srv, "GET", contactsQuery(q), nil, 200)
		i++
	}
}

func BenchmarkCreate(b *testing.B) {
	srv, err := New(Options{Token: testToken})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		body, _ := json.Marshal(contactBody(fmt.Sprintf("n%09d", i), fmt.Sprintf("u%d@x.cz", i)))
		serve(b, srv, "POST", "/api/v6/contacts.json", body, http.StatusCreated)
		i++
	}
}

func BenchmarkSeed200k(b *testing.B) {
	cs := make([]Contact, benchContacts)
	for i := range cs {
		cs[i] = Contact{Name: fmt.Sprintf("c%07d", i), CustomFields: map[string][]string{
			"email": {fmt.Sprintf("user%d@example.cz", i)}}}
	}
	for b.Loop() {
		srv, _ := New(Options{Token: testToken})
		if err := srv.Seed(cs); err != nil {
			b.Fatal(err)
		}
	}
}
