//! A Go test binary carried inside the running executable (an engine binary that is one
//! self-contained file), made executable without touching the file system: its bytes go into
//! an anonymous memory file (memfd), sealed, and the worker is started from that file's
//! `/proc/<pid>/fd/<n>` path. Nothing is on disk, so nothing can be left behind: the memory is
//! freed when the last descriptor and the last process running it are gone.

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;

use crate::error::{Error, ErrorKind, Result};

const OPERATION: &str = "load embedded test binary";

/// The executable image in a sealed memfd, opened read-only.
pub(crate) struct Image {
    /// Read-only descriptor of the memfd; the path below names it.
    fd: OwnedFd,
    path: PathBuf,
}

impl Image {
    /// Copies `bytes` (an ELF executable) into a new sealed memfd.
    pub(crate) fn load(bytes: &[u8]) -> Result<Image> {
        if !bytes.starts_with(b"\x7fELF") {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                OPERATION,
                format!(
                    "the {} embedded bytes are not an ELF executable (a Go test binary built \
                     with `go test -c`)",
                    bytes.len()
                ),
            ));
        }
        let name = c"gofuzz-shm-go-test";
        // SAFETY: memfd_create with a NUL-terminated name and flags; returns a new descriptor
        // or -1.
        let fd = unsafe {
            libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING)
        };
        if fd < 0 {
            return Err(Error::io(OPERATION, std::io::Error::last_os_error()));
        }
        // SAFETY: a fresh descriptor owned by nobody else.
        let mut file = unsafe { File::from_raw_fd(fd) };
        file.write_all(bytes).map_err(|e| Error::io(OPERATION, e))?;
        let seals =
            libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;
        // SAFETY: fcntl on a descriptor we own.
        if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } != 0 {
            return Err(Error::io(OPERATION, std::io::Error::last_os_error()));
        }
        // A file open for writing cannot be executed (ETXTBSY): keep a read-only descriptor of
        // the same memfd, opened through /proc, and close the writable one.
        let rw_path = format!("/proc/self/fd/{}", file.as_raw_fd());
        let ro = File::open(&rw_path).map_err(|e| Error::io(OPERATION, e))?;
        drop(file);
        let fd = OwnedFd::from(ro);
        let path = PathBuf::from(format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            fd.as_raw_fd()
        ));
        Ok(Image { fd, path })
    }

    /// A path that executes the image, valid while this value lives. It names this process's
    /// descriptor, so it stays right in a child between fork and exec whatever descriptors the
    /// child rearranges.
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("fd", &self.fd.as_raw_fd())
            .field("path", &self.path)
            .finish()
    }
}
