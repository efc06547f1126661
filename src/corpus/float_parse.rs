//! Reading float literals the way Go's `strconv.ParseFloat` reads the literal text that reaches
//! it from a corpus line: decimal (`1.5`, `.5`, `1e-7`, `1_000.5`, `017` which is decimal 17)
//! and hexadecimal with a binary exponent (`0x1.8p3`). The result is the nearest float of the
//! requested width (ties to even), including subnormals.
//!
//! Facts this follows, in our words:
//! - a hexadecimal mantissa needs a `p` exponent (`0x10` is an error); `0b…`/`0o…` are errors;
//! - a value that rounds past the largest finite float is an error; a value that rounds to
//!   zero is just zero;
//! - Go stops accumulating an exponent's digits once the exponent has reached 10000 (so
//!   `1e123456` is read as `1e12345`); the result is decided from the value so computed.

/// Why a float literal was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatError {
    /// Not a form `strconv.ParseFloat` accepts.
    Syntax,
    /// The value's magnitude is beyond the largest finite float of the width.
    Range,
}

/// Target format: significand precision (with the implicit bit) and exponent limits.
#[derive(Clone, Copy)]
struct Format {
    precision: i64,
    min_exp: i64,
    max_exp: i64,
    bias: i64,
}

const F64: Format = Format {
    precision: 53,
    min_exp: -1022,
    max_exp: 1023,
    bias: 1023,
};
const F32: Format = Format {
    precision: 24,
    min_exp: -126,
    max_exp: 127,
    bias: 127,
};

/// The pieces of a literal: significant digits (no leading zeros, in the literal's base) and
/// the exponent that scales them (a power of ten, or of two for hex).
struct Parts {
    hex: bool,
    digits: Vec<u8>,
    exp: i64,
}

/// Digit value in base 16 (also used for base 10, where only 0-9 are accepted by callers).
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn split(text: &str) -> Result<Parts, FloatError> {
    let bytes = text.as_bytes();
    let (hex, mut i) = match bytes {
        [b'0', b'x' | b'X', ..] => (true, 2),
        _ => (false, 0),
    };
    let mut digits = Vec::new();
    let mut frac_digits: i64 = 0;
    let mut seen_point = false;
    let mut seen_digit = false;
    while let Some(&b) = bytes.get(i) {
        let value = match b {
            b'_' => {
                i += 1;
                continue;
            }
            b'.' if !seen_point => {
                seen_point = true;
                i += 1;
                continue;
            }
            b'0'..=b'9' => b - b'0',
            _ if hex => match hex_value(b) {
                Some(v) => v,
                None => break,
            },
            _ => break,
        };
        seen_digit = true;
        if seen_point {
            frac_digits += 1;
        }
        // Leading zeros are not stored; those after the point still count in frac_digits.
        if !(digits.is_empty() && value == 0) {
            digits.push(value);
        }
        i += 1;
    }
    if !seen_digit {
        return Err(FloatError::Syntax);
    }
    let mut exp: i64 = 0;
    let exp_char = if hex { b'p' } else { b'e' };
    match bytes.get(i) {
        Some(&c) if c.to_ascii_lowercase() == exp_char => {
            i += 1;
            let mut negative = false;
            match bytes.get(i) {
                Some(b'+') => i += 1,
                Some(b'-') => {
                    negative = true;
                    i += 1;
                }
                _ => {}
            }
            if !matches!(bytes.get(i), Some(b'0'..=b'9')) {
                return Err(FloatError::Syntax);
            }
            let mut e: i64 = 0;
            while let Some(&c) = bytes.get(i) {
                match c {
                    b'_' => {}
                    b'0'..=b'9' => {
                        if e < 10_000 {
                            e = e * 10 + i64::from(c - b'0');
                        }
                    }
                    _ => break,
                }
                i += 1;
            }
            exp = if negative { -e } else { e };
        }
        _ if hex => return Err(FloatError::Syntax),
        _ => {}
    }
    if i != bytes.len() {
        return Err(FloatError::Syntax);
    }
    // Every digit after the point divides by the base; hex digits are 4 bits each.
    let scale = if hex { 4 } else { 1 };
    // `digits` holds the significant digits; the digits counted in `frac_digits` include any
    // leading zeros after the point, which scale but were not stored.
    Ok(Parts {
        hex,
        digits,
        exp: exp - frac_digits * scale,
    })
}

/// Parses into the bits of a float of `format`, sign included.
fn parse_bits(negative: bool, text: &str, format: Format) -> Result<u64, FloatError> {
    let parts = split(text)?;
    let sign_bit = if negative {
        1u64 << (format.precision - 1 + exp_bits(format))
    } else {
        0
    };
    if parts.digits.is_empty() {
        return Ok(sign_bit);
    }
    let magnitude = if parts.hex {
        hex_bits(&parts.digits, parts.exp, format)?
    } else {
        decimal_bits(&parts.digits, parts.exp, format)?
    };
    Ok(sign_bit | magnitude)
}

fn exp_bits(format: Format) -> i64 {
    if format.precision == 53 {
        11
    } else {
        8
    }
}

/// Nearest float to `0.d1d2…dn × 10^(n + exp)`, using Rust's correctly rounded parser on a
/// normalized text whose exponent is small.
fn decimal_bits(digits: &[u8], exp: i64, format: Format) -> Result<u64, FloatError> {
    let mut digits = digits;
    let mut exp = exp;
    while let Some((&0, rest)) = digits.split_last() {
        digits = rest;
        exp += 1;
    }
    let n = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    // The value lies in [10^(order-1), 10^order).
    let order = n.saturating_add(exp);
    if order > 400 {
        return Err(FloatError::Range);
    }
    if order < -400 {
        return Ok(0);
    }
    let mut text = String::with_capacity(digits.len() + 12);
    text.push_str("0.");
    text.extend(digits.iter().map(|&d| char::from(b'0' + d)));
    text.push('e');
    text.push_str(&order.to_string());
    if format.precision == 53 {
        let v: f64 = text.parse().map_err(|_| FloatError::Syntax)?;
        if v.is_infinite() {
            return Err(FloatError::Range);
        }
        Ok(v.to_bits())
    } else {
        let v: f32 = text.parse().map_err(|_| FloatError::Syntax)?;
        if v.is_infinite() {
            return Err(FloatError::Range);
        }
        Ok(u64::from(v.to_bits()))
    }
}

/// Nearest float to `(hex digits as an integer) × 2^exp`.
fn hex_bits(digits: &[u8], exp: i64, format: Format) -> Result<u64, FloatError> {
    // Keep the first 16 significant digits exactly; later ones only matter as "something
    // non-zero was dropped" (sticky) and as a scale.
    let mut mantissa: u64 = 0;
    let mut sticky = false;
    let mut exp = exp;
    for (i, &d) in digits.iter().enumerate() {
        if i < 16 {
            mantissa = (mantissa << 4) | u64::from(d);
        } else {
            sticky |= d != 0;
            exp += 4;
        }
    }
    round_binary(mantissa, exp, sticky, format)
}

/// Rounds `(m + ε) × 2^exp` (ε in (0,1) when `sticky`, else 0) to the nearest float of
/// `format`, ties to even; `m` is non-zero. Returns the magnitude's bits.
fn round_binary(m: u64, exp: i64, sticky: bool, format: Format) -> Result<u64, FloatError> {
    let p = format.precision;
    let bit_len = |v: u64| i64::from(64 - v.leading_zeros());
    let nb = bit_len(m);
    // Exponent of the leading bit.
    let lead = nb - 1 + exp;
    // How many significant bits the result can keep at this magnitude.
    let keep = if lead >= format.min_exp {
        p
    } else {
        p - (format.min_exp - lead)
    };
    let shift = nb - keep;
    let (r, q) = if shift <= 0 {
        // Exact: m fits with room to spare (keep <= p <= 53, so the shift is small).
        (m << (-shift), exp + shift)
    } else if shift > 64 {
        // Less than a quarter of the smallest step: rounds to zero.
        (0, exp + shift)
    } else {
        let kept = if shift == 64 { 0 } else { m >> shift };
        let dropped = if shift == 64 {
            m
        } else {
            m & ((1u64 << shift) - 1)
        };
        let half = 1u64 << (shift - 1);
        let up = dropped > half || (dropped == half && (sticky || kept & 1 == 1));
        (kept + u64::from(up), exp + shift)
    };
    if r == 0 {
        return Ok(0);
    }
    let nb_r = bit_len(r);
    let lead_r = nb_r - 1 + q;
    if lead_r > format.max_exp {
        return Err(FloatError::Range);
    }
    let frac_mask = (1u64 << (p - 1)) - 1;
    if lead_r >= format.min_exp {
        // Normal: r has p or p+1 bits (the latter only as an exact power of two).
        let significand = if nb_r > p {
            r >> (nb_r - p)
        } else {
            r << (p - nb_r)
        };
        let biased = u64::try_from(lead_r + format.bias).map_err(|_| FloatError::Range)?;
        Ok((biased << (p - 1)) | (significand & frac_mask))
    } else {
        // Subnormal: q is the exponent of the smallest subnormal step, so r is the fraction.
        Ok(r & frac_mask)
    }
}

/// `strconv.ParseFloat(text, 64)` for a Go INT or FLOAT literal `text` (no sign), negated if
/// `negative`.
pub(crate) fn parse_f64(negative: bool, text: &str) -> Result<f64, FloatError> {
    parse_bits(negative, text, F64).map(f64::from_bits)
}

/// `strconv.ParseFloat(text, 32)` for a Go INT or FLOAT literal `text` (no sign), negated if
/// `negative`: rounded once, directly to `f32`.
pub(crate) fn parse_f32(negative: bool, text: &str) -> Result<f32, FloatError> {
    parse_bits(negative, text, F32).map(|bits| f32::from_bits(u32::try_from(bits).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> Result<u64, FloatError> {
        parse_f64(false, text).map(f64::to_bits)
    }

    fn b32(text: &str) -> Result<u32, FloatError> {
        parse_f32(false, text).map(f32::to_bits)
    }

    #[test]
    fn decimal() {
        assert_eq!(parse_f64(false, "1.5"), Ok(1.5));
        assert_eq!(parse_f64(false, ".5"), Ok(0.5));
        assert_eq!(parse_f64(false, "5."), Ok(5.0));
        assert_eq!(parse_f64(false, "1_0.5"), Ok(10.5));
        assert_eq!(parse_f64(false, "017"), Ok(17.0));
        assert_eq!(parse_f64(false, "0.000_1e-2"), Ok(1e-6));
        assert_eq!(parse_f64(false, "1e-400"), Ok(0.0));
        assert_eq!(b64("0"), Ok(0));
        assert_eq!(
            parse_f64(true, "0").map(f64::to_bits),
            Ok(0x8000_0000_0000_0000)
        );
        assert_eq!(parse_f64(false, "1e309"), Err(FloatError::Range));
        assert_eq!(parse_f64(false, "1.7976931348623157e308"), Ok(f64::MAX));
        assert_eq!(parse_f64(false, "0x10"), Err(FloatError::Syntax));
        assert_eq!(parse_f64(false, "0b1"), Err(FloatError::Syntax));
        assert_eq!(parse_f64(false, "0o7"), Err(FloatError::Syntax));
        assert_eq!(parse_f32(false, "0.1"), Ok(0.1f32));
        assert_eq!(parse_f32(false, "1e39"), Err(FloatError::Range));
        assert_eq!(b32("1e-46"), Ok(0));
        assert_eq!(b32("1.4e-45"), Ok(1));
        // Exponent digits stop accumulating at 10000: 1e0000123456 is read as 1e12345.
        assert_eq!(parse_f64(false, "1e123456"), Err(FloatError::Range));
        let mut long = String::from("0.");
        long.push_str(&"0".repeat(30_000));
        long.push_str("1e300001");
        assert_eq!(parse_f64(false, &long), Ok(0.1));
    }

    #[test]
    fn hexadecimal() {
        assert_eq!(parse_f64(false, "0x1p-2"), Ok(0.25));
        assert_eq!(parse_f64(false, "0x1.8p1"), Ok(3.0));
        assert_eq!(parse_f64(false, "0X.8P0"), Ok(0.5));
        assert_eq!(parse_f64(false, "0x_1p4"), Ok(16.0));
        assert_eq!(b64("0x1p-1074"), Ok(1));
        assert_eq!(b64("0x1p-1075"), Ok(0)); // tie, rounds to even (zero)
        assert_eq!(b64("0x1.0000000000001p-1075"), Ok(1));
        assert_eq!(b64("0x3p-1075"), Ok(2)); // 1.5 steps: tie to even
        assert_eq!(b64("0x1.fffffffffffff8p1023"), Err(FloatError::Range));
        assert_eq!(parse_f64(false, "0x1.fffffffffffff7ffp1023"), Ok(f64::MAX));
        assert_eq!(b64("0x1.00000000000008p0"), Ok(1.0f64.to_bits())); // tie to even
        assert_eq!(b64("0x1.00000000000018p0"), Ok(1.0f64.to_bits() + 2)); // tie to even, up
        assert_eq!(
            b64("0x1.000000000000080000000001p0"),
            Ok(1.0f64.to_bits() + 1)
        );
        assert_eq!(b32("0x1p-149"), Ok(1));
        assert_eq!(b32("0x1p-150"), Ok(0));
        assert_eq!(b32("0x1.fffffep127"), Ok(f32::MAX.to_bits()));
        assert_eq!(b32("0x1.ffffffp127"), Err(FloatError::Range));
        assert_eq!(b32("0x1p2000"), Err(FloatError::Range));
        assert_eq!(b64("0x0p99999"), Ok(0));
        assert_eq!(parse_f64(false, "0x1.8"), Err(FloatError::Syntax));
    }
}
