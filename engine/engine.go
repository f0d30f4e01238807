// Package engine runs an embedded Temporal service in the current process: the server on a
// SQLite file, the `default` namespace, and the Temporal Web UI. It exists for trying the
// product on one machine; production workers connect to a real cluster instead.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Options configure the embedded engine.
type Options struct {
	DataDir   string        // holds temporal.db; created when missing
	IP        string        // address to bind; default 127.0.0.1
	Port      int           // frontend gRPC port; default 7233
	UIPort    int           // Web UI port; default Port+1000; negative disables the UI
	Namespace string        // registered before start; default "default"
	Retention time.Duration // history retention of the namespace; default 30 days
	Logger    *slog.Logger
}

// Engine is a running embedded Temporal service.
type Engine struct {
	opts   Options
	server temporal.Server
	ui     *uiserver.Server
	uiErr  chan error
	// quiet turns the server's logs down while it starts and stops.
	quiet *atomic.Bool
}

const clusterName = "active"

func (o *Options) defaults() {
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	if o.Port == 0 {
		o.Port = 7233
	}
	if o.UIPort == 0 {
		o.UIPort = o.Port + 1000
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Retention == 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Start sets up the database on first use, registers the namespace and starts the server and
// the UI. Ports that are taken give an error naming the port and the flag to change it.
func Start(opts Options) (*Engine, error) {
	opts.defaults()
	ports := servicePorts(opts.Port)
	if opts.UIPort > 0 {
		ports = append(ports, opts.UIPort)
	}
	if err := checkPorts(opts.IP, ports); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("engine: data directory: %w", err)
	}
	sqlCfg := sqliteConfig(filepath.Join(opts.DataDir, "temporal.db"))
	if err := prepareDatabase(sqlCfg, opts); err != nil {
		return nil, err
	}
	quiet := new(atomic.Bool)
	quiet.Store(true)
	srv, err := temporal.NewServer(
		temporal.WithConfig(serverConfig(opts, sqlCfg)),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(newServerLogger(opts.Logger, quiet)),
	)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("engine: start server: %w", err)
	}
	e := &Engine{opts: opts, server: srv, quiet: quiet}
	if err := e.waitServing(30 * time.Second); err != nil {
		e.Stop(context.Background())
		return nil, err
	}
	quiet.Store(false)
	if opts.UIPort > 0 {
		e.startUI()
	}
	return e, nil
}

// waitServing returns once the frontend reports its workflow service as serving. The server's
// Start returns before the frontend has joined the cluster's membership; a client calling it
// earlier is refused with "Frontend is not healthy yet", which the server logs as an error.
func (e *Engine) waitServing(limit time.Duration) error {
	conn, err := grpc.NewClient(e.HostPort(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("engine: connect to the frontend: %w", err)
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	req := &healthpb.HealthCheckRequest{Service: workflowServiceName}
	for {
		resp, err := health.Check(ctx, req)
		if err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("status %s", resp.GetStatus())
			}
			return fmt.Errorf("engine: the frontend was not serving after %s: %w", limit, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// workflowServiceName is the gRPC service whose health the frontend reports once it can
// take calls.
const workflowServiceName = "temporal.api.workflowservice.v1.WorkflowService"

// servicePorts are the ports of frontend, history, matching and worker, and their
// membership ports, laid out from the frontend port as the Temporal CLI does.
func servicePorts(frontend int) []int {
	return []int{frontend, frontend + 1, frontend + 2, frontend + 3,
		frontend + 100, frontend + 101, frontend + 102, frontend + 103}
}

func checkPorts(ip string, ports []int) error {
	for _, p := range ports {
		l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(p)))
		if err != nil {
			return fmt.Errorf("engine: port %d on %s is in use (another engine running? "+
				"choose other ports with --port and --ui-port)", p, ip)
		}
		l.Close()
	}
	return nil
}

func sqliteConfig(path string) *config.SQL {
	return &config.SQL{
		PluginName:   sqlite.PluginName,
		DatabaseName: path,
		ConnectAttributes: map[string]string{
			"mode":          "rwc",
			"_journal_mode": "wal",
			"_synchronous":  "normal",
		},
	}
}

func prepareDatabase(cfg *config.SQL, opts Options) error {
	if _, err := os.Stat(cfg.DatabaseName); errors.Is(err, os.ErrNotExist) {
		if err := sqliteschema.SetupSchema(cfg); err != nil {
			return fmt.Errorf("engine: set up schema: %w", err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, nil)
	if err != nil {
		return fmt.Errorf("engine: namespace: %w", err)
	}
	ns.Detail.Config.Retention = durationpb.New(opts.Retention)
	if err := sqliteschema.CreateNamespaces(cfg, ns); err != nil {
		return fmt.Errorf("engine: register namespace %s: %w", opts.Namespace, err)
	}
	return nil
}

func serverConfig(opts Options, sqlCfg *config.SQL) *config.Config {
	hostPort := net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port))
	service := func(i int) config.Service {
		return config.Service{RPC: config.RPC{
			GRPCPort:       opts.Port + i,
			MembershipPort: opts.Port + 100 + i,
			BindOnIP:       opts.IP,
		}}
	}
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{
				MaxJoinDuration:  30 * time.Second,
				BroadcastAddress: opts.IP,
			},
		},
		Persistence: config.Persistence{
			DefaultStore:     sqlite.PluginName,
			VisibilityStore:  sqlite.PluginName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{sqlite.PluginName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: hostPort},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": service(0), "history": service(1),
			"matching": service(2), "worker": service(3),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: hostPort},
	}
}

func (e *Engine) startUI() {
	cfg := &uiconfig.Config{
		Host:                e.opts.IP,
		Port:                e.opts.UIPort,
		TemporalGRPCAddress: e.HostPort(),
		EnableUI:            true,
		DefaultNamespace:    e.opts.Namespace,
		HideLogs:            true,
	}
	cfg.CORS.CookieInsecure = true
	e.ui = uiserver.NewServer(uioptions.WithConfigProvider(cfg))
	e.uiErr = make(chan error, 1)
	go func() { e.uiErr <- e.ui.Start() }()
}

// HostPort is the frontend address clients and workers dial.
func (e *Engine) HostPort() string {
	return net.JoinHostPort(e.opts.IP, strconv.Itoa(e.opts.Port))
}

// Namespace is the registered namespace.
func (e *Engine) Namespace() string { return e.opts.Namespace }

// UIURL is the Web UI's address, or "" when the UI is disabled.
func (e *Engine) UIURL() string {
	if e.ui == nil {
		return ""
	}
	return "http://" + net.JoinHostPort(e.opts.IP, strconv.Itoa(e.opts.UIPort))
}

// Stop shuts the UI and the server down.
func (e *Engine) Stop(ctx context.Context) error {
	e.quiet.Store(true)
	if e.ui != nil {
		e.ui.Stop()
	}
	done := make(chan error, 1)
	go func() { done <- e.server.Stop() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("engine: stop: %w", ctx.Err())
	}
}
