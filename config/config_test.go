package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := load(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Profile("")
	if err != nil {
		t.Fatal(err)
	}
	if !p.ShopSandboxed() || !p.CRMSandboxed() || p.Shoptet.OrdersPattern != -11 ||
		p.Daktela.Concurrency != 8 {
		t.Errorf("default profile = %+v", p)
	}
	if c.TaskQueue != "shopsync" || c.Store != "sqlite:./data/shopsync.db" ||
		c.MinFullInterval != 15*time.Minute || c.ReportsURL != "http://127.0.0.1:8234" {
		t.Errorf("config = %+v", c)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SHOPTET_ORDERS_PATTERN": "x"}, "SHOPTET_ORDERS_PATTERN"},
		{map[string]string{"DAKTELA_CONCURRENCY": "0"}, "DAKTELA_CONCURRENCY"},
		{map[string]string{"DAKTELA_URL": "https://a.daktela.com"}, "DAKTELA_TOKEN"},
		{map[string]string{"SHOPTET_URL": "https://shop.cz"}, "SHOPTET_ORDERS_HASH"},
		{map[string]string{"SHOPSYNC_REPORTS_ADDR": "0.0.0.0:8234"}, "SHOPSYNC_REPORTS_TOKEN"},
		{map[string]string{"SHOPSYNC_MIN_FULL_INTERVAL": "often"}, "SHOPSYNC_MIN_FULL_INTERVAL"},
		{map[string]string{"SHOPSYNC_CONFIG": "/nonexistent.yaml"}, "SHOPSYNC_CONFIG"},
	}
	for _, c := range cases {
		_, err := load(envOf(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v does not name %s", c.env, err, c.want)
		}
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	_, err := load(envOf(map[string]string{"SHOPTET_URL": "https://shop.cz",
		"SHOPTET_CUSTOMERS_HASH": "deadbeefcafe", "DAKTELA_URL": "https://a.daktela.com"}))
	if err == nil || strings.Contains(err.Error(), "deadbeefcafe") {
		t.Fatalf("error %v", err)
	}
}

func TestProfilesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(path, []byte(`profiles:
  sk:
    shoptet: {url: "https://obchod.sk", ordersHash: "h"}
    daktela: {url: "https://sk.daktela.com", token: "t"}
`), 0o600)
	c, err := load(envOf(map[string]string{"SHOPSYNC_CONFIG": path}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Profile("sk")
	if err != nil || p.Shoptet.URL != "https://obchod.sk" || p.Shoptet.OrdersPattern != -11 ||
		p.Daktela.Concurrency != 8 || p.Name != "sk" {
		t.Fatalf("profile sk = %+v, %v", p, err)
	}
	if _, err := c.Profile("nope"); err == nil {
		t.Error("unknown profile accepted")
	}
	os.WriteFile(path, []byte("profiles:\n  x:\n    shoptet: {urll: a}\n"), 0o600)
	if _, err := load(envOf(map[string]string{"SHOPSYNC_CONFIG": path})); err == nil ||
		!strings.Contains(err.Error(), "urll") {
		t.Errorf("a misspelled key is not named: %v", err)
	}
}
