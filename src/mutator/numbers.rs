//! Go's mutations of numbers: one step up or down by a small random amount, kept within
//! `[-max, max]` (integers) or `[0, max]` (unsigned); floats may also be multiplied or divided.
//! A direction that would leave the range is skipped and a new one drawn.

use super::pcg::Pcg;

/// Go's `mutateInt`. The lower bound is `-max`, so e.g. an `int8` never becomes -128 this way.
pub(super) fn mutate_int(r: &mut Pcg, mut v: i64, max: i64) -> i64 {
    loop {
        let mut step = 100;
        if r.intn(2) == 0 {
            if v >= max {
                continue;
            }
            if v > 0 && max - v < step {
                step = max - v;
            }
            v += 1 + r.intn(step as usize) as i64;
        } else {
            if v <= -max {
                continue;
            }
            if v < 0 && max + v < step {
                step = max + v;
            }
            v -= 1 + r.intn(step as usize) as i64;
        }
        return v;
    }
}

/// Go's `mutateUInt`.
pub(super) fn mutate_uint(r: &mut Pcg, mut v: u64, max: u64) -> u64 {
    loop {
        let mut step = 100;
        if r.intn(2) == 0 {
            if v >= max {
                continue;
            }
            if v > 0 && max - v < step {
                step = max - v;
            }
            v += 1 + r.intn(step as usize) as u64;
        } else {
            if v == 0 {
                continue;
            }
            if v < step {
                step = v;
            }
            v -= 1 + r.intn(step as usize) as u64;
        }
        return v;
    }
}

/// Go's `mutateFloat`, in float64 arithmetic (a float32 value is widened and narrowed around
/// it by the caller, as Go does). Go truncates the float bound to an integer for the draw.
pub(super) fn mutate_float(r: &mut Pcg, mut v: f64, max: f64) -> f64 {
    loop {
        match r.intn(4) {
            0 => {
                if v >= max {
                    continue;
                }
                let mut bound = 100.0;
                if v > 0.0 && max - v < bound {
                    bound = max - v;
                }
                v += (1 + r.intn(bound as usize)) as f64;
            }
            1 => {
                if v <= -max {
                    continue;
                }
                let mut bound = 100.0;
                if v < 0.0 && max + v < bound {
                    bound = max + v;
                }
                v -= (1 + r.intn(bound as usize)) as f64;
            }
            2 => {
                let abs = v.abs();
                if v == 0.0 || abs >= max {
                    continue;
                }
                let mut bound = 10.0;
                if max / abs < bound {
                    bound = max / abs;
                }
                v *= (1 + r.intn(bound as usize)) as f64;
            }
            _ => {
                if v == 0.0 {
                    continue;
                }
                v /= (1 + r.intn(10)) as f64;
            }
        }
        return v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_stay_within_their_range() {
        let mut r = Pcg::restore(5, 11);
        let (mut a, mut b) = (127i64, 0u64);
        for _ in 0..10_000 {
            a = mutate_int(&mut r, a, 127);
            assert!((-127..=127).contains(&a));
            b = mutate_uint(&mut r, b, 255);
            assert!(b <= 255);
        }
        assert!(mutate_int(&mut r, i64::MIN, i64::MAX) > i64::MIN);
    }
}
