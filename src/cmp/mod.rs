//! Comparison feedback from Go targets.
//!
//! Go's compiler instruments every comparison when it builds for fuzzing, but `go test -fuzz`
//! links empty hooks. Built with `-tags=libfuzzer`, a test binary calls C functions instead
//! (`__sanitizer_cov_trace_cmp*`, `__sanitizer_weak_hook_strcmp`, …); the hook object
//! [`HOOKS_C`] defines them and writes each comparison the fuzz function makes into a
//! [`CmpRing`] this host owns. [`build_test_binary`] builds such a binary; [`attach`] hands the
//! ring to the workers a [`crate::worker::Worker`] starts.
//!
//! ```no_run
//! use gofuzz_shm::cmp::{self, CmpRing};
//! use gofuzz_shm::worker::{Worker, WorkerOptions};
//!
//! let mut ring = CmpRing::new(cmp::DEFAULT_SLOTS)?;
//! let mut options = WorkerOptions::new("./pkg.test", "FuzzParse");
//! cmp::attach(&ring, &mut options);
//! let mut worker = Worker::start(options)?;
//! let mut seen = cmp::CmpRun::new();
//! ring.reset();
//! worker.run(b"go test fuzz v1\nstring(\"hello\")\n")?;
//! let stats = ring.collect(&mut seen);
//! println!("{} comparisons, {} dropped", stats.records, stats.dropped);
//! # Ok::<(), gofuzz_shm::Error>(())
//! ```
//!
//! Only the fuzz function's comparisons are recorded: the hook leaves out those the worker
//! makes decoding its call and the corpus entry and encoding its answer (see `hooks.c`). That
//! needs linux/amd64 and Go 1.20 or later ([`hooks_unsupported`] says why not).

mod binary;
mod ring;
mod tail;

pub use binary::{build_test_binary, compile_hooks, hooks_unsupported, BuildOptions, HooksObject};
pub use ring::{
    CmpRing, CmpRun, CmpStats, Comparison, StrOperand, DEFAULT_SLOTS, MAX_SLOTS, MAX_STRING,
};

use crate::worker::{InheritedFd, WorkerOptions};

/// The hook object's source: compiled with a C compiler and passed to Go's external linker.
pub const HOOKS_C: &str = include_str!("hooks.c");

/// The variable that tells the hook object which descriptor holds the ring.
pub const ENV_FD: &str = "GOFUZZSHM_CMP_FD";

/// The descriptor number the ring gets in a worker.
pub const WORKER_FD: i32 = 6;

/// Makes every worker started with `options` write its comparisons into `ring`: the ring's
/// memfd is inherited as descriptor [`WORKER_FD`] and [`ENV_FD`] names it. The options keep
/// the descriptor open; a binary built without the hook object ignores both.
pub fn attach(ring: &CmpRing, options: &mut WorkerOptions) {
    options.inherit.retain(|i| i.target != WORKER_FD);
    options.inherit.push(InheritedFd {
        target: WORKER_FD,
        fd: ring.shared_fd(),
    });
    options.extra_env.retain(|(name, _)| name != ENV_FD);
    options
        .extra_env
        .push((ENV_FD.into(), WORKER_FD.to_string().into()));
}
