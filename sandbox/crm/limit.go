package crm

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// bucket is a token bucket refilled at rate tokens per second.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// newBucket returns nil for rate <= 0, which take treats as unlimited.
func newBucket(rate float64, now time.Time) *bucket {
	if rate <= 0 {
		return nil
	}
	burst := math.Max(1, rate/10)
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// take spends one token. When none is left it reports how long until one
// is, rounded up to whole seconds because Retry-After carries seconds.
func (b *bucket) take(now time.Time) (ok bool, retryAfter int) {
	if b == nil {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	elapsed := now.Sub(b.last).Seconds()
	if elapsed > 0 {
		b.tokens = math.Min(b.burst, b.tokens+elapsed*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := (1 - b.tokens) / b.rate
	return false, max(1, int(math.Ceil(wait)))
}

// faults decides, reproducibly for a seed, which requests fail.
type faults struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	fail     float64
	throttle float64
}

func newFaults(seed int64, fail, throttle float64) *faults {
	src := rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)
	return &faults{rnd: rand.New(src), fail: fail, throttle: throttle}
}

func (f *faults) set(fail, throttle float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail, f.throttle = fail, throttle
}

// draw returns the status to inject (500 or 429) or 0 for none.
func (f *faults) draw() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail <= 0 && f.throttle <= 0 {
		return 0
	}
	p := f.rnd.Float64()
	switch {
	case p < f.fail:
		return 500
	case p < f.fail+f.throttle:
		return 429
	}
	return 0
}
