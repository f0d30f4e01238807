// Package app wires the product together for the worker and the starter: it turns the
// configuration into live connections, registers workflows and activities on a Temporal
// worker, serves the merge reports over HTTP and runs the built-in sandbox shop and CRM.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/shopsync/shoptet-daktela/activities"
	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/daktela"
	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/shoptet"
)

// UserAgent names the product in requests to Shoptet and Daktela.
const UserAgent = "shopsync/1.0 (Shoptet to Daktela sync)"

// Connector builds and caches each profile's connections.
type Connector struct {
	cfg    *config.Config
	logger *slog.Logger
	mu     sync.Mutex
	conns  map[string]*activities.Conn
}

// NewConnector returns a Connector over the worker's configuration.
func NewConnector(cfg *config.Config, logger *slog.Logger) *Connector {
	return &Connector{cfg: cfg, logger: logger, conns: map[string]*activities.Conn{}}
}

// Conn returns the connections of a profile, building them on first use.
func (c *Connector) Conn(profile string) (*activities.Conn, error) {
	if profile == "" {
		profile = "default"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn, ok := c.conns[profile]; ok {
		return conn, nil
	}
	p, err := c.cfg.Profile(profile)
	if err != nil {
		return nil, err
	}
	conn, err := c.build(p)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", profile, err)
	}
	c.conns[profile] = conn
	return conn, nil
}

// Check builds the connections of every profile, so that a worker reports a wrong setting
// (and logs each suspicious one) when it starts rather than at its first sync.
func (c *Connector) Check() error {
	names := make([]string, 0, len(c.cfg.Profiles))
	for name := range c.cfg.Profiles {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		if _, err := c.Conn(name); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Connector) build(p config.Profile) (*activities.Conn, error) {
	if p.ShopSandboxed() || p.CRMSandboxed() {
		return nil, fmt.Errorf("no shop or CRM configured (set SHOPTET_URL and DAKTELA_URL, " +
			"or run the embedded default with the sandbox: go run ./starter dev)")
	}
	sc := shoptet.Config{
		BaseURL: p.Shoptet.URL, CustomersHash: p.Shoptet.CustomersHash,
		CustomersFormat: p.Shoptet.CustomersFormat, OrdersHash: p.Shoptet.OrdersHash,
		OrdersPattern: p.Shoptet.OrdersPattern, PartnerID: p.Shoptet.PartnerID,
		OrdersFeedHash: p.Shoptet.FeedHash, FeedPath: p.Shoptet.FeedPath,
	}
	warnings, err := sc.Validate()
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		c.logger.Warn("shoptet setting looks wrong", "profile", p.Name, "warning", w)
	}
	shop, err := shoptet.NewClient(sc, shoptet.WithUserAgent(UserAgent),
		shoptet.WithLogger(c.logger))
	if err != nil {
		return nil, err
	}
	crm, err := daktela.New(daktela.Options{URL: p.Daktela.URL, Token: p.Daktela.Token,
		Timeout: 60 * time.Second, Logger: c.logger, UserAgent: UserAgent})
	if err != nil {
		return nil, err
	}
	m := mapping.Default()
	if p.Daktela.Mapping != "" {
		if m, err = mapping.Load(p.Daktela.Mapping); err != nil {
			return nil, err
		}
	}
	return &activities.Conn{
		Profile: p.Name, ShopURL: sc.WithDefaults().BaseURL, Sandboxed: p.Shoptet.Sandbox,
		Shop: shop, Customers: sc.WithDefaults().CustomersFormat, HasFeed: sc.OrdersFeedHash != "",
		CRM: crm, CRMURL: p.Daktela.URL, Mapping: m, Concurrency: p.Daktela.Concurrency,
	}, nil
}
