package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/engine"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/workflows"
)

type devFlags struct {
	dataDir, ip       string
	port, uiPort      int
	once              bool
	seed              int64
	customers, orders int
	crmLatency        time.Duration
	crmRate           float64
	newOrdersEvery    time.Duration
	shopPort, crmPort int
}

func runDev(args []string) error {
	fs := newFlags("dev", "dev [flags]")
	var f devFlags
	fs.StringVar(&f.dataDir, "data", "./data", "data directory: Temporal's history, the sync's state, the sandbox CRM")
	fs.StringVar(&f.ip, "ip", "127.0.0.1", "address to bind")
	fs.IntVar(&f.port, "port", 7233, "Temporal frontend port (the engine also uses the next 3 ports and port+100..103)")
	fs.IntVar(&f.uiPort, "ui-port", 0, "Web UI port (default port+1000, i.e. 8233)")
	fs.BoolVar(&f.once, "once", false, "run one full sync, print its summary and the report, and exit")
	fs.Int64Var(&f.seed, "sandbox-seed", 1, "sandbox shop: generator seed")
	fs.IntVar(&f.customers, "sandbox-customers", 2000, "sandbox shop: registered customers")
	fs.IntVar(&f.orders, "sandbox-orders", 8000, "sandbox shop: orders")
	fs.DurationVar(&f.crmLatency, "sandbox-latency", 0, "sandbox CRM: latency added to each request")
	fs.Float64Var(&f.crmRate, "sandbox-rate", 0, "sandbox CRM: requests per second allowed (0 = no limit)")
	fs.DurationVar(&f.newOrdersEvery, "sandbox-new-orders-every", 2*time.Minute,
		"sandbox shop: take new orders this often (0 = never)")
	fs.IntVar(&f.shopPort, "sandbox-shop-port", 8240, "sandbox shop port")
	fs.IntVar(&f.crmPort, "sandbox-crm-port", 8241, "sandbox CRM port")
	fs.BoolVar(&sandboxLegacy, "sandbox-legacy", false, "seed an empty sandbox CRM as the old integration leaves it")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return dev(ctx, f)
}

func dev(ctx context.Context, f devFlags) error {
	os.Setenv("SHOPSYNC_DATA_DIR", f.dataDir)
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	logger := app.NewLogger(cfg.LogLevel)
	eng, err := engine.Start(engine.Options{DataDir: f.dataDir, IP: f.ip, Port: f.port,
		UIPort: f.uiPort, Logger: logger})
	if err != nil {
		return err
	}
	defer stopEngine(eng, logger)

	sb, err := startSandboxIfNeeded(cfg, f, logger)
	if err != nil {
		return err
	}
	if sb != nil {
		defer sb.Stop(context.Background())
	}
	if err := seedLegacy(sb); err != nil {
		return err
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: eng.HostPort(),
		Namespace: eng.Namespace(), Logger: tlog.NewStructuredLogger(logger)})
	if err != nil {
		return fmt.Errorf("connect to the embedded engine: %w", err)
	}
	defer c.Close()
	conn := app.NewConnector(cfg, logger)
	if err := conn.Check(); err != nil {
		return err
	}
	w, err := app.NewWorker(ctx, c, cfg, conn, logger)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	printBanner(eng, cfg, sb)
	if f.once {
		return startAndWait(ctx, c, "FullSync", cfg.TaskQueue, workflows.SyncInput{}, false,
			eng.UIURL(), eng.Namespace())
	}
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "\nshutting down")
	return nil
}

func stopEngine(eng *engine.Engine, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := eng.Stop(ctx); err != nil {
		logger.Warn("engine stop", "error", err)
	}
}

func startSandboxIfNeeded(cfg *config.Config, f devFlags, logger *slog.Logger) (*app.Sandbox, error) {
	need := false
	for _, p := range cfg.Profiles {
		need = need || p.ShopSandboxed() || p.CRMSandboxed()
	}
	if !need {
		return nil, nil
	}
	sb, err := app.StartSandbox(app.SandboxOptions{
		DataDir:  f.dataDir,
		ShopAddr: net.JoinHostPort(f.ip, fmt.Sprint(f.shopPort)),
		CRMAddr:  net.JoinHostPort(f.ip, fmt.Sprint(f.crmPort)),
		Seed:     f.seed, Customers: f.customers, Orders: f.orders,
		NewOrdersEvery: f.newOrdersEvery,
		CRM:            crm.Options{Latency: f.crmLatency, RateLimit: f.crmRate},
		Logger:         logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%w (choose other ports with --sandbox-shop-port and --sandbox-crm-port)", err)
	}
	for name, p := range cfg.Profiles {
		sb.Apply(&p)
		cfg.Profiles[name] = p
	}
	return sb, nil
}

func printBanner(eng *engine.Engine, cfg *config.Config, sb *app.Sandbox) {
	p, _ := cfg.Profile("default")
	side := func(sandboxed bool, url string) string {
		if sandboxed {
			return "sandbox at " + url
		}
		return "real, " + url
	}
	abs, _ := filepath.Abs(cfg.DataDir)
	fmt.Fprintf(os.Stderr, `
shopsync is running
  Temporal Web UI   %s
  Temporal address  %s (namespace %s, task queue %s)
  shop              %s
  CRM               %s
  reports           %s/reports/<run id>.xlsx
  data              %s

Start a sync:
  go run ./starter sync full                (or in the UI: Start Workflow, type FullSync,
                                             task queue %s, input {})
  go run ./starter schedule create --every 15m
Stop with Ctrl-C.
`, eng.UIURL(), eng.HostPort(), eng.Namespace(), cfg.TaskQueue,
		side(p.Shoptet.Sandbox, p.Shoptet.URL), side(p.Daktela.Sandbox, p.Daktela.URL),
		cfg.ReportsURL, abs, cfg.TaskQueue)
}
