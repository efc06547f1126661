//! The engine-facing host (`gofuzz_shm::target`) against real Go test binaries built from
//! testdata/enginetargets: verdicts, coverage, Go corpus files, the embedded-image start, the
//! timeout and the memory limit.

#[path = "worker_common/mod.rs"]
mod worker_common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use gofuzz_shm::corpus;
use gofuzz_shm::target::{Binary, Target, TargetOptions, Verdict};
use worker_common::have_go;

fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("enginetargets");
        std::fs::create_dir_all(&out_dir).unwrap();
        let out = out_dir.join("targets.test");
        let tmp = out_dir.join(format!("targets.{}.tmp", std::process::id()));
        let status = Command::new("go")
            .current_dir(manifest.join("testdata/enginetargets"))
            .env("GOWORK", "off")
            .env("GOTOOLCHAIN", "local")
            .args(["test", "-c", "-fuzz=FuzzDeep", "-o"])
            .arg(&tmp)
            .arg(".")
            .status()
            .expect("the go tool runs");
        assert!(status.success(), "go test -c failed: {status}");
        std::fs::rename(&tmp, &out).unwrap();
        out
    })
}

fn start(options: TargetOptions<'_>) -> Target {
    let name = options.target.clone();
    Target::start(options).unwrap_or_else(|e| panic!("start {name}: {e}"))
}

#[test]
fn verdicts_coverage_and_go_corpus_files() {
    if !have_go() {
        return;
    }
    let crashers = tempfile::tempdir().unwrap();
    let mut options = TargetOptions::new(Binary::Path(binary().into()), "FuzzMisbehave");
    options.crashers_dir = Some(crashers.path().to_path_buf());
    options.timeout = Duration::from_secs(1);
    let mut target = start(options);
    let len = target.coverage_len();
    assert!(len > 1000, "Go's counters: {len}");

    let run = target.run(b"hello").unwrap();
    assert_eq!(run.verdict, Verdict::Ok);
    assert_eq!(run.coverage.len(), len);
    assert!(run.coverage.iter().any(|&c| c != 0));
    assert!(run.crasher.is_none() && run.message.is_empty());
    assert_eq!(run.entry, b"go test fuzz v1\n[]byte(\"hello\")\n");

    let cases: [(&[u8], Verdict, &str); 4] = [
        (b"fatal!", Verdict::Failure, "rejected input"),
        (b"panic!", Verdict::Failure, "boom: panic!"),
        (b"exit", Verdict::Death, "exit code 3"),
        (b"sleep", Verdict::Timeout, "timeout"),
    ];
    for (input, verdict, text) in cases {
        let run = target.run(input).unwrap();
        assert_eq!(run.verdict, verdict, "{input:?}: {}", run.message);
        assert!(run.message.contains(text), "{input:?}: {}", run.message);
        assert!(run.coverage.is_empty());
        let crasher = run.crasher.expect("a Go corpus file").to_path_buf();
        let entry = run.entry.to_vec();
        assert_eq!(crasher, crashers.path().join(corpus::file_name(&entry)));
        assert_eq!(std::fs::read(&crasher).unwrap(), entry);
        // The next input runs on a worker that works (restarted after a death or a timeout).
        assert_eq!(target.run(b"ok").unwrap().verdict, Verdict::Ok);
    }
    let names: Vec<_> = std::fs::read_dir(crashers.path()).unwrap().collect();
    assert_eq!(names.len(), 4, "one file per failure, no temporary files");
    target.stop().unwrap();
}

#[test]
fn an_embedded_image_runs_from_memory() {
    if !have_go() {
        return;
    }
    let bytes = std::fs::read(binary()).unwrap();
    let mut target = start(TargetOptions::new(Binary::Image(&bytes), "FuzzDeep"));
    drop(bytes);
    assert!(target.coverage_len() > 1000);
    let pid = target.pid().unwrap();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    assert!(
        exe.to_string_lossy()
            .starts_with("/memfd:gofuzz-shm-go-test"),
        "the worker runs from the memfd: {exe:?}"
    );
    let run = target.run(b"REC!k\x08z").unwrap();
    assert_eq!(run.verdict, Verdict::Failure, "{}", run.message);
    assert!(
        run.message.contains("index out of range"),
        "{}",
        run.message
    );
    // A failure kills nothing here; a death restarts from the image.
    assert_eq!(target.run(b"REC!").unwrap().verdict, Verdict::Ok);
    target.stop().unwrap();

    let err = Target::start(TargetOptions::new(
        Binary::Image(b"#!/bin/sh\n"),
        "FuzzDeep",
    ))
    .unwrap_err();
    assert!(err.to_string().contains("not an ELF executable"), "{err}");
}

#[test]
fn deeper_inputs_light_more_counters() {
    if !have_go() {
        return;
    }
    let mut target = start(TargetOptions::new(
        Binary::Path(binary().into()),
        "FuzzDeep",
    ));
    let mut lit = Vec::new();
    for input in [
        &b"xxxxxxx"[..],
        b"Rxxxxxx",
        b"RExxxxx",
        b"RECxxxx",
        b"REC!xxx",
        b"REC!kxx",
    ] {
        let run = target.run(input).unwrap();
        assert_eq!(run.verdict, Verdict::Ok);
        lit.push(run.coverage.iter().filter(|&&c| c != 0).count());
    }
    assert!(
        lit.windows(2).all(|w| w[0] < w[1]),
        "each step lights more: {lit:?}"
    );
}

#[test]
fn a_worker_over_the_memory_limit_is_killed() {
    if !have_go() {
        return;
    }
    let mut options = TargetOptions::new(Binary::Path(binary().into()), "FuzzMisbehave");
    options.rss_limit_mb = 300;
    let mut target = start(options);
    let run = target.run(b"hog").unwrap();
    assert_eq!(run.verdict, Verdict::OutOfMemory, "{}", run.message);
    assert!(run.rss_mb > 300, "{}", run.rss_mb);
    assert!(run.message.contains("out-of-memory"), "{}", run.message);
    assert!(
        run.message.contains("gofuzz-shm killed it"),
        "{}",
        run.message
    );
    assert!(!run.message.contains("OOM killer"), "{}", run.message);
    assert_eq!(target.run(b"fine").unwrap().verdict, Verdict::Ok);
    target.stop().unwrap();
}

#[test]
fn typed_targets_map_engine_bytes_and_wrong_types_fail_at_start() {
    if !have_go() {
        return;
    }
    let crashers = tempfile::tempdir().unwrap();
    let mut options = TargetOptions::new(Binary::Path(binary().into()), "FuzzTyped");
    options.types = Some("string,int64,bool".into());
    options.crashers_dir = Some(crashers.path().to_path_buf());
    let mut target = start(options);
    assert_eq!(target.signature().to_string(), "string,int64,bool");
    // The mapping: the int64 (little-endian) and the bool first, the string last.
    let mut input = 1001i64.to_le_bytes().to_vec();
    input.push(1);
    input.extend_from_slice(b"typed");
    let run = target.run(&input).unwrap();
    assert_eq!(run.verdict, Verdict::Failure, "{}", run.message);
    assert!(
        run.message.contains("found s=\"typed\" n=1001 ok=true"),
        "{}",
        run.message
    );
    assert_eq!(
        run.entry,
        b"go test fuzz v1\nstring(\"typed\")\nint64(1001)\nbool(true)\n"
    );
    assert!(run.crasher.is_some());
    input[8] = 0;
    assert_eq!(target.run(&input).unwrap().verdict, Verdict::Ok);
    target.stop().unwrap();

    let mut options = TargetOptions::new(Binary::Path(binary().into()), "FuzzTyped");
    options.types = Some("[]byte".into());
    let err = Target::start(options).unwrap_err();
    assert!(
        err.to_string().contains("arguments are not []byte") && err.to_string().contains("reflect"),
        "{err}"
    );
    let mut options = TargetOptions::new(Binary::Path(binary().into()), "FuzzTyped");
    options.types = Some("string,complex128".into());
    assert!(Target::start(options).is_err());
}
