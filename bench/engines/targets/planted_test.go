package targets

import (
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// The fuzz targets of the engine benchmark. Their seeds are files under testdata/fuzz (not
// f.Add), so that every engine starts from the same inputs.

func FuzzMagic(f *testing.F)    { f.Fuzz(func(t *testing.T, b []byte) { Magic(b) }) }
func FuzzLength(f *testing.F)   { f.Fuzz(func(t *testing.T, b []byte) { Length(b) }) }
func FuzzChecksum(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) { Checksum(b) }) }
func FuzzToken(f *testing.F)    { f.Fuzz(func(t *testing.T, s string) { Token(s) }) }
func FuzzExit(f *testing.F)     { f.Fuzz(func(t *testing.T, b []byte) { Exit(b) }) }

func FuzzTyped(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, n int64, ok bool) { Typed(s, n, ok) })
}

// Each planted bug fires on the input it was planted for (Exit's kills the process: the
// benchmark's go test -fuzz runs show it), so a target that no engine solves is hard, not
// broken.
func TestPlantedBugsFire(t *testing.T) {
	cases := map[string]func(){
		"planted: magic":  func() { Magic([]byte("GOFUZZ")) },
		"planted: length": func() { Length(append([]byte{0xA5, 8}, "1234567!"...)) },
		"planted: checksum": func() {
			payload := []byte("1234")
			Checksum(binary.LittleEndian.AppendUint32(append([]byte("CK"), payload...), crc32.ChecksumIEEE(payload)))
		},
		"planted: token": func() { Token("gofuzz-shm-token-7421") },
		"planted: typed": func() { Typed("id:7", 1001, true) },
	}
	for want, fire := range cases {
		func() {
			defer func() {
				if got := recover(); got != want {
					t.Errorf("got panic %v, want %q", got, want)
				}
			}()
			fire()
		}()
	}
}
