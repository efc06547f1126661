//! Reading corpus entries as Go's fuzzing engine reads them (`go test` replaying
//! `testdata/fuzz/…`, a worker reading its shared memory).
//!
//! File-level rules, in our words: the input is split at every `\n`; the first piece, minus
//! one trailing `\r`, must be exactly `go test fuzz v1`, and there must be at least one `\n`.
//! Every later piece is trimmed of Unicode white space at both ends (so `\r\n` line ends work)
//! and skipped when empty; every other piece is one value.

use super::error::{DecodeError, DecodeErrorKind};
use super::line::parse_line;
use super::unicode::trim_space;
use super::value::Value;
use super::VERSION_LINE;

/// Decodes a `go test fuzz v1` corpus entry into its values, accepting exactly the inputs
/// Go's decoder accepts (every literal form, escape, comment and spacing the Go parser
/// allows in that position) and refusing the others with the line at fault.
///
/// The result may be empty (an entry holding only the version line); whether the number and
/// types of the values fit a particular fuzz target is for the caller to check, as Go does
/// in a separate step. `byte`/`uint8` and `rune`/`int32` keep the spelling the line used;
/// see [`Value::normalized`].
///
/// Decoding never panics, whatever the input, and uses memory proportional to the input.
///
/// # Example
///
/// ```
/// use gofuzz_shm::corpus::{decode, DecodeErrorKind, Value};
///
/// let values = decode(b"go test fuzz v1\r\n[]byte(`raw`)\r\nint(-0x10)\nfloat64(NaN)\n").unwrap();
/// assert_eq!(values[0], Value::Bytes(b"raw".to_vec()));
/// assert_eq!(values[1], Value::Int(-16));
/// assert_eq!(values[2], Value::Float64(f64::from_bits(0x7ff8_0000_0000_0001)));
///
/// let err = decode(b"go test fuzz v1\nbyte('a')\nuint8('A')\n").unwrap_err();
/// assert_eq!(err.line(), 3);
/// assert!(matches!(err.kind(), DecodeErrorKind::WrongLiteral(_)));
/// ```
pub fn decode(data: &[u8]) -> Result<Vec<Value>, DecodeError> {
    if data.is_empty() {
        return Err(DecodeError::new(1, DecodeErrorKind::Empty, b""));
    }
    let mut lines = data.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    if first.len() == data.len() {
        return Err(DecodeError::new(1, DecodeErrorKind::NoNewline, first));
    }
    let version = first.strip_suffix(b"\r").unwrap_or(first);
    if version != VERSION_LINE.as_bytes() {
        return Err(DecodeError::new(1, DecodeErrorKind::UnknownVersion, first));
    }
    let mut values = Vec::new();
    for (index, raw) in lines.enumerate() {
        let line = trim_space(raw);
        if line.is_empty() {
            continue;
        }
        let value = parse_line(line).map_err(|kind| DecodeError::new(index + 2, kind, line))?;
        values.push(value);
    }
    Ok(values)
}
