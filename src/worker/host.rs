//! [`Worker`]: the region, the current worker process, and one call at a time with timeouts,
//! death detection and transparent restarts.

use std::ffi::OsString;
use std::io;
use std::time::{Duration, Instant};

use super::options::{WorkerOptions, START};
use super::process::{Deadlines, Exit, LineRead, Process};
use super::rpc::{self, Call, FuzzArgs};
use super::{Outcome, RunResult};
use crate::error::{Error, ErrorKind, Result};
use crate::region::SharedMem;

/// Go's `workerTimeoutDuration`: each step of the stop sequence, how long a worker seen dying
/// may take to finish exiting before it is killed, and how long its output is awaited.
pub(super) const STOP_STEP: Duration = Duration::from_secs(1);

const CALL: &str = "worker call";

/// What a worker gets as `-test.fuzzcachedir`. The testing package refuses `-test.fuzz`
/// without a non-empty one, but only the coordinator uses the directory (it stores interesting
/// inputs there); a worker never creates, reads or writes it (Go 1.18 through 1.26: the
/// worker branch of `testing.F.Fuzz` ignores it). So nothing is created for it, and nothing
/// can be left behind when the host dies. The path lies under a character device, so no
/// release could ever create it: were a future worker to use it, it would fail loudly (and
/// this library's tests with it) instead of writing somewhere unseen.
const UNUSED_CACHE_DIR: &str = "/dev/null/gofuzz-shm-worker-uses-no-cache";

/// A Go fuzz worker process hosted by this library, with its region. See the
/// [module documentation](super).
pub struct Worker {
    pub(super) options: WorkerOptions,
    /// Full argument list of the worker process.
    pub(super) args: Vec<OsString>,
    /// `Some` until shutdown.
    mem: Option<SharedMem>,
    pub(super) process: Option<Process>,
    /// The current process holds a coverage mask from an earlier fuzz call.
    pub(super) mask_sent: bool,
    /// Counters in the binary: read from the binary at start, and what a successful warmup
    /// run shows (the worker's answer wins).
    pub(super) coverage_len: Option<usize>,
    restarts: u64,
    pub(super) ping_call: Vec<u8>,
    warmup_call: Vec<u8>,
    /// The last response line.
    pub(super) line: Vec<u8>,
    pub(super) last: Last,
}

/// Storage behind the borrowed [`RunResult`] of the last call.
#[derive(Debug)]
pub(super) struct Last {
    pub(super) outcome: Outcome,
    pub(super) message: String,
    pub(super) coverage: Vec<u8>,
    pub(super) entry: Vec<u8>,
    pub(super) count: i64,
    pub(super) duration: Duration,
    pub(super) exit: Option<Exit>,
    pub(super) rand_state: u64,
    pub(super) rand_inc: u64,
}

/// How a call ended, from the transport's point of view.
pub(super) enum Reply {
    /// The response line is in `Worker::line`.
    Answered,
    /// The worker died; reaped. `elapsed`: from sending the call to noticing.
    Died {
        exit: Exit,
        output: String,
        elapsed: Duration,
    },
    /// No answer in time; killed and reaped.
    TimedOut {
        exit: Exit,
        output: String,
        elapsed: Duration,
    },
}

enum Burial {
    /// It died: reap it.
    Reap,
    /// It hangs: kill it.
    Kill,
}

/// Go's `Timeout` and `Limit` arguments (nanoseconds and runs, 0 = none) for a call that
/// needs at least one of them; `InvalidArgument` naming `operation` otherwise.
pub(super) fn go_limits(
    operation: &'static str,
    duration: Option<Duration>,
    runs: Option<u64>,
) -> Result<(i64, i64)> {
    let invalid = |detail: &str| Err(Error::new(ErrorKind::InvalidArgument, operation, detail));
    let timeout = match duration {
        None => 0,
        Some(d) if d.is_zero() => return invalid("the duration is zero"),
        Some(d) => match i64::try_from(d.as_nanos()) {
            Ok(ns) => ns,
            Err(_) => return invalid("the duration does not fit Go's time.Duration"),
        },
    };
    let limit = match runs {
        None => 0,
        Some(0) => return invalid("the run limit is zero"),
        Some(n) => match i64::try_from(n) {
            Ok(n) => n,
            Err(_) => return invalid("the run limit does not fit Go's int64"),
        },
    };
    if (timeout, limit) == (0, 0) {
        return invalid("give a duration or a run limit (or both): Go's worker would not stop");
    }
    Ok((timeout, limit))
}

impl Worker {
    /// Creates the region (an anonymous memfd of `value_capacity` value bytes, sealed against
    /// shrinking: Go's worker only `fstat`s and maps its fd 5, so it needs no file, and nothing
    /// is left on disk however this process ends), starts the worker and pings it. Fails with a message that says why
    /// when the binary cannot be started, is not a Go test binary, has no fuzz target of that
    /// name, or the target fails before calling `F.Fuzz`, including what the worker printed.
    pub fn start(mut options: WorkerOptions) -> Result<Worker> {
        options.validate()?;
        if options.binary.is_relative() {
            let cwd = std::env::current_dir().map_err(|e| Error::io(START, e))?;
            options.binary = cwd.join(&options.binary);
        }
        let mem = SharedMem::create_memfd(options.value_capacity)?;
        let mut args: Vec<OsString> = vec![
            "-test.fuzzworker".into(),
            "-test.paniconexit0".into(),
            format!("-test.fuzzcachedir={UNUSED_CACHE_DIR}").into(),
            format!("-test.fuzz=^{}$", options.target).into(),
        ];
        args.extend(options.args.iter().cloned());
        let warmup = Call::Fuzz(FuzzArgs {
            timeout: 0,
            limit: 0,
            warmup: true,
            coverage_data: None,
        });
        // Unknown (None) when the binary is not an ELF file (a wrapper script, say): then the
        // first run that succeeds tells.
        let coverage_len = super::counters::counters_in_binary(&options.binary)
            .ok()
            .flatten();
        let mut worker = Worker {
            options,
            args,
            mem: Some(mem),
            process: None,
            mask_sent: false,
            coverage_len,
            restarts: 0,
            ping_call: rpc::encode_call(&Call::Ping {}),
            warmup_call: rpc::encode_call(&warmup),
            line: Vec::with_capacity(64 << 10),
            last: Last {
                outcome: Outcome::Ok,
                message: String::new(),
                coverage: Vec::new(),
                entry: Vec::new(),
                count: 0,
                duration: Duration::ZERO,
                exit: None,
                rand_state: 0,
                rand_inc: 0,
            },
        };
        worker.start_process()?;
        Ok(worker)
    }

    /// The region shared with the worker. Between calls it holds the last entry sent (or, after
    /// a minimize, the result) and the header the worker left.
    pub fn region(&self) -> &SharedMem {
        self.mem.as_ref().expect("the region lives until shutdown")
    }

    pub(super) fn region_mut(&mut self) -> &mut SharedMem {
        self.mem.as_mut().expect("the region lives until shutdown")
    }

    /// The options the worker was started with (the binary path made absolute).
    pub fn options(&self) -> &WorkerOptions {
        &self.options
    }

    /// Process id of the current worker process, `None` between a death and the next call.
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(Process::id)
    }

    /// Times the worker process was started again after a death or a timeout.
    pub fn restarts(&self) -> u64 {
        self.restarts
    }

    /// The number of coverage counters in the binary (0 when it has none). Known from the
    /// start for an ELF binary (read from its `.go.fuzzcntrs` section, where Go's linker puts
    /// them), otherwise after the first run that succeeded (a failing run carries no
    /// counters); `None` until then.
    pub fn coverage_len(&self) -> Option<usize> {
        self.coverage_len
    }

    /// The result of the last call, as its call returned it.
    pub fn last_result(&self) -> RunResult<'_> {
        RunResult {
            outcome: self.last.outcome,
            message: &self.last.message,
            coverage: &self.last.coverage,
            count: self.last.count,
            duration: self.last.duration,
            entry: &self.last.entry,
            exit: self.last.exit,
            rand_state: self.last.rand_state,
            rand_inc: self.last.rand_inc,
        }
    }

    /// Starts a process if none is running (the first start, or after a death or timeout);
    /// calls do this themselves. For a host that watches the process from outside (its memory,
    /// say): afterwards [`pid`](Self::pid) names the process the next call will use, unless
    /// that one is found dead by the call and replaced.
    pub fn ensure_running(&mut self) -> Result<()> {
        if self.process.is_none() {
            self.start_process()?;
            self.restarts += 1;
        }
        Ok(())
    }

    fn start_process(&mut self) -> Result<()> {
        self.mask_sent = false;
        self.process = Some(self.spawn_and_ping()?);
        Ok(())
    }

    /// Sends `call` and waits for the response line; on death or timeout the process is reaped
    /// and gone. A worker that died before making any run for this call (the header's `count`
    /// is still the 0 set before the call, and the worker counts each run before making it)
    /// died between calls or while reading the call, not because of the input: it is
    /// restarted and the call sent again, once.
    pub(super) fn exchange(&mut self, call: &[u8], wait: Deadlines) -> Result<Reply> {
        let reply = self.exchange_once(call, wait)?;
        if matches!(reply, Reply::Died { .. }) && self.region().count() == 0 {
            return self.exchange_once(call, wait);
        }
        Ok(reply)
    }

    fn exchange_once(&mut self, call: &[u8], wait: Deadlines) -> Result<Reply> {
        self.ensure_running()?;
        let process = self.process.as_mut().expect("ensure_running started one");
        // The only clock reading of a call that goes well: clock reads are slow on some
        // virtual machines.
        let sent = Instant::now();
        if process.is_gone() {
            // It died since the last call; nothing of this call has run.
            return self.bury(Burial::Reap, sent);
        }
        match process.send(call, sent + self.options.timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::TimedOut => return self.bury(Burial::Kill, sent),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                return self.bury(Burial::Reap, sent)
            }
            Err(e) => return Err(Error::io(CALL, e)),
        }
        let read = process
            .read_line(&mut self.line, sent, wait)
            .map_err(|e| Error::io(CALL, e))?;
        match read {
            LineRead::Line(_) => Ok(Reply::Answered),
            LineRead::Eof => self.bury(Burial::Reap, sent),
            LineRead::Timeout => self.bury(Burial::Kill, sent),
        }
    }

    /// Ends the current process: reaps a dead one (after giving it `STOP_STEP` to finish
    /// exiting) or kills a hung one, and says so with its output.
    fn bury(&mut self, burial: Burial, sent: Instant) -> Result<Reply> {
        let elapsed = sent.elapsed();
        let mut process = self.process.take().expect("a running process");
        Ok(match burial {
            Burial::Reap => Reply::Died {
                exit: process
                    .reap_exited(STOP_STEP)
                    .map_err(|e| Error::io(CALL, e))?,
                output: process.output_text(),
                elapsed,
            },
            Burial::Kill => Reply::TimedOut {
                exit: process.kill(STOP_STEP).map_err(|e| Error::io(CALL, e))?,
                output: process.output_text(),
                elapsed,
            },
        })
    }

    /// Sends the precomputed warmup call: run the entry in the region exactly once.
    pub(super) fn exchange_warmup(&mut self) -> Result<Reply> {
        let call = std::mem::take(&mut self.warmup_call);
        let wait = Deadlines {
            limit: Some(self.options.timeout),
            progress: None,
        };
        let reply = self.exchange(&call, wait);
        self.warmup_call = call;
        reply
    }

    /// A protocol violation: the worker answered something that is not the expected JSON. The
    /// process is killed (its state is unknown) and restarted by the next call.
    pub(super) fn protocol_error(&mut self, what: &str, err: impl std::fmt::Display) -> Error {
        let line = String::from_utf8_lossy(&self.line[..self.line.len().min(200)]).into_owned();
        if let Some(mut process) = self.process.take() {
            let _ = process.kill(STOP_STEP);
        }
        Error::new(
            ErrorKind::Io,
            CALL,
            format!("the worker's {what} is not valid: {err}; it began {line:?}"),
        )
    }

    /// Stops the worker the way Go's coordinator does (close fuzz_in; SIGINT after 1 s;
    /// SIGKILL after another), reaps it and closes the region. Returns how the last process ended (`None` when none was running). A
    /// Go worker exits with code 70 on a clean stop after any failed run.
    pub fn stop(mut self) -> Result<Option<Exit>> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<Option<Exit>> {
        let mut first_error = None;
        let exit = match self.process.take() {
            Some(mut process) => match process.stop(STOP_STEP) {
                Ok(exit) => Some(exit),
                Err(e) => {
                    first_error = Some(Error::io("stop worker", e));
                    None
                }
            },
            None => None,
        };
        if let Some(mem) = self.mem.take() {
            if let Err(e) = mem.close() {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(exit), Err)
    }
}

// A worker may move to another thread (calls need `&mut`, so it is never shared).
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<Worker>();
};

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("binary", &self.options.binary)
            .field("target", &self.options.target)
            .field("pid", &self.pid())
            .field("restarts", &self.restarts)
            .finish_non_exhaustive()
    }
}
