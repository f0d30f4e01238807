package shoptet

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	good := Config{BaseURL: "https://www.example-shop.cz", CustomersHash: custHash,
		OrdersHash: orderHash}
	tests := []struct {
		name     string
		change   func(*Config)
		settings []string // settings named by errors
		warning  string   // substring of some warning
	}{
		{name: "valid", change: func(*Config) {}},
		{name: "nothing set", change: func(c *Config) { *c = Config{} },
			settings: []string{"BaseURL", "CustomersHash", "OrdersHash"}},
		{name: "export link as base", change: func(c *Config) {
			c.BaseURL = "https://shop.cz/export/orders.xml?patternId=-11&hash=" + orderHash
		}, settings: []string{"BaseURL"}},
		{name: "not a URL", change: func(c *Config) { c.BaseURL = "shop.cz" },
			settings: []string{"BaseURL"}},
		{name: "bad format", change: func(c *Config) { c.CustomersFormat = "json" },
			settings: []string{"CustomersFormat"}},
		{name: "bad feed path", change: func(c *Config) { c.FeedPath = "export/x.xml" },
			settings: []string{"FeedPath"}},
		{name: "hash with a space", change: func(c *Config) { c.OrdersHash = "ab cd" },
			settings: []string{"OrdersHash"}},
		{name: "short hash warns", change: func(c *Config) { c.OrdersFeedHash = "abc123" },
			warning: "OrdersFeedHash is 6 characters"},
		{name: "http warns", change: func(c *Config) { c.BaseURL = "http://shop.example.cz" },
			warning: "unencrypted"},
		{name: "http on this machine does not warn",
			change: func(c *Config) { c.BaseURL = "http://127.0.0.1:8240" }},
		{name: "partner id warns", change: func(c *Config) { c.PartnerID = "x" },
			warning: "PartnerID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			warnings, err := c.Validate()
			var got []string
			for _, e := range unjoin(err) {
				var ce *ConfigError
				if !errors.As(e, &ce) {
					t.Fatalf("error %v is not a *ConfigError", e)
				}
				got = append(got, ce.Setting)
			}
			if strings.Join(got, ",") != strings.Join(tt.settings, ",") {
				t.Errorf("errors name %q, want %q (%v)", got, tt.settings, err)
			}
			all := strings.Join(warnings, "\n")
			if tt.warning != "" && !strings.Contains(all, tt.warning) ||
				tt.warning == "" && len(warnings) > 0 {
				t.Errorf("warnings %q, want %q", warnings, tt.warning)
			}
			if err != nil {
				assertNoSecrets(t, "config error", err.Error())
			}
		})
	}
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestConfigPrintsNoSecrets(t *testing.T) {
	c := testConfig("https://shop.cz")
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "shoptet", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
		logs.String()} {
		assertNoSecrets(t, "printed config", s)
		if !strings.Contains(s, "set") {
			t.Errorf("printed config hides whether hashes are set: %s", s)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://s.cz/export/orders.xml?patternId=-11&hash=" + orderHash + "&partnerId=1",
			"https://s.cz/export/orders.xml?patternId=-11&hash=REDACTED&partnerId=1"},
		{"https://s.cz/export/customers.csv?HASH=" + custHash,
			"https://s.cz/export/customers.csv?HASH=REDACTED"},
		{"not a url ?hash=" + feedHash + " tail", "not a url ?hash=REDACTED tail"},
		{"https://user:secret@s.cz/x", "https://REDACTED@s.cz/x"},
		{"https://s.cz/?unhash=1", "https://s.cz/?unhash=1"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDecimalAndTime(t *testing.T) {
	nums := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"", 0, true}, {"12.5", 12.5, true}, {"12,5", 12.5, true}, {"1 234,50", 1234.5, true},
		{"1.234,50", 1234.5, true}, {"1,234.50", 1234.5, true}, {"-3", -3, true},
		{"1e3", 1000, true}, {"NaN", 0, false}, {"Inf", 0, false}, {"0x10", 0, false},
		{"1e999", 0, false}, {"12a", 0, false}, {"-", 0, false},
	}
	for _, n := range nums {
		got, err := ParseDecimal(n.in)
		if (err == nil) != n.ok || got != n.want {
			t.Errorf("ParseDecimal(%q) = %v, %v", n.in, got, err)
		}
	}
	times := []struct {
		in, want string // want in RFC 3339; "" for an error
	}{
		{"2026-07-01 12:00:00", "2026-07-01T12:00:00+02:00"},
		{"2026-01-01 12:00:00", "2026-01-01T12:00:00+01:00"},
		{"2026-01-01", "2026-01-01T00:00:00+01:00"},
		{"5.1.2026 8:30", "2026-01-05T08:30:00+01:00"},
		{"2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"},
		{"2026-13-01 00:00:00", ""}, {"2026-02-29 00:00:00", ""}, {"yesterday", ""},
	}
	for _, tt := range times {
		got, err := ParseShopTime(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseShopTime(%q) = %v, want an error", tt.in, got)
		case tt.want != "" && (err != nil || got.Format("2006-01-02T15:04:05Z07:00") != tt.want):
			t.Errorf("ParseShopTime(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}
