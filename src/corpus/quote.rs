//! Writing Go literals the way Go's `strconv.Quote` (strings, byte slices) and
//! `strconv.QuoteRune` (byte and rune values) write them.
//!
//! The rules, in our words:
//! - the literal's own quote character and the backslash are always escaped;
//! - a code point Go considers printable is written as its UTF-8;
//! - otherwise the short escapes `\a \b \f \n \r \t \v` are used where they exist;
//! - other code points below U+0020, and U+007F, become `\xNN`;
//! - other code points become `\uNNNN` (below U+10000) or `\UNNNNNNNN`;
//! - in a string, each byte that does not start a well-formed UTF-8 sequence becomes `\xNN`.
//!
//! Hex digits are lowercase.

use super::unicode::{decode_first, is_print};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `width` lowercase hex digits of `value` (most significant first).
fn push_hex(out: &mut Vec<u8>, value: u32, width: u32) {
    for i in (0..width).rev() {
        let nibble = (value >> (4 * i)) & 0xF;
        out.push(HEX[nibble as usize]);
    }
}

/// Appends the escaped form of one code point inside a literal delimited by `quote`.
fn push_escaped(out: &mut Vec<u8>, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push(b'\\');
        out.push(c as u8); // both are ASCII
        return;
    }
    let cp = u32::from(c);
    if is_print(cp) {
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        return;
    }
    let short = match c {
        '\u{07}' => Some(b'a'),
        '\u{08}' => Some(b'b'),
        '\u{0c}' => Some(b'f'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        '\u{0b}' => Some(b'v'),
        _ => None,
    };
    if let Some(letter) = short {
        out.push(b'\\');
        out.push(letter);
    } else if cp < 0x20 || cp == 0x7f {
        out.extend_from_slice(b"\\x");
        push_hex(out, cp, 2);
    } else if cp < 0x10000 {
        out.extend_from_slice(b"\\u");
        push_hex(out, cp, 4);
    } else {
        out.extend_from_slice(b"\\U");
        push_hex(out, cp, 8);
    }
}

/// Appends `bytes` as a double-quoted Go string literal (`strconv.Quote`).
pub(crate) fn quote_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let mut rest = bytes;
    while let Some(&first) = rest.first() {
        match decode_first(rest) {
            Some((c, len)) => {
                push_escaped(out, c, '"');
                rest = rest.get(len..).unwrap_or_default();
            }
            None => {
                out.extend_from_slice(b"\\x");
                push_hex(out, u32::from(first), 2);
                rest = rest.get(1..).unwrap_or_default();
            }
        }
    }
    out.push(b'"');
}

/// Appends `c` as a single-quoted Go rune literal (`strconv.QuoteRune`).
pub(crate) fn quote_char(out: &mut Vec<u8>, c: char) {
    out.push(b'\'');
    push_escaped(out, c, '\'');
    out.push(b'\'');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(bytes: &[u8]) -> String {
        let mut out = Vec::new();
        quote_bytes(&mut out, bytes);
        String::from_utf8(out).unwrap()
    }

    fn qc(c: char) -> String {
        let mut out = Vec::new();
        quote_char(&mut out, c);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings() {
        assert_eq!(q(b""), r#""""#);
        assert_eq!(
            q("tab\there \x00 \u{ff} é \u{200b}".as_bytes()),
            r#""tab\there \x00 ÿ é \u200b""#
        );
        assert_eq!(q(b"\xff\xfe"), r#""\xff\xfe""#);
        assert_eq!(q(b"\x7f\xc2\xa0"), r#""\x7f\u00a0""#);
        assert_eq!(
            q(b"\x07\x08\x0c\n\r\t\x0b\\\"'"),
            r#""\a\b\f\n\r\t\v\\\"'""#
        );
        assert_eq!(q("\u{e0001}".as_bytes()), r#""\U000e0001""#);
        // A truncated sequence is escaped byte by byte.
        assert_eq!(q(b"\xe2\x82"), r#""\xe2\x82""#);
        // A real U+FFFD is printable and kept.
        assert_eq!(q("\u{fffd}".as_bytes()), "\"\u{fffd}\"");
    }

    #[test]
    fn runes() {
        assert_eq!(qc('a'), "'a'");
        assert_eq!(qc('\''), r"'\''");
        assert_eq!(qc('"'), "'\"'");
        assert_eq!(qc('\\'), r"'\\'");
        assert_eq!(qc('\0'), r"'\x00'");
        assert_eq!(qc('\u{80}'), r"'\u0080'");
        assert_eq!(qc('\u{ff}'), "'ÿ'");
        assert_eq!(qc('\u{200b}'), r"'\u200b'");
        assert_eq!(qc('😀'), "'😀'");
    }
}
