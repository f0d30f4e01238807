package drills

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/temporal"
	"go.temporal.io/server/temporaltest"

	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/internal/proctest"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// stackOptions size one drill's sandbox.
type stackOptions struct {
	customers, orders int
	badEmails         int
	oddNames          int
	crm               crm.Options
	store             string // DSN; default a SQLite file in the drill's directory
}

// stack is one drill's product stack: the sandbox shop and CRM over real HTTP, the
// configuration of a worker, a Temporal client and the logs of in-process workers. The
// sandbox is built here rather than by app.StartSandbox because drills need shop options
// (bad e-mails) that app.SandboxOptions does not pass on.
type stack struct {
	t       *testing.T
	dir     string
	shop    *shop.Shop
	shopSrv *shop.Server
	crm     *crm.Server
	shopURL string
	crmURL  string
	hashes  shop.Hashes
	token   string
	mapping string
	store   string
	queue   string
	// namespace is the Temporal namespace of the drill's service, passed on to worker
	// processes (temporaltest makes a random one).
	namespace string
	logs      *proctest.Buffer
	logger    *slog.Logger
	client    client.Client
	runs      []client.WorkflowRun
}

func newStack(t *testing.T, o stackOptions) *stack {
	t.Helper()
	st := &stack{t: t, dir: t.TempDir(), logs: &proctest.Buffer{}, token: shop.RandomHash(time.Now().UnixNano())[:40]}
	st.logger = slog.New(slog.NewTextHandler(st.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	seed := time.Now().UnixNano()
	st.hashes = shop.Hashes{Customers: shop.RandomHash(seed + 1), Orders: shop.RandomHash(seed + 2),
		Feed: shop.RandomHash(seed + 3), PatternID: -11}
	st.shop = shop.Generate(shop.Options{Seed: 7, Customers: o.customers, Orders: o.orders,
		BadEmails: o.badEmails, OddNames: o.oddNames})
	st.shopSrv = shop.NewServer(st.shop, st.hashes, st.logger.With("component", "sandboxShop"))
	copts := o.crm
	copts.Token, copts.Logger = st.token, st.logger.With("component", "sandboxCRM")
	var err error
	if st.crm, err = crm.New(copts); err != nil {
		t.Fatal(err)
	}
	shopHTTP, crmHTTP := httptest.NewServer(st.shopSrv), httptest.NewServer(st.crm)
	t.Cleanup(func() { shopHTTP.Close(); crmHTTP.Close(); st.crm.Close() })
	st.shopURL, st.crmURL = shopHTTP.URL, crmHTTP.URL
	// Every order link kept, so that the drill can see each order attached exactly once.
	st.mapping = filepath.Join(st.dir, "mapping.yaml")
	if err := os.WriteFile(st.mapping, []byte("maxOrderLinks: 1000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st.store = o.store
	if st.store == "" {
		st.store = "sqlite:" + filepath.Join(st.dir, "state.db")
	}
	st.queue = "drill-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	return st
}

// useTemporaltest starts an in-memory Temporal server and returns its frontend address.
// Its task queues have one partition, so that every waiting poller of every worker process
// sees every task: a drill's sync is too short for Temporal's default four partitions to
// even out which worker gets which batch.
func (st *stack) useTemporaltest() string {
	dc := dynamicconfig.StaticClient{
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): 1,
	}
	ts := temporaltest.NewServer(temporaltest.WithT(st.t), temporaltest.WithBaseServerOptions(
		temporal.WithDynamicConfigClient(dc)))
	st.client = ts.GetDefaultClient()
	st.namespace = ts.GetDefaultNamespace()
	return ts.GetFrontendHostPort()
}

// profile is the default profile pointed at the sandbox.
func (st *stack) profile() config.Profile {
	return config.Profile{Name: "default",
		Shoptet: config.Shoptet{URL: st.shopURL, CustomersHash: st.hashes.Customers,
			CustomersFormat: "csv", OrdersHash: st.hashes.Orders, OrdersPattern: st.hashes.PatternID,
			FeedHash: st.hashes.Feed, Sandbox: true},
		Daktela: config.Daktela{URL: st.crmURL, Token: st.token, Mapping: st.mapping,
			Concurrency: 8, Sandbox: true}}
}

// env is the environment of a worker process with the same settings as profile.
func (st *stack) env(temporalAddr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !hasAnyPrefix(kv, "SHOPTET_", "DAKTELA_", "SHOPSYNC_", "TEMPORAL_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"SHOPTET_URL="+st.shopURL,
		"SHOPTET_CUSTOMERS_HASH="+st.hashes.Customers,
		"SHOPTET_ORDERS_HASH="+st.hashes.Orders,
		"SHOPTET_ORDERS_PATTERN="+fmt.Sprint(st.hashes.PatternID),
		"SHOPTET_FEED_HASH="+st.hashes.Feed,
		"DAKTELA_URL="+st.crmURL,
		"DAKTELA_TOKEN="+st.token,
		"DAKTELA_MAPPING="+st.mapping,
		"TEMPORAL_ADDRESS="+temporalAddr,
		"TEMPORAL_NAMESPACE="+st.namespace,
		"SHOPSYNC_STORE="+st.store,
		"SHOPSYNC_TASK_QUEUE="+st.queue,
		"SHOPSYNC_DATA_DIR="+st.dir,
		"SHOPSYNC_REPORTS_ADDR=127.0.0.1:0",
		"SHOPSYNC_LOG_LEVEL=debug",
	)
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// config is a worker configuration like the one env gives a worker process.
func (st *stack) config() *config.Config {
	return &config.Config{TaskQueue: st.queue, DataDir: st.dir, Store: st.store,
		ReportsAddr: "127.0.0.1:0", ReportsURL: "http://reports.invalid",
		MinFullInterval: 15 * time.Minute,
		Profiles:        map[string]config.Profile{"default": st.profile()}}
}

// startWorker starts an in-process worker whose logs go to st.logs.
func (st *stack) startWorker(cfg *config.Config) *app.Worker {
	st.t.Helper()
	w, err := app.NewWorker(context.Background(), st.client, cfg,
		app.NewConnector(cfg, st.logger), st.logger)
	if err != nil {
		st.t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		st.t.Fatal(err)
	}
	st.t.Cleanup(w.Stop)
	return w
}

// start starts a workflow on the drill's task queue.
func (st *stack) start(wfType string, in workflows.SyncInput) client.WorkflowRun {
	st.t.Helper()
	r, err := st.client.ExecuteWorkflow(context.Background(),
		client.StartWorkflowOptions{TaskQueue: st.queue}, wfType, in)
	if err != nil {
		st.t.Fatal(err)
	}
	st.runs = append(st.runs, r)
	return r
}

// wait waits at most d for a run's summary.
func (st *stack) wait(r client.WorkflowRun, d time.Duration) (*workflows.Summary, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var s workflows.Summary
	if err := r.Get(ctx, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// run executes a workflow and fails the drill unless it succeeds within d.
func (st *stack) run(wfType string, in workflows.SyncInput, d time.Duration) *workflows.Summary {
	st.t.Helper()
	s, err := st.wait(st.start(wfType, in), d)
	if err != nil {
		st.t.Fatalf("%s: %v", wfType, err)
	}
	return s
}

// waitContacts polls the CRM until it holds at least n contacts.
func (st *stack) waitContacts(n int, d time.Duration) int {
	st.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if got := st.crm.ContactCount(); got >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	st.t.Fatalf("the CRM did not reach %d contacts within %s (has %d)", n, d, st.crm.ContactCount())
	return 0
}

// pass prints a drill's pass line, visible in `go test ./drills -v`.
func pass(t *testing.T, name, format string, args ...any) {
	t.Helper()
	if t.Failed() {
		return
	}
	fmt.Printf("PASS drill %s: %s\n", name, fmt.Sprintf(format, args...))
}
