//! Shared helpers of the corpus tests: a seeded PRNG, value generators (edge cases and random),
//! canonical text forms shared with the Go side (go-interop/corpus-check), and the table of
//! single-value lines from GO-FUZZ-FACTS.md section 5.

#![allow(dead_code)] // each test crate uses a different part

use gofuzz_shm::corpus::Value;

/// xorshift64* — small, seeded, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    pub fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }
}

/// Parameter types of FuzzAllKinds / FuzzCrash, in order.
pub const KINDS: [&str; 17] = [
    "[]byte", "string", "bool", "byte", "rune", "int", "int8", "int16", "int32", "int64", "uint",
    "uint8", "uint16", "uint32", "uint64", "float32", "float64",
];

/// The value as FuzzAllKinds dumps it: hex for []byte/string, decimal integers, float bits.
pub fn dump_field(v: &Value) -> String {
    match v {
        Value::Bytes(b) | Value::String(b) => hex(b),
        Value::Bool(b) => b.to_string(),
        Value::Byte(x) | Value::Uint8(x) => x.to_string(),
        Value::Rune(x) | Value::Int32(x) => x.to_string(),
        Value::Int(x) | Value::Int64(x) => x.to_string(),
        Value::Int8(x) => x.to_string(),
        Value::Int16(x) => x.to_string(),
        Value::Uint(x) | Value::Uint64(x) => x.to_string(),
        Value::Uint16(x) => x.to_string(),
        Value::Uint32(x) => x.to_string(),
        Value::Float32(f) => format!("{:08x}", f.to_bits()),
        Value::Float64(f) => format!("{:016x}", f.to_bits()),
    }
}

/// `<Go run-time type>:<dump field>`, as the oracle prints decoded values.
pub fn canon(v: &Value) -> String {
    format!("{}:{}", v.go_type(), dump_field(v))
}

/// The oracle's M-request text for a value: `<type>\t<canonical value>`.
pub fn marshal_request(v: &Value) -> String {
    format!("{}\t{}", v.type_name(), dump_field(v))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// Single values and the line Go writes for each (GO-FUZZ-FACTS.md section 5).
pub fn facts_table() -> Vec<(Value, &'static str)> {
    vec![
        (Value::Byte(0x00), r"byte('\x00')"),
        (Value::Byte(b'a'), "byte('a')"),
        (Value::Byte(0x7f), r"byte('\x7f')"),
        (Value::Byte(0x80), r"byte('\u0080')"),
        (Value::Byte(0xff), "byte('ÿ')"),
        (Value::Rune(0x1f600), "rune('😀')"),
        (Value::Rune(0xfffd), "rune('\u{fffd}')"),
        (Value::Rune(0x200b), r"rune('\u200b')"),
        (Value::Int8(-128), "int8(-128)"),
        (Value::Uint64(u64::MAX), "uint64(18446744073709551615)"),
        (Value::Int(-5), "int(-5)"),
        (Value::Bool(true), "bool(true)"),
        (Value::Float64(0.1), "float64(0.1)"),
        (Value::Float64(1e21), "float64(1e+21)"),
        (Value::Float64(1e20), "float64(1e+20)"),
        (Value::Float64(f64::INFINITY), "float64(+Inf)"),
        (Value::Float64(-0.0), "float64(-0)"),
        (
            Value::Float64(f64::from_bits(0x7ff8_0000_0000_0001)),
            "float64(NaN)",
        ),
        (
            Value::Float64(f64::from_bits(0x7ff8_0000_0000_0002)),
            "math.Float64frombits(0x7ff8000000000002)",
        ),
        (
            Value::Float64(f64::NAN),
            "math.Float64frombits(0x7ff8000000000000)",
        ),
        (Value::Float32(0.1), "float32(0.1)"),
        (Value::Float32(16777217.0), "float32(1.6777216e+07)"),
        (Value::Float32(f32::from_bits(0x7fc0_0000)), "float32(NaN)"),
        (
            Value::Float32(f32::from_bits(0x7fc0_0001)),
            "math.Float32frombits(0x7fc00001)",
        ),
        (Value::Float64(5e-324), "float64(5e-324)"),
        (
            Value::String(b"tab\there \x00 \xff \xc3\xa9 \xe2\x80\x8b".to_vec()),
            r#"string("tab\there \x00 \xff é \u200b")"#,
        ),
        (
            Value::Bytes(vec![0x7f, 0xc2, 0xa0]),
            r#"[]byte("\x7f\u00a0")"#,
        ),
        (Value::Rune(-1), "int32(-1)"),
        (Value::Rune(0xd800), "int32(55296)"),
        (Value::Int32(0x110000), "int32(1114112)"),
        (Value::Uint8(b'\''), r"byte('\'')"),
        (Value::Float64(123456.0), "float64(123456)"),
        (Value::Float64(1234567.0), "float64(1.234567e+06)"),
        (Value::Float64(0.0001), "float64(0.0001)"),
        (Value::Float64(0.00001), "float64(1e-05)"),
    ]
}

/// Code points worth testing: boundaries of UTF-8 lengths, of printability classes, of the
/// surrogate range, and of Unicode.
pub const SPECIAL_CODE_POINTS: [i32; 40] = [
    0, 7, 8, 9, 10, 11, 12, 13, 0x1f, 0x20, 0x22, 0x27, 0x5c, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xa1,
    0xad, 0xff, 0x100, 0x378, 0x7ff, 0x800, 0x200b, 0x2028, 0xd7ff, 0xd800, 0xdfff, 0xe000, 0xfeff,
    0xfffd, 0xffff, 0x10000, 0x1f600, 0xe0001, 0x10ffff, 0x110000, -1,
];

/// Appends a random "interesting" byte sequence piece to `out`.
fn push_piece(rng: &mut Rng, out: &mut Vec<u8>) {
    match rng.below(8) {
        0 => out.push(rng.next_u64() as u8),
        1 => out.push(0x20 + rng.below(0x5f) as u8),
        2 => out.push(rng.pick(b"\x00\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x7f\\\"'`")),
        3 | 4 => {
            let cp = if rng.chance(2) {
                rng.pick(&SPECIAL_CODE_POINTS)
            } else {
                match rng.below(4) {
                    0 => rng.below(0x800) as i32,
                    1 => rng.below(0x10000) as i32,
                    _ => rng.below(0x110000) as i32,
                }
            };
            if let Some(c) = u32::try_from(cp).ok().and_then(char::from_u32) {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            } else {
                out.push(0xed);
                out.push(0xa0);
                out.push(0x80);
            }
        }
        5 => {
            // A truncated or broken multi-byte sequence.
            let lead = rng.pick(&[0xc2u8, 0xe2, 0xf0, 0xf4, 0xf5, 0xc0, 0xc1, 0xed, 0xff, 0x80]);
            out.push(lead);
            for _ in 0..rng.below(3) {
                out.push(0x80 | rng.below(0x40) as u8);
            }
        }
        6 => out.extend_from_slice("é日本😀\u{a0}\u{85}\u{2028}".as_bytes()),
        _ => out.extend_from_slice(b"hello"),
    }
}

pub fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    let pieces = if rng.chance(10) {
        rng.below(120)
    } else {
        rng.below(12)
    };
    let mut out = Vec::new();
    for _ in 0..pieces {
        push_piece(rng, &mut out);
    }
    out
}

pub fn random_i64(rng: &mut Rng, bits: u32) -> i64 {
    let v = match rng.below(4) {
        0 => rng.pick(&[0, 1, -1, i64::MIN, i64::MAX, 127, -128, 255, 256]),
        1 => rng.below(200) as i64 - 100,
        _ => rng.next_u64() as i64,
    };
    // Keep it in range by sign-extending from `bits`.
    let shift = 64 - bits;
    (v << shift) >> shift
}

pub fn random_u64(rng: &mut Rng, bits: u32) -> u64 {
    let v = match rng.below(4) {
        0 => rng.pick(&[0, 1, u64::MAX, 255, 256, 65535]),
        1 => rng.below(300),
        _ => rng.next_u64(),
    };
    if bits == 64 {
        v
    } else {
        v & ((1u64 << bits) - 1)
    }
}

pub fn random_f64(rng: &mut Rng) -> f64 {
    match rng.below(8) {
        0 => rng.pick(&[
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::from_bits(0x7ff8_0000_0000_0001),
            f64::from_bits(0xfff8_0000_0000_0001),
            f64::from_bits(1),
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            1e21,
            1e20,
            999999.0,
            1e6,
            1e-5,
            1e-4,
            0.1,
            5e-324,
        ]),
        1 => {
            // NaN with a random payload and sign.
            let payload = rng.next_u64() & 0x000f_ffff_ffff_ffff;
            f64::from_bits(0x7ff0_0000_0000_0000 | payload.max(1) | (rng.next_u64() & (1 << 63)))
        }
        2 => (rng.next_u64() as i64 >> rng.below(64)) as f64,
        3 => {
            // A short decimal times a power of ten around the format thresholds.
            let m = rng.below(100_000) as f64;
            m * 10f64.powi(rng.below(40) as i32 - 20)
        }
        4 => f64::from_bits(rng.next_u64() & 0x800f_ffff_ffff_ffff), // subnormal
        _ => f64::from_bits(rng.next_u64()),
    }
}

pub fn random_f32(rng: &mut Rng) -> f32 {
    match rng.below(8) {
        0 => rng.pick(&[
            0.0f32,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            f32::from_bits(0x7fc0_0001),
            f32::from_bits(0xffc0_0000),
            f32::from_bits(1),
            f32::MIN_POSITIVE,
            f32::MAX,
            f32::MIN,
            16777217.0,
            0.1,
        ]),
        1 => {
            let payload = (rng.next_u64() as u32) & 0x007f_ffff;
            f32::from_bits(0x7f80_0000 | payload.max(1) | (rng.next_u64() as u32 & 0x8000_0000))
        }
        2 => (rng.next_u64() as i32 >> rng.below(32)) as f32,
        3 => {
            let m = rng.below(100_000) as f32;
            m * 10f32.powi(rng.below(30) as i32 - 15)
        }
        4 => f32::from_bits(rng.next_u64() as u32 & 0x807f_ffff),
        _ => f32::from_bits(rng.next_u64() as u32),
    }
}

pub fn random_rune(rng: &mut Rng) -> i32 {
    match rng.below(4) {
        0 => rng.pick(&SPECIAL_CODE_POINTS),
        1 => rng.below(0x110000) as i32,
        2 => rng.below(0x3000) as i32,
        _ => rng.next_u64() as i32,
    }
}

/// A random value of FuzzAllKinds parameter `kind` (index into [`KINDS`]).
pub fn random_value(rng: &mut Rng, kind: usize) -> Value {
    match kind {
        0 => Value::Bytes(random_bytes(rng)),
        1 => Value::String(random_bytes(rng)),
        2 => Value::Bool(rng.chance(2)),
        3 => Value::Byte(rng.next_u64() as u8),
        4 => Value::Rune(random_rune(rng)),
        5 => Value::Int(random_i64(rng, 64)),
        6 => Value::Int8(random_i64(rng, 8) as i8),
        7 => Value::Int16(random_i64(rng, 16) as i16),
        8 => Value::Int32(random_rune(rng)),
        9 => Value::Int64(random_i64(rng, 64)),
        10 => Value::Uint(random_u64(rng, 64)),
        11 => Value::Uint8(random_u64(rng, 8) as u8),
        12 => Value::Uint16(random_u64(rng, 16) as u16),
        13 => Value::Uint32(random_u64(rng, 32) as u32),
        14 => Value::Uint64(random_u64(rng, 64)),
        15 => Value::Float32(random_f32(rng)),
        _ => Value::Float64(random_f64(rng)),
    }
}

/// Edge cases for FuzzAllKinds parameter `kind`.
pub fn edge_values(kind: usize) -> Vec<Value> {
    let all_bytes: Vec<u8> = (0..=255u8).collect();
    let every_escape = b"\x07\x08\x0c\n\r\t\x0b\\\"'`\x00\x1b\x7f".to_vec();
    let strings: Vec<Vec<u8>> = vec![
        vec![],
        all_bytes.clone(),
        every_escape,
        b"\xff\xfe\xfd".to_vec(),
        b"\xed\xa0\x80".to_vec(),
        b"\xc0\xaf\xe2\x82".to_vec(),
        "\u{fffd}\u{feff}\u{200b}\u{2028}\u{a0}\u{ad}\u{10ffff}\u{e0001}😀"
            .as_bytes()
            .to_vec(),
        (0x80..0x800u32)
            .filter_map(char::from_u32)
            .collect::<String>()
            .into_bytes(),
        "a".repeat(1000).into_bytes(),
    ];
    let runes: Vec<i32> = SPECIAL_CODE_POINTS
        .iter()
        .copied()
        .chain([i32::MIN, i32::MAX, 0xdbff, 0xdc00])
        .collect();
    let f64s: Vec<f64> = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff8_0000_0000_0001),
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::from_bits(0x7fff_ffff_ffff_ffff),
        f64::from_bits(0xfff8_0000_0000_0001),
        f64::from_bits(1),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        0.1,
        1e21,
        1e20,
        1e-5,
        1e-4,
        123456.0,
        1234567.0,
        9007199254740993.0,
        -1.5,
    ];
    let f32s: Vec<f32> = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7fc0_0001),
        f32::from_bits(0x7f80_0001),
        f32::from_bits(0x7fff_ffff),
        f32::from_bits(1),
        f32::from_bits(0x007f_ffff),
        f32::MIN_POSITIVE,
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        0.1,
        16777217.0,
        1e-5,
        1e6,
    ];
    match kind {
        0 => strings.into_iter().map(Value::Bytes).collect(),
        1 => strings.into_iter().map(Value::String).collect(),
        2 => vec![Value::Bool(false), Value::Bool(true)],
        3 => (0..=255u8).map(Value::Byte).collect(),
        4 => runes.into_iter().map(Value::Rune).collect(),
        5 => [0, 1, -1, i64::MIN, i64::MAX].map(Value::Int).to_vec(),
        6 => [0, 1, -1, i8::MIN, i8::MAX].map(Value::Int8).to_vec(),
        7 => [0, 1, -1, i16::MIN, i16::MAX].map(Value::Int16).to_vec(),
        8 => runes.into_iter().map(Value::Int32).collect(),
        9 => [0, 1, -1, i64::MIN, i64::MAX].map(Value::Int64).to_vec(),
        10 => [0, 1, u64::MAX].map(Value::Uint).to_vec(),
        11 => [0, 1, 0x7f, 0x80, u8::MAX].map(Value::Uint8).to_vec(),
        12 => [0, 1, u16::MAX].map(Value::Uint16).to_vec(),
        13 => [0, 1, u32::MAX].map(Value::Uint32).to_vec(),
        14 => [0, 1, u64::MAX].map(Value::Uint64).to_vec(),
        15 => f32s.into_iter().map(Value::Float32).collect(),
        _ => f64s.into_iter().map(Value::Float64).collect(),
    }
}

/// Entries of 17 values (FuzzAllKinds' parameter types): first the edge cases of every kind
/// (entry i takes edge case i of each kind, cycling), then `random` random entries.
pub fn all_kinds_entries(random: usize, seed: u64) -> Vec<Vec<Value>> {
    let edges: Vec<Vec<Value>> = (0..KINDS.len()).map(edge_values).collect();
    let longest = edges.iter().map(Vec::len).max().unwrap_or(0);
    let mut entries: Vec<Vec<Value>> = (0..longest)
        .map(|i| edges.iter().map(|e| e[i % e.len()].clone()).collect())
        .collect();
    let mut rng = Rng::new(seed);
    for _ in 0..random {
        entries.push(
            (0..KINDS.len())
                .map(|k| random_value(&mut rng, k))
                .collect(),
        );
    }
    entries
}

// ---------------------------------------------------------------------------------------
// Random corpus lines near the edge of what Go accepts, for differential tests of decode.

const CALLEES: [&str; 30] = [
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "byte",
    "rune",
    "string",
    "bool",
    "float32",
    "float64",
    "[]byte",
    "math.Float64frombits",
    "math.Float32frombits",
    "uintptr",
    "[]uint8",
    "math.Sqrt",
    "Int",
    "complex128",
    "[ ]byte",
    "math . Float32frombits",
    "[5]byte",
    "(int)",
    "[]/**/byte",
    "fmt.Float64frombits",
];

const SEPARATORS: [&str; 12] = [
    "",
    "",
    "",
    "",
    " ",
    "\t",
    "\r",
    "/**/",
    "/* c */",
    "/*line x:5*/",
    "/*line x:0*/",
    "/*line a:1:2*/",
];

const BOUNDARY_NUMBERS: [&str; 40] = [
    "0",
    "00",
    "127",
    "128",
    "129",
    "255",
    "256",
    "32767",
    "32768",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "0x7fffffff",
    "0x80000000",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "0x7fc00000",
    "0x7ff8000000000001",
    "3.4028234663852886e38",
    "3.4028235677973366e38",
    "3.4028235677973367e38",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "7e-46",
    "7.1e-46",
    "1e-45",
    "0x1p-1074",
    "0x1p-1075",
    "0x1.8p-1075",
    "0x1.fffffffffffffp1023",
];

fn sep(rng: &mut Rng) -> &'static str {
    if rng.chance(3) {
        rng.pick(&SEPARATORS)
    } else {
        ""
    }
}

fn digits(rng: &mut Rng, alphabet: &[u8], max_len: u64) -> String {
    let n = 1 + rng.below(max_len);
    (0..n).map(|_| char::from(rng.pick(alphabet))).collect()
}

fn sprinkle_underscores(rng: &mut Rng, s: String) -> String {
    if !rng.chance(6) {
        return s;
    }
    let mut out = String::new();
    for c in s.chars() {
        if rng.chance(4) {
            out.push('_');
        }
        out.push(c);
    }
    if rng.chance(5) {
        out.push('_');
    }
    out
}

pub fn random_number(rng: &mut Rng) -> String {
    const DEC: &[u8] = b"0123456789";
    const HEX: &[u8] = b"0123456789abcdefABCDEF";
    let s = match rng.below(14) {
        0 | 1 => rng.pick(&BOUNDARY_NUMBERS).to_string(),
        12 | 13 => return boundary_literal(rng).0,
        2 => digits(rng, DEC, 25),
        3 => format!("{}{}", rng.pick(&["0x", "0X"]), digits(rng, HEX, 18)),
        4 => format!(
            "{}{}",
            rng.pick(&["0o", "0O", "0"]),
            digits(rng, b"01234567", 24)
        ),
        5 => format!("0{}", digits(rng, DEC, 4)),
        6 => format!("{}{}", rng.pick(&["0b", "0B"]), digits(rng, b"01", 66)),
        7 | 8 => {
            let int = if rng.chance(4) {
                String::new()
            } else {
                digits(rng, DEC, 20)
            };
            let frac = if rng.chance(3) {
                String::new()
            } else {
                digits(rng, DEC, 20)
            };
            let point = if rng.chance(4) { "" } else { "." };
            let exp = if rng.chance(2) {
                format!(
                    "{}{}{}",
                    rng.pick(&["e", "E"]),
                    rng.pick(&["", "+", "-"]),
                    digits(rng, DEC, 4)
                )
            } else {
                String::new()
            };
            format!("{int}{point}{frac}{exp}")
        }
        9 | 10 => {
            let int = digits(rng, HEX, 16);
            let frac = if rng.chance(2) {
                format!(".{}", digits(rng, HEX, 16))
            } else {
                String::new()
            };
            let exp = if rng.chance(8) {
                String::new()
            } else {
                format!(
                    "{}{}{}",
                    rng.pick(&["p", "P"]),
                    rng.pick(&["", "+", "-"]),
                    digits(rng, DEC, 4)
                )
            };
            format!("{}{int}{frac}{exp}", rng.pick(&["0x", "0X"]))
        }
        _ => {
            let v = random_f64(rng);
            if v.is_finite() {
                format!("{:e}", v.abs())
            } else {
                "1".to_string()
            }
        }
    };
    let mut s = sprinkle_underscores(rng, s);
    if rng.chance(25) {
        s.push('i');
    }
    s
}

fn random_char_body(rng: &mut Rng, quote: char) -> String {
    match rng.below(12) {
        0 => r"\n".into(),
        1 => format!("\\{quote}"),
        2 => rng
            .pick(&[r"\'", r#"\""#, r"\\", r"\a", r"\v", r"\q", r"\8"])
            .to_string(),
        3 => format!("\\x{}", digits(rng, b"0123456789abcdefFg", 2)),
        4 => format!("\\{}", digits(rng, b"012345678", 3)),
        5 => format!(
            "\\u{:04x}",
            rng.pick(&SPECIAL_CODE_POINTS).unsigned_abs() & 0xffff
        ),
        6 => format!("\\U{:08x}", rng.pick(&SPECIAL_CODE_POINTS) as u32),
        7 => rng
            .pick(&[
                "'", "\"", "\\", "`", "\t", "\r", "\u{a0}", "\u{feff}", "\u{7f}",
            ])
            .to_string(),
        _ => {
            let cp = random_rune(rng);
            u32::try_from(cp)
                .ok()
                .and_then(char::from_u32)
                .filter(|&c| c != '\n' && c != '\0')
                .map_or_else(|| "x".to_string(), |c| c.to_string())
        }
    }
}

fn random_operand(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=2 => random_number(rng),
        3 => {
            let n = if rng.chance(10) { rng.below(3) } else { 1 };
            let body: String = (0..n).map(|_| random_char_body(rng, '\'')).collect();
            format!("'{body}'")
        }
        4 | 5 => {
            let n = rng.below(6);
            let body: String = (0..n).map(|_| random_char_body(rng, '"')).collect();
            format!("\"{body}\"")
        }
        6 => {
            let raw = String::from_utf8_lossy(&random_bytes(rng)).replace(['`', '\n'], "");
            format!("`{raw}{}`", if rng.chance(4) { "\r" } else { "" })
        }
        _ => rng
            .pick(&[
                "true", "false", "NaN", "Inf", "nan", "inf", "x", "True", "NaN()",
            ])
            .to_string(),
    }
}

/// One random line, usually close to valid Go.
pub fn random_line(rng: &mut Rng) -> Vec<u8> {
    let mut s = String::new();
    s.push_str(sep(rng));
    s.push_str(rng.pick(&CALLEES));
    s.push_str(sep(rng));
    s.push('(');
    s.push_str(sep(rng));
    if rng.chance(4) {
        s.push_str(rng.pick(&[
            "-", "-", "+", "!", "^", "&", "~", "<-", "--", "- -", "*", "-(", "&^",
        ]));
        s.push_str(sep(rng));
    }
    if !rng.chance(30) {
        s.push_str(&random_operand(rng));
    }
    s.push_str(sep(rng));
    if rng.chance(8) {
        s.push_str(rng.pick(&["...", "...,", ",", ", 1", ".", "..", ",,", ")("]));
        s.push_str(sep(rng));
    }
    if !rng.chance(40) {
        s.push(')');
    }
    if rng.chance(8) {
        s.push_str(rng.pick(&[
            " // x", "/* y */", "/*", ";", " x", ")", "\u{feff}", "\u{a0}",
        ]));
    }
    let mut line = s.into_bytes();
    if rng.chance(3) {
        mutate(rng, &mut line);
    }
    line
}

/// Applies one to three random byte edits.
pub fn mutate(rng: &mut Rng, line: &mut Vec<u8>) {
    const ALPHABET: &[u8] =
        b"()[]'\"`\\-+.,_ xXeEpPoObB0123456789aAfFiINnT/*:\t\r\x00\xff\xc2\xa0\xef\xbb\xbf";
    for _ in 0..1 + rng.below(3) {
        let pos = if line.is_empty() {
            0
        } else {
            rng.index(line.len() + 1)
        };
        match rng.below(4) {
            0 if pos < line.len() => {
                line.remove(pos);
            }
            1 if pos < line.len() => line[pos] = rng.pick(ALPHABET),
            2 if pos < line.len() => {
                let end = (pos + 1 + rng.index(4)).min(line.len());
                let copy = line[pos..end].to_vec();
                line.splice(pos..pos, copy);
            }
            _ => line.insert(pos, rng.pick(ALPHABET)),
        }
    }
}

/// A whole random corpus file: header variants, line-end variants, blank lines.
pub fn random_file(rng: &mut Rng, line_source: &mut dyn FnMut(&mut Rng) -> Vec<u8>) -> Vec<u8> {
    let header: &[u8] = if rng.chance(12) {
        rng.pick(&[
            &b"go test fuzz v1\r"[..],
            b"go test fuzz v2",
            b" go test fuzz v1",
            b"go test fuzz v1 ",
            b"go test fuzz v1\r\r",
            b"",
            b"go test fuzz v1\xef\xbb\xbf",
        ])
    } else {
        b"go test fuzz v1"
    };
    let mut out = header.to_vec();
    let ends: [&[u8]; 8] = [
        b"\n",
        b"\n",
        b"\n",
        b"\r\n",
        b"\n\n",
        b"\n \t\n",
        b"\n\xc2\xa0\n",
        b"\n\xc2\x85",
    ];
    out.extend_from_slice(rng.pick(&ends));
    let lines = if rng.chance(10) { rng.below(4) } else { 1 };
    for i in 0..lines {
        if i > 0 {
            out.extend_from_slice(rng.pick(&ends));
        }
        out.extend_from_slice(&line_source(rng));
    }
    if !rng.chance(5) {
        out.extend_from_slice(rng.pick(&ends));
    }
    if rng.chance(200) {
        out.clear();
    } else if rng.chance(200) {
        out.retain(|&b| b != b'\n');
    }
    out
}

// ---------------------------------------------------------------------------------------
// Float literals at rounding boundaries: exact decimal expansions of the midpoints between
// adjacent floats (ties), nudged just above or below, in decimal and in hex.

/// Exact decimal digits and exponent of `m × 2^e` (value = digits × 10^exp).
fn exact_decimal(m: u64, e: i64) -> (String, i64) {
    // Little-endian base-10 digits.
    let mut digits: Vec<u8> = m.to_string().bytes().rev().map(|b| b - b'0').collect();
    let times = |digits: &mut Vec<u8>, k: u8| {
        let mut carry = 0u8;
        for d in digits.iter_mut() {
            let v = *d * k + carry;
            *d = v % 10;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push(carry % 10);
            carry /= 10;
        }
    };
    let exp10 = if e >= 0 {
        for _ in 0..e {
            times(&mut digits, 2);
        }
        0
    } else {
        // m / 2^k = m × 5^k / 10^k
        for _ in 0..-e {
            times(&mut digits, 5);
        }
        e
    };
    let text: String = digits.iter().rev().map(|&d| char::from(b'0' + d)).collect();
    (text, exp10)
}

/// A decimal or hex literal at (or within a hair of) the midpoint between two adjacent
/// floats of either width.
pub fn boundary_literal(rng: &mut Rng) -> (String, bool) {
    let wide = rng.chance(2);
    // Midpoint between x and its successor: (2·m + 1) × 2^(e − 1).
    let (m, e) = if wide {
        let bits = rng.next_u64() & 0x7fef_ffff_ffff_ffff;
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        if exp == 0 {
            (frac, -1074)
        } else {
            (frac | 1 << 52, exp - 1075)
        }
    } else {
        let bits = rng.next_u64() as u32 & 0x7f7f_ffff;
        let exp = i64::from((bits >> 23) & 0xff);
        let frac = u64::from(bits & ((1 << 23) - 1));
        if exp == 0 {
            (frac, -149)
        } else {
            (frac | 1 << 23, exp - 150)
        }
    };
    let (mid_m, mid_e) = (2 * m + 1, e - 1);
    if rng.chance(4) {
        let nudge = match rng.below(3) {
            0 => String::new(),
            1 => "0000000000000000000001".to_string(),
            _ => "fffffffffffffff".to_string(),
        };
        return (
            format!("0x{mid_m:x}{nudge}p{}", mid_e - 4 * nudge.len() as i64),
            wide,
        );
    }
    let (mut digits, mut exp10) = exact_decimal(mid_m, mid_e);
    match rng.below(4) {
        0 => {
            // Just above the midpoint.
            digits.push_str("000000000000000000000000001");
            exp10 -= 27;
        }
        1 if digits.len() > 1 => {
            // Just below: drop the last (non-zero) digit.
            digits.pop();
            exp10 += 1;
        }
        _ => {}
    }
    // Write it as d.ddd…e±x or as a plain integer with an exponent.
    let text = if rng.chance(2) {
        format!("{digits}e{exp10}")
    } else {
        let point = digits.len() as i64 - 1;
        format!("{}.{}e{}", &digits[..1], &digits[1..], exp10 + point)
    };
    (text, wide)
}
