package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/shopsync/shoptet-daktela/internal/proctest"
	"github.com/shopsync/shoptet-daktela/workflows"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// buildStarter builds this command, so that the tests see what a user sees: the output, exit
// codes and signals of a real process.
func buildStarter(t *testing.T) string {
	return proctest.Build(t, "github.com/shopsync/shoptet-daktela/starter")
}

// result is one finished starter invocation.
type result struct {
	code           int
	stdout, stderr string
}

// starter runs the command with env added to a copy of the test's environment from which
// every connection setting was removed, so that the sandbox is what dev serves.
func starter(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildStarter(t), args...)
	cmd.Env = append(cleanEnv(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("starter %s: %v", strings.Join(args, " "), err)
	}
	return r
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SHOPTET_") && !strings.HasPrefix(kv, "DAKTELA_") &&
			!strings.HasPrefix(kv, "SHOPSYNC_") && !strings.HasPrefix(kv, "TEMPORAL_") {
			env = append(env, kv)
		}
	}
	return env
}

func (r result) want(t *testing.T, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.stdout, r.stderr)
	}
}

// oneLine checks that a failure says why in exactly one line on stderr.
func (r result) oneLine(t *testing.T, what, contains string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "starter: ") ||
		!strings.Contains(lines[0], contains) {
		t.Errorf("%s: stderr should be one line naming %q, got %q", what, contains, r.stderr)
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	cases := [][]string{{"--help"}, {"help"}, {}}
	for _, c := range commands {
		cases = append(cases, []string{c.name, "--help"})
	}
	cases = append(cases, []string{"sync", "full", "--help"}, []string{"sync", "incremental", "--help"},
		[]string{"schedule", "create", "--help"}, []string{"report", "download", "--help"},
		[]string{"merge", "start", "--help"}, []string{"merge", "approve", "--help"})
	for _, args := range cases {
		r := starter(t, nil, args...)
		r.want(t, 0, "starter "+strings.Join(args, " "))
		if !strings.Contains(r.stdout+r.stderr, "Usage: starter") {
			t.Errorf("starter %s printed no usage:\n%s%s", strings.Join(args, " "), r.stdout, r.stderr)
		}
	}
}

func TestUsageAndFailureExitCodes(t *testing.T) {
	usage := []struct {
		args     []string
		contains string
	}{
		{[]string{"nonsense"}, `unknown command "nonsense"`},
		{[]string{"sync"}, "full or incremental"},
		{[]string{"sync", "full", "--no-such-flag"}, "no-such-flag"},
		{[]string{"status"}, "needs a workflow id"},
		{[]string{"schedule"}, "needs an action"},
		{[]string{"report", "download"}, "needs a workflow id"},
		{[]string{"merge"}, "needs a subcommand"},
	}
	for _, c := range usage {
		what := "starter " + strings.Join(c.args, " ")
		r := starter(t, nil, c.args...)
		r.want(t, 2, what)
		if !strings.Contains(r.stderr, c.contains) {
			t.Errorf("%s: stderr %q does not name %q", what, r.stderr, c.contains)
		}
	}

	// Nothing listens on the address: the command fails with one line that says where it
	// looked and what to start.
	addr := freeAddr(t)
	r := starter(t, nil, "sync", "full", "--address", addr)
	r.want(t, 1, "sync full without a Temporal service")
	r.oneLine(t, "sync full without a Temporal service", addr)
	if !strings.Contains(r.stderr, "starter dev") {
		t.Errorf("the failure should say how to start the engine: %q", r.stderr)
	}
}

// devPorts are the ports one `starter dev` takes, all free when they were chosen.
type devPorts struct {
	temporal, ui, shop, crm, reports int
}

func (p devPorts) args(data string) []string {
	return []string{"dev", "--data", data, "--port", strconv.Itoa(p.temporal),
		"--ui-port", strconv.Itoa(p.ui), "--sandbox-shop-port", strconv.Itoa(p.shop),
		"--sandbox-crm-port", strconv.Itoa(p.crm)}
}

func (p devPorts) address() string { return "127.0.0.1:" + strconv.Itoa(p.temporal) }

// pickDevPorts finds a frontend port whose whole block (the engine's eight service ports)
// is free, and free ports for the UI, the sandbox and the report server.
func pickDevPorts(t *testing.T) devPorts {
	t.Helper()
	for base := 21000 + os.Getpid()%4000*2; base < 60000; base += 211 {
		ok := true
		for _, p := range []int{base, base + 1, base + 2, base + 3, base + 100, base + 101,
			base + 102, base + 103, base + 1000, base + 1001, base + 1002, base + 1003} {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return devPorts{temporal: base, ui: base + 1000, shop: base + 1001,
				crm: base + 1002, reports: base + 1003}
		}
	}
	t.Fatal("no free block of ports")
	return devPorts{}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// devProc is a running `starter dev`.
type devProc struct {
	cmd    *exec.Cmd
	stderr *proctest.Buffer
	done   chan struct{}
}

func startDev(t *testing.T, ports devPorts, data string, extra ...string) *devProc {
	t.Helper()
	cmd := exec.Command(buildStarter(t), append(ports.args(data), extra...)...)
	cmd.Env = append(cleanEnv(), fmt.Sprintf("SHOPSYNC_REPORTS_ADDR=127.0.0.1:%d", ports.reports))
	d := &devProc{cmd: cmd, stderr: &proctest.Buffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.stderr, d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.stop(t) })
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(d.stderr.String(), "shopsync is running") {
		select {
		case <-d.done:
			t.Fatalf("starter dev ended before it was running:\n%s", d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("starter dev was not running after 2m:\n%s", d.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return d
}

// stop interrupts dev as Ctrl-C does and returns its exit code.
func (d *devProc) stop(t *testing.T) int {
	select {
	case <-d.done:
		return d.cmd.ProcessState.ExitCode()
	default:
	}
	d.cmd.Process.Signal(os.Interrupt)
	select {
	case <-d.done:
	case <-time.After(45 * time.Second):
		d.cmd.Process.Signal(syscall.SIGKILL)
		<-d.done
		t.Errorf("starter dev did not stop within 45s of an interrupt:\n%s", d.stderr)
	}
	return d.cmd.ProcessState.ExitCode()
}

// TestDevEndToEnd runs the README's first command as a user would, without --once, and
// drives it with the other commands: the UI answers, the worker polls, a sync started from
// the command line shows its progress and prints its summary, the report downloads, the
// schedule goes through its life, a second engine on the same ports is refused, Ctrl-C stops
// everything, and a restart on the same data directory still lists the earlier runs.
func TestDevEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded engine twice")
	}
	ports := pickDevPorts(t)
	data := t.TempDir()
	// The CRM's rate limit stretches the load over a few seconds, so that the waiting
	// command has progress to draw.
	dev := startDev(t, ports, data, "--sandbox-customers", "300", "--sandbox-orders", "1200",
		"--sandbox-rate", "150", "--sandbox-new-orders-every", "0")
	addr := []string{"--address", ports.address()}

	uiAnswers(t, ports.ui)
	c := dialEngine(t, ports.address())
	workerPolls(t, c)

	r := starter(t, nil, append([]string{"sync", "full", "--ui", "http://ui.test"}, addr...)...)
	r.want(t, 0, "sync full")
	var sum workflows.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("sync full printed no summary: %v\n%s", err, r.stdout)
	}
	if sum.Persons == 0 || sum.Created != sum.Persons || sum.Report == "" {
		t.Fatalf("first sync: %d persons, %d created, report %q", sum.Persons, sum.Created, sum.Report)
	}
	if !strings.Contains(r.stderr, "load ") || !strings.Contains(r.stderr, "http://ui.test/namespaces/default/workflows/fullsync-default-") {
		t.Errorf("sync full showed no progress line or UI link:\n%s", r.stderr)
	}
	id := workflowID(t, r.stderr)

	r = starter(t, nil, append([]string{"status", id}, addr...)...)
	r.want(t, 0, "status")
	if !strings.Contains(r.stdout, "FullSync") || !strings.Contains(r.stdout, "Completed") ||
		!strings.Contains(r.stdout, fmt.Sprintf("load %d/%d", sum.Persons, sum.Persons)) {
		t.Errorf("status of a finished sync: %q", r.stdout)
	}

	checkReportDownload(t, id, addr)
	checkScheduleLifecycle(t, c, addr)

	r = starter(t, nil, append([]string{"sync", "incremental", "--detach"}, addr...)...)
	r.want(t, 0, "sync incremental --detach")
	if !strings.Contains(r.stdout, "workflow id: incrementalsync-default-") {
		t.Errorf("detach printed no workflow id: %q", r.stdout)
	}

	// The ports are taken: a second engine says which one and how to choose others.
	second := starter(t, nil, ports.args(t.TempDir())...)
	second.want(t, 1, "a second starter dev on the same ports")
	second.oneLine(t, "a second starter dev", fmt.Sprintf("port %d", ports.temporal))

	c.Close()
	if code := dev.stop(t); code != 0 {
		t.Fatalf("starter dev exited %d after an interrupt:\n%s", code, dev.stderr)
	}
	if !strings.Contains(dev.stderr.String(), "shutting down") {
		t.Errorf("starter dev did not say it was shutting down:\n%s", dev.stderr)
	}

	startDev(t, ports, data, "--sandbox-new-orders-every", "0")
	c = dialEngine(t, ports.address())
	defer c.Close()
	d, err := c.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatalf("the sync of before the restart is gone: %v", err)
	}
	if st := d.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Errorf("the sync of before the restart is %s", st)
	}
	listed(t, c, id)
}

func uiAnswers(t *testing.T, port int) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		t.Fatalf("web UI: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("web UI answered %s", resp.Status)
	}
}

func dialEngine(t *testing.T, addr string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// workerPolls waits until the dev worker polls both task types of the task queue.
func workerPolls(t *testing.T, c client.Client) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		polling := 0
		for _, kind := range []enumspb.TaskQueueType{enumspb.TASK_QUEUE_TYPE_WORKFLOW,
			enumspb.TASK_QUEUE_TYPE_ACTIVITY} {
			d, err := c.DescribeTaskQueue(context.Background(), workflows.TaskQueue, kind)
			if err == nil && len(d.GetPollers()) > 0 {
				polling++
			}
		}
		if polling == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no worker polls task queue %s", workflows.TaskQueue)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// workflowID reads the id from the "started <type> <id>" line.
func workflowID(t *testing.T, stderr string) string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "started" {
			return f[2]
		}
	}
	t.Fatalf("no workflow id in %q", stderr)
	return ""
}

func checkReportDownload(t *testing.T, id string, addr []string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report.xlsx")
	r := starter(t, nil, append([]string{"report", "download", id, "-o", file}, addr...)...)
	r.want(t, 0, "report download")
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("the downloaded report does not open: %v", err)
	}
	defer x.Close()
	sheets := strings.Join(x.GetSheetList(), ",")
	for _, s := range []string{"Summary", "Contacts", "Orders", "Conflicts", "Rejected"} {
		if !strings.Contains(sheets, s) {
			t.Errorf("the report has no %s sheet (has %s)", s, sheets)
		}
	}

	r = starter(t, nil, append([]string{"report", "download", "no-such-workflow"}, addr...)...)
	r.want(t, 1, "report download of an unknown workflow")
	r.oneLine(t, "report download of an unknown workflow", "no-such-workflow")
}

// checkScheduleLifecycle creates the schedule, changes its interval, pauses, resumes and
// triggers it, and deletes it; a trigger starts an incremental sync.
func checkScheduleLifecycle(t *testing.T, c client.Client, addr []string) {
	t.Helper()
	run := func(want int, args ...string) string {
		t.Helper()
		r := starter(t, nil, append(args, addr...)...)
		r.want(t, want, "starter "+strings.Join(args, " "))
		return r.stdout
	}
	if out := run(0, "schedule", "create", "--every", "30m"); !strings.Contains(out, "created") {
		t.Errorf("schedule create: %q", out)
	}
	if out := run(0, "schedule", "create", "--every", "1h"); !strings.Contains(out, "updated") {
		t.Errorf("schedule create over an existing one: %q", out)
	}
	out := run(0, "schedule", "describe")
	if !strings.Contains(out, ": active") || !strings.Contains(out, "every 1h0m0s") ||
		!strings.Contains(out, "next runs: ") {
		t.Errorf("schedule describe: %q", out)
	}
	run(0, "schedule", "pause", "--note", "maintenance")
	if out := run(0, "schedule", "describe"); !strings.Contains(out, "paused (maintenance)") {
		t.Errorf("describe after pause: %q", out)
	}
	run(0, "schedule", "unpause")
	run(0, "schedule", "trigger")
	waitIncremental(t, c)
	run(0, "schedule", "delete")
	r := starter(t, nil, append([]string{"schedule", "describe"}, addr...)...)
	r.want(t, 1, "describe after delete")
	r.oneLine(t, "describe after delete", "shopsync-incremental-default")
}

// waitIncremental waits for the triggered schedule's incremental sync to complete.
func waitIncremental(t *testing.T, c client.Client) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: "WorkflowType = 'IncrementalSync'"})
		if err == nil {
			for _, e := range resp.GetExecutions() {
				if e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
					return
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatal("the triggered schedule ran no incremental sync within 1m")
}

// listed checks that the run is among the executions the UI lists.
func listed(t *testing.T, c client.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{})
		if err == nil {
			for _, e := range resp.GetExecutions() {
				if e.GetExecution().GetWorkflowId() == id {
					return
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Errorf("%s is not listed after the restart", id)
}

// TestFlagsAfterPositionalArguments checks that flags may follow a workflow id, as users
// type them after copying the id.
func TestFlagsAfterPositionalArguments(t *testing.T) {
	fs := newFlags("status", "status <workflow-id>")
	addr := fs.String("address", "", "")
	if err := parse(fs, []string{"wf-1", "--address", "h:1"}); err != nil {
		t.Fatal(err)
	}
	if *addr != "h:1" || fs.NArg() != 1 || fs.Arg(0) != "wf-1" {
		t.Errorf("address %q, positional %v", *addr, fs.Args())
	}
	fs = newFlags("merge", "merge approve <workflow-id>")
	exclude := fs.String("exclude", "", "")
	if err := parse(fs, []string{"--exclude", "g1", "wf-2", "extra"}); err != nil {
		t.Fatal(err)
	}
	if *exclude != "g1" || strings.Join(fs.Args(), " ") != "wf-2 extra" {
		t.Errorf("exclude %q, positional %v", *exclude, fs.Args())
	}
}
