package workflows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopsync/shoptet-daktela/activities"
	"github.com/shopsync/shoptet-daktela/daktela"
)

// crash stands between the worker and the CRM: from the lose-th merge on it lets the merge
// reach the CRM but loses the answer, and answers nothing else after it, as a worker killed
// right after sending a merge would.
type crash struct {
	next  http.Handler
	mu    sync.Mutex
	lose  int
	seen  int
	dead  bool
	armed bool
}

func (c *crash) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	dead := c.dead
	if c.armed && !dead && strings.HasSuffix(r.URL.Path, "/mergeContacts.json") {
		c.seen++
		c.dead = c.seen == c.lose
	}
	lost := c.dead && !dead
	c.mu.Unlock()
	switch {
	case dead:
		http.Error(w, "worker gone", http.StatusServiceUnavailable)
	case lost:
		c.next.ServeHTTP(httptest.NewRecorder(), r)
		http.Error(w, "worker gone", http.StatusServiceUnavailable)
	default:
		c.next.ServeHTTP(w, r)
	}
}

type fixedConnector struct{ conn *activities.Conn }

func (f fixedConnector) Conn(string) (*activities.Conn, error) { return f.conn, nil }

// TestApplyMergeResumesAfterCrash applies a plan through a CRM connection that dies right
// after a merge was sent, then applies it again as Temporal's retry would: every group ends
// merged exactly once, the one whose answer was lost included.
func TestApplyMergeResumesAfterCrash(t *testing.T) {
	w := newLegacyWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	orig, err := w.acts.Connector.Conn("default")
	require.NoError(t, err)
	cr := &crash{next: w.sb.CRM, lose: 7}
	hs := httptest.NewServer(cr)
	defer hs.Close()
	conn := *orig
	conn.CRM, err = daktela.New(daktela.Options{URL: hs.URL, Token: w.token, Timeout: 10 * time.Second})
	require.NoError(t, err)
	acts := *w.acts
	acts.Connector = fixedConnector{&conn}

	mr := activities.MergeRun{Run: activities.Run{ID: "r1", Workflow: "w1", Profile: "default"}}
	read, err := acts.ReadContacts(ctx, mr)
	require.NoError(t, err)
	require.Equal(t, w.seeded, read.Contacts)
	mr.Database = read.Database
	planned, err := acts.GroupContacts(ctx, mr)
	require.NoError(t, err)
	batch := activities.MergeBatch{Run: mr, From: 0, To: planned.Groups + planned.Ambiguous}

	w.sb.CRM.ResetCounters()
	cr.armed = true
	_, err = acts.ApplyMerge(ctx, batch)
	require.Error(t, err, "the first attempt must die with its connection")
	require.Equal(t, int64(cr.lose), w.sb.CRM.Counters()["POST mergeContacts"])

	cr.mu.Lock()
	cr.dead, cr.armed = false, false
	cr.mu.Unlock()
	out, err := acts.ApplyMerge(ctx, batch)
	require.NoError(t, err)
	require.Equal(t, planned.Groups, out.Merged)
	require.Equal(t, planned.Ambiguous, out.Skipped)
	require.Equal(t, int64(planned.Groups), w.sb.CRM.Counters()["POST mergeContacts"],
		"every group merged exactly once")
	require.Len(t, w.sb.CRM.Contacts(), w.seeded-planned.Merges)
	w.requireOnePerPerson(t)

	again, err := acts.ApplyMerge(ctx, batch)
	require.NoError(t, err)
	require.Equal(t, out, again)
	require.Equal(t, int64(planned.Groups), w.sb.CRM.Counters()["POST mergeContacts"])
}
