//! Anonymous regions backed by a memfd sealed against shrinking (Linux): no file to leave
//! behind, and no peer can truncate the region under a mapping (which would make accesses
//! fault with SIGBUS). The region can still grow.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};

use memmap2::MmapOptions;

use super::SharedMem;
use crate::error::{Error, ErrorKind, Result};
use crate::layout::size_for_value;

const CREATE_MEMFD: &str = "create memfd region";

impl SharedMem {
    /// Creates a region backed by an anonymous memfd named `fuzz-shm`, sized for
    /// `value_capacity` value bytes, close-on-exec, and sealed with `F_SEAL_SHRINK`. It has no
    /// path; hand it to a peer by descriptor (it works as a Go worker's fd 5).
    ///
    /// ```
    /// let mut region = gofuzz_shm::SharedMem::create_memfd(1024)?;
    /// assert!(region.path().is_none());
    /// assert!(region.is_shrink_sealed());
    /// region.resize(4096)?; // growing is allowed, shrinking is not
    /// assert!(region.resize(16).is_err());
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    pub fn create_memfd(value_capacity: usize) -> Result<SharedMem> {
        let size = size_for_value(value_capacity).ok_or_else(|| {
            Error::new(
                ErrorKind::TooLarge,
                CREATE_MEMFD,
                format!("a value capacity of {value_capacity} bytes does not fit in a mapping"),
            )
        })?;
        let fail = |e: io::Error| Error::io(CREATE_MEMFD, e);
        // SAFETY: the name is a NUL-terminated literal; the flags are valid for memfd_create.
        let fd = unsafe {
            libc::memfd_create(
                c"fuzz-shm".as_ptr(),
                libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
            )
        };
        if fd < 0 {
            return Err(fail(io::Error::last_os_error()));
        }
        // SAFETY: `fd` is a fresh descriptor that nothing else owns; `File` closes it on drop,
        // so every early return below releases it.
        let file = unsafe { File::from_raw_fd(fd) };
        file.set_len(size as u64).map_err(fail)?;
        // SAFETY: fcntl with F_ADD_SEALS takes an int argument; `file` is open.
        if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, libc::F_SEAL_SHRINK) } != 0 {
            return Err(fail(io::Error::last_os_error()));
        }
        let map = MmapOptions::new().len(size).map_raw(&file).map_err(fail)?;
        Ok(SharedMem::from_parts(map, file, None, false))
    }

    /// Whether the region's descriptor is sealed against shrinking (`F_SEAL_SHRINK`), so no
    /// process can truncate it under a mapping. Seals cannot be removed, so `true` stays true.
    /// `false` for ordinary files.
    pub fn is_shrink_sealed(&self) -> bool {
        // SAFETY: F_GET_SEALS only queries; it fails with EINVAL for descriptors that do not
        // support seals, which means "not sealed".
        let seals = unsafe { libc::fcntl(self.fd, libc::F_GET_SEALS) };
        seals >= 0 && seals & libc::F_SEAL_SHRINK != 0
    }
}
