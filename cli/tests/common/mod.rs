//! Shared by the command's tests: the `gofuzz-shm` binary, Go test binaries built once per
//! test process with the real toolchain, and checks every invocation must pass.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[path = "../../../tests/tools/mod.rs"]
mod tools;
#[allow(unused_imports)] // not every test crate that includes this module needs them
pub use tools::{go, have_go};

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The Go package of the library's worker tests.
pub fn gotargets_dir() -> PathBuf {
    repo_root().join("testdata/gotargets")
}

/// Builds `package_dir` with `go test -c -fuzz=<pattern>` (coverage counters) into cargo's
/// scratch directory; under a name private to this process first, so concurrent test
/// processes never see a half-written binary.
pub fn build(package_dir: &Path, name: &str, fuzz_pattern: &str) -> PathBuf {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-gotargets");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join(format!("{name}.test"));
    let tmp = out_dir.join(format!("{name}.{}.tmp", std::process::id()));
    let status = go()
        .current_dir(package_dir)
        .args(["test", "-c", &format!("-fuzz={fuzz_pattern}"), "-o"])
        .arg(&tmp)
        .arg(".")
        .status()
        .expect("the go tool runs");
    assert!(status.success(), "go test -c failed: {status}");
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// testdata/gotargets built with coverage counters.
pub fn targets_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&gotargets_dir(), "gotargets", "FuzzAccept"))
}

/// A `gofuzz-shm` command.
pub fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gofuzz-shm"));
    // A panic would print a backtrace with this set; the command must never panic.
    command.env("RUST_BACKTRACE", "1");
    command
}

/// What a finished command left, with the checks every invocation must pass.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub stdout_bytes: Vec<u8>,
}

pub fn ran(output: Output) -> Ran {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "a panic reached the user:\n{stderr}"
    );
    Ran {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
        stdout_bytes: output.stdout,
    }
}

pub fn run_cli(args: &[&str]) -> Ran {
    ran(cli().args(args).output().unwrap())
}

/// A corpus entry holding one `[]byte` written as a Go string literal (plain ASCII only).
pub fn bytes_entry(text: &str) -> Vec<u8> {
    assert!(text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') && !text.contains(['"', '\\']));
    format!("go test fuzz v1\n[]byte(\"{text}\")\n").into_bytes()
}

/// Copies the Go package at `from` (its files, not subdirectories) into `to`, for runs of
/// `go test` that put files into its testdata/.
pub fn copy_package(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}
