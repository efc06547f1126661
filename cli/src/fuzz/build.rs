//! `--pkg`: the package's test binary, built as `go test -fuzz` builds it.

use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{CliError, Result};

/// The built binary. It is kept open and reached as `/proc/self/fd/N` (which the forked
/// clients inherit), so the file itself is removed at once and nothing is left behind
/// however the run ends.
pub struct Built {
    pub path: PathBuf,
    _file: File,
}

pub fn go_test_c(pkg: &Path, target: &str) -> Result<Built> {
    if !pkg.is_dir() {
        return Err(CliError::file("--pkg", pkg, "not a directory"));
    }
    let dir = tempfile::Builder::new()
        .prefix("gofuzz-shm-build-")
        .tempdir()
        .map_err(|e| CliError::new(format!("create a build directory: {e}")))?;
    let out = dir.path().join("pkg.test");
    let output = Command::new("go")
        .current_dir(pkg)
        .args(["test", "-c", &format!("-fuzz=^{target}$"), "-o"])
        .arg(&out)
        .arg(".")
        .output()
        .map_err(|e| CliError::new(format!("run `go test -c` (is Go installed?): {e}")))?;
    if !output.status.success() || !out.is_file() {
        return Err(CliError::new(format!(
            "`go test -c -fuzz=^{target}$` in {} failed ({}):\n{}",
            pkg.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
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
        _file: file,
    })
}
