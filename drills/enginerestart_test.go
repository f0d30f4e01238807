package drills

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/shopsync/shoptet-daktela/engine"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// TestDrillEngineRestart stops the embedded engine (the one `starter dev` runs, on its
// SQLite file) while a full sync is loading, keeps it down for two seconds, starts it again
// on the same data directory and checks that the same run finishes with the ground truth's
// end state. The worker is a separate process that rides the outage out by itself.
func TestDrillEngineRestart(t *testing.T) {
	// The CRM is slow enough that the load lasts a few seconds, longer than the engine
	// takes to stop: a contact costs one create, and 16 are in flight.
	st := newStack(t, stackOptions{customers: 300, orders: 1000,
		crm: crm.Options{Latency: 100 * time.Millisecond}})
	opts := engine.Options{DataDir: filepath.Join(st.dir, "temporal"),
		UIPort: -1, Logger: slog.New(slog.DiscardHandler)}
	e := startEngine(t, &opts)
	c := dialEngine(t, e)
	st.client, st.namespace = c, e.Namespace()
	want := st.shop.Truth().Persons()
	worker := st.startProc(e.HostPort())
	r := st.start("FullSync", workflows.SyncInput{})
	st.waitContacts(want/10+rand.IntN(want/3), time.Minute)

	ctx := context.Background()
	if err := e.Stop(ctx); err != nil {
		t.Fatalf("stop the engine: %v", err)
	}
	c.Close()
	stoppedAt := st.crm.ContactCount()
	if stoppedAt >= want {
		t.Fatalf("the load had finished (%d of %d contacts) before the engine stopped",
			stoppedAt, want)
	}
	time.Sleep(2 * time.Second)
	e = startEngine(t, &opts)
	defer e.Stop(ctx)
	began := time.Now()
	st.client = dialEngine(t, e)
	defer st.client.Close()

	r = st.client.GetWorkflow(ctx, r.GetID(), r.GetRunID())
	sum, err := st.wait(r, 4*time.Minute)
	if err != nil {
		t.Fatalf("FullSync after the engine restart: %v\nworker:\n%s", err,
			tail(worker.out.String()))
	}
	end := st.checkEndState()
	if sum.Created != want {
		t.Errorf("summary counts %d created, want %d", sum.Created, want)
	}
	pass(t, "engine-restart", "engine stopped at %d of %d contacts, down 2s, the same run "+
		"finished %s after the restart; %s", stoppedAt, want,
		time.Since(began).Round(time.Second), end)
}

// startEngine starts the embedded engine with opts, choosing free ports on the first call
// and keeping them after, as a restart of `starter dev` would.
func startEngine(t *testing.T, opts *engine.Options) *engine.Engine {
	t.Helper()
	if opts.Port != 0 {
		e, err := engine.Start(*opts)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for range 20 {
		opts.Port = 20000 + rand.IntN(20000)
		e, err := engine.Start(*opts)
		if err == nil {
			return e
		}
		if !strings.Contains(err.Error(), "in use") {
			t.Fatal(err)
		}
	}
	t.Fatal("no free ports for the engine")
	return nil
}

func dialEngine(t *testing.T, e *engine.Engine) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: e.HostPort(), Namespace: e.Namespace(),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
