//! Runs inputs through a real Go fuzz target, one exact input at a time, from Rust.
//!
//! ```sh
//! go test -c -fuzz=FuzzBehave -o /tmp/targets.test ./testdata/gotargets
//! cargo run --example run_go_target -- /tmp/targets.test FuzzBehave hello panic
//! ```
//!
//! Each remaining argument is one input (a single `[]byte`); the example prints what it did,
//! how many of Go's coverage counters it lit, and Go's message when it failed.

use std::process::ExitCode;

use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, target, inputs @ ..] = args.as_slice() else {
        eprintln!(
            "usage: run_go_target <pkg.test built with go test -c -fuzz> <FuzzTarget> <input>..."
        );
        return ExitCode::from(2);
    };
    let mut worker = match Worker::start(WorkerOptions::new(binary, target)) {
        Ok(worker) => worker,
        Err(err) => {
            eprintln!("run_go_target: {err}");
            return ExitCode::from(2);
        }
    };
    let mut failures = 0;
    for input in inputs {
        let result = match worker.run_bytes(input.as_bytes()) {
            Ok(result) => result,
            Err(err) => {
                eprintln!("run_go_target: {input:?}: {err}");
                return ExitCode::from(2);
            }
        };
        let lit = result.coverage.iter().filter(|&&c| c != 0).count();
        println!(
            "{input:?}: {:?} in {:?}, {lit} of {} coverage counters lit",
            result.outcome,
            result.duration,
            result.coverage.len()
        );
        if result.outcome != Outcome::Ok {
            failures += 1;
            let first_lines: Vec<&str> = result.message.lines().take(3).collect();
            println!("    {}", first_lines.join("\n    "));
        }
    }
    if let Err(err) = worker.stop() {
        eprintln!("run_go_target: stopping the worker: {err}");
    }
    if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
