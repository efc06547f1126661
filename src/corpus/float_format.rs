//! Writing floats the way Go's `fmt` verb `%v` does (`strconv.FormatFloat(x, 'g', -1, bits)`
//! plus fmt's `+Inf`): the shortest decimal that reads back to the same bits, for the value's
//! own precision.
//!
//! Layout, in our words: with the shortest digits `d1 d2 … dn` and decimal exponent `x` (the
//! value is `d1.d2…dn × 10^x`), Go uses exponent form when `x < -4` or `x >= 6`
//! (`1e-05`, `1.234567e+06`, at least two exponent digits) and plain form otherwise
//! (`0.0001`, `123456`). Zero is `0` or `-0`, infinities are `+Inf` and `-Inf`, NaN is `NaN`.
//!
//! Digits: Rust's `{:e}` formatting produces the shortest digits that read back to the same
//! float (for `f32`, the shortest for `f32`), and among those the closest to the exact value.
//! When the exact value lies exactly halfway between two such candidates, Rust takes the upper
//! one while Go (Dragonbox) takes the one whose last digit is even (`float32(197397.125)` is
//! `197397.12` in Go). [`shortest_digits`] detects that tie with exact integer arithmetic and
//! applies Go's choice.

/// Appends Go's `%v` form of `v`.
pub(crate) fn format_f64(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else if v == 0.0 {
        out.push_str(if v.is_sign_negative() { "-0" } else { "0" });
    } else {
        let bits = v.to_bits();
        let (m, e) = binary_parts(bits & ((1 << 52) - 1), (bits >> 52) & 0x7ff, 52, 1075);
        let (digits, exp) = shortest_digits(&format!("{:e}", v.abs()), m, e, |text| {
            text.parse::<f64>()
                .is_ok_and(|p| p.to_bits() == v.abs().to_bits())
        });
        layout(out, v.is_sign_negative(), &digits, exp);
    }
}

/// Appends Go's `%v` form of `v` (shortest digits for `f32` precision).
pub(crate) fn format_f32(out: &mut String, v: f32) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else if v == 0.0 {
        out.push_str(if v.is_sign_negative() { "-0" } else { "0" });
    } else {
        let bits = u64::from(v.to_bits());
        let (m, e) = binary_parts(bits & ((1 << 23) - 1), (bits >> 23) & 0xff, 23, 150);
        let (digits, exp) = shortest_digits(&format!("{:e}", v.abs()), m, e, |text| {
            text.parse::<f32>()
                .is_ok_and(|p| p.to_bits() == v.abs().to_bits())
        });
        layout(out, v.is_sign_negative(), &digits, exp);
    }
}

/// The magnitude of a finite float as `m × 2^e` (m an integer), from its fraction field,
/// exponent field, fraction width and exponent offset (bias + fraction width).
fn binary_parts(fraction: u64, exponent: u64, fraction_bits: u32, offset: i64) -> (u64, i64) {
    let exponent = i64::try_from(exponent).unwrap_or(0);
    if exponent == 0 {
        (fraction, 1 - offset) // subnormal
    } else {
        (fraction | (1 << fraction_bits), exponent - offset)
    }
}

/// Whether `m × 2^e` equals `odd × 10^u / 2`, i.e. lies exactly halfway between two
/// consecutive multiples of `10^u` (`odd` = 2·candidate ± 1). Exact, in integers.
fn is_half_way(m: u64, e: i64, odd: u128, u: i64) -> bool {
    if m == 0 {
        return false;
    }
    // Both sides as (odd part, power of two): m·2^(e+1) against odd·2^u·5^u.
    let tz = i64::from(m.trailing_zeros());
    let m_odd = u128::from(m >> tz);
    let pow5 = |k: i64| -> Option<u128> {
        let k = u32::try_from(k).ok()?;
        5u128.checked_pow(k)
    };
    if u >= 0 {
        e + 1 + tz == u && pow5(u).and_then(|p| odd.checked_mul(p)) == Some(m_odd)
    } else {
        e + 1 + tz - u == 0 && pow5(-u).and_then(|p| m_odd.checked_mul(p)) == Some(odd)
    }
}

/// Go's shortest digits (ASCII, no leading or trailing zeros) and decimal exponent (value is
/// `d.ddd × 10^exp`) for the magnitude `m × 2^e`, given Rust's `{:e}` text for it and a test
/// that a candidate text reads back to the same float.
fn shortest_digits(
    sci: &str,
    m: u64,
    e: i64,
    round_trips: impl Fn(&str) -> bool,
) -> (Vec<u8>, i32) {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let Ok(value) = std::str::from_utf8(&digits).unwrap_or("").parse::<u64>() else {
        return (digits, exp);
    };
    if value % 2 == 0 {
        return (digits, exp);
    }
    // The exponent of the last digit's place.
    let unit = i64::from(exp) - (digits.len() as i64 - 1);
    let twice = u128::from(value) * 2;
    let other = if is_half_way(m, e, twice - 1, unit) {
        value - 1
    } else if is_half_way(m, e, twice + 1, unit) {
        value + 1
    } else {
        return (digits, exp);
    };
    // The even neighbour is as close; Go takes it when it also reads back to the same float.
    let mut text = other.to_string();
    let mut other_unit = unit;
    while text.len() > 1 && text.ends_with('0') {
        text.pop();
        other_unit += 1;
    }
    if other == 0 || !round_trips(&format!("{text}e{other_unit}")) {
        return (digits, exp);
    }
    let other_exp = other_unit + (text.len() as i64 - 1);
    match i32::try_from(other_exp) {
        Ok(other_exp) => (text.into_bytes(), other_exp),
        Err(_) => (digits, exp),
    }
}

/// Lays out a finite non-zero value given its digits `d1 d2 …` and exponent (the value is
/// `d1.d2… × 10^exp`).
fn layout(out: &mut String, negative: bool, digits: &[u8], exp: i32) {
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        // d[.ddd]e±XX
        let (first, rest) = digits.split_first().unwrap_or((&b'0', &[]));
        out.push(char::from(*first));
        if !rest.is_empty() {
            out.push('.');
            out.extend(rest.iter().map(|&d| char::from(d)));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
        return;
    }
    // Plain form: the decimal point goes after `point` digits (point may be <= 0).
    let point = exp + 1;
    let digit_at = |i: i32| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |&d| char::from(d))
    };
    if point > 0 {
        for i in 0..point {
            out.push(digit_at(i));
        }
    } else {
        out.push('0');
    }
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if n > point {
        // Digits after the point; positions before the first digit (point < 0) are zeros.
        out.push('.');
        for i in point..n {
            out.push(digit_at(i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64s(v: f64) -> String {
        let mut s = String::new();
        format_f64(&mut s, v);
        s
    }

    fn f32s(v: f32) -> String {
        let mut s = String::new();
        format_f32(&mut s, v);
        s
    }

    #[test]
    fn layouts() {
        assert_eq!(f64s(0.1), "0.1");
        assert_eq!(f64s(1e21), "1e+21");
        assert_eq!(f64s(1e20), "1e+20");
        assert_eq!(f64s(123456.0), "123456");
        assert_eq!(f64s(1234567.0), "1.234567e+06");
        assert_eq!(f64s(0.0001), "0.0001");
        assert_eq!(f64s(0.00012), "0.00012");
        assert_eq!(f64s(0.00001), "1e-05");
        assert_eq!(f64s(-1.5), "-1.5");
        assert_eq!(f64s(5e-324), "5e-324");
        assert_eq!(f64s(1.7976931348623157e308), "1.7976931348623157e+308");
        assert_eq!(f64s(-0.0), "-0");
        assert_eq!(f64s(f64::INFINITY), "+Inf");
        assert_eq!(f64s(f64::NEG_INFINITY), "-Inf");
        assert_eq!(f64s(100.5), "100.5");
        assert_eq!(f32s(0.1), "0.1");
        assert_eq!(f32s(16777217.0), "1.6777216e+07");
        assert_eq!(f32s(1e-45), "1e-45");
        assert_eq!(f32s(-0.0), "-0");
    }

    #[test]
    // The literals are exact binary values lying halfway between two shortest candidates.
    #[allow(clippy::excessive_precision)]
    fn exact_ties_take_the_even_digit() {
        assert_eq!(f32s(197397.125), "197397.12");
        assert_eq!(f32s(197397.375), "197397.38");
        assert_eq!(f32s(197397.625), "197397.62");
        assert_eq!(f32s(-197397.875), "-197397.88");
        assert_eq!(f64s(3554525493128.15625), "3.5545254931281562e+12");
        assert_eq!(f64s(3554525493128.46875), "3.5545254931284688e+12");
        assert_eq!(f64s(2.5), "2.5");
        assert_eq!(f64s(0.125), "0.125");
    }
}
