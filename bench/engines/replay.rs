//! The engine benchmark's one measuring stick: replays files (corpus entries an engine kept,
//! or the failures it reported) through one hosted Go worker, with the same test binary for
//! every engine, and prints one JSON object:
//!
//! - `counters_lit`: Go coverage counters lit by at least one entry (the counters of every run
//!   OR-ed), out of `counters_total`;
//! - `failures`: the entries that failed, each with the first line of Go's message that names
//!   the failure (`panic:`, `fatal error:` or the `--- FAIL` text), so the benchmark can credit
//!   an engine only with the planted bug.
//!
//! Files that are not `go test fuzz v1` entries are engine-native bytes: with `--types LIST` (the
//! target's argument types) they are mapped to a Go entry by the signature mapping, as the
//! engines map them (for one `[]byte` that is the bytes themselves); without it they are
//! counted as `skipped`.
//!
//! `bench_replay --bin B --target T [--dir D] [--types LIST] PATH...` (directories are read
//! one level deep, files in name order).

use std::path::{Path, PathBuf};
use std::time::Duration;

use gofuzz_shm::signature::Signature;
use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};

const USAGE: &str =
    "usage: bench_replay --bin BINARY --target FuzzX [--dir DIR] [--types LIST] PATH...";

fn main() {
    if let Err(e) = run() {
        eprintln!("bench_replay: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut bin, mut target, mut dir, mut types) = (None, None, None, None);
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bin" => bin = args.next().map(PathBuf::from),
            "--target" => target = args.next(),
            "--dir" => dir = args.next().map(PathBuf::from),
            "--types" => types = args.next(),
            "-h" | "--help" => return Err(USAGE.into()),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let (bin, target) = bin.zip(target).ok_or(USAGE)?;
    let signature = match &types {
        Some(t) => Some(Signature::parse(t).map_err(|e| format!("--types {t}: {e}"))?),
        None => None,
    };
    let mut files = Vec::new();
    for path in &paths {
        collect(path, &mut files)?;
    }

    let mut options = WorkerOptions::new(&bin, &target);
    options.dir = dir;
    options.timeout = Duration::from_secs(10);
    let mut worker = Worker::start(options).map_err(|e| e.to_string())?;
    let mut lit: Vec<bool> = Vec::new();
    let (mut ran, mut skipped) = (0usize, 0usize);
    let mut failures = Vec::new();
    for file in &files {
        let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let result = if data.starts_with(b"go test fuzz v1\n") {
            worker.run(&data)
        } else if let Some(sig) = &signature {
            worker.run(&sig.entry_from_bytes(&data))
        } else {
            skipped += 1;
            continue;
        };
        let r = match result {
            Ok(r) => r,
            // Go could not parse the entry (e.g. an entry of another target): not a run.
            Err(e) => {
                eprintln!("bench_replay: {}: {e}", file.display());
                skipped += 1;
                continue;
            }
        };
        ran += 1;
        if r.outcome == Outcome::Ok {
            if lit.len() < r.coverage.len() {
                lit.resize(r.coverage.len(), false);
            }
            for (l, &c) in lit.iter_mut().zip(r.coverage) {
                *l |= c != 0;
            }
        } else {
            failures.push(serde_json::json!({
                "file": file.display().to_string(),
                "outcome": format!("{:?}", r.outcome),
                "message": headline(r.message),
            }));
        }
    }
    let total = worker.coverage_len().unwrap_or(lit.len());
    worker.stop().map_err(|e| e.to_string())?;
    let out = serde_json::json!({
        "files": files.len(),
        "ran": ran,
        "skipped": skipped,
        "counters_total": total,
        "counters_lit": lit.iter().filter(|&&l| l).count(),
        "failures": failures,
    });
    println!("{out}");
    Ok(())
}

/// Files under `path` (itself, or a directory's regular files, one level deep), sorted.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        files.push(path.to_owned());
        return Ok(());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    files.extend(found);
    Ok(())
}

/// The line of a failure message that names what failed: Go's `panic:` or `fatal error:`
/// line when there is one, else the first non-empty line.
fn headline(message: &str) -> String {
    let lines = || message.lines().map(str::trim);
    lines()
        .find(|l| l.contains("panic:") || l.starts_with("fatal error:"))
        .or_else(|| lines().find(|l| !l.is_empty()))
        .unwrap_or("")
        .to_owned()
}
