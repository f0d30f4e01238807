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

func TestLimiterThrottledHalvesAndPauses(t *testing.T) {
	l := NewLimiter(8)
	if err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	l.Throttled(60 * time.Millisecond)
	l.Throttled(60 * time.Millisecond) // same burst: counts once
	if l.Limit() != 4 {
		t.Fatalf("limit = %d, want 4", l.Limit())
	}
	l.Release()

	if err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 60*time.Millisecond {
		t.Fatalf("acquired after %v, inside the pause", waited)
	}
	l.Release()

	l.Throttled(time.Millisecond) // after the pause: a new burst
	if l.Limit() != 2 {
		t.Fatalf("limit = %d, want 2", l.Limit())
	}
}

func TestLimiterPauseRespectsContext(t *testing.T) {
	l := NewLimiter(2)
	l.Throttled(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if l.InFlight() != 0 {
		t.Fatalf("failed acquire holds a slot")
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
