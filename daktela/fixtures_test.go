package daktela

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const fixtureDir = "../../shared/fixtures/daktela-api"

// fixtureWant is what decoding one recorded answer must give.
type fixtureWant struct {
	list     bool // result is a list page
	total    int
	names    []string // record names in order (lists and single records)
	messages []string
	fields   map[string][]string
}

var fixtureWants = map[string]fixtureWant{
	"contacts.json": {list: true, total: 4,
		names: []string{"test_user_with_user", "testing_user"}},
	"simple-contact.json": {names: []string{"testing_user"}},
	"update-contact.json": {names: []string{"testing_user_637828625039351324"}},
	"create-contract-bad-email-format.json": {
		fields: map[string][]string{"customFields.email": {"E-mail není ve správném formátu"}}},
	"create-contract-bad-request.json": {
		fields: map[string][]string{"user": {"Chyba cizího klíče"}}},
	"error-form.json": {fields: map[string][]string{"lastname": {"Item is mandatory"}}},
	"error-primary.json": {
		messages: []string{"User have not available devices", "error"}},
	"error-primary-and-form.json": {
		messages: []string{"User have not available devices", "error"},
		fields:   map[string][]string{"lastname": {"Item is mandatory"}}},
	"error-string.json": {messages: []string{"Object not exist"}},
	"update-contact-bad-request.json": {fields: map[string][]string{
		"title": {"Vstup je povinný"}, "lastname": {"Vstup je povinný"}}},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if os.IsNotExist(err) {
		t.Skipf("fixture %s absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fakeResponse(status int, body []byte) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(body))}
}

func TestDecodeFixtures(t *testing.T) {
	entries, err := os.ReadDir(fixtureDir)
	if os.IsNotExist(err) {
		t.Skip("fixtures absent")
	}
	if err != nil {
		t.Fatal(err)
	}
	c := newOfflineClient(t)
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			want, ok := fixtureWants[e.Name()]
			if !ok {
				t.Fatalf("no expectation for fixture %s", e.Name())
			}
			body := readFixture(t, e.Name())
			for _, status := range []int{200, 400} {
				checkFixture(t, c, status, body, want)
			}
		})
	}
}

func checkFixture(t *testing.T, c *Client, status int, body []byte, want fixtureWant) {
	t.Helper()
	var names []string
	var total int
	var err error
	if want.list {
		var p page[Contact]
		err = c.decodeAnswer(fakeResponse(status, body), "GET", "/x", &p)
		for _, ct := range p.Data {
			names = append(names, ct.Name)
		}
		total = p.Total
	} else {
		var ct Contact
		err = c.decodeAnswer(fakeResponse(status, body), "GET", "/x", &ct)
		if ct.Name != "" {
			names = []string{ct.Name}
		}
	}

	if want.messages == nil && want.fields == nil {
		if status == 400 {
			if e, ok := AsError(err); !ok || e.Kind != KindValidation {
				t.Fatalf("status 400: err = %v, want validation *Error", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if !reflect.DeepEqual(names, want.names) || total != want.total {
			t.Fatalf("names %v total %d, want %v %d", names, total, want.names, want.total)
		}
		return
	}

	e, ok := AsError(err)
	if !ok {
		t.Fatalf("status %d: err = %v, want *Error", status, err)
	}
	if !reflect.DeepEqual(e.Messages, want.messages) || !reflect.DeepEqual(e.Fields, want.fields) {
		t.Fatalf("status %d: messages %q fields %q, want %q %q",
			status, e.Messages, e.Fields, want.messages, want.fields)
	}
	wantKind := KindValidation
	if e.Kind != wantKind || e.Status != status {
		t.Fatalf("kind %v status %d, want %v %d", e.Kind, e.Status, wantKind, status)
	}
	for _, msgs := range want.fields {
		if !strings.Contains(e.Error(), msgs[0]) {
			t.Fatalf("error string %q lacks %q", e.Error(), msgs[0])
		}
	}
}

func TestFixtureContactsFields(t *testing.T) {
	body := readFixture(t, "contacts.json")
	var p page[Contact]
	if err := newOfflineClient(t).decodeAnswer(fakeResponse(200, body), "GET", "/x", &p); err != nil {
		t.Fatal(err)
	}
	got := p.Data[0]
	want := Contact{
		Name: "test_user_with_user", Title: "Test user with user",
		FirstName: "Test", LastName: "User", User: "administrator",
		CustomFields: CustomFields{"number": {}, "address": {}, "email": {}, "note": {}},
		Created:      time.Date(2022, 3, 2, 15, 51, 17, 0, prague),
		Edited:       time.Date(2022, 3, 2, 16, 1, 27, 0, prague),
	}
	gotScheme := got.Scheme
	got.Scheme = nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("contact\n got %+v\nwant %+v", got, want)
	}
	if f := gotScheme["note"]; f != (FieldInfo{Type: "TEXTAREA", Title: "Poznámka"}) {
		t.Fatalf("scheme note = %+v", f)
	}
	if len(gotScheme) != 4 || gotScheme["number"].Type != "PHONE" {
		t.Fatalf("scheme = %+v", gotScheme)
	}
	if p.Data[1].User != "" || p.Data[1].Account != "" {
		t.Fatalf("null user/account decoded as %q/%q", p.Data[1].User, p.Data[1].Account)
	}
}

// TestFixtureEchoedRecords checks that records echoed beside an error, with
// nulls inside custom field arrays, still decode.
func TestFixtureEchoedRecords(t *testing.T) {
	tests := []struct {
		file string
		want CustomFields
	}{
		{"create-contract-bad-email-format.json", CustomFields{"number": {"0041796533279"},
			"address": {}, "email": {"email.@domain.fpp"}, "note": {}}},
		{"update-contact-bad-request.json", CustomFields{"number": {"123456789"},
			"address": {}, "email": {"my@email.com"}, "note": {}}},
		{"update-contact.json", CustomFields{"number": {"123456789"},
			"address": {}, "email": {"my@email.com"}, "note": {}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := bytes.TrimPrefix(readFixture(t, tt.file), utf8BOM)
			var env struct{ Result Contact }
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(env.Result.CustomFields, tt.want) {
				t.Fatalf("custom fields %q, want %q", env.Result.CustomFields, tt.want)
			}
		})
	}
}

func FuzzDecodeAnswer(f *testing.F) {
	for name := range fixtureWants {
		if b, err := os.ReadFile(filepath.Join(fixtureDir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"error":{"form":{"customFields":{"a":["x",null,1]}}},"result":null}`))
	f.Add([]byte(`{"error":[],"result":{"data":{"a":{"title":"x"}},"total":"1"}}`))
	c, _ := New(Options{URL: "https://x.daktela.com", Token: "secret", Timeout: time.Second})
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{200, 400} {
			var p page[Contact]
			err := c.decodeAnswer(fakeResponse(status, body), "GET", "/x", &p)
			if status == 400 && err == nil {
				t.Fatal("400 decoded without error")
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Fatal("token in error")
			}
		}
	})
}
