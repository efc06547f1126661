//! Signature discovery: the argument types of a fuzz target's `f.Fuzz` callback, found by
//! Go's own type checker.
//!
//! A small Go program (`discover/*.go`, standard library only) is written into a private
//! temporary directory and run there with the machine's `go run` on the package: it lists
//! the package with `go list -e -compiled -test -deps -export` (so the caller's environment
//! applies: `GOFLAGS` with build tags, modules, vendoring; dependencies come from export data
//! the build cache already holds, nothing is downloaded), type-checks the test variant and the
//! external test package with `go/types`, finds `func FuzzX(f *testing.F)`, its `f.Fuzz`
//! calls (also inside helpers of the package it passes `f` to), and reads the parameter types
//! of the argument's static type, whatever expression it is (a function literal, a named
//! function, a method value, a variable of function type). The directory is removed when
//! discovery returns.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

use super::error::{SignatureError, SignatureErrorKind};
use super::Signature;

const HELPER_FILES: [(&str, &str); 3] = [
    ("main.go", include_str!("discover/main.go")),
    ("alias_go122.go", include_str!("discover/alias_go122.go")),
    ("alias_old.go", include_str!("discover/alias_old.go")),
];

/// The helper's module: `go 1.18` so that any toolchain with native fuzzing builds it.
const HELPER_GO_MOD: &str = "module gofuzzshm.invalid/discover\n\ngo 1.18\n";

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    r#where: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    kind: String,
}

fn tooling(message: impl Into<String>) -> SignatureError {
    SignatureError::new(SignatureErrorKind::Tooling, message)
}

fn output_of(command: &mut Command, what: &str) -> Result<Output, SignatureError> {
    command.output().map_err(|e| {
        tooling(format!(
            "{what}: cannot run {:?}: {e} (discovery needs the Go toolchain on PATH)",
            command.get_program()
        ))
    })
}

/// `go env GOVERSION` as seen from `dir` (a module may select another toolchain).
fn go_version(go: &Path, dir: &Path) -> Result<String, SignatureError> {
    let out = output_of(
        Command::new(go).args(["env", "GOVERSION"]).current_dir(dir),
        "go env GOVERSION",
    )?;
    if !out.status.success() {
        return Err(SignatureError::new(
            SignatureErrorKind::Discover,
            format!(
                "go env GOVERSION in {}: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Variables set for building the helper; the caller's values are handed to the helper to
/// restore for `go list`, since they are meant for the caller's package.
const HELPER_ENV: [(&str, &str); 4] = [
    ("GOFLAGS", ""),
    ("GOWORK", "off"),
    ("GO111MODULE", "on"),
    ("CGO_ENABLED", "0"),
];

/// Writes the helper's module into `dir` and returns the `go run` command that builds and
/// runs it with the toolchain the package uses (so that it reads the export data that
/// toolchain writes). From Go 1.24 on, `go run` keeps the built helper in the build cache,
/// so only the first discovery links it.
fn helper_command(go: &Path, dir: &Path, package_version: &str) -> Result<Command, SignatureError> {
    for (name, text) in HELPER_FILES {
        std::fs::write(dir.join(name), text)
            .map_err(|e| tooling(format!("write {}: {e}", dir.join(name).display())))?;
    }
    std::fs::write(dir.join("go.mod"), HELPER_GO_MOD)
        .map_err(|e| tooling(format!("write {}: {e}", dir.join("go.mod").display())))?;
    let local = go_version(go, dir)?;
    let toolchain = if local == package_version {
        "local"
    } else {
        package_version
    };
    let mut command = Command::new(go);
    command.args(["run", "."]).current_dir(dir);
    for (name, value) in HELPER_ENV
        .iter()
        .copied()
        .chain([("GOTOOLCHAIN", toolchain)])
    {
        match std::env::var_os(name) {
            Some(original) => {
                let mut pair = std::ffi::OsString::from(format!("{name}="));
                pair.push(original);
                command.arg("-setenv").arg(pair);
            }
            None => {
                command.args(["-unsetenv", name]);
            }
        }
        command.env(name, value);
    }
    Ok(command)
}

/// How [`Signature::discover_with`] runs Go.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// The `go` command (default `go`, found on PATH).
    pub go: PathBuf,
    /// Build flags for the package, as `go test` takes them, e.g. `-tags=libfuzzer` (in
    /// addition to any `GOFLAGS` of the environment).
    pub build_flags: Vec<String>,
}

impl Default for DiscoverOptions {
    fn default() -> DiscoverOptions {
        DiscoverOptions {
            go: PathBuf::from("go"),
            build_flags: Vec::new(),
        }
    }
}

pub(crate) fn discover(
    pkg_dir: &Path,
    target: &str,
    options: &DiscoverOptions,
) -> Result<Signature, SignatureError> {
    let go = options.go.as_path();
    let pkg_dir = pkg_dir.canonicalize().map_err(|e| {
        SignatureError::new(
            SignatureErrorKind::Discover,
            format!("package directory {}: {e}", pkg_dir.display()),
        )
    })?;
    if !pkg_dir.is_dir() {
        return Err(SignatureError::new(
            SignatureErrorKind::Discover,
            format!("{} is not a directory", pkg_dir.display()),
        ));
    }
    let version = go_version(go, &pkg_dir)?;
    let scratch = tempfile::Builder::new()
        .prefix("gofuzz-shm-discover-")
        .tempdir()
        .map_err(|e| tooling(format!("create a temporary directory: {e}")))?;
    let mut helper = helper_command(go, scratch.path(), &version)?;
    let out = output_of(
        helper
            .arg("-go")
            .arg(go)
            .arg("-dir")
            .arg(&pkg_dir)
            .arg("-target")
            .arg(target)
            .args(options.build_flags.iter().flat_map(|f| ["-buildflag", f])),
        "run the discovery helper",
    )?;
    drop(scratch);
    if !out.status.success() {
        return Err(tooling(format!(
            "the discovery helper failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let answer: Answer = serde_json::from_slice(&out.stdout).map_err(|e| {
        tooling(format!(
            "unreadable answer from the discovery helper ({e}): {}",
            String::from_utf8_lossy(&out.stdout).trim()
        ))
    })?;
    if !answer.error.is_empty() {
        let kind = if answer.kind == "discover" {
            SignatureErrorKind::Discover
        } else {
            SignatureErrorKind::Tooling
        };
        return Err(SignatureError::new(kind, answer.error));
    }
    Signature::parse(&answer.types.join(",")).map_err(|e| {
        tooling(format!(
            "the discovery helper answered {:?} for {target} at {}: {e}",
            answer.types, answer.r#where
        ))
    })
}
