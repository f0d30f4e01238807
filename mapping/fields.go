package mapping

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// Fields are contact field values keyed like Daktela's API: "title",
// "lastname", "customFields.email". Standard fields hold one value.
type Fields map[string][]string

// Fingerprint returns a stable SHA-256 (hex) of the fields, independent of map
// order, so that a sync can skip contacts whose rendering did not change.
// Values are length-prefixed so that no two different Fields collide by
// concatenation.
func (f Fields) Fingerprint() string {
	h := sha256.New()
	for _, key := range sortedKeys(f) {
		writeString(h, key)
		writeInt(h, len(f[key]))
		for _, v := range f[key] {
			writeString(h, v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeInt(h hash.Hash, n int) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

func writeString(h hash.Hash, s string) {
	writeInt(h, len(s))
	h.Write([]byte(s))
}
