package shop

import (
	"io"
	"runtime"
	"testing"
	"time"
)

func BenchmarkWriteOrdersXML(b *testing.B) {
	s := Generate(Options{Seed: 1, Customers: 5000, Orders: 20000})
	var c counter
	if err := s.WriteOrdersXML(&c, OrderFilter{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.n)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.WriteOrdersXML(io.Discard, OrderFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteCustomersCSV(b *testing.B) {
	s := Generate(Options{Seed: 1, Customers: 20000})
	var c counter
	if err := s.WriteCustomersCSV(&c); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.n)
	for b.Loop() {
		if err := s.WriteCustomersCSV(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGenerateLargeIsCompact generates the benchmark size, 200,000
// customers and 1,000,000 orders, and bounds the heap it keeps.
func TestGenerateLargeIsCompact(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a million orders")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	began := time.Now()
	s := Generate(Options{Seed: 1, Customers: 200000, Orders: 1000000})
	took := time.Since(began)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("generated %d persons, %d orders in %v, heap %.1f MiB",
		s.Truth().Persons(), s.Truth().Orders(), took, float64(heap)/(1<<20))
	if heap > 64<<20 {
		t.Fatalf("shop keeps %d MiB, want at most 64", heap>>20)
	}
	runtime.KeepAlive(s)
}
