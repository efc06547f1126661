//! The one place where Rust meets C callers: the panic boundary every export runs inside, the
//! thread-local last-error text, and the argument checks that turn C pointers into Rust values.
//!
//! # Safety of C arguments
//!
//! Every `unsafe` conversion here relies on the C contract stated in the header: a non-NULL
//! pointer argument points to a live, properly aligned object of the declared type (or, for a
//! buffer, to `len` readable/writable bytes) for the duration of the call, and a region handle
//! came from this library and has not been closed. NULL is always checked; the rest cannot be
//! checked from inside the callee.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::status::shm_status_t;

/// A failed C call: its status and the text `shm_last_error` will return.
#[derive(Debug)]
pub(crate) struct CallError {
    pub(crate) status: shm_status_t,
    pub(crate) message: String,
}

impl CallError {
    pub(crate) fn new(status: shm_status_t, message: impl Into<String>) -> Self {
        CallError {
            status,
            message: message.into(),
        }
    }

    #[cold]
    #[inline(never)]
    fn null(name: &str) -> Self {
        CallError::new(
            shm_status_t::SHM_ERR_NULL_ARG,
            format!("argument `{name}` is NULL"),
        )
    }
}

impl From<crate::Error> for CallError {
    fn from(err: crate::Error) -> Self {
        CallError::new(err.kind().into(), err.to_string())
    }
}

pub(crate) type CallResult<T = ()> = Result<T, CallError>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn set_last_error(function: &str, message: &str) {
    let text = format!("{function}: {message}").replace('\0', "\\0");
    // The replace above removed every NUL, so this cannot fail; fall back to empty regardless.
    let text = CString::new(text).unwrap_or_default();
    LAST_ERROR.with(|cell| *cell.borrow_mut() = text);
}

/// Runs the body of a status-returning export: catches panics, records the failure text.
#[inline]
pub(crate) fn ffi_status(function: &str, body: impl FnOnce() -> CallResult) -> shm_status_t {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => shm_status_t::SHM_OK,
        Ok(Err(err)) => {
            set_last_error(function, &err.message);
            err.status
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("unknown panic payload");
            set_last_error(function, &format!("internal panic: {what}"));
            shm_status_t::SHM_ERR_PANIC
        }
    }
}

/// Runs the body of an export that returns a plain value; a panic yields `on_panic`.
#[inline]
pub(crate) fn ffi_value<T>(function: &str, on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        set_last_error(function, "internal panic");
        on_panic
    })
}

/// Borrows the object behind a C pointer. See the module's "Safety of C arguments".
pub(crate) fn arg_ref<'a, T>(ptr: *const T, name: &str) -> CallResult<&'a T> {
    // SAFETY: NULL is excluded here; validity for the call is the C contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| CallError::null(name))
}

/// Borrows the object behind a C pointer, or `None` for NULL, without building an error (for
/// exports that answer a NULL region with a plain value). See "Safety of C arguments".
#[inline]
pub(crate) fn opt_ref<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: NULL is excluded by `as_ref`; validity for the call is the C contract.
    unsafe { ptr.as_ref() }
}

/// Mutably borrows the object behind a C pointer. See the module's "Safety of C arguments".
pub(crate) fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> CallResult<&'a mut T> {
    // SAFETY: NULL is excluded here; validity and exclusivity for the call are the C contract.
    unsafe { ptr.as_mut() }.ok_or_else(|| CallError::null(name))
}

/// Views a C buffer; NULL is accepted when `len` is 0.
pub(crate) fn arg_bytes<'a>(ptr: *const u8, len: usize, name: &str) -> CallResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(CallError::null(name));
    }
    // SAFETY: non-NULL and `len` readable bytes for the call, per the C contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Views a writable C buffer; NULL is accepted when `len` is 0.
pub(crate) fn arg_bytes_mut<'a>(ptr: *mut u8, len: usize, name: &str) -> CallResult<&'a mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(CallError::null(name));
    }
    // SAFETY: non-NULL and `len` writable bytes for the call, per the C contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// Borrows a NUL-terminated C string.
pub(crate) fn arg_cstr<'a>(ptr: *const c_char, name: &str) -> CallResult<&'a CStr> {
    if ptr.is_null() {
        return Err(CallError::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated for the call, per the C contract.
    Ok(unsafe { CStr::from_ptr(ptr) })
}

/// Takes back ownership of a handle made by `Box::into_raw`; `None` for NULL.
pub(crate) fn take_handle<T>(ptr: *mut T) -> Option<Box<T>> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a non-NULL handle came from `Box::into_raw` in this library and is not used
    // again after the call that takes it (C contract: close is the handle's last use).
    Some(unsafe { Box::from_raw(ptr) })
}

/// Checks an output pointer up front, so the body can fail before writing anything.
pub(crate) fn arg_out<'a, T>(ptr: *mut T, name: &str) -> CallResult<&'a mut T> {
    arg_mut(ptr, name)
}

/// Text of this thread's last failure: `"<function>: <operation> [<path>]: <why>[: <OS error>]"`.
/// An empty string (never NULL) when no call on this thread has failed yet.
///
/// The pointer stays valid until the next failing `shm_*` call on the same thread. Calls that
/// succeed leave it unchanged, so read it right after the call that failed.
#[no_mangle]
pub extern "C" fn shm_last_error() -> *const c_char {
    // The CString lives in this thread's slot until replaced by the next failure, which is
    // exactly the lifetime documented above.
    LAST_ERROR.with(|cell| cell.borrow().as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: shm_last_error never returns NULL and the text lives until the next failure.
        unsafe { CStr::from_ptr(shm_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn panics_become_a_status_and_a_message() {
        let status = ffi_status("shm_test", || panic!("boom {}", 7));
        assert_eq!(status, shm_status_t::SHM_ERR_PANIC);
        assert_eq!(last_error(), "shm_test: internal panic: boom 7");
        assert_eq!(ffi_value("shm_test_value", 42, || panic!("x")), 42);
        assert_eq!(last_error(), "shm_test_value: internal panic");
    }

    #[test]
    fn success_leaves_the_last_error_alone_and_it_starts_empty() {
        std::thread::spawn(|| {
            assert_eq!(last_error(), "");
            let status = ffi_status("shm_x", || {
                Err(CallError::new(shm_status_t::SHM_ERR_IO, "disk\0gone"))
            });
            assert_eq!(status, shm_status_t::SHM_ERR_IO);
            assert_eq!(ffi_status("shm_y", || Ok(())), shm_status_t::SHM_OK);
            assert_eq!(last_error(), "shm_x: disk\\0gone");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn null_arguments_are_named() {
        let err = arg_ref::<u8>(std::ptr::null(), "region").unwrap_err();
        assert_eq!(err.status, shm_status_t::SHM_ERR_NULL_ARG);
        assert!(err.message.contains("`region`"));
        assert!(arg_bytes(std::ptr::null(), 0, "data").unwrap().is_empty());
        assert!(arg_bytes(std::ptr::null(), 1, "data").is_err());
        assert!(arg_bytes_mut(std::ptr::null_mut(), 0, "buf").is_ok());
        assert!(arg_cstr(std::ptr::null(), "path").is_err());
    }
}
