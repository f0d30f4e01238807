package crm

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestCountersAndMaxInFlight(t *testing.T) {
	h := newHarness(t, Options{Latency: 20 * time.Millisecond})
	const workers, each = 8, 5
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if err := roundTrip(h, fmt.Sprintf("w%d_%d", w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	c := h.srv.Counters()
	for _, key := range []string{"POST contacts", "GET contacts/one", "PUT contacts"} {
		if c[key] != workers*each {
			t.Errorf("%s = %d, want %d", key, c[key], workers*each)
		}
	}
	if m := h.srv.MaxInFlight(); m < 2 || m > workers {
		t.Errorf("max in flight %d, want 2..%d", m, workers)
	}
	if n := h.srv.ContactCount(); n != workers*each {
		t.Fatalf("ContactCount = %d, want %d", n, workers*each)
	}
	if n := len(h.srv.Contacts()); n != workers*each {
		t.Errorf("%d contacts stored", n)
	}

	h.srv.ResetCounters()
	h.srv.ResetMaxInFlight()
	h.do("GET", "/api/v6/contacts/none.json", nil).mustStatus(t, 404)
	c = h.srv.Counters()
	if len(c) != 2 || c["GET contacts/one"] != 1 || c["404"] != 1 {
		t.Errorf("counters after reset %v", c)
	}
	if m := h.srv.MaxInFlight(); m != 1 {
		t.Errorf("max in flight after reset %d, want 1", m)
	}
}

// roundTrip creates, reads and updates one contact.
func roundTrip(h *harness, name string) error {
	steps := []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", "/api/v6/contacts.json", contactBody(name, name+"@x.cz"), 201},
		{"GET", "/api/v6/contacts/" + name + ".json", nil, 200},
		{"PUT", "/api/v6/contacts/" + name + ".json", map[string]any{"firstname": "F"}, 200},
	}
	for _, s := range steps {
		a, err := h.try(s.method, s.path, s.body, testToken)
		if err != nil {
			return err
		}
		if a.status != s.status {
			return fmt.Errorf("%s %s: status %d, want %d", s.method, s.path, a.status, s.status)
		}
	}
	return nil
}
