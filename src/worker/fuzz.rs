//! Letting Go's own mutator work: the fuzz call without warmup.

use super::host::{go_limits, Reply, Worker};
use super::process::Deadlines;
use super::rpc::{self, Call, FuzzArgs};
use super::{FuzzLimits, Outcome, RunResult};
use crate::error::{Error, ErrorKind, Result};

const FUZZ: &str = "worker fuzz";

impl Worker {
    /// Lets Go's mutator work from `entry` inside the worker until `limits.duration` passes,
    /// `limits.runs` runs are done, a run fails, or (with a mask) a run reaches coverage the
    /// mask lacks — Go's fuzz call, as its coordinator makes it.
    ///
    /// The result: `count` = runs done; [`Outcome::Crash`] with Go's failure text when a
    /// mutated input failed, [`Outcome::WorkerDied`] / [`Outcome::Timeout`] when one killed or
    /// hung the worker (the next call restarts it); `coverage` = the counters of the input that
    /// found new coverage (empty if none did); `entry` = the entry the mutations started
    /// from; `rand_state`/`rand_inc` = the PRNG state the worker saved in the header. The
    /// mutated input itself stays inside the worker: Go's coordinator rebuilds it by replaying
    /// Go's mutator from that state (`(count - 1) % 5 + 1` mutations), which this library does
    /// not reimplement.
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
        Ok(())
    }
}
