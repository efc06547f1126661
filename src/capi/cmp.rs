//! The comparison-feedback exports: `shm_cmp_*`. A ring handle wraps [`crate::cmp::CmpRing`];
//! a worker writes into it when the ring is set in `shm_worker_options_t.cmp` at start and the
//! binary was built with the hook object (`gofuzz-shm build`).

use libc::size_t;

use super::boundary::{arg_mut, arg_out, ffi_status, take_handle};
use super::status::shm_status_t;
use crate::cmp::{CmpRing, CmpRun, CmpStats, Comparison, MAX_STRING};

/// A comparison ring: shared memory a hooked Go worker writes the fuzz function's comparisons
/// into. Opaque: create it with `shm_cmp_create`, set it in `shm_worker_options_t.cmp` before
/// `shm_worker_start`, and per run call `shm_cmp_reset` before and `shm_cmp_collect` after.
/// Release it with `shm_cmp_close` (a worker started with it keeps its own mapping and
/// descriptor; they go when the worker stops). One thread at a time per handle.
#[allow(non_camel_case_types)]
pub struct shm_cmp_t {
    pub(crate) ring: CmpRing,
    run: CmpRun,
    records: Vec<shm_cmp_record_t>,
}

/// What a `shm_cmp_record_t` holds.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum shm_cmp_kind_t {
    /// An integer comparison: `size`, `is_const`, `a`, `b`.
    SHM_CMP_INT = 1,
    /// A string comparison that found the strings different (Go reports no equal ones):
    /// `a_bytes`/`a_len`, `b_bytes`/`b_len`.
    SHM_CMP_STR = 2,
}

/// One comparison the fuzz function made.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct shm_cmp_record_t {
    /// Integer or string.
    pub kind: shm_cmp_kind_t,
    /// Go's site id. Integers: Go's fake PC for the comparison modulo 512 (what Go passes),
    /// shifted by a constant of the binary; strings: Go's 32-bit fake PC. Stable for a binary.
    pub site: u32,
    /// Bytes of the goroutine's stack in use where the comparison was made.
    pub depth: u32,
    /// Integers: operand width in bytes (1, 2, 4, 8); strings: 0.
    pub size: u8,
    /// Integers: the first operand is a constant in the Go source.
    pub is_const: bool,
    /// Strings: bit 0 set when `a` was longer than 64 bytes and cut, bit 1 likewise for `b`.
    pub truncated: u8,
    /// Strings: bytes in `a_bytes` (at most 64).
    pub a_len: u8,
    /// Strings: bytes in `b_bytes` (at most 64).
    pub b_len: u8,
    /// Integers: the first operand, zero-extended (the constant when `is_const`).
    pub a: u64,
    /// Integers: the second operand, zero-extended.
    pub b: u64,
    /// Strings: the first operand, `a_len` bytes (cut at 64 bytes and at a NUL: Go passes C
    /// strings); valid as long as the record. Integers: NULL.
    pub a_bytes: *const u8,
    /// Strings: the second operand, `b_len` bytes, likewise.
    pub b_bytes: *const u8,
}

const _: () = assert!(
    MAX_STRING <= u8::MAX as usize,
    "string lengths fit a_len and b_len"
);

/// What `shm_cmp_collect` found besides the records.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct shm_cmp_stats_t {
    /// Records returned.
    pub records: u64,
    /// Comparisons the hook dropped because the ring was full.
    pub dropped: u64,
    /// Comparisons the hook judged the worker's own (decoding, encoding): approximate.
    pub filtered: u64,
    /// Slots reserved but holding no valid record; reading stopped there.
    pub torn: u64,
    /// Records cut from the end as the worker's own bookkeeping after the fuzz function.
    pub tail: u64,
}

impl From<CmpStats> for shm_cmp_stats_t {
    fn from(s: CmpStats) -> Self {
        shm_cmp_stats_t {
            records: s.records,
            dropped: s.dropped,
            filtered: s.filtered,
            torn: s.torn,
            tail: s.tail,
        }
    }
}

pub(crate) fn record(run: &CmpRun, c: &Comparison) -> shm_cmp_record_t {
    let mut r = shm_cmp_record_t {
        kind: shm_cmp_kind_t::SHM_CMP_INT,
        site: c.site(),
        depth: c.depth(),
        size: 0,
        is_const: false,
        truncated: 0,
        a_len: 0,
        b_len: 0,
        a: 0,
        b: 0,
        a_bytes: std::ptr::null(),
        b_bytes: std::ptr::null(),
    };
    match c {
        &Comparison::Int {
            size,
            is_const,
            a,
            b,
            ..
        } => {
            (r.size, r.is_const, r.a, r.b) = (size, is_const, a, b);
        }
        Comparison::Str { a, b, .. } => {
            r.kind = shm_cmp_kind_t::SHM_CMP_STR;
            r.truncated = u8::from(a.truncated()) | u8::from(b.truncated()) << 1;
            r.a_len = a.len() as u8;
            r.b_len = b.len() as u8;
            r.a_bytes = run.bytes(a).as_ptr();
            r.b_bytes = run.bytes(b).as_ptr();
        }
    }
    r
}

/// Creates a ring of `slots` 32-byte slots (an integer comparison takes one, a string one to
/// five; 4096 is a good default): an anonymous memfd, nothing on disk. `*out` receives the
/// handle. Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` for 0 or more than 2^24 slots;
/// `SHM_ERR_IO` when the memory cannot be created.
#[no_mangle]
pub extern "C" fn shm_cmp_create(slots: size_t, out: *mut *mut shm_cmp_t) -> shm_status_t {
    ffi_status("shm_cmp_create", || {
        let out = arg_out(out, "out")?;
        let ring = CmpRing::new(slots)?;
        *out = Box::into_raw(Box::new(shm_cmp_t {
            ring,
            run: CmpRun::new(),
            records: Vec::new(),
        }));
        Ok(())
    })
}

/// Frees the ring. `NULL` is a no-op. Records from `shm_cmp_collect` are invalid afterwards.
#[no_mangle]
pub extern "C" fn shm_cmp_close(ring: *mut shm_cmp_t) -> shm_status_t {
    ffi_status("shm_cmp_close", || {
        drop(take_handle(ring));
        Ok(())
    })
}

/// Empties the ring before a run (the worker must not be running a call).
///
/// Errors: `SHM_ERR_NULL_ARG`.
#[no_mangle]
pub extern "C" fn shm_cmp_reset(ring: *mut shm_cmp_t) -> shm_status_t {
    ffi_status("shm_cmp_reset", || {
        arg_mut(ring, "ring")?.ring.reset();
        Ok(())
    })
}

/// After a run: `*records` receives the fuzz function's comparisons in the order it made them,
/// `*count` how many, `*stats` the counters. The array stays valid until the next
/// `shm_cmp_collect` or `shm_cmp_close` on this ring.
///
/// After the fuzz function returns, Go's testing package makes comparisons of its own (it
/// formats the run's duration), the same every run; the second and third calls after the ring
/// is created learn them, and every call from the third on cuts them (`stats->tail`). The
/// first two calls return them too: run seeds first.
///
/// Errors: `SHM_ERR_NULL_ARG`.
#[no_mangle]
pub extern "C" fn shm_cmp_collect(
    ring: *mut shm_cmp_t,
    records: *mut *const shm_cmp_record_t,
    count: *mut size_t,
    stats: *mut shm_cmp_stats_t,
) -> shm_status_t {
    ffi_status("shm_cmp_collect", || {
        let handle = arg_mut(ring, "ring")?;
        let records = arg_out(records, "records")?;
        let count = arg_out(count, "count")?;
        let stats = arg_out(stats, "stats")?;
        let s = handle.ring.collect(&mut handle.run);
        handle.records.clear();
        let run = &handle.run;
        handle
            .records
            .extend(run.comparisons().iter().map(|c| record(run, c)));
        *records = handle.records.as_ptr();
        *count = handle.records.len();
        *stats = s.into();
        Ok(())
    })
}

/// Forgets the learned tail (see `shm_cmp_collect`): for a ring reused with another binary.
///
/// Errors: `SHM_ERR_NULL_ARG`.
#[no_mangle]
pub extern "C" fn shm_cmp_forget_tail(ring: *mut shm_cmp_t) -> shm_status_t {
    ffi_status("shm_cmp_forget_tail", || {
        arg_mut(ring, "ring")?.ring.forget_tail();
        Ok(())
    })
}

/// The ring of an options struct, for `shm_worker_start`.
pub(crate) fn attach_from_c(ring: *const shm_cmp_t, options: &mut crate::worker::WorkerOptions) {
    if ring.is_null() {
        return;
    }
    // SAFETY: the C contract: a non-NULL ring came from shm_cmp_create and is not closed.
    let ring = unsafe { &*ring };
    crate::cmp::attach(&ring.ring, options);
}
