package shoptet_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/internal/proctest"
	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/shoptet"
)

const sandboxPattern = -11

// shopSandbox is a generated shop served over HTTP, with clients for its
// customer export in both formats.
type shopSandbox struct {
	shop   *shop.Shop
	srv    *shop.Server
	hashes shop.Hashes
	url    string
	logs   *proctest.Buffer
}

func newShopSandbox(t *testing.T, opts shop.Options) *shopSandbox {
	t.Helper()
	sb := &shopSandbox{
		shop: shop.Generate(opts),
		hashes: shop.Hashes{Customers: shop.RandomHash(11), Orders: shop.RandomHash(12),
			Feed: shop.RandomHash(13), PatternID: sandboxPattern},
		logs: &proctest.Buffer{},
	}
	sb.srv = shop.NewServer(sb.shop, sb.hashes, nil)
	ts := httptest.NewServer(sb.srv)
	t.Cleanup(ts.Close)
	sb.url = ts.URL
	return sb
}

func (sb *shopSandbox) config() shoptet.Config {
	return shoptet.Config{BaseURL: sb.url, CustomersHash: sb.hashes.Customers,
		OrdersHash: sb.hashes.Orders, OrdersPattern: sandboxPattern,
		OrdersFeedHash: sb.hashes.Feed}
}

// client returns a client for cfg that logs at debug level into sb.logs.
func (sb *shopSandbox) client(t *testing.T, cfg shoptet.Config,
	opts ...shoptet.ClientOption) *shoptet.Client {
	t.Helper()
	log := slog.New(slog.NewTextHandler(sb.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := shoptet.NewClient(cfg, append([]shoptet.ClientOption{shoptet.WithLogger(log)},
		opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkNoHash fails when s carries any of the sandbox's export hashes.
func (sb *shopSandbox) checkNoHash(t *testing.T, what, s string) {
	t.Helper()
	for _, h := range []string{sb.hashes.Customers, sb.hashes.Orders, sb.hashes.Feed} {
		if strings.Contains(s, h) {
			t.Errorf("%s carries an export hash: %s", what, s)
		}
	}
}

// fetchOrders downloads an order export or the feed and decodes all of it,
// returning the ORDER_IDs in export order and the error that ended it.
func fetchOrders(ctx context.Context, c *shoptet.Client, export string) ([]string, error) {
	var dl *shoptet.Download
	var err error
	switch export {
	case shoptet.ExportOrders:
		dl, err = c.Orders(ctx, shoptet.OrdersQuery{})
	case shoptet.ExportFeed:
		dl, err = c.Feed(ctx)
	}
	if err != nil {
		return nil, err
	}
	defer dl.Close()
	newDecoder := shoptet.NewOrderDecoder
	if export == shoptet.ExportFeed {
		newDecoder = shoptet.NewFeedDecoder
	}
	d := newDecoder(dl)
	var ids []string
	for {
		o, err := d.Next()
		if err == io.EOF {
			return ids, nil
		}
		if err != nil {
			return ids, err
		}
		ids = append(ids, o.ID)
	}
}

// fetchCustomers downloads and decodes the customer export, returning the
// e-mails of every customer by GUID.
func fetchCustomers(ctx context.Context, c *shoptet.Client, format string) (
	map[string][]string, error) {
	dl, err := c.Customers(ctx)
	if err != nil {
		return nil, err
	}
	defer dl.Close()
	d, err := shoptet.NewCustomerDecoder(format, dl)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for {
		cu, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out[cu.GUID] = append(out[cu.GUID], cu.Emails...)
	}
}

// fetch downloads export and decodes it to the end, returning what ended it.
func fetch(ctx context.Context, c *shoptet.Client, export string) error {
	if export == shoptet.ExportCustomers {
		_, err := fetchCustomers(ctx, c, "csv")
		return err
	}
	_, err := fetchOrders(ctx, c, export)
	return err
}

// TestSandboxFaultsClassified injects every fault the sandbox shop offers
// into every export and checks how the client classifies each, that a retry
// after a retryable fault succeeds, and that no hash leaks into an error or
// a log line.
func TestSandboxFaultsClassified(t *testing.T) {
	sb := newShopSandbox(t, shop.Options{Seed: 7, Customers: 150, Orders: 600})
	const timeout = 300 * time.Millisecond
	faults := []struct {
		kind      shop.FaultKind
		retryable bool
		status    int
		reason    string
	}{
		{shop.Fault5xx, true, 503, "retry later"},
		{shop.FaultSlow, true, 0, "timed out after " + timeout.String()},
		{shop.FaultTruncate, true, 200, "body cut short"},
		{shop.FaultLoginPage, false, 200, "HTML page"},
		{shop.FaultForbidden, false, 403, "allow only for concrete IP address"},
		{shop.FaultEmpty, false, 200, "empty answer"},
	}
	exports := []string{shoptet.ExportCustomers, shoptet.ExportOrders, shoptet.ExportFeed}
	c := sb.client(t, sb.config(), shoptet.WithTimeout(timeout))
	ctx := context.Background()
	for _, export := range exports {
		for _, f := range faults {
			t.Run(export+"/"+f.kind.String(), func(t *testing.T) {
				sb.srv.SetFault(shop.Fault{Kind: f.kind, Export: export, Times: 1,
					Delay: 10 * timeout})
				t.Cleanup(func() { sb.srv.SetFault(shop.Fault{}) })
				err := fetch(ctx, c, export)
				checkDownloadError(t, sb, err, export, f.retryable, f.status, f.reason)
				if err := fetch(ctx, c, export); err != nil {
					t.Errorf("the request after the fault failed: %v", err)
				}
			})
		}
	}
	sb.checkNoHash(t, "a log line", sb.logs.String())
	if !strings.Contains(sb.logs.String(), "hash=REDACTED") {
		t.Error("no log line shows a redacted URL; the hash check above proves nothing")
	}
}

// TestSandboxWrongLinks checks that a wrong hash or a wrong pattern, which a
// retry cannot fix, is a configuration error naming what to check.
func TestSandboxWrongLinks(t *testing.T) {
	sb := newShopSandbox(t, shop.Options{Seed: 8, Customers: 20, Orders: 50})
	wrong := shop.RandomHash(99)
	tests := []struct {
		name   string
		cfg    func(*shoptet.Config)
		export string
		status int
		reason string
	}{
		{"customers hash", func(c *shoptet.Config) { c.CustomersHash = wrong },
			shoptet.ExportCustomers, 403, "check the customers hash"},
		{"orders hash", func(c *shoptet.Config) { c.OrdersHash = wrong },
			shoptet.ExportOrders, 403, "check the orders hash"},
		{"feed hash", func(c *shoptet.Config) { c.OrdersFeedHash = wrong },
			shoptet.ExportFeed, 403, "check the orders feed hash"},
		{"orders pattern", func(c *shoptet.Config) { c.OrdersPattern = 42 },
			shoptet.ExportOrders, 404, "orders pattern 42 exists"},
		{"feed pattern", func(c *shoptet.Config) { c.OrdersPattern = 42 },
			shoptet.ExportFeed, 404, "orders pattern 42 exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sb.config()
			tt.cfg(&cfg)
			err := fetch(context.Background(), sb.client(t, cfg), tt.export)
			checkDownloadError(t, sb, err, tt.export, false, tt.status, tt.reason)
			sb.checkNoHash(t, "an error", strings.ReplaceAll(err.Error(), wrong, ""))
			if strings.Contains(err.Error(), wrong) {
				t.Errorf("error carries the wrong hash: %v", err)
			}
		})
	}
	sb.checkNoHash(t, "a log line", sb.logs.String())
	if strings.Contains(sb.logs.String(), wrong) {
		t.Error("a log line carries the wrong hash")
	}
}

func checkDownloadError(t *testing.T, sb *shopSandbox, err error, export string,
	retryable bool, status int, reason string) {
	t.Helper()
	var e *shoptet.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *shoptet.Error", err, err)
	}
	if e.Export != export || e.Status != status || shoptet.IsRetryable(err) != retryable {
		t.Errorf("export %q status %d retryable %v, want %q %d %v: %v",
			e.Export, e.Status, shoptet.IsRetryable(err), export, status, retryable, err)
	}
	if !strings.Contains(e.Reason, reason) {
		t.Errorf("reason %q does not say %q", e.Reason, reason)
	}
	// A configuration error must tell the user which export to fix.
	if !retryable && !strings.Contains(e.Reason, "the "+export+" export") {
		t.Errorf("reason %q does not name the %s export", e.Reason, export)
	}
	if !strings.HasPrefix(err.Error(), "shoptet "+export+" export") {
		t.Errorf("error %q does not start by naming the export", err)
	}
	if !strings.Contains(e.URL, "hash=REDACTED") {
		t.Errorf("URL %q is not redacted", e.URL)
	}
	sb.checkNoHash(t, "an error", err.Error())
}

// TestSandboxExportsComplete decodes every healthy export of a generated
// shop and compares it with the shop's ground truth.
func TestSandboxExportsComplete(t *testing.T) {
	sb := newShopSandbox(t, shop.Options{Seed: 3, Customers: 400, Orders: 2500, BOM: true})
	truth := sb.shop.Truth()
	ctx := context.Background()

	ids, err := fetchOrders(ctx, sb.client(t, sb.config()), shoptet.ExportOrders)
	if err != nil {
		t.Fatal(err)
	}
	if want := truth.OrderIDs(); !slices.Equal(ids, want) {
		t.Errorf("order export has %d orders, truth %d, or they differ", len(ids), len(want))
	}

	byFormat := map[string]map[string][]string{}
	for _, format := range []string{"csv", "xml"} {
		cfg := sb.config()
		cfg.CustomersFormat = format
		got, err := fetchCustomers(ctx, sb.client(t, cfg), format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		guids := slices.Sorted(func(yield func(string) bool) {
			for g := range got {
				if !yield(g) {
					return
				}
			}
		})
		if want := slices.Sorted(slices.Values(truth.CustomerGUIDs())); !slices.Equal(guids, want) {
			t.Errorf("%s: %d customers, truth %d, or they differ", format, len(guids), len(want))
		}
		byFormat[format] = got
	}
	for guid, emails := range byFormat["xml"] {
		csv := byFormat["csv"][guid]
		if !slices.Equal(slices.Sorted(slices.Values(emails)), slices.Sorted(slices.Values(csv))) {
			t.Errorf("customer %s: xml e-mails %q, csv %q", guid, emails, csv)
		}
	}
	sb.checkNoHash(t, "a log line", sb.logs.String())
}

// TestSandboxFeedOnlyNew checks the "only new or updated" feed: everything on
// the first download, nothing on the next, and then exactly the orders that
// were placed or changed in between; a failed download moves nothing.
func TestSandboxFeedOnlyNew(t *testing.T) {
	sb := newShopSandbox(t, shop.Options{Seed: 5, Customers: 100, Orders: 400})
	c := sb.client(t, sb.config())
	ctx := context.Background()
	feed := func() []string {
		t.Helper()
		ids, err := fetchOrders(ctx, c, shoptet.ExportFeed)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got, want := feed(), sb.shop.Truth().OrderIDs(); !slices.Equal(got, want) {
		t.Fatalf("first feed has %d orders, want all %d", len(got), len(want))
	}
	if got := feed(); len(got) != 0 {
		t.Fatalf("second feed has %d orders, want none", len(got))
	}

	added := sb.shop.AddOrders(7, time.Now())
	sb.srv.SetFault(shop.Fault{Kind: shop.FaultTruncate, Export: shoptet.ExportFeed, Times: 1})
	if _, err := fetchOrders(ctx, c, shoptet.ExportFeed); !shoptet.IsRetryable(err) {
		t.Fatalf("truncated feed: %v, want a retryable error", err)
	}
	if got := feed(); !slices.Equal(got, added) {
		t.Errorf("feed after AddOrders and a truncated download = %q, want the new %q",
			got, added)
	}

	changed := sb.shop.ChangeOrders(3, time.Now().Add(time.Minute))
	got := feed()
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(changed))) {
		t.Errorf("feed after ChangeOrders = %q, want the changed %q", got, changed)
	}
	if got := feed(); len(got) != 0 {
		t.Errorf("feed after catching up has %d orders, want none", len(got))
	}
	if n := sb.srv.Requests(shoptet.ExportFeed); n != 6 {
		t.Errorf("sandbox counted %d feed requests, want 6", n)
	}
}
