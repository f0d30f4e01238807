package daktela_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
)

// pooledClient returns a client whose transport keeps n idle connections to
// the sandbox, so n workers never dial a new connection per request.
func pooledClient(t testing.TB, url string, n int) *daktela.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = n
	t.Cleanup(tr.CloseIdleConnections)
	c, err := daktela.New(daktela.Options{URL: url, Token: sandboxToken, Timeout: 10 * time.Second,
		HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call runs fn under lim the way the contact loader does: a throttled answer
// pauses the limiter for its Retry-After and the same request is sent again.
func call(ctx context.Context, lim *daktela.Limiter, throttled *atomic.Int64,
	fn func() error) error {
	for {
		if err := lim.Acquire(ctx); err != nil {
			return err
		}
		err := fn()
		lim.Release()
		if de, ok := daktela.AsError(err); ok && de.Kind == daktela.KindThrottled {
			lim.Throttled(de.RetryAfter)
			throttled.Add(1)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(daktela.Wait(de.RetryAfter)):
			}
			continue
		}
		if err == nil {
			lim.Succeeded()
		}
		return err
	}
}

// runWorkers starts n workers that take job numbers 0..jobs-1 from a shared
// counter and run do on each, and returns the first error.
func runWorkers(n, jobs int, do func(job int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= jobs {
					return
				}
				if err := do(j); err != nil {
					errs <- fmt.Errorf("job %d: %w", j, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BenchmarkInFlight measures how close N workers sharing a Limiter come to
// the N/L requests per second that a latency of L allows, and that the
// sandbox saw exactly N requests at once. It runs the client as the product
// builds it (default transport) and with a transport that keeps N idle
// connections.
func BenchmarkInFlight(b *testing.B) {
	const workers = 8
	sb := newSandbox(b, crm.Options{})
	names := make([]string, workers)
	for i := range names {
		ct, err := sb.c.CreateContact(context.Background(), validContact(fmt.Sprintf("w.%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		names[i] = ct.Name
	}
	b.Run("transport=default", func(b *testing.B) {
		c, err := daktela.New(daktela.Options{URL: sb.url, Token: sandboxToken,
			Timeout: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		benchInFlight(b, sb, c, names)
	})
	b.Run("transport=pooled", func(b *testing.B) {
		benchInFlight(b, sb, pooledClient(b, sb.url, workers), names)
	})
}

func benchInFlight(b *testing.B, sb *sandbox, c *daktela.Client, names []string) {
	const latency = 20 * time.Millisecond
	workers := len(names)
	sb.srv.SetLatency(latency)
	defer sb.srv.SetLatency(0)
	lim := daktela.NewLimiter(workers)
	var throttled atomic.Int64
	ctx := context.Background()

	sb.srv.ResetCounters()
	sb.srv.ResetMaxInFlight()
	b.ResetTimer()
	start := time.Now()
	err := runWorkers(workers, b.N, func(j int) error {
		return call(ctx, lim, &throttled, func() error {
			_, err := c.Contact(ctx, names[j%workers])
			return err
		})
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}

	rps := float64(b.N) / elapsed.Seconds()
	bound := float64(workers) / latency.Seconds()
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(float64(sb.srv.MaxInFlight()), "maxInFlight")
	b.ReportMetric(rps/bound, "ofBound")
	if got := sb.srv.Counters()["GET contacts/one"]; got != int64(b.N) {
		b.Errorf("sandbox saw %d reads, want %d", got, b.N)
	}
	if b.N >= 4*workers && sb.srv.MaxInFlight() != workers {
		b.Errorf("sandbox MaxInFlight = %d, want exactly %d", sb.srv.MaxInFlight(), workers)
	}
	if b.N >= 50*workers && rps < 0.9*bound {
		b.Errorf("%.0f req/s is %.0f%% of the %.0f req/s bound, want at least 90%%",
			rps, 100*rps/bound, bound)
	}
}

// TestThrottleSlowsWithoutFailing writes 300 contacts with 8 workers into a
// sandbox that allows 50 requests per second: the limiter must absorb every
// 429, each contact must be created exactly once, and the accepted rate must
// stay within the limit. The limiter paces requests just under the rate the
// server accepted when it first throttled and then speeds up again, so the
// run settles near the limit after a ramp of a few seconds.
func TestThrottleSlowsWithoutFailing(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about ten seconds")
	}
	const (
		workers  = 8
		contacts = 300
		rate     = 50.0
	)
	sb := newSandbox(t, crm.Options{RateLimit: rate})
	c := pooledClient(t, sb.url, workers)
	lim := daktela.NewLimiter(workers)
	var throttled atomic.Int64
	ctx := context.Background()

	start := time.Now()
	err := runWorkers(workers, contacts, func(j int) error {
		ct := validContact(fmt.Sprintf("throttle.%03d", j))
		ct.CustomFields = daktela.CustomFields{"email": {fmt.Sprintf("t%d@example.cz", j)}}
		return call(ctx, lim, &throttled, func() error {
			_, err := c.CreateContact(ctx, ct)
			return err
		})
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("a record failed: %v", err)
	}

	stored := sb.srv.Contacts()
	if len(stored) != contacts {
		t.Fatalf("sandbox holds %d contacts, want %d", len(stored), contacts)
	}
	for i, ct := range stored {
		if want := fmt.Sprintf("throttle.%03d", i); ct.Name != want {
			t.Fatalf("contact %d is %q, want %q", i, ct.Name, want)
		}
	}
	counters := sb.srv.Counters()
	if counters["429"] == 0 || counters["429"] != throttled.Load() {
		t.Errorf("sandbox answered %d 429s, workers saw %d; want the same, above zero",
			counters["429"], throttled.Load())
	}
	if got, want := counters["POST contacts"], contacts+throttled.Load(); got != want {
		t.Errorf("POST contacts = %d, want %d creates plus %d resends", got, contacts,
			throttled.Load())
	}
	achieved := float64(contacts) / elapsed.Seconds()
	burst := max(1, rate/10)
	if allowed := rate + burst/elapsed.Seconds(); achieved > allowed*1.05 {
		t.Errorf("achieved %.1f accepted req/s, above the %.0f req/s limit", achieved, rate)
	}
	t.Logf("%d contacts in %v: %.1f req/s accepted (limit %.0f), %d throttled answers, "+
		"limiter limit at the end %d", contacts, elapsed.Round(time.Millisecond), achieved, rate,
		throttled.Load(), lim.Limit())
}
