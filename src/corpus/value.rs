//! The values a Go fuzz target can take, one variant per Go type the corpus format names.

use std::fmt;

/// One argument of a Go fuzz target: a value of one of the 17 types `testing.F.Fuzz`
/// accepts, as it appears in a `go test fuzz v1` corpus entry.
///
/// Strings are kept as bytes because a Go `string` may hold any bytes, not only UTF-8.
///
/// Go has two pairs of identical types: `byte` is `uint8` and `rune` is `int32`. The variants
/// [`Value::Byte`] / [`Value::Uint8`] and [`Value::Rune`] / [`Value::Int32`] remember which
/// spelling a decoded line used, and a Go fuzz target accepts either spelling for either
/// parameter type. Go's own encoder only ever writes `byte(…)` for `uint8` and `rune(…)` (or
/// `int32(…)` for a value that is not a valid rune) for `int32`; [`encode`](super::encode)
/// does the same, so encoding then decoding gives back the [`Value::normalized`] values.
///
/// `Int` and `Uint` hold Go's pointer-sized `int` and `uint` in 64 bits. Go's decoder checks
/// `int(…)`/`uint(…)` literals against the 64-bit range on every platform, and a 32-bit Go
/// target then silently keeps the low 32 bits (observed with GOARCH=386:
/// `int(9223372036854775807)` arrives as `-1`). [`decode`](super::decode) does the same
/// 64-bit check, so it accepts exactly what Go accepts on any platform; what a 32-bit target
/// receives is `v as i32` / `v as u32`.
///
/// Equality (`==`) compares floats by their bits: `NaN == NaN` when the payloads match, and
/// `0.0 != -0.0`. Variants must match too (`Byte(1) != Uint8(1)`; compare
/// [`normalized`](Value::normalized) values to treat Go's identical types as equal).
#[derive(Debug, Clone)]
pub enum Value {
    /// `[]byte`.
    Bytes(Vec<u8>),
    /// `string` (any bytes, not necessarily UTF-8).
    String(Vec<u8>),
    /// `bool`.
    Bool(bool),
    /// `byte` (the same Go type as `uint8`).
    Byte(u8),
    /// `rune` (the same Go type as `int32`); any `i32`, valid code point or not.
    Rune(i32),
    /// `int` (pointer-sized in Go; see the type-level docs).
    Int(i64),
    /// `int8`.
    Int8(i8),
    /// `int16`.
    Int16(i16),
    /// `int32` (the same Go type as `rune`).
    Int32(i32),
    /// `int64`.
    Int64(i64),
    /// `uint` (pointer-sized in Go; see the type-level docs).
    Uint(u64),
    /// `uint8` (the same Go type as `byte`).
    Uint8(u8),
    /// `uint16`.
    Uint16(u16),
    /// `uint32`.
    Uint32(u32),
    /// `uint64`.
    Uint64(u64),
    /// `float32`, any bit pattern.
    Float32(f32),
    /// `float64`, any bit pattern.
    Float64(f64),
}

impl Value {
    /// The type name as a corpus line spells it: `[]byte`, `string`, `bool`, `byte`, `rune`,
    /// `int`, … `float64`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bytes(_) => "[]byte",
            Value::String(_) => "string",
            Value::Bool(_) => "bool",
            Value::Byte(_) => "byte",
            Value::Rune(_) => "rune",
            Value::Int(_) => "int",
            Value::Int8(_) => "int8",
            Value::Int16(_) => "int16",
            Value::Int32(_) => "int32",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint",
            Value::Uint8(_) => "uint8",
            Value::Uint16(_) => "uint16",
            Value::Uint32(_) => "uint32",
            Value::Uint64(_) => "uint64",
            Value::Float32(_) => "float32",
            Value::Float64(_) => "float64",
        }
    }

    /// The name of the Go type the value has at run time (`reflect.Type.String()`): like
    /// [`type_name`](Value::type_name) except that `byte` is `uint8` and `rune` is `int32`.
    pub fn go_type(&self) -> &'static str {
        match self {
            Value::Byte(_) => "uint8",
            Value::Rune(_) => "int32",
            other => other.type_name(),
        }
    }

    /// The same value spelled the way Go's encoder spells it, which is what decoding an
    /// encoded value gives back: [`Value::Uint8`] becomes [`Value::Byte`], and an `int32`
    /// ([`Value::Int32`] or [`Value::Rune`]) becomes [`Value::Rune`] when it is a valid
    /// Unicode scalar value (written as a character literal) and [`Value::Int32`] otherwise
    /// (written as `int32(N)`). Every other value is unchanged.
    ///
    /// ```
    /// use gofuzz_shm::corpus::{decode, encode, Value};
    /// let v = [Value::Uint8(7), Value::Int32(0x41), Value::Rune(-1)];
    /// let back = decode(&encode(&v)).unwrap();
    /// assert_eq!(back, vec![Value::Byte(7), Value::Rune(0x41), Value::Int32(-1)]);
    /// assert_eq!(back, v.iter().map(Value::normalized).collect::<Vec<_>>());
    /// ```
    pub fn normalized(&self) -> Value {
        match *self {
            Value::Uint8(b) => Value::Byte(b),
            Value::Int32(r) | Value::Rune(r) => {
                if u32::try_from(r).ok().and_then(char::from_u32).is_some() {
                    Value::Rune(r)
                } else {
                    Value::Int32(r)
                }
            }
            ref other => other.clone(),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Bytes(a), Bytes(b)) | (String(a), String(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (Byte(a), Byte(b)) | (Uint8(a), Uint8(b)) => a == b,
            (Rune(a), Rune(b)) | (Int32(a), Int32(b)) => a == b,
            (Int(a), Int(b)) | (Int64(a), Int64(b)) => a == b,
            (Int8(a), Int8(b)) => a == b,
            (Int16(a), Int16(b)) => a == b,
            (Uint(a), Uint(b)) | (Uint64(a), Uint64(b)) => a == b,
            (Uint16(a), Uint16(b)) => a == b,
            (Uint32(a), Uint32(b)) => a == b,
            (Float32(a), Float32(b)) => a.to_bits() == b.to_bits(),
            (Float64(a), Float64(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl Eq for Value {}

/// Shows the value as the corpus line [`encode`](super::encode) writes for it, without the
/// newline, e.g. `int8(-5)` or `string("a\x00")`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = Vec::new();
        super::encode::encode_value(self, &mut line);
        f.write_str(&String::from_utf8_lossy(&line))
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    #[test]
    fn equality_is_bitwise_and_per_variant() {
        assert_eq!(Value::Float64(f64::NAN), Value::Float64(f64::NAN));
        assert_ne!(
            Value::Float64(f64::NAN),
            Value::Float64(f64::from_bits(0x7ff8_0000_0000_0001))
        );
        assert_ne!(Value::Float32(0.0), Value::Float32(-0.0));
        assert_ne!(Value::Byte(1), Value::Uint8(1));
        assert_ne!(Value::Int(1), Value::Int64(1));
        assert_eq!(Value::Uint8(1).normalized(), Value::Byte(1));
        assert_eq!(Value::Int32(9).normalized(), Value::Rune(9));
        assert_eq!(Value::Rune(0xd800).normalized(), Value::Int32(0xd800));
        assert_eq!(Value::Rune(-1).normalized(), Value::Int32(-1));
        assert_eq!(Value::Rune(9).go_type(), "int32");
        assert_eq!(Value::Byte(9).type_name(), "byte");
    }

    #[test]
    fn display_is_the_corpus_line() {
        assert_eq!(Value::Int8(-5).to_string(), "int8(-5)");
        assert_eq!(
            Value::String(b"a\x00".to_vec()).to_string(),
            r#"string("a\x00")"#
        );
    }
}
