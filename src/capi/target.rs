//! The target exports: `shm_target_*`, the C face of [`crate::target::Target`] — what an
//! engine adapter written in C (the libFuzzer harness, the AFL++ forkserver proxy) calls.

use std::ffi::{c_char, c_int, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

use libc::size_t;

use super::boundary::{
    arg_bytes, arg_cstr, arg_mut, arg_out, arg_ref, ffi_status, ffi_value, take_handle, CallError,
    CallResult,
};
use super::status::shm_status_t;
use super::worker::string_array;
use crate::target::{Binary, Target, TargetOptions, TargetRun, Verdict};
use crate::worker::{Exit, DEFAULT_TIMEOUT};

/// A hosted Go fuzz target as an engine sees it: engine bytes in, a verdict with Go's coverage
/// counters and output out, failing inputs saved as Go corpus files. Opaque: create it with
/// `shm_target_start`, release it with `shm_target_stop`. One thread at a time per handle.
#[allow(non_camel_case_types)]
pub struct shm_target_t {
    target: Target,
    /// The last result's message, NUL-terminated.
    message: Vec<u8>,
    /// The last crasher path (or `shm_target_save` result), NUL-terminated.
    path: Vec<u8>,
}

/// How to start a target. Fill it with `shm_target_options_init` first, then set the fields
/// you need: fields may be added at the end in later versions.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct shm_target_options_t {
    /// `sizeof(shm_target_options_t)`, set by `shm_target_options_init`; do not change it.
    pub struct_size: size_t,
    /// Path of the Go test binary (built with `go test -c -fuzz=<Target>`), or NULL when
    /// `binary_image` is given.
    pub binary: *const c_char,
    /// The test binary's bytes (e.g. embedded in the running executable), used when `binary`
    /// is NULL: copied at start into a sealed anonymous memory file the worker runs from, so
    /// nothing is written to disk. Need not outlive `shm_target_start`.
    pub binary_image: *const u8,
    /// Number of bytes at `binary_image`.
    pub binary_image_len: size_t,
    /// Name of the fuzz target, e.g. "FuzzParse" (required).
    pub target: *const c_char,
    /// The fuzz function's argument types after `*testing.T`, Go's spelling separated by
    /// commas ("[]byte", "string,int64,bool"), or NULL (the default) for a lone `[]byte`:
    /// decides how engine bytes become a corpus entry.
    pub types: *const c_char,
    /// Working directory of the worker, or NULL for the current one.
    pub dir: *const c_char,
    /// Extra worker arguments: a NULL-terminated array, or NULL.
    pub args: *const *const c_char,
    /// The worker's whole environment ("NAME=VALUE", NULL-terminated), or NULL to inherit.
    pub env: *const *const c_char,
    /// Per-input time limit in nanoseconds; default 10 s. Go's worker stops any run at 10 s
    /// on its own.
    pub timeout_ns: u64,
    /// Limit on the worker's resident memory in MiB (libFuzzer's `-rss_limit_mb`); 0 (the
    /// default) is none. A worker over it is killed and the run is `SHM_VERDICT_OUT_OF_MEMORY`.
    pub rss_limit_mb: u64,
    /// Directory where failing inputs are written as Go corpus files (named as Go names them,
    /// created when needed), or NULL (the default) for none.
    pub crashers_dir: *const c_char,
}

/// What an input did, in `shm_target_run_t.verdict`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum shm_verdict_t {
    /// The fuzz function returned.
    SHM_VERDICT_OK = 0,
    /// The fuzz function failed (t.Fatal, t.Error, a panic in it).
    SHM_VERDICT_FAILURE = 1,
    /// The worker process died (an unrecovered panic elsewhere, a fatal error, os.Exit, a
    /// signal).
    SHM_VERDICT_DEATH = 2,
    /// The input ran past the timeout (or Go's own 10 s limit); the worker was killed.
    SHM_VERDICT_TIMEOUT = 3,
    /// The worker's resident memory went over `rss_limit_mb`; it was killed.
    SHM_VERDICT_OUT_OF_MEMORY = 4,
}

/// The result of `shm_target_run`, written only on `SHM_OK`. Its pointers borrow storage in
/// the handle, valid until the next call on it or `shm_target_stop`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct shm_target_run_t {
    /// What the input did.
    pub verdict: shm_verdict_t,
    /// Go's coverage counters for `SHM_VERDICT_OK` (`shm_target_coverage_len` bytes); empty
    /// otherwise. Never NULL.
    pub coverage: *const u8,
    /// Bytes at `coverage`.
    pub coverage_len: size_t,
    /// NUL-terminated; empty for `SHM_VERDICT_OK`, otherwise Go's own output (the
    /// `--- FAIL:` text, or what happened to the worker and what it printed). Never NULL.
    pub message: *const c_char,
    /// Length of `message` without the NUL.
    pub message_len: size_t,
    /// The corpus entry that was run. Never NULL.
    pub entry: *const u8,
    /// Bytes at `entry`.
    pub entry_len: size_t,
    /// The run's duration as the worker measured it, or the wall time to a death or kill.
    pub duration_ns: u64,
    /// Exit code of a worker that exited by itself, else -1.
    pub exit_code: c_int,
    /// Signal that ended the worker, else 0.
    pub signal: c_int,
    /// NUL-terminated path of the Go corpus file a failing input was written to (when
    /// `crashers_dir` is set), else NULL.
    pub crasher: *const c_char,
    /// For `SHM_VERDICT_OUT_OF_MEMORY`: the worker's resident memory in MiB when killed.
    pub rss_mb: u64,
}

fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(shm_status_t::SHM_ERR_INVALID_ARG, message)
}

/// Fills `opts` with the defaults: every pointer NULL, a 10 s timeout, no memory limit,
/// `struct_size` set. `NULL` is a no-op. Thread-safe.
#[no_mangle]
pub extern "C" fn shm_target_options_init(opts: *mut shm_target_options_t) {
    ffi_value("shm_target_options_init", (), || {
        if let Ok(opts) = arg_out(opts, "opts") {
            *opts = shm_target_options_t {
                struct_size: std::mem::size_of::<shm_target_options_t>(),
                binary: std::ptr::null(),
                binary_image: std::ptr::null(),
                binary_image_len: 0,
                target: std::ptr::null(),
                types: std::ptr::null(),
                dir: std::ptr::null(),
                args: std::ptr::null(),
                env: std::ptr::null(),
                timeout_ns: u64::try_from(DEFAULT_TIMEOUT.as_nanos()).unwrap_or(u64::MAX),
                rss_limit_mb: 0,
                crashers_dir: std::ptr::null(),
            };
        }
    })
}

fn opt_path(ptr: *const c_char, name: &str) -> CallResult<Option<PathBuf>> {
    if ptr.is_null() {
        return Ok(None);
    }
    Ok(Some(PathBuf::from(OsStr::from_bytes(
        arg_cstr(ptr, name)?.to_bytes(),
    ))))
}

fn options_from_c(opts: &shm_target_options_t) -> CallResult<TargetOptions<'_>> {
    if opts.struct_size != std::mem::size_of::<shm_target_options_t>() {
        return Err(invalid(format!(
            "opts->struct_size is {}, expected {}: fill the options with shm_target_options_init",
            opts.struct_size,
            std::mem::size_of::<shm_target_options_t>()
        )));
    }
    let binary = match (opts.binary.is_null(), opts.binary_image_len) {
        (false, 0) if opts.binary_image.is_null() => {
            Binary::Path(opt_path(opts.binary, "opts->binary")?.expect("not NULL"))
        }
        (true, len) if len > 0 => {
            Binary::Image(arg_bytes(opts.binary_image, len, "opts->binary_image")?)
        }
        (true, _) => {
            return Err(invalid(
                "give the test binary: opts->binary (a path) or opts->binary_image with \
                 opts->binary_image_len > 0",
            ))
        }
        (false, _) => return Err(invalid("give opts->binary or opts->binary_image, not both")),
    };
    let target = arg_cstr(opts.target, "opts->target")?
        .to_str()
        .map_err(|_| invalid("opts->target is not UTF-8"))?;
    let mut options = TargetOptions::new(binary, target);
    if !opts.types.is_null() {
        options.types = Some(
            arg_cstr(opts.types, "opts->types")?
                .to_str()
                .map_err(|_| invalid("opts->types is not UTF-8"))?
                .to_owned(),
        );
    }
    options.dir = opt_path(opts.dir, "opts->dir")?;
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
    options.timeout = Duration::from_nanos(opts.timeout_ns);
    options.rss_limit_mb = opts.rss_limit_mb;
    options.crashers_dir = opt_path(opts.crashers_dir, "opts->crashers_dir")?;
    Ok(options)
}

/// Starts the target: loads the binary (from `opts->binary_image`, into a sealed memfd) and
/// starts it as a Go fuzz worker; the number of coverage counters (`shm_target_coverage_len`)
/// is known from then on. On success `*out` receives a handle for
/// `shm_target_stop`; on failure nothing is left running and `*out` is untouched.
///
/// While it runs (and during every `shm_target_run`) the calling thread blocks SIGALRM,
/// SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2, and the threads the library starts inherit
/// that mask: an engine's timer and stop signals reach the engine's own thread, between runs.
///
/// Errors: `SHM_ERR_NULL_ARG`; `SHM_ERR_INVALID_ARG` for bad options and when the binary is
/// not a Go test binary with that fuzz target (the last error says why, with the worker's
/// output); `SHM_ERR_IO` when it cannot be started.
#[no_mangle]
pub extern "C" fn shm_target_start(
    opts: *const shm_target_options_t,
    out: *mut *mut shm_target_t,
) -> shm_status_t {
    ffi_status("shm_target_start", || {
        let options = options_from_c(arg_ref(opts, "opts")?)?;
        let out = arg_out(out, "out")?;
        let target = Target::start(options)?;
        *out = Box::into_raw(Box::new(shm_target_t {
            target,
            message: vec![0],
            path: vec![0],
        }));
        Ok(())
    })
}

fn fill(message: &mut Vec<u8>, path: &mut Vec<u8>, r: TargetRun<'_>, out: &mut shm_target_run_t) {
    message.clear();
    message.extend_from_slice(r.message.as_bytes());
    message.push(0);
    path.clear();
    if let Some(crasher) = r.crasher {
        path.extend_from_slice(crasher.as_os_str().as_bytes());
    }
    path.push(0);
    let (exit_code, signal) = match r.exit {
        Some(Exit::Code(code)) => (code, 0),
        Some(Exit::Signal(signal)) => (-1, signal),
        None => (-1, 0),
    };
    *out = shm_target_run_t {
        verdict: match r.verdict {
            Verdict::Ok => shm_verdict_t::SHM_VERDICT_OK,
            Verdict::Failure => shm_verdict_t::SHM_VERDICT_FAILURE,
            Verdict::Death => shm_verdict_t::SHM_VERDICT_DEATH,
            Verdict::Timeout => shm_verdict_t::SHM_VERDICT_TIMEOUT,
            Verdict::OutOfMemory => shm_verdict_t::SHM_VERDICT_OUT_OF_MEMORY,
        },
        coverage: r.coverage.as_ptr(),
        coverage_len: r.coverage.len(),
        message: message.as_ptr().cast(),
        message_len: message.len() - 1,
        entry: r.entry.as_ptr(),
        entry_len: r.entry.len(),
        duration_ns: u64::try_from(r.duration.as_nanos()).unwrap_or(u64::MAX),
        exit_code,
        signal,
        crasher: if r.crasher.is_some() {
            path.as_ptr().cast()
        } else {
            std::ptr::null()
        },
        rss_mb: r.rss_mb,
    };
}

/// Runs the engine's bytes once (turned into the target's corpus entry) and fills `*result`.
/// What the input did is the verdict, with `SHM_OK`; a failing input has already been written
/// to `crashers_dir` when one is set. After a death, a timeout or a kill for memory the next
/// call starts a new worker.
///
/// Errors (`*result` untouched): `SHM_ERR_NULL_ARG`; `SHM_ERR_TOO_LARGE` when the entry does
/// not fit the region; `SHM_ERR_IO` when the worker cannot be restarted or breaks the protocol.
#[no_mangle]
pub extern "C" fn shm_target_run(
    t: *mut shm_target_t,
    data: *const u8,
    len: size_t,
    result: *mut shm_target_run_t,
) -> shm_status_t {
    ffi_status("shm_target_run", || {
        let handle = arg_mut(t, "t")?;
        let data = arg_bytes(data, len, "data")?;
        let result = arg_out(result, "result")?;
        let r = handle.target.run(data)?;
        fill(&mut handle.message, &mut handle.path, r, result);
        Ok(())
    })
}

/// Number of Go coverage counters (0 when the binary has none, for a NULL handle, or while no
/// input has passed yet). Thread-safe with respect to other handles.
#[no_mangle]
pub extern "C" fn shm_target_coverage_len(t: *const shm_target_t) -> size_t {
    ffi_value("shm_target_coverage_len", 0, || {
        arg_ref(t, "t").map_or(0, |h| h.target.coverage_len())
    })
}

/// Starts the worker process if none runs (after a death or a timeout the next run would), so
/// that `shm_target_pid` names the process the next `shm_target_run` uses. For engines that
/// kill a hung run by pid (AFL++'s forkserver protocol).
#[no_mangle]
pub extern "C" fn shm_target_ready(t: *mut shm_target_t) -> shm_status_t {
    ffi_status("shm_target_ready", || {
        arg_mut(t, "t")?.target.ensure_running()?;
        Ok(())
    })
}

/// Process id of the current worker process, or -1 when none runs (and for NULL).
#[no_mangle]
pub extern "C" fn shm_target_pid(t: *const shm_target_t) -> i64 {
    ffi_value("shm_target_pid", -1, || {
        arg_ref(t, "t")
            .ok()
            .and_then(|h| h.target.pid())
            .map_or(-1, i64::from)
    })
}

/// Writes the last input run as a Go corpus file into `dir` (created if needed), named as Go
/// names it (the first 16 hex digits of its SHA-256), atomically. `*path` receives the file's
/// NUL-terminated path, valid until the next call on the handle.
#[no_mangle]
pub extern "C" fn shm_target_save(
    t: *mut shm_target_t,
    dir: *const c_char,
    path: *mut *const c_char,
) -> shm_status_t {
    ffi_status("shm_target_save", || {
        let handle = arg_mut(t, "t")?;
        let dir = opt_path(dir, "dir")?.ok_or_else(|| invalid("argument `dir` is NULL"))?;
        let out = arg_out(path, "path")?;
        let saved = handle.target.save(&dir)?;
        handle.path.clear();
        handle.path.extend_from_slice(saved.as_os_str().as_bytes());
        handle.path.push(0);
        *out = handle.path.as_ptr().cast();
        Ok(())
    })
}

/// Stops the worker (as Go's coordinator does) and releases everything the handle holds:
/// the process, the region, the temporary directory, the in-memory binary. Always frees the
/// handle; the first failing step is reported (`SHM_ERR_IO`). `NULL` is a no-op.
#[no_mangle]
pub extern "C" fn shm_target_stop(t: *mut shm_target_t) -> shm_status_t {
    ffi_status("shm_target_stop", || match take_handle(t) {
        Some(handle) => Ok(handle.target.stop()?),
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_error() -> String {
        // SAFETY: shm_last_error never returns NULL and the text lives until the next failure.
        unsafe { CStr::from_ptr(super::super::boundary::shm_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn null_and_bad_arguments_are_errors_not_crashes() {
        shm_target_options_init(std::ptr::null_mut());
        let mut out = std::ptr::null_mut();
        assert_eq!(
            shm_target_start(std::ptr::null(), &mut out),
            shm_status_t::SHM_ERR_NULL_ARG
        );
        let mut opts = std::mem::MaybeUninit::<shm_target_options_t>::uninit();
        shm_target_options_init(opts.as_mut_ptr());
        // SAFETY: shm_target_options_init filled every field.
        let mut opts = unsafe { opts.assume_init() };
        assert_eq!(opts.timeout_ns, 10_000_000_000);
        assert_eq!(
            shm_target_start(&opts, &mut out),
            shm_status_t::SHM_ERR_INVALID_ARG
        );
        assert!(
            last_error().contains("give the test binary"),
            "{}",
            last_error()
        );
        opts.binary = c"/x".as_ptr();
        opts.binary_image = b"x".as_ptr();
        opts.binary_image_len = 1;
        assert_eq!(
            shm_target_start(&opts, &mut out),
            shm_status_t::SHM_ERR_INVALID_ARG
        );
        assert!(last_error().contains("not both"), "{}", last_error());
        opts.binary = std::ptr::null();
        assert_eq!(
            shm_target_start(&opts, &mut out),
            shm_status_t::SHM_ERR_NULL_ARG,
            "no target name"
        );
        opts.target = c"FuzzX".as_ptr();
        assert_eq!(
            shm_target_start(&opts, &mut out),
            shm_status_t::SHM_ERR_INVALID_ARG
        );
        assert!(last_error().contains("not an ELF"), "{}", last_error());
        assert!(out.is_null(), "nothing written on failure");
        opts.struct_size = 1;
        assert_eq!(
            shm_target_start(&opts, &mut out),
            shm_status_t::SHM_ERR_INVALID_ARG
        );

        let mut result = std::mem::MaybeUninit::<shm_target_run_t>::uninit();
        assert_eq!(
            shm_target_run(
                std::ptr::null_mut(),
                std::ptr::null(),
                0,
                result.as_mut_ptr()
            ),
            shm_status_t::SHM_ERR_NULL_ARG
        );
        let mut path = std::ptr::null();
        assert_eq!(
            shm_target_save(std::ptr::null_mut(), c"d".as_ptr(), &mut path),
            shm_status_t::SHM_ERR_NULL_ARG
        );
        assert_eq!(shm_target_coverage_len(std::ptr::null()), 0);
        assert_eq!(shm_target_pid(std::ptr::null()), -1);
        assert_eq!(shm_target_stop(std::ptr::null_mut()), shm_status_t::SHM_OK);
    }
}
