//! Creating, mapping and closing regions. Who owns what: a created region owns its temporary file
//! and removes it on close; a mapped path is removed only when the caller asked for it; a mapped
//! descriptor is duplicated, so the caller's own descriptor stays the caller's.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{BorrowedFd, IntoRawFd};
use std::path::Path;

use memmap2::MmapOptions;

use super::SharedMem;
use crate::error::{Error, ErrorKind, Result};
use crate::layout::{size_for_value, HEADER_SIZE};

const CREATE: &str = "create region in";
const MAP_FILE: &str = "map region file";
const MAP_FD: &str = "map region descriptor";
const CLOSE: &str = "close region";

impl SharedMem {
    /// Creates a region whose value can hold `value_capacity` bytes, backed by a new temporary
    /// file named `fuzz-*` in the temp dir (`$TMPDIR`, else `/tmp`), mode 0600, sparse. The file
    /// is removed on close.
    ///
    /// ```
    /// let mut region = gofuzz_shm::SharedMem::create(1024)?;
    /// region.set_value(b"go test fuzz v1\n[]byte(\"hi\")\n")?;
    /// assert_eq!(region.value_len()?, 29);
    /// region.close()?;
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    pub fn create(value_capacity: usize) -> Result<SharedMem> {
        Self::create_in(&std::env::temp_dir(), value_capacity)
    }

    /// Like [`create`](Self::create), in the directory `dir`.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let region = gofuzz_shm::SharedMem::create_in(dir.path(), 64)?;
    /// assert!(region.path().unwrap().starts_with(dir.path()));
    /// assert_eq!(region.capacity(), 64);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_in(dir: &Path, value_capacity: usize) -> Result<SharedMem> {
        let size = size_for_value(value_capacity).ok_or_else(|| {
            Error::new(
                ErrorKind::TooLarge,
                CREATE,
                format!("a value capacity of {value_capacity} bytes does not fit in a mapping"),
            )
            .with_path(dir)
        })?;
        let fail = |e: io::Error| Error::io(CREATE, e).with_path(dir);
        // Until `keep`, dropping `temp` removes the file, so every early return cleans up.
        let temp = tempfile::Builder::new()
            .prefix("fuzz-")
            .tempfile_in(dir)
            .map_err(fail)?;
        temp.as_file().set_len(size as u64).map_err(fail)?;
        let map = MmapOptions::new()
            .len(size)
            .map_raw(temp.as_file())
            .map_err(fail)?;
        let (file, path) = temp.keep().map_err(|e| fail(e.error))?;
        Ok(SharedMem::from_parts(map, file, Some(path), true))
    }

    /// Maps an existing file. `size` 0 maps the whole file; otherwise `size` bytes from offset 0,
    /// which must be at least the header and no more than the file (mapping past the end of a
    /// file would fault on access). With `remove_on_close`, close removes the file; a failed call
    /// never removes it.
    ///
    /// ```
    /// use gofuzz_shm::{ErrorKind, SharedMem, HEADER_SIZE};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("region");
    /// std::fs::File::create(&path)?.set_len((HEADER_SIZE + 100) as u64)?;
    /// let region = SharedMem::map_path(&path, 0, false)?;
    /// assert_eq!(region.capacity(), 100);
    /// // Never past the end of the file:
    /// let err = SharedMem::map_path(&path, HEADER_SIZE + 101, false).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_path(path: &Path, size: usize, remove_on_close: bool) -> Result<SharedMem> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| Error::io(MAP_FILE, e).with_path(path))?;
        let map = map_checked(&file, size, MAP_FILE).map_err(|e| e.with_path(path))?;
        Ok(SharedMem::from_parts(
            map,
            file,
            Some(path.to_path_buf()),
            remove_on_close,
        ))
    }

    /// Maps an open descriptor, which is duplicated (close-on-exec): the caller keeps and closes
    /// its own. Size rules as in [`map_path`](Self::map_path); a Go worker maps its fd 5 this
    /// way with size 0.
    ///
    /// ```
    /// use std::os::fd::AsFd;
    /// use gofuzz_shm::SharedMem;
    ///
    /// let mut owner = SharedMem::create(64)?;
    /// let peer = SharedMem::map_fd(owner.as_fd(), 0)?; // what a worker does with its fd 5
    /// owner.set_value(b"shared")?;
    /// assert_eq!(peer.value_copy()?, b"shared");
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    pub fn map_fd(fd: BorrowedFd<'_>, size: usize) -> Result<SharedMem> {
        let file = File::from(fd.try_clone_to_owned().map_err(|e| Error::io(MAP_FD, e))?);
        let map = map_checked(&file, size, MAP_FD)?;
        Ok(SharedMem::from_parts(map, file, None, false))
    }

    pub(super) fn from_parts(
        map: memmap2::MmapRaw,
        file: File,
        path: Option<std::path::PathBuf>,
        remove_on_close: bool,
    ) -> SharedMem {
        use std::os::fd::AsRawFd;
        SharedMem {
            base: map.as_mut_ptr(),
            len: map.len(),
            fd: file.as_raw_fd(),
            map: Some(map),
            file: Some(file),
            path,
            remove_on_close,
        }
    }

    /// Unmaps, closes the descriptor and removes the file if this region owns it. Every step is
    /// attempted even when one fails; the first failure is returned.
    pub fn close(mut self) -> Result<()> {
        self.teardown()
    }

    /// Idempotent: each resource is taken out before it is released.
    pub(super) fn teardown(&mut self) -> Result<()> {
        let mut first_error = None;
        // memmap2 unmaps on drop. munmap of a whole mapping it made can only fail with EINVAL
        // for addresses it never hands out, so there is no error to collect from this step.
        drop(self.map.take());
        if let Some(file) = self.file.take() {
            let fd = file.into_raw_fd();
            // SAFETY: `fd` came from `into_raw_fd`, so nothing else closes it. After close(2)
            // returns, even with EINTR, Linux has released the descriptor: no retry.
            if unsafe { libc::close(fd) } != 0 {
                first_error.get_or_insert_with(|| Error::io(CLOSE, io::Error::last_os_error()));
            }
        }
        if self.remove_on_close {
            self.remove_on_close = false;
            if let Some(path) = &self.path {
                if let Err(e) = std::fs::remove_file(path) {
                    first_error.get_or_insert_with(|| Error::io(CLOSE, e).with_path(path));
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Checks `size` against the file as `fstat` sees it now, then maps it.
fn map_checked(file: &File, size: usize, operation: &'static str) -> Result<memmap2::MmapRaw> {
    let meta = file.metadata().map_err(|e| Error::io(operation, e))?;
    if !meta.file_type().is_file() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            operation,
            "not a regular file (or memfd); only those can back a region",
        ));
    }
    let file_len = meta.len();
    let size = if size == 0 {
        usize::try_from(file_len).unwrap_or(usize::MAX)
    } else {
        size
    };
    if size as u64 > file_len {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            operation,
            format!("size {size} is larger than the file ({file_len} bytes); the mapping would fault past its end"),
        ));
    }
    if size < HEADER_SIZE {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            operation,
            format!("size {size} is smaller than the {HEADER_SIZE}-byte header"),
        ));
    }
    if size > isize::MAX as usize {
        return Err(Error::new(
            ErrorKind::TooLarge,
            operation,
            format!("size {size} does not fit in a mapping"),
        ));
    }
    MmapOptions::new()
        .len(size)
        .map_raw(file)
        .map_err(|e| Error::io(operation, e))
}
