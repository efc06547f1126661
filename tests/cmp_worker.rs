//! Comparison feedback against real Go workers built with the hook object
//! (`testdata/gocmp`): the records are the fuzz function's comparisons, with their sizes and
//! operands, and none of the worker's own (decoding the call and the corpus entry, encoding
//! the answer, formatting the run's duration).
#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

mod cmp_common;

use cmp_common::*;
use gofuzz_shm::cmp::{CmpRing, CmpRun, CmpStats, Comparison};
use gofuzz_shm::worker::{Outcome, Worker};

const MAGIC: u64 = 0x1234abcd;

/// Runs an entry that must pass; its comparisons (integers as they are, strings as owned
/// bytes), the run, and the stats.
fn run(
    worker: &mut Worker,
    ring: &mut CmpRing,
    entry: &str,
) -> (Vec<Comparison>, CmpRun, CmpStats) {
    let mut seen = CmpRun::new();
    ring.reset();
    let result = worker.run(entry.as_bytes()).unwrap();
    assert_eq!(result.outcome, Outcome::Ok, "{entry:?}: {}", result.message);
    let stats = ring.collect(&mut seen);
    (seen.comparisons().to_vec(), seen, stats)
}

fn strings(run: &CmpRun) -> Vec<(Vec<u8>, Vec<u8>)> {
    run.strings()
        .map(|(a, b)| (a.to_vec(), b.to_vec()))
        .collect()
}

fn int64_entry(n: i64) -> String {
    format!("go test fuzz v1\nint64({n})\n")
}

fn string_entry(s: &str) -> String {
    format!("go test fuzz v1\nstring({s:?})\n")
}

/// Teaches the ring the worker's tail with three runs.
fn learn(worker: &mut Worker, ring: &mut CmpRing, entries: [&str; 3]) {
    for entry in entries {
        run(worker, ring, entry);
    }
    assert!(ring.tail_learned());
}

#[test]
fn an_integer_compare_against_a_constant() {
    if !have_go() {
        return;
    }
    let mut ring = CmpRing::new(4096).unwrap();
    let mut w = start(hooked_binary(), "FuzzMagic", &ring);
    // Before the tail is learned, the run's records start with the target's comparison.
    let (first, _, stats) = run(&mut w, &mut ring, &int64_entry(5));
    let magic5 = Comparison::Int {
        site: site_of(&first[0]),
        depth: depth_of(&first[0]),
        size: 8,
        is_const: true,
        a: MAGIC,
        b: 5,
    };
    assert_eq!(first[0], magic5, "{first:?}");
    assert!(
        stats.filtered > 50,
        "the gate filtered the worker's decoding: {stats:?}"
    );
    run(&mut w, &mut ring, &int64_entry(6));
    run(&mut w, &mut ring, &int64_entry(-6));
    for n in [7i64, -1, MAGIC as i64 - 1] {
        let (seen, _, stats) = run(&mut w, &mut ring, &int64_entry(n));
        let mut want = magic5;
        if let Comparison::Int { b, .. } = &mut want {
            *b = n as u64;
        }
        assert_eq!(seen, [want], "n = {n}: {stats:?}");
        assert_eq!((stats.dropped, stats.torn), (0, 0));
        assert!(stats.tail > 20, "{stats:?}");
    }
    w.stop().unwrap();
}

#[test]
fn a_string_compare_against_a_long_token() {
    if !have_go() {
        return;
    }
    let mut ring = CmpRing::new(4096).unwrap();
    let mut w = start(hooked_binary(), "FuzzToken", &ring);
    learn(
        &mut w,
        &mut ring,
        [&string_entry("a"), &string_entry("bb"), &string_entry("")],
    );
    for input in ["hello", "some-long-tokem", ""] {
        let (seen, r, _) = run(&mut w, &mut ring, &string_entry(input));
        assert_eq!(
            strings(&r),
            [(input.as_bytes().to_vec(), b"some-long-token".to_vec())],
            "{input:?}: {seen:?}"
        );
        // Go also compares the length, against the token's as a constant.
        let lengths: Vec<(u8, bool, u64, u64)> = seen
            .iter()
            .filter_map(|c| match *c {
                Comparison::Int {
                    size,
                    is_const,
                    a,
                    b,
                    ..
                } if a == 15 => Some((size, is_const, a, b)),
                _ => None,
            })
            .collect();
        assert_eq!(
            lengths,
            [(8, true, 15, input.len() as u64)],
            "{input:?}: {seen:?}"
        );
    }
    w.stop().unwrap();
}

#[test]
fn each_width_and_kind() {
    if !have_go() {
        return;
    }
    let mut ring = CmpRing::new(4096).unwrap();
    let mut w = start(hooked_binary(), "FuzzMixed", &ring);
    let entry = |b: u8, u: u16, s: &str| {
        format!("go test fuzz v1\nbyte({b})\nuint16({u})\nstring({s:?})\n")
    };
    learn(
        &mut w,
        &mut ring,
        [&entry(1, 2, "x"), &entry(3, 4, "yz"), &entry(5, 6, "")],
    );
    let (seen, r, stats) = run(&mut w, &mut ring, &entry(7, 9, "abcdef"));
    let ints: Vec<(u8, bool, u64, u64)> = seen
        .iter()
        .filter_map(|c| match *c {
            Comparison::Int {
                size,
                is_const,
                a,
                b,
                ..
            } => Some((size, is_const, a, b)),
            _ => None,
        })
        .collect();
    assert!(
        ints.contains(&(1, false, 7, 6)),
        "b == byte(len(s)): {seen:?} {stats:?}"
    );
    assert!(
        ints.contains(&(2, true, 0xbeef, 9)),
        "u == 0xbeef: {seen:?}"
    );
    assert_eq!(
        strings(&r),
        [(b"abcdef".to_vec(), b"prefix-abc".to_vec())],
        "{seen:?}"
    );
    w.stop().unwrap();
}

#[test]
fn bytes_equal_and_equal_fold_reach_the_string_hook() {
    if !have_go() {
        return;
    }
    let mut ring = CmpRing::new(4096).unwrap();
    let mut w = start(hooked_binary(), "FuzzEqual", &ring);
    let entry = |b: &str, s: &str| format!("go test fuzz v1\n[]byte({b:?})\nstring({s:?})\n");
    learn(
        &mut w,
        &mut ring,
        [&entry("", ""), &entry("a", "b"), &entry("cc", "dd")],
    );
    let (seen, r, stats) = run(&mut w, &mut ring, &entry("bytes", "fold"));
    assert_eq!(
        strings(&r),
        [
            (b"bytes".to_vec(), b"bytes-token".to_vec()),
            (b"fold".to_vec(), b"Fold-Token".to_vec())
        ],
        "{seen:?} {stats:?}"
    );
    w.stop().unwrap();
}

#[test]
fn none_of_the_workers_own_comparisons() {
    if !have_go() {
        return;
    }
    let mut ring = CmpRing::new(4096).unwrap();
    let mut w = start(hooked_binary(), "FuzzQuiet", &ring);
    let entry = |s: &str| format!("go test fuzz v1\n[]byte({s:?})\n");
    learn(&mut w, &mut ring, [&entry("a"), &entry("bcd"), &entry("")]);
    for input in [
        "",
        "x",
        "a longer input with \"quotes\" and \\ escapes",
        "0123456789",
    ] {
        let (seen, _, stats) = run(&mut w, &mut ring, &entry(input));
        assert_eq!(seen, [], "{input:?}: {stats:?}");
        assert!(stats.filtered > 50, "{stats:?}");
        assert_eq!(stats.dropped, 0);
    }
    w.stop().unwrap();
}

#[test]
fn drops_are_counted_when_the_ring_is_full() {
    if !have_go() {
        return;
    }
    // FuzzMany makes two comparisons per input byte and one more (the loop's and its own).
    let mut ring = CmpRing::new(256).unwrap();
    let mut w = start(hooked_binary(), "FuzzMany", &ring);
    let entry = |n: usize| format!("go test fuzz v1\n[]byte({:?})\n", "x".repeat(n));
    learn(&mut w, &mut ring, [&entry(1), &entry(2), &entry(3)]);
    let (seen, _, stats) = run(&mut w, &mut ring, &entry(10));
    assert_eq!((seen.len(), stats.dropped), (21, 0), "{stats:?}");
    let tail = stats.tail;
    assert!(tail > 20, "{stats:?}");
    // 2001 comparisons and the tail: the ring keeps the first 256 (the tail is dropped first,
    // being last) and counts the rest.
    let (seen, _, stats) = run(&mut w, &mut ring, &entry(1000));
    assert_eq!(seen.len(), 256, "{stats:?}");
    // (The tail's length depends on the run's duration digits: give it some room.)
    assert!(
        stats.dropped >= 2001 - 256 + tail / 2 && stats.dropped <= 2001 - 256 + tail * 2,
        "{stats:?}"
    );
    assert_eq!((stats.torn, stats.tail), (0, 0));
    // The ring is emptied for the next run.
    let (seen, _, stats) = run(&mut w, &mut ring, &entry(3));
    assert_eq!((seen.len(), stats.dropped), (7, 0), "{stats:?}");
    assert!(stats.tail > 20, "{stats:?}");
    w.stop().unwrap();
}

#[test]
fn binaries_without_hooks_and_workers_without_a_ring_still_run() {
    if !have_go() {
        return;
    }
    let mut ring = CmpRing::new(64).unwrap();
    let mut w = start(plain_binary(), "FuzzMagic", &ring);
    let (seen, _, stats) = run(&mut w, &mut ring, &int64_entry(1));
    assert_eq!((seen.len(), stats.filtered), (0, 0));
    w.stop().unwrap();
    let mut options = gofuzz_shm::worker::WorkerOptions::new(hooked_binary(), "FuzzMagic");
    options.timeout = std::time::Duration::from_secs(5);
    let mut w = Worker::start(options).unwrap();
    let result = w.run(int64_entry(MAGIC as i64).as_bytes()).unwrap();
    assert_eq!(result.outcome, Outcome::Crash);
    assert!(
        result.message.contains("magic 0x1234abcd"),
        "{}",
        result.message
    );
    w.stop().unwrap();
}

fn site_of(c: &Comparison) -> u32 {
    c.site()
}

fn depth_of(c: &Comparison) -> u32 {
    c.depth()
}
