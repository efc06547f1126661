//! GoCmpObserver against a real hooked Go worker: a run's string comparison reaches LibAFL's
//! CmpValuesMetadata, and an observer without a ring records nothing.

mod common;

use common::*;
use gofuzz_shm::cmp::{self, CmpRing};
use gofuzz_shm::worker::{Worker, WorkerOptions};
use gofuzz_shm_libafl::GoCmpObserver;
use libafl::corpus::InMemoryCorpus;
use libafl::executors::ExitKind;
use libafl::inputs::BytesInput;
use libafl::observers::cmp::{CmpValues, CmpValuesMetadata};
use libafl::observers::Observer;
use libafl::state::StdState;
use libafl::HasMetadata;
use libafl_bolts::rands::StdRand;
use libafl_bolts::ToSlice;

type State = StdState<InMemoryCorpus<BytesInput>, BytesInput, StdRand, InMemoryCorpus<BytesInput>>;

fn state() -> State {
    let mut feedback = ();
    let mut objective = ();
    StdState::new(
        StdRand::with_seed(1),
        InMemoryCorpus::new(),
        InMemoryCorpus::new(),
        &mut feedback,
        &mut objective,
    )
    .unwrap()
}

#[test]
fn a_runs_string_comparison_becomes_cmp_values_metadata() {
    if !have_go() {
        return;
    }
    let ring = CmpRing::new(cmp::DEFAULT_SLOTS).unwrap();
    let mut options = WorkerOptions::new(hooked_binary(), "FuzzToken");
    cmp::attach(&ring, &mut options);
    let mut worker = Worker::start(options).unwrap();
    let mut observer = GoCmpObserver::new("cmp", ring);
    let mut st = state();
    let input = BytesInput::new(b"a seed of thirty-two bytes long!".to_vec());
    observer.pre_exec(&mut st, &input).unwrap();
    worker
        .run(b"go test fuzz v1\nstring(\"a seed of thirty-two bytes long!\")\n")
        .unwrap();
    observer.post_exec(&mut st, &input, &ExitKind::Ok).unwrap();
    let meta = st.metadata::<CmpValuesMetadata>().unwrap();
    let found = meta.list.iter().any(|v| match v {
        CmpValues::Bytes((a, b)) => {
            let (a, b) = (a.to_slice(), b.to_slice());
            (a == b"gofuzz-shm-token-7421" && b == b"a seed of thirty-two ")
                || (b == b"gofuzz-shm-token-7421" && a == b"a seed of thirty-two ")
        }
        _ => false,
    });
    assert!(found, "{:?}", meta.list);

    // Without a ring: nothing recorded, no metadata.
    let mut disabled = GoCmpObserver::disabled("cmp");
    let mut fresh = state();
    disabled.pre_exec(&mut fresh, &input).unwrap();
    disabled
        .post_exec(&mut fresh, &input, &ExitKind::Ok)
        .unwrap();
    assert!(fresh.metadata::<CmpValuesMetadata>().is_err());
}
