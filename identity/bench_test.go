package identity

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
)

// BenchmarkResolve resolves 200,000 customers and 1,000,000 orders, the size
// of a large shop, and reports time per record and the heap the Resolver and
// Result keep.
func BenchmarkResolve(b *testing.B) {
	const customers, orders = 200_000, 1_000_000
	for b.Loop() {
		r := NewResolver()
		addSynthetic(r, customers, orders)
		res := r.Resolve()

		b.StopTimer()
		b.ReportMetric(heapMB(), "heapMB")
		runtime.KeepAlive(r)
		b.ReportMetric(heapMB(), "resultMB")
		b.ReportMetric(float64(res.Persons()), "persons")
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(customers+orders)), "ns/record")
}

// heapMB returns the live heap after a collection.
func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// addSynthetic adds customers and orders of about 300,000 people: most
// orders carry an e-mail, some only a phone, a few nothing; every tenth
// phone is a family phone shared by two people.
func addSynthetic(r *Resolver, customers, orders int) {
	rng := rand.New(rand.NewPCG(42, 0))
	people := customers * 3 / 2
	buf := make([]byte, 0, 64)
	emails := make([]string, 1)
	str := func(prefix string, n int, suffix string) string {
		buf = append(strconv.AppendInt(append(buf[:0], prefix...), int64(n), 10), suffix...)
		return string(buf)
	}
	phoneOf := func(p int) string {
		if p%10 == 0 {
			p++ // a family: person p shares person p+1's phone
		}
		return str("+420", 600_000_000+p, "")
	}
	for i := range customers {
		emails[0] = str("person", i, "@example.cz")
		r.Add(Customer, str("0f1e2d3c-4b5a-6978-8796-", 100_000_000_000+i, ""),
			emails, phoneOf(i), str("Jméno Příjmení", i, ""))
	}
	for i := range orders {
		p := rng.IntN(people)
		emails[0] = str("person", p, "@example.cz")
		em, phone := emails, phoneOf(p)
		switch rng.IntN(50) {
		case 0, 1, 2, 3, 4:
			em = nil
		case 5:
			em, phone = nil, ""
		}
		r.Add(Order, strconv.Itoa(1_000_000+i), em, phone, str("Příjmení Jméno", p, ""))
	}
}
