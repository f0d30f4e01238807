package app

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopsync/shoptet-daktela/config"
	"github.com/shopsync/shoptet-daktela/internal/proctest"
)

// TestCheckReportsEveryProfileAtStart checks that Check builds every profile's connections:
// a profile whose mapping file is missing fails by name, and a suspicious setting of another
// is logged, without its secret.
func TestCheckReportsEveryProfileAtStart(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	good := config.Profile{Name: "good",
		Shoptet: config.Shoptet{URL: "https://shop.example.cz", CustomersHash: hash,
			CustomersFormat: "csv", OrdersHash: "short-orders-hash", OrdersPattern: -11},
		Daktela: config.Daktela{URL: "https://acme.daktela.com", Token: "secret-token",
			Concurrency: 8}}
	broken := good
	broken.Name = "broken"
	broken.Daktela.Mapping = filepath.Join(t.TempDir(), "missing.yaml")
	logs := &proctest.Buffer{}
	cfg := &config.Config{Profiles: map[string]config.Profile{"good": good, "broken": broken}}
	err := NewConnector(cfg, slog.New(slog.NewTextHandler(logs, nil))).Check()
	if err == nil || !strings.Contains(err.Error(), "profile broken") ||
		!strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("Check = %v, want the broken profile and its mapping file named", err)
	}
	if strings.Contains(err.Error(), "profile good") {
		t.Errorf("the good profile failed too: %v", err)
	}
	if !strings.Contains(logs.String(), "shoptet setting looks wrong") ||
		!strings.Contains(logs.String(), "profile=good") {
		t.Errorf("no warning for the short hash at start:\n%s", logs)
	}
	for _, secret := range []string{"short-orders-hash", hash, "secret-token"} {
		if strings.Contains(logs.String()+err.Error(), secret) {
			t.Errorf("a secret appears in the start-up check's output")
		}
	}
}
