//! Go's own mutator driven through the host: limits, coverage masks, a planted bug found, and
//! a mutated input that kills or hangs the worker.
#![cfg(target_os = "linux")]

mod worker_common;

use std::time::Duration;

use gofuzz_shm::worker::{Exit, FuzzLimits, Outcome, RunResult, Worker};
use gofuzz_shm::ErrorKind;
use worker_common::*;

fn shallow(bug: &str) -> Worker {
    let mut options = options("FuzzShallow");
    let mut env: Vec<_> = std::env::vars_os().collect();
    env.push(("GOTARGETS_BUG".into(), bug.into()));
    options.env = Some(env);
    Worker::start(options).unwrap()
}

/// Generous: the planted bug is found in well under a second.
const SEARCH: Duration = Duration::from_secs(60);

/// Lets Go's mutator search from `seed` for up to SEARCH, without a coverage mask.
fn search<'w>(w: &'w mut Worker, seed: &[u8]) -> RunResult<'w> {
    w.fuzz(
        seed,
        FuzzLimits {
            duration: Some(SEARCH),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn fuzz_finds_the_planted_bug() {
    if !have_go() {
        return;
    }
    let mut w = shallow("fatal");
    let seed = bytes_entry("seed");
    let r = search(&mut w, &seed);
    assert_eq!(r.outcome, Outcome::Crash, "{}", r.message);
    assert!(r.message.contains("planted bug: input"), "{}", r.message);
    assert!(r.count >= 1 && r.duration < SEARCH);
    let input = String::from_utf8_lossy(r.entry).into_owned();
    assert!(input.contains('!'), "the mutated input, rebuilt: {input}");
    assert_ne!(
        (r.rand_state, r.rand_inc),
        (0, 0),
        "the worker saved its PRNG state"
    );
    // The seed itself is fine: the bug was in a mutation.
    assert_eq!(w.run(&seed).unwrap().outcome, Outcome::Ok);
}

#[test]
fn run_limits_and_coverage_masks() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzAccept");
    let seed = bytes_entry("abcd");
    let limits = FuzzLimits {
        runs: Some(50),
        ..Default::default()
    };
    let r = w.fuzz(&seed, limits).unwrap();
    assert_eq!((r.outcome, r.count), (Outcome::Ok, 50), "{}", r.message);
    assert!(r.coverage.is_empty(), "no mask, no coverage reports");

    // A mask with exactly the seed's coverage: a mutation that takes another path returns at
    // once, with counters outside the mask.
    let mask = w.run(&seed).unwrap().coverage.to_vec();
    let limits = FuzzLimits {
        runs: Some(100_000),
        mask: Some(&mask),
        ..Default::default()
    };
    let r = w.fuzz(&seed, limits).unwrap();
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.message);
    assert!(r.count < 100_000, "returned early, after {} runs", r.count);
    assert_eq!(r.coverage.len(), mask.len());
    assert!(
        r.coverage.iter().zip(&mask).any(|(c, m)| c & !m != 0),
        "new bits"
    );

    // Without a mask again, the worker's remembered mask must not end the call early.
    let limits = FuzzLimits {
        runs: Some(300),
        ..Default::default()
    };
    let r = w.fuzz(&seed, limits).unwrap();
    assert_eq!(
        (r.outcome, r.count, r.coverage.len()),
        (Outcome::Ok, 300, 0)
    );

    let bad = vec![0u8; mask.len() + 1];
    let err = w
        .fuzz(
            &seed,
            FuzzLimits {
                runs: Some(1),
                mask: Some(&bad),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = w.fuzz(&seed, FuzzLimits::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    // Time-limited: returns after about the duration.
    let limits = FuzzLimits {
        duration: Some(Duration::from_millis(200)),
        ..Default::default()
    };
    let r = w.fuzz(&seed, limits).unwrap();
    assert_eq!(r.outcome, Outcome::Ok);
    assert!(r.duration >= Duration::from_millis(200) && r.count > 1);
}

#[test]
fn a_mask_before_any_run_learns_the_counter_count_first() {
    if !have_go() {
        return;
    }
    // The count is read from an ELF binary at start; behind a wrapper script (not ELF) it is
    // unknown until a run succeeds.
    let dir = tempfile::tempdir().unwrap();
    let wrapper = dir.path().join("wrapper.sh");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\nexec '{}' \"$@\"\n", fuzz_binary().display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut options = options("FuzzAccept");
    options.binary = wrapper;
    let mut w = gofuzz_shm::worker::Worker::start(options).unwrap();
    assert_eq!(w.coverage_len(), None);
    let seed = bytes_entry("zz");
    let err = w
        .fuzz(
            &seed,
            FuzzLimits {
                runs: Some(5),
                mask: Some(&[0; 3]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("the binary has"), "{err}");
    assert!(w.coverage_len().unwrap() > 3);
}

#[test]
fn a_mutation_that_kills_the_worker() {
    if !have_go() {
        return;
    }
    let mut w = shallow("exit");
    let seed = bytes_entry("seed");
    let r = search(&mut w, &seed);
    assert_eq!(r.outcome, Outcome::WorkerDied, "{}", r.message);
    assert_eq!(r.exit, Some(Exit::Code(7)));
    assert!(r.count >= 1);
    assert!(r.entry.contains(&b'!'), "the mutated input, rebuilt");
    assert_eq!(w.run(&seed).unwrap().outcome, Outcome::Ok, "restarted");
}

#[test]
fn a_mutation_that_hangs_the_worker() {
    if !have_go() {
        return;
    }
    let mut w = shallow("hang");
    let seed = bytes_entry("seed");
    let r = search(&mut w, &seed);
    assert_eq!(r.outcome, Outcome::Timeout, "{}", r.message);
    assert_eq!(r.exit, Some(Exit::Signal(libc::SIGKILL)));
    assert!(
        r.duration < SEARCH,
        "found by the stalled count, not the duration"
    );
    assert_eq!(w.run(&seed).unwrap().outcome, Outcome::Ok, "restarted");
}
