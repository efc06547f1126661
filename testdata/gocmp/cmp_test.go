package gocmp

import (
	"bytes"
	"strings"
	"testing"
)

// Token is the exact string FuzzToken fails on.
const Token = "some-long-token"

// Magic is the integer FuzzMagic fails on.
const Magic = 0x1234abcd

// FuzzMagic fails on one 64-bit value: one constant comparison, 8 bytes wide.
func FuzzMagic(f *testing.F) {
	f.Fuzz(func(t *testing.T, n int64) {
		if n == Magic {
			t.Fatalf("magic %#x", n)
		}
	})
}

// FuzzToken fails on one exact string: one string comparison.
func FuzzToken(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		if s == Token {
			t.Fatalf("token %q", s)
		}
	})
}

// FuzzMixed compares a byte against a variable, a 16-bit value against a constant and a
// string against a string built at run time: each kind once per run.
func FuzzMixed(f *testing.F) {
	f.Fuzz(func(t *testing.T, b byte, u uint16, s string) {
		limit := byte(len(s))
		if b == limit {
			t.Log("byte matches the length")
		}
		if u == 0xbeef {
			t.Log("beef")
		}
		want := "prefix-" + s[:len(s)/2]
		if s == want {
			t.Log("half")
		}
	})
}

// FuzzQuiet makes no comparison of its own: everything the hooks see is the worker's.
func FuzzQuiet(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		sink = b
	})
}

var sink []byte

// FuzzMany compares each byte of its input with a constant: as many comparisons as bytes.
func FuzzMany(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		for _, c := range b {
			if c == 'x' {
				n++
			}
		}
		sinkN = n
	})
}

var sinkN int

// FuzzHeavy scans its input the way a parser does, several comparisons per byte: the
// comparison-heavy target of the benchmark (benches/cmp.rs).
func FuzzHeavy(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		sinkN = scan(b)
	})
}

func scan(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 'a' && c <= 'z':
			n++
		case c >= '0' && c <= '9':
			n += 2
		case c == ' ' || c == '\t':
			n += 3
		}
		if i+4 <= len(b) && uint32(b[i])|uint32(b[i+1])<<8|uint32(b[i+2])<<16|uint32(b[i+3])<<24 == 0xfeedface {
			n += 100
		}
	}
	return n
}

// FuzzEqual compares bytes with bytes.Equal and a string with strings.EqualFold: both reach
// the string hook.
func FuzzEqual(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, s string) {
		if bytes.Equal(b, []byte("bytes-token")) {
			t.Log("bytes")
		}
		if strings.EqualFold(s, "Fold-Token") {
			t.Log("fold")
		}
	})
}
