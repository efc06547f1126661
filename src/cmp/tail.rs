//! The comparisons a worker makes after the fuzz function returns and before the hook's gate
//! closes: Go's testing package formats the run's duration on the fuzz function's goroutine
//! (`fmtDuration`: `fmt.Sprintf("%.2fs", …)`), 60 to 370 comparisons depending on the release
//! and on the duration's digits. The hook cannot see where the fuzz function ends, so the host
//! finds where this tail starts and cuts from there.
//!
//! The tail starts with Sprintf scanning its format: a comparison `0 < 5` (8 bytes, both
//! variable: the index and the format's length) made right under tRunner, shallower in the
//! stack than anything the fuzz function does (it runs below testing's and reflect's frames).
//! The host learns that comparison's site and depth from the second run after the ring was made
//! (the first is a worker's warm-up) as the last `0 < 5` shallower than every comparison before
//! it, confirms it on the third, and from then on cuts each run at its first comparison with
//! that site, depth and operands. Every release from 1.20 to 1.26 formats the duration this way;
//! should one not, nothing is learned and nothing is cut.

use super::ring::Comparison;

/// The run (0-based) that teaches the tail's start; the next one confirms it.
const LEARN_FROM: u8 = 1;

/// What the host knows about the tail.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    /// Runs seen while learning.
    runs: u8,
    /// The tail's first comparison, once learned (a candidate until confirmed).
    anchor: Option<Comparison>,
    confirmed: bool,
}

/// The comparison that starts Sprintf's scan of "%.2fs".
fn sprintf_start(c: &Comparison) -> bool {
    matches!(
        *c,
        Comparison::Int {
            size: 8,
            is_const: false,
            a: 0,
            b: 5,
            ..
        }
    )
}

/// The last `0 < 5` comparison shallower than everything before it.
fn candidate(run: &[Comparison]) -> Option<Comparison> {
    let mut shallowest = u32::MAX;
    let mut found = None;
    for c in run {
        if sprintf_start(c) && c.depth() < shallowest {
            found = Some(*c);
        }
        shallowest = shallowest.min(c.depth());
    }
    found
}

impl Tail {
    /// Learns from `run` while learning; once the tail's start is known, cuts `run` there and
    /// returns how many comparisons were cut.
    pub(crate) fn cut(&mut self, run: &mut Vec<Comparison>) -> usize {
        if !self.confirmed {
            self.runs = self.runs.saturating_add(1);
            if self.runs <= LEARN_FROM {
                return 0;
            }
            match self.anchor {
                Some(anchor) if run.contains(&anchor) => self.confirmed = true,
                _ => {
                    self.anchor = candidate(run);
                    return 0;
                }
            }
        }
        let Some(anchor) = self.anchor else { return 0 };
        match run.iter().position(|c| *c == anchor) {
            Some(start) => {
                let n = run.len() - start;
                run.truncate(start);
                n
            }
            None => 0,
        }
    }

    /// Whether the tail's start has been learned.
    pub(crate) fn learned(&self) -> bool {
        self.confirmed
    }

    /// Forgets what was learned (a different binary will write to the ring).
    pub(crate) fn forget(&mut self) {
        *self = Tail::default();
    }
}

#[cfg(test)]
mod tests {
    use super::Tail;
    use crate::cmp::Comparison;

    fn at(site: u32, depth: u32, a: u64) -> Comparison {
        Comparison::Int {
            site,
            depth,
            size: 8,
            is_const: true,
            a,
            b: 1,
        }
    }

    fn sprintf(site: u32, depth: u32) -> Comparison {
        Comparison::Int {
            site,
            depth,
            size: 8,
            is_const: false,
            a: 0,
            b: 5,
        }
    }

    #[test]
    fn cuts_from_the_learned_start_of_the_tail() {
        // The target compares at depth 2000 or more (once a `0 < 5` of its own); the tail
        // starts shallower (100) with Sprintf's `0 < 5`, goes deeper (300) for a number of
        // comparisons that varies, and comes back (50).
        let tail = |n: usize| {
            let mut t = vec![sprintf(3, 100), sprintf(4, 100)];
            t.extend((0..n).map(|i| at(8, 300, i as u64)));
            t.push(at(9, 50, 0));
            t
        };
        let run = |n: u64, len: usize| {
            [
                vec![at(1, 2100, n), sprintf(3, 2000), at(2, 2200, n)],
                tail(len),
            ]
            .concat()
        };
        let mut t = Tail::default();
        assert_eq!(t.cut(&mut run(1, 4)), 0, "the first run teaches nothing");
        assert_eq!(t.cut(&mut run(2, 5)), 0, "the second proposes");
        assert!(!t.learned());
        let mut r = run(3, 6);
        assert_eq!(t.cut(&mut r), 9, "the third confirms and is cut");
        assert!(t.learned());
        assert_eq!(r, [at(1, 2100, 3), sprintf(3, 2000), at(2, 2200, 3)]);
        let mut r = run(4, 40);
        assert_eq!(t.cut(&mut r), 43);
        assert_eq!(r.len(), 3);
        // A run without the tail (a full ring dropped it) keeps everything.
        let mut r = vec![at(1, 2100, 5)];
        assert_eq!(t.cut(&mut r), 0);
        t.forget();
        assert!(!t.learned());
    }

    #[test]
    fn a_quiet_target_is_all_tail() {
        let tail = vec![sprintf(3, 100), at(8, 300, 0), at(9, 50, 0)];
        let mut t = Tail::default();
        for _ in 0..2 {
            assert_eq!(t.cut(&mut tail.clone()), 0);
        }
        let mut r = tail.clone();
        assert_eq!(t.cut(&mut r), 3);
        assert!(r.is_empty());
    }

    #[test]
    fn nothing_is_cut_without_a_sprintf_start() {
        let mut t = Tail::default();
        for i in 0..5 {
            let mut r = vec![at(1, 100, i), at(2, 50, i)];
            assert_eq!(t.cut(&mut r), 0);
        }
        assert!(!t.learned());
    }
}
