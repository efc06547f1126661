//! Building a Go test binary with the hook object linked in.
//!
//! The object is compiled into an anonymous memfd and handed to the compiler and to Go's
//! external linker as `/proc/<pid>/fd/<n>`: no file exists at any moment, so nothing is left
//! behind however the build ends.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::HOOKS_C;
use crate::error::{Error, ErrorKind, Result};

const BUILD: &str = "build test binary";
const COMPILE: &str = "compile comparison hooks";

/// What [`build_test_binary`] builds and with which tools.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The Go package directory (where `go test` would run).
    pub package_dir: PathBuf,
    /// The fuzz target, e.g. `FuzzParse`: the binary is built with `-fuzz=^<target>$`.
    pub target: String,
    /// Where to write the test binary.
    pub output: PathBuf,
    /// Link the comparison hooks (`-tags=libfuzzer` and the hook object). `false` builds a
    /// plain `go test -c -fuzz` binary.
    pub hooks: bool,
    /// The `go` command; default `go` from `PATH`.
    pub go: PathBuf,
    /// The C compiler for the hook object; default `cc` from `PATH`.
    pub cc: PathBuf,
    /// Variables set for `go` (e.g. `GOTOOLCHAIN`), on top of this process's environment.
    pub env: Vec<(OsString, OsString)>,
}

impl BuildOptions {
    /// Options for `target` in `package_dir`, written to `output`, with the hooks.
    pub fn new(
        package_dir: impl Into<PathBuf>,
        target: impl Into<String>,
        output: impl Into<PathBuf>,
    ) -> BuildOptions {
        BuildOptions {
            package_dir: package_dir.into(),
            target: target.into(),
            output: output.into(),
            hooks: true,
            go: "go".into(),
            cc: "cc".into(),
            env: Vec::new(),
        }
    }
}

/// A Go release as `go env GOVERSION` prints it (`go1.22.5`), reduced to (major, minor).
fn parse_go_version(text: &str) -> Option<(u32, u32)> {
    let rest = text.trim().strip_prefix("go")?;
    let mut parts = rest.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Why the toolchain cannot give comparison feedback, or `None` when it can: linux/amd64 and
/// Go 1.20 or later. Go 1.18 passes no site ids and no string comparisons, and its worker's
/// own comparisons after the fuzz function vary from run to run; Go 1.19 reports the update of
/// every coverage counter as a comparison (its compiler instruments its own NeverZero check).
/// Both link and run, but their records are mostly noise.
fn unsupported(version: &str, goos: &str, goarch: &str) -> Option<String> {
    if (goos, goarch) != ("linux", "amd64") {
        return Some(format!(
            "comparison hooks need linux/amd64; the toolchain builds for {goos}/{goarch}"
        ));
    }
    match parse_go_version(version) {
        Some(v) if v >= (1, 20) => None,
        Some((1, 19)) => Some(format!(
            "{version} reports every coverage counter update as a comparison; comparison \
             feedback needs Go 1.20 or later"
        )),
        Some((1, 18)) => Some(format!(
            "{version} passes no comparison sites and no string comparisons; comparison \
             feedback needs Go 1.20 or later"
        )),
        Some(_) => Some(format!(
            "{version} has no native fuzzing; comparison feedback needs Go 1.20 or later"
        )),
        None => Some(format!("unrecognized Go version {version:?}")),
    }
}

/// Why the toolchain `options` names (`go`, `env`, `package_dir`) cannot give comparison
/// feedback, or `None` when it can (see [`build_test_binary`]). Asks `go env`.
pub fn hooks_unsupported(options: &BuildOptions) -> Result<Option<String>> {
    let mut command = Command::new(&options.go);
    command
        .current_dir(&options.package_dir)
        .envs(options.env.iter().map(|(k, v)| (k, v)))
        .args(["env", "GOVERSION", "GOOS", "GOARCH"]);
    let env = run(command, BUILD, &options.go)?;
    match env.lines().collect::<Vec<_>>()[..] {
        [version, goos, goarch] => Ok(unsupported(version, goos, goarch)),
        _ => Err(Error::new(
            ErrorKind::Io,
            BUILD,
            format!("`go env GOVERSION GOOS GOARCH` printed {env:?}"),
        )),
    }
}

/// Builds the test binary: `go test -c -fuzz=^<target>$ -o <output>`, and with the hooks also
/// `-tags=libfuzzer -ldflags='-linkmode=external -extldflags=<hook object>'`. Fails with the
/// tools' output when a build step fails, and with `InvalidArgument` when the toolchain
/// cannot give comparison feedback ([`hooks_unsupported`]; build without the hooks then).
pub fn build_test_binary(options: &BuildOptions) -> Result<()> {
    let target_ok = !options.target.is_empty()
        && options
            .target
            .chars()
            .all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !target_ok {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            BUILD,
            format!("fuzz target {:?} is not a Go identifier", options.target),
        ));
    }
    let go = |args: &[&str]| {
        let mut command = Command::new(&options.go);
        command
            .current_dir(&options.package_dir)
            .envs(options.env.iter().map(|(k, v)| (k, v)))
            .args(args);
        command
    };
    let mut hooks_obj = None;
    if options.hooks {
        if let Some(why) = hooks_unsupported(options)? {
            return Err(Error::new(ErrorKind::InvalidArgument, BUILD, why));
        }
        hooks_obj = Some(compile_hooks(&options.cc)?);
    }
    let output = absolute(&options.output)?;
    let mut command = go(&["test", "-c"]);
    command.arg(format!("-fuzz=^{}$", options.target));
    if let Some(obj) = &hooks_obj {
        command.arg("-tags=libfuzzer").arg(format!(
            "-ldflags=-linkmode=external -extldflags={}",
            obj.path().display()
        ));
    }
    command.arg("-o").arg(&output).arg(".");
    run(command, BUILD, &options.go)?;
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io(BUILD, e))?;
    Ok(cwd.join(path))
}

/// The compiled hook object, held in an anonymous memfd.
#[derive(Debug)]
pub struct HooksObject {
    file: File,
    path: PathBuf,
}

impl HooksObject {
    /// A path other processes of this user can open while this object lives:
    /// `/proc/<pid>/fd/<n>`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The object's bytes.
    pub fn bytes(&self) -> Result<Vec<u8>> {
        std::fs::read(&self.path).map_err(|e| Error::io(COMPILE, e).with_path(&self.path))
    }
}

/// Compiles [`HOOKS_C`](super::HOOKS_C) with `cc` (`-O2 -c`, source on stdin) into a memfd.
pub fn compile_hooks(cc: &Path) -> Result<HooksObject> {
    // SAFETY: the name is a NUL-terminated literal; the flags are valid for memfd_create.
    let fd = unsafe { libc::memfd_create(c"gofuzz-shm-hooks.o".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(Error::io(COMPILE, io::Error::last_os_error()));
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    let file = unsafe { File::from_raw_fd(fd) };
    let path = PathBuf::from(format!(
        "/proc/{}/fd/{}",
        std::process::id(),
        file.as_raw_fd()
    ));
    let mut command = Command::new(cc);
    command
        .args(["-std=gnu11", "-O2", "-fPIC", "-x", "c", "-c", "-", "-o"])
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| Error::io(COMPILE, e).with_path(cc))?;
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(HOOKS_C.as_bytes());
    let out = child
        .wait_with_output()
        .map_err(|e| Error::io(COMPILE, e).with_path(cc))?;
    if !out.status.success() {
        return Err(Error::new(
            ErrorKind::Io,
            COMPILE,
            format!(
                "{} failed ({}):\n{}",
                cc.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
        ));
    }
    written.map_err(|e| Error::io(COMPILE, e).with_path(cc))?;
    let object = HooksObject { file, path };
    if object.file.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        return Err(Error::new(
            ErrorKind::Io,
            COMPILE,
            format!("{} wrote no object", cc.display()),
        ));
    }
    Ok(object)
}

/// Runs a build tool to its end; its standard output, or an error with everything it printed.
fn run(mut command: Command, operation: &'static str, tool: &Path) -> Result<String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io(operation, e).with_path(tool))?;
    if !out.status.success() {
        return Err(Error::new(
            ErrorKind::Io,
            operation,
            format!(
                "{command:?} failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::{parse_go_version, unsupported};

    #[test]
    fn go_versions() {
        assert_eq!(parse_go_version("go1.18.10"), Some((1, 18)));
        assert_eq!(parse_go_version("go1.26.0\n"), Some((1, 26)));
        assert_eq!(parse_go_version("go1.22rc1"), Some((1, 22)));
        assert_eq!(parse_go_version("devel +abc"), None);
        assert!(unsupported("go1.17.13", "linux", "amd64").is_some());
        assert!(unsupported("go1.18.10", "linux", "amd64").is_some());
        assert!(unsupported("go1.19.13", "linux", "amd64").is_some());
        assert!(unsupported("go1.20.14", "linux", "amd64").is_none());
        assert!(unsupported("go1.26.0", "linux", "arm64").is_some());
    }
}
