package shoptet_test

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/shopsync/shoptet-daktela/sandbox/shop"
	"github.com/shopsync/shoptet-daktela/shoptet"
)

// scaleOrders sizes the export of BenchmarkDecodeSandboxExport. The default
// keeps CI quick; the flat-memory claim is checked by hand with
//
//	go test -run '^$' -bench DecodeSandboxExport -benchtime 1x ./shoptet \
//	    -args -scale-orders 1000000
//
// or SHOPTET_SCALE_ORDERS=1000000.
var scaleOrders = flag.Int("scale-orders", envInt("SHOPTET_SCALE_ORDERS", 20000),
	"orders in the generated export of BenchmarkDecodeSandboxExport")

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

var (
	scaleOnce sync.Once
	scaleShop *shop.Shop
)

// scaleFixture generates the benchmark's shop once per process: generating a
// million orders takes seconds and should not count in any sub-benchmark.
func scaleFixture() *shop.Shop {
	scaleOnce.Do(func() {
		scaleShop = shop.Generate(shop.Options{Seed: 42, Orders: *scaleOrders,
			Customers: max(*scaleOrders/5, 1)})
	})
	return scaleShop
}

// BenchmarkDecodeSandboxExport streams a generated order export through an
// io.Pipe, never materialised, into the order decoder and, in the same run,
// into a bare encoding/xml Token loop. The writer baseline shows what the
// generator on the other end of the pipe costs: the pipe cannot run faster,
// and its allocations are part of the others' allocs/order.
func BenchmarkDecodeSandboxExport(b *testing.B) {
	s := scaleFixture()
	orders := s.Truth().Orders()
	b.Logf("export of %d orders", orders)
	b.Run("write", func(b *testing.B) {
		runScale(b, s, orders, func(r io.Reader) (int, error) {
			_, err := io.Copy(io.Discard, r)
			return orders, err
		})
	})
	b.Run("decoder", func(b *testing.B) {
		runScale(b, s, orders, decodeAll)
	})
	b.Run("tokenscan", func(b *testing.B) {
		runScale(b, s, orders, scanTokens)
	})
}

// runScale runs consume on a fresh export each iteration and reports
// throughput, allocations per order and the peak RSS of this sub-benchmark.
func runScale(b *testing.B, s *shop.Shop, orders int, consume func(io.Reader) (int, error)) {
	runtime.GC()
	resetPeakRSS()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var total int64
	b.ResetTimer()
	for b.Loop() {
		n, size, err := streamExport(s, consume)
		if err != nil {
			b.Fatal(err)
		}
		if n != orders {
			b.Fatalf("read %d orders, want %d", n, orders)
		}
		total += size
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.SetBytes(total / int64(b.N))
	all := float64(orders) * float64(b.N)
	b.ReportMetric(all/b.Elapsed().Seconds(), "orders/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/all, "allocs/order")
	if kb, ok := procStatusKB("VmHWM"); ok {
		b.ReportMetric(float64(kb)/1024, "peakRSS-MB")
	}
}

// streamExport writes the export into a pipe from one goroutine while
// consume reads it, and returns the orders consume saw and the bytes sent.
func streamExport(s *shop.Shop, consume func(io.Reader) (int, error)) (int, int64, error) {
	pr, pw := io.Pipe()
	cw := &countWriter{w: pw}
	go func() {
		bw := bufio.NewWriterSize(cw, 64<<10)
		err := s.WriteOrdersXML(bw, shop.OrderFilter{})
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	n, err := consume(pr)
	pr.CloseWithError(io.ErrClosedPipe) // stops the writer if consume gave up early
	return n, cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func decodeAll(r io.Reader) (int, error) {
	d := shoptet.NewOrderDecoder(r)
	n := 0
	for {
		_, err := d.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// scanTokens is the floor: encoding/xml reading every token, doing nothing
// but counting ORDER elements.
func scanTokens(r io.Reader) (int, error) {
	xd := xml.NewDecoder(r)
	n := 0
	for {
		tok, err := xd.Token()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "ORDER" {
			n++
		}
	}
}

// resetPeakRSS asks Linux to restart VmHWM from the current RSS, so each
// sub-benchmark reports its own peak. Elsewhere it does nothing.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// procStatusKB reads a "Name:   123 kB" line of /proc/self/status.
func procStatusKB(name string) (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(line, []byte(name+":"))
		if !ok {
			continue
		}
		var kb int64
		if _, err := fmt.Sscan(string(rest), &kb); err != nil {
			return 0, false
		}
		return kb, true
	}
	return 0, false
}
