package corpuscheck

import (
	"math"
	"strconv"
	"testing"
	"unicode"
	"unicode/utf8"
)

// seed is one value of every supported parameter type, in FuzzAllKinds' parameter order.
type seed struct {
	b   []byte
	s   string
	bo  bool
	by  byte
	r   rune
	i   int
	i8  int8
	i16 int16
	i32 int32
	i64 int64
	u   uint
	u8  uint8
	u16 uint16
	u32 uint32
	u64 uint64
	f32 float32
	f64 float64
}

// seeds start the fuzzer from unusual values, so that the corpus files Go writes while
// fuzzing (each mutation changes only some values) carry them: invalid UTF-8, every escape,
// non-printable runes, invalid runes, NaN payloads, signed zeros, infinities, subnormals.
var seeds = []seed{
	{[]byte("hello\x00"), "tab\there \x00 \xff é \u200b", true, 'a', 'x', -5, -128, 1000, 7, -1, 5, 200, 65535, 1, 18446744073709551615, 0.1, 1e21},
	{[]byte{0x7f, 0xc2, 0xa0, 0xff, 0xfe}, "\a\b\f\n\r\t\v\\\"'`", false, 0x80, 0x1F600, math.MaxInt64, 127, -32768, -2147483648, math.MinInt64, math.MaxUint64, 0, 0, math.MaxUint32, 0,
		math.Float32frombits(0x7fc00001), math.Float64frombits(0x7ff8000000000002)},
	{[]byte("\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf"), "\ufeff\u00ad\u2028\U0001f600\U000e0001\ufffd", true, 0xff, 0x200b, math.MinInt64, 0, 0, 0, 0, 0, 255, 0, 0, 0,
		float32(math.Inf(-1)), math.Copysign(0, -1)},
	{nil, "", false, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		float32(math.NaN()), math.NaN()},
	{[]byte{}, "日本語\x80", true, 0x7f, 0xD800, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		math.Float32frombits(1), math.Float64frombits(1)},
	{[]byte("x"), "\U0010ffff", false, '\'', 0x110000, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
		math.MaxFloat32, math.MaxFloat64},
	{[]byte("\\"), "\x7f", true, '\\', '\'', 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
		float32(math.Copysign(0, -1)), math.Inf(1)},
	{[]byte("0123456789"), "\u0378", false, '"', math.MaxInt32, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
		16777217, 123456789012345678},
	{[]byte("ab"), "\xe2\x82", true, 0x0a, math.MinInt32, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
		math.Float32frombits(0xffffffff), math.Float64frombits(0xfff0000000000001)},
	{[]byte(" "), "\u00a0", true, 0x20, 0xFFFD, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
		1e-45, 2.2250738585072014e-308},
}

func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add(s.b, s.s, s.bo, s.by, s.r, s.i, s.i8, s.i16, s.i32, s.i64, s.u, s.u8, s.u16, s.u32, s.u64, s.f32, s.f64)
	}
}

func FuzzAllKinds(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte, s string, bo bool, by byte, r rune, i int, i8 int8, i16 int16, i32 int32, i64 int64, u uint, u8 uint8, u16 uint16, u32 uint32, u64 uint64, f32 float32, f64 float64) {
		dump(t,
			canonBytes(b), canonBytes([]byte(s)), strconv.FormatBool(bo),
			strconv.FormatUint(uint64(by), 10), strconv.FormatInt(int64(r), 10),
			strconv.FormatInt(int64(i), 10), strconv.FormatInt(int64(i8), 10),
			strconv.FormatInt(int64(i16), 10), strconv.FormatInt(int64(i32), 10),
			strconv.FormatInt(i64, 10), strconv.FormatUint(uint64(u), 10),
			strconv.FormatUint(uint64(u8), 10), strconv.FormatUint(uint64(u16), 10),
			strconv.FormatUint(uint64(u32), 10), strconv.FormatUint(u64, 10),
			canonFloat32(f32), canonFloat64(f64))
		// Branch on value classes so that coverage-guided fuzzing keeps inputs with new kinds
		// of values (and so writes them to its cache).
		sink += classifyBytes(b) + classifyBytes([]byte(s)) + classifyRune(r) + classifyRune(rune(by))
		sink += classifyInt(int64(i)) + classifyInt(int64(i8)) + classifyInt(int64(i16)) + classifyInt(int64(i32)) + classifyInt(i64)
		sink += classifyUint(uint64(u)) + classifyUint(uint64(u8)) + classifyUint(uint64(u16)) + classifyUint(uint64(u32)) + classifyUint(u64)
		sink += classifyFloat(float64(f32)) + classifyFloat(f64)
		if bo {
			sink++
		}
	})
}

// FuzzCrash fails on every input that differs from its single seed, so `-fuzz` finds a
// "crash" at once and Go writes it to testdata/fuzz/FuzzCrash/<hash>.
func FuzzCrash(f *testing.F) {
	s0 := seeds[1]
	f.Add(s0.b, s0.s, s0.bo, s0.by, s0.r, s0.i, s0.i8, s0.i16, s0.i32, s0.i64, s0.u, s0.u8, s0.u16, s0.u32, s0.u64, s0.f32, s0.f64)
	f.Fuzz(func(t *testing.T, b []byte, s string, bo bool, by byte, r rune, i int, i8 int8, i16 int16, i32 int32, i64 int64, u uint, u8 uint8, u16 uint16, u32 uint32, u64 uint64, f32 float32, f64 float64) {
		same := string(b) == string(s0.b) && s == s0.s && bo == s0.bo && by == s0.by && r == s0.r &&
			i == s0.i && i8 == s0.i8 && i16 == s0.i16 && i32 == s0.i32 && i64 == s0.i64 &&
			u == s0.u && u8 == s0.u8 && u16 == s0.u16 && u32 == s0.u32 && u64 == s0.u64 &&
			math.Float32bits(f32) == math.Float32bits(s0.f32) && math.Float64bits(f64) == math.Float64bits(s0.f64)
		if !same {
			t.Fatalf("input differs from the seed")
		}
	})
}

var sink int

func classifyBytes(b []byte) int {
	n := 0
	switch {
	case len(b) == 0:
		n += 1
	case len(b) < 4:
		n += 2
	case len(b) < 16:
		n += 3
	default:
		n += 4
	}
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && w == 1:
			n += 5
		case r < 0x20 || r == 0x7f:
			n += 6
		case r == '\\' || r == '"' || r == '\'':
			n += 7
		case r < 0x7f:
			n += 8
		case r == utf8.RuneError:
			n += 9
		case unicode.IsPrint(r):
			n += 10
		case r >= 0x10000:
			n += 11
		default:
			n += 12
		}
		b = b[w:]
	}
	return n
}

func classifyRune(r rune) int {
	switch {
	case r < 0:
		return 1
	case r >= 0xD800 && r < 0xE000:
		return 2
	case r > unicode.MaxRune:
		return 3
	case r < 0x20 || r == 0x7f:
		return 4
	case r < 0x80:
		return 5
	case unicode.IsPrint(r):
		return 6
	case r < 0x10000:
		return 7
	default:
		return 8
	}
}

func classifyInt(v int64) int {
	switch {
	case v == math.MinInt64:
		return 1
	case v < -1<<31:
		return 2
	case v < -1<<15:
		return 3
	case v < -128:
		return 4
	case v < 0:
		return 5
	case v == 0:
		return 6
	case v < 128:
		return 7
	case v < 1<<15:
		return 8
	case v < 1<<31:
		return 9
	case v == math.MaxInt64:
		return 10
	default:
		return 11
	}
}

func classifyUint(v uint64) int {
	switch {
	case v == 0:
		return 1
	case v < 1<<8:
		return 2
	case v < 1<<16:
		return 3
	case v < 1<<32:
		return 4
	case v == math.MaxUint64:
		return 5
	default:
		return 6
	}
}

func classifyFloat(f float64) int {
	switch {
	case math.IsNaN(f):
		return 1
	case math.IsInf(f, 1):
		return 2
	case math.IsInf(f, -1):
		return 3
	case f == 0 && math.Signbit(f):
		return 4
	case f == 0:
		return 5
	case math.Abs(f) < 2.2250738585072014e-308:
		return 6
	case math.Abs(f) < 1e-5:
		return 7
	case math.Abs(f) >= 1e21:
		return 8
	case f == math.Trunc(f):
		return 9
	case f < 0:
		return 10
	default:
		return 11
	}
}
