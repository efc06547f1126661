//! Signatures and the byte mapping for C: a fuzz target's argument types, and raw engine
//! bytes turned into the corpus entry a worker runs.
//!
//! A `shm_signature_t` is immutable once made, so every function taking one is thread-safe.

use std::ffi::{c_char, CString};
use std::path::Path;

use libc::size_t;

use super::boundary::{
    arg_bytes, arg_cstr, arg_out, arg_ref, ffi_status, ffi_value, opt_ref, take_handle, CallError,
    CallResult,
};
use super::corpus::{shm_corpus_kind_t, write_out};
use super::status::shm_status_t;
use crate::signature::{self, Kind, Signature, SignatureError, SignatureErrorKind};

/// The argument types of a Go fuzz target. Opaque: make one with `shm_signature_parse`,
/// `shm_signature_from_entry` or `shm_signature_discover`; release it with
/// `shm_signature_free`.
#[allow(non_camel_case_types)]
pub struct shm_signature_t {
    signature: Signature,
    /// The Go spelling, NUL-terminated, for `shm_signature_string`.
    text: CString,
}

fn kind_to_c(kind: Kind) -> shm_corpus_kind_t {
    use shm_corpus_kind_t::*;
    match kind {
        Kind::Bytes => SHM_CORPUS_BYTES,
        Kind::String => SHM_CORPUS_STRING,
        Kind::Bool => SHM_CORPUS_BOOL,
        Kind::Byte => SHM_CORPUS_BYTE,
        Kind::Rune => SHM_CORPUS_RUNE,
        Kind::Int => SHM_CORPUS_INT,
        Kind::Int8 => SHM_CORPUS_INT8,
        Kind::Int16 => SHM_CORPUS_INT16,
        Kind::Int32 => SHM_CORPUS_INT32,
        Kind::Int64 => SHM_CORPUS_INT64,
        Kind::Uint => SHM_CORPUS_UINT,
        Kind::Uint8 => SHM_CORPUS_UINT8,
        Kind::Uint16 => SHM_CORPUS_UINT16,
        Kind::Uint32 => SHM_CORPUS_UINT32,
        Kind::Uint64 => SHM_CORPUS_UINT64,
        Kind::Float32 => SHM_CORPUS_FLOAT32,
        Kind::Float64 => SHM_CORPUS_FLOAT64,
    }
}

impl From<SignatureError> for CallError {
    fn from(err: SignatureError) -> CallError {
        let status = match err.kind() {
            SignatureErrorKind::Tooling => shm_status_t::SHM_ERR_IO,
            _ => shm_status_t::SHM_ERR_INVALID_ARG,
        };
        CallError::new(status, err.to_string())
    }
}

/// Hands a new signature to C.
fn hand_out(signature: Signature, out: &mut *mut shm_signature_t) -> CallResult {
    // The Go spelling of the 17 kinds has no NUL.
    let text = CString::new(signature.to_string()).unwrap_or_default();
    *out = Box::into_raw(Box::new(shm_signature_t { signature, text }));
    Ok(())
}

fn arg_str<'a>(ptr: *const c_char, name: &str) -> CallResult<&'a str> {
    arg_cstr(ptr, name)?.to_str().map_err(|_| {
        CallError::new(
            shm_status_t::SHM_ERR_INVALID_ARG,
            format!("argument `{name}` is not UTF-8"),
        )
    })
}

/// Parses a comma-separated list of Go type names (`"string,int64,bool"`, `"[]byte"`; spaces
/// around names ignored, `[]uint8` read as `[]byte`). On success `*out` receives a new
/// signature; free it with `shm_signature_free`.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` for an empty list or a name that is not
/// one of the 17 types (the message names it).
#[no_mangle]
pub extern "C" fn shm_signature_parse(
    types: *const c_char,
    out: *mut *mut shm_signature_t,
) -> shm_status_t {
    ffi_status("shm_signature_parse", || {
        let types = arg_str(types, "types")?;
        let out = arg_out(out, "out")?;
        hand_out(Signature::parse(types)?, out)
    })
}

/// The signature of a target from one of its corpus entries (`len` bytes at `entry`, e.g. a
/// file of `testdata/fuzz/<Target>/`): the types of its values.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when the entry is not one Go would
/// decode, or holds no value.
#[no_mangle]
pub extern "C" fn shm_signature_from_entry(
    entry: *const u8,
    len: size_t,
    out: *mut *mut shm_signature_t,
) -> shm_status_t {
    ffi_status("shm_signature_from_entry", || {
        let entry = arg_bytes(entry, len, "entry")?;
        let out = arg_out(out, "out")?;
        hand_out(Signature::from_entry(entry)?, out)
    })
}

/// The signature of fuzz target `target` (e.g. `"FuzzParse"`) of the Go package in directory
/// `pkg_dir`, found by type-checking the package's test files with Go's own tooling (the `go`
/// on PATH; a helper is built in a private temporary directory, removed before this returns;
/// about a second with a warm build cache). The caller's environment applies to the package
/// (`GOFLAGS`, modules). Blocks while Go runs.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when the package or target does not
/// exist, the package does not type-check, the callback cannot be resolved or Go's fuzzing
/// refuses its types (the message says which and where); `SHM_ERR_IO` when Go cannot be run.
#[no_mangle]
pub extern "C" fn shm_signature_discover(
    pkg_dir: *const c_char,
    target: *const c_char,
    out: *mut *mut shm_signature_t,
) -> shm_status_t {
    ffi_status("shm_signature_discover", || {
        let pkg_dir = arg_str(pkg_dir, "pkg_dir")?;
        let target = arg_str(target, "target")?;
        let out = arg_out(out, "out")?;
        hand_out(Signature::discover(Path::new(pkg_dir), target)?, out)
    })
}

/// Frees a signature. NULL is a no-op.
#[no_mangle]
pub extern "C" fn shm_signature_free(sig: *mut shm_signature_t) {
    ffi_value("shm_signature_free", (), || drop(take_handle(sig)))
}

/// The signature in Go's spelling, comma-separated (`"string,int64,bool"`), as
/// `shm_signature_parse` reads it: NUL-terminated, borrowed from `sig` until
/// `shm_signature_free`. NULL for a NULL `sig`.
#[no_mangle]
pub extern "C" fn shm_signature_string(sig: *const shm_signature_t) -> *const c_char {
    ffi_value("shm_signature_string", std::ptr::null(), || {
        opt_ref(sig).map_or(std::ptr::null(), |s| s.text.as_ptr())
    })
}

/// Number of arguments (at least 1); 0 for NULL.
#[no_mangle]
pub extern "C" fn shm_signature_count(sig: *const shm_signature_t) -> size_t {
    ffi_value("shm_signature_count", 0, || {
        opt_ref(sig).map_or(0, |s| s.signature.len())
    })
}

/// The kind of argument `index` into `*kind` (a `shm_corpus_kind_t`; `byte`/`uint8` and
/// `rune`/`int32` as spelled).
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when `index` is not below the count.
#[no_mangle]
pub extern "C" fn shm_signature_kind(
    sig: *const shm_signature_t,
    index: size_t,
    kind: *mut shm_corpus_kind_t,
) -> shm_status_t {
    ffi_status("shm_signature_kind", || {
        let sig = arg_ref(sig, "sig")?;
        let out = arg_out(kind, "kind")?;
        let k = sig.signature.kinds().get(index).ok_or_else(|| {
            CallError::new(
                shm_status_t::SHM_ERR_INVALID_ARG,
                format!(
                    "index {index} is not below the signature's {} arguments",
                    sig.signature.len()
                ),
            )
        })?;
        *out = kind_to_c(*k);
        Ok(())
    })
}

/// Whether the byte mapping is the identity for `sig` (a lone `[]byte` or `string`: the
/// value is the raw input). false for NULL.
#[no_mangle]
pub extern "C" fn shm_signature_is_identity(sig: *const shm_signature_t) -> bool {
    ffi_value("shm_signature_is_identity", false, || {
        opt_ref(sig).is_some_and(|s| s.signature.is_identity())
    })
}

/// The version of the byte mapping (see `shm_signature_entry_from_bytes`): inputs an engine
/// saved mean the same values only under the same version.
#[no_mangle]
pub extern "C" fn shm_signature_mapping_version() -> u32 {
    signature::MAPPING_VERSION
}

/// Maps `len` raw bytes (an engine's input; any bytes, also none; `data` may be NULL when
/// `len` is 0) to values of `sig` and writes their `go test fuzz v1` entry, ready for
/// `shm_worker_run`, into `out` (`out_cap` bytes, not NUL-terminated). `*out_len` receives
/// the entry's size, also with `SHM_ERR_TOO_LARGE`, so `out_cap` 0 (with `out` NULL) is a size
/// query.
///
/// The mapping (version `shm_signature_mapping_version()`, described in the README): the
/// fixed-width arguments are read first, in order, from a header at the front of the input,
/// each as little-endian bytes of its size (`bool` from the low bit of one byte, `int`/`uint`
/// as 8 bytes, floats as their IEEE bits; bytes past the end read as zero); the rest of the
/// input is split among the `[]byte`/`string` arguments at the separator `fe 47 4f ff`, the
/// last one taking the remainder. A lone `[]byte` or `string` is the input itself.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE` (with `*out_len` set to the size needed).
#[no_mangle]
pub extern "C" fn shm_signature_entry_from_bytes(
    sig: *const shm_signature_t,
    data: *const u8,
    len: size_t,
    out: *mut u8,
    out_cap: size_t,
    out_len: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_signature_entry_from_bytes", || {
        let sig = arg_ref(sig, "sig")?;
        let data = arg_bytes(data, len, "data")?;
        let out_len = arg_out(out_len, "out_len")?;
        write_out(&sig.signature.entry_from_bytes(data), out, out_cap, out_len)
    })
}

/// The inverse of the mapping: the raw input whose entry is the corpus entry at `entry`
/// (`len` bytes, e.g. a file of `testdata/fuzz/<Target>/`), to seed an engine with Go's
/// corpus. Buffer convention as `shm_signature_entry_from_bytes`.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when the entry is not one Go would
/// decode, does not match `sig` (Go's wording: wrong number of values, mismatched types), or
/// has no input (a `[]byte`/`string` other than the last contains the separator);
/// `SHM_ERR_TOO_LARGE`.
#[no_mangle]
pub extern "C" fn shm_signature_bytes_from_entry(
    sig: *const shm_signature_t,
    entry: *const u8,
    len: size_t,
    out: *mut u8,
    out_cap: size_t,
    out_len: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_signature_bytes_from_entry", || {
        let sig = arg_ref(sig, "sig")?;
        let entry = arg_bytes(entry, len, "entry")?;
        let out_len = arg_out(out_len, "out_len")?;
        write_out(
            &sig.signature.bytes_from_entry(entry)?,
            out,
            out_cap,
            out_len,
        )
    })
}

/// Whether a worker's failure text (`message`/`message_len` of a `shm_run_result_t` with
/// `SHM_OUTCOME_CRASH`) says that the entry's values did not fit the target's callback (Go's
/// `reflect: Call using … as type …` / `… too few|many input arguments`, raised by the testing
/// package itself): a usage mistake (a wrong signature), not a bug of the target. false for
/// NULL.
#[no_mangle]
pub extern "C" fn shm_failure_is_call_mismatch(
    message: *const c_char,
    message_len: size_t,
) -> bool {
    ffi_value("shm_failure_is_call_mismatch", false, || {
        arg_bytes(message.cast(), message_len, "message")
            .ok()
            .is_some_and(|m| signature::call_mismatch(&String::from_utf8_lossy(m)).is_some())
    })
}
