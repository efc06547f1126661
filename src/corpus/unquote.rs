//! Reading the body of Go string and rune literals: the escape sequences Go's scanner and
//! `strconv.Unquote` accept.
//!
//! After a backslash Go accepts, in our words:
//! - `a b f n r t v \` — the usual control characters and the backslash;
//! - the literal's own quote (`\"` only in strings, `\'` only in rune literals);
//! - exactly three octal digits, at most `\377` — one byte;
//! - `x` and exactly two hex digits — one byte;
//! - `u` and four, or `U` and eight, hex digits — a Unicode scalar value (no surrogates,
//!   at most U+10FFFF), written as UTF-8 in a string.

/// What one character or escape of a literal stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A single byte (`\xNN`, `\NNN`): in a string it is that byte, not a code point.
    Byte(u8),
    /// A code point, written as UTF-8 in a string.
    Char(char),
}

impl Piece {
    /// The value of a rune literal made of this piece.
    pub(crate) fn code(self) -> u32 {
        match self {
            Piece::Byte(b) => u32::from(b),
            Piece::Char(c) => u32::from(c),
        }
    }

    /// Appends the piece to string contents.
    pub(crate) fn push_to(self, out: &mut Vec<u8>) {
        match self {
            Piece::Byte(b) => out.push(b),
            Piece::Char(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// Reads `count` digits of `radix` from the start of `s`.
fn fixed_digits(s: &str, count: usize, radix: u32) -> Result<u32, &'static str> {
    let digits = s.get(..count).ok_or("escape sequence not terminated")?;
    let mut value: u32 = 0;
    for c in digits.chars() {
        let d = c
            .to_digit(radix)
            .ok_or("illegal character in escape sequence")?;
        value = value * radix + d;
    }
    Ok(value)
}

/// Reads one escape sequence. `rest` starts right after the backslash; `quote` is the
/// literal's delimiter. Returns what it stands for and how many bytes of `rest` it used.
pub(crate) fn read_escape(rest: &str, quote: char) -> Result<(Piece, usize), &'static str> {
    let first = rest
        .chars()
        .next()
        .ok_or("escape sequence not terminated")?;
    let simple = match first {
        'a' => Some('\u{07}'),
        'b' => Some('\u{08}'),
        'f' => Some('\u{0c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{0b}'),
        '\\' => Some('\\'),
        c if c == quote => Some(quote),
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((Piece::Char(c), 1));
    }
    let after = rest.get(1..).unwrap_or_default();
    match first {
        '0'..='7' => {
            let v = fixed_digits(rest, 3, 8)?;
            let b = u8::try_from(v).map_err(|_| "octal escape value above 255")?;
            Ok((Piece::Byte(b), 3))
        }
        'x' => {
            let v = fixed_digits(after, 2, 16)?;
            let b = u8::try_from(v).map_err(|_| "hex escape value above 255")?;
            Ok((Piece::Byte(b), 3))
        }
        'u' | 'U' => {
            let count = if first == 'u' { 4 } else { 8 };
            let v = fixed_digits(after, count, 16)?;
            let c = char::from_u32(v).ok_or("escape sequence is invalid Unicode code point")?;
            Ok((Piece::Char(c), 1 + count))
        }
        _ => Err("unknown escape sequence"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(read_escape("n", '"'), Ok((Piece::Char('\n'), 1)));
        assert_eq!(read_escape("\"", '"'), Ok((Piece::Char('"'), 1)));
        assert!(read_escape("'", '"').is_err());
        assert_eq!(read_escape("'", '\''), Ok((Piece::Char('\''), 1)));
        assert!(read_escape("\"", '\'').is_err());
        assert_eq!(read_escape("377", '"'), Ok((Piece::Byte(0xff), 3)));
        assert!(read_escape("400", '"').is_err());
        assert!(read_escape("37", '"').is_err());
        assert_eq!(read_escape("xfF", '"'), Ok((Piece::Byte(0xff), 3)));
        assert!(read_escape("xf", '"').is_err());
        assert_eq!(read_escape("u00e9x", '"'), Ok((Piece::Char('é'), 5)));
        assert!(read_escape("ud800", '"').is_err());
        assert_eq!(
            read_escape("U0010ffff", '"'),
            Ok((Piece::Char('\u{10ffff}'), 9))
        );
        assert!(read_escape("U00110000", '"').is_err());
        assert!(read_escape("q", '"').is_err());
        assert!(read_escape("", '"').is_err());
        // Multi-byte characters where digits are expected must not split a char.
        assert!(read_escape("xé", '"').is_err());
        assert!(read_escape("u0é0", '"').is_err());
    }
}
