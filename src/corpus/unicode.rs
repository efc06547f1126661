//! Unicode questions the codec has to answer exactly as Go does: which code points Go prints
//! unescaped, which count as white space when a line is trimmed, and how a byte sequence splits
//! into UTF-8 code points (one invalid byte at a time).

use super::unicode_tables::{PRINTABLE, SPACE};

/// Whether `table` (sorted, non-overlapping inclusive ranges) contains `cp`.
fn in_table(table: &[(u32, u32)], cp: u32) -> bool {
    // Index of the first range that ends at or after `cp`; `cp` is inside it or in no range.
    let i = table.partition_point(|&(_, hi)| hi < cp);
    matches!(table.get(i), Some(&(lo, _)) if lo <= cp)
}

/// Whether Go's `strconv.IsPrint` is true for `cp`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space, per the Unicode tables of the Go release the table was
/// generated from.
pub(crate) fn is_print(cp: u32) -> bool {
    in_table(&PRINTABLE, cp)
}

/// Whether Go's `unicode.IsSpace` is true for `c` (what `bytes.TrimSpace` trims).
pub(crate) fn is_space(c: char) -> bool {
    in_table(&SPACE, u32::from(c))
}

/// Length of the UTF-8 sequence that a lead byte announces (1 for ASCII and for bytes that
/// cannot start a sequence; such bytes are then rejected by the validity check).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Decodes the code point at the start of `bytes` the way Go's `utf8.DecodeRune` does:
/// a well-formed sequence (no surrogates, no overlong forms, at most U+10FFFF) yields its
/// char and length; anything else yields `None` and counts as one invalid byte.
/// `bytes` must not be empty.
pub(crate) fn decode_first(bytes: &[u8]) -> Option<(char, usize)> {
    let len = sequence_len(*bytes.first()?);
    let seq = bytes.get(..len)?;
    let s = std::str::from_utf8(seq).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// Decodes the code point at the end of `bytes` the way Go's `utf8.DecodeLastRune` does:
/// `None` when the last bytes are not one well-formed sequence.
fn decode_last(bytes: &[u8]) -> Option<(char, usize)> {
    let end = bytes.len();
    // Walk back over at most three continuation bytes to the candidate lead byte.
    let mut start = end.checked_sub(1)?;
    while start > 0 && end - start < 4 && bytes.get(start).is_some_and(|b| b & 0xC0 == 0x80) {
        start -= 1;
    }
    let tail = bytes.get(start..)?;
    match decode_first(tail) {
        Some((c, len)) if len == tail.len() => Some((c, len)),
        _ => None,
    }
}

/// Go's `bytes.TrimSpace`: drops leading and trailing Unicode white space. Trimming stops at
/// the first byte (from either end) that is not part of a well-formed white-space character.
pub(crate) fn trim_space(mut bytes: &[u8]) -> &[u8] {
    while let Some((c, len)) = bytes.first().and_then(|_| decode_first(bytes)) {
        if !is_space(c) {
            break;
        }
        bytes = bytes.get(len..).unwrap_or_default();
    }
    while let Some((c, len)) = decode_last(bytes) {
        if !is_space(c) {
            break;
        }
        bytes = bytes.get(..bytes.len() - len).unwrap_or_default();
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_table_spot_checks() {
        assert!(is_print(u32::from(' ')));
        assert!(is_print(u32::from('~')));
        assert!(!is_print(0x7f));
        assert!(!is_print(0x80));
        assert!(!is_print(0xa0));
        assert!(is_print(0xa1));
        assert!(!is_print(0xad));
        assert!(is_print(0xff));
        assert!(!is_print(0x200b));
        assert!(is_print(0x1f600));
        assert!(is_print(0xfffd));
        assert!(!is_print(0xd800));
        assert!(!is_print(0x110000));
    }

    #[test]
    fn decode_like_go() {
        assert_eq!(decode_first(b"a"), Some(('a', 1)));
        assert_eq!(decode_first("é".as_bytes()), Some(('é', 2)));
        assert_eq!(decode_first(b"\xff"), None);
        assert_eq!(decode_first(b"\xe2\x82"), None);
        assert_eq!(decode_first(b"\xed\xa0\x80"), None); // surrogate
        assert_eq!(decode_first(b"\xc0\xaf"), None); // overlong
        assert_eq!(decode_first(b"\xf4\x90\x80\x80"), None); // above U+10FFFF
        assert_eq!(decode_last("x\u{2028}".as_bytes()), Some(('\u{2028}', 3)));
        assert_eq!(decode_last(b"x\x80"), None);
    }

    #[test]
    fn trim_like_go() {
        assert_eq!(trim_space(b" \t\x0b\x0c\rint(1)\r\n "), b"int(1)");
        assert_eq!(trim_space("\u{a0}\u{3000}x\u{85}\u{2029}".as_bytes()), b"x");
        assert_eq!(trim_space(b"\xff x \xff"), b"\xff x \xff");
        assert_eq!(trim_space(b"   "), b"");
        assert_eq!(trim_space(b""), b"");
        // U+FEFF is not white space.
        assert_eq!(trim_space("\u{feff}x".as_bytes()), "\u{feff}x".as_bytes());
    }
}
