package crm

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := newBucket(20, t0) // burst 2
	steps := []struct {
		at    time.Duration
		ok    bool
		retry int
	}{
		{0, true, 0},
		{0, true, 0},
		{0, false, 1}, // burst spent
		{50 * time.Millisecond, true, 0},
		{60 * time.Millisecond, false, 1},
		{time.Second, true, 0},
		{time.Second, true, 0},
		{time.Second, false, 1},
	}
	for i, s := range steps {
		ok, retry := b.take(t0.Add(s.at))
		if ok != s.ok || retry != s.retry {
			t.Fatalf("step %d: got (%v, %d), want (%v, %d)", i, ok, retry, s.ok, s.retry)
		}
	}
	slow := newBucket(0.25, t0) // one token per 4 s
	slow.take(t0)
	if _, retry := slow.take(t0); retry != 4 {
		t.Fatalf("slow bucket retry %d, want 4", retry)
	}
	if ok, _ := (*bucket)(nil).take(t0); !ok {
		t.Fatal("nil bucket must not limit")
	}
}

func TestRateLimitOverHTTP(t *testing.T) {
	const rate, clients = 100.0, 4
	h := newHarness(t, Options{RateLimit: rate})
	var mu sync.Mutex
	statuses := map[int]int{}
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for time.Since(start) < 500*time.Millisecond {
				a, err := h.try("GET", "/api/v6/whoim.json", nil, testToken)
				if err != nil {
					t.Error(err)
					return
				}
				if a.status == 429 {
					checkTooMany(t, a)
				}
				mu.Lock()
				statuses[a.status]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	ok, limited := statuses[200], statuses[429]
	if len(statuses) > 2 || limited == 0 {
		t.Fatalf("statuses %v, want only 200 and some 429", statuses)
	}
	// Only the upper bound is exact: a loaded machine may send too slowly
	// to reach the rate, never fast enough to exceed it.
	allowed := rate*elapsed + rate/10
	if float64(ok) > allowed+1 || ok < int(rate/10) {
		t.Fatalf("%d answered in %.2fs at %v rps, want at most %.0f", ok, elapsed, rate, allowed)
	}
	if c := h.srv.Counters(); c["429"] != int64(limited) {
		t.Fatalf("counter 429 = %d, want %d", c["429"], limited)
	}
	h.srv.SetRateLimit(0)
	for range 50 {
		h.do("GET", "/api/v6/whoim.json", nil).mustStatus(t, 200)
	}
}

func checkTooMany(t *testing.T, a answer) {
	t.Helper()
	if n, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
	}
	if errs, _ := a.env["error"].([]any); len(errs) != 1 || a.env["result"] != nil {
		t.Errorf("429 body %s", a.raw)
	}
}

func TestInjectedFaults(t *testing.T) {
	h := newHarness(t, Options{FailRate: 1})
	a := h.do("GET", "/api/v6/contacts.json", nil).mustStatus(t, 500)
	if errs, _ := a.env["error"].([]any); len(errs) != 1 || errs[0] != "Internal server error" {
		t.Fatalf("500 body %s", a.raw)
	}
	h.srv.SetFaults(0, 1)
	a = h.do("GET", "/api/v6/contacts.json", nil).mustStatus(t, 429)
	if a.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", a.header.Get("Retry-After"))
	}

	h.srv.SetFaults(0.2, 0.1)
	counts := map[int]int{}
	for range 400 {
		counts[h.do("GET", "/api/v6/whoim.json", nil).status]++
	}
	if counts[500] < 50 || counts[500] > 110 || counts[429] < 20 || counts[429] > 65 {
		t.Fatalf("fault mix %v for rates 0.2/0.1 over 400", counts)
	}
	c := h.srv.Counters()
	if c["500"] != int64(counts[500])+1 || c["GET whoim"] != 400 {
		t.Fatalf("counters %v", c)
	}
}

func TestFaultsAreSeeded(t *testing.T) {
	draws := func() []int {
		f := newFaults(42, 0.3, 0.3)
		out := make([]int, 50)
		for i := range out {
			out[i] = f.draw()
		}
		return out
	}
	a, b := draws(), draws()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d differs for one seed: %d vs %d", i, a[i], b[i])
		}
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	h.do("GET", "/api/v6/whoim.json", nil).mustStatus(t, 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("answered in %v, latency 30ms", d)
	}
	h.srv.SetLatency(0)
	start = time.Now()
	h.do("GET", "/api/v6/whoim.json", nil).mustStatus(t, 200)
	if d := time.Since(start); d > 25*time.Millisecond {
		t.Fatalf("answered in %v after latency removed", d)
	}
}
