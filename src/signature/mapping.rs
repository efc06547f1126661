//! The byte mapping, version 1: any byte string to values of a signature, and back.
//!
//! Layout of an input for a signature with fixed-width values `f1 … fk` and variable-length
//! values (`[]byte`, `string`) `v1 … vm`, each group in signature order:
//!
//! ```text
//! [ f1 | f2 | … | fk ][ v1 ] SEP [ v2 ] SEP … SEP [ vm ]
//!  └─ header: each value's width, little-endian ─┘└─ body: the rest of the input ─┘
//! ```
//!
//! - Header: `bool` is the low bit of one byte; `byte`, `uint8`, `int8` one byte; 16-, 32-
//!   and 64-bit integers (`int` and `uint` as 64) and floats (their IEEE bits) are 2, 4 or 8
//!   bytes little-endian. Bytes past the end of a short input read as zero.
//! - Body: everything after the header. It is split at the first `m - 1` occurrences of
//!   [`SEPARATOR`]; piece `j` is `v(j+1)`, the last value takes the rest, separators and all,
//!   and values with no piece left are empty. With `m = 1` the body is the value; with
//!   `m = 0` the body is ignored.
//! - A lone `[]byte` or `string` therefore gets the input unchanged (no header, no split).
//!
//! Why this shape: engines mutate by overwriting, inserting, deleting and splicing bytes, and
//! replace comparison operands they find in the input (libFuzzer's table of recent compares,
//! AFL++'s RedQueen, LibAFL's I2S). Fixed-width values sit at fixed offsets whatever the
//! length of the variable-length ones, so inserting into or deleting from a string never
//! changes a number, and a number compared against a constant is in the input as its
//! little-endian bytes, where an input-to-state replacement writes the other operand in
//! place. Variable-length values are delimited by a separator rather than by length fields,
//! so an insertion, deletion or a length-changing replacement inside one value changes that
//! value only; with length fields it would move bytes into the neighbours. The separator is
//! four bytes that are not UTF-8, not ASCII text and not one of the engines' "interesting"
//! integers, so random mutations rarely make or break one; an engine can learn it from a
//! dictionary entry or from seeds made by the inverse.

use crate::corpus::Value;

use super::error::{SignatureError, SignatureErrorKind};
use super::kind::Kind;

/// The version of the byte mapping. Inputs an engine saved (its corpus, its crashers) mean
/// the same values only under the same version; it changes whenever any byte string would
/// map to other values.
pub const MAPPING_VERSION: u32 = 1;

/// What separates two variable-length values (`[]byte`, `string`) in the body of an input:
/// `fe 47 4f ff` (`"\xfeGO\xff"`). It has no proper prefix that is also a suffix, so a value
/// followed by the separator is never split early.
pub const SEPARATOR: [u8; 4] = [0xfe, b'G', b'O', 0xff];

/// Reads `N` bytes at `offset`, zero-padded past the end of `data`.
fn field<const N: usize>(data: &[u8], offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(present) = data.get(offset..) {
        let n = N.min(present.len());
        out[..n].copy_from_slice(&present[..n]);
    }
    out
}

/// The value of a fixed-width kind from its header bytes (zero-padded).
fn scalar(kind: Kind, data: &[u8], at: usize) -> Value {
    match kind {
        Kind::Bool => Value::Bool(field::<1>(data, at)[0] & 1 == 1),
        Kind::Byte => Value::Byte(field::<1>(data, at)[0]),
        Kind::Uint8 => Value::Uint8(field::<1>(data, at)[0]),
        Kind::Int8 => Value::Int8(i8::from_le_bytes(field(data, at))),
        Kind::Int16 => Value::Int16(i16::from_le_bytes(field(data, at))),
        Kind::Uint16 => Value::Uint16(u16::from_le_bytes(field(data, at))),
        Kind::Rune => Value::Rune(i32::from_le_bytes(field(data, at))),
        Kind::Int32 => Value::Int32(i32::from_le_bytes(field(data, at))),
        Kind::Uint32 => Value::Uint32(u32::from_le_bytes(field(data, at))),
        Kind::Float32 => Value::Float32(f32::from_bits(u32::from_le_bytes(field(data, at)))),
        Kind::Int => Value::Int(i64::from_le_bytes(field(data, at))),
        Kind::Int64 => Value::Int64(i64::from_le_bytes(field(data, at))),
        Kind::Uint => Value::Uint(u64::from_le_bytes(field(data, at))),
        Kind::Uint64 => Value::Uint64(u64::from_le_bytes(field(data, at))),
        Kind::Float64 => Value::Float64(f64::from_bits(u64::from_le_bytes(field(data, at)))),
        Kind::Bytes | Kind::String => unreachable!("variable-length kinds have no header field"),
    }
}

/// Appends the header bytes of a fixed-width value (the inverse of [`scalar`]).
fn put_scalar(value: &Value, out: &mut Vec<u8>) {
    match *value {
        Value::Bool(b) => out.push(u8::from(b)),
        Value::Byte(x) | Value::Uint8(x) => out.push(x),
        Value::Int8(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Int16(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Uint16(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Rune(x) | Value::Int32(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Uint32(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Float32(x) => out.extend_from_slice(&x.to_bits().to_le_bytes()),
        Value::Int(x) | Value::Int64(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Uint(x) | Value::Uint64(x) => out.extend_from_slice(&x.to_le_bytes()),
        Value::Float64(x) => out.extend_from_slice(&x.to_bits().to_le_bytes()),
        Value::Bytes(_) | Value::String(_) => {
            unreachable!("variable-length values are in the body")
        }
    }
}

/// Where `SEPARATOR` first occurs in `data`.
fn find_separator(data: &[u8]) -> Option<usize> {
    data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR)
}

/// The header's length: the sum of the fixed-width kinds' widths.
pub(crate) fn header_len(kinds: &[Kind]) -> usize {
    kinds.iter().filter_map(|k| k.width()).sum()
}

/// Splits the body into `m` pieces as the mapping defines: their ranges in `body`.
fn split_ranges(body: &[u8], m: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::with_capacity(m);
    let mut start = 0;
    for _ in 1..m {
        match find_separator(&body[start..]) {
            Some(at) => {
                ranges.push(start..start + at);
                start += at + SEPARATOR.len();
            }
            None => {
                ranges.push(start..body.len());
                start = body.len();
            }
        }
    }
    if m > 0 {
        ranges.push(start..body.len());
    }
    ranges
}

/// Splits the body into `m` pieces as the mapping defines.
fn split_body(body: &[u8], m: usize) -> Vec<&[u8]> {
    split_ranges(body, m)
        .into_iter()
        .map(|r| &body[r])
        .collect()
}

/// The values of `kinds` that `data` maps to. Total and deterministic.
pub(crate) fn values_from_bytes(kinds: &[Kind], data: &[u8]) -> Vec<Value> {
    let header = header_len(kinds);
    let body = data.get(header..).unwrap_or_default();
    let variable = kinds.iter().filter(|k| k.is_variable()).count();
    let mut pieces = split_body(body, variable).into_iter();
    let mut offset = 0;
    kinds
        .iter()
        .map(|&kind| match kind {
            Kind::Bytes => Value::Bytes(pieces.next().unwrap_or_default().to_vec()),
            Kind::String => Value::String(pieces.next().unwrap_or_default().to_vec()),
            _ => {
                let value = scalar(kind, data, offset);
                offset += kind.width().unwrap_or(0);
                value
            }
        })
        .collect()
}

/// Where each value of `kinds` comes from in `data`: its byte range, in signature order. A
/// fixed-width value's range is its header field, which may reach past the end of a short
/// input (those bytes read as zero); a variable-length value's range is its piece of the body
/// (empty at the end of the input when its piece is missing).
pub(crate) fn spans(kinds: &[Kind], data: &[u8]) -> Vec<std::ops::Range<usize>> {
    let header = header_len(kinds);
    let body = data.get(header..).unwrap_or_default();
    let variable = kinds.iter().filter(|k| k.is_variable()).count();
    let base = header.min(data.len());
    let mut pieces = split_ranges(body, variable)
        .into_iter()
        .map(|r| base + r.start..base + r.end);
    let mut offset = 0;
    kinds
        .iter()
        .map(|kind| match kind.width() {
            Some(width) => {
                offset += width;
                offset - width..offset
            }
            None => pieces.next().unwrap_or(data.len()..data.len()),
        })
        .collect()
}

/// The canonical input for `values` (already checked against `kinds`): every separator
/// present, booleans as 0 or 1. Fails when a variable-length value other than the last
/// contains the separator.
pub(crate) fn bytes_from_values(
    kinds: &[Kind],
    values: &[Value],
) -> Result<Vec<u8>, SignatureError> {
    let mut out = Vec::with_capacity(header_len(kinds));
    let mut variable = Vec::new();
    for (index, value) in values.iter().enumerate() {
        match value {
            Value::Bytes(b) | Value::String(b) => variable.push((index, b)),
            scalar => put_scalar(scalar, &mut out),
        }
    }
    let last = variable.len().saturating_sub(1);
    for (position, (index, bytes)) in variable.into_iter().enumerate() {
        if position < last && find_separator(bytes).is_some() {
            return Err(SignatureError::new(
                SignatureErrorKind::NoInverse,
                format!(
                    "value {index} ({}) contains the separator \"\\xfeGO\\xff\", which only the \
                     last []byte or string value of a byte-mapped input may hold",
                    Kind::of(&values[index])
                ),
            ));
        }
        if position > 0 {
            out.extend_from_slice(&SEPARATOR);
        }
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_has_no_border() {
        for k in 1..SEPARATOR.len() {
            assert_ne!(SEPARATOR[..k], SEPARATOR[SEPARATOR.len() - k..]);
        }
    }

    #[test]
    fn split_body_fills_missing_pieces_with_empty() {
        let sep = |parts: &[&[u8]]| parts.join(&SEPARATOR[..]);
        assert_eq!(split_body(b"", 0), Vec::<&[u8]>::new());
        assert_eq!(split_body(b"", 3), vec![b"" as &[u8]; 3]);
        assert_eq!(split_body(b"ab", 2), vec![b"ab" as &[u8], b""]);
        let body = sep(&[b"a", b"", b"c", b"d"]);
        assert_eq!(
            split_body(&body, 3),
            vec![b"a" as &[u8], b"", &sep(&[b"c", b"d"])[..]]
        );
    }
}
