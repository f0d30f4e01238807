package drills

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/internal/proctest"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// buildWorker builds the production worker, once per test binary run.
func buildWorker(t *testing.T) string {
	return proctest.Build(t, "github.com/shopsync/shoptet-daktela/worker")
}

// proc is a worker process whose output is captured.
type proc struct {
	cmd  *exec.Cmd
	out  *proctest.Buffer
	done chan struct{}
}

// startProc starts a worker process against the Temporal service at temporalAddr.
func (st *stack) startProc(temporalAddr string) *proc {
	st.t.Helper()
	p := &proc{out: &proctest.Buffer{}, done: make(chan struct{})}
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
