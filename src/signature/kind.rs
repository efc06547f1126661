//! The 17 argument types a Go fuzz target may take, by their Go spelling.

use std::fmt;
use std::str::FromStr;

use crate::corpus::Value;

use super::error::{SignatureError, SignatureErrorKind};

/// One argument type of a Go fuzz target: one of the 17 types `testing.F.Fuzz` accepts.
///
/// Go has two pairs of identical types, `byte` = `uint8` and `rune` = `int32`. A `Kind` keeps
/// the spelling it was given (so a signature prints back as it was written or discovered),
/// and [`canonical`](Kind::canonical) maps the aliases to `uint8` and `int32` for comparing
/// types as Go does: a target declared with `byte` accepts a corpus line `byte(…)` and vice
/// versa, and so does one declared with `uint8`. The values the byte mapping makes carry the
/// kind's own spelling ([`Value::Byte`] for `byte`, [`Value::Uint8`] for `uint8`); the corpus
/// encoder writes both as Go writes them (`byte('…')`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `[]byte`.
    Bytes,
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `byte` (the same Go type as `uint8`).
    Byte,
    /// `rune` (the same Go type as `int32`).
    Rune,
    /// `int` (64 bits in the mapping and the corpus; a 32-bit Go target keeps the low half).
    Int,
    /// `int8`.
    Int8,
    /// `int16`.
    Int16,
    /// `int32` (the same Go type as `rune`).
    Int32,
    /// `int64`.
    Int64,
    /// `uint` (64 bits in the mapping and the corpus).
    Uint,
    /// `uint8` (the same Go type as `byte`).
    Uint8,
    /// `uint16`.
    Uint16,
    /// `uint32`.
    Uint32,
    /// `uint64`.
    Uint64,
    /// `float32`.
    Float32,
    /// `float64`.
    Float64,
}

impl Kind {
    /// All 17 kinds, in the order Go's documentation lists them.
    pub const ALL: [Kind; 17] = [
        Kind::Bytes,
        Kind::String,
        Kind::Bool,
        Kind::Byte,
        Kind::Rune,
        Kind::Int,
        Kind::Int8,
        Kind::Int16,
        Kind::Int32,
        Kind::Int64,
        Kind::Uint,
        Kind::Uint8,
        Kind::Uint16,
        Kind::Uint32,
        Kind::Uint64,
        Kind::Float32,
        Kind::Float64,
    ];

    /// The Go spelling: `[]byte`, `string`, `bool`, `byte`, `rune`, `int`, … `float64`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bytes => "[]byte",
            Kind::String => "string",
            Kind::Bool => "bool",
            Kind::Byte => "byte",
            Kind::Rune => "rune",
            Kind::Int => "int",
            Kind::Int8 => "int8",
            Kind::Int16 => "int16",
            Kind::Int32 => "int32",
            Kind::Int64 => "int64",
            Kind::Uint => "uint",
            Kind::Uint8 => "uint8",
            Kind::Uint16 => "uint16",
            Kind::Uint32 => "uint32",
            Kind::Uint64 => "uint64",
            Kind::Float32 => "float32",
            Kind::Float64 => "float64",
        }
    }

    /// The kind as Go's type identity sees it: `byte` is `uint8`, `rune` is `int32`, every
    /// other kind is itself.
    pub fn canonical(self) -> Kind {
        match self {
            Kind::Byte => Kind::Uint8,
            Kind::Rune => Kind::Int32,
            other => other,
        }
    }

    /// The Go type name at run time (`reflect.Type.String()`, what Go's error messages
    /// print): `[]uint8` for `[]byte`, `uint8` for `byte`, `int32` for `rune`, else
    /// [`name`](Kind::name).
    pub fn go_type(self) -> &'static str {
        match self {
            Kind::Bytes => "[]uint8",
            other => other.canonical().name(),
        }
    }

    /// The kind of a value, in the value's spelling.
    pub fn of(value: &Value) -> Kind {
        match value {
            Value::Bytes(_) => Kind::Bytes,
            Value::String(_) => Kind::String,
            Value::Bool(_) => Kind::Bool,
            Value::Byte(_) => Kind::Byte,
            Value::Rune(_) => Kind::Rune,
            Value::Int(_) => Kind::Int,
            Value::Int8(_) => Kind::Int8,
            Value::Int16(_) => Kind::Int16,
            Value::Int32(_) => Kind::Int32,
            Value::Int64(_) => Kind::Int64,
            Value::Uint(_) => Kind::Uint,
            Value::Uint8(_) => Kind::Uint8,
            Value::Uint16(_) => Kind::Uint16,
            Value::Uint32(_) => Kind::Uint32,
            Value::Uint64(_) => Kind::Uint64,
            Value::Float32(_) => Kind::Float32,
            Value::Float64(_) => Kind::Float64,
        }
    }

    /// Whether a value fits this kind as Go's `testing` package checks a corpus entry against
    /// a fuzz target: the same Go type, aliases being identical.
    pub fn accepts(self, value: &Value) -> bool {
        Kind::of(value).canonical() == self.canonical()
    }

    /// Bytes a value of this kind takes in the byte mapping: `Some(width)` for the
    /// fixed-width kinds (1 for `bool`, `byte`, `int8`, `uint8`; 2, 4 or 8 for the others by
    /// their size, with `int` and `uint` as 8), `None` for `[]byte` and `string`.
    pub fn width(self) -> Option<usize> {
        match self {
            Kind::Bytes | Kind::String => None,
            Kind::Bool | Kind::Byte | Kind::Int8 | Kind::Uint8 => Some(1),
            Kind::Int16 | Kind::Uint16 => Some(2),
            Kind::Rune | Kind::Int32 | Kind::Uint32 | Kind::Float32 => Some(4),
            Kind::Int | Kind::Int64 | Kind::Uint | Kind::Uint64 | Kind::Float64 => Some(8),
        }
    }

    /// Whether values of this kind have a variable length (`[]byte`, `string`).
    pub fn is_variable(self) -> bool {
        self.width().is_none()
    }

    /// Go's zero value of the kind (empty, `false`, 0, `+0.0`), in the kind's spelling.
    pub fn zero(self) -> Value {
        match self {
            Kind::Bytes => Value::Bytes(Vec::new()),
            Kind::String => Value::String(Vec::new()),
            Kind::Bool => Value::Bool(false),
            Kind::Byte => Value::Byte(0),
            Kind::Rune => Value::Rune(0),
            Kind::Int => Value::Int(0),
            Kind::Int8 => Value::Int8(0),
            Kind::Int16 => Value::Int16(0),
            Kind::Int32 => Value::Int32(0),
            Kind::Int64 => Value::Int64(0),
            Kind::Uint => Value::Uint(0),
            Kind::Uint8 => Value::Uint8(0),
            Kind::Uint16 => Value::Uint16(0),
            Kind::Uint32 => Value::Uint32(0),
            Kind::Uint64 => Value::Uint64(0),
            Kind::Float32 => Value::Float32(0.0),
            Kind::Float64 => Value::Float64(0.0),
        }
    }
}

/// Shows the Go spelling ([`Kind::name`]).
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses the Go spelling of one of the 17 types (exact, no surrounding spaces). `[]uint8`,
/// the same Go type as `[]byte` and how Go's messages print it, is read as [`Kind::Bytes`].
impl FromStr for Kind {
    type Err = SignatureError;

    fn from_str(name: &str) -> Result<Kind, SignatureError> {
        if name == "[]uint8" {
            return Ok(Kind::Bytes);
        }
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                SignatureError::new(
                    SignatureErrorKind::Parse,
                    format!(
                        "{name:?} is not a type a Go fuzz target can take (one of []byte, \
                         string, bool, byte, rune, int, int8, int16, int32, int64, uint, \
                         uint8, uint16, uint32, uint64, float32, float64)"
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn every_kind_parses_its_own_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>().unwrap(), kind);
            assert_eq!(kind.to_string(), kind.name());
            assert_eq!(Kind::of(&kind.zero()), kind);
            assert!(kind.accepts(&kind.zero()));
        }
        assert!("uintptr".parse::<Kind>().is_err());
        assert!(" int".parse::<Kind>().is_err());
        assert_eq!("[]uint8".parse::<Kind>().unwrap(), Kind::Bytes);
        assert!("[]int8".parse::<Kind>().is_err());
    }

    #[test]
    fn aliases_are_the_same_go_type() {
        assert!(Kind::Byte.accepts(&Kind::Uint8.zero()));
        assert!(Kind::Uint8.accepts(&Kind::Byte.zero()));
        assert!(Kind::Rune.accepts(&Kind::Int32.zero()));
        assert!(!Kind::Int.accepts(&Kind::Int64.zero()));
        assert!(!Kind::String.accepts(&Kind::Bytes.zero()));
        assert_eq!(Kind::Byte.go_type(), "uint8");
        assert_eq!(Kind::Rune.go_type(), "int32");
        assert_eq!(Kind::Bytes.go_type(), "[]uint8");
    }
}
