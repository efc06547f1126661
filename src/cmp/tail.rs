//! The comparisons a worker makes after the fuzz function returns and before the hook's gate
//! closes: Go's testing package formats the run's duration on the fuzz function's goroutine
//! (`fmtDuration`, fmt.Sprintf), some sixty comparisons that are the same every run. The hook
//! cannot see where the fuzz function ends, so the host learns this tail: the longest suffix
//! common to the records of the first two runs after the ring was made. A suffix that every run
//! shares tells a fuzzer nothing about its input, so cutting it from each later run loses
//! nothing the first two runs did not already show.

use super::ring::Comparison;

/// Runs that teach the tail: the first run after a worker starts is not one of them (its tail
/// differs, Go's fmt allocating its buffer for the first time), the second and third are.
const LEARN_FROM: u8 = 1;
const LEARNED: u8 = 3;

/// What the host knows about the tail.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    /// Runs seen while learning, up to [`LEARNED`].
    runs: u8,
    /// The second run's records, then the learned tail.
    records: Vec<Comparison>,
}

impl Tail {
    /// Learns from `run` while learning, then cuts the learned tail from its end; returns how
    /// many records were cut.
    pub(crate) fn cut(&mut self, run: &mut Vec<Comparison>) -> usize {
        if self.runs < LEARNED {
            self.runs += 1;
            if self.runs == LEARN_FROM + 1 {
                self.records.clone_from(run);
            }
            if self.runs < LEARNED {
                return 0;
            }
            // Learned from two runs: what both end with, operands included.
            let common = common_suffix(&self.records, run, |a, b| a == b);
            self.records.drain(..self.records.len() - common);
        }
        // Cut by shape: a slow run formats its duration with other digits, the first run of a
        // worker allocates; the sites, depths and sizes are the same.
        let n = common_suffix(&self.records, run, same_shape);
        run.truncate(run.len() - n);
        n
    }

    /// Whether the tail has been learned.
    pub(crate) fn learned(&self) -> bool {
        self.runs >= LEARNED
    }

    /// Forgets what was learned (a different binary will write to the ring).
    pub(crate) fn forget(&mut self) {
        *self = Tail::default();
    }
}

/// The same comparison site, stack depth and width; operands aside (strings compared whole).
fn same_shape(a: &Comparison, b: &Comparison) -> bool {
    match (a, b) {
        (
            Comparison::Int {
                site,
                depth,
                size,
                is_const,
                ..
            },
            Comparison::Int {
                site: site2,
                depth: depth2,
                size: size2,
                is_const: is_const2,
                ..
            },
        ) => (site, depth, size, is_const) == (site2, depth2, size2, is_const2),
        _ => a == b,
    }
}

fn common_suffix(
    a: &[Comparison],
    b: &[Comparison],
    same: impl Fn(&Comparison, &Comparison) -> bool,
) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| same(x, y))
        .count()
}

#[cfg(test)]
mod tests {
    use super::Tail;
    use crate::cmp::Comparison;

    fn int(site: u32, a: u64) -> Comparison {
        Comparison::Int {
            site,
            depth: 100,
            size: 8,
            is_const: true,
            a,
            b: 1,
        }
    }

    #[test]
    fn learns_the_common_suffix_of_the_second_and_third_runs_then_cuts_it() {
        let tail = [int(7, 0), int(8, 0)];
        let mut t = Tail::default();
        let mut run0 = vec![int(1, 4), int(6, 6), tail[1]];
        assert_eq!(t.cut(&mut run0), 0, "the first run teaches nothing");
        let mut run1 = vec![int(1, 5), tail[0], tail[1]];
        assert_eq!(t.cut(&mut run1), 0, "nothing is cut before three runs");
        assert_eq!(run1.len(), 3);
        let mut run2 = vec![int(1, 6), int(2, 6), tail[0], tail[1]];
        assert_eq!(t.cut(&mut run2), 2);
        assert_eq!(run2, [int(1, 6), int(2, 6)]);
        assert!(t.learned());
        // Later runs: a suffix of the same shape is cut, whatever its operands.
        let mut run3 = vec![int(1, 9), int(7, 3), tail[1]];
        assert_eq!(t.cut(&mut run3), 2);
        assert_eq!(run3, [int(1, 9)]);
        let mut run4 = vec![int(1, 9), int(9, 9), tail[1]];
        assert_eq!(t.cut(&mut run4), 1);
        assert_eq!(run4, [int(1, 9), int(9, 9)]);
        let mut empty = vec![];
        assert_eq!(t.cut(&mut empty), 0);
        t.forget();
        assert!(!t.learned());
    }
}
