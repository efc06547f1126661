//! Durations in Go's syntax (`time.ParseDuration`): a sequence of decimal numbers, each with
//! a unit, such as `10s`, `1.5s`, `500ms`, `1m30s`. Units: ns, us (or µs), ms, s, m, h.

use std::time::Duration;

/// Parses a positive duration; the error says what is wrong.
pub fn parse(text: &str) -> Result<Duration, String> {
    const UNITS: [(&str, f64); 7] = [
        ("ns", 1e-9),
        ("us", 1e-6),
        ("µs", 1e-6),
        ("ms", 1e-3),
        ("s", 1.0),
        ("m", 60.0),
        ("h", 3600.0),
    ];
    let bad = || format!("{text:?} is not a duration like 10s, 500ms or 1m30s");
    let mut rest = text;
    let mut seconds = 0.0f64;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("{text:?} lacks a unit (ns, us, ms, s, m, h)"))?;
        let (number, tail) = rest.split_at(number_len);
        let value: f64 = number
            .parse()
            .ok()
            .filter(|_| number.bytes().any(|b| b.is_ascii_digit()))
            .ok_or_else(bad)?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, scale)| *scale)
            .ok_or_else(|| format!("{text:?}: unknown unit {unit:?} (ns, us, ms, s, m, h)"))?;
        seconds += value * scale;
        rest = tail;
    }
    let duration = Duration::try_from_secs_f64(seconds).map_err(|_| bad())?;
    if duration.is_zero() {
        return Err(format!("{text:?}: the duration must be more than zero"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::parse;
    use std::time::Duration;

    #[test]
    fn go_durations() {
        assert_eq!(parse("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse("250µs"), Ok(Duration::from_micros(250)));
        assert_eq!(parse("7ns"), Ok(Duration::from_nanos(7)));
    }

    #[test]
    fn bad_durations_say_why() {
        for (text, why) in [
            ("", "not a duration"),
            ("10", "lacks a unit"),
            ("10x", "unknown unit \"x\""),
            ("s", "not a duration"),
            (".s", "not a duration"),
            ("1..2s", "not a duration"),
            ("0s", "more than zero"),
            ("-1s", "not a duration"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }
}
