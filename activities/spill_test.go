package activities

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/shopsync/shoptet-daktela/store"
)

// TestSpillRoundTrip writes customers and orders, then reads them back out of order and
// checks that every field the stage step uses survives.
func TestSpillRoundTrip(t *testing.T) {
	sp, err := newSpill(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	customers := []store.Customer{
		{GUID: "g1", Name: "Jiří Dvořák", Company: "Dvořák s.r.o.", Street: "Náměstí 1",
			City: "Brno", Zip: "602 00", Country: "CZ",
			Extra: map[string]string{"Poznámka": "VIP", "empty": ""}},
		{GUID: "g2"},
	}
	orders := []store.Order{
		{ID: "10", Code: "2026000010", Date: time.UnixMilli(1767225600123), Name: "Žofie",
			Total: 1234.5, Currency: "CZK", Status: "Vyřízena"},
		{ID: "11", Code: "2026000011", Total: math.Inf(1)},
		{ID: "12", Total: -0.01, Country: "SK", Currency: "EUR"},
		{ID: "13", Date: time.UnixMilli(-31536000123)}, // before 1970: a negative varint
	}
	for i := range customers {
		if err := sp.addCustomer(&customers[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range orders {
		if err := sp.addOrder(&orders[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.finish(); err != nil {
		t.Fatal(err)
	}
	var cu store.Customer
	var o store.Order
	for _, rec := range []int32{4, 0, 5, 3, 1, 2} {
		isOrder, err := sp.read(rec, &cu, &o)
		if err != nil {
			t.Fatalf("record %d: %v", rec, err)
		}
		if want := rec >= 2; isOrder != want {
			t.Fatalf("record %d read as order = %v", rec, isOrder)
		}
		if isOrder && !reflect.DeepEqual(o, orders[rec-2]) {
			t.Errorf("order %d = %+v, want %+v", rec, o, orders[rec-2])
		}
		if !isOrder && !reflect.DeepEqual(cu, customers[rec]) {
			t.Errorf("customer %d = %+v, want %+v", rec, cu, customers[rec])
		}
	}
	if _, err := sp.read(6, &cu, &o); err == nil {
		t.Error("reading past the last record gave no error")
	}
}
