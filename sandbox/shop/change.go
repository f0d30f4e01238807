package shop

import (
	"math"
	"strconv"
	"time"
)

// nextStatus moves an order along its life; no status maps onto itself, so
// every change is visible in the export.
var nextStatus = [...]uint8{1, 2, 3, 5, 0, 3, 1}

// AddOrders places n new orders at time at, by existing persons and new
// guests alike, and returns their ORDER_IDs. Orders stay in time order: an
// at before the newest order is moved up to it.
func (s *Shop) AddOrders(n int, at time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()

	t := s.notBeforeNewest(at)
	ids := make([]string, 0, n)
	for k := 0; k < n; k++ {
		r := newRNG(s.seed, saltOrderGen, uint64(len(s.orders)))
		ids = append(ids, orderID(s.placeOrder(&r, t, statusNew)))
	}
	return ids
}

// ChangeOrders changes the status of up to n distinct existing orders at
// time at, favouring recent orders, and returns their ORDER_IDs.
func (s *Shop) ChangeOrders(n int, at time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()

	r := newRNG(s.seed, saltChange, s.ops)
	s.ops++
	t := clampUnix(at.Unix())
	seen := make(map[int]bool, n)
	ids := make([]string, 0, n)
	for try := 0; len(ids) < n && len(ids) < len(s.orders) && try < 8*n; try++ {
		i := len(s.orders) - 1 - int(float64(len(s.orders))*math.Pow(r.float(), 2))
		if seen[i] {
			continue
		}
		seen[i] = true
		o := &s.orders[i]
		o.status = nextStatus[o.status]
		o.updated = max(t, o.created)
		s.seq++
		o.seq = s.seq
		ids = append(ids, orderID(i))
	}
	return ids
}

func (s *Shop) notBeforeNewest(at time.Time) uint32 {
	t := clampUnix(at.Unix())
	if n := len(s.orders); n > 0 {
		t = max(t, s.orders[n-1].created)
	}
	return t
}

func orderID(i int) string { return strconv.Itoa(orderIDBase + i) }

// RandomHash returns a deterministic 64-hex-character export hash, shaped
// like the ones shops hand out.
func RandomHash(seed int64) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 64)
	for k := range 4 {
		v := hash3(seed, saltHash, uint64(k))
		for j := range 16 {
			b[k*16+j] = hexdigits[v>>(60-4*j)&0xf]
		}
	}
	return string(b)
}
