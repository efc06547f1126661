//! Go's minimizer through the host: a crashing entry shrinks; a worker that dies mid-way
//! leaves raw bytes that are recovered and confirmed, or found stale and replaced by the last
//! entry known to fail.
#![cfg(target_os = "linux")]

mod worker_common;

use std::time::Duration;

use gofuzz_shm::corpus::{decode, encode, Value};
use gofuzz_shm::worker::{Exit, MinimizeLimits, Outcome};
use gofuzz_shm::ErrorKind;
use worker_common::*;

const LIMITS: MinimizeLimits = MinimizeLimits {
    duration: Some(Duration::from_secs(60)),
    runs: None,
};

#[test]
fn minimize_shrinks_a_crashing_entry_value_by_value() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzMinimize");
    let entry = encode(&[
        Value::Bytes(b"aaaaaaaaaaaaaaaaaaaabugbbbbbbbbbbbbbbbb".to_vec()),
        Value::String(b"irrelevant text".to_vec()),
    ]);
    assert_eq!(w.run(&entry).unwrap().outcome, Outcome::Crash);
    let r = w.minimize(&entry, LIMITS).unwrap();
    assert_eq!(r.outcome, Outcome::Crash, "{}", r.message);
    assert!(r.message.contains("found bug in 3 bytes"), "{}", r.message);
    let values = decode(r.entry).unwrap();
    assert!(
        matches!(&values[0], Value::Bytes(b) if b == b"bug"),
        "{values:?}"
    );
    assert!(
        matches!(&values[1], Value::String(s) if s.len() <= 1),
        "{values:?}"
    );
    assert!(r.count > 10, "{} runs", r.count);
    // The result reproduces.
    let minimized = r.entry.to_vec();
    assert_eq!(w.run(&minimized).unwrap().outcome, Outcome::Crash);
}

#[test]
fn an_entry_that_does_not_fail_comes_back_unchanged() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzMinimize");
    let entry = encode(&[
        Value::Bytes(b"harmless".to_vec()),
        Value::String(b"x".to_vec()),
    ]);
    let r = w.minimize(&entry, LIMITS).unwrap();
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.message);
    assert_eq!(r.entry, &entry[..]);
    assert!(r.message.contains("did not fail"), "{}", r.message);
}

#[test]
fn raw_bytes_left_by_a_dying_worker_are_recovered_and_confirmed() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzMinimizeDies");
    let entry = encode(&[Value::Bytes(b"bugxxxxxxxxxx".to_vec())]);
    let r = w.minimize(&entry, LIMITS).unwrap();
    assert_eq!(r.outcome, Outcome::WorkerDied, "{}", r.message);
    assert_eq!(r.exit, Some(Exit::Code(4)));
    assert_eq!(
        decode(r.entry).unwrap(),
        decode(&encode(&[Value::Bytes(b"bugxx".to_vec())])).unwrap_or_default(),
        "{}",
        r.message
    );
    assert!(
        r.message.contains("reproduces when run again"),
        "{}",
        r.message
    );
    // The worker is back.
    assert_eq!(
        w.run(&encode(&[Value::Bytes(b"ok".to_vec())]))
            .unwrap()
            .outcome,
        Outcome::Ok
    );
}

#[test]
fn stale_raw_bytes_fall_back_to_the_last_entry_known_to_fail() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzMinimizeDies");
    let entry = encode(&[Value::Bytes(b"xxxxxxbugxxxxx".to_vec())]);
    let r = w.minimize(&entry, LIMITS).unwrap();
    assert!(r.message.contains("do not reproduce"), "{}", r.message);
    assert_eq!(r.outcome, Outcome::Crash, "{}", r.message);
    assert_eq!(r.entry, &entry[..], "nothing smaller was confirmed");
    assert!(r.message.contains("found bug in 14 bytes"), "{}", r.message);
}

#[test]
fn an_entry_that_kills_the_worker_itself() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzMinimizeDies");
    let entry = encode(&[Value::Bytes(b"bug".to_vec())]);
    let r = w.minimize(&entry, LIMITS).unwrap();
    assert_eq!(
        (r.outcome, r.exit),
        (Outcome::WorkerDied, Some(Exit::Code(4))),
        "{}",
        r.message
    );
    assert_eq!(r.entry, &entry[..]);
    assert!(
        r.message.contains("before minimization could start"),
        "{}",
        r.message
    );
}

#[test]
fn run_bytes_encodes_for_you() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzMinimize");
    let err = w
        .minimize(b"go test fuzz v1\nint(1)\n", LIMITS)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = w.minimize(b"garbage", LIMITS).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = w
        .minimize(&encode(&[Value::Bytes(vec![])]), MinimizeLimits::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);

    let mut w = start("FuzzBehave");
    let r = w.run_bytes(b"fatal").unwrap();
    assert_eq!(r.outcome, Outcome::Crash);
    assert_eq!(r.entry, b"go test fuzz v1\n[]byte(\"fatal\")\n");
    let r = w.run_bytes(b"\x00\xff ok").unwrap();
    assert_eq!(r.outcome, Outcome::Ok);
    assert_eq!(decode(r.entry).unwrap().len(), 1);
}
