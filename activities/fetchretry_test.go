package activities

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/shoptet"
	"github.com/shopsync/shoptet-daktela/store"
)

// fetchEnv is the sandbox shop over HTTP and the fetch activities reading it into a store.
type fetchEnv struct {
	shop *shop.Shop
	srv  *shop.Server
	st   *store.Store
	a    *Activities
	key  string // the shop's key in the store
}

func newFetchEnv(t *testing.T) *fetchEnv {
	t.Helper()
	s := shop.Generate(shop.Options{Seed: 3, Customers: 20, Orders: 80})
	h := shop.Hashes{Customers: shop.RandomHash(1), Orders: shop.RandomHash(2),
		Feed: shop.RandomHash(3), PatternID: -11}
	srv := shop.NewServer(s, h, nil)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	client, err := shoptet.NewClient(shoptet.Config{BaseURL: ts.URL, CustomersHash: h.Customers,
		OrdersHash: h.Orders, OrdersPattern: h.PatternID, OrdersFeedHash: h.Feed})
	if err != nil {
		t.Fatal(err)
	}
	st := testStore(t)
	a := &Activities{Store: st, MinFullInterval: 15 * time.Minute,
		Connector: oneConn{&Conn{ShopURL: ts.URL, Shop: client, HasFeed: true,
			Mapping: mapping.Default()}}}
	return &fetchEnv{shop: s, srv: srv, st: st, a: a, key: ShopKey(ts.URL)}
}

func (e *fetchEnv) mirrored(t *testing.T) []string {
	t.Helper()
	var ids []string
	err := e.st.ScanOrders(context.Background(), e.key, func(o *store.Order) error {
		ids = append(ids, o.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestFullExportRetryWaitsForShoptetsInterval checks that a complete order export whose
// transfer broke is not asked for again at once: the retry's error carries the delay to the
// end of Shoptet's interval, and no request reaches the shop until then.
func TestFullExportRetryWaitsForShoptetsInterval(t *testing.T) {
	e := newFetchEnv(t)
	ctx := context.Background()
	e.srv.SetFault(shop.Fault{Kind: shop.FaultTruncate, Export: "orders", Times: 1})
	if _, err := e.a.FetchOrders(ctx, Run{ID: "r1"}); err == nil {
		t.Fatal("a truncated export was accepted")
	}

	_, err := e.a.FetchOrders(ctx, Run{ID: "r1"})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != ErrTooSoon || ae.NonRetryable() {
		t.Fatalf("retry within the interval: %v, want a retryable %s", err, ErrTooSoon)
	}
	if d := ae.NextRetryDelay(); d < 14*time.Minute || d > 15*time.Minute+time.Second {
		t.Errorf("next retry in %s, want the rest of the 15m interval", d)
	}
	if !strings.Contains(err.Error(), "allows one per 15m0s") {
		t.Errorf("the error does not say why it waits: %v", err)
	}
	if n := e.srv.Requests("orders"); n != 1 {
		t.Fatalf("the shop saw %d order export requests, want 1", n)
	}

	// Once the interval is over (here: made shorter), the export is asked for again.
	e.a.MinFullInterval = time.Nanosecond
	f, err := e.a.FetchOrders(ctx, Run{ID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Records != 80 || e.srv.Requests("orders") != 2 {
		t.Errorf("after the interval: %d orders in %d requests, want 80 in 2", f.Records,
			e.srv.Requests("orders"))
	}
}

// TestRefusedExportDoesNotWait checks that an export Shoptet refused (nothing was produced)
// does not hold the next attempt back.
func TestRefusedExportDoesNotWait(t *testing.T) {
	e := newFetchEnv(t)
	ctx := context.Background()
	e.srv.SetFault(shop.Fault{Kind: shop.Fault5xx, Export: "orders", Times: 1})
	if _, err := e.a.FetchOrders(ctx, Run{ID: "r1"}); err == nil {
		t.Fatal("a 503 was accepted")
	}
	if _, err := e.a.FetchOrders(ctx, Run{ID: "r1"}); err != nil {
		t.Fatalf("the attempt after a refused export: %v", err)
	}
}

// TestFeedLostByAFailedRunIsCaughtUp cuts a feed download after the shop moved its marker,
// in a run that then fails for good: the next run's feed no longer holds those orders, so it
// must read them through updateTimeFrom.
func TestFeedLostByAFailedRunIsCaughtUp(t *testing.T) {
	e := newFetchEnv(t)
	ctx := context.Background()
	e.a.MinFullInterval = time.Nanosecond
	if _, err := e.a.FetchOrders(ctx, Run{ID: "full"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.FetchFeed(ctx, Run{ID: "first-feed"}); err != nil {
		t.Fatal(err)
	}
	added := e.shop.AddOrders(3, time.Now())
	e.srv.SetFault(shop.Fault{Kind: shop.FaultCutAfterMarker, Export: "feed", Times: 1})
	if _, err := e.a.FetchFeed(ctx, Run{ID: "failed"}); err == nil {
		t.Fatal("a cut feed was accepted")
	}
	if got := slices.DeleteFunc(e.mirrored(t), func(id string) bool { return !slices.Contains(added, id) }); len(got) != 0 {
		t.Fatalf("the cut feed staged orders %v", got)
	}

	updatedBefore := e.srv.Requests("orders")
	f, err := e.a.FetchFeed(ctx, Run{ID: "next"})
	if err != nil {
		t.Fatal(err)
	}
	mirror := e.mirrored(t)
	for _, id := range added {
		if !slices.Contains(mirror, id) {
			t.Errorf("order %s, in the feed download that was lost, is not in the mirror", id)
		}
	}
	if e.srv.Requests("orders") != updatedBefore+1 || !strings.Contains(f.Note, "updateTimeFrom") {
		t.Errorf("the next run did not catch up through updateTimeFrom (note %q)", f.Note)
	}

	// With that fetch finished, the one after reads the feed alone.
	updatedBefore = e.srv.Requests("orders")
	if f, err = e.a.FetchFeed(ctx, Run{ID: "after"}); err != nil {
		t.Fatal(err)
	}
	if e.srv.Requests("orders") != updatedBefore || f.Note != "" {
		t.Errorf("a feed after a finished fetch read updateTimeFrom too (note %q)", f.Note)
	}
}

// TestStoredFeedThatDoesNotParseIsDownloadedAgain checks that a kept copy which is not
// well-formed XML is dropped, so that the next attempt downloads instead of failing on it.
func TestStoredFeedThatDoesNotParseIsDownloadedAgain(t *testing.T) {
	e := newFetchEnv(t)
	ctx := context.Background()
	run := Run{ID: "r1"}
	if err := e.st.PutBlob(ctx, feedBlob(run), []byte("<ORDERS><ORDER><ORDER_ID>1</ORD")); err != nil {
		t.Fatal(err)
	}
	_, err := e.a.FetchFeed(ctx, run)
	var pe *shoptet.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("a broken stored copy: %v, want a parse error", err)
	}
	if _, err := e.st.Blob(ctx, feedBlob(run)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the broken copy is still kept (%v)", err)
	}
	f, err := e.a.FetchFeed(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if f.Records != 80 || e.srv.Requests("feed") != 1 {
		t.Errorf("the attempt after: %d orders from %d feed downloads, want 80 from 1",
			f.Records, e.srv.Requests("feed"))
	}
}

// TestExportContentFaultIsFinal checks that an order export that is not the XML the sync
// reads fails without retries, naming the export and what to check, while one cut short
// stays retryable.
func TestExportContentFaultIsFinal(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		final      bool
	}{
		{"wrong root", `<?xml version="1.0"?><PRODUCTS><PRODUCT/></PRODUCTS>`, true},
		{"broken markup", "<ORDERS><ORDER><ORDER_ID>1</ORDER_ID></ORDER><ORDER <</ORDERS>", true},
		{"cut short", "<ORDERS><ORDER><ORDER_ID>1</ORDER_ID></ORDER><ORDER><CODE>2", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, _, _ := exportActivities(t, tt.body)
			_, err := a.FetchOrders(context.Background(), Run{ID: "r1"})
			var ae *temporal.ApplicationError
			final := errors.As(err, &ae) && ae.NonRetryable()
			if err == nil || final != tt.final {
				t.Fatalf("error %v: final %v, want %v", err, final, tt.final)
			}
			if final && (!strings.Contains(err.Error(), "orders export") ||
				!strings.Contains(err.Error(), "template")) {
				t.Errorf("the error does not name the export and what to check: %v", err)
			}
		})
	}
}
