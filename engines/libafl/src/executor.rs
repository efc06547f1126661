//! [`GoExecutor`]: LibAFL's executor for a Go fuzz worker hosted by gofuzz-shm.

use std::fmt;

use gofuzz_shm::worker::{Exit, Outcome, Worker};
use libafl::executors::{Executor, ExitKind, HasObservers};
use libafl::inputs::HasTargetBytes;
use libafl::state::HasExecutions;
use libafl::Error;
use libafl_bolts::tuples::{Handle, MatchNameRef, RefIndexable};

use crate::entry::EntryEncoder;
use crate::observers::GoCountersObserver;

/// An input that failed: what LibAFL reports as a crash or a timeout, with what Go said.
#[derive(Debug, Clone)]
pub struct Failure {
    /// [`Outcome::Crash`], [`Outcome::WorkerDied`] or [`Outcome::Timeout`].
    pub outcome: Outcome,
    /// The encoded corpus entry that failed: written to a file under its Go name, `go test
    /// -run=FuzzX/<name>` reproduces it.
    pub entry: Vec<u8>,
    /// Go's failure text (t.Fatal's message, the panic and its stack) or how the worker died.
    pub message: String,
}

/// Runs each input once in a real Go fuzz worker and fills Go's coverage counters into a
/// [`GoCountersObserver`] (found in the observers by its handle).
///
/// Verdicts are Go's: a failing fuzz function or a worker that died is
/// [`ExitKind::Crash`], a run past the worker's timeout [`ExitKind::Timeout`]. A worker killed
/// by SIGINT, SIGTERM, SIGHUP or SIGKILL from outside (Ctrl-C on the terminal, the OOM killer)
/// is not a failure of the input, as for Go's coordinator: the run counts as
/// [`ExitKind::Ok`] with no coverage, and [`interruptions`](Self::interruptions) says so. The
/// worker is restarted by the next run. Each failure is also kept, with Go's message, for
/// [`take_failures`](Self::take_failures).
pub struct GoExecutor<E, OT> {
    worker: Worker,
    encoder: E,
    observers: OT,
    counters: Handle<GoCountersObserver>,
    entry: Vec<u8>,
    /// One byte per counter: every bit any run's counter had (Go's coverage mask).
    seen: Vec<u8>,
    seen_count: usize,
    failures: Vec<Failure>,
    interruptions: u64,
    halt_on_failure: bool,
    halted: bool,
}

impl<E, OT> GoExecutor<E, OT> {
    /// An executor running inputs in `worker`, each mapped to a corpus entry by `encoder`.
    /// `counters` is the handle of the [`GoCountersObserver`] among `observers` (see
    /// [`counters_observer`](crate::counters_observer) for making one of the right size).
    pub fn new(
        worker: Worker,
        encoder: E,
        observers: OT,
        counters: Handle<GoCountersObserver>,
    ) -> Self {
        GoExecutor {
            worker,
            encoder,
            observers,
            counters,
            entry: Vec::new(),
            seen: Vec::new(),
            seen_count: 0,
            failures: Vec::new(),
            interruptions: 0,
            halt_on_failure: false,
            halted: false,
        }
    }

    /// Stop running inputs after the first failure, as `go test -fuzz` does: later calls of
    /// `run_target` return [`ExitKind::Ok`] at once, without running the input or counting
    /// an execution (their observers stay empty, so nothing is kept), until
    /// [`resume`](Self::resume). A LibAFL stage runs a batch of inputs; this makes the batch
    /// end at the failure instead of finding more of them.
    pub fn halt_on_failure(mut self, halt: bool) -> Self {
        self.halt_on_failure = halt;
        self
    }

    /// Whether a failure halted the executor (see [`halt_on_failure`](Self::halt_on_failure)).
    pub fn halted(&self) -> bool {
        self.halted
    }

    /// Runs inputs again after a halt.
    pub fn resume(&mut self) {
        self.halted = false;
    }

    /// The hosted worker.
    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    /// The hosted worker, e.g. for a stage that lets Go's own mutator work.
    pub fn worker_mut(&mut self) -> &mut Worker {
        &mut self.worker
    }

    /// The encoder from engine bytes to corpus entries.
    pub fn encoder_mut(&mut self) -> &mut E {
        &mut self.encoder
    }

    /// The failures since the last call, oldest first.
    pub fn take_failures(&mut self) -> Vec<Failure> {
        std::mem::take(&mut self.failures)
    }

    /// Go coverage counters lit by at least one run of this executor so far.
    pub fn counters_seen(&self) -> usize {
        self.seen_count
    }

    /// Go's coverage mask: per counter, the OR of the values every run so far gave it (what
    /// Go's coordinator sends with a fuzz call). Empty before the first run that succeeded.
    pub fn coverage_mask(&self) -> &[u8] {
        &self.seen
    }

    /// Runs whose worker was killed from outside (not counted as failures).
    pub fn interruptions(&self) -> u64 {
        self.interruptions
    }

    /// Stops the worker (Go's stop sequence) and returns it nothing: dropping the executor
    /// does the same, ignoring errors.
    pub fn stop(self) -> Result<(), Error> {
        self.worker
            .stop()
            .map(|_| ())
            .map_err(|e| Error::illegal_state(format!("stopping the Go worker: {e}")))
    }
}

/// ORs the counters of a run into the mask `seen`, counting counters lit the first time.
fn note_coverage(seen: &mut Vec<u8>, seen_count: &mut usize, coverage: &[u8]) {
    if seen.len() < coverage.len() {
        seen.resize(coverage.len(), 0);
    }
    for (seen, &hit) in seen.iter_mut().zip(coverage) {
        if hit != 0 && *seen == 0 {
            *seen_count += 1;
        }
        *seen |= hit;
    }
}

/// A death by one of these signals came from outside the target (Go's coordinator does not
/// count it as a crash either).
fn killed_from_outside(exit: Option<Exit>) -> bool {
    matches!(
        exit,
        Some(Exit::Signal(
            libc::SIGINT | libc::SIGTERM | libc::SIGHUP | libc::SIGKILL
        ))
    )
}

impl<E, OT> HasObservers for GoExecutor<E, OT> {
    type Observers = OT;

    fn observers(&self) -> RefIndexable<&Self::Observers, Self::Observers> {
        RefIndexable::from(&self.observers)
    }

    fn observers_mut(&mut self) -> RefIndexable<&mut Self::Observers, Self::Observers> {
        RefIndexable::from(&mut self.observers)
    }
}

impl<E, EM, I, OT, S, Z> Executor<EM, I, S, Z> for GoExecutor<E, OT>
where
    E: EntryEncoder,
    I: HasTargetBytes,
    OT: MatchNameRef,
    S: HasExecutions,
{
    fn run_target(
        &mut self,
        _fuzzer: &mut Z,
        state: &mut S,
        _mgr: &mut EM,
        input: &I,
    ) -> Result<ExitKind, Error> {
        if self.halted {
            return Ok(ExitKind::Ok);
        }
        *state.executions_mut() += 1;
        self.entry.clear();
        let bytes = input.target_bytes();
        self.encoder.encode_entry(&bytes, &mut self.entry);
        let result = self
            .worker
            .run(&self.entry)
            .map_err(|e| Error::illegal_state(format!("the Go worker could not run: {e}")))?;
        let kind = match result.outcome {
            Outcome::Ok => {
                let map = self.observers.get_mut(&self.counters).ok_or_else(|| {
                    Error::illegal_argument("the Go counters observer is not among the observers")
                })?;
                let n = map.len().min(result.coverage.len());
                map[..n].copy_from_slice(&result.coverage[..n]);
                note_coverage(&mut self.seen, &mut self.seen_count, &result.coverage[..n]);
                ExitKind::Ok
            }
            Outcome::WorkerDied if killed_from_outside(result.exit) => {
                self.interruptions += 1;
                return Ok(ExitKind::Ok);
            }
            Outcome::Crash | Outcome::WorkerDied => ExitKind::Crash,
            Outcome::Timeout => ExitKind::Timeout,
        };
        if kind != ExitKind::Ok {
            self.failures.push(Failure {
                outcome: result.outcome,
                entry: result.entry.to_vec(),
                message: result.message.to_owned(),
            });
            self.halted = self.halt_on_failure;
        }
        Ok(kind)
    }
}

impl<E, OT> fmt::Debug for GoExecutor<E, OT> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoExecutor")
            .field("worker", &self.worker)
            .field("counters_seen", &self.seen_count)
            .finish_non_exhaustive()
    }
}
