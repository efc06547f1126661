//! Hosting a real Go fuzz worker: a test binary built by `go test -c -fuzz=<Target>`, started
//! as Go's coordinator starts it and driven through Go's own RPC, so that a fuzzer written in
//! Rust or C can run a Go fuzz target input by input and get Go's coverage counters back.
//!
//! ```no_run
//! use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};
//!
//! let mut worker = Worker::start(WorkerOptions::new("./pkg.test", "FuzzParse"))?;
//! let result = worker.run(b"go test fuzz v1\n[]byte(\"hello\")\n")?;
//! match result.outcome {
//!     Outcome::Ok => println!("{} coverage counters", result.coverage.len()),
//!     _ => println!("{:?} on {:?}: {}", result.outcome, result.entry, result.message),
//! }
//! worker.stop()?;
//! # Ok::<(), gofuzz_shm::Error>(())
//! ```
//!
//! # What a worker is
//!
//! The same test binary with `-test.fuzzworker -test.paniconexit0 -test.fuzzcachedir=<dir>
//! -test.fuzz=^<Target>$` (what Go's coordinator passes, minus flags a worker ignores), fds
//! 3/4/5 = call pipe, response pipe, region. It answers one JSON call at a time; between
//! calls this host owns the region, during a call the worker does. The region persists across
//! worker restarts, as in Go.
//!
//! # Nothing left behind
//!
//! However the host ends — return, `abort()`, SIGKILL — nothing of a worker outlives it:
//! the region is an anonymous memfd sealed against shrinking (Go's coordinator uses a
//! temporary file, but its worker only `fstat`s and maps fd 5), the cache directory a worker
//! must be given is one it never uses, so none is created, and every worker process is
//! started with `PR_SET_PDEATHSIG(SIGKILL)` from a spawner thread that lives as long as this
//! process (named `gofuzz-shm-spawner`, started with the first worker), so the kernel kills
//! the worker when this process ends, whichever thread started it.
//!
//! # Failures
//!
//! A call reports what the *input* did as an [`Outcome`]; an `Err` from a call means the host
//! could not do the call at all (entry too large, worker could not be restarted, protocol
//! broken). After [`Outcome::WorkerDied`] or [`Outcome::Timeout`] the dead or killed process is
//! already reaped and the next call starts a new one, transparently. The input responsible is
//! always in the result ([`RunResult::entry`]).
//!
//! # Ownership and threads
//!
//! A [`Worker`] is `Send`, not shared: calls take `&mut self` and block the calling thread.
//! Results borrow the worker until the next call. Dropping a worker stops its process as
//! [`Worker::stop`] does and releases the region.
//!
//! Each worker process has a watchdog thread in this process (named `gofuzz-shm-watchdog`),
//! joined when the process ends: it collects the worker's output, notices its exit and enforces
//! the timeouts, so that a call costs the calling thread only a `write` and a blocking `read`.
//!
//! # Platform
//!
//! Linux: pipes made with `pipe2`, pidfds (Linux 5.3; older kernels fall back to `waitid`
//! every few milliseconds), epoll, eventfd.

mod counters;
mod fuzz;
mod host;
mod minimize;
mod options;
mod output;
mod process;
mod rpc;
mod run;
mod start;
mod tether;
mod watchdog;

use std::time::Duration;

pub use host::Worker;
pub use options::{InheritedFd, WorkerOptions, DEFAULT_TIMEOUT, INHERIT_FDS};
pub use process::Exit;

/// What an input did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The fuzz function returned normally (for fuzz: no failure found).
    Ok,
    /// The fuzz function failed (t.Fatal/t.Error, a panic it recovered as a test failure,
    /// os.Exit(0) under -test.paniconexit0) and the worker reported it; the worker lives on.
    Crash,
    /// The worker process exited or was killed by a signal while running the input: an
    /// unrecovered panic on another goroutine, a fatal runtime error, os.Exit, a signal.
    WorkerDied,
    /// The input ran longer than the per-call timeout (or tripped Go's own 10 s watchdog in
    /// the worker); the worker was killed.
    Timeout,
}

/// The result of a call. Borrowed from the [`Worker`] until its next call.
#[derive(Debug, Clone, Copy)]
pub struct RunResult<'a> {
    /// What happened.
    pub outcome: Outcome,
    /// Empty for [`Outcome::Ok`]. For a crash, Go's test output for the failure (the
    /// `--- FAIL:` text with t.Fatalf's message or the panic and its stack). For a death or a
    /// timeout, what happened (exit code or signal) followed by the worker's output, where Go
    /// prints the panic or fatal error.
    pub message: &'a str,
    /// Go's coverage counters for the run (one byte per edge, rounded down to a power of two,
    /// as the worker snapshots them). Empty when the binary has no counters (plain
    /// `go test -c`, or an architecture without them) and whenever the outcome is not `Ok`.
    /// For fuzz: the counters of an input that found coverage outside the mask, else empty.
    pub coverage: &'a [u8],
    /// Runs of the fuzz function the worker made (the region header's `count`): 1 for a run.
    pub count: i64,
    /// The worker's own measure of the call when it answered (Go's `TotalDuration`, or
    /// `Duration` for minimize); otherwise the wall time until death or timeout.
    pub duration: Duration,
    /// The encoded corpus entry this result is about: the input that was run (for
    /// [`Worker::run_bytes`], its encoding); for fuzz the mutated input that failed, killed or
    /// hung the worker or found new coverage (rebuilt with Go's mutator), else the entry the
    /// mutations started from; for minimize the smallest entry known to reproduce the failure
    /// (or, with kept coverage, to keep it).
    pub entry: &'a [u8],
    /// How the process ended, for [`Outcome::WorkerDied`] and [`Outcome::Timeout`].
    pub exit: Option<Exit>,
    /// The worker's PRNG state saved in the region header (fuzz only): with `rand_inc` and
    /// `count`, what [`crate::mutator::rebuild`] (like Go's coordinator) replays to rebuild a
    /// mutated input.
    pub rand_state: u64,
    /// The worker's PRNG increment saved in the region header (fuzz only).
    pub rand_inc: u64,
}

/// Limits of a [`Worker::fuzz`] call; at least one of `duration` and `runs` is needed.
#[derive(Debug, Clone, Copy, Default)]
pub struct FuzzLimits<'a> {
    /// Time to spend mutating (Go's `Timeout` argument).
    pub duration: Option<Duration>,
    /// Runs to stop after (Go's `Limit` argument).
    pub runs: Option<u64>,
    /// Coverage mask, as Go's coordinator sends its accumulated coverage: the call returns
    /// early, with the new counters, when a mutated input sets a bit the mask lacks. Its
    /// length must be the binary's counter count ([`Worker::coverage_len`]). `None`: no
    /// coverage guidance, only a failure or a limit ends the call.
    pub mask: Option<&'a [u8]>,
}

/// Limits of a [`Worker::minimize`] call; at least one is needed. Go's coordinator gives
/// minimization 60 s by default (`-fuzzminimizetime`).
#[derive(Debug, Clone, Copy, Default)]
pub struct MinimizeLimits {
    /// Time to spend minimizing, over all values of the entry.
    pub duration: Option<Duration>,
    /// Candidate runs to stop after, over all values of the entry.
    pub runs: Option<u64>,
}
