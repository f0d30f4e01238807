package daktela

import (
	"context"
	"sync"
	"time"
)

const (
	// defaultGrowAfter is how many successes in a row raise the concurrency by one: slow
	// enough that a throttled API is not hit again at once.
	defaultGrowAfter = 10
	// defaultPause applies when a 429 carries no usable Retry-After.
	defaultPause = time.Second
	// rateWindow is the span over which accepted requests are counted, and the least time
	// between two reductions, so that the 429s of one burst count once.
	rateWindow = time.Second
	// rateBackoff is the share of the accepted rate kept after a throttled answer.
	rateBackoff = 0.9
	// rateStep is what each success adds to the paced rate (requests per second): about 20%
	// more per second, whatever the rate, so a pace set low recovers within seconds.
	rateStep = 0.2
	// minRate keeps a throttled writer moving.
	minRate = 0.5
)

// Limiter bounds bulk writers in two ways and adapts both to the API. Concurrency follows
// AIMD: a throttled answer halves it and successes raise it back, one per defaultGrowAfter.
// Rate: until the API first throttles, requests are not paced; a throttled answer sets the
// pace just under the rate the API was accepting over the last second, and each success
// raises it a little, so a writer settles just under the API's limit instead of stopping
// for every 429. It is safe for concurrent use.
type Limiter struct {
	mu        sync.Mutex
	max       int
	limit     int
	inFlight  int
	successes int
	growAfter int
	rate      float64     // requests per second; 0 = not paced
	next      time.Time   // earliest start of the next request when paced
	accepted  []time.Time // successes within the last rateWindow
	calmUntil time.Time   // throttled answers before this count with the previous one
	wake      chan struct{}
	now       func() time.Time
}

// NewLimiter returns a Limiter allowing up to n concurrent holders; n below one is treated
// as one.
func NewLimiter(n int) *Limiter {
	n = max(n, 1)
	return &Limiter{max: n, limit: n, growAfter: defaultGrowAfter,
		wake: make(chan struct{}), now: time.Now}
}

// Acquire blocks until a slot is free and the pace allows a request, or ctx ends. Each
// successful Acquire must be matched by one Release.
func (l *Limiter) Acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		now := l.now()
		wait := l.next.Sub(now)
		if wait <= 0 && l.inFlight < l.limit {
			l.inFlight++
			if l.rate > 0 {
				l.next = later(l.next, now).Add(time.Duration(float64(time.Second) / l.rate))
			}
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

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
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

// Succeeded records an accepted call: it counts toward the accepted rate, speeds up the
// pace a little and, every growAfter of them, raises the concurrency by one.
func (l *Limiter) Succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.accepted = append(l.trimmed(now), now)
	if l.rate > 0 {
		l.rate += rateStep
	}
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

// trimmed drops accepted times older than rateWindow; l.mu must be held.
func (l *Limiter) trimmed(now time.Time) []time.Time {
	i := 0
	for i < len(l.accepted) && now.Sub(l.accepted[i]) > rateWindow {
		i++
	}
	return l.accepted[i:]
}

// Throttled records a throttled call: it halves the concurrency and paces requests just
// under the rate accepted over the last second. Throttled answers within rateWindow of the
// last reduction count once, as their requests were sent under the old pace. The caller
// itself should wait Wait(retryAfter) before sending the request again.
func (l *Limiter) Throttled(retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.successes = 0
	if now.Before(l.calmUntil) {
		return
	}
	l.calmUntil = now.Add(rateWindow)
	l.limit = max(l.limit/2, 1)
	l.accepted = l.trimmed(now)
	span := rateWindow
	if len(l.accepted) > 0 && now.Sub(l.accepted[0]) < span {
		// Early in a run the window is not full yet: count over what it holds.
		span = max(now.Sub(l.accepted[0]), 100*time.Millisecond)
	}
	accepted := float64(len(l.accepted)) / span.Seconds()
	if pace := max(accepted*rateBackoff, minRate); l.rate == 0 || pace < l.rate {
		l.rate = pace
	}
	l.broadcast()
}

// Wait is how long a throttled request waits before it is sent again: the server's
// Retry-After, or defaultPause without one.
func Wait(retryAfter time.Duration) time.Duration {
	if retryAfter <= 0 {
		return defaultPause
	}
	return retryAfter
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

// Rate returns the current pace in requests per second; 0 means not paced.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// broadcast wakes every waiter so it re-checks; l.mu must be held.
func (l *Limiter) broadcast() {
	close(l.wake)
	l.wake = make(chan struct{})
}
