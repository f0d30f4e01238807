// Package config reads the worker's settings: connection profiles (a Shoptet shop and a
// Daktela CRM), the state store, the report server and tuning. Connections live here, in the
// worker's environment or config file, and workflows refer to them by profile name only, so
// no shop hash or token ever enters Temporal history.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Shoptet is the connection to one shop, named as Shoptet's admin names it.
type Shoptet struct {
	URL             string `yaml:"url"`             // Instance URI
	CustomersHash   string `yaml:"customersHash"`   // secret
	CustomersFormat string `yaml:"customersFormat"` // csv or xml
	OrdersHash      string `yaml:"ordersHash"`      // secret
	OrdersPattern   int    `yaml:"ordersPattern"`   // patternId
	PartnerID       string `yaml:"partnerId"`
	FeedHash        string `yaml:"feedHash"` // secret
	FeedPath        string `yaml:"feedPath"`
	// Sandbox marks a connection to the built-in sandbox shop.
	Sandbox bool `yaml:"-"`
}

// Daktela is the connection to one CRM.
type Daktela struct {
	URL         string `yaml:"url"`
	Token       string `yaml:"token"` // secret
	Mapping     string `yaml:"mapping"`
	Concurrency int    `yaml:"concurrency"`
	// Sandbox marks a connection to the built-in sandbox CRM.
	Sandbox bool `yaml:"-"`
}

// Profile is one named pair of connections.
type Profile struct {
	Name    string  `yaml:"-"`
	Shoptet Shoptet `yaml:"shoptet"`
	Daktela Daktela `yaml:"daktela"`
}

// Sandboxed reports whether the profile has no real shop, so the built-in sandbox is used.
func (p Profile) ShopSandboxed() bool { return p.Shoptet.URL == "" }

// CRMSandboxed reports whether the profile has no real CRM, so the built-in sandbox is used.
func (p Profile) CRMSandboxed() bool { return p.Daktela.URL == "" }

// Config is everything a worker needs.
type Config struct {
	TaskQueue       string
	DataDir         string
	Store           string // DSN; secret when it holds a password
	ReportsAddr     string
	ReportsURL      string
	ReportsToken    string // secret
	LogLevel        string
	MinFullInterval time.Duration
	Profiles        map[string]Profile
}

// Setting documents one environment variable.
type Setting struct {
	Env, Default, Help string
	Secret             bool
}

// Settings lists every environment variable the worker reads, for --help and the README.
var Settings = []Setting{
	{"SHOPSYNC_CONFIG", "", "YAML file with named profiles (see README)", false},
	{"SHOPSYNC_TASK_QUEUE", "shopsync", "Temporal task queue of the workers", false},
	{"SHOPSYNC_DATA_DIR", "./data", "data directory (SQLite state, embedded engine)", false},
	{"SHOPSYNC_STORE", "sqlite:<data dir>/shopsync.db", "state store: sqlite:<path> or postgres://…", true},
	{"SHOPSYNC_REPORTS_ADDR", "127.0.0.1:8234", "listen address of the report download server", false},
	{"SHOPSYNC_REPORTS_URL", "http://<reports addr>", "public base URL of report links", false},
	{"SHOPSYNC_REPORTS_TOKEN", "", "token required to download reports (required off localhost)", true},
	{"SHOPSYNC_LOG_LEVEL", "info", "debug, info, warn or error", false},
	{"SHOPSYNC_MIN_FULL_INTERVAL", "15m", "least time between two full order exports (Shoptet's rule)", false},
	{"SHOPTET_URL", "", "profile default: shop base URL (Instance URI); empty = sandbox shop", false},
	{"SHOPTET_CUSTOMERS_HASH", "", "customers export hash", true},
	{"SHOPTET_CUSTOMERS_FORMAT", "csv", "customers export format: csv or xml", false},
	{"SHOPTET_ORDERS_HASH", "", "orders export hash", true},
	{"SHOPTET_ORDERS_PATTERN", "-11", "orders pattern (patternId)", false},
	{"SHOPTET_PARTNER_ID", "", "partner id (export security), optional", false},
	{"SHOPTET_FEED_HASH", "", "orders feed hash (only new or updated)", true},
	{"SHOPTET_FEED_PATH", "/export/orders.xml", "path of the orders feed", false},
	{"DAKTELA_URL", "", "profile default: Daktela instance URL; empty = sandbox CRM", false},
	{"DAKTELA_TOKEN", "", "Daktela API token", true},
	{"DAKTELA_MAPPING", "", "field mapping file (YAML or JSON); empty = default mapping", false},
	{"DAKTELA_CONCURRENCY", "8", "Daktela requests in flight at most", false},
}

// Load reads the configuration from the environment and the optional config file.
func Load() (*Config, error) { return load(os.Getenv) }

func load(env func(string) string) (*Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(env(k)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		TaskQueue:    get("SHOPSYNC_TASK_QUEUE", "shopsync"),
		DataDir:      get("SHOPSYNC_DATA_DIR", "./data"),
		ReportsAddr:  get("SHOPSYNC_REPORTS_ADDR", "127.0.0.1:8234"),
		ReportsToken: env("SHOPSYNC_REPORTS_TOKEN"),
		LogLevel:     get("SHOPSYNC_LOG_LEVEL", "info"),
		Profiles:     map[string]Profile{},
	}
	c.Store = get("SHOPSYNC_STORE", "sqlite:"+strings.TrimSuffix(c.DataDir, "/")+"/shopsync.db")
	c.ReportsURL = get("SHOPSYNC_REPORTS_URL", "http://"+c.ReportsAddr)
	var errs []error
	var err error
	if c.MinFullInterval, err = time.ParseDuration(get("SHOPSYNC_MIN_FULL_INTERVAL", "15m")); err != nil {
		errs = append(errs, fmt.Errorf("SHOPSYNC_MIN_FULL_INTERVAL: %w", err))
	}
	def, err := profileFromEnv(get)
	if err != nil {
		errs = append(errs, err)
	}
	c.Profiles["default"] = def
	if path := env("SHOPSYNC_CONFIG"); path != "" {
		if err := c.readFile(path); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

func profileFromEnv(get func(k, def string) string) (Profile, error) {
	p := Profile{Name: "default"}
	p.Shoptet = Shoptet{
		URL:             get("SHOPTET_URL", ""),
		CustomersHash:   get("SHOPTET_CUSTOMERS_HASH", ""),
		CustomersFormat: get("SHOPTET_CUSTOMERS_FORMAT", "csv"),
		OrdersHash:      get("SHOPTET_ORDERS_HASH", ""),
		PartnerID:       get("SHOPTET_PARTNER_ID", ""),
		FeedHash:        get("SHOPTET_FEED_HASH", ""),
		FeedPath:        get("SHOPTET_FEED_PATH", ""),
	}
	p.Daktela = Daktela{
		URL:     get("DAKTELA_URL", ""),
		Token:   get("DAKTELA_TOKEN", ""),
		Mapping: get("DAKTELA_MAPPING", ""),
	}
	var errs []error
	var err error
	if p.Shoptet.OrdersPattern, err = strconv.Atoi(get("SHOPTET_ORDERS_PATTERN", "-11")); err != nil {
		errs = append(errs, fmt.Errorf("SHOPTET_ORDERS_PATTERN: want a whole number such as -11"))
	}
	if p.Daktela.Concurrency, err = strconv.Atoi(get("DAKTELA_CONCURRENCY", "8")); err != nil {
		errs = append(errs, fmt.Errorf("DAKTELA_CONCURRENCY: want a whole number"))
	}
	return p, errors.Join(errs...)
}

type fileConfig struct {
	Profiles map[string]Profile `yaml:"profiles"`
}

func (c *Config) readFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("SHOPSYNC_CONFIG: %w", err)
	}
	var fc fileConfig
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil {
		return fmt.Errorf("SHOPSYNC_CONFIG %s: %w", path, err)
	}
	for name, p := range fc.Profiles {
		p.Name = name
		if p.Shoptet.OrdersPattern == 0 {
			p.Shoptet.OrdersPattern = -11
		}
		if p.Daktela.Concurrency == 0 {
			p.Daktela.Concurrency = 8
		}
		c.Profiles[name] = p
	}
	return nil
}

func (c *Config) validate() error {
	var errs []error
	for name, p := range c.Profiles {
		if p.Daktela.URL != "" && p.Daktela.Token == "" {
			errs = append(errs, fmt.Errorf("profile %s: DAKTELA_TOKEN is required with DAKTELA_URL", name))
		}
		if p.Shoptet.URL != "" && p.Shoptet.OrdersHash == "" {
			errs = append(errs, fmt.Errorf("profile %s: SHOPTET_ORDERS_HASH is required with SHOPTET_URL", name))
		}
		if p.Daktela.Concurrency < 1 || p.Daktela.Concurrency > 64 {
			errs = append(errs, fmt.Errorf("profile %s: DAKTELA_CONCURRENCY must be 1..64", name))
		}
	}
	if !isLoopback(c.ReportsAddr) && c.ReportsToken == "" {
		errs = append(errs, fmt.Errorf("SHOPSYNC_REPORTS_TOKEN is required when SHOPSYNC_REPORTS_ADDR "+
			"(%s) is not a loopback address", c.ReportsAddr))
	}
	return errors.Join(errs...)
}

func isLoopback(addr string) bool {
	host := addr
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		host = addr[:i]
	}
	host = strings.Trim(host, "[]")
	return host == "127.0.0.1" || host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
}

// Profile returns a named profile; "" means "default".
func (c *Config) Profile(name string) (Profile, error) {
	if name == "" {
		name = "default"
	}
	p, ok := c.Profiles[name]
	if !ok {
		return Profile{}, fmt.Errorf("no profile %q in the worker's configuration", name)
	}
	return p, nil
}
