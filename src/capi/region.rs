//! The region exports: `shm_create*`, `shm_map_*`, `shm_close`, header and value access.
//! Each converts its arguments, calls [`SharedMem`], and writes outputs only on success.

use std::ffi::{c_char, c_int, CString, OsStr};
use std::os::fd::BorrowedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use libc::size_t;

use super::boundary::{
    arg_bytes, arg_bytes_mut, arg_cstr, arg_mut, arg_out, arg_ref, ffi_status, ffi_value,
    take_handle, CallError, CallResult,
};
use super::status::shm_status_t;
use crate::layout::{size_for_value, ShmHeader, HEADER_SIZE};
use crate::region::SharedMem;

/// An open region. Opaque: create it with `shm_create`, `shm_create_in`, `shm_map_file` or
/// `shm_map_fd`, release it with `shm_close`.
#[allow(non_camel_case_types)]
pub struct shm_region_t {
    pub(super) mem: SharedMem,
    /// NUL-terminated copy of the path for `shm_path`, made once.
    path: Option<CString>,
}

impl shm_region_t {
    pub(super) fn boxed(mem: SharedMem) -> *mut shm_region_t {
        let path = mem
            .path()
            .and_then(|p| CString::new(p.as_os_str().as_bytes()).ok());
        Box::into_raw(Box::new(shm_region_t { mem, path }))
    }
}

fn path_arg<'a>(ptr: *const c_char, name: &str) -> CallResult<&'a Path> {
    Ok(Path::new(OsStr::from_bytes(
        arg_cstr(ptr, name)?.to_bytes(),
    )))
}

/// Size of the region header, which is also the offset of the value: 40 on 64-bit targets, 32
/// on 32-bit ones, as Go computes `unsafe.Sizeof(sharedMemHeader{})`. Thread-safe.
#[no_mangle]
pub extern "C" fn shm_header_size() -> size_t {
    HEADER_SIZE
}

/// Go's `sharedMemSize`: bytes of a region whose value can hold `value_capacity` bytes, or 0
/// when that would not fit in a mapping (overflow, or beyond `PTRDIFF_MAX`). Thread-safe.
#[no_mangle]
pub extern "C" fn shm_size_for_value(value_capacity: size_t) -> size_t {
    size_for_value(value_capacity).unwrap_or(0)
}

/// Creates a region with room for `value_capacity` value bytes, backed by a new temporary file
/// named `fuzz-*` in `$TMPDIR` (else `/tmp`), mode 0600, sparse: Go's `sharedMemTempFile`.
/// The header starts zeroed. On success `*out` receives a handle the caller must `shm_close`,
/// which also removes the file. On failure nothing is left behind and `*out` is untouched.
/// Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG` (`out`), `SHM_ERR_TOO_LARGE` (capacity does not fit a mapping),
/// `SHM_ERR_IO` (the file could not be created, sized or mapped).
#[no_mangle]
pub extern "C" fn shm_create(value_capacity: size_t, out: *mut *mut shm_region_t) -> shm_status_t {
    ffi_status("shm_create", || {
        let out = arg_out(out, "out")?;
        *out = shm_region_t::boxed(SharedMem::create(value_capacity)?);
        Ok(())
    })
}

/// Like `shm_create`, with the temporary file in directory `dir`.
///
/// Errors: as `shm_create`, plus `SHM_ERR_NULL_ARG` for `dir`, and `SHM_ERR_IO` naming `dir`
/// when it does not exist or is not writable.
#[no_mangle]
pub extern "C" fn shm_create_in(
    dir: *const c_char,
    value_capacity: size_t,
    out: *mut *mut shm_region_t,
) -> shm_status_t {
    ffi_status("shm_create_in", || {
        let dir = path_arg(dir, "dir")?;
        let out = arg_out(out, "out")?;
        *out = shm_region_t::boxed(SharedMem::create_in(dir, value_capacity)?);
        Ok(())
    })
}

/// Maps an existing file read-write and shared. `size` 0 maps the whole file; otherwise the
/// first `size` bytes. With `remove_on_close`, `shm_close` removes the file (a failed call
/// never does). The header is not modified. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG` (`path`, `out`); `SHM_ERR_INVALID_ARG` when `size` (or the file,
/// for size 0) is smaller than the header, when `size` is larger than the file (mapping past the
/// end of a file faults), or when the path opens but is not a regular file (a device);
/// `SHM_ERR_IO` when it cannot be opened read-write (missing, a directory, no permission) or
/// mapped.
#[no_mangle]
pub extern "C" fn shm_map_file(
    path: *const c_char,
    size: size_t,
    remove_on_close: bool,
    out: *mut *mut shm_region_t,
) -> shm_status_t {
    ffi_status("shm_map_file", || {
        let path = path_arg(path, "path")?;
        let out = arg_out(out, "out")?;
        *out = shm_region_t::boxed(SharedMem::map_path(path, size, remove_on_close)?);
        Ok(())
    })
}

/// Maps an open descriptor (opened read-write). The descriptor is duplicated: the caller keeps
/// `fd` and closes it when it likes; `shm_close` closes only the duplicate and removes nothing.
/// Size rules as `shm_map_file`; a Go worker maps its fd 5 with size 0. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG` (`out`); `SHM_ERR_INVALID_ARG` for a negative `fd` and the size
/// rules; `SHM_ERR_IO` when `fd` is not open, not writable or cannot be mapped.
#[no_mangle]
pub extern "C" fn shm_map_fd(fd: c_int, size: size_t, out: *mut *mut shm_region_t) -> shm_status_t {
    ffi_status("shm_map_fd", || {
        let out = arg_out(out, "out")?;
        if fd < 0 {
            return Err(CallError::new(
                shm_status_t::SHM_ERR_INVALID_ARG,
                format!("descriptor {fd} is negative"),
            ));
        }
        // SAFETY: `fd` is non-negative, and the caller promises it stays open for this call
        // (the C contract); it is only duplicated, never closed, here.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        *out = shm_region_t::boxed(SharedMem::map_fd(borrowed, size)?);
        Ok(())
    })
}

/// Unmaps the region, closes its descriptor, removes the file if the region owns it, and frees
/// the handle. Every step is attempted; the first failure is returned (`SHM_ERR_IO`), and the
/// handle is freed in every case. `NULL` is a no-op returning `SHM_OK`. Every pointer obtained
/// from the handle is invalid afterwards. Not thread-safe with any other call on the same handle.
#[no_mangle]
pub extern "C" fn shm_close(region: *mut shm_region_t) -> shm_status_t {
    ffi_status("shm_close", || match take_handle(region) {
        Some(handle) => Ok(handle.mem.close()?),
        None => Ok(()),
    })
}

/// Pointer to the header inside the mapping, like Go's `header()`: reads and writes through it
/// are plain memory accesses shared with the peer. Fields the peer writes concurrently (`count`
/// while a worker runs) should be read with atomic loads; `value_len` is untrusted: read values
/// with `shm_value_ref`/`shm_value_copy`, which check it. Valid until `shm_close`. `NULL` for a
/// `NULL` region.
#[no_mangle]
pub extern "C" fn shm_header(region: *mut shm_region_t) -> *mut ShmHeader {
    ffi_value("shm_header", std::ptr::null_mut(), || {
        arg_ref(region, "region").map_or(std::ptr::null_mut(), |r| r.mem.header_ptr())
    })
}

/// Bytes available for the value (mapping size minus the header). 0 for a `NULL` region.
#[no_mangle]
pub extern "C" fn shm_capacity(region: *const shm_region_t) -> size_t {
    ffi_value("shm_capacity", 0, || {
        arg_ref(region, "region").map_or(0, |r| r.mem.capacity())
    })
}

/// The region's descriptor, owned by the region (do not close it). It is close-on-exec: to hand
/// it to a child (a Go worker expects fd 5), `dup2` it in the child between fork and exec.
/// -1 for a `NULL` region.
#[no_mangle]
pub extern "C" fn shm_fd(region: *const shm_region_t) -> c_int {
    ffi_value("shm_fd", -1, || {
        arg_ref(region, "region").map_or(-1, |r| r.mem.fd())
    })
}

/// The file's path, owned by the region and valid until `shm_close`; `NULL` for a region mapped
/// from a descriptor, and for a `NULL` region.
#[no_mangle]
pub extern "C" fn shm_path(region: *const shm_region_t) -> *const c_char {
    ffi_value("shm_path", std::ptr::null(), || {
        arg_ref(region, "region")
            .ok()
            .and_then(|r| r.path.as_ref())
            .map_or(std::ptr::null(), |p| p.as_ptr())
    })
}

/// Zero-copy view of the value: `*data` points into the mapping, `*len` is the checked
/// `value_len`. The view is valid until the next call that changes the value or `shm_close`,
/// and only while the peer does not own the region (Go's protocol: not during a worker call).
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_CORRUPT_HEADER` when `value_len` is negative or beyond
/// the capacity (outputs untouched).
#[no_mangle]
pub extern "C" fn shm_value_ref(
    region: *const shm_region_t,
    data: *mut *const u8,
    len: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_value_ref", || {
        let region = arg_ref(region, "region")?;
        let data = arg_out(data, "data")?;
        let len = arg_out(len, "len")?;
        let checked = region.mem.value_len()?;
        *data = region.mem.value_ptr();
        *len = checked;
        Ok(())
    })
}

/// Copies the value into `buf` (`buf_len` bytes). `*len` receives the value's length whenever
/// the header is valid — also when the buffer is too small, so `buf_len` 0 (with `buf` NULL) is
/// a size query.
///
/// Errors: `SHM_ERR_NULL_ARG` (`region`, `len`, or `buf` with `buf_len` > 0);
/// `SHM_ERR_CORRUPT_HEADER` (nothing written); `SHM_ERR_TOO_LARGE` when `buf_len` is smaller
/// than the value (nothing copied, `*len` set).
#[no_mangle]
pub extern "C" fn shm_value_copy(
    region: *const shm_region_t,
    buf: *mut u8,
    buf_len: size_t,
    len: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_value_copy", || {
        let region = arg_ref(region, "region")?;
        let len = arg_out(len, "len")?;
        let buf = arg_bytes_mut(buf, buf_len, "buf")?;
        region.mem.value_copy_into_reporting_len(buf, len)?;
        Ok(())
    })
}

/// The whole value area, to fill in place and then publish with `shm_set_value_len` (Go's
/// minimizer works this way): `*data` points to `*capacity` writable bytes in the mapping, valid
/// until `shm_close`. The header is not read or changed.
///
/// Errors: `SHM_ERR_NULL_ARG`.
#[no_mangle]
pub extern "C" fn shm_value_buffer(
    region: *mut shm_region_t,
    data: *mut *mut u8,
    capacity: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_value_buffer", || {
        let region = arg_mut(region, "region")?;
        let data = arg_out(data, "data")?;
        let capacity = arg_out(capacity, "capacity")?;
        *data = region.mem.value_ptr();
        *capacity = region.mem.capacity();
        Ok(())
    })
}

/// Copies `len` bytes into the value area, then publishes `value_len` = `len` with a release
/// store (a peer that reads the length sees all the bytes). `data` may be NULL when `len` is 0,
/// and may point into this region's own value area.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE` when `len` exceeds the capacity, in which
/// case the region is untouched.
#[no_mangle]
pub extern "C" fn shm_set_value(
    region: *mut shm_region_t,
    data: *const u8,
    len: size_t,
) -> shm_status_t {
    ffi_status("shm_set_value", || {
        let region = arg_mut(region, "region")?;
        let data = arg_bytes(data, len, "data")?;
        region.mem.set_value(data)?;
        Ok(())
    })
}

/// Publishes `len` as `value_len` (release store), for bytes already written through
/// `shm_value_buffer`.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE` beyond the capacity (header untouched).
#[no_mangle]
pub extern "C" fn shm_set_value_len(region: *mut shm_region_t, len: size_t) -> shm_status_t {
    ffi_status("shm_set_value_len", || {
        let region = arg_mut(region, "region")?;
        region.mem.set_value_len(len)?;
        Ok(())
    })
}
