package activities

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopsync/shoptet-daktela/mapping"
	"github.com/shopsync/shoptet-daktela/shoptet"
	"github.com/shopsync/shoptet-daktela/store"
)

type oneConn struct{ c *Conn }

func (o oneConn) Conn(string) (*Conn, error) { return o.c, nil }

const ordersWithOneBad = `<?xml version="1.0" encoding="utf-8"?>
<ORDERS>
 <ORDER><ORDER_ID>1</ORDER_ID><CODE>2026000001</CODE><DATE>2026-01-02 10:00:00</DATE>
  <CUSTOMER><EMAIL> Jan@Novak.CZ </EMAIL><PHONE>777 123 456</PHONE>
  <BILLING_ADDRESS><NAME>Jan Novák</NAME></BILLING_ADDRESS></CUSTOMER>
  <TOTAL_PRICE><WITH_VAT>100.50</WITH_VAT></TOTAL_PRICE></ORDER>
 <ORDER><ORDER_ID>2</ORDER_ID><CODE>2026000002</CODE><DATE>yesterday</DATE></ORDER>
 <ORDER><ORDER_ID>3</ORDER_ID><CODE>2026000003</CODE><DATE>2026-01-03 11:00:00</DATE></ORDER>
</ORDERS>`

// testStore is a state store in a fresh SQLite file, closed when the test ends.
func testStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// exportActivities are activities reading a shop that answers every export with body.
func exportActivities(t *testing.T, body string) (*Activities, *store.Store, string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	shop, err := shoptet.NewClient(shoptet.Config{BaseURL: srv.URL, OrdersHash: "h", CustomersHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	st := testStore(t)
	a := &Activities{Store: st, Connector: oneConn{&Conn{ShopURL: srv.URL, Shop: shop,
		Mapping: mapping.Default()}}}
	return a, st, srv.URL
}

// TestFetchOrdersKeepsRejectedRecords checks that a malformed order is reported with its
// line and reason while the others are staged, normalised.
func TestFetchOrdersKeepsRejectedRecords(t *testing.T) {
	a, st, shopURL := exportActivities(t, ordersWithOneBad)
	run := Run{ID: "r1", Profile: "default"}
	f, err := a.FetchOrders(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	if f.Records != 2 || f.Rejected != 1 {
		t.Fatalf("fetched = %+v, want 2 records and 1 rejected", f)
	}
	var orders []store.Order
	st.ScanOrders(context.Background(), ShopKey(shopURL), func(o *store.Order) error {
		orders = append(orders, *o)
		return nil
	})
	if len(orders) != 2 || orders[0].Email != "jan@novak.cz" || orders[0].Phone != "+420777123456" {
		t.Errorf("staged orders = %+v", orders)
	}
	var rejected []Rejected
	st.ScanNotes(context.Background(), "r1", rejectedKind("shoptet orders"), func(d []byte) error {
		var r Rejected
		json.Unmarshal(d, &r)
		rejected = append(rejected, r)
		return nil
	})
	if len(rejected) != 1 || rejected[0].Record == "" || !strings.HasPrefix(rejected[0].Position, "line ") ||
		!strings.Contains(rejected[0].Reason, "yesterday") {
		t.Errorf("rejected = %+v", rejected)
	}
}
