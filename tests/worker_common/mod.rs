//! Shared by the worker tests: the Go test binaries of `testdata/gotargets`, built once per
//! test process with the real toolchain, and entry helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use gofuzz_shm::worker::{Worker, WorkerOptions};

#[path = "../tools/mod.rs"]
mod tools;
#[allow(unused_imports)] // not every test crate that includes this module needs them
pub use tools::have_go;

/// Built binaries live in cargo's scratch directory for integration tests, under a name that
/// includes the build flavour; each test process rebuilds them (Go's build cache makes that
/// quick) so they always match the sources.
fn build(flavour: &str, fuzz: bool) -> PathBuf {
    build_with(flavour, fuzz, &[])
}

/// Like the coverage build, with more `go test -c` flags (e.g. `-ldflags=-s`), under the name
/// `flavour`.
pub fn build_with(flavour: &str, fuzz: bool, flags: &[&str]) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gotargets");
    std::fs::create_dir_all(&out_dir).unwrap();
    // The release's name is part of the file's, for `make test-go-releases`.
    let toolchain = tools::toolchain();
    let out = out_dir.join(format!("{flavour}-{toolchain}.test"));
    // Build under a name private to this process, then rename: concurrent test processes
    // never see a half-written binary.
    let tmp = out_dir.join(format!("{flavour}-{toolchain}.{}.tmp", std::process::id()));
    let mut command = tools::go();
    command
        .current_dir(manifest.join("testdata/gotargets"))
        .args(["test", "-c"]);
    if fuzz {
        // Any pattern turns on the coverage instrumentation for the whole package.
        command.arg("-fuzz=FuzzAccept");
    }
    command.args(flags);
    command.arg("-o").arg(&tmp).arg(".");
    let status = command.status().expect("the go tool runs");
    assert!(status.success(), "go test -c failed: {status}");
    tools::assert_built_by_toolchain(&tmp);
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// The targets built with `go test -c -fuzz=…`: with coverage counters.
pub fn fuzz_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build("fuzz", true))
}

/// The targets built with plain `go test -c`: no counters.
pub fn plain_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build("plain", false))
}

/// Options for `target` in the coverage build, with a short per-call timeout so that hangs
/// are found quickly (still far above any honest run here).
pub fn options(target: &str) -> WorkerOptions {
    let mut options = WorkerOptions::new(fuzz_binary(), target);
    options.timeout = Duration::from_secs(3);
    options
}

pub fn start(target: &str) -> Worker {
    Worker::start(options(target)).unwrap_or_else(|e| panic!("start {target}: {e}"))
}

/// A corpus entry holding one `[]byte` written as a Go string literal (ASCII only here).
pub fn bytes_entry(text: &str) -> Vec<u8> {
    assert!(text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') && !text.contains(['"', '\\']));
    format!("go test fuzz v1\n[]byte(\"{text}\")\n").into_bytes()
}
