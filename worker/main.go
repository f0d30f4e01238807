// Command worker is the production worker: it connects to an existing Temporal service
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API key as the SDK's envconfig reads them),
// registers every workflow and activity, serves merge reports and stops gracefully on SIGTERM.
// It does not link the Temporal server.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	tlog "go.temporal.io/sdk/log"

	"github.com/shopsync/shoptet-daktela/app"
	"github.com/shopsync/shoptet-daktela/config"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help") {
		usage()
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Println("Usage: worker\n\nRuns the sync worker against the Temporal service named by " +
		"TEMPORAL_ADDRESS (default localhost:7233)\nand TEMPORAL_NAMESPACE (default \"default\"). " +
		"Settings (environment):")
	for _, s := range config.Settings {
		secret := ""
		if s.Secret {
			secret = " (secret)"
		}
		fmt.Printf("  %-28s %s; default %q%s\n", s.Env, s.Help, s.Default, secret)
	}
	fmt.Println("  SHOPSYNC_SANDBOX             1 = serve the built-in sandbox shop and CRM for unset connections")
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	logger := app.NewLogger(cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if os.Getenv("SHOPSYNC_SANDBOX") == "1" || strings.EqualFold(os.Getenv("SHOPSYNC_SANDBOX"), "true") {
		sb, err := app.StartSandbox(app.SandboxOptions{DataDir: cfg.DataDir,
			ShopAddr: "127.0.0.1:0", CRMAddr: "127.0.0.1:0", Seed: 1, Customers: 2000,
			Orders: 8000, Logger: logger})
		if err != nil {
			return err
		}
		defer sb.Stop(context.Background())
		for name, p := range cfg.Profiles {
			sb.Apply(&p)
			cfg.Profiles[name] = p
		}
		logger.Info("sandbox serving", "shop", sb.ShopURL, "crm", sb.CRMURL)
	}
	conn := app.NewConnector(cfg, logger)
	if err := conn.Check(); err != nil {
		return err
	}

	opts, err := envconfig.LoadDefaultClientOptions()
	if err != nil {
		return fmt.Errorf("temporal client settings: %w", err)
	}
	opts.Logger = tlog.NewStructuredLogger(logger)
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return fmt.Errorf("connect to temporal at %q: %w", opts.HostPort, err)
	}
	defer c.Close()

	w, err := app.NewWorker(ctx, c, cfg, conn, logger)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	logger.Info("worker stopping")
	w.Stop()
	return nil
}
