//! The corpus codec for C: typed values <-> `go test fuzz v1` entries.
//!
//! Ownership: encoding writes into a caller-owned buffer (with a size query, like
//! `shm_value_copy`); decoding returns a handle that owns the values, and the byte pointers of
//! the values read from it are borrowed from the handle until `shm_corpus_entry_free`.

use libc::size_t;

use super::boundary::{
    arg_bytes, arg_bytes_mut, arg_out, arg_ref, ffi_status, ffi_value, take_handle, CallError,
    CallResult,
};
use super::status::shm_status_t;
use crate::corpus::{self, Value};

/// The 17 argument types a Go fuzz target accepts. Stored in `shm_corpus_value_t.kind`.
/// 0 is deliberately not a kind, so a zeroed value is rejected rather than misread.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum shm_corpus_kind_t {
    /// `[]byte`: `bytes`, `bytes_len`.
    SHM_CORPUS_BYTES = 1,
    /// `string` (any bytes, not only UTF-8): `bytes`, `bytes_len`.
    SHM_CORPUS_STRING = 2,
    /// `bool`: `bool_value`.
    SHM_CORPUS_BOOL = 3,
    /// `byte`: `uint_value` (0..=255).
    SHM_CORPUS_BYTE = 4,
    /// `rune`: `int_value` (an int32).
    SHM_CORPUS_RUNE = 5,
    /// `int`: `int_value`.
    SHM_CORPUS_INT = 6,
    /// `int8`: `int_value`.
    SHM_CORPUS_INT8 = 7,
    /// `int16`: `int_value`.
    SHM_CORPUS_INT16 = 8,
    /// `int32`: `int_value`.
    SHM_CORPUS_INT32 = 9,
    /// `int64`: `int_value`.
    SHM_CORPUS_INT64 = 10,
    /// `uint`: `uint_value`.
    SHM_CORPUS_UINT = 11,
    /// `uint8`: `uint_value`.
    SHM_CORPUS_UINT8 = 12,
    /// `uint16`: `uint_value`.
    SHM_CORPUS_UINT16 = 13,
    /// `uint32`: `uint_value`.
    SHM_CORPUS_UINT32 = 14,
    /// `uint64`: `uint_value`.
    SHM_CORPUS_UINT64 = 15,
    /// `float32`: `float32_value` (NaN payloads are kept).
    SHM_CORPUS_FLOAT32 = 16,
    /// `float64`: `float64_value` (NaN payloads are kept).
    SHM_CORPUS_FLOAT64 = 17,
}

/// One typed value of a corpus entry. `kind` (a `shm_corpus_kind_t`) says which field holds
/// the value; the other fields are ignored when encoding and zero when decoding.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct shm_corpus_value_t {
    /// A `shm_corpus_kind_t` value. (An integer field, so that any value a C caller stores is
    /// checked instead of trusted.)
    pub kind: u32,
    /// `[]byte` and `string`: the bytes; may be NULL when `bytes_len` is 0. After decoding,
    /// borrowed from the entry handle.
    pub bytes: *const u8,
    /// `[]byte` and `string`: the length.
    pub bytes_len: size_t,
    /// Signed kinds (`rune`, `int`, `int8` … `int64`); must fit the kind when encoding.
    pub int_value: i64,
    /// Unsigned kinds (`byte`, `uint`, `uint8` … `uint64`); must fit the kind when encoding.
    pub uint_value: u64,
    /// `float64`.
    pub float64_value: f64,
    /// `float32`.
    pub float32_value: f32,
    /// `bool`.
    pub bool_value: bool,
}

/// A decoded corpus entry. Opaque: read it with `shm_corpus_entry_count` and
/// `shm_corpus_entry_value`, release it with `shm_corpus_entry_free`.
#[allow(non_camel_case_types)]
pub struct shm_corpus_entry_t {
    values: Vec<Value>,
}

const KINDS: [shm_corpus_kind_t; 17] = {
    use shm_corpus_kind_t::*;
    [
        SHM_CORPUS_BYTES,
        SHM_CORPUS_STRING,
        SHM_CORPUS_BOOL,
        SHM_CORPUS_BYTE,
        SHM_CORPUS_RUNE,
        SHM_CORPUS_INT,
        SHM_CORPUS_INT8,
        SHM_CORPUS_INT16,
        SHM_CORPUS_INT32,
        SHM_CORPUS_INT64,
        SHM_CORPUS_UINT,
        SHM_CORPUS_UINT8,
        SHM_CORPUS_UINT16,
        SHM_CORPUS_UINT32,
        SHM_CORPUS_UINT64,
        SHM_CORPUS_FLOAT32,
        SHM_CORPUS_FLOAT64,
    ]
};

fn invalid(index: usize, why: impl std::fmt::Display) -> CallError {
    CallError::new(
        shm_status_t::SHM_ERR_INVALID_ARG,
        format!("value {index}: {why}"),
    )
}

/// Converts one C value into a Rust one, checking the kind and the range.
fn value_from_c(index: usize, v: &shm_corpus_value_t) -> CallResult<Value> {
    use shm_corpus_kind_t::*;
    let kind = KINDS
        .into_iter()
        .find(|k| *k as u32 == v.kind)
        .ok_or_else(|| invalid(index, format!("kind {} is not a shm_corpus_kind_t", v.kind)))?;
    let narrow_i = |min: i64, max: i64, name: &str| -> CallResult<i64> {
        if (min..=max).contains(&v.int_value) {
            Ok(v.int_value)
        } else {
            Err(invalid(
                index,
                format!("int_value {} does not fit {name}", v.int_value),
            ))
        }
    };
    let narrow_u = |max: u64, name: &str| -> CallResult<u64> {
        if v.uint_value <= max {
            Ok(v.uint_value)
        } else {
            Err(invalid(
                index,
                format!("uint_value {} does not fit {name}", v.uint_value),
            ))
        }
    };
    let bytes = || -> CallResult<Vec<u8>> {
        arg_bytes(v.bytes, v.bytes_len, "bytes")
            .map(<[u8]>::to_vec)
            .map_err(|e| invalid(index, e.message))
    };
    // The narrowing casts below are exact: each value was range-checked first.
    Ok(match kind {
        SHM_CORPUS_BYTES => Value::Bytes(bytes()?),
        SHM_CORPUS_STRING => Value::String(bytes()?),
        SHM_CORPUS_BOOL => Value::Bool(v.bool_value),
        SHM_CORPUS_BYTE => Value::Byte(narrow_u(u8::MAX.into(), "byte")? as u8),
        SHM_CORPUS_RUNE => Value::Rune(narrow_i(i32::MIN.into(), i32::MAX.into(), "rune")? as i32),
        SHM_CORPUS_INT => Value::Int(v.int_value),
        SHM_CORPUS_INT8 => Value::Int8(narrow_i(i8::MIN.into(), i8::MAX.into(), "int8")? as i8),
        SHM_CORPUS_INT16 => {
            Value::Int16(narrow_i(i16::MIN.into(), i16::MAX.into(), "int16")? as i16)
        }
        SHM_CORPUS_INT32 => {
            Value::Int32(narrow_i(i32::MIN.into(), i32::MAX.into(), "int32")? as i32)
        }
        SHM_CORPUS_INT64 => Value::Int64(v.int_value),
        SHM_CORPUS_UINT => Value::Uint(v.uint_value),
        SHM_CORPUS_UINT8 => Value::Uint8(narrow_u(u8::MAX.into(), "uint8")? as u8),
        SHM_CORPUS_UINT16 => Value::Uint16(narrow_u(u16::MAX.into(), "uint16")? as u16),
        SHM_CORPUS_UINT32 => Value::Uint32(narrow_u(u32::MAX.into(), "uint32")? as u32),
        SHM_CORPUS_UINT64 => Value::Uint64(v.uint_value),
        SHM_CORPUS_FLOAT32 => Value::Float32(v.float32_value),
        SHM_CORPUS_FLOAT64 => Value::Float64(v.float64_value),
    })
}

/// Describes a Rust value for C; byte pointers borrow from `value`.
fn value_to_c(value: &Value) -> shm_corpus_value_t {
    use shm_corpus_kind_t::*;
    let mut out = shm_corpus_value_t {
        kind: 0,
        bytes: std::ptr::null(),
        bytes_len: 0,
        int_value: 0,
        uint_value: 0,
        float64_value: 0.0,
        float32_value: 0.0,
        bool_value: false,
    };
    let (kind, int_value, uint_value) = match value {
        Value::Bytes(b) | Value::String(b) => {
            out.bytes = b.as_ptr();
            out.bytes_len = b.len();
            let kind = match value {
                Value::Bytes(_) => SHM_CORPUS_BYTES,
                _ => SHM_CORPUS_STRING,
            };
            (kind, 0, 0)
        }
        Value::Bool(b) => {
            out.bool_value = *b;
            (SHM_CORPUS_BOOL, 0, 0)
        }
        Value::Byte(x) => (SHM_CORPUS_BYTE, 0, u64::from(*x)),
        Value::Rune(x) => (SHM_CORPUS_RUNE, i64::from(*x), 0),
        Value::Int(x) => (SHM_CORPUS_INT, *x, 0),
        Value::Int8(x) => (SHM_CORPUS_INT8, i64::from(*x), 0),
        Value::Int16(x) => (SHM_CORPUS_INT16, i64::from(*x), 0),
        Value::Int32(x) => (SHM_CORPUS_INT32, i64::from(*x), 0),
        Value::Int64(x) => (SHM_CORPUS_INT64, *x, 0),
        Value::Uint(x) => (SHM_CORPUS_UINT, 0, *x),
        Value::Uint8(x) => (SHM_CORPUS_UINT8, 0, u64::from(*x)),
        Value::Uint16(x) => (SHM_CORPUS_UINT16, 0, u64::from(*x)),
        Value::Uint32(x) => (SHM_CORPUS_UINT32, 0, u64::from(*x)),
        Value::Uint64(x) => (SHM_CORPUS_UINT64, 0, *x),
        Value::Float32(x) => {
            out.float32_value = *x;
            (SHM_CORPUS_FLOAT32, 0, 0)
        }
        Value::Float64(x) => {
            out.float64_value = *x;
            (SHM_CORPUS_FLOAT64, 0, 0)
        }
    };
    out.kind = kind as u32;
    out.int_value = int_value;
    out.uint_value = uint_value;
    out
}

/// Writes `entry` to the caller's buffer with the size-query convention.
pub(crate) fn write_out(
    entry: &[u8],
    out: *mut u8,
    out_cap: size_t,
    out_len: &mut size_t,
) -> CallResult {
    *out_len = entry.len();
    let buf = arg_bytes_mut(out, out_cap, "out")?;
    let dest = buf.get_mut(..entry.len()).ok_or_else(|| {
        CallError::new(
            shm_status_t::SHM_ERR_TOO_LARGE,
            format!(
                "the entry is {} bytes, the buffer only {out_cap}",
                entry.len()
            ),
        )
    })?;
    dest.copy_from_slice(entry);
    Ok(())
}

/// Encodes `count` typed values as a `go test fuzz v1` entry, exactly as Go writes it, into
/// `out` (`out_cap` bytes; not NUL-terminated). `*out_len` receives the entry's size — also
/// with `SHM_ERR_TOO_LARGE` when `out_cap` is too small, so `out_cap` 0 (with `out` NULL) is a
/// size query. `values` may be NULL when `count` is 0. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` for an unknown kind or a value that does
/// not fit its kind (the message names the value's index); `SHM_ERR_TOO_LARGE`.
#[no_mangle]
pub extern "C" fn shm_corpus_encode(
    values: *const shm_corpus_value_t,
    count: size_t,
    out: *mut u8,
    out_cap: size_t,
    out_len: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_corpus_encode", || {
        let out_len = arg_out(out_len, "out_len")?;
        let values: &[shm_corpus_value_t] = if count == 0 {
            &[]
        } else {
            let first = arg_ref(values, "values")?;
            // SAFETY: non-NULL, and the caller passes `count` values (C contract, see the
            // boundary module's "Safety of C arguments").
            unsafe { std::slice::from_raw_parts(first, count) }
        };
        let values = values
            .iter()
            .enumerate()
            .map(|(i, v)| value_from_c(i, v))
            .collect::<CallResult<Vec<_>>>()?;
        write_out(&corpus::encode(&values), out, out_cap, out_len)
    })
}

/// Encodes `len` bytes as the entry of a fuzz target that takes a single `[]byte`:
/// `go test fuzz v1\n[]byte("...")\n`. Buffer convention as `shm_corpus_encode`; `data` may
/// be NULL when `len` is 0. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE` (with `*out_len` set to the size needed).
#[no_mangle]
pub extern "C" fn shm_corpus_encode_bytes(
    data: *const u8,
    len: size_t,
    out: *mut u8,
    out_cap: size_t,
    out_len: *mut size_t,
) -> shm_status_t {
    ffi_status("shm_corpus_encode_bytes", || {
        let out_len = arg_out(out_len, "out_len")?;
        let data = arg_bytes(data, len, "data")?;
        let entry = corpus::encode(&[Value::Bytes(data.to_vec())]);
        write_out(&entry, out, out_cap, out_len)
    })
}

/// Decodes a `go test fuzz v1` entry, accepting what Go accepts. On success `*out` receives a
/// handle owning the values; free it with `shm_corpus_entry_free`. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when the entry is not one Go would accept
/// (the message names the line and why).
#[no_mangle]
pub extern "C" fn shm_corpus_decode(
    data: *const u8,
    len: size_t,
    out: *mut *mut shm_corpus_entry_t,
) -> shm_status_t {
    ffi_status("shm_corpus_decode", || {
        let data = arg_bytes(data, len, "data")?;
        let out = arg_out(out, "out")?;
        let values = corpus::decode(data)
            .map_err(|e| CallError::new(shm_status_t::SHM_ERR_INVALID_ARG, e.to_string()))?;
        *out = Box::into_raw(Box::new(shm_corpus_entry_t { values }));
        Ok(())
    })
}

/// Number of values in a decoded entry; 0 for NULL.
#[no_mangle]
pub extern "C" fn shm_corpus_entry_count(entry: *const shm_corpus_entry_t) -> size_t {
    ffi_value("shm_corpus_entry_count", 0, || {
        arg_ref(entry, "entry").map_or(0, |e| e.values.len())
    })
}

/// Reads value `index` of a decoded entry into `*out`. Its `bytes` pointer (for `[]byte` and
/// `string`) is borrowed from the entry and valid until `shm_corpus_entry_free`.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` when `index` is not below the count.
#[no_mangle]
pub extern "C" fn shm_corpus_entry_value(
    entry: *const shm_corpus_entry_t,
    index: size_t,
    out: *mut shm_corpus_value_t,
) -> shm_status_t {
    ffi_status("shm_corpus_entry_value", || {
        let entry = arg_ref(entry, "entry")?;
        let out = arg_out(out, "out")?;
        let value = entry.values.get(index).ok_or_else(|| {
            CallError::new(
                shm_status_t::SHM_ERR_INVALID_ARG,
                format!(
                    "index {index} is not below the entry's {} values",
                    entry.values.len()
                ),
            )
        })?;
        *out = value_to_c(value);
        Ok(())
    })
}

/// Frees a decoded entry; every byte pointer read from it becomes invalid. NULL is a no-op.
#[no_mangle]
pub extern "C" fn shm_corpus_entry_free(entry: *mut shm_corpus_entry_t) {
    ffi_value("shm_corpus_entry_free", (), || drop(take_handle(entry)))
}
