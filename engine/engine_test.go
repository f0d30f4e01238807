package engine

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// freeBase finds a frontend port whose service, membership and UI ports are all free.
func freeBase(t *testing.T) int {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(20000)
		ports := append(servicePorts(base), base+1000)
		if checkPorts("127.0.0.1", ports) == nil {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

func TestEngineKeepsWorkflowsAcrossRestartAndServesUI(t *testing.T) {
	dir := t.TempDir()
	port := freeBase(t)
	opts := Options{DataDir: dir, Port: port, Logger: slog.New(slog.DiscardHandler)}
	e, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: e.HostPort(), Namespace: e.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "survives-restart",
		TaskQueue: "nobody-polls"}, "FullSync", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	waitUI(t, e.UIURL())
	c.Close()

	// A second engine on the same ports fails with a clear message.
	if _, err := Start(opts); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second engine on the same ports: %v", err)
	}
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	e, err = Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(ctx)
	c, err = client.Dial(client.Options{HostPort: e.HostPort(), Namespace: e.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := c.DescribeWorkflowExecution(ctx, "survives-restart", run.GetRunID())
	if err != nil {
		t.Fatalf("workflow started before the restart is gone: %v", err)
	}
	if got := d.GetWorkflowExecutionInfo().GetType().GetName(); got != "FullSync" {
		t.Errorf("workflow type = %q", got)
	}
	ns, err := c.WorkflowService().DescribeNamespace(ctx, nsRequest(e.Namespace()))
	if err != nil {
		t.Fatal(err)
	}
	if r := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); r != 30*24*time.Hour {
		t.Errorf("retention = %v, want 30 days", r)
	}
}

func waitUI(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("UI at %s did not answer 200: %v", url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestCheckPortsNamesTheTakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	err = checkPorts("127.0.0.1", []int{port})
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("checkPorts = %v", err)
	}
}

func nsRequest(name string) *workflowservice.DescribeNamespaceRequest {
	return &workflowservice.DescribeNamespaceRequest{Namespace: name}
}
