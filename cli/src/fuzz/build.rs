//! `--pkg`: the package's test binary, built as `go test -fuzz` builds it.

use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};

/// The built binary. It is kept open and reached as `/proc/self/fd/N` (which the forked
/// clients inherit), so the file itself is removed at once and nothing is left behind
/// however the run ends.
pub struct Built {
    pub path: PathBuf,
    /// Built with the comparison hooks linked in (`gofuzz_shm::cmp`).
    pub hooks: bool,
    _file: File,
}

/// Builds with the comparison hooks when `hooks` and the toolchain can ([`Built::hooks`]).
pub fn go_test_c(pkg: &Path, target: &str, hooks: bool) -> Result<Built> {
    if !pkg.is_dir() {
        return Err(CliError::file("--pkg", pkg, "not a directory"));
    }
    let dir = tempfile::Builder::new()
        .prefix("gofuzz-shm-build-")
        .tempdir()
        .map_err(|e| CliError::new(format!("create a build directory: {e}")))?;
    let out = dir.path().join("pkg.test");
    let mut options = gofuzz_shm::cmp::BuildOptions::new(pkg, target, &out);
    options.hooks = false;
    if hooks {
        // The comparison hooks need Go 1.20 or later on linux/amd64; elsewhere the plain
        // build still fuzzes, without input-to-state.
        match gofuzz_shm::cmp::hooks_unsupported(&options) {
            Ok(None) => options.hooks = true,
            Ok(Some(why)) => eprintln!("gofuzz-shm fuzz: no comparison hooks: {why}"),
            Err(e) => eprintln!("gofuzz-shm fuzz: no comparison hooks: {e}"),
        }
    }
    gofuzz_shm::cmp::build_test_binary(&options).map_err(|e| {
        CliError::new(format!(
            "`go test -c -fuzz=^{target}$` in {} failed: {e}",
            pkg.display()
        ))
    })?;
    if !out.is_file() {
        return Err(CliError::file("build", &out, "go wrote no test binary"));
    }
    let opened = File::open(&out).map_err(|e| CliError::file("open", &out, e))?;
    // Above fds 3, 4 and 5, which the worker's process gets as its pipes and region: the
    // path must still name the binary when the worker is exec'd.
    // SAFETY: F_DUPFD_CLOEXEC on an open descriptor; the result is checked and owned.
    let file = unsafe {
        let fd = libc::fcntl(opened.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 100);
        if fd < 0 {
            return Err(CliError::file(
                "open",
                &out,
                std::io::Error::last_os_error(),
            ));
        }
        File::from_raw_fd(fd)
    };
    drop(opened);
    dir.close()
        .map_err(|e| CliError::new(format!("remove the build directory: {e}")))?;
    Ok(Built {
        path: PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd())),
        hooks: options.hooks,
        _file: file,
    })
}
