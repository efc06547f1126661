//! The executor against real Go workers: Go's verdicts become LibAFL's exit kinds, Go's
//! counters fill the observer, and a LibAFL fuzzer composed as in the crate's example finds
//! a bug planted behind a magic and a version byte.

mod common;

use std::time::Duration;

use common::*;
use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};
use gofuzz_shm_libafl::{counters_observer, BytesEntry, EntryEncoder, GoExecutor, GoMutatorStage};
use libafl::corpus::HasCurrentCorpusId;
use libafl::corpus::{Corpus, InMemoryCorpus};
use libafl::events::SimpleEventManager;
use libafl::executors::{Executor, ExitKind, HasObservers};
use libafl::feedback_or_fast;
use libafl::feedbacks::{CrashFeedback, MaxMapFeedback, TimeoutFeedback};
use libafl::fuzzer::{Evaluator, Fuzzer, StdFuzzer};
use libafl::inputs::BytesInput;
use libafl::monitors::NopMonitor;
use libafl::mutators::{havoc_mutations, HavocScheduledMutator};
use libafl::schedulers::QueueScheduler;
use libafl::stages::{Stage, StdMutationalStage};
use libafl::state::{HasCorpus, HasExecutions, HasSolutions, StdState};
use libafl_bolts::rands::StdRand;
use libafl_bolts::tuples::{tuple_list, Handled, MatchNameRef};

type State = StdState<InMemoryCorpus<BytesInput>, BytesInput, StdRand, InMemoryCorpus<BytesInput>>;

fn worker(target: &str) -> Worker {
    let mut options = WorkerOptions::new(binary(), target);
    options.timeout = Duration::from_secs(5);
    Worker::start(options).expect("the worker starts")
}

fn entry(bytes: &[u8]) -> Vec<u8> {
    let mut entry = Vec::new();
    BytesEntry.encode_entry(bytes, &mut entry);
    entry
}

#[test]
fn verdicts_and_counters_are_gos() {
    if !have_go() {
        return;
    }
    for target in ["FuzzFrame", "FuzzKill"] {
        let mut w = worker(target);
        let observer = counters_observer("go", &mut w, [entry(b"hello").as_slice()]).unwrap();
        let len = observer.len();
        assert!(len > 100, "{target}: {len} counters");
        let handle = observer.handle();
        let mut executor = GoExecutor::new(w, BytesEntry, tuple_list!(observer), handle.clone());
        let mut state: State = StdState::new(
            StdRand::with_seed(0),
            InMemoryCorpus::<BytesInput>::new(),
            InMemoryCorpus::new(),
            &mut (),
            &mut (),
        )
        .unwrap();
        let mut mgr = SimpleEventManager::<BytesInput, _, State>::new(NopMonitor {});
        let mut run = |executor: &mut GoExecutor<_, _>, state: &mut _, bytes: &[u8]| {
            executor
                .run_target(&mut (), state, &mut mgr, &BytesInput::new(bytes.to_vec()))
                .unwrap()
        };

        assert_eq!(run(&mut executor, &mut state, b"GOF\x01\x00"), ExitKind::Ok);
        let lit = executor
            .observers()
            .get(&handle)
            .unwrap()
            .iter()
            .filter(|&&c| c != 0)
            .count();
        assert!(lit > 0, "{target}: the run's counters are in the observer");
        assert!(executor.counters_seen() >= lit);
        assert!(executor.take_failures().is_empty());

        let (bad, outcome, says): (&[u8], _, _) = match target {
            "FuzzFrame" => (b"GOF\x02\x05ab", Outcome::Crash, "index out of range"),
            _ => (b"KIL", Outcome::WorkerDied, "exit code 3"),
        };
        assert_eq!(
            run(&mut executor, &mut state, bad),
            ExitKind::Crash,
            "{target}"
        );
        let failures = executor.take_failures();
        assert_eq!(failures.len(), 1, "{target}");
        assert_eq!(failures[0].outcome, outcome, "{target}");
        assert_eq!(
            failures[0].entry,
            entry(bad),
            "{target}: the entry that failed"
        );
        assert!(
            failures[0].message.contains(says),
            "{target}: {}",
            failures[0].message
        );

        // The worker lives on (or was restarted) for the next input.
        assert_eq!(
            run(&mut executor, &mut state, b"fine"),
            ExitKind::Ok,
            "{target}"
        );
        assert_eq!(*state.executions(), 3);

        // Halted by a failure: inputs are not run until resumed.
        let mut executor = executor.halt_on_failure(true);
        assert_eq!(
            run(&mut executor, &mut state, bad),
            ExitKind::Crash,
            "{target}"
        );
        assert!(executor.halted());
        assert_eq!(
            run(&mut executor, &mut state, bad),
            ExitKind::Ok,
            "{target}: not run"
        );
        assert_eq!(*state.executions(), 4, "{target}: not counted");
        assert_eq!(executor.take_failures().len(), 1, "{target}");
        executor.resume();
        assert_eq!(
            run(&mut executor, &mut state, bad),
            ExitKind::Crash,
            "{target}"
        );
        executor.stop().unwrap();
    }
}

#[test]
fn the_counter_count_comes_from_the_binary() {
    if !have_go() {
        return;
    }
    // No warmup input: the host read the count from the binary's counter section.
    let mut w = worker("FuzzFrame");
    let known = w.coverage_len().expect("known from the ELF binary");
    let observer = counters_observer("go", &mut w, std::iter::empty()).unwrap();
    assert_eq!(observer.len(), known);
    assert!(known > 100, "{known}");
}

/// The crate's example, run for real: LibAFL's havoc mutations, guided by Go's counters,
/// climb the magic "GOF" and the version byte of FuzzFrame and find its out-of-range index.
#[test]
fn a_libafl_fuzzer_finds_the_planted_bug() {
    if !have_go() {
        return;
    }
    let mut w = worker("FuzzFrame");
    // The seed has the magic's first two bytes (as the package's testdata seed does).
    let seed = b"GO\x00\x00\x00\x00".to_vec();
    let counters = counters_observer("go", &mut w, [entry(&seed).as_slice()]).unwrap();
    let mut feedback = MaxMapFeedback::new(&counters);
    let mut objective = feedback_or_fast!(CrashFeedback::new(), TimeoutFeedback::new());
    let mut state = StdState::new(
        StdRand::with_seed(
            std::env::var("SEED")
                .map(|p| p.parse().unwrap())
                .unwrap_or(7),
        ),
        InMemoryCorpus::<BytesInput>::new(),
        InMemoryCorpus::new(),
        &mut feedback,
        &mut objective,
    )
    .unwrap();
    let mut mgr = SimpleEventManager::new(NopMonitor {});
    let mut fuzzer = StdFuzzer::new(QueueScheduler::new(), feedback, objective);
    let handle = counters.handle();
    let mut executor = GoExecutor::new(w, BytesEntry, tuple_list!(counters), handle);
    fuzzer
        .add_input(&mut state, &mut executor, &mut mgr, BytesInput::new(seed))
        .unwrap();
    // At most 8 stacked mutations (LibAFL's default is 128, which scrambles short inputs).
    let pow: usize = std::env::var("POW")
        .map(|p| p.parse().unwrap())
        .unwrap_or(3);
    let mut stages = tuple_list!(StdMutationalStage::new(
        HavocScheduledMutator::with_max_stack_pow(havoc_mutations(), pow)
    ));
    // A hang guard, not a timing assertion: the bug is found in far fewer runs.
    while state.solutions().count() == 0 && *state.executions() < 3_000_000 {
        fuzzer
            .fuzz_one(&mut stages, &mut executor, &mut state, &mut mgr)
            .unwrap();
    }
    let failures = executor.take_failures();
    eprintln!(
        "found after {} runs; corpus {}, {} counters seen",
        state.executions(),
        state.corpus().count(),
        executor.counters_seen()
    );
    assert!(
        !failures.is_empty(),
        "no failure in {} runs",
        state.executions()
    );
    assert!(failures[0]
        .entry
        .starts_with(b"go test fuzz v1\n[]byte(\"GOF\\x02"));
    assert!(
        failures[0].message.contains("index out of range"),
        "{}",
        failures[0].message
    );
}

/// Go's mutator as a stage: a burst of Go's own mutations runs inside the worker, with the
/// executor's coverage mask, and counts as executions.
#[test]
fn the_go_mutator_stage_runs_bursts_in_the_worker() {
    if !have_go() {
        return;
    }
    let mut w = worker("FuzzDeep");
    let seed = vec![b'x'; 64];
    let counters = counters_observer("go", &mut w, [entry(&seed).as_slice()]).unwrap();
    let mut feedback = MaxMapFeedback::new(&counters);
    let mut objective = feedback_or_fast!(CrashFeedback::new(), TimeoutFeedback::new());
    let mut state: State = StdState::new(
        StdRand::with_seed(1),
        InMemoryCorpus::new(),
        InMemoryCorpus::new(),
        &mut feedback,
        &mut objective,
    )
    .unwrap();
    let mut mgr = SimpleEventManager::<BytesInput, _, State>::new(NopMonitor {});
    let mut fuzzer = StdFuzzer::new(QueueScheduler::new(), feedback, objective);
    let handle = counters.handle();
    let mut executor = GoExecutor::new(w, BytesEntry, tuple_list!(counters), handle);
    let id = fuzzer
        .add_input(&mut state, &mut executor, &mut mgr, BytesInput::new(seed))
        .unwrap();
    assert!(!executor.coverage_mask().is_empty());
    state.set_corpus_id(id).unwrap();
    let before = *state.executions();
    let mut stage = GoMutatorStage::new(2000);
    stage
        .perform(&mut fuzzer, &mut executor, &mut state, &mut mgr)
        .unwrap();
    let burst = *state.executions() - before;
    // Go's mutator ran in the worker: up to the limit, or fewer when a mutation reached new
    // coverage (then the burst ends early).
    assert!((1..=2000).contains(&burst), "{burst} runs");
    eprintln!("a Go fuzz burst ran {burst} mutations in the worker");
}

/// Go's mutator alone, as the only stage: the inputs it rebuilds after a burst that lit new
/// counters enter LibAFL's corpus, and from them it climbs FuzzFrame's magic to the planted
/// bug. No LibAFL mutation runs, so every corpus entry past the seed and the solution are the
/// stage's rebuilt inputs.
#[test]
fn the_go_mutator_stage_alone_grows_the_corpus_and_finds_the_bug() {
    if !have_go() {
        return;
    }
    let mut w = worker("FuzzFrame");
    let seed = b"GO\x00\x00\x00\x00".to_vec();
    let counters = counters_observer("go", &mut w, [entry(&seed).as_slice()]).unwrap();
    let mut feedback = MaxMapFeedback::new(&counters);
    let mut objective = feedback_or_fast!(CrashFeedback::new(), TimeoutFeedback::new());
    let mut state: State = StdState::new(
        StdRand::with_seed(1),
        InMemoryCorpus::new(),
        InMemoryCorpus::new(),
        &mut feedback,
        &mut objective,
    )
    .unwrap();
    let mut mgr = SimpleEventManager::<BytesInput, _, State>::new(NopMonitor {});
    let mut fuzzer = StdFuzzer::new(QueueScheduler::new(), feedback, objective);
    let handle = counters.handle();
    let mut executor = GoExecutor::new(w, BytesEntry, tuple_list!(counters), handle);
    fuzzer
        .add_input(
            &mut state,
            &mut executor,
            &mut mgr,
            BytesInput::new(seed.clone()),
        )
        .unwrap();
    let mut stages = tuple_list!(GoMutatorStage::new(1000));
    // A hang guard, not a timing assertion.
    while state.solutions().count() == 0 && *state.executions() < 5_000_000 {
        fuzzer
            .fuzz_one(&mut stages, &mut executor, &mut state, &mut mgr)
            .unwrap();
    }
    let failures = executor.take_failures();
    eprintln!(
        "Go's mutator alone: found after {} runs; corpus {}",
        state.executions(),
        state.corpus().count()
    );
    assert!(
        state.corpus().count() > 1,
        "no rebuilt input entered the corpus"
    );
    let grown = state
        .corpus()
        .cloned_input_for_id(state.corpus().nth(1))
        .unwrap();
    assert_ne!(grown.as_ref() as &[u8], seed.as_slice());
    assert!(
        !failures.is_empty(),
        "no failure in {} runs",
        state.executions()
    );
    assert!(
        failures[0]
            .entry
            .starts_with(b"go test fuzz v1\n[]byte(\"GOF\\x02"),
        "{}",
        String::from_utf8_lossy(&failures[0].entry)
    );
}
