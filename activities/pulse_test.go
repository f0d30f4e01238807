package activities

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
)

// TestKeepAliveRepeatsTheLastHeartbeat runs an activity that records one heartbeat and then
// waits, as a fetch waits for Shoptet's first byte: the pulse must go on recording that
// heartbeat, and stop before the activity returns.
func TestKeepAliveRepeatsTheLastHeartbeat(t *testing.T) {
	defer func(d time.Duration, rec func(context.Context, ...any)) {
		pulseEvery, recordHeartbeat = d, rec
	}(pulseEvery, recordHeartbeat)
	pulseEvery = 10 * time.Millisecond
	var mu sync.Mutex
	var beats []any
	recordHeartbeat = func(_ context.Context, details ...any) {
		mu.Lock()
		defer mu.Unlock()
		beats = append(beats, details...)
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(beats)
	}

	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	wait := func(ctx context.Context) error {
		ctx, stop := keepAlive(ctx)
		defer stop()
		heartbeat(ctx, 42)
		time.Sleep(20 * pulseEvery)
		return nil
	}
	env.RegisterActivity(wait)
	if _, err := env.ExecuteActivity(wait); err != nil {
		t.Fatal(err)
	}
	after := count()
	if after < 10 {
		t.Errorf("%d heartbeats while the activity waited %s, want one every %s", after,
			20*pulseEvery, pulseEvery)
	}
	mu.Lock()
	for i, b := range beats {
		if b != 42 {
			t.Errorf("heartbeat %d carried %v, want the last cursor 42", i, b)
			break
		}
	}
	mu.Unlock()
	time.Sleep(5 * pulseEvery)
	if n := count(); n != after {
		t.Errorf("%d heartbeats after the activity returned", n-after)
	}
}
