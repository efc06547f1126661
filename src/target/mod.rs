//! A Go fuzz target as an engine sees it: raw bytes in; a verdict, Go's coverage counters and
//! Go's output back; failing inputs saved as Go corpus files. The one host that the libFuzzer
//! harness, the AFL++ forkserver proxy and the LibAFL executor share, so that each engine
//! adapter stays a thin translation of this API into the engine's own.
//!
//! ```no_run
//! use gofuzz_shm::target::{Binary, Target, TargetOptions, Verdict};
//!
//! let mut options = TargetOptions::new(Binary::Path("./pkg.test".into()), "FuzzParse");
//! options.crashers_dir = Some("crashers".into());
//! let mut target = Target::start(options)?;
//! let run = target.run(b"engine bytes")?;
//! match run.verdict {
//!     Verdict::Ok => println!("{} of {} counters", run.coverage.iter().filter(|&&c| c != 0).count(),
//!                             run.coverage.len()),
//!     _ => println!("{:?}, saved as {:?}:\n{}", run.verdict, run.crasher, run.message),
//! }
//! target.stop()?;
//! # Ok::<(), gofuzz_shm::Error>(())
//! ```
//!
//! # What it adds to a [`Worker`]
//!
//! - The test binary may be embedded in the running executable ([`Binary::Image`]): it is run
//!   from a sealed anonymous memory file, so an engine binary is one self-contained file.
//! - Engine bytes become the target's corpus entry through the signature module's byte mapping
//!   (identity for a lone `[]byte`); types that do not fit the fuzz function are an error at
//!   start, not a crash of every input.
//! - The coverage length is known from the start, so an engine can size its map before the
//!   first input.
//! - Limits: the per-input timeout, and a limit on the worker's resident memory (see
//!   `memory.rs` for why that and not a resource limit).
//! - Failing inputs are written atomically as Go corpus files named as Go names them.
//! - Engine signals (`SIGALRM`, `SIGINT`, …) are kept off the host's threads and out of the
//!   middle of a run (see `signals.rs`).

mod image;
mod input;
mod memory;
mod signals;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::corpus;
use crate::error::{Error, ErrorKind, Result};
use crate::signature::{call_mismatch, Signature};
use crate::worker::{Exit, Outcome, Worker, WorkerOptions, DEFAULT_TIMEOUT};

use image::Image;
use input::Mapping;
use memory::MemoryWatch;
use signals::Blocked;

/// Where the Go test binary (built with `go test -c -fuzz=<Target>`) comes from.
#[derive(Debug, Clone)]
pub enum Binary<'a> {
    /// A file.
    Path(PathBuf),
    /// The bytes of the executable, e.g. embedded in the running program: copied into a sealed
    /// anonymous memory file at start and run from there; the bytes are not kept.
    Image(&'a [u8]),
}

/// How to start a [`Target`]. Build with [`TargetOptions::new`], then adjust the fields.
#[derive(Debug, Clone)]
pub struct TargetOptions<'a> {
    /// The Go test binary.
    pub binary: Binary<'a>,
    /// The fuzz target's name, e.g. `FuzzParse`.
    pub target: String,
    /// The fuzz function's argument types after `*testing.T`, Go's spelling separated by
    /// commas (`"[]byte"`, `"string,int64,bool"`); `None` for a lone `[]byte`. Decides how
    /// engine bytes become a corpus entry.
    pub types: Option<String>,
    /// The worker's working directory (Go runs a test in its package directory); `None` keeps
    /// this process's.
    pub dir: Option<PathBuf>,
    /// Extra arguments for the worker (after the ones Go's coordinator passes).
    pub args: Vec<OsString>,
    /// The worker's whole environment; `None` inherits this process's.
    pub env: Option<Vec<(OsString, OsString)>>,
    /// Per-input time limit. Go's worker stops any run at 10 s on its own, so a longer limit
    /// acts as 10 s.
    pub timeout: Duration,
    /// Limit on the worker's resident memory in MiB (libFuzzer's `-rss_limit_mb`); 0 is none.
    pub rss_limit_mb: u64,
    /// Where failing inputs are written as Go corpus files; `None` writes none (see
    /// [`Target::save`]).
    pub crashers_dir: Option<PathBuf>,
}

impl<'a> TargetOptions<'a> {
    /// Options with the defaults: a lone `[]byte`, inherited directory and environment, a 10 s
    /// timeout, no memory limit, no crashers directory.
    pub fn new(binary: Binary<'a>, target: impl Into<String>) -> TargetOptions<'a> {
        TargetOptions {
            binary,
            target: target.into(),
            types: None,
            dir: None,
            args: Vec::new(),
            env: None,
            timeout: DEFAULT_TIMEOUT,
            rss_limit_mb: 0,
            crashers_dir: None,
        }
    }
}

/// What an input did, as an engine classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The fuzz function returned.
    Ok,
    /// The fuzz function failed: `t.Fatal`, `t.Error`, a panic in the fuzz function.
    Failure,
    /// The worker process died: an unrecovered panic elsewhere, a fatal runtime error,
    /// `os.Exit`, a signal.
    Death,
    /// The input ran past the timeout (or Go's own 10 s limit); the worker was killed.
    Timeout,
    /// The worker's resident memory went over the limit; it was killed.
    OutOfMemory,
}

impl Verdict {
    /// Every verdict but [`Verdict::Ok`] is a finding.
    pub fn is_failure(self) -> bool {
        self != Verdict::Ok
    }
}

/// The result of [`Target::run`], borrowed from the target until its next call.
#[derive(Debug, Clone, Copy)]
pub struct TargetRun<'a> {
    /// What the input did.
    pub verdict: Verdict,
    /// Go's coverage counters of the run ([`Target::coverage_len`] bytes, one per edge,
    /// rounded down to a power of two) for [`Verdict::Ok`]; empty otherwise.
    pub coverage: &'a [u8],
    /// Empty for [`Verdict::Ok`]. Otherwise Go's own output: the `--- FAIL:` text of a
    /// failure, or what happened to the worker followed by what it printed.
    pub message: &'a str,
    /// The corpus entry that was run (what a Go corpus file of this input holds).
    pub entry: &'a [u8],
    /// The run's duration as the worker measured it, or the wall time to a death or a kill.
    pub duration: Duration,
    /// How the worker process ended, for a death, a timeout or a kill for memory.
    pub exit: Option<Exit>,
    /// The Go corpus file the failing input was written to, when a crashers directory is set.
    pub crasher: Option<&'a Path>,
    /// For [`Verdict::OutOfMemory`]: the worker's resident memory in MiB when it was killed.
    pub rss_mb: u64,
}

/// A hosted Go fuzz target. See the [module documentation](self).
pub struct Target {
    // Declared before `image`: fields drop in order, and the worker runs from the image.
    worker: Worker,
    memory: Option<MemoryWatch>,
    image: Option<Image>,
    mapping: Mapping,
    watched_pid: Option<u32>,
    coverage_len: usize,
    crashers_dir: Option<PathBuf>,
    rss_limit_mb: u64,
    entry: Vec<u8>,
    last: Last,
}

#[derive(Debug, Default)]
struct Last {
    message: String,
    crasher: Option<PathBuf>,
}

const START: &str = "start target";

/// The least time a worker is given to start (to answer its first ping).
const START_TIMEOUT: Duration = Duration::from_secs(30);

impl Target {
    /// Loads the binary, starts the worker, and runs the empty input once (see
    /// `check_signature`). Fails with the worker's reason when the binary is not a Go test
    /// binary with that fuzz target, and when the types do not fit its fuzz function.
    pub fn start(options: TargetOptions<'_>) -> Result<Target> {
        let mapping = Mapping::new(options.types.as_deref())?;
        let _blocked = Blocked::new();
        let (binary, image) = match options.binary {
            Binary::Path(path) => (path, None),
            Binary::Image(bytes) => {
                let image = Image::load(bytes)?;
                (image.path().to_path_buf(), Some(image))
            }
        };
        let mut worker_options = WorkerOptions::new(binary, options.target);
        worker_options.args = options.args;
        worker_options.env = options.env;
        worker_options.dir = options.dir;
        if options.timeout.is_zero() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                START,
                "the timeout is zero",
            ));
        }
        worker_options.timeout = options.timeout;
        // Starting a Go binary on a busy machine can take longer than a short per-input limit.
        worker_options.start_timeout = Some(options.timeout.max(START_TIMEOUT));
        let worker = Worker::start(worker_options)?;
        let memory = match options.rss_limit_mb {
            0 => None,
            limit => Some(MemoryWatch::start(limit)?),
        };
        let mut target = Target {
            worker,
            memory,
            image,
            mapping,
            watched_pid: None,
            coverage_len: 0,
            crashers_dir: None,
            rss_limit_mb: options.rss_limit_mb,
            entry: Vec::new(),
            last: Last::default(),
        };
        target.coverage_len = target.worker.coverage_len().unwrap_or(0);
        target.check_signature()?;
        target.crashers_dir = options.crashers_dir;
        Ok(target)
    }

    /// Runs the empty input once: a worker does not check an entry's values against the fuzz
    /// function's parameters, so types that do not fit show as Go's `reflect.Call` panic —
    /// a usage mistake, reported here at start instead of as a crash of every input. (When
    /// the binary did not say how many counters it has, the first passing run tells.)
    fn check_signature(&mut self) -> Result<()> {
        let run = self.run(&[])?;
        if run.verdict != Verdict::Failure {
            return Ok(());
        }
        let Some(reason) = call_mismatch(run.message).map(str::to_owned) else {
            return Ok(());
        };
        Err(Error::new(
            ErrorKind::InvalidArgument,
            START,
            format!(
                "the fuzz target's arguments are not {} ({reason}): give the types of its \
                 f.Fuzz function after *testing.T",
                self.mapping.signature()
            ),
        ))
    }

    /// The argument types engine bytes are mapped to.
    pub fn signature(&self) -> &Signature {
        self.mapping.signature()
    }

    /// The number of Go coverage counters (0 when the binary has none, or before any input
    /// passed).
    pub fn coverage_len(&self) -> usize {
        self.coverage_len
    }

    /// Process id of the current worker process, if one runs.
    pub fn pid(&self) -> Option<u32> {
        self.worker.pid()
    }

    /// Starts the worker process if none runs (after a death or a timeout the next run would),
    /// so that [`pid`](Self::pid) names the process the next run uses: an engine that kills a
    /// hung run by pid (AFL++ kills the pid its forkserver gave it) then kills the worker,
    /// never its host.
    pub fn ensure_running(&mut self) -> Result<()> {
        let _blocked = Blocked::new();
        self.worker.ensure_running()
    }

    /// Runs the engine's bytes once. `Err` only when the run could not be made (the entry does
    /// not fit the region, the worker could not be restarted or broke the protocol); what the
    /// input did is the verdict. A failing input is written into the crashers directory first,
    /// if one is set (a failure to write it is appended to the message).
    pub fn run(&mut self, data: &[u8]) -> Result<TargetRun<'_>> {
        self.mapping.entry_into(data, &mut self.entry);
        let _blocked = Blocked::new();
        if let Some(memory) = &self.memory {
            self.worker.ensure_running()?;
            let pid = self.worker.pid();
            if pid != self.watched_pid {
                if let Some(pid) = pid {
                    memory.watch(pid);
                }
                self.watched_pid = pid;
            }
        }
        let result = self.worker.run(&self.entry)?;
        let killed = self.memory.as_ref().and_then(MemoryWatch::take_kill);
        let mut verdict = match result.outcome {
            Outcome::Ok => Verdict::Ok,
            Outcome::Crash => Verdict::Failure,
            Outcome::WorkerDied => Verdict::Death,
            Outcome::Timeout => Verdict::Timeout,
        };
        let mut rss_mb = 0;
        self.last.message.clear();
        if let Some(kill) = killed {
            verdict = Verdict::OutOfMemory;
            rss_mb = kill.rss_mb;
            // The worker's own account of its death ("killed by SIGKILL, maybe the OOM
            // killer") would mislead: say who killed it, and keep what it printed.
            let printed = result
                .message
                .split_once("\n--- worker output ---\n")
                .map_or(" It printed nothing.".to_owned(), |(_, out)| {
                    format!("\n--- worker output ---\n{out}")
                });
            self.last.message = format!(
                "out-of-memory: the Go worker used {} MiB, over the limit of {} MiB \
                 (rss_limit_mb); gofuzz-shm killed it with SIGKILL.{printed}",
                kill.rss_mb, self.rss_limit_mb
            );
        } else {
            self.last.message.push_str(result.message);
        }
        if verdict == Verdict::Ok && self.coverage_len == 0 {
            self.coverage_len = result.coverage.len();
        }
        let (coverage, duration, exit) = (result.coverage, result.duration, result.exit);
        self.last.crasher = None;
        if verdict.is_failure() {
            if let Some(dir) = &self.crashers_dir {
                match corpus::write_file(dir, &self.entry) {
                    Ok(path) => self.last.crasher = Some(path),
                    Err(e) => {
                        self.last.message += &format!("\n(the Go corpus file was not written: {e})")
                    }
                }
            }
        }
        Ok(TargetRun {
            verdict,
            coverage,
            message: &self.last.message,
            entry: &self.entry,
            duration,
            exit,
            crasher: self.last.crasher.as_deref(),
            rss_mb,
        })
    }

    /// Writes the last input run as a Go corpus file into `dir` (created if needed), named as
    /// Go names it; returns the path.
    pub fn save(&self, dir: &Path) -> Result<PathBuf> {
        corpus::write_file(dir, &self.entry)
    }

    /// Stops the worker (as Go's coordinator does) and releases everything: the region, the
    /// cache directory, the memory watch, the embedded image.
    pub fn stop(self) -> Result<()> {
        let Target {
            worker,
            memory,
            image,
            ..
        } = self;
        let stopped = worker.stop();
        drop(memory);
        drop(image);
        stopped.map(|_| ())
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("worker", &self.worker)
            .field("image", &self.image)
            .field("coverage_len", &self.coverage_len)
            .finish_non_exhaustive()
    }
}
