package shop

// mix64 is the splitmix64 finaliser; it is a bijection on uint64, which the
// generator relies on to derive unique GUIDs from unique indexes.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash3 derives a well-mixed value from a seed, a salt naming the purpose and
// an index, so that every derived attribute has its own independent stream.
func hash3(seed int64, salt, idx uint64) uint64 {
	return mix64(mix64(uint64(seed)^salt*0x9e3779b97f4a7c15) + idx)
}

// rng is a tiny splitmix64 stream; it is a value type so that derivations
// stay allocation-free.
type rng struct{ s uint64 }

func newRNG(seed int64, salt, idx uint64) rng {
	return rng{s: hash3(seed, salt, idx)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// intn returns a value in [0, n); the modulo bias is irrelevant here.
func (r *rng) intn(n int) int {
	return int(r.next() % uint64(n))
}

// float returns a value in [0, 1).
func (r *rng) float() float64 {
	return float64(r.next()>>11) / (1 << 53)
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool {
	return r.float() < p
}

// Salts name the derivation streams; changing one changes that attribute only.
const (
	saltPerson uint64 = iota + 1
	saltName
	saltOrder
	saltOrderGen
	saltChange
	saltCustomerGUID
	saltAccountGUID
	saltAddress
	saltHash
	saltFormat
	saltBadEmail
	saltOddName
)
