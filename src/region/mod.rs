//! [`SharedMem`]: one mapped region, header followed by value, as Go's fuzzer lays it out.
//!
//! # Safety model of the mapping
//!
//! Every `unsafe` block in this module rests on the same three facts; each links here instead of
//! repeating them.
//!
//! 1. **Bounds.** `base` points to a live `MAP_SHARED` mapping of exactly `len` bytes, created by
//!    memmap2 and owned by this value until [`SharedMem::close`] or drop. `len` was checked
//!    against `fstat` at map time to be at least [`HEADER_SIZE`] and no larger than the file, so
//!    every header field and `value[0..capacity]` is inside the mapping. (A peer that truncates
//!    the *file* afterwards can still make accesses fault with SIGBUS; nothing in-process can
//!    prevent that for file-backed regions.)
//! 2. **No references into shared bytes.** A peer process may write any byte at any time, so
//!    safe methods never hand out `&T`/`&[u8]` into the mapping and never read a field through a
//!    Rust type with invalid bit patterns: `count` and `value_len` are accessed as atomics (the
//!    mapping is page-aligned and the layout asserts keep their offsets aligned), the other
//!    fields with volatile loads and stores, and `raw_in_mem` as a byte (a peer may store 2).
//!    Bulk value copies use `ptr::copy`; if a peer breaks the ownership protocol and writes
//!    during a copy, the copied bytes may be torn, but every access stays in bounds.
//! 3. **Untrusted lengths.** `value_len` is re-read and checked against the capacity on every
//!    value read, after an acquire load that pairs with the writer's release store.
//!
//! [`HEADER_SIZE`]: crate::layout::HEADER_SIZE

mod fields;
mod memfd;
mod open;
mod resize;
mod value;

use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::{Path, PathBuf};

use memmap2::MmapRaw;

use crate::layout::HEADER_SIZE;

/// One mapped region: a Go `sharedMemHeader` followed by the value area.
///
/// Ownership of the *contents* follows Go's protocol: while a worker runs a call it owns the
/// region, otherwise the coordinator does. This type adds no locking (the layout has no room for
/// a lock). Within one process, methods that write take `&mut self`, the atomic `count`
/// accessors and all reads take `&self`; the type is `Send` and `Sync`.
#[derive(Debug)]
pub struct SharedMem {
    /// Start of the mapping; cached so accessors need no `Option` unwrapping.
    base: *mut u8,
    /// Length of the mapping in bytes (header + capacity).
    len: usize,
    /// Descriptor number of `file`, cached for the same reason.
    fd: RawFd,
    /// `Some` until teardown; dropping it unmaps.
    map: Option<MmapRaw>,
    /// `Some` until teardown.
    file: Option<File>,
    path: Option<PathBuf>,
    remove_on_close: bool,
}

// SAFETY: `base` points into a mapping this value owns exclusively (it is never shared with
// another `SharedMem`), so moving the owner to another thread moves nothing thread-bound.
unsafe impl Send for SharedMem {}
// SAFETY: every `&self` method either reads immutable bookkeeping or accesses the mapping with
// atomic/volatile operations and bounded copies (see the module's safety model); all in-process
// writes to non-atomic fields require `&mut self`.
unsafe impl Sync for SharedMem {}

impl SharedMem {
    /// Bytes available for the value: mapping size minus [`HEADER_SIZE`].
    #[inline]
    pub fn capacity(&self) -> usize {
        self.len - HEADER_SIZE
    }

    /// Size of the whole mapping (header + capacity).
    pub fn mapped_len(&self) -> usize {
        self.len
    }

    /// The region's descriptor. It is close-on-exec: to hand it to a child (Go workers expect it
    /// as fd 5), `dup2` it in the child before `exec`.
    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// The file's path, when the region was created or mapped by path.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether [`close`](Self::close) (or drop) removes the file.
    pub fn removes_on_close(&self) -> bool {
        self.remove_on_close
    }

    /// Start of the mapping, where the header lives. Valid until close; see the module docs for
    /// the rules of accessing it.
    #[inline]
    pub fn as_ptr(&self) -> *mut u8 {
        self.base
    }
}

impl AsRawFd for SharedMem {
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

impl AsFd for SharedMem {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.backing_file().as_fd()
    }
}

impl Drop for SharedMem {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; `close` is the reporting path.
        let _ = self.teardown();
    }
}
