package daktela

import (
	"context"
	"sync"
	"time"
)

const (
	// defaultGrowAfter is how many successes in a row raise the limit by
	// one: slow enough that a throttled API is not hit again at once.
	defaultGrowAfter = 10
	// defaultPause applies when a 429 carries no usable Retry-After.
	defaultPause = time.Second
)

// Limiter bounds the concurrency of bulk writers and adapts it to the API
// (AIMD): a throttled answer halves the limit and pauses every acquirer
// until the retry-after has passed; every defaultGrowAfter successes raise
// the limit by one, up to the maximum. It is safe for concurrent use.
type Limiter struct {
	mu         sync.Mutex
	max        int
	limit      int
	inFlight   int
	successes  int
	growAfter  int
	pauseUntil time.Time
	wake       chan struct{} // closed and replaced whenever a waiter may proceed
	now        func() time.Time
}

// NewLimiter returns a Limiter allowing up to n concurrent holders; n below
// one is treated as one.
func NewLimiter(n int) *Limiter {
	n = max(n, 1)
	return &Limiter{
		max:       n,
		limit:     n,
		growAfter: defaultGrowAfter,
		wake:      make(chan struct{}),
		now:       time.Now,
	}
}

// Acquire blocks until a slot is free and no pause is in force, or ctx ends.
// Each successful Acquire must be matched by one Release.
func (l *Limiter) Acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		wait := l.pauseUntil.Sub(l.now())
		if wait <= 0 && l.inFlight < l.limit {
			l.inFlight++
			l.mu.Unlock()
			return nil
		}
		wake := l.wake
		l.mu.Unlock()

		if err := sleep(ctx, wake, wait); err != nil {
			return err
		}
	}
}

// sleep waits for wake, for d when positive, or for ctx to end.
func sleep(ctx context.Context, wake <-chan struct{}, d time.Duration) error {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
	case <-timeout:
	}
	return nil
}

// Release frees a slot taken by Acquire.
func (l *Limiter) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight > 0 {
		l.inFlight--
	}
	l.broadcast()
}

// Succeeded records a successful call; every growAfter of them raise the
// limit by one.
func (l *Limiter) Succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit >= l.max {
		return
	}
	l.successes++
	if l.successes >= l.growAfter {
		l.successes = 0
		l.limit++
		l.broadcast()
	}
}

// Throttled records a throttled call: it halves the limit and pauses all
// acquirers for retryAfter (defaultPause when not positive). Calls that
// fail together count once: while a pause is in force a further Throttled
// only extends it, as their requests were sent under the old limit.
func (l *Limiter) Throttled(retryAfter time.Duration) {
	if retryAfter <= 0 {
		retryAfter = defaultPause
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !now.Before(l.pauseUntil) {
		l.limit = max(l.limit/2, 1)
	}
	l.successes = 0
	if until := now.Add(retryAfter); until.After(l.pauseUntil) {
		l.pauseUntil = until
	}
	l.broadcast()
}

// InFlight returns how many slots are held.
func (l *Limiter) InFlight() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight
}

// Limit returns the current allowed concurrency.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// broadcast wakes every waiter so it re-checks; l.mu must be held.
func (l *Limiter) broadcast() {
	close(l.wake)
	l.wake = make(chan struct{})
}
