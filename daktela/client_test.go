package daktela

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "tok-5ecret-ABC123"

// received is one request as the fake server saw it.
type received struct {
	Method     string
	RequestURI string
	RawPath    string
	Query      url.Values
	Header     http.Header
	Body       []byte
}

// fakeAPI records requests and answers each with the next reply (the last
// one repeats).
type fakeAPI struct {
	mu      sync.Mutex
	reqs    []received
	replies []reply
}

type reply struct {
	status int
	body   string
	header map[string]string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, received{r.Method, r.RequestURI, r.URL.RawPath,
		r.URL.Query(), r.Header.Clone(), body})
	rep := f.replies[min(len(f.reqs), len(f.replies))-1]
	f.mu.Unlock()
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

func (f *fakeAPI) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.reqs...)
}

func newTestClient(t *testing.T, replies ...reply) (*Client, *fakeAPI) {
	t.Helper()
	api := &fakeAPI{replies: replies}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	c, err := New(Options{URL: srv.URL, Token: testToken, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func newOfflineClient(t testing.TB) *Client {
	t.Helper()
	c, err := New(Options{URL: "https://acme.daktela.com", Token: testToken, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ok(result string) reply {
	body := `{"error":[],"result":` + result + `,"_time":"2024-01-01 10:00:00"}`
	return reply{status: 200, body: body}
}

// checkCommon asserts what every request must carry.
func checkCommon(t *testing.T, r received, method, requestURI string) {
	t.Helper()
	if r.Method != method || r.RequestURI != requestURI {
		t.Errorf("request %s %s, want %s %s", r.Method, r.RequestURI, method, requestURI)
	}
	if got := r.Header.Get("X-AUTH-TOKEN"); got != testToken {
		t.Errorf("X-AUTH-TOKEN = %q", got)
	}
	if r.Query.Has("accessToken") || strings.Contains(r.RequestURI, testToken) {
		t.Errorf("token in url %s", r.RequestURI)
	}
	wantCT := ""
	if len(r.Body) > 0 {
		wantCT = "application/json"
	}
	if got := r.Header.Get("Content-Type"); got != wantCT {
		t.Errorf("Content-Type = %q, want %q", got, wantCT)
	}
	if r.Header.Get("User-Agent") != defaultUserAgent {
		t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
	}
}

func jsonBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return m
}

func TestNewValidation(t *testing.T) {
	valid := Options{URL: "https://acme.daktela.com", Token: "t", Timeout: time.Second}
	tests := []struct {
		name   string
		edit   func(*Options)
		option string // "" means valid
	}{
		{"valid", func(*Options) {}, ""},
		{"http localhost", func(o *Options) { o.URL = "http://localhost:8080" }, ""},
		{"http loopback ip", func(o *Options) { o.URL = "http://127.0.0.1:9/" }, ""},
		{"missing url", func(o *Options) { o.URL = "" }, "URL"},
		{"relative url", func(o *Options) { o.URL = "acme.daktela.com" }, "URL"},
		{"plain http remote", func(o *Options) { o.URL = "http://acme.daktela.com" }, "URL"},
		{"ftp", func(o *Options) { o.URL = "ftp://acme.daktela.com" }, "URL"},
		{"credentials", func(o *Options) { o.URL = "https://u:p@acme.daktela.com" }, "URL"},
		{"query", func(o *Options) { o.URL = "https://acme.daktela.com?accessToken=x" }, "URL"},
		{"missing token", func(o *Options) { o.Token = "" }, "Token"},
		{"token newline", func(o *Options) { o.Token = "a\nb" }, "Token"},
		{"zero timeout", func(o *Options) { o.Timeout = 0 }, "Timeout"},
		{"negative timeout", func(o *Options) { o.Timeout = -time.Second }, "Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid
			tt.edit(&o)
			_, err := New(o)
			var oe *OptionError
			switch {
			case tt.option == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.option != "" && (!errors.As(err, &oe) || oe.Option != tt.option):
				t.Fatalf("err = %v, want option %s", err, tt.option)
			case tt.option != "" && !strings.Contains(err.Error(), "option "+tt.option):
				t.Fatalf("error %q does not name %s", err, tt.option)
			}
		})
	}
}

func TestWhoAmI(t *testing.T) {
	tests := []struct{ name, result string }{
		{"embedded", `{"user":{"name":"admin","title":"Admin","email":"a@b.cz"},"version":"6"}`},
		{"flat", `{"name":"admin","title":"Admin","email":"a@b.cz"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, api := newTestClient(t, ok(tt.result))
			u, err := c.WhoAmI(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if u != (User{Name: "admin", Title: "Admin", Email: "a@b.cz"}) {
				t.Fatalf("user = %+v", u)
			}
			checkCommon(t, api.requests()[0], "GET", "/api/v6/whoim.json")
		})
	}
}

func TestContactEscapesName(t *testing.T) {
	c, api := newTestClient(t, ok(`{"name":"jan.novak/x y","title":"Jan","lastname":"Novák",
		"account":{"name":"acme","title":"Acme"},"customFields":[],"created":"2024-02-03 04:05:06"}`))
	ct, err := c.Contact(context.Background(), "jan.novak/x y")
	if err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	checkCommon(t, r, "GET", "/api/v6/contacts/jan%2Enovak%2Fx%20y.json")
	if r.RawPath != "/api/v6/contacts/jan%2Enovak%2Fx%20y.json" {
		t.Errorf("RawPath = %q", r.RawPath)
	}
	want := Contact{Name: "jan.novak/x y", Title: "Jan", LastName: "Novák", Account: "acme",
		Created: time.Date(2024, 2, 3, 4, 5, 6, 0, prague)}
	if !reflect.DeepEqual(ct, want) {
		t.Fatalf("contact = %+v", ct)
	}
}

func TestContactNotFound(t *testing.T) {
	c, _ := newTestClient(t, reply{status: 404,
		body: "\uFEFF" + `{"error":"Object not exist","result":null}`})
	_, err := c.Contact(context.Background(), "nobody")
	if !IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	if _, err := c.Contact(context.Background(), ""); err == nil || IsNotFound(err) {
		t.Fatalf("empty name: err = %v", err)
	}
}

func TestCreateContact(t *testing.T) {
	c, api := newTestClient(t, reply{status: 201,
		body: `{"error":[],"result":{"name":"shoptet_1","title":"Jan Novák","lastname":"Novák",` +
			`"customFields":{"email":["jan@x.cz",null]},"_sys":{"cfScheme":{"email":` +
			`{"type":"EMAIL","title":"E-mail","hidden":0,"readonly":"1"}}}}}`})
	in := Contact{Name: "shoptet_1", Title: "Jan Novák", LastName: "Novák", Database: "eshop",
		CustomFields: CustomFields{"email": {"jan@x.cz"}, "number": nil},
		Created:      time.Now(), Scheme: map[string]FieldInfo{"x": {}}}
	got, err := c.CreateContact(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	checkCommon(t, r, "POST", "/api/v6/contacts.json")
	wantBody := map[string]any{"name": "shoptet_1", "title": "Jan Novák", "lastname": "Novák",
		"database": "eshop", "customFields": map[string]any{
			"email": []any{"jan@x.cz"}, "number": []any{}}}
	if b := jsonBody(t, r.Body); !reflect.DeepEqual(b, wantBody) {
		t.Fatalf("body = %v", b)
	}
	if got.Name != "shoptet_1" || !reflect.DeepEqual(got.CustomFields["email"], []string{"jan@x.cz"}) {
		t.Fatalf("created = %+v", got)
	}
	if f := got.Scheme["email"]; f != (FieldInfo{Type: "EMAIL", Title: "E-mail", ReadOnly: true}) {
		t.Fatalf("scheme = %+v", f)
	}
}

func TestUpdateContact(t *testing.T) {
	c, api := newTestClient(t, ok(`{"name":"a.b","title":"T","user":{"name":"admin"}}`))
	got, err := c.UpdateContact(context.Background(), Contact{Name: "a.b", Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	checkCommon(t, r, "PUT", "/api/v6/contacts/a%2Eb.json")
	if b := jsonBody(t, r.Body); !reflect.DeepEqual(b, map[string]any{"name": "a.b", "title": "T"}) {
		t.Fatalf("body = %v", b)
	}
	if got.User != "admin" {
		t.Fatalf("user = %q", got.User)
	}
	if _, err := c.UpdateContact(context.Background(), Contact{Title: "no name"}); err == nil {
		t.Fatal("update without name accepted")
	}
	if n := len(api.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestMergeContacts(t *testing.T) {
	c, api := newTestClient(t, ok(`{"name":"b.c","title":"Merged"}`))
	got, err := c.MergeContacts(context.Background(), []string{"a", "b.c"})
	if err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	checkCommon(t, r, "POST", "/api/v6/mergeContacts.json?contacts%5B0%5D=a&contacts%5B1%5D=b.c")
	if r.Query.Get("contacts[0]") != "a" || r.Query.Get("contacts[1]") != "b.c" || len(r.Body) != 0 {
		t.Fatalf("query %v body %q", r.Query, r.Body)
	}
	if got.Name != "b.c" || got.Title != "Merged" {
		t.Fatalf("merged = %+v", got)
	}
	for _, names := range [][]string{nil, {"a"}, {"a", ""}} {
		if _, err := c.MergeContacts(context.Background(), names); err == nil {
			t.Errorf("names %q accepted", names)
		}
	}
	if n := len(api.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestCRMRecordWrites(t *testing.T) {
	result := `{"name":"order.1","type":{"name":"order","title":"Order"},"title":"Order 1",` +
		`"stage":"OPEN","contact":{"name":"c1"},"account":null,"status":null,` +
		`"customFields":{"total":["12.50"]},"edited":"2024-05-06 07:08:09"}`
	want := CRMRecord{Name: "order.1", Type: "order", Title: "Order 1", Stage: "OPEN",
		Contact: "c1", CustomFields: CustomFields{"total": {"12.50"}},
		Edited: time.Date(2024, 5, 6, 7, 8, 9, 0, prague)}
	in := CRMRecord{Name: "order.1", Type: "order", Title: "Order 1", Stage: "OPEN",
		Contact: "c1", CustomFields: CustomFields{"total": {"12.50"}}}
	wantBody := map[string]any{"name": "order.1", "type": "order", "title": "Order 1",
		"stage": "OPEN", "contact": "c1", "customFields": map[string]any{"total": []any{"12.50"}}}

	c, api := newTestClient(t, reply{status: 201, body: `{"error":[],"result":` + result + `}`})
	got, err := c.CreateCRMRecord(context.Background(), in)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("create = %+v, %v", got, err)
	}
	got, err = c.UpdateCRMRecord(context.Background(), in)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("update = %+v, %v", got, err)
	}
	reqs := api.requests()
	checkCommon(t, reqs[0], "POST", "/api/v6/crmRecords.json")
	checkCommon(t, reqs[1], "PUT", "/api/v6/crmRecords/order%2E1.json")
	for _, r := range reqs {
		if b := jsonBody(t, r.Body); !reflect.DeepEqual(b, wantBody) {
			t.Fatalf("body = %v", b)
		}
	}
}

// pagedAPI serves n contacts named c0..c<n-1> honouring skip and take.
func pagedAPI(t *testing.T, n int, keyed bool) (*Client, *fakeAPI) {
	t.Helper()
	return cappedAPI(t, n, keyed, 0)
}

// cappedAPI is pagedAPI on a server that answers at most pageCap records a page, whatever
// take asked for (0: no cap).
func cappedAPI(t *testing.T, n int, keyed bool, pageCap int) (*Client, *fakeAPI) {
	t.Helper()
	api := &fakeAPI{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		api.reqs = append(api.reqs, received{Method: r.Method, RequestURI: r.RequestURI,
			Query: r.URL.Query(), Header: r.Header.Clone()})
		api.mu.Unlock()
		skip, take := atoi(r.URL.Query().Get("skip")), atoi(r.URL.Query().Get("take"))
		if pageCap > 0 {
			take = min(take, pageCap)
		}
		var items []string
		for i := skip; i < min(skip+take, n); i++ {
			name := "c" + itoa(i)
			if keyed {
				items = append(items, `"`+name+`":{"title":"T`+itoa(i)+`"}`)
			} else {
				items = append(items, `{"name":"`+name+`"}`)
			}
		}
		data := "[" + strings.Join(items, ",") + "]"
		if keyed {
			data = "{" + strings.Join(items, ",") + "}"
		}
		_, _ = io.WriteString(w, `{"error":[],"result":{"data":`+data+`,"total":`+itoa(n)+`}}`)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{URL: srv.URL, Token: testToken, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func TestContactsPaging(t *testing.T) {
	tests := []struct {
		name      string
		n, size   int
		keyed     bool
		pageCap   int
		wantSkips []string
	}{
		{"short last page", 5, 2, false, 0, []string{"0", "2", "4"}},
		{"total reached", 4, 2, false, 0, []string{"0", "2"}},
		{"keyed data", 3, 2, true, 0, []string{"0", "2"}},
		{"empty", 0, 2, false, 0, []string{"0"}},
		{"default page size", 3, 0, false, 0, []string{"0"}},
		{"server answers fewer than asked", 5, 4, false, 2, []string{"0", "2", "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, api := cappedAPI(t, tt.n, tt.keyed, tt.pageCap)
			var names []string
			for ct, err := range c.Contacts(context.Background(), ListOptions{PageSize: tt.size}) {
				if err != nil {
					t.Fatal(err)
				}
				names = append(names, ct.Name)
			}
			if len(names) != tt.n || (tt.n > 0 && names[tt.n-1] != "c"+itoa(tt.n-1)) {
				t.Fatalf("names = %v", names)
			}
			var skips []string
			for _, r := range api.requests() {
				checkCommon(t, r, "GET", r.RequestURI)
				skips = append(skips, r.Query.Get("skip"))
				if want := itoa(max(tt.size, 0)); tt.size > 0 && r.Query.Get("take") != want {
					t.Errorf("take = %s", r.Query.Get("take"))
				}
				if tt.size == 0 && r.Query.Get("take") != "1000" {
					t.Errorf("default take = %s", r.Query.Get("take"))
				}
			}
			if !reflect.DeepEqual(skips, tt.wantSkips) {
				t.Fatalf("skips = %v, want %v", skips, tt.wantSkips)
			}
		})
	}
}

func TestContactsQueryAndBreak(t *testing.T) {
	c, api := pagedAPI(t, 10, false)
	o := ListOptions{
		Filters: []Filter{{"customFields.email", "eq", "a@b.cz"},
			{"edited", "gte", "2024-01-01 00:00:00"}, {"account", "isnull", ""}},
		Sort:     []Sort{{"edited", "desc"}},
		Fields:   []string{"name", "customFields"},
		PageSize: 3, Skip: 1,
	}
	for ct, err := range c.Contacts(context.Background(), o) {
		if err != nil || ct.Name != "c1" {
			t.Fatalf("first = %v, %v", ct, err)
		}
		break
	}
	reqs := api.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests after break, want 1", len(reqs))
	}
	want := url.Values{
		"filter[logic]":                {"and"},
		"filter[filters][0][field]":    {"customFields.email"},
		"filter[filters][0][operator]": {"eq"},
		"filter[filters][0][value]":    {"a@b.cz"},
		"filter[filters][1][field]":    {"edited"},
		"filter[filters][1][operator]": {"gte"},
		"filter[filters][1][value]":    {"2024-01-01 00:00:00"},
		"filter[filters][2][field]":    {"account"},
		"filter[filters][2][operator]": {"isnull"},
		"sort[0][field]":               {"edited"},
		"sort[0][dir]":                 {"desc"},
		"fields[0]":                    {"name"},
		"fields[1]":                    {"customFields"},
		"skip":                         {"1"},
		"take":                         {"3"},
	}
	if !reflect.DeepEqual(reqs[0].Query, want) {
		t.Fatalf("query\n got %v\nwant %v", reqs[0].Query, want)
	}
	checkCommon(t, reqs[0], "GET", reqs[0].RequestURI)
	if !strings.HasPrefix(reqs[0].RequestURI, "/api/v6/contacts.json?") {
		t.Fatalf("uri = %s", reqs[0].RequestURI)
	}
}

func TestListOptionsInvalid(t *testing.T) {
	tests := []struct {
		o      ListOptions
		option string
	}{
		{ListOptions{Filters: []Filter{{"", "eq", "x"}}}, "ListOptions.Filters[0].Field"},
		{ListOptions{Filters: []Filter{{"a", "eq", "x"}, {"b", "~", "x"}}},
			"ListOptions.Filters[1].Operator"},
		{ListOptions{Sort: []Sort{{"a", "up"}}}, "ListOptions.Sort[0].Dir"},
		{ListOptions{Sort: []Sort{{"", "asc"}}}, "ListOptions.Sort[0].Field"},
		{ListOptions{PageSize: 1001}, "ListOptions.PageSize"},
		{ListOptions{PageSize: -1}, "ListOptions.PageSize"},
		{ListOptions{Skip: -1}, "ListOptions.Skip"},
	}
	c, api := pagedAPI(t, 1, false)
	for _, tt := range tests {
		var got error
		for _, err := range c.CRMRecords(context.Background(), tt.o) {
			got = err
		}
		var oe *OptionError
		if !errors.As(got, &oe) || oe.Option != tt.option {
			t.Errorf("%+v: err = %v, want option %s", tt.o, got, tt.option)
		}
	}
	if n := len(api.requests()); n != 0 {
		t.Fatalf("%d requests for invalid options", n)
	}
}

func TestCountContacts(t *testing.T) {
	c, api := pagedAPI(t, 42, false)
	n, err := c.CountContacts(context.Background(), ListOptions{
		Filters: []Filter{{"database", "eq", "eshop"}}, PageSize: 50, Sort: []Sort{{"x", "asc"}}})
	if err != nil || n != 42 {
		t.Fatalf("count = %d, %v", n, err)
	}
	q := api.requests()[0].Query
	if q.Get("take") != "1" || q.Get("fields[0]") != "name" || q.Get("skip") != "0" ||
		q.Get("filter[filters][0][value]") != "eshop" || q.Has("sort[0][field]") {
		t.Fatalf("query = %v", q)
	}
}

func TestContactFields(t *testing.T) {
	c, api := newTestClient(t,
		ok(`{"data":[{"name":"x","_sys":{"cfScheme":`+
			`{"email":{"type":"EMAIL","title":"E"}}}}],"total":9}`),
		ok(`{"data":[],"total":0}`))
	fields, err := c.ContactFields(context.Background(), "")
	want := map[string]FieldInfo{"email": {Type: "EMAIL", Title: "E"}}
	if err != nil || !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields = %v, %v", fields, err)
	}
	if q := api.requests()[0].Query; q.Get("take") != "1" {
		t.Fatalf("query = %v", q)
	}
	if _, err := c.ContactFields(context.Background(), ""); !errors.Is(err, ErrNoSampleContact) {
		t.Fatalf("empty crm: err = %v", err)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(Options{URL: srv.URL, Token: testToken, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WhoAmI(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if _, isAPI := AsError(err); isAPI {
		t.Fatal("transport error reported as api error")
	}
}

func TestForeignRedirectRefused(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("X-AUTH-TOKEN") != ""
	}))
	defer other.Close()
	c, _ := newTestClient(t, reply{status: 302, header: map[string]string{
		"Location": strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/steal"}})
	if _, err := c.WhoAmI(context.Background()); err == nil {
		t.Fatal("foreign redirect followed without error")
	}
	if leaked {
		t.Fatal("token sent to another host")
	}
}

func TestTokenNeverLogged(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := &fakeAPI{replies: []reply{
		ok(`{"name":"x"}`),
		{status: 400, body: `{"error":{"primary":["bad token ` + testToken + `"],` +
			`"form":{"` + testToken + `":"x ` + testToken + `"}}}`},
		{status: 200, body: `{"error":[],"result":"` + testToken + `"`},
		{status: 401, body: `{"error":"Invalid token ` + testToken + `"}`},
	}}
	srv := httptest.NewServer(api)
	c, err := New(Options{URL: srv.URL, Token: testToken, Timeout: time.Second, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}

	var errs []error
	for range 4 {
		_, err := c.Contact(context.Background(), "x")
		errs = append(errs, err)
	}
	srv.Close()
	_, err = c.Contact(context.Background(), "x")
	errs = append(errs, err)

	for i, err := range errs[1:] {
		if err == nil {
			t.Fatalf("call %d: no error", i+1)
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("token in error %q", err)
		}
	}
	if got := strings.Count(logs.String(), "daktela request"); got != 5 {
		t.Fatalf("%d debug lines, want 5:\n%s", got, logs.String())
	}
	if strings.Contains(logs.String(), testToken) {
		t.Fatalf("token in logs:\n%s", logs.String())
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestBasePathAndOwnHTTPClient(t *testing.T) {
	api := &fakeAPI{replies: []reply{ok(`{"name":"a.b"}`)}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	own := &http.Client{}
	c, err := New(Options{URL: srv.URL + "/crm/", Token: testToken, Timeout: time.Second,
		HTTPClient: own, UserAgent: "test-agent"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Contact(context.Background(), "a.b"); err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	if r.RequestURI != "/crm/api/v6/contacts/a%2Eb.json" || r.Header.Get("User-Agent") != "test-agent" {
		t.Fatalf("request %s agent %q", r.RequestURI, r.Header.Get("User-Agent"))
	}
	if own.CheckRedirect != nil {
		t.Fatal("caller's http client was modified")
	}
}
