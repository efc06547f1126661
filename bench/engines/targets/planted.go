// Package targets holds Go fuzz targets with bugs planted at different depths, for the engine
// benchmark (bench/engines/run.sh). Each bug panics (or kills the process) with a message the
// benchmark matches, so that an engine is credited only with the bug it was meant to find.
package targets

import (
	"encoding/binary"
	"hash/crc32"
	"strings"
	"sync"
)

// Magic fails behind a 6-byte magic compared one byte at a time: coverage guides an engine
// through it byte by byte.
func Magic(b []byte) {
	if len(b) >= 6 && b[0] == 'G' {
		if b[1] == 'O' {
			if b[2] == 'F' {
				if b[3] == 'U' {
					if b[4] == 'Z' {
						if b[5] == 'Z' {
							panic("planted: magic")
						}
					}
				}
			}
		}
	}
}

// Length fails when a tagged record's length byte matches the record's real length, it is at
// least 8 and the payload ends with '!': a length field an engine must keep consistent.
func Length(b []byte) {
	if len(b) < 2 || b[0] != 0xA5 {
		return
	}
	n := int(b[1])
	if n < 8 || len(b) != 2+n {
		return
	}
	if b[len(b)-1] == '!' {
		panic("planted: length")
	}
}

// Checksum fails on a record 'C', 'K', payload (at least 4 bytes), CRC-32 of the payload
// (little-endian): no coverage edge leads to the right sum, but one comparison holds both
// sides of it, so comparison feedback (input-to-state) can.
func Checksum(b []byte) {
	if len(b) < 10 || b[0] != 'C' || b[1] != 'K' {
		return
	}
	payload, sum := b[2:len(b)-4], b[len(b)-4:]
	if crc32.ChecksumIEEE(payload) == binary.LittleEndian.Uint32(sum) {
		panic("planted: checksum")
	}
}

// Token fails on one exact string: only comparison feedback finds it.
func Token(s string) {
	if s == "gofuzz-shm-token-7421" {
		panic("planted: token")
	}
}

// Typed fails on typed arguments: a string with a prefix, an integer over a bound, a flag.
func Typed(s string, n int64, ok bool) {
	if ok && strings.HasPrefix(s, "id:") && n > 1000 {
		panic("planted: typed")
	}
}

// Exit kills the process behind a 3-byte prefix: a nil map written on another goroutine, an
// unrecoverable fault the fuzz function cannot report as a test failure.
func Exit(b []byte) {
	if len(b) >= 3 && b[0] == 'E' && b[1] == 'X' && b[2] == 'T' {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m map[string]int
			m["planted"] = 1
		}()
		wg.Wait()
	}
}
