package enginetargets

import (
	"encoding/binary"
	"testing"
)

// FuzzChecksum panics on a frame of at least 8 bytes whose last four bytes (little-endian)
// equal a checksum of the others: 2^-32 per guess, so only an engine that sees the comparison
// gets there.
func FuzzChecksum(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 8 {
			return
		}
		body, tail := b[:len(b)-4], b[len(b)-4:]
		var sum uint32 = 7
		for _, c := range body {
			sum = sum*31 + uint32(c)
		}
		if binary.LittleEndian.Uint32(tail) == sum {
			panic("checksum matched: the planted bug")
		}
	})
}

// FuzzToken panics on one exact 21-byte string.
func FuzzToken(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if s == "gofuzz-shm-token-7421" {
			panic("token matched: the planted bug")
		}
	})
}
