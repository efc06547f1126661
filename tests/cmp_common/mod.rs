//! Shared by the comparison tests: the Go targets of `testdata/gocmp`, built once per test
//! process with the hook object linked in (and once without), and a worker attached to a ring.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use gofuzz_shm::cmp::{self, build_test_binary, BuildOptions, CmpRing};
use gofuzz_shm::worker::{Worker, WorkerOptions};

#[path = "../worker_common/mod.rs"]
mod worker_common;
pub use worker_common::have_go;

/// Builds `testdata/gocmp` for `target` (any pattern instruments the whole package) under a
/// name private to this process, then renames, so concurrent test processes never see a
/// half-written binary.
fn build(flavour: &str, hooks: bool) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gocmp");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join(format!("{flavour}.test"));
    let tmp = out_dir.join(format!("{flavour}.{}.tmp", std::process::id()));
    let mut options = BuildOptions::new(manifest.join("testdata/gocmp"), "FuzzMagic", &tmp);
    options.hooks = hooks;
    options.env = vec![
        ("GOWORK".into(), "off".into()),
        ("GOTOOLCHAIN".into(), "local".into()),
    ];
    build_test_binary(&options).unwrap_or_else(|e| panic!("build {flavour}: {e}"));
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// The targets with the comparison hooks linked in.
pub fn hooked_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build("hooked", true))
}

/// The same targets built without the hooks.
pub fn plain_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build("plain", false))
}

/// A worker of `target` in `binary` writing its comparisons into `ring`.
pub fn start(binary: &Path, target: &str, ring: &CmpRing) -> Worker {
    let mut options = WorkerOptions::new(binary, target);
    options.timeout = Duration::from_secs(5);
    cmp::attach(ring, &mut options);
    Worker::start(options).unwrap_or_else(|e| panic!("start {target}: {e}"))
}
