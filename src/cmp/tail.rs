//! The comparisons a worker makes after the fuzz function returns and before the hook's gate
//! closes: Go's testing package formats the run's duration on the fuzz function's goroutine
//! (`fmtDuration`, fmt.Sprintf), some sixty comparisons every run, the same sites at the same
//! stack depths (their operands vary a little with the duration, and on a worker's first run).
//! The hook cannot see where the fuzz function ends, so the host learns this tail from the
//! second and third runs after the ring was made (the first is a worker's warm-up) and cuts it
//! from every run from the third on.
//!
//! Learning: the longest suffix the two runs share by shape (site, stack depth, width; strings
//! whole). When the fuzz function took the same path in both runs, that suffix also holds the
//! target's last comparisons. The tail starts where testing's `fmt.Sprintf("%.2fs", …)` starts
//! scanning its format, a comparison `0 < 5` (8 bytes, both variable: the index and the
//! format's length), made shallower in the stack than the fuzz function's (which runs below
//! testing's and reflect's frames); so the learned suffix starts at the first such comparison
//! that is shallower than everything before it. Every release from 1.18 to 1.26 formats the
//! duration this way; should one not, the whole shared suffix is kept.

use super::ring::Comparison;

/// Runs that teach the tail (0-based): the second and the third.
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
            let common = common_suffix(&self.records, run);
            self.records.drain(..self.records.len() - common);
            let start = tail_start(&self.records);
            self.records.drain(..start);
        }
        let n = common_suffix(&self.records, run);
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

/// The same comparison site, stack depth and width; operands aside (strings: the same site,
/// depth and lengths).
fn same_shape(a: &Comparison, b: &Comparison) -> bool {
    match (a, b) {
        (
            Comparison::Int { size, is_const, .. },
            Comparison::Int {
                size: size2,
                is_const: is_const2,
                ..
            },
        ) => (a.site(), a.depth(), size, is_const) == (b.site(), b.depth(), size2, is_const2),
        (Comparison::Str { a: a1, b: b1, .. }, Comparison::Str { a: a2, b: b2, .. }) => {
            (a.site(), a.depth(), a1.len(), b1.len()) == (b.site(), b.depth(), a2.len(), b2.len())
        }
        _ => false,
    }
}

fn common_suffix(a: &[Comparison], b: &[Comparison]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| same_shape(x, y))
        .count()
}

/// Where the tail starts in a learned suffix (see the module documentation): the first
/// `0 < 5` comparison shallower than everything before it; 0 when there is none.
fn tail_start(records: &[Comparison]) -> usize {
    let mut shallowest = u32::MAX;
    for (k, r) in records.iter().enumerate() {
        let sprintf_start = matches!(
            *r,
            Comparison::Int {
                size: 8,
                is_const: false,
                a: 0,
                b: 5,
                ..
            }
        );
        if sprintf_start && r.depth() < shallowest {
            return k;
        }
        shallowest = shallowest.min(r.depth());
    }
    0
}

#[cfg(test)]
mod tests {
    use super::Tail;
    use crate::cmp::Comparison;

    fn int(site: u32, a: u64) -> Comparison {
        at(site, 100, a)
    }

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

    #[test]
    fn the_targets_comparisons_on_the_same_path_are_not_learned() {
        // The target compares at depth 2000 in every run (one of them a `0 < 5` too); the tail
        // starts shallower (100) with Sprintf's `0 < 5`, goes deeper (300), and comes back.
        let sprintf = |depth| Comparison::Int {
            site: 3,
            depth,
            size: 8,
            is_const: false,
            a: 0,
            b: 5,
        };
        let tail = [sprintf(100), at(8, 300, 0), at(9, 50, 0)];
        let run = |n: u64| [vec![at(1, 2000, n), sprintf(2100)], tail.to_vec()].concat();
        let mut t = Tail::default();
        assert_eq!(t.cut(&mut run(1)), 0);
        assert_eq!(t.cut(&mut run(2)), 0);
        let mut r = run(3);
        assert_eq!(t.cut(&mut r), 3);
        assert_eq!(r, [at(1, 2000, 3), sprintf(2100)]);
        // A quiet target: everything is tail.
        let mut t = Tail::default();
        for _ in 0..2 {
            assert_eq!(t.cut(&mut tail.to_vec()), 0);
        }
        let mut r = tail.to_vec();
        assert_eq!(t.cut(&mut r), 3);
        assert!(r.is_empty());
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
