//! `gofuzz-shm inspect` on regions made by the library, hostile headers, and the live region
//! of a real Go worker.
#![cfg(target_os = "linux")]

mod common;

use std::fs;
use std::path::Path;

use common::*;
use gofuzz_shm::layout::GO_LAYOUT;
use gofuzz_shm::worker::{Worker, WorkerOptions};
use gofuzz_shm::SharedMem;

/// A region file of `capacity` value bytes whose header says `value_len` and `raw_in_mem`,
/// holding `value`, written byte by byte at Go's offsets.
fn region_file(path: &Path, capacity: usize, value_len: isize, raw: bool, value: &[u8]) {
    let mut bytes = vec![0u8; GO_LAYOUT.size + capacity];
    bytes[GO_LAYOUT.count..][..8].copy_from_slice(&7i64.to_ne_bytes());
    let len = value_len.to_ne_bytes();
    bytes[GO_LAYOUT.value_len..][..len.len()].copy_from_slice(&len);
    bytes[GO_LAYOUT.rand_state..][..8].copy_from_slice(&0x1234u64.to_ne_bytes());
    bytes[GO_LAYOUT.rand_inc..][..8].copy_from_slice(&0xabcdu64.to_ne_bytes());
    bytes[GO_LAYOUT.raw_in_mem] = raw as u8;
    bytes[GO_LAYOUT.size..][..value.len()].copy_from_slice(value);
    fs::write(path, bytes).unwrap();
}

#[test]
fn a_region_holding_a_corpus_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 4096).unwrap();
    region
        .set_value(b"go test fuzz v1\n[]byte(\"hi\\x00\")\nint(-5)\n")
        .unwrap();
    region.set_count(3);
    region.set_rand_state(0xfeed);
    let path = region.path().unwrap().to_str().unwrap().to_owned();
    let r = run_cli(&["inspect", &path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        format!("region      {path}"),
        format!(
            "size        {} bytes: {}-byte header + 4096 bytes of value capacity",
            4096 + GO_LAYOUT.size,
            GO_LAYOUT.size
        ),
        "count       3".to_owned(),
        "value_len   41 (valid: within 0..=4096)".to_owned(),
        "rand_state  0x000000000000feed".to_owned(),
        "raw_in_mem  false".to_owned(),
        "value       a corpus entry with 2 values:".to_owned(),
        "              []byte(\"hi\\x00\")".to_owned(),
        "              int(-5)".to_owned(),
    ] {
        assert!(
            r.stdout.lines().any(|l| l == line),
            "missing {line:?} in:\n{}",
            r.stdout
        );
    }
    // Nothing was written to the region.
    assert_eq!(region.count(), 3);

    let r = run_cli(&["inspect", "--json", &path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["value_len"], 41);
    assert_eq!(json["value_len_valid"], true);
    assert_eq!(json["rand_state"], 0xfeed);
    assert_eq!(json["entry"][1], "int(-5)");
}

#[test]
fn invalid_value_len_raw_bytes_and_files_that_are_not_regions() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    region_file(&bad, 100, -5, false, b"");
    let r = run_cli(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("value_len   -5 (INVALID: outside 0..=100"),
        "{}",
        r.stdout
    );
    let too_long = dir.path().join("too_long");
    region_file(&too_long, 100, 101, false, b"");
    let r = run_cli(&["inspect", "--json", too_long.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"value_len_valid\": false"),
        "{}",
        r.stdout
    );

    let raw = dir.path().join("raw");
    region_file(&raw, 100, 5, true, b"ab\xffcd");
    let r = run_cli(&["inspect", raw.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("raw_in_mem  true"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("5 bytes, not a corpus entry (raw_in_mem is set"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(r#"              "ab\xffcd""#),
        "{}",
        r.stdout
    );

    let text = dir.path().join("text");
    region_file(&text, 100, 4, false, b"oops");
    let r = run_cli(&["inspect", text.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("4 bytes, not a corpus entry (corpus line 1: no newline"),
        "{}",
        r.stdout
    );

    let tiny = dir.path().join("tiny");
    fs::write(&tiny, b"abc").unwrap();
    for (path, why) in [
        (tiny.to_str().unwrap(), "smaller than the"),
        (
            "/nonexistent/region",
            "/nonexistent/region: No such file or directory",
        ),
    ] {
        let r = run_cli(&["inspect", path]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with("gofuzz-shm: inspect: ") && r.stderr.contains(why),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn the_live_region_of_a_real_worker() {
    if !have_go() {
        return;
    }
    let mut worker = Worker::start(WorkerOptions::new(targets_binary(), "FuzzAccept")).unwrap();
    let entry = bytes_entry("apple pie");
    worker.run(&entry).unwrap();
    // The region is an anonymous memfd: the worker's fd 5 names it.
    assert!(worker.region().path().is_none());
    let path = format!("/proc/{}/fd/5", worker.pid().unwrap());
    let r = run_cli(&["inspect", &path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Go's 100 MiB region, the entry the worker ran, and the count it left: one run.
    assert!(
        r.stdout.contains("+ 104857600 bytes of value capacity"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("count       1\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("              []byte(\"apple pie\")"),
        "{}",
        r.stdout
    );
    worker.stop().unwrap();
}
