package sigtargets

import (
	"bytes"
	"math"
	"testing"
)

// FuzzLiteral: a function literal with several kinds.
func FuzzLiteral(f *testing.F) {
	f.Add("seed", int64(1), false)
	f.Fuzz(func(t *testing.T, s string, n int64, ok bool) {
		if err := Check(s, n, ok); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzString: a lone string, in the style of net/netip's FuzzParse.
func FuzzString(f *testing.F) {
	f.Add("1.2.3.4")
	f.Fuzz(func(t *testing.T, s string) {
		if s == "fe80::1%zone" {
			t.Fatalf("planted failure on %q", s)
		}
	})
}

func fuzzNamed(t *testing.T, b []byte, x uint16) {
	if x == 0xbeef && bytes.Equal(b, []byte("named")) {
		t.Fatalf("planted failure: %q %#x", b, x)
	}
}

// FuzzNamedFunc: a named function.
func FuzzNamedFunc(f *testing.F) {
	f.Fuzz(fuzzNamed)
}

func (c *Checker) fuzz(t *testing.T, n uint32, x float32, s string) {
	if n > c.Limit && x == 1.5 && s == "method" {
		t.Fatalf("planted failure: %d %v %q", n, x, s)
	}
}

// FuzzMethod: a method value.
func FuzzMethod(f *testing.F) {
	c := &Checker{Limit: 7}
	f.Fuzz(c.fuzz)
}

// FuzzFuncVar: a variable of function type.
func FuzzFuncVar(f *testing.F) {
	var fn func(*testing.T, int8, int16) = func(t *testing.T, a int8, b int16) {
		if a == -1 && b == -2 {
			t.Fatal("planted failure")
		}
	}
	f.Fuzz(fn)
}

func fuzzThroughHelper(f *testing.F, seed uint64) {
	f.Add(seed, true)
	f.Fuzz(func(t *testing.T, u uint64, b bool) {
		if u == math.MaxUint64 && b {
			t.Fatal("planted failure")
		}
	})
}

// FuzzHelper: f.Fuzz is called by a helper the target passes f to.
func FuzzHelper(f *testing.F) {
	fuzzThroughHelper(f, 3)
}

// FuzzAliases: byte/uint8 and rune/int32 keep their spelling; []uint8 is []byte.
func FuzzAliases(f *testing.F) {
	f.Fuzz(func(t *testing.T, a byte, b uint8, r rune, i int32, p []uint8) {
		if a == 'x' && b == 0xff && r == 'é' && i == -5 && string(p) == "alias" {
			t.Fatal("planted failure")
		}
	})
}

// FuzzAllKinds takes every kind once; it fails when each holds a chosen value.
func FuzzAllKinds(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, s string, ok bool, c byte, r rune, i int, i8 int8, i16 int16,
		i32 int32, i64 int64, u uint, u8 uint8, u16 uint16, u32 uint32, u64 uint64, f32 float32, f64 float64) {
		if string(b) == "bytes" && s == "string" && ok && c == 'c' && r == 'r' && i == -1 && i8 == -8 &&
			i16 == -16 && i32 == -32 && i64 == -64 && u == 1 && u8 == 8 && u16 == 16 && u32 == 32 &&
			u64 == 64 && f32 == 3.25 && math.IsNaN(f64) && math.Float64bits(f64) == 0x7ff8000000000abc {
			t.Fatal("planted failure: every kind")
		}
	})
}
