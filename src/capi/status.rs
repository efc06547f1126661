//! `shm_status_t`: the status every fallible C function returns.

use std::ffi::c_char;
use std::os::raw::c_int;

use crate::error::ErrorKind;

/// Result of a `shm_*` call. `SHM_OK` is 0; every other value is a failure whose text
/// `shm_last_error()` holds on the calling thread.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum shm_status_t {
    /// Success.
    SHM_OK = 0,
    /// A required pointer argument was NULL.
    SHM_ERR_NULL_ARG = 1,
    /// An argument is outside its allowed range (size smaller than the header, larger than
    /// the file, negative descriptor, not a regular file, …).
    SHM_ERR_INVALID_ARG = 2,
    /// A value does not fit: in the region's capacity, the caller's buffer, or a mapping.
    SHM_ERR_TOO_LARGE = 3,
    /// The region's header holds a state no correct peer writes (value_len negative or
    /// beyond the capacity). Nothing was read.
    SHM_ERR_CORRUPT_HEADER = 4,
    /// The operating system refused; the last error names the call, path and errno text.
    SHM_ERR_IO = 5,
    /// A bug in this library was caught at the C boundary; the handle involved may be
    /// inconsistent and should be closed.
    SHM_ERR_PANIC = 6,
}

impl From<ErrorKind> for shm_status_t {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => shm_status_t::SHM_ERR_INVALID_ARG,
            ErrorKind::TooLarge => shm_status_t::SHM_ERR_TOO_LARGE,
            ErrorKind::CorruptHeader => shm_status_t::SHM_ERR_CORRUPT_HEADER,
            ErrorKind::Io => shm_status_t::SHM_ERR_IO,
        }
    }
}

/// Static, NUL-terminated text for a status.
fn status_text(status: c_int) -> &'static [u8] {
    use shm_status_t::*;
    const ALL: [shm_status_t; 7] = [
        SHM_OK,
        SHM_ERR_NULL_ARG,
        SHM_ERR_INVALID_ARG,
        SHM_ERR_TOO_LARGE,
        SHM_ERR_CORRUPT_HEADER,
        SHM_ERR_IO,
        SHM_ERR_PANIC,
    ];
    match ALL.into_iter().find(|s| *s as c_int == status) {
        Some(SHM_OK) => b"ok\0",
        Some(SHM_ERR_NULL_ARG) => b"a required pointer argument was NULL\0",
        Some(SHM_ERR_INVALID_ARG) => b"invalid argument\0",
        Some(SHM_ERR_TOO_LARGE) => b"too large\0",
        Some(SHM_ERR_CORRUPT_HEADER) => b"corrupt region header\0",
        Some(SHM_ERR_IO) => b"I/O error\0",
        Some(SHM_ERR_PANIC) => b"internal error (panic caught at the C boundary)\0",
        None => b"unknown status\0",
    }
}

/// Declared by hand in the header's trailer as `shm_status_str(shm_status_t)`: the Rust side
/// takes a plain `int` because C may pass any integer, and a Rust enum holding a value outside
/// its variants would be undefined behaviour. The two are the same type in the C ABI.
#[no_mangle]
pub extern "C" fn shm_status_str(status: c_int) -> *const c_char {
    status_text(status).as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn every_status_has_text_and_unknown_ones_too() {
        for code in -1..10 {
            // SAFETY: status_text returns NUL-terminated static bytes.
            let text = unsafe { CStr::from_ptr(shm_status_str(code)) };
            assert!(!text.to_bytes().is_empty());
            assert_eq!(
                text.to_bytes() == b"unknown status",
                !(0..=6).contains(&code)
            );
        }
    }
}
