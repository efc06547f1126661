package frame

import (
	"bytes"
	"testing"
)

// FuzzFrame parses arbitrary bytes; a frame that parses must hold what its header says.
func FuzzFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := Parse(b)
		if err != nil {
			return
		}
		if int(b[5]) != len(fr.Payload) || !bytes.Equal(fr.Payload, b[headerLen:headerLen+len(fr.Payload)]) {
			t.Fatalf("payload %q does not match the header of %q", fr.Payload, b)
		}
	})
}

// TestParse checks well-formed and malformed frames (not the planted bug).
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in  string
		err error
	}{
		{"GOFZ", ErrShort},
		{"GOFY\x01\x00", ErrMagic},
		{"GOFZ\x03\x00", ErrVersion},
		{"GOFZ\x01\x02a", ErrLength},
		{"GOFZ\x01\x01a", nil},
		{"GOFZ\x02\x01ab", ErrChecksum},
		{"GOFZ\x02\x01aa", nil},
		{"GOFZ\x02\x02ab\xc3", nil},
	} {
		if _, err := Parse([]byte(tc.in)); err != tc.err {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, err, tc.err)
		}
	}
}
