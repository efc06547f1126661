//! A coverage-guided fuzz loop on the library, shaped like Go's own coordinator: Go's mutator
//! runs inside the worker in bursts of 100 ms (Go's `workerFuzzDuration`) against the coverage
//! mask this host keeps; every input that finds new coverage comes back rebuilt
//! (`RunResult::entry`), is minimized keeping its new coverage (`Worker::minimize_keeping`, as
//! Go does) and joins the corpus; failures are kept as corpus files. Used by
//! bench/fuzzloop/run.sh.
//!
//! ```sh
//! fuzz_loop fuzz <pkg.test> <FuzzTarget> <seconds> <out-dir> <seed-file>...
//! fuzz_loop lit <pkg.test> <FuzzTarget> <dir>...
//! ```
//!
//! `fuzz` prints one line of JSON: `{"execs":N,"seconds":S,"corpus":C,"failures":F}` and writes
//! the corpus (`out-dir/corpus/`) and failures (`out-dir/failures/`). `lit` runs every file
//! of the directories once, exactly, and prints how many of Go's coverage counters the runs
//! lit together (JSON `{"files":N,"lit":L}`): the same measure for any corpus.

use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use gofuzz_shm::worker::{FuzzLimits, MinimizeLimits, Outcome, Worker, WorkerOptions};

/// Go's coordinator gives each fuzz call this long (internal/fuzz `workerFuzzDuration`).
const BURST: Duration = Duration::from_millis(100);

/// Go's default `-fuzzminimizetime`: the most a minimization may take.
const MINIMIZE: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [mode, bin, target, secs, out, seeds @ ..] if mode == "fuzz" => fuzz(
            bin,
            target,
            secs.parse().unwrap_or(10.0),
            Path::new(out),
            seeds,
        ),
        [mode, bin, target, dirs @ ..] if mode == "lit" => lit(bin, target, dirs),
        _ => Err(
            "usage: fuzz_loop fuzz <bin> <target> <seconds> <out-dir> <seed-file>... | \
                  fuzz_loop lit <bin> <target> <dir>..."
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fuzz_loop: {e}");
            ExitCode::from(2)
        }
    }
}

fn fuzz(bin: &str, target: &str, secs: f64, out: &Path, seeds: &[String]) -> Result<(), String> {
    let mut worker = Worker::start(WorkerOptions::new(bin, target)).map_err(|e| e.to_string())?;
    let (corpus_dir, failures_dir) = (out.join("corpus"), out.join("failures"));
    fs::create_dir_all(&corpus_dir).map_err(|e| e.to_string())?;
    fs::create_dir_all(&failures_dir).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(secs);
    let (mut execs, mut failures) = (0i64, 0usize);
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut mask: Vec<u8> = Vec::new();
    // Baseline coverage: each seed once, as Go's coordinator does first.
    for seed in seeds {
        let entry = fs::read(seed).map_err(|e| format!("{seed}: {e}"))?;
        let r = worker.run(&entry).map_err(|e| e.to_string())?;
        execs += r.count;
        if r.outcome != Outcome::Ok {
            continue;
        }
        if mask.is_empty() {
            mask = vec![0; r.coverage.len()];
        }
        for (m, c) in mask.iter_mut().zip(r.coverage) {
            *m |= c;
        }
        corpus.push(entry);
    }
    if corpus.is_empty() {
        return Err("no seed ran successfully".into());
    }
    let mut next = 0;
    while Instant::now() < deadline {
        let entry = corpus[next % corpus.len()].clone();
        next += 1;
        let limits = FuzzLimits {
            duration: Some(
                BURST
                    .min(deadline.saturating_duration_since(Instant::now()))
                    .max(Duration::from_millis(1)),
            ),
            mask: (!mask.is_empty()).then_some(mask.as_slice()),
            ..Default::default()
        };
        let r = worker.fuzz(&entry, limits).map_err(|e| e.to_string())?;
        execs += r.count;
        if r.outcome != Outcome::Ok {
            failures += 1;
            fs::write(failures_dir.join(format!("failure-{failures}")), r.entry)
                .map_err(|e| e.to_string())?;
        } else if !r.coverage.is_empty() {
            // As Go's coordinator does: minimize the input, keeping the counters it lit
            // outside the mask, and add the minimized input.
            let keep: Vec<u8> = r.coverage.iter().zip(&mask).map(|(c, m)| c & !m).collect();
            let found = r.entry.to_vec();
            let remaining = deadline.saturating_duration_since(Instant::now());
            let limits = MinimizeLimits {
                duration: Some(MINIMIZE.min(remaining).max(Duration::from_millis(1))),
                runs: None,
            };
            let m = worker
                .minimize_keeping(&found, &keep, limits)
                .map_err(|e| e.to_string())?;
            execs += m.count;
            let (input, coverage) = if m.outcome == Outcome::Ok && !m.coverage.is_empty() {
                (m.entry.to_vec(), m.coverage.to_vec())
            } else if m.outcome == Outcome::Ok {
                (found, keep)
            } else {
                failures += 1;
                fs::write(failures_dir.join(format!("failure-{failures}")), m.entry)
                    .map_err(|e| e.to_string())?;
                continue;
            };
            for (m, c) in mask.iter_mut().zip(&coverage) {
                *m |= c;
            }
            let name = corpus_dir.join(format!("input-{}", corpus.len()));
            fs::write(name, &input).map_err(|e| e.to_string())?;
            corpus.push(input);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"execs\":{execs},\"seconds\":{seconds:.3},\"corpus\":{},\"failures\":{failures}}}",
        corpus.len()
    );
    worker.stop().map(drop).map_err(|e| e.to_string())
}

fn lit(bin: &str, target: &str, dirs: &[String]) -> Result<(), String> {
    let mut worker = Worker::start(WorkerOptions::new(bin, target)).map_err(|e| e.to_string())?;
    let mut all: Vec<u8> = Vec::new();
    let mut files = 0;
    for dir in dirs {
        let Ok(read) = fs::read_dir(dir) else {
            continue;
        };
        for file in read.flatten() {
            let Ok(entry) = fs::read(file.path()) else {
                continue;
            };
            files += 1;
            let r = worker.run(&entry).map_err(|e| e.to_string())?;
            if all.len() < r.coverage.len() {
                all.resize(r.coverage.len(), 0);
            }
            for (a, c) in all.iter_mut().zip(r.coverage) {
                *a |= c;
            }
        }
    }
    let lit = all.iter().filter(|&&c| c != 0).count();
    println!("{{\"files\":{files},\"lit\":{lit}}}");
    worker.stop().map(drop).map_err(|e| e.to_string())
}
