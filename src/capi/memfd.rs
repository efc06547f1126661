//! Sealed anonymous regions (Linux memfd).

use libc::size_t;

use super::boundary::{arg_out, arg_ref, ffi_status};
use super::region::shm_region_t;
use super::status::shm_status_t;
use crate::region::SharedMem;

/// Creates a region backed by an anonymous memfd (no file in any directory), sealed with
/// `F_SEAL_SHRINK` so no process holding it can truncate it under a mapping; it can still
/// grow with `shm_resize`. `shm_path` is NULL; hand it to a peer with `shm_fd` (it works as a
/// Go worker's fd 5). Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE`; `SHM_ERR_IO` (memfd_create, sizing,
/// sealing or mapping failed).
#[no_mangle]
pub extern "C" fn shm_create_memfd(
    value_capacity: size_t,
    out: *mut *mut shm_region_t,
) -> shm_status_t {
    ffi_status("shm_create_memfd", || {
        let out = arg_out(out, "out")?;
        *out = shm_region_t::boxed(SharedMem::create_memfd(value_capacity)?);
        Ok(())
    })
}

/// `*sealed` = whether the region's descriptor is sealed against shrinking, e.g. to check a
/// descriptor received with `shm_map_fd`. Ordinary files are never sealed. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`.
#[no_mangle]
pub extern "C" fn shm_is_sealed(region: *const shm_region_t, sealed: *mut bool) -> shm_status_t {
    ffi_status("shm_is_sealed", || {
        let region = arg_ref(region, "region")?;
        let sealed = arg_out(sealed, "sealed")?;
        *sealed = region.mem.is_shrink_sealed();
        Ok(())
    })
}
