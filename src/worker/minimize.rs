//! Go's minimizer on a failing entry, one `[]byte`/`string` value at a time, with recovery of
//! the raw bytes a dying worker leaves in the region.

use std::time::Instant;

use super::host::{go_limits, Reply, Worker};
use super::process::Deadlines;
use super::rpc::{self, Call, MinimizeArgs, MinimizeResponse};
use super::{MinimizeLimits, Outcome, RunResult};
use crate::corpus::{self, Value};
use crate::error::{Error, ErrorKind, Result};

const MINIMIZE: &str = "worker minimize";

impl Worker {
    /// Shrinks a failing entry with Go's own minimizer, as Go's coordinator does after a
    /// crash: one minimize call per `[]byte` or `string` value of the entry, each starting from
    /// the previous result, within `limits` overall.
    ///
    /// The result's `entry` is the smallest entry known to fail and `outcome`/`message` say how
    /// it fails: [`Outcome::Crash`] with Go's output for it when minimization finished
    /// normally. When a candidate killed or hung the worker, the raw bytes Go's minimizer left
    /// in the region (`rawInMem`) are re-encoded into an entry and run once more to confirm
    /// they reproduce — Go can leave stale bytes there — and the result is that entry with the
    /// outcome of the confirming run; otherwise it falls back to the last entry known to fail,
    /// run again for its outcome. Nothing is lost: the original entry is the last fallback.
    /// An entry that does not fail comes back unchanged with [`Outcome::Ok`].
    ///
    /// `count` is the number of runs, the confirming ones included.
    ///
    /// Errors: `InvalidArgument` when neither limit is given, when the entry does not decode
    /// (Go's worker would panic on it) or has no `[]byte`/`string` value.
    pub fn minimize(&mut self, entry: &[u8], limits: MinimizeLimits) -> Result<RunResult<'_>> {
        self.minimize_with(entry, limits, None)
    }

    /// Shrinks an entry that found new coverage with Go's own minimizer, keeping that
    /// coverage, as Go's coordinator does before adding such an input to its corpus: a
    /// candidate is kept when it lights every counter of `keep` that the entry lit (Go's
    /// `KeepCoverage`: pass the counters the entry lit outside the mask it was found with,
    /// one byte per counter, [`Worker::coverage_len`] long).
    ///
    /// The result: [`Outcome::Ok`] with `entry` = the smallest entry found that keeps the
    /// coverage and `coverage` = its counters (from one more run of it: the counters Go
    /// reports are those of its last candidate). If a candidate fails instead, that failure is
    /// more important (as in Go): minimization goes on as for [`Worker::minimize`] and the
    /// result is the crash. If the entry as given does not light any counter of `keep`, or
    /// a limit stopped minimization before any result, the entry is run once and that run is
    /// the result, with a note in `message`. Deaths and hangs are handled as in
    /// [`Worker::minimize`].
    ///
    /// Errors: as [`Worker::minimize`], plus `InvalidArgument` when `keep` is not
    /// [`Worker::coverage_len`] bytes long (or the counter count is not known yet) or has no
    /// bit set.
    pub fn minimize_keeping(
        &mut self,
        entry: &[u8],
        keep: &[u8],
        limits: MinimizeLimits,
    ) -> Result<RunResult<'_>> {
        let invalid =
            |detail: String| Err(Error::new(ErrorKind::InvalidArgument, MINIMIZE, detail));
        match self.coverage_len {
            Some(n) if n == keep.len() => {}
            Some(n) => {
                return invalid(format!(
                    "the coverage to keep is {} bytes; the binary has {n} counters",
                    keep.len()
                ))
            }
            None => {
                return invalid(
                    "the counter count is not known yet: keep coverage comes from a run or \
                     fuzz call of this worker"
                        .into(),
                )
            }
        }
        if keep.iter().all(|&b| b == 0) {
            return invalid("the coverage to keep has no counter set".into());
        }
        self.minimize_with(entry, limits, Some(keep))
    }

    fn minimize_with(
        &mut self,
        entry: &[u8],
        limits: MinimizeLimits,
        keep: Option<&[u8]>,
    ) -> Result<RunResult<'_>> {
        let (_, runs) = go_limits(MINIMIZE, limits.duration, limits.runs)?;
        let invalid =
            |detail: String| Err(Error::new(ErrorKind::InvalidArgument, MINIMIZE, detail));
        let values = match corpus::decode(entry) {
            Ok(values) => values,
            Err(e) => return invalid(format!("the entry is not a valid corpus entry: {e}")),
        };
        let indices: Vec<usize> = (0..values.len())
            .filter(|&i| matches!(values[i], Value::Bytes(_) | Value::String(_)))
            .collect();
        if indices.is_empty() {
            return invalid("the entry has no []byte or string value to minimize".into());
        }

        let started = Instant::now();
        let mut state = Progress {
            best: entry.to_vec(),
            best_values: values,
            go_message: None,
            runs: 0,
            keep: keep.map(<[u8]>::to_vec),
            wrote: false,
        };
        self.put_entry(entry)?;
        // A stale flag from an earlier death must not pass for this call's raw bytes.
        self.region_mut().set_raw_in_mem(false);
        let mut ending = Ending::Finished;
        for (n, &index) in indices.iter().enumerate() {
            let remaining = match limits.duration {
                Some(d) => match d.checked_sub(started.elapsed()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => break,
                },
                None => None,
            };
            if runs > 0 && self.mem_count() >= runs {
                break;
            }
            let call = rpc::encode_call(&Call::Minimize(MinimizeArgs {
                timeout: remaining.map_or(0, |d| d.as_nanos() as i64),
                // The header's count is not reset between the calls for the values of one
                // entry, so the overall limit applies to every call as it is.
                limit: runs,
                keep_coverage: state.keep.as_deref(),
                index,
            }));
            let wait = Deadlines {
                limit: remaining.map(|d| d + self.options.timeout),
                progress: Some(self.options.timeout),
            };
            let reply = self.exchange(&call, wait)?;
            state.runs = self.mem_count();
            match reply {
                Reply::Answered => {
                    let resp: MinimizeResponse = match serde_json::from_slice(&self.line) {
                        Ok(resp) => resp,
                        Err(e) => return Err(self.protocol_error("response to a minimize call", e)),
                    };
                    if resp.wrote_to_mem {
                        if !resp.err.is_empty() {
                            state.go_message = Some(resp.err.into_owned());
                            // A failure outranks coverage: from now on, minimize the crash.
                            state.keep = None;
                        }
                        let written = self.region().value_copy()?;
                        match corpus::decode(&written) {
                            Ok(values) => state.best_values = values,
                            Err(e) => return Err(self.protocol_error("minimized entry", e)),
                        }
                        state.best = written;
                        state.wrote = true;
                    } else if n == 0 && state.go_message.is_none() {
                        // Go's minimizer first runs the entry as given; it did not fail (or,
                        // keeping coverage, did not keep it).
                        ending = Ending::DoesNotFail;
                        break;
                    }
                }
                Reply::Died { exit, output, .. } => {
                    self.record_death(exit, &output, started.elapsed(), "minimizing");
                    ending = Ending::Died { index };
                    break;
                }
                Reply::TimedOut { exit, output, .. } => {
                    self.record_timeout(
                        exit,
                        &output,
                        started.elapsed(),
                        "a minimization candidate",
                    );
                    ending = Ending::Died { index };
                    break;
                }
            }
        }
        self.finish_minimize(state, ending, started)?;
        Ok(self.last_result())
    }

    fn finish_minimize(
        &mut self,
        mut state: Progress,
        ending: Ending,
        started: Instant,
    ) -> Result<()> {
        match ending {
            Ending::Finished => match state.go_message.take() {
                None if state.keep.is_some() && state.wrote => {
                    // Go reports the counters of its last candidate, not necessarily of the
                    // result: one more run gives the result's own.
                    let best = std::mem::take(&mut state.best);
                    self.confirm_counting(&best, &mut state)?;
                }
                Some(message) => {
                    let last = &mut self.last;
                    last.outcome = Outcome::Crash;
                    last.message = message;
                    last.exit = None;
                    last.coverage.clear();
                    last.entry = state.best;
                }
                // Stopped by a limit before Go reported anything: the entry as given.
                None => {
                    let best = std::mem::take(&mut state.best);
                    self.confirm_counting(&best, &mut state)?;
                    self.last
                        .message
                        .insert_str(0, "minimization stopped at its limit before any result: ");
                }
            },
            Ending::DoesNotFail if state.keep.is_some() => {
                let best = std::mem::take(&mut state.best);
                self.confirm_counting(&best, &mut state)?;
                self.last.message.insert_str(
                    0,
                    "the entry did not keep the coverage when Go's minimizer ran it (it lit no \
                     counter to keep, or it failed), so there was nothing to minimize; this is \
                     the entry run again: ",
                );
            }
            Ending::DoesNotFail => {
                let last = &mut self.last;
                last.outcome = Outcome::Ok;
                last.message = "the entry did not fail when Go's minimizer ran it, so there was \
                                nothing to minimize (Go's coordinator reports this as \"could \
                                not reproduce\")"
                    .to_owned();
                last.exit = None;
                last.coverage.clear();
                last.entry = state.best;
            }
            Ending::Died { index } => {
                let death = std::mem::take(&mut self.last.message);
                if self.region().raw_in_mem() {
                    self.recover_raw(&mut state, index, &death)?;
                } else {
                    // It died on the entry itself, before minimizing anything.
                    self.last.message = format!(
                        "the entry itself makes the worker fail this way, before minimization \
                         could start: {death}"
                    );
                    self.last.entry = state.best;
                }
            }
        }
        self.last.count = state.runs;
        self.last.duration = started.elapsed();
        self.last.rand_state = 0;
        self.last.rand_inc = 0;
        Ok(())
    }

    /// The worker died on a candidate while the region held its raw bytes: rebuild the entry
    /// around them and run it to confirm; fall back to the last entry known to fail.
    fn recover_raw(&mut self, state: &mut Progress, index: usize, death: &str) -> Result<()> {
        let raw = self.region().value_copy();
        let candidate = raw.ok().map(|raw| {
            let mut values = state.best_values.clone();
            values[index] = match values[index] {
                Value::String(_) => Value::String(raw),
                _ => Value::Bytes(raw),
            };
            corpus::encode(&values)
        });
        if let Some(candidate) = candidate {
            self.confirm_counting(&candidate, state)?;
            if self.last.outcome != Outcome::Ok {
                self.last.message = format!(
                    "while minimizing value {index}, a candidate stopped the worker ({death}); \
                     the candidate, recovered from the region, reproduces when run again: {}",
                    self.last.message
                );
                return Ok(());
            }
            let stale = String::from_utf8_lossy(&candidate).into_owned();
            let best = std::mem::take(&mut state.best);
            self.confirm_counting(&best, state)?;
            self.last.message = format!(
                "while minimizing value {index}, a candidate stopped the worker ({death}); the \
                 raw bytes it left in the region, as the entry {stale:?}, do not reproduce when \
                 run again (Go's minimizer can leave stale bytes there), so this is the last \
                 entry known to fail, run again: {}",
                self.last.message
            );
        } else {
            let best = std::mem::take(&mut state.best);
            self.confirm_counting(&best, state)?;
            self.last.message = format!(
                "while minimizing value {index}, a candidate stopped the worker ({death}); the \
                 region's value length was invalid, so this is the last entry known to fail, \
                 run again: {}",
                self.last.message
            );
        }
        Ok(())
    }

    /// Runs `entry` once and makes that the result; counts the run.
    fn confirm_counting(&mut self, entry: &[u8], state: &mut Progress) -> Result<()> {
        self.put_entry(entry)?;
        self.run_region_entry()?;
        state.runs += self.last.count;
        Ok(())
    }
}

/// What minimization has established so far.
struct Progress {
    /// The smallest entry known to fail (at first, the entry as given).
    best: Vec<u8>,
    best_values: Vec<Value>,
    /// Go's failure text for `best`, once a minimize call reported it.
    go_message: Option<String>,
    /// Runs so far.
    runs: i64,
    /// The coverage to keep (Go's `KeepCoverage`) while no failure is known.
    keep: Option<Vec<u8>>,
    /// A minimize call wrote a result.
    wrote: bool,
}

enum Ending {
    /// Every value was minimized, or a limit stopped it.
    Finished,
    /// The entry as given does not fail.
    DoesNotFail,
    /// The worker died or hung while minimizing this value; `last` holds that failure.
    Died { index: usize },
}
