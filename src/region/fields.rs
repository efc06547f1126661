//! Header field access. `count` and `value_len` are atomics because a peer updates them while we
//! may be looking (Go's worker bumps `count` on every run); the rest are volatile because the
//! compiler must not cache or elide accesses to memory another process writes.

use core::mem::offset_of;
use core::ptr;
use core::sync::atomic::{AtomicI64, AtomicIsize, Ordering};

use super::SharedMem;
use crate::layout::ShmHeader;

impl SharedMem {
    #[inline]
    fn field_ptr<T>(&self, offset: usize) -> *mut T {
        // In bounds: offsets come from `offset_of!` on the header, and the mapping is at least
        // the header's size (safety model, fact 1).
        self.base.wrapping_add(offset).cast()
    }

    #[inline]
    pub(super) fn count_atomic(&self) -> &AtomicI64 {
        // SAFETY: facts 1 and 2 of the module's safety model: in bounds, 8-aligned (page-aligned
        // base, offset 0, asserted in layout), and only ever accessed atomically by us.
        unsafe { &*self.field_ptr::<AtomicI64>(offset_of!(ShmHeader, count)) }
    }

    #[inline]
    pub(super) fn value_len_atomic(&self) -> &AtomicIsize {
        // SAFETY: as for `count_atomic`; the offset's alignment is asserted in layout.
        unsafe { &*self.field_ptr::<AtomicIsize>(offset_of!(ShmHeader, value_len)) }
    }

    #[inline]
    fn read_u64(&self, offset: usize) -> u64 {
        // SAFETY: safety model facts 1 and 2; alignment of the u64 fields follows from
        // `#[repr(C)]` placing them at offsets aligned for `u64` on this target.
        unsafe { ptr::read_volatile(self.field_ptr::<u64>(offset)) }
    }

    #[inline]
    fn write_u64(&mut self, offset: usize, value: u64) {
        // SAFETY: as in `read_u64`.
        unsafe { ptr::write_volatile(self.field_ptr::<u64>(offset), value) }
    }

    /// `count` (relaxed atomic load): runs the worker made since the coordinator reset it.
    #[inline]
    pub fn count(&self) -> i64 {
        self.count_atomic().load(Ordering::Relaxed)
    }

    /// Stores `count` (relaxed); the coordinator sets it to 0 before each call.
    #[inline]
    pub fn set_count(&self, count: i64) {
        self.count_atomic().store(count, Ordering::Relaxed)
    }

    /// Adds `delta` to `count` atomically (wrapping, as Go's int64 does) and returns the value
    /// it had before. Safe to call from several threads and processes at once.
    #[inline]
    pub fn count_add(&self, delta: i64) -> i64 {
        self.count_atomic().fetch_add(delta, Ordering::Relaxed)
    }

    /// `value_len` exactly as stored (acquire load), which may be out of range; use
    /// [`value_len`](Self::value_len) for a checked length.
    #[inline]
    pub fn value_len_raw(&self) -> isize {
        self.value_len_atomic().load(Ordering::Acquire)
    }

    /// The worker's saved PRNG state.
    #[inline]
    pub fn rand_state(&self) -> u64 {
        self.read_u64(offset_of!(ShmHeader, rand_state))
    }

    /// Stores the PRNG state field.
    #[inline]
    pub fn set_rand_state(&mut self, value: u64) {
        self.write_u64(offset_of!(ShmHeader, rand_state), value)
    }

    /// The worker's saved PRNG increment.
    #[inline]
    pub fn rand_inc(&self) -> u64 {
        self.read_u64(offset_of!(ShmHeader, rand_inc))
    }

    /// Stores the PRNG increment field.
    #[inline]
    pub fn set_rand_inc(&mut self, value: u64) {
        self.write_u64(offset_of!(ShmHeader, rand_inc), value)
    }

    /// `rawInMem`: any non-zero byte counts as true, since a peer may store any byte there.
    #[inline]
    pub fn raw_in_mem(&self) -> bool {
        // SAFETY: safety model facts 1 and 2; read as `u8`, never as `bool`.
        unsafe { ptr::read_volatile(self.field_ptr::<u8>(offset_of!(ShmHeader, raw_in_mem))) != 0 }
    }

    /// Stores `rawInMem` as 0 or 1.
    #[inline]
    pub fn set_raw_in_mem(&mut self, value: bool) {
        // SAFETY: as in `raw_in_mem`.
        unsafe {
            ptr::write_volatile(
                self.field_ptr::<u8>(offset_of!(ShmHeader, raw_in_mem)),
                u8::from(value),
            )
        }
    }

    /// A snapshot of the header, read field by field (not atomically as a whole).
    ///
    /// ```
    /// let mut region = gofuzz_shm::SharedMem::create(16)?;
    /// region.set_count(3);
    /// region.set_rand_state(7);
    /// region.set_raw_in_mem(true);
    /// let header = region.header();
    /// assert_eq!((header.count, header.rand_state, header.raw_in_mem), (3, 7, true));
    /// assert_eq!(region.count_add(2), 3);
    /// assert_eq!(region.count(), 5);
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    #[inline]
    pub fn header(&self) -> ShmHeader {
        ShmHeader {
            count: self.count(),
            value_len: self.value_len_raw(),
            rand_state: self.rand_state(),
            rand_inc: self.rand_inc(),
            raw_in_mem: self.raw_in_mem(),
        }
    }

    /// Pointer to the header inside the mapping, for handing to C. Valid until close; Rust code
    /// should use the field accessors instead.
    #[inline]
    pub fn header_ptr(&self) -> *mut ShmHeader {
        self.base.cast()
    }
}
