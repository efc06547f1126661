//! [`GoMutatorStage`]: Go's own mutator, inside the worker, as a LibAFL stage.

use gofuzz_shm::worker::{FuzzLimits, Outcome};
use libafl::corpus::{Corpus, HasCurrentCorpusId};
use libafl::fuzzer::Evaluator;
use libafl::inputs::{BytesInput, HasTargetBytes};
use libafl::stages::{Restartable, Stage};
use libafl::state::{HasCorpus, HasExecutions};
use libafl::Error;

use crate::entry::EntryEncoder;
use crate::executor::GoExecutor;

/// Lets Go's mutator work on the current testcase inside the worker, at Go's own speed (no
/// round trip per input): one fuzz burst of up to `runs` mutations, with the executor's
/// coverage mask as Go's coordinator sends it. A burst ends early when a mutation reaches
/// coverage outside the mask or fails; the host rebuilds that input from Go's PRNG state
/// (replaying Go's mutator) and this stage hands it to LibAFL (`evaluate_input`: run again,
/// so the observers and feedbacks see it, and kept in the corpus or the solutions).
///
/// Place it beside LibAFL's byte-level stages: Go's mutator knows the target's types (it
/// moves integers by small steps, flips bools, splices strings), LibAFL's havoc and
/// input-to-state replacement do what Go's does not.
///
/// Needs the host to return the rebuilt input in the result's `entry` (the mutator issue);
/// where it cannot, `entry` is the starting entry and the burst's finding is skipped.
#[derive(Debug, Clone)]
pub struct GoMutatorStage {
    runs: u64,
}

impl GoMutatorStage {
    /// A stage of bursts of at most `runs` mutations (Go's `Limit`; at least 1).
    pub fn new(runs: u64) -> Self {
        GoMutatorStage { runs: runs.max(1) }
    }
}

impl<E, EM, OT, S, Z> Stage<GoExecutor<E, OT>, EM, S, Z> for GoMutatorStage
where
    E: EntryEncoder,
    S: HasCorpus<BytesInput> + HasCurrentCorpusId + HasExecutions,
    Z: Evaluator<GoExecutor<E, OT>, EM, BytesInput, S>,
{
    fn perform(
        &mut self,
        fuzzer: &mut Z,
        executor: &mut GoExecutor<E, OT>,
        state: &mut S,
        manager: &mut EM,
    ) -> Result<(), Error> {
        let Some(id) = state.current_corpus_id()? else {
            return Ok(());
        };
        let input = state.corpus().cloned_input_for_id(id)?;
        let mut entry = Vec::new();
        executor
            .encoder_mut()
            .encode_entry(&input.target_bytes(), &mut entry);
        let mask = executor.coverage_mask().to_vec();
        if mask.is_empty() {
            // No run has shown the counters yet.
            return Ok(());
        }
        let limits = FuzzLimits {
            duration: None,
            runs: Some(self.runs),
            mask: Some(&mask),
        };
        let (found, count) = {
            let result = executor
                .worker_mut()
                .fuzz(&entry, limits)
                .map_err(|e| Error::illegal_state(format!("Go fuzz burst: {e}")))?;
            let interesting = result.outcome != Outcome::Ok || !result.coverage.is_empty();
            let rebuilt = result.entry != entry.as_slice();
            let found = (interesting && rebuilt).then(|| result.entry.to_vec());
            (found, u64::try_from(result.count).unwrap_or(0))
        };
        *state.executions_mut() += count;
        if let Some(found) = found {
            if let Some(bytes) = executor.encoder_mut().bytes_of_entry(&found) {
                fuzzer.evaluate_input(state, executor, manager, &BytesInput::new(bytes))?;
            }
        }
        Ok(())
    }
}

impl<S> Restartable<S> for GoMutatorStage {
    fn should_restart(&mut self, _state: &mut S) -> Result<bool, Error> {
        // A burst runs in the worker, not in this process: nothing to resume after a restart.
        Ok(true)
    }

    fn clear_progress(&mut self, _state: &mut S) -> Result<(), Error> {
        Ok(())
    }
}
