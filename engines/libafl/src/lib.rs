//! LibAFL for Go: an executor and observers that run inputs in real, unmodified Go fuzz
//! workers (test binaries built with `go test -c -fuzz=FuzzX`) hosted by
//! [gofuzz-shm](gofuzz_shm), so that a LibAFL fuzzer of your own composition fuzzes Go fuzz
//! targets with Go's coverage counters.
//!
//! - [`GoExecutor`] runs each input once in a [`Worker`](gofuzz_shm::worker::Worker): the
//!   engine's bytes become a `go test fuzz v1` corpus entry ([`EntryEncoder`]; [`BytesEntry`]
//!   for a target taking one `[]byte`), the worker runs it, and Go's verdict becomes LibAFL's
//!   ([`ExitKind::Crash`](libafl::executors::ExitKind) for a failure or a worker death,
//!   `Timeout` for a hang), with Go's message kept for the report.
//! - [`GoCountersObserver`] is Go's coverage counters as a LibAFL map observer;
//!   [`counters_observer`] sizes it from the binary (or, where the binary does not say, from a
//!   warmup run).
//! - [`GoMutatorStage`] lets Go's own mutator work inside the worker, in bursts, and hands
//!   what it finds to LibAFL (needs the host to rebuild Go's mutated inputs).
//! - [`GoCmpObserver`] turns the comparisons a worker built with the hook object records
//!   into LibAFL's `CmpValuesMetadata`, for its input-to-state mutator (`I2SRandReplace`)
//!   after a [`GoTracingStage`].
//! - [`CleanShMemProvider`] is shared memory for LLMP (LibAFL's multi-process and multi-node
//!   event bus) that no process outlives, even one killed with SIGKILL.
//!
//! The `gofuzz-shm fuzz` command is a complete multi-core fuzzer built from these parts and
//! LibAFL's `Launcher`.
//!
//! # Example
//!
//! A single-process fuzzer in the shape of LibAFL's `baby_fuzzer` examples, for a target
//! `FuzzFrame(f *testing.F)` whose fuzz function takes one `[]byte`:
//!
//! ```no_run
//! use gofuzz_shm::worker::{Worker, WorkerOptions};
//! use gofuzz_shm_libafl::{counters_observer, BytesEntry, EntryEncoder, GoExecutor};
//! use libafl::corpus::{Corpus, InMemoryCorpus};
//! use libafl::events::SimpleEventManager;
//! use libafl::feedbacks::{CrashFeedback, MaxMapFeedback, TimeoutFeedback};
//! use libafl::fuzzer::{Evaluator, Fuzzer, StdFuzzer};
//! use libafl::inputs::BytesInput;
//! use libafl::monitors::SimpleMonitor;
//! use libafl::mutators::{havoc_mutations, HavocScheduledMutator};
//! use libafl::schedulers::QueueScheduler;
//! use libafl::stages::StdMutationalStage;
//! use libafl::state::{HasSolutions, StdState};
//! use libafl::feedback_or_fast;
//! use libafl_bolts::rands::StdRand;
//! use libafl_bolts::tuples::{tuple_list, Handled};
//!
//! // The unmodified test binary, built with `go test -c -fuzz=FuzzFrame -o frame.test`.
//! let mut worker = Worker::start(WorkerOptions::new("./frame.test", "FuzzFrame"))?;
//!
//! // The map's size is Go's counter count: from the binary, else from a warmup input.
//! let seed = b"hello".to_vec();
//! let mut warmup = Vec::new();
//! BytesEntry.encode_entry(&seed, &mut warmup);
//! let counters = counters_observer("go-counters", &mut worker, [warmup.as_slice()])?;
//!
//! let mut feedback = MaxMapFeedback::new(&counters);
//! let mut objective = feedback_or_fast!(CrashFeedback::new(), TimeoutFeedback::new());
//! let mut state = StdState::new(
//!     StdRand::with_seed(1),
//!     InMemoryCorpus::<BytesInput>::new(),
//!     InMemoryCorpus::new(),
//!     &mut feedback,
//!     &mut objective,
//! )?;
//! let mut mgr = SimpleEventManager::new(SimpleMonitor::new(|s| println!("{s}")));
//! let mut fuzzer = StdFuzzer::new(QueueScheduler::new(), feedback, objective);
//!
//! let handle = counters.handle();
//! let mut executor = GoExecutor::new(worker, BytesEntry, tuple_list!(counters), handle);
//! fuzzer.add_input(&mut state, &mut executor, &mut mgr, BytesInput::new(seed))?;
//!
//! // Up to 2^3 stacked mutations: LibAFL's default 2^7 scrambles the short inputs of Go targets.
//! let mut stages = tuple_list!(StdMutationalStage::new(
//!     HavocScheduledMutator::with_max_stack_pow(havoc_mutations(), 3)
//! ));
//! while state.solutions().count() == 0 {
//!     fuzzer.fuzz_one(&mut stages, &mut executor, &mut state, &mut mgr)?;
//! }
//! for failure in executor.take_failures() {
//!     // Go's own text for the failure; `failure.entry` is the corpus file to save under
//!     // testdata/fuzz/FuzzFrame/ for `go test` to reproduce it.
//!     println!("{:?}: {}", failure.outcome, failure.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod cmp;
mod entry;
mod executor;
mod observers;
mod shmem;
mod stage;

pub use cmp::{GoCmpObserver, GoTracingStage};
pub use entry::{BytesEntry, EntryEncoder};
pub use executor::{Failure, GoExecutor};
pub use observers::{counters_observer, GoCountersObserver};
pub use shmem::CleanShMemProvider;
pub use stage::GoMutatorStage;
