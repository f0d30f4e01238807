package activities

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// pulseEvery is how often a kept-alive activity heartbeats; well inside the workflows'
// one-minute heartbeat timeout. Tests shorten it.
var pulseEvery = 10 * time.Second

// recordHeartbeat is the SDK's heartbeat; tests count the calls, which the SDK batches
// before they reach the server.
var recordHeartbeat = activity.RecordHeartbeat

// pulse keeps an activity's heartbeat going while the activity waits on something that gives
// no progress to report: Shoptet may think for minutes before the first byte of a large
// export, and a throttled CRM may hold a load batch back. Without it such an activity would be
// taken for lost and a second attempt would start beside the first.
type pulse struct {
	mu      sync.Mutex
	details []any
}

type pulseKey struct{}

// keepAlive heartbeats every pulseEvery with the details last given to heartbeat, until the
// returned stop is called or ctx ends. Outside an activity (tests call activities directly)
// it does nothing.
func keepAlive(ctx context.Context) (context.Context, func()) {
	if !activity.IsActivity(ctx) {
		return ctx, func() {}
	}
	p := &pulse{}
	if activity.HasHeartbeatDetails(ctx) {
		// Keep the cursor of an earlier attempt until this one records its own, so that a
		// pulse before the first heartbeat does not erase what a resume would read.
		var cursor json.RawMessage
		if activity.GetHeartbeatDetails(ctx, &cursor) == nil {
			p.details = []any{cursor}
		}
	}
	ctx = context.WithValue(ctx, pulseKey{}, p)
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(pulseEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				recordHeartbeat(ctx, p.last()...)
			}
		}
	}()
	var once sync.Once
	// stop waits for the pulse to end, so that no heartbeat follows the activity's result.
	return ctx, func() {
		once.Do(func() { close(done) })
		<-exited
	}
}

func (p *pulse) set(details []any) {
	p.mu.Lock()
	p.details = details
	p.mu.Unlock()
}

func (p *pulse) last() []any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.details
}

// heartbeat records progress when running as an activity, and makes it what the pulse of
// keepAlive repeats; tests call activities directly.
func heartbeat(ctx context.Context, details ...any) {
	if !activity.IsActivity(ctx) {
		return
	}
	if p, ok := ctx.Value(pulseKey{}).(*pulse); ok {
		p.set(details)
	}
	recordHeartbeat(ctx, details...)
}
