//! Writing corpus entries exactly as Go's `go test -fuzz` writes them.
//!
//! Each value becomes one line `type(literal)`, in our words:
//! - integers and bools: the type name and the decimal value / `true` / `false`;
//! - `uint8` values are written as `byte('c')` and `int32` values as `rune('c')`, with the
//!   character quoted like `strconv.QuoteRune`; an `int32` that is not a valid Unicode scalar
//!   value (negative, a surrogate, above U+10FFFF) is written `int32(N)`;
//! - strings and byte slices: `string("…")` / `[]byte("…")`, quoted like `strconv.Quote`;
//! - floats: Go's `%v` text (shortest round-trip digits, `+Inf`, `-Inf`, `-0`); `NaN` only for
//!   Go's own NaN bits, any other NaN as `math.Float64frombits(0x…)` /
//!   `math.Float32frombits(0x…)` with lowercase hex digits and no padding.

use super::float_format::{format_f32, format_f64};
use super::quote::{quote_bytes, quote_char};
use super::value::Value;
use super::{GO_NAN_F32_BITS, GO_NAN_F64_BITS, VERSION_LINE};

/// Appends `type(literal)` for one value (no newline).
fn call(out: &mut Vec<u8>, type_name: &str, literal: &str) {
    out.extend_from_slice(type_name.as_bytes());
    out.push(b'(');
    out.extend_from_slice(literal.as_bytes());
    out.push(b')');
}

/// Appends a rune value: a quoted character when it is a valid scalar value, else `int32(N)`.
fn rune_line(out: &mut Vec<u8>, r: i32) {
    match u32::try_from(r).ok().and_then(char::from_u32) {
        Some(c) => {
            out.extend_from_slice(b"rune(");
            quote_char(out, c);
            out.push(b')');
        }
        None => call(out, "int32", &r.to_string()),
    }
}

/// Appends a byte value as a quoted character (the byte as code point U+0000..U+00FF).
fn byte_line(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(b"byte(");
    quote_char(out, char::from(b));
    out.push(b')');
}

/// Appends the line for one value, without the newline.
pub(crate) fn encode_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Bytes(b) => {
            out.extend_from_slice(b"[]byte(");
            quote_bytes(out, b);
            out.push(b')');
        }
        Value::String(s) => {
            out.extend_from_slice(b"string(");
            quote_bytes(out, s);
            out.push(b')');
        }
        Value::Bool(v) => call(out, "bool", if *v { "true" } else { "false" }),
        Value::Byte(b) | Value::Uint8(b) => byte_line(out, *b),
        Value::Rune(r) | Value::Int32(r) => rune_line(out, *r),
        Value::Int(v) => call(out, "int", &v.to_string()),
        Value::Int8(v) => call(out, "int8", &v.to_string()),
        Value::Int16(v) => call(out, "int16", &v.to_string()),
        Value::Int64(v) => call(out, "int64", &v.to_string()),
        Value::Uint(v) => call(out, "uint", &v.to_string()),
        Value::Uint16(v) => call(out, "uint16", &v.to_string()),
        Value::Uint32(v) => call(out, "uint32", &v.to_string()),
        Value::Uint64(v) => call(out, "uint64", &v.to_string()),
        Value::Float32(f) => {
            let bits = f.to_bits();
            if f.is_nan() && bits != GO_NAN_F32_BITS {
                call(out, "math.Float32frombits", &format!("0x{bits:x}"));
            } else {
                let mut text = String::new();
                format_f32(&mut text, *f);
                call(out, "float32", &text);
            }
        }
        Value::Float64(f) => {
            let bits = f.to_bits();
            if f.is_nan() && bits != GO_NAN_F64_BITS {
                call(out, "math.Float64frombits", &format!("0x{bits:x}"));
            } else {
                let mut text = String::new();
                format_f64(&mut text, *f);
                call(out, "float64", &text);
            }
        }
    }
}

/// Encodes `values` as a `go test fuzz v1` corpus entry, byte for byte as Go's fuzzing engine
/// writes it (in `testdata/fuzz/…`, in its cache, and into a worker's shared memory): the
/// version line, then one line per value, each ending in `\n`.
///
/// Go itself refuses to encode zero values; here an empty slice gives just the version line,
/// which [`decode`](super::decode) reads back as an empty list.
///
/// `Value::Uint8` is written `byte(…)` and `Value::Int32` is written `rune(…)` (or
/// `int32(…)` when it is not a valid rune), as Go does; see [`Value::normalized`].
///
/// # Example
///
/// ```
/// use gofuzz_shm::corpus::{encode, Value};
///
/// let entry = encode(&[
///     Value::Bytes(b"hello\x00".to_vec()),
///     Value::Int(-5),
///     Value::Byte(0xff),
///     Value::Rune(0x200b),
///     Value::Float64(1e21),
///     Value::Float32(f32::from_bits(0x7fc0_0001)),
/// ]);
/// assert_eq!(
///     String::from_utf8(entry).unwrap(),
///     "go test fuzz v1\n\
///      []byte(\"hello\\x00\")\n\
///      int(-5)\n\
///      byte('ÿ')\n\
///      rune('\\u200b')\n\
///      float64(1e+21)\n\
///      math.Float32frombits(0x7fc00001)\n"
/// );
/// ```
pub fn encode(values: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(VERSION_LINE.len() + 1 + 16 * values.len());
    out.extend_from_slice(VERSION_LINE.as_bytes());
    out.push(b'\n');
    for value in values {
        encode_value(value, &mut out);
        out.push(b'\n');
    }
    out
}
