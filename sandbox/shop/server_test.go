package shop

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

var testHashes = Hashes{
	Customers: RandomHash(1), Orders: RandomHash(2), Feed: RandomHash(3), PatternID: -11,
}

type fixture struct {
	shop *Shop
	srv  *Server
	http *httptest.Server
	logs *bytes.Buffer
}

func newFixture(t *testing.T, h Hashes) *fixture {
	t.Helper()
	f := &fixture{shop: Generate(Options{Seed: 5, Customers: 100, Orders: 500})}
	f.logs = &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.srv = NewServer(f.shop, h, logger)
	f.http = httptest.NewServer(f.srv)
	t.Cleanup(f.http.Close)
	return f
}

func (f *fixture) get(t *testing.T, path string, q url.Values) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := http.Get(f.http.URL + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func ordersQuery(hash string) url.Values {
	return url.Values{"hash": {hash}, "patternId": {"-11"}}
}

func TestServerChecksCredentials(t *testing.T) {
	f := newFixture(t, testHashes)
	const html = "text/html; charset=utf-8"
	hq := func(h string) url.Values { return url.Values{"hash": {h}} }
	badDate := ordersQuery(testHashes.Orders)
	badDate.Set("dateFrom", "1.3.2024")
	cases := []struct {
		name, path string
		q          url.Values
		status     int
		ctype      string
	}{
		{"customers csv", "/export/customers.csv", hq(testHashes.Customers), 200, csvType},
		{"customers xml", "/export/customers.xml", hq(testHashes.Customers), 200, xmlType},
		{"customers no hash", "/export/customers.csv", nil, 403, html},
		{"customers orders hash", "/export/customers.xml", hq(testHashes.Orders), 403, html},
		{"orders", "/export/orders.xml", ordersQuery(testHashes.Orders), 200, xmlType},
		{"orders wrong hash", "/export/orders.xml", ordersQuery(testHashes.Customers), 403, html},
		{"orders no pattern", "/export/orders.xml", hq(testHashes.Orders), 404, html},
		{"feed", "/export/ordersFeed.xml", ordersQuery(testHashes.Feed), 200, xmlType},
		{"feed orders hash", "/export/ordersFeed.xml", ordersQuery(testHashes.Orders), 403, html},
		{"bad date", "/export/orders.xml", badDate, 400, html},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body, err := f.get(t, c.path, c.q)
			if err != nil {
				t.Fatal(err)
			}
			ctype := resp.Header.Get("Content-Type")
			if resp.StatusCode != c.status || ctype != c.ctype {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, ctype, c.status, c.ctype)
			}
			if c.status == 403 && !bytes.Contains(body, []byte("<html")) {
				t.Fatalf("refusal is not an html page: %q", body)
			}
		})
	}
	if st := f.srv.Stats(); st.Denied != 4 || st.Requests[exportOrders] != 4 {
		t.Fatalf("stats = %+v", st)
	}
	for _, h := range []string{testHashes.Customers, testHashes.Orders, testHashes.Feed} {
		if strings.Contains(f.logs.String(), h) {
			t.Fatal("a hash reached the log")
		}
	}
	if !strings.Contains(f.logs.String(), "sandbox shop request") {
		t.Fatal("requests are not logged at debug level")
	}
}

func TestServerPartnerID(t *testing.T) {
	h := testHashes
	h.PartnerID = "3"
	f := newFixture(t, h)
	q := ordersQuery(h.Orders)
	if resp, _, _ := f.get(t, "/export/orders.xml", q); resp.StatusCode != 403 {
		t.Fatalf("without partnerId: %d, want 403", resp.StatusCode)
	}
	q.Set("partnerId", "3")
	if resp, _, _ := f.get(t, "/export/orders.xml", q); resp.StatusCode != 200 {
		t.Fatalf("with partnerId: %d, want 200", resp.StatusCode)
	}
}

func (f *fixture) feed(t *testing.T, path string) []string {
	t.Helper()
	resp, body, err := f.get(t, path, ordersQuery(testHashes.Feed))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("feed: %v %d", err, resp.StatusCode)
	}
	return ids(parseOrders(t, body))
}

func TestFeedReturnsOnlyNewOrUpdated(t *testing.T) {
	for _, path := range []string{"/export/ordersFeed.xml", "/export/orders.xml"} {
		t.Run(path, func(t *testing.T) {
			f := newFixture(t, testHashes)
			if got := f.feed(t, path); len(got) != 500 {
				t.Fatalf("first feed has %d orders, want all 500", len(got))
			}
			if got := f.feed(t, path); len(got) != 0 {
				t.Fatalf("second feed has %d orders, want none", len(got))
			}
			at := time.Date(2027, 2, 1, 9, 0, 0, 0, prague)
			want := union(f.shop.AddOrders(7, at), f.shop.ChangeOrders(5, at))
			if got := f.feed(t, path); !slices.Equal(got, want) {
				t.Fatalf("feed after changes = %v, want %v", got, want)
			}
			if got := f.feed(t, path); len(got) != 0 {
				t.Fatalf("feed repeated %v", got)
			}
			if f.srv.FeedMarker(testHashes.Feed) != f.shop.seq {
				t.Fatal("marker is not at the last change")
			}
		})
	}
}

func TestFeedMarkerStaysOnFault(t *testing.T) {
	f := newFixture(t, testHashes)
	f.srv.SetFault(Fault{Kind: FaultTruncate, Export: exportFeed, Times: 1})
	_, _, err := f.get(t, "/export/ordersFeed.xml", ordersQuery(testHashes.Feed))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated feed read error = %v", err)
	}
	if got := f.feed(t, "/export/ordersFeed.xml"); len(got) != 500 {
		t.Fatalf("feed after a cut download has %d orders, want 500", len(got))
	}
}

func TestFeedMarkerMovesBeforeCut(t *testing.T) {
	f := newFixture(t, testHashes)
	f.srv.SetFault(Fault{Kind: FaultCutAfterMarker, Export: exportFeed, Times: 1})
	_, _, err := f.get(t, "/export/ordersFeed.xml", ordersQuery(testHashes.Feed))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut feed read error = %v", err)
	}
	if got := f.srv.FeedMarker(testHashes.Feed); got != f.shop.seq {
		t.Fatalf("marker after a cut download = %d, want %d", got, f.shop.seq)
	}
	if got := f.feed(t, "/export/ordersFeed.xml"); len(got) != 0 {
		t.Fatalf("feed after the marker moved has %d orders, want 0", len(got))
	}
	var k FaultKind
	if err := k.UnmarshalText([]byte("cutAfterMarker")); err != nil || k != FaultCutAfterMarker {
		t.Fatalf("admin name: %v %v", k, err)
	}
}

func TestServerDateFilters(t *testing.T) {
	f := newFixture(t, testHashes)
	q := ordersQuery(testHashes.Orders)
	q.Set("dateFrom", "2024-1-1")
	q.Set("dateUntil", "2024-12-31")
	_, body, _ := f.get(t, "/export/orders.xml", q)
	orders := parseOrders(t, body)
	if len(orders) == 0 {
		t.Fatal("no orders in 2024")
	}
	for _, o := range orders {
		if !strings.HasPrefix(o.Date, "2024-") {
			t.Fatalf("order of %s in a 2024 export", o.Date)
		}
	}

	at := time.Date(2027, 3, 1, 8, 30, 0, 0, prague)
	want := union(f.shop.ChangeOrders(3, at))
	q = ordersQuery(testHashes.Orders)
	q.Set("updateTimeFrom", "2027-03-01 08:30:00")
	_, body, _ = f.get(t, "/export/orders.xml", q)
	if got := ids(parseOrders(t, body)); !slices.Equal(got, want) {
		t.Fatalf("updateTimeFrom: got %v, want %v", got, want)
	}
	q.Set("updateTimeFrom", "2027-03-01 08:30:01")
	_, body, _ = f.get(t, "/export/orders.xml", q)
	if got := parseOrders(t, body); len(got) != 0 {
		t.Fatalf("updateTimeFrom one second later returned %d orders", len(got))
	}
}

func TestServerFaults(t *testing.T) {
	// answer is what a faulted request got back.
	type answer struct {
		resp *http.Response
		body []byte
		err  error
		took time.Duration
	}
	cases := []struct {
		kind   FaultKind
		status int
		check  func(t *testing.T, a answer)
	}{
		{Fault5xx, 503, nil},
		{FaultForbidden, 403, nil},
		{FaultLoginPage, 200, func(t *testing.T, a answer) {
			if !bytes.Contains(a.body, []byte(`type="password"`)) {
				t.Fatalf("not a login page: %q", a.body)
			}
		}},
		{FaultEmpty, 200, func(t *testing.T, a answer) {
			if len(a.body) != 0 {
				t.Fatalf("body has %d bytes", len(a.body))
			}
		}},
		{FaultSlow, 200, func(t *testing.T, a answer) {
			if a.took < 150*time.Millisecond || len(a.body) == 0 {
				t.Fatalf("slow answer took %v with %d bytes", a.took, len(a.body))
			}
		}},
		{FaultTruncate, 200, func(t *testing.T, a answer) {
			n := int64(len(a.body))
			if a.resp.ContentLength <= n || !errors.Is(a.err, io.ErrUnexpectedEOF) {
				t.Fatalf("length %d, got %d bytes, err %v", a.resp.ContentLength, n, a.err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.kind.String(), func(t *testing.T) {
			f := newFixture(t, testHashes)
			delay := 150 * time.Millisecond
			f.srv.SetFault(Fault{Kind: c.kind, Export: exportCustomers, Times: 1, Delay: delay})
			q := url.Values{"hash": {testHashes.Customers}}
			resp, _, _ := f.get(t, "/export/orders.xml", ordersQuery(testHashes.Orders))
			if resp.StatusCode != 200 {
				t.Fatal("a customers fault hit the orders export")
			}
			began := time.Now()
			resp, body, err := f.get(t, "/export/customers.xml", q)
			a := answer{resp, body, err, time.Since(began)}
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.check != nil {
				c.check(t, a)
			}
			resp, body, err = f.get(t, "/export/customers.xml", q)
			if err != nil || resp.StatusCode != 200 || len(parseCustomers(t, body)) != 100 {
				t.Fatalf("fault outlived its one time: %v %d", err, resp.StatusCode)
			}
		})
	}
}

func TestAdminAPI(t *testing.T) {
	f := newFixture(t, testHashes)
	at := time.Date(2027, 4, 1, 10, 0, 0, 0, prague)
	f.srv.SetClock(func() time.Time { return at })
	post := func(path, body string) *http.Response {
		resp, err := http.Post(f.http.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := post("/_sandbox/orders?add=3&change=2", "")
	var changes struct{ Added, Changed []string }
	var r *http.Response
	err := json.NewDecoder(resp.Body).Decode(&changes)
	if err != nil || len(changes.Added) != 3 || len(changes.Changed) != 2 {
		t.Fatalf("orders admin: %v %+v", err, changes)
	}
	q := ordersQuery(testHashes.Orders)
	q.Set("updateTimeFrom", "2027-04-01 10:00:00")
	_, body, _ := f.get(t, "/export/orders.xml", q)
	got, want := ids(parseOrders(t, body)), union(changes.Added, changes.Changed)
	if !slices.Equal(got, want) {
		t.Fatalf("orders placed through the api at the server clock: %v, want %v", got, want)
	}
	if resp := post("/_sandbox/orders?add=x", ""); resp.StatusCode != 400 {
		t.Fatalf("bad add: %d", resp.StatusCode)
	}
	fault := `{"kind":"5xx","export":"feed","times":2}`
	if resp := post("/_sandbox/fault", fault); resp.StatusCode != 200 {
		t.Fatalf("fault admin: %d", resp.StatusCode)
	}
	if resp := post("/_sandbox/fault", `{"kind":"boom"}`); resp.StatusCode != 400 {
		t.Fatalf("unknown fault kind accepted: %d", resp.StatusCode)
	}
	feed, _, _ := f.get(t, "/export/ordersFeed.xml", ordersQuery(testHashes.Feed))
	if feed.StatusCode != 503 {
		t.Fatalf("fault set through the api not applied: %d", feed.StatusCode)
	}
	r, err = http.Get(f.http.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var st Stats
	if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.Orders != 503 || st.Requests[exportFeed] != 1 ||
		st.Fault.Kind != Fault5xx || st.Fault.Times != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

// TestFeedDuringChanges downloads the feed while orders are added, for the
// race detector and to check that nothing falls between two downloads.
func TestFeedDuringChanges(t *testing.T) {
	f := newFixture(t, testHashes)
	at := time.Date(2027, 5, 1, 10, 0, 0, 0, prague)
	done := make(chan []string)
	go func() {
		var all []string
		for range 20 {
			all = append(all, f.shop.AddOrders(3, at)...)
			all = append(all, f.shop.ChangeOrders(2, at)...)
		}
		done <- all
	}()
	seen := map[string]bool{}
	for range 10 {
		for _, id := range f.feed(t, "/export/ordersFeed.xml") {
			seen[id] = true
		}
	}
	changed := <-done
	for _, id := range f.feed(t, "/export/ordersFeed.xml") {
		seen[id] = true
	}
	for _, id := range changed {
		if !seen[id] {
			t.Fatalf("order %s changed but never delivered by the feed", id)
		}
	}
	if len(seen) != f.shop.Truth().Orders() {
		t.Fatalf("feed delivered %d distinct orders of %d", len(seen), f.shop.Truth().Orders())
	}
}
