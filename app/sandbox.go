package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/sandbox/crm"
	"github.com/shopsync/shoptet-daktela/sandbox/shop"
)

// SandboxOptions size the built-in sandbox shop and CRM.
type SandboxOptions struct {
	DataDir   string // the CRM's contacts persist here
	ShopAddr  string // listen address of the shop, e.g. 127.0.0.1:8240 (":0" picks one)
	CRMAddr   string
	Seed      int64
	Customers int
	Orders    int
	// NewOrdersEvery makes the shop take new orders and change some, so that a schedule
	// has something to pick up; zero disables it.
	NewOrdersEvery time.Duration
	CRM            crm.Options // latency, rate limit and faults; Token is generated
	Logger         *slog.Logger
}

// Sandbox is a running sandbox shop and CRM, served over real HTTP on loopback.
type Sandbox struct {
	Shop      *shop.Shop
	ShopSrv   *shop.Server
	CRM       *crm.Server
	ShopURL   string
	CRMURL    string
	hashes    shop.Hashes
	token     string
	servers   []*http.Server
	stopTicks context.CancelFunc
}

// StartSandbox generates the shop and starts both servers.
func StartSandbox(opts SandboxOptions) (*Sandbox, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	sb := &Sandbox{token: randomHex(20)}
	sb.hashes = shop.Hashes{Customers: randomHex(32), Orders: randomHex(32),
		Feed: randomHex(32), PatternID: -11}
	sb.Shop = shop.Generate(shop.Options{Seed: opts.Seed, Customers: opts.Customers,
		Orders: opts.Orders})
	sb.ShopSrv = shop.NewServer(sb.Shop, sb.hashes, opts.Logger.With("component", "sandboxShop"))
	crmOpts := opts.CRM
	crmOpts.Token = sb.token
	if opts.DataDir != "" {
		crmOpts.PersistPath = filepath.Join(opts.DataDir, "sandbox-crm.json")
	}
	crmOpts.Logger = opts.Logger.With("component", "sandboxCRM")
	var err error
	if sb.CRM, err = crm.New(crmOpts); err != nil {
		return nil, err
	}
	if sb.ShopURL, err = sb.serve(opts.ShopAddr, sb.ShopSrv); err != nil {
		sb.Stop(context.Background())
		return nil, fmt.Errorf("sandbox shop: %w", err)
	}
	if sb.CRMURL, err = sb.serve(opts.CRMAddr, sb.CRM); err != nil {
		sb.Stop(context.Background())
		return nil, fmt.Errorf("sandbox CRM: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sb.stopTicks = cancel
	if opts.NewOrdersEvery > 0 {
		go sb.tick(ctx, opts.NewOrdersEvery, opts.Logger)
	}
	return sb, nil
}

func (sb *Sandbox) serve(addr string, h http.Handler) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	sb.servers = append(sb.servers, srv)
	go srv.Serve(l)
	return "http://" + l.Addr().String(), nil
}

func (sb *Sandbox) tick(ctx context.Context, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			added := sb.Shop.AddOrders(3, now)
			changed := sb.Shop.ChangeOrders(2, now)
			logger.Info("sandbox shop took orders", "added", len(added), "changed", len(changed))
		}
	}
}

// Apply points a profile at the sandbox for whatever side it has not configured.
func (sb *Sandbox) Apply(p *config.Profile) {
	if p.ShopSandboxed() {
		p.Shoptet = config.Shoptet{URL: sb.ShopURL, CustomersHash: sb.hashes.Customers,
			CustomersFormat: "csv", OrdersHash: sb.hashes.Orders, OrdersPattern: sb.hashes.PatternID,
			FeedHash: sb.hashes.Feed, Sandbox: true}
	}
	if p.CRMSandboxed() {
		p.Daktela.URL, p.Daktela.Token, p.Daktela.Sandbox = sb.CRMURL, sb.token, true
	}
}

// Env returns the environment that points a worker process at the sandbox, as the
// SHOPTET_* and DAKTELA_* settings of its default profile.
func (sb *Sandbox) Env() []string {
	return []string{
		"SHOPTET_URL=" + sb.ShopURL,
		"SHOPTET_CUSTOMERS_HASH=" + sb.hashes.Customers,
		"SHOPTET_ORDERS_HASH=" + sb.hashes.Orders,
		"SHOPTET_ORDERS_PATTERN=" + fmt.Sprint(sb.hashes.PatternID),
		"SHOPTET_FEED_HASH=" + sb.hashes.Feed,
		"DAKTELA_URL=" + sb.CRMURL,
		"DAKTELA_TOKEN=" + sb.token,
	}
}

// Secrets lists the sandbox's hashes and token, for tests that check nothing leaks them.
func (sb *Sandbox) Secrets() []string {
	return []string{sb.hashes.Customers, sb.hashes.Orders, sb.hashes.Feed, sb.token}
}

// Stop shuts both servers down and saves the CRM.
func (sb *Sandbox) Stop(ctx context.Context) error {
	if sb.stopTicks != nil {
		sb.stopTicks()
	}
	var errs []error
	for _, s := range sb.servers {
		errs = append(errs, s.Shutdown(ctx))
	}
	if sb.CRM != nil {
		errs = append(errs, sb.CRM.Close())
	}
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
