package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/engine"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
)

// stack is what one bench run starts: the engine, the sandbox and a client; the worker runs
// as a subprocess started from it.
type stack struct {
	opts      options
	dir       string
	ownDir    bool // dir is a temporary directory to remove at the end
	eng       *engine.Engine
	sb        *app.Sandbox
	tc        client.Client
	workerBin string
	queue     string
}

// silent drops the embedded engine's logs: while it starts, it reports its own services
// as unavailable at error level, which is noise here; failures surface as errors.
var silent = slog.New(slog.DiscardHandler)

// quiet is the logger of the in-process servers: only errors, on stderr.
var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))

func newStack(opts options) (*stack, error) {
	s := &stack{opts: opts, dir: opts.keep,
		queue: fmt.Sprintf("bench-%d-%x", os.Getpid(), rand.Uint32())}
	if s.dir == "" {
		d, err := os.MkdirTemp("", "shopsync-bench-")
		if err != nil {
			return nil, fmt.Errorf("temp directory: %w", err)
		}
		s.dir, s.ownDir = d, true
	} else if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("keep directory: %w", err)
	}
	return s, nil
}

// start brings the engine, the sandbox and the client up and builds the worker.
func (s *stack) start(ctx context.Context) error {
	if err := s.startEngine(); err != nil {
		return err
	}
	sb, err := app.StartSandbox(app.SandboxOptions{ShopAddr: "127.0.0.1:0",
		CRMAddr: "127.0.0.1:0", Seed: 1, Customers: s.opts.customers, Orders: s.opts.orders,
		CRM: crm.Options{Latency: s.opts.latency, RateLimit: s.opts.rate}, Logger: quiet})
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	s.sb = sb
	if err := s.buildWorker(ctx); err != nil {
		return err
	}
	s.tc, err = client.DialContext(ctx, client.Options{HostPort: s.eng.HostPort(),
		Namespace: s.eng.Namespace(), Logger: tlog.NewStructuredLogger(quiet)})
	if err != nil {
		return fmt.Errorf("connect to the engine: %w", err)
	}
	return nil
}

// startEngine starts the embedded engine on free ports; it needs eight (four services and
// their membership ports), so a few random bases are tried.
func (s *stack) startEngine() error {
	var err error
	for range 8 {
		base := 20000 + rand.IntN(20000)
		if !portsFree(base, base+1, base+2, base+3, base+100, base+101, base+102, base+103) {
			continue
		}
		s.eng, err = engine.Start(engine.Options{DataDir: filepath.Join(s.dir, "temporal"),
			Port: base, UIPort: -1, Logger: silent})
		if err == nil {
			return nil
		}
	}
	if err == nil {
		err = fmt.Errorf("no free ports found")
	}
	return fmt.Errorf("start the engine: %w", err)
}

func portsFree(ports ...int) bool {
	for _, p := range ports {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// buildWorker compiles the production worker, run from the module root (the directory that
// holds go.mod, found from the working directory up).
func (s *stack) buildWorker(ctx context.Context) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	s.workerBin = filepath.Join(s.dir, "shopsync-worker")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", s.workerBin, "./worker")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("build the worker: %v: %s", err, firstLine(string(out)))
	}
	return nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// workerEnv is the environment of the worker subprocess: the parent's, without any setting
// of the product, plus the sandbox's connections and the bench's own settings.
func (s *stack) workerEnv(minFull string, reportsAddr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !productSetting(kv) {
			env = append(env, kv)
		}
	}
	env = append(env, s.sb.Env()...)
	return append(env,
		"TEMPORAL_ADDRESS="+s.eng.HostPort(),
		"TEMPORAL_NAMESPACE="+s.eng.Namespace(),
		"SHOPSYNC_TASK_QUEUE="+s.queue,
		"SHOPSYNC_DATA_DIR="+filepath.Join(s.dir, "worker"),
		"SHOPSYNC_STORE=sqlite:"+filepath.Join(s.dir, "worker", "shopsync.db"),
		"SHOPSYNC_REPORTS_ADDR="+reportsAddr,
		"SHOPSYNC_MIN_FULL_INTERVAL="+minFull,
		"SHOPSYNC_LOG_LEVEL=warn",
		"DAKTELA_CONCURRENCY="+strconv.Itoa(s.opts.concurrency),
	)
}

func productSetting(kv string) bool {
	for _, p := range []string{"SHOPTET_", "DAKTELA_", "SHOPSYNC_", "TEMPORAL_"} {
		if strings.HasPrefix(kv, p) {
			return true
		}
	}
	return false
}

// close stops everything started, best effort, and removes the temporary directory.
func (s *stack) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s.tc != nil {
		s.tc.Close()
	}
	if s.sb != nil {
		s.sb.Stop(ctx)
	}
	if s.eng != nil {
		s.eng.Stop(ctx)
	}
	if s.ownDir {
		os.RemoveAll(s.dir)
	}
}
