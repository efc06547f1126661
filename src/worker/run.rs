//! Running one exact input: Go's warmup fuzz call, which runs the entry in the region once,
//! unmutated, and returns the coverage counters of that run.

use std::time::Duration;

use super::host::{Last, Reply, Worker};
use super::process::Exit;
use super::rpc::{self, FuzzResponse};
use super::start::output_section;
use super::{Outcome, RunResult};
use crate::corpus::{self, Value};
use crate::error::{Error, ErrorKind};

type Result<T, E = Error> = std::result::Result<T, E>;

impl Worker {
    /// Runs one encoded corpus entry (`go test fuzz v1` followed by one line per argument of
    /// the fuzz target) exactly once. `Err` only when the call could not be made: the entry
    /// does not fit the region (`TooLarge`, nothing sent), the worker rejected it as
    /// unparsable (`InvalidArgument`, with Go's reason), or the worker could not be
    /// (re)started or broke the protocol.
    ///
    /// An entry whose values do not match the target's parameters is run by Go all the same
    /// and fails inside `reflect` ("Call using int as type []uint8"): a [`Outcome::Crash`],
    /// which [`signature::call_mismatch`](crate::signature::call_mismatch) tells apart from a
    /// bug of the target.
    pub fn run(&mut self, entry: &[u8]) -> Result<RunResult<'_>> {
        self.put_entry(entry)?;
        self.run_region_entry()?;
        Ok(self.last_result())
    }

    /// Runs the fuzz target on a single `[]byte` argument: [`run`](Self::run) on the corpus
    /// entry [`corpus::encode`] makes of it (which the result's `entry` holds).
    pub fn run_bytes(&mut self, data: &[u8]) -> Result<RunResult<'_>> {
        let entry = corpus::encode(&[Value::Bytes(data.to_vec())]);
        self.run(&entry)
    }

    /// Writes `entry` into the region for the next call, with `count` reset, as Go's
    /// coordinator does, and keeps a copy as the result's entry. Fails before changing
    /// anything when it does not fit.
    pub(super) fn put_entry(&mut self, entry: &[u8]) -> Result<()> {
        let mem = self.region_mut();
        if entry.len() > mem.capacity() {
            return Err(Error::new(
                ErrorKind::TooLarge,
                "worker call",
                format!(
                    "the entry is {} bytes, the region's value capacity {}",
                    entry.len(),
                    mem.capacity()
                ),
            ));
        }
        mem.set_count(0);
        mem.set_value(entry)?;
        self.last.entry.clear();
        self.last.entry.extend_from_slice(entry);
        Ok(())
    }

    /// The warmup call on the entry [`put_entry`](Self::put_entry) wrote; fills `last`.
    pub(super) fn run_region_entry(&mut self) -> Result<()> {
        let reply = self.exchange_warmup()?;
        self.last.rand_state = 0;
        self.last.rand_inc = 0;
        match reply {
            Reply::Answered => {
                self.apply_fuzz_response("the worker could not run the entry")?;
                if self.last.outcome == Outcome::Ok {
                    self.coverage_len = Some(self.last.coverage.len());
                }
            }
            Reply::Died {
                exit,
                output,
                elapsed,
            } => self.record_death(exit, &output, elapsed, "running the input"),
            Reply::TimedOut {
                exit,
                output,
                elapsed,
            } => self.record_timeout(exit, &output, elapsed, "the input"),
        }
        Ok(())
    }

    /// Fills `last` from the fuzz response in `line`. The worker's `InternalErr` (it could not
    /// do the call; not a crash) is an `InvalidArgument` error prefixed with `could_not`; a
    /// response that does not parse is a protocol error.
    pub(super) fn apply_fuzz_response(&mut self, could_not: &str) -> Result<()> {
        let count = self.mem_count();
        match apply_response(&self.line, &mut self.last, count) {
            Ok(()) => Ok(()),
            Err(Fault::Internal(text)) => Err(Error::new(
                ErrorKind::InvalidArgument,
                "worker call",
                format!("{could_not}: {text}"),
            )),
            Err(Fault::Json(e)) => Err(self.protocol_error("response to a fuzz call", e)),
            Err(Fault::Base64(e)) => Err(self.protocol_error("coverage data", e)),
        }
    }

    pub(super) fn mem_count(&self) -> i64 {
        self.region().count()
    }

    /// Fills `last` for a worker that died during a call. Go's worker has its own 10 s
    /// watchdog ("panic: deadlocked!"); a death by it is reported as the timeout it is.
    pub(super) fn record_death(
        &mut self,
        exit: Exit,
        output: &str,
        elapsed: Duration,
        doing: &str,
    ) {
        if output.contains("panic: deadlocked!") {
            let message = format!(
                "the worker's own watchdog stopped a run that took over 10 s while {doing} \
                 (it panics with \"deadlocked!\"; worker {exit}).{}",
                output_section(output)
            );
            self.fill_failure(Outcome::Timeout, exit, message, elapsed);
            return;
        }
        let note = match exit {
            Exit::Code(70) => {
                "; 70 is Go's exit code for an internal error of the fuzzing machinery"
            }
            Exit::Signal(libc::SIGKILL | libc::SIGHUP | libc::SIGINT | libc::SIGTERM) => {
                "; Go's coordinator does not count a death by this signal as a crash: another \
                 process such as the OOM killer likely sent it"
            }
            _ => "",
        };
        let message = format!(
            "the worker died while {doing}: {exit}{note}.{}",
            output_section(output)
        );
        self.fill_failure(Outcome::WorkerDied, exit, message, elapsed);
    }

    /// Fills `last` for a worker killed because `what` ran past the timeout.
    pub(super) fn record_timeout(
        &mut self,
        exit: Exit,
        output: &str,
        elapsed: Duration,
        what: &str,
    ) {
        let message = format!(
            "{what} ran longer than the per-call timeout of {:?}; {}.{}",
            self.options.timeout,
            killed(exit),
            output_section(output)
        );
        self.fill_failure(Outcome::Timeout, exit, message, elapsed);
    }

    fn fill_failure(&mut self, outcome: Outcome, exit: Exit, message: String, elapsed: Duration) {
        let count = self.mem_count();
        let last = &mut self.last;
        last.outcome = outcome;
        last.message = message;
        last.coverage.clear();
        last.count = count;
        last.duration = elapsed;
        last.exit = Some(exit);
    }
}

/// Why a fuzz response could not be applied.
enum Fault {
    /// The worker could not do the call (Go's `InternalErr`).
    Internal(String),
    Json(serde_json::Error),
    Base64(base64::DecodeError),
}

/// Fills `last` from a fuzz response line: outcome, message, coverage, count, duration.
fn apply_response(line: &[u8], last: &mut Last, count: i64) -> Result<(), Fault> {
    let resp: FuzzResponse = serde_json::from_slice(line).map_err(Fault::Json)?;
    if !resp.internal_err.is_empty() {
        return Err(Fault::Internal(resp.internal_err.into_owned()));
    }
    last.count = count;
    last.duration = nanos(resp.total_duration);
    last.exit = None;
    last.message.clear();
    if resp.err.is_empty() {
        last.outcome = Outcome::Ok;
        match &resp.coverage_data {
            Some(text) => rpc::decode_coverage(text, &mut last.coverage).map_err(Fault::Base64)?,
            None => last.coverage.clear(),
        }
    } else {
        last.outcome = Outcome::Crash;
        last.message.push_str(&resp.err);
        last.coverage.clear();
    }
    Ok(())
}

/// Go's `time.Duration` (nanoseconds, signed) as a `Duration`; negative ones are zero.
pub(super) fn nanos(ns: i64) -> Duration {
    Duration::from_nanos(u64::try_from(ns).unwrap_or(0))
}

/// What became of a worker this host killed with SIGKILL: that, or how it ended first.
pub(super) fn killed(exit: Exit) -> String {
    match exit {
        Exit::Signal(libc::SIGKILL) => "the worker was killed with SIGKILL".to_owned(),
        other => format!("the worker was to be killed but ended first ({other})"),
    }
}
