package report

import (
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkWrite writes contacts and five orders per contact, and reports
// the time per row and the peak HeapInuse seen while writing and saving.
// Run it at two sizes to see that memory does not grow with the rows:
//
//	go test -run - -bench Write -benchtime 1x ./report
func BenchmarkWrite(b *testing.B) {
	for _, contacts := range []int{10_000, 100_000} {
		b.Run("contacts="+strconv.Itoa(contacts), func(b *testing.B) {
			for range b.N {
				benchWrite(b, contacts)
			}
		})
	}
}

func benchWrite(b *testing.B, contacts int) {
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	runtime.GC()
	stop := sampleHeap()
	start := time.Now()

	w, err := Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Abort()
	day := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range contacts {
		name := "Zákazník Příjmení " + strconv.Itoa(i)
		err := w.AddContact(ContactRow{
			Contact: name, Emails: []string{"zakaznik" + strconv.Itoa(i) + "@example.cz"},
			Phones: []string{"+420601" + strconv.Itoa(100000+i)}, Orders: 5,
			Records: []string{"customer " + strconv.Itoa(i)}, Rules: []string{"same e-mail"},
			Action: "created",
		})
		for j := 0; j < 5 && err == nil; j++ {
			code := strconv.Itoa(2026000000 + i*5 + j)
			err = w.AddOrder(OrderRow{
				Code: code, ID: code, Date: day.Add(time.Duration(i) * time.Minute),
				Total: float64(i%5000) + 0.5, Currency: "CZK", Status: "Vyřízena",
				Contact: name, Link: "https://www.obchod.cz/admin/objednavky-detail/?id=" + code,
			})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(Summary{Kind: "full sync"}); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	peak := stop()

	rows := contacts * 6
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(rows), "ns/row")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(rows), "rows")
}

// sampleHeap polls HeapInuse until the returned stop is called, which
// reports the highest value seen.
func sampleHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}
