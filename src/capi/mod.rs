//! The C ABI: every `shm_*` export. Thin by design: each export checks and converts its
//! arguments, calls the Rust API, and maps the outcome to a [`status::shm_status_t`] inside the
//! panic boundary of [`boundary`]. No logic of its own lives here.
//!
//! Calling conventions (also in the README and the generated header):
//! - inputs first, outputs last; a buffer is always followed by its length;
//! - outputs are written only on success (the one documented exception: `shm_value_copy` reports
//!   the needed length with `SHM_ERR_TOO_LARGE`);
//! - handles are opaque and owned by the caller until `shm_close`; `shm_close(NULL)` is a no-op;
//! - borrowed pointers (header, value views, path, error text) stay valid until the next call
//!   that may change them, as each function states;
//! - every failure leaves its text in a thread-local buffer read with `shm_last_error()`.

pub mod atomics;
pub mod boundary;
pub mod cmp;
pub mod corpus;
pub mod memfd;
pub mod region;
pub mod resize;
pub mod signature;
pub mod status;
pub mod target;
pub mod worker;

use std::ffi::c_char;

pub use region::shm_region_t;
pub use status::shm_status_t;

/// The library version, e.g. "0.1.0": static, NUL-terminated, never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn shm_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
