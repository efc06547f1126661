//! Letting Go's own mutator work: the fuzz call without warmup.

use super::host::{go_limits, Reply, Worker};
use super::process::Deadlines;
use super::rpc::{self, Call, FuzzArgs};
use super::{FuzzLimits, Outcome, RunResult};
use crate::corpus;
use crate::error::{Error, ErrorKind, Result};
use crate::mutator;

const FUZZ: &str = "worker fuzz";

impl Worker {
    /// Lets Go's mutator work from `entry` inside the worker until `limits.duration` passes,
    /// `limits.runs` runs are done, a run fails, or (with a mask) a run reaches coverage the
    /// mask lacks — Go's fuzz call, as its coordinator makes it.
    ///
    /// The result: `count` = runs done; [`Outcome::Crash`] with Go's failure text when a
    /// mutated input failed, [`Outcome::WorkerDied`] / [`Outcome::Timeout`] when one killed or
    /// hung the worker (the next call restarts it); `coverage` = the counters of the input that
    /// found new coverage (empty if none did); `rand_state`/`rand_inc` = the PRNG state the
    /// worker saved in the header.
    ///
    /// `entry`: when a run failed, killed or hung the worker, or found new coverage, the exact
    /// input of that run, encoded — rebuilt as Go's coordinator rebuilds it, by replaying Go's
    /// mutator ([`crate::mutator`]) on `entry` from the saved state, `(count - 1) % 5 + 1`
    /// mutations, with the region's capacity as Go's size limit. Otherwise (a limit ended the
    /// call) the entry the mutations started from. If the input cannot be rebuilt (only where
    /// Go's own worker would have failed on the entry), `entry` is the starting entry and
    /// `message` ends with a note saying why.
    ///
    /// With a mask whose length is not yet known ([`Worker::coverage_len`] is `None`), the
    /// entry is first run once unmutated to learn it; if that run fails, its result is
    /// returned. Without a mask, a mask sent by an earlier call is neutralised (Go's worker
    /// keeps the last mask it received).
    pub fn fuzz(&mut self, entry: &[u8], limits: FuzzLimits<'_>) -> Result<RunResult<'_>> {
        let (timeout_ns, limit) = go_limits(FUZZ, limits.duration, limits.runs)?;
        let neutral_mask;
        let mask = match limits.mask {
            Some(mask) => {
                if self.coverage_len.is_none() {
                    // Learn the counter count from one unmutated run of the entry.
                    if self.run(entry)?.outcome != Outcome::Ok {
                        return Ok(self.last_result());
                    }
                }
                let expected = self.coverage_len.unwrap_or_default();
                if mask.len() != expected {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        FUZZ,
                        format!(
                            "the coverage mask is {} bytes; the binary has {expected} counters",
                            mask.len()
                        ),
                    ));
                }
                Some(mask)
            }
            None if self.mask_sent => {
                // Every bit set: nothing counts as new, so coverage never ends the call.
                neutral_mask = vec![0xff; self.coverage_len.unwrap_or_default()];
                Some(neutral_mask.as_slice())
            }
            None => None,
        };

        self.put_entry(entry)?;
        let call = rpc::encode_call(&Call::Fuzz(FuzzArgs {
            timeout: timeout_ns,
            limit,
            warmup: false,
            coverage_data: mask,
        }));
        let wait = Deadlines {
            limit: limits.duration.map(|d| d + self.options.timeout),
            progress: Some(self.options.timeout),
        };
        let reply = self.exchange(&call, wait)?;
        self.fill_fuzz_result(reply, mask.is_some())?;
        Ok(self.last_result())
    }

    fn fill_fuzz_result(&mut self, reply: Reply, mask_sent: bool) -> Result<()> {
        match reply {
            Reply::Answered => {
                self.apply_fuzz_response("the worker could not fuzz the entry")?;
                if mask_sent {
                    self.mask_sent = true;
                }
            }
            Reply::Died {
                exit,
                output,
                elapsed,
            } => self.record_death(
                exit,
                &output,
                elapsed,
                "fuzzing (the input was a mutation of the entry)",
            ),
            Reply::TimedOut {
                exit,
                output,
                elapsed,
            } => self.record_timeout(exit, &output, elapsed, "a mutation of the entry"),
        }
        let mem = self.region();
        let (rand_state, rand_inc) = (mem.rand_state(), mem.rand_inc());
        self.last.rand_state = rand_state;
        self.last.rand_inc = rand_inc;
        self.rebuild_found_input();
        Ok(())
    }

    /// Replaces `last.entry` (the starting entry) with the input the worker's last run had,
    /// when that run is the result: it failed, killed or hung the worker, or found coverage.
    fn rebuild_found_input(&mut self) {
        let last = &self.last;
        let found = last.outcome != Outcome::Ok || !last.coverage.is_empty();
        if !found || last.count <= 0 {
            return;
        }
        // The worker's limits come from the capacity of the region it mapped: this one.
        let max_bytes = self.region().capacity();
        let rebuilt = corpus::decode(&last.entry)
            .map_err(|e| format!("the entry does not decode: {e}"))
            .and_then(|values| {
                mutator::rebuild(
                    &values,
                    last.rand_state,
                    last.rand_inc,
                    last.count,
                    max_bytes,
                )
                .map_err(|e| e.to_string())
            });
        match rebuilt {
            Ok(values) => self.last.entry = corpus::encode(&values),
            Err(why) => {
                let note = format!(
                    "(the input of run {} could not be rebuilt, so `entry` is the entry the \
                     mutations started from: {why})",
                    self.last.count
                );
                if !self.last.message.is_empty() {
                    self.last.message.push('\n');
                }
                self.last.message.push_str(&note);
            }
        }
    }
}
