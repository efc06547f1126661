//! The worker exports: `shm_worker_*`. Each converts its arguments, calls
//! [`crate::worker::Worker`], and copies the result into a `shm_run_result_t` whose pointers
//! borrow storage inside the handle.

use std::ffi::{c_char, c_int, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

use libc::size_t;

use super::boundary::{
    arg_bytes, arg_cstr, arg_mut, arg_out, arg_ref, ffi_status, ffi_value, take_handle, CallError,
    CallResult,
};
use super::region::{shm_close, shm_map_fd, shm_region_t};
use super::status::shm_status_t;
use crate::worker::{Exit, FuzzLimits, MinimizeLimits, Outcome, RunResult, Worker, WorkerOptions};

/// A hosted Go fuzz worker: a test binary built by `go test -c -fuzz=<Target>` running as a
/// Go fuzz worker, and the region it shares with this process. Opaque: create it with
/// `shm_worker_start`, release it with `shm_worker_stop` (which stops the process and releases
/// the region). Nothing of it outlives the process that started it, however that process ends
/// (return, `abort()`, SIGKILL): the region is an anonymous memfd, no directory is created, and
/// the worker process is killed by the kernel when its host dies (`PR_SET_PDEATHSIG`).
///
/// Thread-safety: one handle must not be used by two threads at once (calls block the calling
/// thread until the worker answers); different handles are independent. A handle may move
/// between threads.
#[allow(non_camel_case_types)]
pub struct shm_worker_t {
    worker: Worker,
    /// The last result's message, NUL-terminated.
    message: Vec<u8>,
    /// Second mapping of the region, made by the first `shm_worker_region` call.
    region: RegionView,
}

/// A region handle owned by a worker handle; closed with it.
struct RegionView(*mut shm_region_t);

impl RegionView {
    fn close(mut self) -> shm_status_t {
        shm_close(std::mem::replace(&mut self.0, std::ptr::null_mut()))
    }
}

impl Drop for RegionView {
    fn drop(&mut self) {
        // shm_close(NULL) is a no-op.
        shm_close(std::mem::replace(&mut self.0, std::ptr::null_mut()));
    }
}

/// How to start a worker. Always fill it with `shm_worker_options_init` first, then set the
/// fields you need: fields may be added at the end in later versions, and
/// `shm_worker_options_init` gives each its default.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct shm_worker_options_t {
    /// `sizeof(shm_worker_options_t)`, set by `shm_worker_options_init`; do not change it.
    pub struct_size: size_t,
    /// Path of the test binary (required). Relative paths are relative to the current
    /// directory at start time; `PATH` is not searched.
    pub binary: *const c_char,
    /// Name of the fuzz target, e.g. "FuzzParse" (required): a Go identifier.
    pub target: *const c_char,
    /// Extra arguments after the ones Go's coordinator passes: a NULL-terminated array, or
    /// NULL for none. Copied at start.
    pub args: *const *const c_char,
    /// The worker's whole environment as a NULL-terminated array of "NAME=VALUE" strings, or
    /// NULL (the default) to inherit this process's environment. Copied at start.
    pub env: *const *const c_char,
    /// Working directory of the worker, or NULL (the default) for the current one.
    pub dir: *const c_char,
    /// Value capacity of the region in bytes: the largest corpus entry the worker can take.
    /// Default `SHM_GO_WORKER_VALUE_CAPACITY` (100 MiB, Go's); the file is sparse.
    pub value_capacity: size_t,
    /// Per-call timeout in nanoseconds; default 10 s (Go's own per-run watchdog). A run, or
    /// while fuzzing or minimizing a stretch without a new run, that takes longer is a hang:
    /// the worker is killed and the call reports `SHM_OUTCOME_TIMEOUT`. It also bounds the
    /// wait for the worker's first answer at start.
    pub timeout_ns: u64,
    /// A comparison ring (`shm_cmp_create`) the worker writes the fuzz function's comparisons
    /// into, or NULL (the default). Needs a binary built with the hook object (`gofuzz-shm
    /// build`); others ignore it. Must stay open as long as the worker's results are read.
    pub cmp: *const super::cmp::shm_cmp_t,
}

/// What an input did, in `shm_run_result_t.outcome`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum shm_outcome_t {
    /// The fuzz function returned normally (for fuzz: no failure found).
    SHM_OUTCOME_OK = 0,
    /// The fuzz function failed (t.Fatal, t.Error, a panic, os.Exit(0)) and the worker
    /// reported it; `message` holds Go's test output. The worker lives on.
    SHM_OUTCOME_CRASH = 1,
    /// The worker process exited or was killed by a signal (`exit_code` or `signal`);
    /// `message` says how and holds its output (Go prints the panic or fatal error there).
    /// The next call starts a new worker.
    SHM_OUTCOME_WORKER_DIED = 2,
    /// The input ran past the timeout (or Go's own 10 s watchdog in the worker fired); the
    /// worker was killed. The next call starts a new worker.
    SHM_OUTCOME_TIMEOUT = 3,
}

/// The result of `shm_worker_run`, `shm_worker_run_bytes`, `shm_worker_fuzz` and
/// `shm_worker_minimize`. Written only when the call returns `SHM_OK`. Every pointer borrows
/// storage inside the worker handle and stays valid until the next call on that handle
/// (any `shm_worker_*` function taking it) or `shm_worker_stop`; copy what you keep.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct shm_run_result_t {
    /// What happened.
    pub outcome: shm_outcome_t,
    /// NUL-terminated text; empty for `SHM_OUTCOME_OK` (except the notes of minimize). For a
    /// crash, Go's test output (`--- FAIL:` with the t.Fatalf message or the panic and stack);
    /// otherwise what happened followed by the worker's output. Never NULL.
    pub message: *const c_char,
    /// Length of `message` in bytes, without the NUL (the text may itself contain NULs).
    pub message_len: size_t,
    /// Go's coverage counters for the run: one byte per edge, rounded down to a power of two.
    /// For run: set when the outcome is OK and the binary has counters (built with
    /// `go test -c -fuzz=...` on amd64/arm64), else empty. For fuzz: the counters of the
    /// mutated input that found coverage outside the mask, else empty. Never NULL.
    pub coverage: *const u8,
    /// Number of bytes at `coverage`.
    pub coverage_len: size_t,
    /// Runs of the fuzz function (the header's `count`): 1 for a run; runs done for fuzz and
    /// minimize.
    pub count: i64,
    /// The worker's own measure of the call when it answered; otherwise the wall time until it
    /// died or was killed.
    pub duration_ns: u64,
    /// The encoded corpus entry the result is about: the input run (for run_bytes, its
    /// encoding); for fuzz the mutated input that failed, killed or hung the worker or found
    /// new coverage (rebuilt with Go's mutator), else the entry the mutations started from;
    /// for minimize the smallest entry known to fail (or to keep the coverage). Never NULL.
    pub entry: *const u8,
    /// Number of bytes at `entry`.
    pub entry_len: size_t,
    /// Exit code of the worker process when it exited by itself (`SHM_OUTCOME_WORKER_DIED`, or
    /// `SHM_OUTCOME_TIMEOUT` when Go's own watchdog ended it), else -1.
    pub exit_code: c_int,
    /// Signal that killed the worker process (`SHM_OUTCOME_WORKER_DIED`; SIGKILL for
    /// `SHM_OUTCOME_TIMEOUT`), else 0.
    pub signal: c_int,
    /// Fuzz only: the PRNG state the worker saved in the region header. With `rand_inc` and
    /// `count`, what Go's coordinator replays through Go's mutator to rebuild the mutated
    /// input (this library does that for you: see `entry`). 0 for the other calls.
    pub rand_state: u64,
    /// Fuzz only: the PRNG increment the worker saved in the region header.
    pub rand_inc: u64,
}

fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(shm_status_t::SHM_ERR_INVALID_ARG, message)
}

/// Fills `opts` with the defaults: every pointer NULL, Go's 100 MiB value capacity, a 10 s
/// timeout, `struct_size` set. `NULL` is a no-op. Thread-safe.
#[no_mangle]
pub extern "C" fn shm_worker_options_init(opts: *mut shm_worker_options_t) {
    ffi_value("shm_worker_options_init", (), || {
        if let Ok(opts) = arg_out(opts, "opts") {
            let defaults = WorkerOptions::new("", "");
            *opts = shm_worker_options_t {
                struct_size: std::mem::size_of::<shm_worker_options_t>(),
                binary: std::ptr::null(),
                target: std::ptr::null(),
                args: std::ptr::null(),
                env: std::ptr::null(),
                dir: std::ptr::null(),
                value_capacity: defaults.value_capacity,
                timeout_ns: u64::try_from(defaults.timeout.as_nanos()).unwrap_or(u64::MAX),
                cmp: std::ptr::null(),
            };
        }
    })
}

/// The strings of a NULL-terminated array (NULL array: none).
pub(crate) fn string_array(array: *const *const c_char, name: &str) -> CallResult<Vec<OsString>> {
    let mut out = Vec::new();
    if array.is_null() {
        return Ok(out);
    }
    for i in 0.. {
        // SAFETY: the C contract: a non-NULL array is NULL-terminated, so every index up to and
        // including the terminator is readable.
        let item = unsafe { *array.add(i) };
        if item.is_null() {
            break;
        }
        out.push(OsStr::from_bytes(arg_cstr(item, name)?.to_bytes()).to_owned());
    }
    Ok(out)
}

fn options_from_c(opts: &shm_worker_options_t) -> CallResult<WorkerOptions> {
    if opts.struct_size != std::mem::size_of::<shm_worker_options_t>() {
        return Err(invalid(format!(
            "opts->struct_size is {}, expected {}: fill the options with shm_worker_options_init",
            opts.struct_size,
            std::mem::size_of::<shm_worker_options_t>()
        )));
    }
    let binary = PathBuf::from(OsStr::from_bytes(
        arg_cstr(opts.binary, "opts->binary")?.to_bytes(),
    ));
    let target = arg_cstr(opts.target, "opts->target")?
        .to_str()
        .map_err(|_| invalid("opts->target is not UTF-8"))?;
    let mut options = WorkerOptions::new(binary, target);
    options.args = string_array(opts.args, "opts->args[i]")?;
    if !opts.env.is_null() {
        let mut env = Vec::new();
        for item in string_array(opts.env, "opts->env[i]")? {
            let bytes = item.as_bytes();
            let eq = bytes
                .iter()
                .position(|&b| b == b'=')
                .ok_or_else(|| invalid(format!("opts->env entry {item:?} is not NAME=VALUE")))?;
            env.push((
                OsStr::from_bytes(&bytes[..eq]).to_owned(),
                OsStr::from_bytes(&bytes[eq + 1..]).to_owned(),
            ));
        }
        options.env = Some(env);
    }
    if !opts.dir.is_null() {
        options.dir = Some(PathBuf::from(OsStr::from_bytes(
            arg_cstr(opts.dir, "opts->dir")?.to_bytes(),
        )));
    }
    options.value_capacity = opts.value_capacity;
    options.timeout = Duration::from_nanos(opts.timeout_ns);
    super::cmp::attach_from_c(opts.cmp, &mut options);
    Ok(options)
}

/// Creates a region (an anonymous memfd sealed against shrinking; no file in any directory),
/// starts the test binary as a Go fuzz worker with the arguments Go's coordinator gives
/// (`-test.fuzzworker -test.paniconexit0 -test.fuzzcachedir=<dir> -test.fuzz=^<target>$`, then
/// `opts->args`; the cache directory is one a worker never uses, so none is created) and fds
/// 3/4/5 (5 = the memfd), and pings it. The worker is killed by the kernel if this process
/// dies, whichever thread started it. On success `*out` receives a handle the caller must pass
/// to `shm_worker_stop`; on failure nothing is left running and `*out` is untouched.
/// Thread-safe.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` for bad options and when the binary is not
/// a Go test binary, has no such fuzz target, or the target fails before calling `F.Fuzz` —
/// the last error says which, with what the worker printed; `SHM_ERR_IO` when the binary
/// cannot be executed or does not answer within the timeout; `SHM_ERR_TOO_LARGE` for a value
/// capacity that does not fit a mapping.
#[no_mangle]
pub extern "C" fn shm_worker_start(
    opts: *const shm_worker_options_t,
    out: *mut *mut shm_worker_t,
) -> shm_status_t {
    ffi_status("shm_worker_start", || {
        let options = options_from_c(arg_ref(opts, "opts")?)?;
        let out = arg_out(out, "out")?;
        let worker = Worker::start(options)?;
        *out = Box::into_raw(Box::new(shm_worker_t {
            worker,
            message: vec![0],
            region: RegionView(std::ptr::null_mut()),
        }));
        Ok(())
    })
}

/// Copies a Rust result into the C result, keeping the message NUL-terminated in the handle.
fn fill(message: &mut Vec<u8>, r: RunResult<'_>, out: &mut shm_run_result_t) {
    message.clear();
    message.extend_from_slice(r.message.as_bytes());
    message.push(0);
    let (exit_code, signal) = match r.exit {
        Some(Exit::Code(code)) => (code, 0),
        Some(Exit::Signal(signal)) => (-1, signal),
        None => (-1, 0),
    };
    *out = shm_run_result_t {
        outcome: match r.outcome {
            Outcome::Ok => shm_outcome_t::SHM_OUTCOME_OK,
            Outcome::Crash => shm_outcome_t::SHM_OUTCOME_CRASH,
            Outcome::WorkerDied => shm_outcome_t::SHM_OUTCOME_WORKER_DIED,
            Outcome::Timeout => shm_outcome_t::SHM_OUTCOME_TIMEOUT,
        },
        message: message.as_ptr().cast(),
        message_len: message.len() - 1,
        coverage: r.coverage.as_ptr(),
        coverage_len: r.coverage.len(),
        count: r.count,
        duration_ns: u64::try_from(r.duration.as_nanos()).unwrap_or(u64::MAX),
        entry: r.entry.as_ptr(),
        entry_len: r.entry.len(),
        exit_code,
        signal,
        rand_state: r.rand_state,
        rand_inc: r.rand_inc,
    };
}

/// Runs `body` on the worker and fills `*result` from what it returns.
fn with_result(
    handle: &mut shm_worker_t,
    result: &mut shm_run_result_t,
    body: impl FnOnce(&mut Worker) -> crate::Result<RunResult<'_>>,
) -> CallResult {
    let r = body(&mut handle.worker)?;
    fill(&mut handle.message, r, result);
    Ok(())
}

/// Runs one encoded corpus entry (`go test fuzz v1` then one line per argument of the fuzz
/// target) exactly once, unmutated (Go's warmup call), and fills `*result`. A failure of the
/// input is an outcome, not an error: the call returns `SHM_OK` with `SHM_OUTCOME_CRASH`,
/// `SHM_OUTCOME_WORKER_DIED` or `SHM_OUTCOME_TIMEOUT`, and after a death or a timeout the next
/// call restarts the worker transparently. An entry whose values do not match the target's
/// parameters is run by Go anyway and fails inside reflect (`SHM_OUTCOME_CRASH`;
/// `shm_failure_is_call_mismatch` tells it apart from a bug of the target).
///
/// Errors (`*result` untouched): `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE` when the entry exceeds
/// the value capacity (nothing sent); `SHM_ERR_INVALID_ARG` when the worker cannot parse the
/// entry (Go's reason in the last error; the worker lives on); `SHM_ERR_IO` when the worker
/// cannot be restarted or breaks the protocol.
#[no_mangle]
pub extern "C" fn shm_worker_run(
    w: *mut shm_worker_t,
    entry: *const u8,
    len: size_t,
    result: *mut shm_run_result_t,
) -> shm_status_t {
    ffi_status("shm_worker_run", || {
        let handle = arg_mut(w, "w")?;
        let entry = arg_bytes(entry, len, "entry")?;
        with_result(handle, arg_out(result, "result")?, |worker| {
            worker.run(entry)
        })
    })
}

/// Like `shm_worker_run` for a fuzz target taking a single `[]byte`: `data` is encoded into a
/// corpus entry for you (`result->entry` holds it).
#[no_mangle]
pub extern "C" fn shm_worker_run_bytes(
    w: *mut shm_worker_t,
    data: *const u8,
    len: size_t,
    result: *mut shm_run_result_t,
) -> shm_status_t {
    ffi_status("shm_worker_run_bytes", || {
        let handle = arg_mut(w, "w")?;
        let data = arg_bytes(data, len, "data")?;
        with_result(handle, arg_out(result, "result")?, |worker| {
            worker.run_bytes(data)
        })
    })
}

/// Lets Go's own mutator work from `entry` inside the worker for up to `duration_ns`
/// nanoseconds and/or `runs` runs (0 = no such limit; at least one is required), stopping
/// early when a mutated input fails or — with a coverage mask — reaches coverage the mask
/// lacks, as Go's coordinator drives its workers.
///
/// `mask`/`mask_len`: Go's coverage mask (the coverage accumulated so far, one byte per
/// counter: `mask_len` must be `shm_worker_coverage_len`), or `mask` NULL for no coverage
/// guidance. If the counter count is not known yet, `entry` is first run once unmutated to
/// learn it (and if that run fails, that is the result).
///
/// `*result`: `count` = runs done; `SHM_OUTCOME_CRASH` with Go's failure text, or
/// `SHM_OUTCOME_WORKER_DIED`/`SHM_OUTCOME_TIMEOUT`, when a mutated input failed; `coverage` = the
/// counters of the input that found new coverage (empty if none); `entry` = the exact input
/// that failed, killed or hung the worker or found new coverage, rebuilt by replaying Go's
/// mutator from the saved state as Go's coordinator does (run it with `shm_worker_run` to
/// reproduce; save it as a corpus file), or the entry the mutations started from when a limit
/// ended the call; `rand_state`/`rand_inc` = the worker's saved PRNG state. If the input
/// cannot be rebuilt (only where Go's own worker fails on the entry), `entry` is the starting
/// entry and `message` ends with a note saying why.
///
/// Errors: as `shm_worker_run`, plus `SHM_ERR_INVALID_ARG` for no limit or a mask of the wrong
/// length.
#[no_mangle]
pub extern "C" fn shm_worker_fuzz(
    w: *mut shm_worker_t,
    entry: *const u8,
    len: size_t,
    duration_ns: u64,
    runs: u64,
    mask: *const u8,
    mask_len: size_t,
    result: *mut shm_run_result_t,
) -> shm_status_t {
    ffi_status("shm_worker_fuzz", || {
        let handle = arg_mut(w, "w")?;
        let entry = arg_bytes(entry, len, "entry")?;
        let mask = if mask.is_null() {
            None
        } else {
            Some(arg_bytes(mask, mask_len, "mask")?)
        };
        let limits = FuzzLimits {
            duration: (duration_ns > 0).then(|| Duration::from_nanos(duration_ns)),
            runs: (runs > 0).then_some(runs),
            mask,
        };
        with_result(handle, arg_out(result, "result")?, |worker| {
            worker.fuzz(entry, limits)
        })
    })
}

/// Shrinks a failing entry with Go's own minimizer (one pass per `[]byte`/`string` value),
/// for up to `duration_ns` nanoseconds and/or `runs` runs in total (0 = no such limit; at least
/// one is required; Go's coordinator uses 60 s).
///
/// `*result`: `entry` = the smallest entry known to fail, `outcome`/`message` = how it fails
/// (`SHM_OUTCOME_CRASH` with Go's output when minimization ran normally). When a candidate
/// killed or hung the worker, the raw bytes Go left in the region are recovered, encoded and run
/// again to confirm; if they do not reproduce (Go can leave stale bytes), the result is the last
/// entry known to fail, run again. An entry that does not fail comes back unchanged with
/// `SHM_OUTCOME_OK`. `count` = runs, confirming runs included.
///
/// Errors: as `shm_worker_run`, plus `SHM_ERR_INVALID_ARG` for no limit, an entry that does not
/// decode, or one without a `[]byte`/`string` value.
#[no_mangle]
pub extern "C" fn shm_worker_minimize(
    w: *mut shm_worker_t,
    entry: *const u8,
    len: size_t,
    duration_ns: u64,
    runs: u64,
    result: *mut shm_run_result_t,
) -> shm_status_t {
    ffi_status("shm_worker_minimize", || {
        let handle = arg_mut(w, "w")?;
        let entry = arg_bytes(entry, len, "entry")?;
        let limits = MinimizeLimits {
            duration: (duration_ns > 0).then(|| Duration::from_nanos(duration_ns)),
            runs: (runs > 0).then_some(runs),
        };
        with_result(handle, arg_out(result, "result")?, |worker| {
            worker.minimize(entry, limits)
        })
    })
}

/// Shrinks an entry that found new coverage with Go's own minimizer while keeping that
/// coverage, as Go's coordinator does before adding such an input to its corpus (Go's
/// `KeepCoverage`). `keep`/`keep_len`: the counters the entry lit outside the mask it was found
/// with (one byte per counter; `keep_len` must be `shm_worker_coverage_len`, and at least one
/// byte non-zero). Limits as `shm_worker_minimize`.
///
/// `*result`: `SHM_OUTCOME_OK` with `entry` = the smallest entry found that keeps the coverage
/// and `coverage` = its counters. If a candidate fails instead, minimization goes on for that
/// failure and the result is as for `shm_worker_minimize`. If the entry does not keep the
/// coverage, or a limit stopped minimization first, the entry is run once and that run is the
/// result, with a note in `message`.
///
/// Errors: as `shm_worker_minimize`, plus `SHM_ERR_INVALID_ARG` for a `keep` of the wrong length
/// (or before the counter count is known) or with no counter set.
#[no_mangle]
pub extern "C" fn shm_worker_minimize_keeping(
    w: *mut shm_worker_t,
    entry: *const u8,
    len: size_t,
    keep: *const u8,
    keep_len: size_t,
    duration_ns: u64,
    runs: u64,
    result: *mut shm_run_result_t,
) -> shm_status_t {
    ffi_status("shm_worker_minimize_keeping", || {
        let handle = arg_mut(w, "w")?;
        let entry = arg_bytes(entry, len, "entry")?;
        let keep = arg_bytes(keep, keep_len, "keep")?;
        let limits = MinimizeLimits {
            duration: (duration_ns > 0).then(|| Duration::from_nanos(duration_ns)),
            runs: (runs > 0).then_some(runs),
        };
        with_result(handle, arg_out(result, "result")?, |worker| {
            worker.minimize_keeping(entry, keep, limits)
        })
    })
}

/// Stops the worker as Go's coordinator does (close its call pipe; SIGINT after 1 s; SIGKILL
/// after another 1 s), reaps it, unmaps and closes the region and frees the handle — in every
/// case, also when a step fails (the first failure is returned, `SHM_ERR_IO`). `NULL` is a
/// no-op returning `SHM_OK`. Every pointer obtained from the handle (results,
/// `shm_worker_region`) is invalid afterwards.
#[no_mangle]
pub extern "C" fn shm_worker_stop(w: *mut shm_worker_t) -> shm_status_t {
    ffi_status("shm_worker_stop", || match take_handle(w) {
        Some(handle) => {
            let shm_worker_t { worker, region, .. } = *handle;
            let region_status = region.close();
            worker.stop()?;
            if region_status != shm_status_t::SHM_OK {
                return Err(CallError::new(
                    region_status,
                    "unmapping the region view of shm_worker_region failed",
                ));
            }
            Ok(())
        }
        None => Ok(()),
    })
}

/// The worker's region, for direct access to the header and value: a second mapping of the
/// same memfd, owned by the worker handle — do not `shm_close` it; it stays valid until
/// `shm_worker_stop` and across worker restarts. Between calls it holds the last entry sent
/// (after minimize, Go's result) and the header as the worker left it. Writing to it between
/// calls is allowed; the next call overwrites `count` and the value. `NULL` for a `NULL` handle
/// or when the mapping fails (see `shm_last_error`). Not thread-safe with other calls on `w`.
#[no_mangle]
pub extern "C" fn shm_worker_region(w: *mut shm_worker_t) -> *mut shm_region_t {
    ffi_value("shm_worker_region", std::ptr::null_mut(), || {
        let Ok(handle) = arg_mut(w, "w") else {
            return std::ptr::null_mut();
        };
        if handle.region.0.is_null() {
            let mut region = std::ptr::null_mut();
            if shm_map_fd(handle.worker.region().fd(), 0, &mut region) != shm_status_t::SHM_OK {
                return std::ptr::null_mut();
            }
            handle.region = RegionView(region);
        }
        handle.region.0
    })
}

/// Process id of the current worker process, or -1 between a death and the next call (and for
/// a `NULL` handle).
#[no_mangle]
pub extern "C" fn shm_worker_pid(w: *const shm_worker_t) -> i64 {
    ffi_value("shm_worker_pid", -1, || {
        arg_ref(w, "w")
            .ok()
            .and_then(|h| h.worker.pid())
            .map_or(-1, i64::from)
    })
}

/// Number of coverage counters in the binary (0 when it has none). Known right after
/// `shm_worker_start` for an ELF binary (read from the binary, where Go's linker puts them),
/// otherwise after the first run that succeeded; -1 until then (and for a `NULL` handle). A
/// fuzz mask must be this long; a libFuzzer or AFL++ harness can size its map with it before
/// running any input.
#[no_mangle]
pub extern "C" fn shm_worker_coverage_len(w: *const shm_worker_t) -> i64 {
    ffi_value("shm_worker_coverage_len", -1, || {
        arg_ref(w, "w")
            .ok()
            .and_then(|h| h.worker.coverage_len())
            .map_or(-1, |n| n as i64)
    })
}
