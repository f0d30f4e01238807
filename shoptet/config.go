package shoptet

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
)

// Defaults the integration falls back to when a setting is left empty.
const (
	DefaultCustomersFormat = "csv"
	DefaultOrdersPattern   = -11 // Shoptet's system XML order template
	DefaultFeedPath        = "/export/orders.xml"
)

// hashLen is the length of every export hash seen in real shops; anything
// else is most likely a copy-paste slip, but Shoptet never documented it.
const hashLen = 64

// Config is the Shoptet side of the integration, with settings named as
// Daktela's Shoptet integration names them.
type Config struct {
	BaseURL         string // "Instance URI", e.g. https://www.example-shop.cz
	CustomersHash   string // secret
	CustomersFormat string // "csv" (default) or "xml"
	OrdersHash      string // secret
	OrdersPattern   int    // patternId; 0 means the system XML template -11
	PartnerID       string // optional
	OrdersFeedHash  string // secret, optional ("only new or updated" export)
	FeedPath        string // default "/export/orders.xml"; some shops use "/export/ordersFeed.xml"
}

// ConfigError is a setting that makes the integration unusable.
type ConfigError struct {
	Setting string // Config field name, e.g. "OrdersHash"
	Problem string
}

// Error names the setting and what is wrong with it.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("shoptet config %s: %s", e.Setting, e.Problem)
}

// WithDefaults returns the config with empty optional settings filled in and
// the base URL without a trailing slash.
func (c Config) WithDefaults() Config {
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	c.CustomersFormat = strings.ToLower(strings.TrimSpace(c.CustomersFormat))
	if c.CustomersFormat == "" {
		c.CustomersFormat = DefaultCustomersFormat
	}
	if c.OrdersPattern == 0 {
		c.OrdersPattern = DefaultOrdersPattern
	}
	if c.FeedPath == "" {
		c.FeedPath = DefaultFeedPath
	}
	c.PartnerID = strings.TrimSpace(c.PartnerID)
	return c
}

// Validate checks the config after applying WithDefaults. Every error names
// the setting; a hash that does not look like Shoptet's 64 hex characters is
// only a warning because Shoptet never promised that shape.
func (c Config) Validate() (warnings []string, err error) {
	c = c.WithDefaults()
	var errs []error
	fail := func(setting, problem string) {
		errs = append(errs, &ConfigError{Setting: setting, Problem: problem})
	}

	w, problem := checkBaseURL(c.BaseURL)
	warnings = append(warnings, w...)
	if problem != "" {
		fail("BaseURL", problem)
	}
	for _, h := range []struct {
		setting, value string
		required       bool
	}{
		{"CustomersHash", c.CustomersHash, true},
		{"OrdersHash", c.OrdersHash, true},
		{"OrdersFeedHash", c.OrdersFeedHash, false},
	} {
		w, problem := checkHash(h.setting, h.value, h.required)
		warnings = append(warnings, w...)
		if problem != "" {
			fail(h.setting, problem)
		}
	}
	if c.CustomersFormat != "csv" && c.CustomersFormat != "xml" {
		fail("CustomersFormat", fmt.Sprintf("must be csv or xml, not %q", c.CustomersFormat))
	}
	if c.PartnerID != "" && !isDigits(c.PartnerID) {
		warnings = append(warnings, "PartnerID is not a number; Shoptet partner ids are numeric")
	}
	if !strings.HasPrefix(c.FeedPath, "/") || strings.ContainsAny(c.FeedPath, "?#") {
		fail("FeedPath", "must be a path such as /export/orders.xml, without a query")
	}
	return warnings, errors.Join(errs...)
}

// checkBaseURL returns warnings and, when the URL is unusable, the problem.
// The URL itself is never echoed unredacted: users paste whole export links.
func checkBaseURL(raw string) (warnings []string, problem string) {
	if raw == "" {
		return nil, "is required (the shop address, e.g. https://www.example-shop.cz)"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Sprintf("%s is not an http(s) address of a shop", RedactURL(raw))
	}
	if u.RawQuery != "" || strings.HasPrefix(u.Path, "/export/") {
		return nil, "must be the shop address only, not an export link " +
			"(copy the hash into its own setting)"
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		warnings = append(warnings, "BaseURL uses http: export hashes would travel unencrypted")
	}
	if u.Path != "" {
		warnings = append(warnings, "BaseURL has a path; exports are usually at the shop root")
	}
	return warnings, ""
}

func checkHash(setting, h string, required bool) (warnings []string, problem string) {
	if h == "" {
		if required {
			return nil, "is required (copy it from the export link in the Shoptet admin)"
		}
		return nil, ""
	}
	if strings.ContainsAny(h, " \t\r\n&?#=/") {
		return nil, "contains spaces or URL characters; paste only the hash value"
	}
	if len(h) != hashLen || !isHex(h) {
		warnings = append(warnings, fmt.Sprintf(
			"%s is %d characters; Shoptet hashes are usually %d hex characters",
			setting, len(h), hashLen))
	}
	return warnings, ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// String prints the config with every hash replaced by "set" or "unset", so
// that a config printed by mistake leaks nothing.
func (c Config) String() string {
	return fmt.Sprintf("shoptet.Config{BaseURL: %s, CustomersHash: %s, CustomersFormat: %q, "+
		"OrdersHash: %s, OrdersPattern: %d, PartnerID: %q, OrdersFeedHash: %s, FeedPath: %q}",
		RedactURL(c.BaseURL), secretState(c.CustomersHash), c.CustomersFormat,
		secretState(c.OrdersHash), c.OrdersPattern, c.PartnerID,
		secretState(c.OrdersFeedHash), c.FeedPath)
}

// GoString keeps %#v as safe as %v.
func (c Config) GoString() string { return c.String() }

// LogValue logs the config without its hashes.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("baseURL", RedactURL(c.BaseURL)),
		slog.String("customersHash", secretState(c.CustomersHash)),
		slog.String("customersFormat", c.CustomersFormat),
		slog.String("ordersHash", secretState(c.OrdersHash)),
		slog.Int("ordersPattern", c.OrdersPattern),
		slog.String("partnerId", c.PartnerID),
		slog.String("ordersFeedHash", secretState(c.OrdersFeedHash)),
		slog.String("feedPath", c.FeedPath),
	)
}

func secretState(s string) string {
	if s == "" {
		return "unset"
	}
	return "set"
}

// loopback reports whether host is this machine, where plain http (the sandbox shop) does
// not leave it.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
