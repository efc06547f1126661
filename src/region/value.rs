//! The value area. Readers re-check `value_len` on every read (it comes from a peer); writers
//! copy the bytes first and publish the length last with a release store, so a reader that
//! acquires the length never sees it cover bytes not yet written.

use core::ptr;
use core::sync::atomic::Ordering;

use super::SharedMem;
use crate::error::{Error, ErrorKind, Result};
use crate::layout::HEADER_SIZE;

const READ_VALUE: &str = "read value";
const SET_VALUE: &str = "set value";
const SET_VALUE_LEN: &str = "set value length";

impl SharedMem {
    /// Start of the value area (`capacity()` bytes), for filling in place followed by
    /// [`set_value_len`](Self::set_value_len). Valid until close.
    #[inline]
    pub fn value_ptr(&self) -> *mut u8 {
        // In bounds: the mapping is at least HEADER_SIZE long (safety model, fact 1).
        self.base.wrapping_add(HEADER_SIZE)
    }

    /// The checked value length: `value_len` if it is within `0..=capacity()`, otherwise
    /// [`ErrorKind::CorruptHeader`].
    ///
    /// ```
    /// let mut region = gofuzz_shm::SharedMem::create(16)?;
    /// region.set_value(b"hello")?;
    /// assert_eq!(region.value_len()?, 5);
    /// assert_eq!(region.value_len_raw(), 5);
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    #[inline]
    pub fn value_len(&self) -> Result<usize> {
        let raw = self.value_len_raw();
        match usize::try_from(raw) {
            Ok(len) if len <= self.capacity() => Ok(len),
            _ => Err(corrupt_len(raw, self.capacity())),
        }
    }

    /// Copies the value out.
    #[inline]
    pub fn value_copy(&self) -> Result<Vec<u8>> {
        let len = self.value_len()?;
        let mut out = Vec::with_capacity(len);
        // SAFETY: safety model facts 1 and 3 (`len` was checked against the capacity); `out`
        // has room for `len` bytes, all of which the copy initializes before `set_len`.
        unsafe {
            ptr::copy_nonoverlapping(self.value_ptr(), out.as_mut_ptr(), len);
            out.set_len(len);
        }
        Ok(out)
    }

    /// Copies the value into `buf` and returns its length; [`ErrorKind::TooLarge`] (nothing
    /// copied) when `buf` is shorter than the value.
    #[inline]
    pub fn value_copy_into(&self, buf: &mut [u8]) -> Result<usize> {
        let mut len = 0;
        self.value_copy_into_reporting_len(buf, &mut len)?;
        Ok(len)
    }

    /// [`value_copy_into`](Self::value_copy_into) that also stores the value's length in
    /// `*value_len` whenever the header is valid, including when `buf` is too short (the C
    /// API's size query). `value_len` is read once, so the length reported and the bytes
    /// copied always agree, whatever a peer writes meanwhile.
    #[inline]
    pub(crate) fn value_copy_into_reporting_len(
        &self,
        buf: &mut [u8],
        value_len: &mut usize,
    ) -> Result<()> {
        let len = self.value_len()?;
        *value_len = len;
        let buf_len = buf.len();
        let dest = buf
            .get_mut(..len)
            .ok_or_else(|| buffer_too_small(len, buf_len))?;
        self.copy_value_out(dest);
        Ok(())
    }

    /// Borrows the value without copying.
    ///
    /// # Safety
    ///
    /// No process may write the value area or `value_len` while the returned slice lives: the
    /// caller must own the region under Go's protocol (for the coordinator: no call in flight).
    /// Breaking this is undefined behaviour in Rust, not only torn data.
    #[inline]
    pub unsafe fn value_slice(&self) -> Result<&[u8]> {
        let len = self.value_len()?;
        // SAFETY: in bounds by the check above (safety model fact 3); no writer during the
        // borrow is the caller's promise.
        Ok(unsafe { core::slice::from_raw_parts(self.value_ptr(), len) })
    }

    /// `dest.len()` must be a checked value length.
    #[inline]
    fn copy_value_out(&self, dest: &mut [u8]) {
        debug_assert!(dest.len() <= self.capacity());
        // SAFETY: safety model facts 1 and 3: `dest.len()` was checked against the capacity.
        // `dest` is a fresh Rust buffer, so it cannot overlap the mapping.
        unsafe { ptr::copy_nonoverlapping(self.value_ptr(), dest.as_mut_ptr(), dest.len()) }
    }

    /// Writes the value and publishes its length. [`ErrorKind::TooLarge`] when it exceeds the
    /// capacity, in which case nothing in the region changes. `data` may itself point into this
    /// region's value area.
    ///
    /// ```
    /// use gofuzz_shm::{ErrorKind, SharedMem};
    ///
    /// let mut region = SharedMem::create(4)?;
    /// region.set_value(b"abcd")?;
    /// let err = region.set_value(b"abcde").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::TooLarge);
    /// assert_eq!(region.value_copy()?, b"abcd"); // unchanged
    /// # Ok::<(), gofuzz_shm::Error>(())
    /// ```
    #[inline]
    pub fn set_value(&mut self, data: &[u8]) -> Result<()> {
        self.check_fits(data.len(), SET_VALUE)?;
        // SAFETY: safety model fact 1 with the check above. `ptr::copy` (memmove) because the
        // source may alias the value area, e.g. a view obtained from the C API.
        unsafe { ptr::copy(data.as_ptr(), self.value_ptr(), data.len()) };
        self.publish_value_len(data.len());
        Ok(())
    }

    /// Publishes `len` bytes already written through [`value_ptr`](Self::value_ptr) as the
    /// value. [`ErrorKind::TooLarge`] beyond the capacity, leaving the header unchanged.
    #[inline]
    pub fn set_value_len(&mut self, len: usize) -> Result<()> {
        self.check_fits(len, SET_VALUE_LEN)?;
        self.publish_value_len(len);
        Ok(())
    }

    #[inline]
    fn check_fits(&self, len: usize, operation: &'static str) -> Result<()> {
        if len > self.capacity() {
            return Err(too_large(len, self.capacity(), operation));
        }
        Ok(())
    }

    #[inline]
    fn publish_value_len(&self, len: usize) {
        // capacity() < isize::MAX (checked at map time), so the cast is lossless.
        self.value_len_atomic()
            .store(len as isize, Ordering::Release);
    }
}

#[cold]
#[inline(never)]
fn corrupt_len(raw: isize, capacity: usize) -> Error {
    Error::new(
        ErrorKind::CorruptHeader,
        READ_VALUE,
        format!("header value_len is {raw}, outside 0..={capacity} (the capacity)"),
    )
}

#[cold]
#[inline(never)]
fn buffer_too_small(len: usize, buf_len: usize) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        READ_VALUE,
        format!("the value is {len} bytes, the buffer only {buf_len}"),
    )
}

#[cold]
#[inline(never)]
fn too_large(len: usize, capacity: usize, operation: &'static str) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        operation,
        format!("{len} bytes exceed the region's value capacity of {capacity} bytes"),
    )
}
