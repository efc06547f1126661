//! The error [`decode`](super::decode) returns.

use std::error::Error;
use std::fmt;

use super::quote::quote_bytes;
use super::unicode::decode_first;

/// Why a corpus entry could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input is empty.
    Empty,
    /// The input has no newline, so it cannot hold the version line and a value line.
    NoNewline,
    /// The first line is not `go test fuzz v1` (a trailing `\r` aside).
    UnknownVersion,
    /// The line is not a Go expression of the form `type(literal)`: a lexical error (invalid
    /// UTF-8, bad escape, unterminated literal, bad number, …) or a grammar error. The text
    /// says what was wrong.
    Syntax(&'static str),
    /// The line calls something that is not one of the supported types (e.g. `uintptr(1)`,
    /// `[]int8("")`, `math.Sqrt(2)`).
    UnsupportedType,
    /// The literal is not of a kind this type accepts (e.g. `uint8('A')`, `int(1.5)`,
    /// `float64(0x10)`, `bool(1)`, `uint(-1)`). The text says what was expected.
    WrongLiteral(&'static str),
    /// The literal's value does not fit the type (e.g. `int8(128)`, `byte('Ā')`,
    /// `float32(1e39)`).
    OutOfRange,
}

/// A corpus entry Go would refuse, with the (1-based) line at fault.
///
/// The version line is line 1 and the first value is on line 2. Errors about the input as a
/// whole ([`DecodeErrorKind::Empty`], [`DecodeErrorKind::NoNewline`]) report line 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    line: usize,
    kind: DecodeErrorKind,
    excerpt: String,
    /// The line is longer than the excerpt.
    cut: bool,
}

/// Longest excerpt of the offending line kept in an error, in characters.
const EXCERPT_CHARS: usize = 60;

impl DecodeError {
    pub(crate) fn new(line: usize, kind: DecodeErrorKind, text: &[u8]) -> DecodeError {
        // The first EXCERPT_CHARS characters; a byte that starts no valid UTF-8 sequence
        // counts as one.
        let (mut taken, mut chars) = (0, 0);
        while chars < EXCERPT_CHARS && taken < text.len() {
            taken += decode_first(&text[taken..]).map_or(1, |(_, len)| len);
            chars += 1;
        }
        // Quoted as Go quotes (`%q`, as Go's own messages about a corpus line do): raw bytes
        // show as `\x89`, not as U+FFFD. The enclosing quotes are Display's.
        let mut quoted = Vec::with_capacity(taken + 2);
        quote_bytes(&mut quoted, &text[..taken]);
        let inner = &quoted[1..quoted.len() - 1];
        DecodeError {
            line,
            kind,
            excerpt: String::from_utf8_lossy(inner).into_owned(),
            cut: taken < text.len(),
        }
    }

    /// The 1-based line number at fault.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What was wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// The start of the offending line (at most 60 characters), escaped as inside a Go string
    /// literal (`strconv.Quote` without the quotes): a byte that is not valid UTF-8 is `\x89`,
    /// a quote `\"`, a non-printable character `\n`, `\x00` or `\u200b`.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::Empty => f.write_str("empty input"),
            DecodeErrorKind::NoNewline => {
                f.write_str("no newline: a version line and at least one value line are needed")
            }
            DecodeErrorKind::UnknownVersion => {
                f.write_str("unknown encoding version (want \"go test fuzz v1\")")
            }
            DecodeErrorKind::Syntax(what) => write!(f, "syntax error: {what}"),
            DecodeErrorKind::UnsupportedType => {
                f.write_str("not one of the supported types ([]byte, string, bool, byte, rune, int…, uint…, float32, float64, math.Float32frombits, math.Float64frombits)")
            }
            DecodeErrorKind::WrongLiteral(what) => f.write_str(what),
            DecodeErrorKind::OutOfRange => f.write_str("value out of range for the type"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corpus line {}: {}", self.line, self.kind)?;
        if !self.excerpt.is_empty() {
            write!(
                f,
                " in \"{}\"{}",
                self.excerpt,
                if self.cut { "…" } else { "" }
            )?;
        }
        Ok(())
    }
}

impl Error for DecodeError {}
