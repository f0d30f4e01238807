package shop

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
	"time"
)

// FuzzExportsAreWellFormed checks that any seed and size yields exports
// that a strict XML decoder reads to the end.
func FuzzExportsAreWellFormed(f *testing.F) {
	f.Add(int64(1), uint8(10), uint16(50))
	f.Add(int64(-7), uint8(0), uint16(3))
	f.Fuzz(func(t *testing.T, seed int64, customers uint8, orders uint16) {
		s := Generate(Options{Seed: seed, Customers: int(customers), Orders: int(orders % 400)})
		s.AddOrders(2, time.Date(2027, 1, 1, 0, 0, 0, 0, prague))
		var b bytes.Buffer
		if err := s.WriteOrdersXML(&b, OrderFilter{}); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
		b.Reset()
		if err := s.WriteCustomersXML(&b); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
	})
}

func wellFormed(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("export is not well-formed xml: %v", err)
		}
	}
}
