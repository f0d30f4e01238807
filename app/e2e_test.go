package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/internal/proctest"
	"github.com/shopsync/shoptet-daktela/report"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/store/storetest"
	"github.com/shopsync/shoptet-daktela/workflows"
)

// env is one product stack for an end-to-end test: an in-memory Temporal server, the sandbox
// shop and CRM over real HTTP, a SQLite store and a worker.
type env struct {
	t      *testing.T
	sb     *Sandbox
	cfg    *config.Config
	client client.Client
	worker *Worker
	logs   *proctest.Buffer
	runs   []client.WorkflowRun
}

type envOptions struct {
	customers, orders int
	crm               crm.Options
	store             string // DSN; default a SQLite file in a temp dir
	mapping           string // extra lines of the mapping file
	noWorker          bool
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	dir := t.TempDir()
	logs := &proctest.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sb, err := StartSandbox(SandboxOptions{ShopAddr: "127.0.0.1:0", CRMAddr: "127.0.0.1:0",
		Seed: 7, Customers: o.customers, Orders: o.orders, CRM: o.crm, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Stop(context.Background()) })
	mappingFile := filepath.Join(dir, "mapping.yaml")
	// Every order link kept, so that the test can see each order attached exactly once.
	if err := os.WriteFile(mappingFile, []byte("maxOrderLinks: 1000000\n"+o.mapping), 0o600); err != nil {
		t.Fatal(err)
	}
	p := config.Profile{Name: "default", Daktela: config.Daktela{Mapping: mappingFile, Concurrency: 8}}
	sb.Apply(&p)
	dsn := o.store
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(dir, "state.db")
	}
	cfg := &config.Config{TaskQueue: "shopsync-" + strings.ToLower(t.Name()), DataDir: dir,
		Store: dsn, ReportsAddr: "127.0.0.1:0", ReportsURL: "http://reports.invalid",
		MinFullInterval: 15 * time.Minute, Profiles: map[string]config.Profile{"default": p}}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	e := &env{t: t, sb: sb, cfg: cfg, client: ts.GetDefaultClient(), logs: logs}
	if !o.noWorker {
		e.startWorker(logger)
	}
	return e
}

func (e *env) startWorker(logger *slog.Logger) *Worker {
	w, err := NewWorker(context.Background(), e.client, e.cfg, NewConnector(e.cfg, logger), logger)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(w.Stop)
	e.worker = w
	return w
}

// run executes a workflow to completion and returns its summary and run id.
func (e *env) run(wfType string, in workflows.SyncInput) (*workflows.Summary, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r, err := e.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		TaskQueue: e.cfg.TaskQueue}, wfType, in)
	if err != nil {
		e.t.Fatal(err)
	}
	e.runs = append(e.runs, r)
	var s workflows.Summary
	if err := r.Get(ctx, &s); err != nil {
		e.t.Fatalf("%s: %v", wfType, err)
	}
	return &s, r.GetRunID()
}

// checkOnePerPerson asserts the CRM against the shop's ground truth: every order is
// attached to exactly one contact, all orders of a person share one contact, and no two
// persons share a contact. It returns the contact of each person.
func (e *env) checkOnePerPerson() map[int]string {
	e.t.Helper()
	truth := e.sb.Shop.Truth()
	seen := map[string]string{} // order id -> contact
	for _, c := range e.sb.CRM.Contacts() {
		for _, link := range c.CustomFields["shoptet_orders"] {
			_, id, ok := strings.Cut(link, "?id=")
			if !ok {
				e.t.Fatalf("contact %s: odd order link %q", c.Name, link)
			}
			if prev, dup := seen[id]; dup {
				e.t.Fatalf("order %s attached twice: %s and %s", id, prev, c.Name)
			}
			seen[id] = c.Name
		}
	}
	personContact := map[int]string{}
	contactPerson := map[string]int{}
	for _, id := range truth.OrderIDs() {
		c, ok := seen[id]
		if !ok {
			e.t.Fatalf("order %s is attached to no contact", id)
		}
		p := truth.PersonOfOrder(id)
		if prev, ok := personContact[p]; ok && prev != c {
			e.t.Fatalf("person %d (%s) split over contacts %s and %s", p, truth.Name(p), prev, c)
		}
		if q, ok := contactPerson[c]; ok && q != p {
			e.t.Fatalf("contact %s merges persons %d (%s) and %d (%s)", c, p, truth.Name(p), q, truth.Name(q))
		}
		personContact[p], contactPerson[c] = c, p
	}
	return personContact
}

func TestFullSyncOneContactPerPerson(t *testing.T) {
	e := newEnv(t, envOptions{customers: 150, orders: 600})
	sum, runID := e.run("FullSync", workflows.SyncInput{})
	truth := e.sb.Shop.Truth()

	// On a fresh CRM every person is new: one create each, nothing read first.
	calls := e.sb.CRM.Counters()
	if calls["POST contacts"] != int64(truth.Persons()) || calls["GET contacts/one"] != 0 {
		t.Errorf("first sync calls = %v, want one POST per person (%d) and no read",
			calls, truth.Persons())
	}

	e.checkOnePerPerson()
	if got, want := len(e.sb.CRM.Contacts()), truth.Persons(); got != want {
		t.Errorf("contacts = %d, ground truth persons = %d", got, want)
	}
	if sum.Persons != truth.Persons() || sum.Created != truth.Persons() {
		t.Errorf("summary persons %d created %d, want %d", sum.Persons, sum.Created, truth.Persons())
	}
	if len(truth.SharedPhones()) > 0 && sum.Conflicts == 0 {
		t.Errorf("shop has %d shared phones but the sync reported no conflict", len(truth.SharedPhones()))
	}
	if sum.Orders != truth.Orders() {
		t.Errorf("orders read = %d, want %d", sum.Orders, truth.Orders())
	}
	e.checkReport(runID)
	e.checkNoSecrets()

	// A second full sync with nothing changed costs no CRM call at all.
	e.sb.CRM.ResetCounters()
	sum2, _ := e.run("FullSync", workflows.SyncInput{})
	if calls := e.sb.CRM.Counters(); len(calls) != 0 {
		t.Errorf("rerun made CRM calls: %v", calls)
	}
	if sum2.Unchanged != truth.Persons() || sum2.Created+sum2.Updated != 0 {
		t.Errorf("rerun summary: %+v", sum2)
	}
	t.Logf("%d orders of %d persons: %d contacts, one per person, every order on one; %d "+
		"shared-phone conflicts left unmerged; first sync %d POSTs and no read; rerun %d calls",
		truth.Orders(), truth.Persons(), len(e.sb.CRM.Contacts()), sum.Conflicts,
		calls["POST contacts"], totalCalls(e.sb.CRM.Counters()))
}

// totalCalls adds up the CRM's request counters by method and endpoint.
func totalCalls(counters map[string]int64) int64 {
	var n int64
	for k, v := range counters {
		if strings.Contains(k, " ") { // "POST contacts"; status counters ("400") are not calls
			n += v
		}
	}
	return n
}

func (e *env) checkReport(runID string) {
	e.t.Helper()
	name, data, err := e.worker.Store().Report(context.Background(), runID)
	if err != nil {
		e.t.Fatal(err)
	}
	path := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		e.t.Fatal(err)
	}
	sheets, err := report.ReadSheetNames(path)
	if err != nil {
		e.t.Fatal(err)
	}
	want := []string{"Summary", "Contacts", "Orders", "Conflicts", "Rejected"}
	if strings.Join(sheets, ",") != strings.Join(want, ",") {
		e.t.Errorf("report sheets = %v, want %v", sheets, want)
	}
	rows, err := report.ReadRows(path, "Orders", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	if got, want := len(rows)-1, e.sb.Shop.Truth().Orders(); got != want {
		e.t.Errorf("report lists %d orders, want %d", got, want)
	}
}

// checkNoSecrets looks for the shop hashes and the CRM token in every workflow history,
// the logs and the run results.
func (e *env) checkNoSecrets() {
	e.t.Helper()
	ctx := context.Background()
	var histories []string
	for _, r := range e.runs {
		it := e.client.GetWorkflowHistory(ctx, r.GetID(), r.GetRunID(), false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				e.t.Fatal(err)
			}
			b, _ := json.Marshal(ev)
			histories = append(histories, string(b))
		}
	}
	if len(histories) == 0 {
		e.t.Fatal("no history events read")
	}
	all := strings.Join(histories, "\n") + e.logs.String()
	for _, s := range e.sb.Secrets() {
		if strings.Contains(all, s) {
			e.t.Errorf("a secret (%s…) appears in history or logs", s[:6])
		}
	}
}

func TestIncrementalSyncPicksUpNewOrder(t *testing.T) {
	e := newEnv(t, envOptions{customers: 60, orders: 200})
	e.run("FullSync", workflows.SyncInput{})
	added := e.sb.Shop.AddOrders(5, time.Now())
	e.sb.CRM.ResetCounters()
	sum, _ := e.run("IncrementalSync", workflows.SyncInput{})
	if sum.Created+sum.Updated == 0 {
		t.Fatalf("incremental sync wrote nothing for %d new orders: %+v", len(added), sum)
	}
	contacts := e.checkOnePerPerson()
	truth := e.sb.Shop.Truth()
	for _, id := range added {
		if _, ok := contacts[truth.PersonOfOrder(id)]; !ok {
			t.Errorf("new order %s reached no contact", id)
		}
	}
	// Only the persons with new orders were touched.
	calls := e.sb.CRM.Counters()
	if w := calls["POST contacts"] + calls["PUT contacts"]; w > int64(len(added)) {
		t.Errorf("incremental sync wrote %d contacts for %d new orders: %v", w, len(added), calls)
	}
}

func TestIncrementalBeforeFullFailsClearly(t *testing.T) {
	e := newEnv(t, envOptions{customers: 10, orders: 20})
	ctx := context.Background()
	r, err := e.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: e.cfg.TaskQueue},
		"IncrementalSync", workflows.SyncInput{})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "no full sync") {
		t.Fatalf("want a clear no-full-sync error, got %v", err)
	}
	sum, _ := e.run("IncrementalSync", workflows.SyncInput{FullIfNeeded: true})
	if sum.Created == 0 {
		t.Errorf("fullIfNeeded created nothing: %+v", sum)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newEnv(t, envOptions{customers: 20, orders: 60})
	sum, _ := e.run("FullSync", workflows.SyncInput{DryRun: true})
	c := e.sb.CRM.Counters()
	if c["POST contacts"]+c["PUT contacts"] != 0 || len(e.sb.CRM.Contacts()) != 0 {
		t.Fatalf("dry run wrote: %v", c)
	}
	if sum.Created != e.sb.Shop.Truth().Persons() {
		t.Errorf("dry run would create %d, want %d", sum.Created, e.sb.Shop.Truth().Persons())
	}
}

func TestThrottledCRMLosesNothing(t *testing.T) {
	e := newEnv(t, envOptions{customers: 40, orders: 150,
		crm: crm.Options{ThrottleRate: 0.1, FailRate: 0.05, Seed: 3}})
	sum, _ := e.run("FullSync", workflows.SyncInput{})
	e.checkOnePerPerson()
	if got, want := len(e.sb.CRM.Contacts()), e.sb.Shop.Truth().Persons(); got != want {
		t.Errorf("contacts = %d, want %d (summary %+v)", got, want, sum)
	}
	if c := e.sb.CRM.Counters(); c["429"] == 0 || c["500"] == 0 {
		t.Errorf("faults not injected: %v", c)
	}
}

func TestFullSyncOnPostgres(t *testing.T) {
	e := newEnv(t, envOptions{customers: 40, orders: 120, store: storetest.PostgresDSN(t)})
	sum, _ := e.run("FullSync", workflows.SyncInput{})
	e.checkOnePerPerson()
	if sum.Created != e.sb.Shop.Truth().Persons() {
		t.Errorf("created %d, want %d", sum.Created, e.sb.Shop.Truth().Persons())
	}
	e.sb.CRM.ResetCounters()
	e.run("FullSync", workflows.SyncInput{})
	if calls := e.sb.CRM.Counters(); len(calls) != 0 {
		t.Errorf("rerun made CRM calls: %v", calls)
	}
}

// TestRecordHistories refreshes the histories the replay tests in workflows/ replay. It runs
// only with SHOPSYNC_RECORD_HISTORY=1, after a deliberate change of workflow code.
func TestRecordHistories(t *testing.T) {
	if os.Getenv("SHOPSYNC_RECORD_HISTORY") != "1" {
		t.Skip("set SHOPSYNC_RECORD_HISTORY=1 to record workflow histories")
	}
	e := newEnv(t, envOptions{customers: 20, orders: 60})
	e.run("FullSync", workflows.SyncInput{})
	e.sb.Shop.AddOrders(2, time.Now())
	e.run("IncrementalSync", workflows.SyncInput{})
	for i, name := range []string{"fullsync.json", "incrementalsync.json"} {
		r := e.runs[i]
		var h historypb.History
		it := e.client.GetWorkflowHistory(context.Background(), r.GetID(), r.GetRunID(), false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
		}
		data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOrderRecordsOnePerOrder(t *testing.T) {
	e := newEnv(t, envOptions{customers: 30, orders: 90,
		mapping: "orderRecords: {type: shoptet_order}\n"})
	e.run("FullSync", workflows.SyncInput{})
	contacts := e.checkOnePerPerson()
	truth := e.sb.Shop.Truth()
	records := e.sb.CRM.CRMRecords()
	if len(records) != truth.Orders() {
		t.Fatalf("%d CRM records for %d orders", len(records), truth.Orders())
	}
	for _, r := range records {
		id := r.Name[strings.LastIndex(r.Name, "_")+1:]
		if want := contacts[truth.PersonOfOrder(id)]; r.Contact != want || r.Type != "shoptet_order" {
			t.Errorf("record %s: contact %s type %s, want contact %s", r.Name, r.Contact, r.Type, want)
		}
	}
	e.sb.Shop.AddOrders(3, time.Now())
	e.sb.CRM.ResetCounters()
	e.run("IncrementalSync", workflows.SyncInput{})
	if got := e.sb.CRM.Counters()["POST crmRecords"]; got != 3 {
		t.Errorf("incremental sync made %d CRM records for 3 new orders", got)
	}
	if got := len(e.sb.CRM.CRMRecords()); got != truth.Orders() {
		t.Errorf("%d CRM records for %d orders after the incremental sync", got, truth.Orders())
	}
}

func TestScheduledIncrementalSyncDeliversNewOrder(t *testing.T) {
	e := newEnv(t, envOptions{customers: 30, orders: 100})
	e.run("FullSync", workflows.SyncInput{})
	added := e.sb.Shop.AddOrders(1, time.Now())
	ctx := context.Background()
	h, err := e.client.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   "incremental-test",
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
		Action: &client.ScheduleWorkflowAction{ID: "incremental-test-run", Workflow: "IncrementalSync",
			TaskQueue: e.cfg.TaskQueue, Args: []any{workflows.SyncInput{}}},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Delete(ctx)
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var wfID string
	for deadline := time.Now().Add(30 * time.Second); wfID == ""; time.Sleep(200 * time.Millisecond) {
		d, err := h.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(d.Info.RecentActions); n > 0 {
			wfID = d.Info.RecentActions[n-1].StartWorkflowResult.WorkflowID
		}
		if time.Now().After(deadline) {
			t.Fatal("the schedule started no workflow")
		}
	}
	var sum workflows.Summary
	if err := e.client.GetWorkflow(ctx, wfID, "").Get(ctx, &sum); err != nil {
		t.Fatal(err)
	}
	contacts := e.checkOnePerPerson()
	truth := e.sb.Shop.Truth()
	contact := contacts[truth.PersonOfOrder(added[0])]
	for _, c := range e.sb.CRM.Contacts() {
		if c.Name != contact {
			continue
		}
		for _, link := range c.CustomFields["shoptet_orders"] {
			if strings.HasSuffix(link, "?id="+added[0]) {
				t.Logf("schedule run %s attached new order %s to contact %s (%d updated, %d "+
					"created)", wfID, added[0], contact, sum.Updated, sum.Created)
				return
			}
		}
	}
	t.Fatalf("new order %s is not on contact %s after the scheduled run (%+v)", added[0], contact, sum)
}
