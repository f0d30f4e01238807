package drills

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// workerBin is the production worker, built once per test binary run.
var workerBin struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if workerBin.path != "" {
		os.RemoveAll(filepath.Dir(workerBin.path))
	}
	os.Exit(code)
}

// buildWorker builds ./worker into a temporary directory.
func buildWorker(t *testing.T) string {
	t.Helper()
	workerBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "drills-worker-")
		if err != nil {
			workerBin.err = err
			return
		}
		path := filepath.Join(dir, "worker")
		out, err := exec.Command("go", "build", "-o", path,
			"github.com/shopsync/shoptet-daktela/worker").CombinedOutput()
		if err != nil {
			workerBin.err = fmt.Errorf("go build ./worker: %v\n%s", err, out)
			return
		}
		workerBin.path = path
	})
	if workerBin.err != nil {
		t.Fatal(workerBin.err)
	}
	return workerBin.path
}

// proc is a worker process whose output is captured.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startProc starts a worker process against the Temporal service at temporalAddr.
func (st *stack) startProc(temporalAddr string) *proc {
	st.t.Helper()
	p := &proc{out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(buildWorker(st.t))
	p.cmd.Env = st.env(temporalAddr)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		st.t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	st.t.Cleanup(func() {
		p.stop(syscall.SIGTERM, 20*time.Second)
		if st.t.Failed() {
			st.t.Logf("worker pid %d, last lines:\n%s", p.pid(), tail(p.out.String()))
		}
	})
	return p
}

// kill ends the process with SIGKILL and waits for it.
func (p *proc) kill() { p.stop(syscall.SIGKILL, 10*time.Second) }

// stop sends sig and waits at most d before killing the process.
func (p *proc) stop(sig syscall.Signal, d time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(d):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// pid is the process id, part of the worker's default Temporal identity.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// waitFor waits at most d for text to appear in the process's output.
func (p *proc) waitFor(t *testing.T, text string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(p.out.String(), text) {
		select {
		case <-p.done:
			t.Fatalf("worker pid %d ended before it logged %s", p.pid(), text)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker pid %d did not log %s within %s", p.pid(), text, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
