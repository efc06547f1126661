//! Input-to-state: the comparisons a hooked Go worker records, as LibAFL's comparison
//! metadata, for LibAFL's `I2SRandReplace`.

use std::borrow::Cow;

use gofuzz_shm::cmp::{CmpRing, CmpRun, Comparison};
use libafl::corpus::{Corpus, HasCurrentCorpusId};
use libafl::executors::{Executor, ExitKind, HasObservers};
use libafl::inputs::BytesInput;
use libafl::observers::cmp::{CmpValues, CmpValuesMetadata, CmplogBytes};
use libafl::observers::{Observer, ObserversTuple};
use libafl::stages::{Restartable, Stage};
use libafl::state::HasCorpus;
use libafl::{Error, HasMetadata};
use libafl_bolts::Named;
use serde::{Deserialize, Serialize};

/// The comparisons of each run, read from the [`CmpRing`] a worker built with the hook object
/// writes (see [`gofuzz_shm::cmp`]; attach the ring to the worker's options before it
/// starts). Before a run the ring is reset; after it, the run's comparisons replace the
/// state's [`CmpValuesMetadata`]: integers by width, strings as byte operands (cut at 32
/// bytes, LibAFL's limit). Go reports only string comparisons that found the strings
/// different, which are the ones worth replacing.
///
/// The ring stays with the process: an observer sent to another client arrives without one
/// and records nothing.
#[derive(Serialize, Deserialize)]
pub struct GoCmpObserver {
    name: Cow<'static, str>,
    #[serde(skip)]
    ring: Option<CmpRing>,
    #[serde(skip)]
    run: CmpRun,
}

impl std::fmt::Debug for GoCmpObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoCmpObserver")
            .field("name", &self.name)
            .field("comparisons", &self.run.comparisons().len())
            .finish()
    }
}

impl GoCmpObserver {
    /// An observer named `name` reading `ring`.
    pub fn new(name: &'static str, ring: CmpRing) -> Self {
        GoCmpObserver {
            name: Cow::Borrowed(name),
            ring: Some(ring),
            run: CmpRun::new(),
        }
    }

    /// An observer with no ring, that records nothing: for a binary built without the hooks,
    /// so the same fuzzer serves both.
    pub fn disabled(name: &'static str) -> Self {
        GoCmpObserver {
            name: Cow::Borrowed(name),
            ring: None,
            run: CmpRun::new(),
        }
    }

    /// The last run's comparisons.
    pub fn last_run(&self) -> &CmpRun {
        &self.run
    }

    fn values(&self) -> Vec<CmpValues> {
        let mut list = Vec::with_capacity(self.run.comparisons().len());
        for c in self.run.comparisons() {
            match *c {
                // Narrowing is exact: the operands were zero-extended from `size` bytes.
                Comparison::Int {
                    size,
                    is_const,
                    a,
                    b,
                    ..
                } => list.push(match size {
                    1 => CmpValues::U8((a as u8, b as u8, is_const)),
                    2 => CmpValues::U16((a as u16, b as u16, is_const)),
                    4 => CmpValues::U32((a as u32, b as u32, is_const)),
                    _ => CmpValues::U64((a, b, is_const)),
                }),
                Comparison::Str { a, b, .. } => {
                    let (a, b) = (self.run.bytes(&a), self.run.bytes(&b));
                    if !a.is_empty() && !b.is_empty() {
                        list.push(CmpValues::Bytes((cmplog_bytes(a), cmplog_bytes(b))));
                    }
                }
            }
        }
        list
    }
}

fn cmplog_bytes(data: &[u8]) -> CmplogBytes {
    let mut buf = [0u8; 32];
    let len = data.len().min(32);
    buf[..len].copy_from_slice(&data[..len]);
    CmplogBytes::from_buf_and_len(buf, len as u8)
}

impl Named for GoCmpObserver {
    fn name(&self) -> &Cow<'static, str> {
        &self.name
    }
}

impl<I, S: HasMetadata> Observer<I, S> for GoCmpObserver {
    fn pre_exec(&mut self, _state: &mut S, _input: &I) -> Result<(), Error> {
        if let Some(ring) = &mut self.ring {
            ring.reset();
        }
        Ok(())
    }

    fn post_exec(&mut self, state: &mut S, _input: &I, _exit: &ExitKind) -> Result<(), Error> {
        let Some(ring) = &mut self.ring else {
            return Ok(());
        };
        ring.collect(&mut self.run);
        let list = self.values();
        state.metadata_or_insert_with(CmpValuesMetadata::new).list = list;
        Ok(())
    }
}

/// Runs the current testcase once more with the observers, so that the comparison metadata
/// an input-to-state stage after it reads is that testcase's (LibAFL's `TracingStage` does
/// this with an executor of its own; here the one executor records comparisons on every run).
#[derive(Debug, Clone, Copy, Default)]
pub struct GoTracingStage;

impl<EX, EM, S, Z> Stage<EX, EM, S, Z> for GoTracingStage
where
    EX: Executor<EM, BytesInput, S, Z> + HasObservers,
    EX::Observers: ObserversTuple<BytesInput, S>,
    S: HasCorpus<BytesInput> + HasCurrentCorpusId,
{
    fn perform(
        &mut self,
        fuzzer: &mut Z,
        executor: &mut EX,
        state: &mut S,
        manager: &mut EM,
    ) -> Result<(), Error> {
        let Some(id) = state.current_corpus_id()? else {
            return Ok(());
        };
        let input = state.corpus().cloned_input_for_id(id)?;
        executor.observers_mut().pre_exec_all(state, &input)?;
        let exit = executor.run_target(fuzzer, state, manager, &input)?;
        executor
            .observers_mut()
            .post_exec_all(state, &input, &exit)?;
        Ok(())
    }
}

impl<S> Restartable<S> for GoTracingStage {
    fn should_restart(&mut self, _state: &mut S) -> Result<bool, Error> {
        Ok(true)
    }

    fn clear_progress(&mut self, _state: &mut S) -> Result<(), Error> {
        Ok(())
    }
}
