//! One LibAFL client: a forked process on one core, with its own Go worker, that fuzzes
//! until the budget is spent, a failure is found, or it is told to stop.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use gofuzz_shm::cmp::{self, CmpRing};
use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};
use gofuzz_shm_libafl::{
    counters_observer, CleanShMemProvider, EntryEncoder, Failure, GoCmpObserver, GoExecutor,
    GoMutatorStage, GoTracingStage,
};
use libafl::corpus::{Corpus, InMemoryCorpus};
use libafl::events::{LlmpEventManager, SendExiting};
use libafl::feedback_or_fast;
use libafl::feedbacks::{CrashFeedback, MaxMapFeedback, TimeoutFeedback};
use libafl::fuzzer::{Evaluator, Fuzzer, StdFuzzer};
use libafl::inputs::BytesInput;
use libafl::mutators::{havoc_mutations, HavocScheduledMutator, I2SRandReplace};
use libafl::schedulers::QueueScheduler;
use libafl::stages::{IfStage, StdMutationalStage};
use libafl::state::{HasCorpus, HasExecutions, HasMaxSize, StdState};
use libafl_bolts::rands::StdRand;
use libafl_bolts::shmem::unix_shmem::UnixShMem;
use libafl_bolts::tuples::{tuple_list, Handled};

use super::control::{Control, Ended, Slot};
use super::signals;
use crate::names::write_corpus_file;
use gofuzz_shm::signature::Signature;

pub type State =
    StdState<InMemoryCorpus<BytesInput>, BytesInput, StdRand, InMemoryCorpus<BytesInput>>;
pub type Manager = LlmpEventManager<(), BytesInput, State, UnixShMem, CleanShMemProvider>;

/// Mutations per Go fuzz burst: large enough that the burst's fixed cost (one message each
/// way) is small beside Go's per-input cost, small enough that LibAFL's stages get their turn
/// and a `--runs` budget is not overshot by much.
const GO_BURST: u64 = 1000;

/// What every client does, decided by the parent before the fork.
pub struct Plan {
    pub binary: PathBuf,
    pub target: String,
    pub workdir: Option<PathBuf>,
    pub timeout: Duration,
    pub seeds: Vec<Vec<u8>>,
    pub signature: Signature,
    pub corpus_dir: Option<PathBuf>,
    pub crash_dir: PathBuf,
    pub keep_going: bool,
    /// The binary records comparisons (built with the hook object): add input-to-state.
    pub cmp: bool,
    pub deadline: Option<Instant>,
    pub runs: Option<u64>,
    pub seed: u64,
    pub max_len: usize,
    pub clients: usize,
    pub parent: libc::pid_t,
}

/// The client's whole life; ends the process.
pub fn run(plan: &Plan, control: Control, index: usize, core: usize, mut mgr: Manager) -> ! {
    let slot = control.slot(index);
    slot.start(core);
    signals::stop_on_signals(control);
    signals::stop_with_parent(plan.parent, control);
    let ended = match fuzz(plan, control, slot, index, &mut mgr) {
        Ok(ended) => ended,
        Err(e) => {
            eprintln!("gofuzz-shm fuzz: core {core}: {e}");
            control.request_stop();
            Ended::Error
        }
    };
    // Tell the broker this client is gone for good, so it can end when all are.
    let _ = mgr.send_exiting();
    slot.end(ended);
    std::process::exit(0)
}

fn fuzz(
    plan: &Plan,
    control: Control,
    slot: &Slot,
    index: usize,
    mgr: &mut Manager,
) -> Result<Ended, String> {
    let mut options = WorkerOptions::new(&plan.binary, &plan.target);
    options.timeout = plan.timeout;
    options.dir.clone_from(&plan.workdir);
    // A ring per client, for its own worker; without hooks it stays empty and the
    // input-to-state stage skips every input.
    let ring = if plan.cmp {
        let ring = CmpRing::new(cmp::DEFAULT_SLOTS).map_err(|e| e.to_string())?;
        cmp::attach(&ring, &mut options);
        Some(ring)
    } else {
        None
    };
    let mut worker = Worker::start(options).map_err(|e| e.to_string())?;

    // The map's size is Go's counter count, known after one run: warm up on the seeds (or
    // an empty input).
    let mut mapping = plan.signature.clone();
    let mut warmup: Vec<Vec<u8>> = Vec::new();
    for bytes in plan.seeds.iter().map(Vec::as_slice).chain([&b""[..]]) {
        let mut entry = Vec::new();
        mapping.encode_entry(bytes, &mut entry);
        warmup.push(entry);
    }
    let counters = counters_observer("go-counters", &mut worker, warmup.iter().map(Vec::as_slice))
        .map_err(|e| explain_warmup(&e.to_string()))?;

    let mut feedback = MaxMapFeedback::new(&counters);
    let mut objective = feedback_or_fast!(CrashFeedback::new(), TimeoutFeedback::new());
    let mut state: State = StdState::new(
        StdRand::with_seed(plan.seed.wrapping_add(index as u64)),
        InMemoryCorpus::new(),
        InMemoryCorpus::new(),
        &mut feedback,
        &mut objective,
    )
    .map_err(|e| e.to_string())?;
    state.set_max_size(plan.max_len);
    let mut fuzzer = StdFuzzer::new(QueueScheduler::new(), feedback, objective);
    let handle = counters.handle();
    let comparisons = match ring {
        Some(ring) => GoCmpObserver::new("go-cmp", ring),
        None => GoCmpObserver::disabled("go-cmp"),
    };
    let mut executor = GoExecutor::new(worker, mapping, tuple_list!(counters, comparisons), handle)
        .halt_on_failure(!plan.keep_going);

    for seed in &plan.seeds {
        fuzzer
            .evaluate_input(
                &mut state,
                &mut executor,
                mgr,
                &BytesInput::new(seed.clone()),
            )
            .map_err(|e| e.to_string())?;
    }
    if state.corpus().count() == 0 {
        fuzzer
            .add_input(&mut state, &mut executor, mgr, BytesInput::new(Vec::new()))
            .map_err(|e| e.to_string())?;
    }
    // Seeds are where they came from; what is found from here on is saved.
    let mut saved = state.corpus().count();

    // LibAFL's havoc stacks up to 2^7 mutations per input, which scrambles the short inputs
    // Go targets take; up to 2^3 found FuzzFrame's bug in a median of 19k runs over five
    // seeds, against 128k with 2^7 and 23k with 2^1 (engines/libafl/tests/executor.rs).
    // Beside havoc, Go's own mutator in the worker: a burst of up to GO_BURST mutations per
    // scheduled input runs at Go's speed (no round trip per input), knows the arguments'
    // types, and hands LibAFL the input it rebuilt when a mutation lit new counters.
    let with_cmp = plan.cmp;
    let mut stages = tuple_list!(
        StdMutationalStage::new(HavocScheduledMutator::with_max_stack_pow(
            havoc_mutations(),
            3
        )),
        GoMutatorStage::new(GO_BURST),
        // Input-to-state: the current input's comparisons, then operands found in the input
        // replaced by what they were compared with (exact strings, magic numbers).
        IfStage::new(
            move |_: &mut _, _: &mut _, _: &mut _, _: &mut _| Ok(with_cmp),
            tuple_list!(
                GoTracingStage,
                StdMutationalStage::new(HavocScheduledMutator::new(tuple_list!(
                    I2SRandReplace::new()
                ))),
            ),
        ),
    );
    loop {
        let failures = executor.take_failures();
        let found = !failures.is_empty();
        for failure in failures {
            report_failure(plan, slot, &failure)?;
        }
        saved = save_new_inputs(plan, &state, &mut executor, saved)?;
        slot.runs.store(*state.executions(), Ordering::Relaxed);
        slot.corpus
            .store(state.corpus().count() as u64, Ordering::Relaxed);
        slot.counters
            .store(executor.counters_seen() as u64, Ordering::Relaxed);
        if found && !plan.keep_going {
            control.request_stop();
            return Ok(Ended::Failure);
        }
        if signals::interrupted() {
            control.request_stop();
            return Ok(Ended::Interrupted);
        }
        if control.stop_requested() {
            return Ok(Ended::Budget);
        }
        let over_time = plan.deadline.is_some_and(|d| Instant::now() >= d);
        let over_runs = plan
            .runs
            .is_some_and(|n| control.total_runs(plan.clients) >= n);
        if over_time || over_runs {
            control.request_stop();
            return Ok(Ended::Budget);
        }
        match fuzzer.fuzz_one(&mut stages, &mut executor, &mut state, mgr) {
            Ok(_) => {}
            Err(libafl::Error::ShuttingDown) => return Ok(Ended::Budget),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// A warmup failure, with a hint when Go refused the arguments' types.
fn explain_warmup(text: &str) -> String {
    if gofuzz_shm::signature::call_mismatch(text).is_some() {
        format!(
            "{text}\nThe target's argument types are not the ones assumed: give --types, \
             or --pkg to discover them, or a seed of the target"
        )
    } else {
        text.to_owned()
    }
}

/// Writes a failing input to the crash directory under Go's name and says so on stderr.
fn report_failure(plan: &Plan, slot: &Slot, failure: &Failure) -> Result<(), String> {
    slot.failures.fetch_add(1, Ordering::Relaxed);
    let path = write_corpus_file(&plan.crash_dir, &failure.entry).map_err(|e| e.to_string())?;
    let what = match failure.outcome {
        Outcome::Crash => "crash",
        Outcome::WorkerDied => "worker died",
        Outcome::Timeout => "timeout",
        Outcome::Ok => "ok",
    };
    let core = slot.core.load(Ordering::Relaxed);
    let mut text = format!(
        "FAILURE ({what}) on core {core}, saved as {}\n",
        path.display()
    );
    for line in crate::run::elide_stacks(failure.message.trim_end()).lines() {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    eprint!("{text}");
    Ok(())
}

/// Saves the corpus entries added since `saved` (found here or received from other clients
/// and nodes) into the corpus directory as Go corpus files; returns the new count.
fn save_new_inputs<OT>(
    plan: &Plan,
    state: &State,
    executor: &mut GoExecutor<Signature, OT>,
    saved: usize,
) -> Result<usize, String> {
    let count = state.corpus().count();
    let Some(dir) = &plan.corpus_dir else {
        return Ok(count);
    };
    for n in saved..count {
        let id = state.corpus().nth(n);
        let input = state
            .corpus()
            .cloned_input_for_id(id)
            .map_err(|e| e.to_string())?;
        let mut entry = Vec::new();
        executor
            .encoder_mut()
            .encode_entry(input.as_ref(), &mut entry);
        write_corpus_file(dir, &entry).map_err(|e| e.to_string())?;
    }
    Ok(count)
}
