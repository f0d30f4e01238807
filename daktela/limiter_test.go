package daktela

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiterBoundsConcurrency(t *testing.T) {
	l := NewLimiter(3)
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			cur.Add(-1)
			l.Release()
		}()
	}
	wg.Wait()
	if peak.Load() > 3 || peak.Load() < 2 {
		t.Fatalf("peak concurrency %d, want 2..3", peak.Load())
	}
	if l.InFlight() != 0 {
		t.Fatalf("in flight %d after all released", l.InFlight())
	}
}

func TestLimiterMinimumOne(t *testing.T) {
	l := NewLimiter(0)
	if l.Limit() != 1 {
		t.Fatalf("limit = %d", l.Limit())
	}
	for range 5 {
		l.Throttled(time.Nanosecond)
		time.Sleep(time.Millisecond)
	}
	if l.Limit() != 1 {
		t.Fatalf("limit fell to %d", l.Limit())
	}
}

func TestLimiterThrottledHalvesAndPaces(t *testing.T) {
	l := NewLimiter(8)
	now := time.Now()
	l.now = func() time.Time { return now }
	for range 20 { // 20 accepted over the last half second: 40 req/s
		now = now.Add(25 * time.Millisecond)
		l.Succeeded()
	}
	if l.Rate() != 0 {
		t.Fatalf("paced before any throttling: %v", l.Rate())
	}
	l.Throttled(time.Second)
	l.Throttled(time.Second) // same burst: counts once
	if l.Limit() != 4 {
		t.Fatalf("limit = %d, want 4", l.Limit())
	}
	if r := l.Rate(); r < 30 || r > 40 {
		t.Fatalf("rate = %.1f, want just under the 40 req/s accepted", r)
	}
	// Paced: the next request may start 1/rate after this one, not before.
	ctx := context.Background()
	if err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if gap := l.next.Sub(now); gap < 25*time.Millisecond || gap > 34*time.Millisecond {
		t.Errorf("pace gap = %v, want 1/rate", gap)
	}
	early, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
	defer cancel()
	if err := l.Acquire(early); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire inside the pace gap: err = %v, want it to wait", err)
	}
	now = l.next
	if err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	l.Release()
	l.Release()

	now = now.Add(2 * time.Second) // a new burst after the calm window
	l.Throttled(time.Second)
	if l.Limit() != 2 || l.Rate() != minRate {
		t.Fatalf("limit = %d rate = %.1f, want 2 and the floor (nothing accepted lately)", l.Limit(), l.Rate())
	}
	before := l.Rate()
	l.Succeeded()
	if l.Rate() <= before {
		t.Error("a success did not speed the pace up")
	}
}

func TestLimiterPaceRespectsContext(t *testing.T) {
	l := NewLimiter(2)
	l.Throttled(time.Hour) // nothing accepted: the slowest pace
	ctx := context.Background()
	if err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	l.Release()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if l.InFlight() != 0 {
		t.Fatalf("failed acquire holds a slot")
	}
	if Wait(0) != defaultPause || Wait(3*time.Second) != 3*time.Second {
		t.Error("Wait does not honour Retry-After")
	}
}

func TestLimiterFullBlocksUntilRelease(t *testing.T) {
	l := NewLimiter(1)
	if err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- l.Acquire(context.Background()) }()
	select {
	case err := <-got:
		t.Fatalf("second acquire returned %v while full", err)
	case <-time.After(20 * time.Millisecond):
	}
	l.Release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Second):
		t.Fatal("release did not wake the waiter")
	}
}

func TestLimiterGrowsBack(t *testing.T) {
	l := NewLimiter(4)
	l.growAfter = 3
	l.Throttled(time.Nanosecond)
	if l.Limit() != 2 {
		t.Fatalf("limit = %d, want 2", l.Limit())
	}
	steps := []int{2, 2, 3, 3, 3, 4, 4, 4, 4, 4}
	for i, want := range steps {
		l.Succeeded()
		if got := l.Limit(); got != want {
			t.Fatalf("after %d successes limit = %d, want %d", i+1, got, want)
		}
	}
}

func TestLimiterThrottleResetsGrowth(t *testing.T) {
	l := NewLimiter(8)
	l.growAfter = 3
	now := time.Now()
	l.now = func() time.Time { return now }
	l.Throttled(time.Second) // 4
	l.Succeeded()
	l.Succeeded()
	now = now.Add(2 * time.Second)
	l.Throttled(time.Second) // 2, successes reset
	l.Succeeded()
	l.Succeeded()
	if l.Limit() != 2 {
		t.Fatalf("limit = %d, want 2", l.Limit())
	}
	l.Succeeded()
	if l.Limit() != 3 {
		t.Fatalf("limit = %d, want 3", l.Limit())
	}
}
