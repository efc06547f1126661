//! `shm_resize` and `shm_remap`: changing a live region's size, and following a peer's change.

use libc::size_t;

use super::boundary::{arg_mut, arg_out, ffi_status};
use super::region::shm_region_t;
use super::status::shm_status_t;

/// Changes the value capacity to `new_capacity`, keeping the header and the value. Growing
/// extends the file if it is shorter and maps the new size; shrinking maps the new size and
/// truncates the file. Call it on the side that owns the region; peers follow with `shm_remap`.
/// **Every pointer obtained from this handle before (header, value views and buffers) is
/// invalid afterwards.** On failure nothing changes.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when `new_capacity` is below the current
/// `value_len` (data is never cut); `SHM_ERR_CORRUPT_HEADER` when `value_len` is out of range;
/// `SHM_ERR_TOO_LARGE` when the size does not fit a mapping; `SHM_ERR_IO` when the file cannot
/// be resized or mapped (a sealed memfd refuses to shrink with EPERM).
#[no_mangle]
pub extern "C" fn shm_resize(region: *mut shm_region_t, new_capacity: size_t) -> shm_status_t {
    ffi_status("shm_resize", || {
        let region = arg_mut(region, "region")?;
        region.mem.resize(new_capacity)?;
        Ok(())
    })
}

/// Maps the file's current size if it differs from the mapped size (the owner resized the
/// region); `*changed` tells whether it did. When it did, every pointer obtained from this
/// handle before is invalid.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_CORRUPT_HEADER` when the file became shorter than the
/// header (the old mapping is kept, and accessing beyond the file's end faults); `SHM_ERR_IO`.
#[no_mangle]
pub extern "C" fn shm_remap(region: *mut shm_region_t, changed: *mut bool) -> shm_status_t {
    ffi_status("shm_remap", || {
        let region = arg_mut(region, "region")?;
        let changed = arg_out(changed, "changed")?;
        *changed = region.mem.remap()?;
        Ok(())
    })
}
