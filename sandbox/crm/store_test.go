package crm

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestSortedNamesMatchesSort drives the incremental order with random
// inserts and deletes and compares it with sorting the live set.
func TestSortedNamesMatchesSort(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	live := map[string]bool{}
	var n sortedNames
	exists := func(s string) bool { return live[s] }
	for step := range 3000 {
		name := fmt.Sprintf("n%03d", rnd.IntN(300))
		switch {
		case !live[name]:
			live[name] = true
			n.add(name)
		case rnd.IntN(2) == 0:
			delete(live, name)
			n.remove(name)
		}
		if rnd.IntN(10) > 0 {
			continue
		}
		var want []string
		for k := range live {
			want = append(want, k)
		}
		slices.Sort(want)
		if got := n.get(exists); !slices.Equal(got, want) {
			t.Fatalf("step %d: got %d names, want %d", step, len(got), len(want))
		}
	}
}

func TestParseRoute(t *testing.T) {
	tests := []struct {
		path string
		want route
		ok   bool
	}{
		{"/api/v6/contacts.json", route{endpoint: "contacts"}, true},
		{"/api/v6/contacts", route{endpoint: "contacts"}, true},
		{"/api/v6/contacts/a%2Eb.json", route{endpoint: "contacts", name: "a.b", one: true}, true},
		{"/api/v6/contacts/a.b.json", route{endpoint: "contacts", name: "a", one: true}, true},
		{"/api/v6/contacts/%C5%BEluť.json",
			route{endpoint: "contacts", name: "žluť", one: true}, true},
		{"/api/v6/contacts/.json", route{}, false},
		{"/api/v5/contacts.json", route{}, false},
		{"/api/v6/", route{}, false},
	}
	for _, tt := range tests {
		u, err := url.Parse("http://h" + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseRoute(&http.Request{URL: u})
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%s: got %+v %v, want %+v %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLogsNeverCarryToken(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, Options{Logger: log})
	h.doToken("GET", "/api/v6/whoim.json?accessToken="+testToken, nil, "").mustStatus(t, 200)
	h.doToken("GET", "/api/v6/contacts.json", nil, testToken).mustStatus(t, 200)
	out := buf.String()
	if strings.Contains(out, testToken) {
		t.Fatalf("token in logs: %s", out)
	}
	if !strings.Contains(out, "path=/api/v6/whoim.json") || !strings.Contains(out, "status=200") {
		t.Fatalf("request log lacks path or status: %s", out)
	}
}

func TestSeedRejectsDuplicates(t *testing.T) {
	h := newHarness(t, Options{})
	if err := h.srv.Seed([]Contact{{Name: "a"}, {Name: "a"}}); err == nil {
		t.Fatal("duplicate names in one seed accepted")
	}
	if err := h.srv.Seed([]Contact{{Name: "a"}, {}}); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Seed([]Contact{{Name: "a"}}); err == nil {
		t.Fatal("seeding a stored name accepted")
	}
	if cs := h.srv.Contacts(); len(cs) != 2 || !strings.HasPrefix(cs[1].Name, "contact_") {
		t.Fatalf("contacts %+v", cs)
	}
}
