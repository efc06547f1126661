//! Atomic access to the header fields a peer updates while we look: `count` (a Go worker bumps
//! it on every run) and `value_len` (published last by writers). All of these are thread-safe
//! and may run concurrently with each other and with the peer. A `NULL` region reads as 0 and
//! is ignored by stores.

use super::boundary::{ffi_value, opt_ref};
use super::region::shm_region_t;

/// Atomic (relaxed) load of `count`.
#[no_mangle]
pub extern "C" fn shm_count_load(region: *const shm_region_t) -> i64 {
    ffi_value("shm_count_load", 0, || {
        opt_ref(region).map_or(0, |r| r.mem.count())
    })
}

/// Atomic (relaxed) store of `count`; a coordinator stores 0 before each call.
#[no_mangle]
pub extern "C" fn shm_count_store(region: *const shm_region_t, count: i64) {
    ffi_value("shm_count_store", (), || {
        if let Some(r) = opt_ref(region) {
            r.mem.set_count(count)
        }
    })
}

/// Atomically adds `delta` to `count` (wrapping) and returns the value before the addition.
#[no_mangle]
pub extern "C" fn shm_count_add(region: *const shm_region_t, delta: i64) -> i64 {
    ffi_value("shm_count_add", 0, || {
        opt_ref(region).map_or(0, |r| r.mem.count_add(delta))
    })
}

/// Acquire load of `value_len` exactly as stored, unchecked (it may be negative or beyond the
/// capacity: use `shm_value_ref`/`shm_value_copy` to read the value). Pairs with the release
/// store done by `shm_set_value` and `shm_set_value_len`.
#[no_mangle]
pub extern "C" fn shm_value_len_load(region: *const shm_region_t) -> isize {
    ffi_value("shm_value_len_load", 0, || {
        opt_ref(region).map_or(0, |r| r.mem.value_len_raw())
    })
}
