//! Growing and shrinking a live region (Go's standing TODO), and following a peer's resize.
//!
//! Both replace the mapping: every pointer obtained before (`as_ptr`, `value_ptr`,
//! `header_ptr`, C views) is invalid afterwards. A peer learns of a resize only through the
//! protocol (for a Go worker: a restart); it must then call [`SharedMem::remap`].

use std::fs::File;

use memmap2::{MmapOptions, MmapRaw};

use super::SharedMem;
use crate::error::{Error, ErrorKind, Result};
use crate::layout::{size_for_value, HEADER_SIZE};

const RESIZE: &str = "resize region";
const REMAP: &str = "remap region";

impl SharedMem {
    pub(super) fn backing_file(&self) -> &File {
        match &self.file {
            Some(file) => file,
            // Teardown only runs from `close(self)` and `drop`, after which no method can run.
            None => unreachable!("region used after teardown"),
        }
    }

    /// Changes the value capacity, keeping the header and the value.
    ///
    /// Growing extends the file when it is shorter than the new size, then maps the new size.
    /// Shrinking maps the new size, then truncates the file to it; shrinking below the current
    /// `value_len` is refused ([`ErrorKind::InvalidArgument`]), never truncating data, and a
    /// sealed memfd refuses any shrink (`EPERM`). On failure nothing changes.
    ///
    /// ```
    /// use std::os::fd::AsFd;
    /// use gofuzz_shm::SharedMem;
    ///
    /// let mut owner = SharedMem::create(8)?;
    /// let mut peer = SharedMem::map_fd(owner.as_fd(), 0)?;
    /// owner.set_value(b"12345678")?;
    /// assert!(owner.resize(4).is_err()); // would cut the value
    /// owner.resize(1 << 20)?;
    /// assert!(peer.remap()?); // the peer follows
    /// assert_eq!(peer.capacity(), 1 << 20);
    /// assert_eq!(peer.value_copy()?, b"12345678");
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    pub fn resize(&mut self, new_capacity: usize) -> Result<()> {
        let new_size = size_for_value(new_capacity).ok_or_else(|| {
            Error::new(
                ErrorKind::TooLarge,
                RESIZE,
                format!("a value capacity of {new_capacity} bytes does not fit in a mapping"),
            )
        })?;
        let value_len = self.value_len()?;
        if new_capacity < value_len {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                RESIZE,
                format!("capacity {new_capacity} would cut the {value_len}-byte value"),
            ));
        }
        let fail = |e| self.with_own_path(Error::io(RESIZE, e));
        let file = self.backing_file();
        let file_len = file.metadata().map_err(fail)?.len();
        if new_size >= self.len {
            let extended = (new_size as u64) > file_len;
            if extended {
                file.set_len(new_size as u64).map_err(fail)?;
            }
            let map = map_len(file, new_size).map_err(|e| {
                if extended {
                    // Restore the old size so a failed grow changes nothing.
                    let _ = file.set_len(file_len);
                }
                fail(e)
            })?;
            self.replace_map(map);
        } else {
            let map = map_len(file, new_size).map_err(fail)?;
            // Dropping `map` on failure leaves the old mapping and the file as they were.
            file.set_len(new_size as u64).map_err(fail)?;
            self.replace_map(map);
        }
        Ok(())
    }

    /// Maps the file's current size when it differs from the mapped size (a peer resized the
    /// region). Returns whether the mapping changed. A file shorter than the header is
    /// [`ErrorKind::CorruptHeader`]: the peer broke the region, and the old mapping is kept.
    pub fn remap(&mut self) -> Result<bool> {
        let fail = |e| self.with_own_path(Error::io(REMAP, e));
        let file = self.backing_file();
        let file_len = file.metadata().map_err(fail)?.len();
        let new_size = match usize::try_from(file_len) {
            Ok(size) if size == self.len => return Ok(false),
            Ok(size) if (HEADER_SIZE..=isize::MAX as usize).contains(&size) => size,
            _ => {
                return Err(self.with_own_path(Error::new(
                    ErrorKind::CorruptHeader,
                    REMAP,
                    format!("the file is now {file_len} bytes, which cannot hold a region"),
                )))
            }
        };
        let map = map_len(file, new_size).map_err(fail)?;
        self.replace_map(map);
        Ok(true)
    }

    fn replace_map(&mut self, map: MmapRaw) {
        self.base = map.as_mut_ptr();
        self.len = map.len();
        // The old mapping is unmapped here, after the new one is in place.
        self.map = Some(map);
    }

    fn with_own_path(&self, err: Error) -> Error {
        match &self.path {
            Some(path) => err.with_path(path),
            None => err,
        }
    }
}

fn map_len(file: &File, len: usize) -> std::io::Result<MmapRaw> {
    MmapOptions::new().len(len).map_raw(file)
}
