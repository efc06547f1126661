//! Reading integer literals the way Go's `strconv.ParseInt(s, 0, bits)` /
//! `strconv.ParseUint(s, 0, bits)` read the text of a Go integer literal: base from the prefix
//! (`0x`, `0o`, `0b`, or a leading `0` for legacy octal, else decimal), `_` separators
//! ignored. The caller range-checks the magnitude for the target type.

/// The magnitude of a Go integer literal `text` (already checked by the lexer), or `None` if
/// it does not fit in 128 bits (then it fits no Go integer type either).
pub(crate) fn magnitude(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    let (radix, digits) = match bytes {
        [b'0', b'x' | b'X', rest @ ..] => (16, rest),
        [b'0', b'o' | b'O', rest @ ..] => (8, rest),
        [b'0', b'b' | b'B', rest @ ..] => (2, rest),
        [b'0', rest @ ..] if !rest.is_empty() => (8, rest),
        _ => (10, bytes),
    };
    let mut value: u128 = 0;
    let mut any = false;
    for &b in digits {
        if b == b'_' {
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        value = value
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        any = true;
    }
    any.then_some(value)
}

/// A signed value from a sign and a literal, if it lies in `min..=max`.
pub(crate) fn signed(negative: bool, text: &str, min: i64, max: i64) -> Option<i64> {
    let m = i128::try_from(magnitude(text)?).ok()?;
    let v = if negative { -m } else { m };
    if v < i128::from(min) || v > i128::from(max) {
        return None;
    }
    i64::try_from(v).ok()
}

/// An unsigned value from a literal, if it is at most `max`.
pub(crate) fn unsigned(text: &str, max: u64) -> Option<u64> {
    let m = magnitude(text)?;
    u64::try_from(m).ok().filter(|&v| v <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_and_ranges() {
        assert_eq!(magnitude("0"), Some(0));
        assert_eq!(magnitude("017"), Some(15));
        assert_eq!(magnitude("0_17"), Some(15));
        assert_eq!(magnitude("0x_fF"), Some(255));
        assert_eq!(magnitude("0b101"), Some(5));
        assert_eq!(magnitude("0o17"), Some(15));
        assert_eq!(magnitude("1_000"), Some(1000));
        assert_eq!(magnitude(&"9".repeat(60)), None);
        assert_eq!(signed(true, "128", -128, 127), Some(-128));
        assert_eq!(signed(false, "128", -128, 127), None);
        assert_eq!(
            signed(true, "0x8000000000000000", i64::MIN, i64::MAX),
            Some(i64::MIN)
        );
        assert_eq!(unsigned("18446744073709551615", u64::MAX), Some(u64::MAX));
        assert_eq!(unsigned("18446744073709551616", u64::MAX), None);
        assert_eq!(unsigned("256", 255), None);
    }
}
