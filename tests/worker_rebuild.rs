//! What a worker's own fuzzing finds comes back as the exact input (rebuilt by replaying Go's
//! mutator from the state the worker saved, as Go's coordinator does), proven with real Go
//! workers: run again as an exact input, the returned entry fails with the same message (which
//! prints the input), kills or hangs the worker the same way, or lights the same new counters.
//! Then inputs that found new coverage are minimized keeping that coverage.
#![cfg(target_os = "linux")]

mod worker_common;

use std::time::Duration;

use gofuzz_shm::corpus::{decode, Value};
use gofuzz_shm::worker::{Exit, FuzzLimits, MinimizeLimits, Outcome, Worker};
use gofuzz_shm::ErrorKind;
use worker_common::*;

const SEARCH: Duration = Duration::from_secs(60);

fn with_bug(target: &str, bug: &str) -> Worker {
    let mut options = options(target);
    let mut env: Vec<_> = std::env::vars_os().collect();
    env.push(("GOTARGETS_BUG".into(), bug.into()));
    options.env = Some(env);
    Worker::start(options).unwrap()
}

fn search_limits() -> FuzzLimits<'static> {
    FuzzLimits {
        duration: Some(SEARCH),
        ..Default::default()
    }
}

/// Go's failure text without the per-run parts (the elapsed time of the `--- FAIL` line).
fn failure_text(message: &str) -> String {
    message
        .lines()
        .filter(|l| !l.trim_start().starts_with("--- FAIL"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_failing_mutation_comes_back_as_the_exact_input() {
    if !have_go() {
        return;
    }
    // Several values of six kinds; each round starts from a new random state (Go seeds its
    // generator from the clock), so the rebuilt inputs come from chains of every length.
    let mut w = start("FuzzRebuild");
    let seed = b"go test fuzz v1\n[]byte(\"\\x00ab\")\nstring(\"xy\")\nint8(1)\nfloat64(1.5)\nuint16(7)\nbool(false)\n";
    let mut chain_positions = [0usize; 5];
    for round in 0..20 {
        let found = w.fuzz(seed, search_limits()).unwrap();
        assert_eq!(
            found.outcome,
            Outcome::Crash,
            "round {round}: {}",
            found.message
        );
        assert!(found.message.contains("rebuild: "), "{}", found.message);
        chain_positions[((found.count - 1) % 5) as usize] += 1;
        let (entry, message) = (found.entry.to_vec(), failure_text(found.message));
        assert_ne!(&entry[..], &seed[..], "round {round}: a mutated input");
        assert_eq!(decode(&entry).unwrap().len(), 6);
        let again = w.run(&entry).unwrap();
        assert_eq!(
            again.outcome,
            Outcome::Crash,
            "round {round}: {}",
            again.message
        );
        assert_eq!(
            failure_text(again.message),
            message,
            "round {round}: the rebuilt input fails with the same message"
        );
    }
    eprintln!("failing runs by position in their chain: {chain_positions:?}");
}

#[test]
fn a_mutation_that_kills_or_hangs_the_worker_comes_back_as_the_exact_input() {
    if !have_go() {
        return;
    }
    for (bug, outcome) in [("exit", Outcome::WorkerDied), ("hang", Outcome::Timeout)] {
        let mut w = with_bug("FuzzShallow", bug);
        let seed = bytes_entry("seed");
        for round in 0..3 {
            let found = w.fuzz(&seed, search_limits()).unwrap();
            assert_eq!(
                found.outcome, outcome,
                "{bug} round {round}: {}",
                found.message
            );
            let entry = found.entry.to_vec();
            let Value::Bytes(b) = &decode(&entry).unwrap()[0] else {
                panic!("not a []byte entry")
            };
            assert!(
                b.contains(&b'!'),
                "{bug}: the rebuilt input holds the planted '!'"
            );
            let again = w.run(&entry).unwrap();
            assert_eq!(again.outcome, outcome, "{bug}: {}", again.message);
            if bug == "exit" {
                assert_eq!(again.exit, Some(Exit::Code(7)));
            }
        }
    }
}

#[test]
fn new_coverage_comes_back_as_the_exact_input_and_is_minimized_keeping_it() {
    if !have_go() {
        return;
    }
    for (target, seed) in [
        ("FuzzAccept", bytes_entry("abcd")),
        (
            "FuzzTyped",
            b"go test fuzz v1\n[]byte(\"r\")\nstring(\"s\")\nint(0)\nbyte('\\x00')\nfloat64(0)\nbool(false)\nrune('a')\n".to_vec(),
        ),
    ] {
        let mut w = start(target);
        let mut mask = w.run(&seed).unwrap().coverage.to_vec();
        let (mut found, mut minimized_smaller) = (0, 0);
        for round in 0..25 {
            let limits = FuzzLimits {
                runs: Some(200_000),
                mask: Some(&mask),
                ..Default::default()
            };
            let r = w.fuzz(&seed, limits).unwrap();
            assert_eq!(r.outcome, Outcome::Ok, "{target} round {round}: {}", r.message);
            if r.coverage.is_empty() {
                continue; // nothing new within the limit
            }
            found += 1;
            let (entry, coverage) = (r.entry.to_vec(), r.coverage.to_vec());
            let new: Vec<usize> = (0..mask.len()).filter(|&i| coverage[i] & !mask[i] != 0).collect();
            assert!(!new.is_empty());
            let again = w.run(&entry).unwrap();
            assert_eq!(again.outcome, Outcome::Ok);
            for &i in &new {
                assert!(
                    again.coverage[i] & coverage[i] & !mask[i] != 0,
                    "{target} round {round}: the rebuilt input {:?} lights new counter {i}",
                    String::from_utf8_lossy(&entry)
                );
            }
            assert!(again.coverage == &coverage[..], "the same counters");

            // Minimize it keeping the new coverage (Go's KeepCoverage: the counters outside
            // the mask).
            let keep: Vec<u8> = coverage.iter().zip(&mask).map(|(c, m)| c & !m).collect();
            let limits = MinimizeLimits {
                duration: Some(Duration::from_secs(30)),
                runs: Some(20_000),
            };
            let min = w.minimize_keeping(&entry, &keep, limits).unwrap();
            assert_eq!(min.outcome, Outcome::Ok, "{}", min.message);
            let (min_entry, min_cov) = (min.entry.to_vec(), min.coverage.to_vec());
            assert!(min_entry.len() <= entry.len());
            minimized_smaller += usize::from(min_entry.len() < entry.len());
            let check = w.run(&min_entry).unwrap();
            assert!(
                keep.iter().zip(check.coverage).all(|(k, c)| k & c == *k),
                "{target}: the minimized input {:?} keeps every kept counter",
                String::from_utf8_lossy(&min_entry)
            );
            assert!(check.coverage == &min_cov[..], "its counters as reported");
            for (m, c) in mask.iter_mut().zip(&coverage) {
                *m |= c;
            }
        }
        eprintln!("{target}: {found} inputs with new coverage rebuilt, {minimized_smaller} minimized smaller");
        assert!(found >= 3, "{target}: found new coverage {found} times");
    }
}

#[test]
fn keeping_coverage_needs_a_mask_of_the_right_length() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzAccept");
    let seed = bytes_entry("abcd");
    let limits = MinimizeLimits {
        runs: Some(100),
        ..Default::default()
    };
    let err = w.minimize_keeping(&seed, &[1], limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    let n = w.run(&seed).unwrap().coverage.len();
    let err = w.minimize_keeping(&seed, &vec![0; n], limits).unwrap_err();
    assert!(err.to_string().contains("no counter set"), "{err}");
    // An entry that does not light the kept counters is run and reported, not minimized.
    let mut keep = vec![0u8; n];
    let cov = w.run(&seed).unwrap().coverage.to_vec();
    let unlit = cov.iter().position(|&c| c == 0).unwrap();
    keep[unlit] = 1;
    let r = w.minimize_keeping(&seed, &keep, limits).unwrap();
    assert_eq!(r.outcome, Outcome::Ok);
    assert!(
        r.message.contains("did not keep the coverage"),
        "{}",
        r.message
    );
    assert_eq!(r.entry, &seed[..]);
}
