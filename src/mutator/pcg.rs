//! The generator behind Go's mutator: PCG XSH RR 64/32 (a 64-bit LCG state, 32-bit outputs),
//! with Lemire's bounded draw. Its whole state is the two words a Go worker saves in the
//! region header (`randState`, `randInc`), so restoring them replays the worker's draws.

/// The LCG multiplier Go uses.
const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

/// Go's `pcgRand`, restored from a saved state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pcg {
    state: u64,
    inc: u64,
}

impl Pcg {
    /// The generator as a worker saved it: `state` and `inc` from the region header.
    pub fn restore(state: u64, inc: u64) -> Pcg {
        Pcg { state, inc }
    }

    /// `(state, inc)`, what a worker would save now.
    pub fn saved(&self) -> (u64, u64) {
        (self.state, self.inc)
    }

    /// The next 32-bit output: permutes the state as it was before this step.
    pub fn next_u32(&mut self) -> u32 {
        let x = self.state;
        self.state = x.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
        ((((x >> 18) ^ x) >> 27) as u32).rotate_right((x >> 59) as u32)
    }

    /// A draw in `[0, n)`; `n == 0` yields 0 after one output, as in Go. Multiply-shift with
    /// rejection of the biased low products (Lemire), which may take further outputs.
    pub fn below(&mut self, n: u32) -> u32 {
        let mut prod = u64::from(self.next_u32()) * u64::from(n);
        if (prod as u32) < n {
            let threshold = n.wrapping_neg() % n;
            while (prod as u32) < threshold {
                prod = u64::from(self.next_u32()) * u64::from(n);
            }
        }
        (prod >> 32) as u32
    }

    /// Go's `intn`: a draw in `[0, n)` for an `n` that fits in 32 bits (every caller in the
    /// mutator passes a length of at most the region's capacity or a small constant).
    pub fn intn(&mut self, n: usize) -> usize {
        debug_assert!(u32::try_from(n).is_ok(), "intn({n}) out of Go's range");
        self.below(n as u32) as usize
    }

    /// Go's `bool`: true when the output's low bit is 0.
    pub fn bool(&mut self) -> bool {
        self.next_u32() & 1 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::Pcg;

    #[test]
    fn below_zero_takes_one_output_and_yields_zero() {
        let mut a = Pcg::restore(42, 7);
        let mut b = a.clone();
        assert_eq!(a.below(0), 0);
        b.next_u32();
        assert_eq!(a, b);
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Pcg::restore(1, 3);
        for n in 1..300u32 {
            assert!(r.below(n) < n);
        }
    }
}
