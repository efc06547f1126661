//! One worker process: spawning it with Go's descriptor layout, the pipes to it, waiting for it
//! with deadlines, and ending it without leaving a zombie or a descriptor behind.
//!
//! Descriptors in the worker, as Go's coordinator sets them up (`setWorkerComm`): 3 = fuzz_in
//! (read end of the call pipe), 4 = fuzz_out (write end of the response pipe), 5 = the region's
//! descriptor. Unlike Go's coordinator, which connects stdout and stderr to /dev/null, both go
//! to one pipe whose contents are kept in an [`OutputLog`]: Go prints panics and fatal errors
//! there.
//!
//! A call costs the calling thread what it costs a minimal host: one `write(2)` of the call and
//! a blocking `read(2)` of the response. Everything else — the output, the deadlines, noticing
//! the exit, killing a hung worker — is the [`Watchdog`] thread's, which wakes the caller when
//! needed. The thread is joined before the [`Process`] is gone, so nothing outlives it.
//!
//! Every process, diagnostic runs included, is started through [`tether`]: it dies with this
//! process, however this process ends.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::output::OutputLog;
use super::tether;
use super::watchdog::{set_nonblocking, Verdict, Watchdog, Watched};
use crate::region::SharedMem;

/// How a worker process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code (Go uses 2 for an unrecovered panic or fatal error, 70 for an
    /// internal error of the fuzzing machinery such as a target failing before `F.Fuzz`).
    Code(i32),
    /// It was killed by this signal.
    Signal(i32),
}

impl Exit {
    pub(crate) fn from_status(status: ExitStatus) -> Exit {
        match (status.code(), status.signal()) {
            (Some(code), _) => Exit::Code(code),
            (None, Some(signal)) => Exit::Signal(signal),
            // A stopped or continued status is never returned by wait without WUNTRACED.
            (None, None) => Exit::Code(-1),
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Exit::Code(code) => write!(f, "exit code {code}"),
            Exit::Signal(signal) => write!(f, "signal {signal} ({})", signal_name(signal)),
        }
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGTERM => "SIGTERM",
        _ => "other",
    }
}

/// Everything needed to start one worker process.
pub(crate) struct Spawn<'a> {
    pub(crate) binary: &'a Path,
    pub(crate) args: &'a [OsString],
    pub(crate) env: Option<&'a [(OsString, OsString)]>,
    pub(crate) dir: Option<&'a Path>,
    pub(crate) region_fd: RawFd,
    /// More descriptors for the worker: (number in the worker, descriptor here).
    pub(crate) inherit: &'a [(RawFd, RawFd)],
    /// Variables set on top of `env` (or of the inherited environment).
    pub(crate) extra_env: &'a [(OsString, OsString)],
    /// The per-call timeout, which sets how often the watchdog looks at a call in flight.
    pub(crate) timeout: Duration,
}

/// What waiting for a response line produced.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LineRead {
    /// A complete line (without its newline) is at the start of the buffer, this many bytes.
    Line(usize),
    /// The worker is gone: it exited without completing a response.
    Eof,
    /// The call passed its deadline; the worker was killed.
    Timeout,
}

/// How long a call may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadlines {
    /// Hard limit after sending.
    pub(crate) limit: Option<Duration>,
    /// While fuzzing or minimizing: a stretch this long in which the header's `count` does not
    /// move means the current run hangs.
    pub(crate) progress: Option<Duration>,
}

/// A running (or finished but not yet reaped) worker process and our ends of its pipes.
pub(crate) struct Process {
    child: Child,
    /// Our end of fuzz_in (non-blocking); `None` once closed to ask the worker to exit.
    fuzz_in: Option<OwnedFd>,
    /// A read end of fuzz_in kept open (never read): the pipe always has a reader, so writing
    /// a call to a worker that has died never raises SIGPIPE (whose default action would kill
    /// a C host) and costs no signal-mask system calls; the death shows on the response side.
    _fuzz_in_reader: Option<OwnedFd>,
    /// Our read end of fuzz_out, blocking; `None` for a diagnostic run of the binary.
    fuzz_out: Option<File>,
    watchdog: Watchdog,
    /// The output, once the watchdog has finished.
    log: OutputLog,
    exit: Option<Exit>,
    /// Bytes of a response read past its line, kept for the next read (a correct worker never
    /// sends any).
    pending: Vec<u8>,
}

impl Process {
    /// Starts the worker. On failure nothing is left running or open.
    pub(crate) fn spawn(spec: &Spawn<'_>) -> io::Result<Process> {
        // Pipes, as Go's coordinator uses.
        let (call_read, call_write) = cloexec_pipe()?;
        let (resp_read, resp_write) = cloexec_pipe()?;
        let (out_read, out_write) = cloexec_pipe()?;
        // Sources for dup2 in the child are numbered 10 or more, so that installing fd 3, 4 or
        // 5 can never overwrite a source not yet installed. They stay close-on-exec; dup2
        // clears the flag on the copies.
        let child_in = dup_high(call_read.as_raw_fd())?;
        let child_out = dup_high(resp_write.as_raw_fd())?;
        let child_mem = dup_high(spec.region_fd)?;
        let sources = [
            child_in.as_raw_fd(),
            child_out.as_raw_fd(),
            child_mem.as_raw_fd(),
        ];
        // Extra descriptors (numbers 6 to 9, checked by the options) get high sources too.
        let extra = spec
            .inherit
            .iter()
            .map(|&(target, fd)| Ok((target, dup_high(fd)?)))
            .collect::<io::Result<Vec<_>>>()?;
        let extra_pairs: Vec<(RawFd, RawFd)> =
            extra.iter().map(|(t, fd)| (*t, fd.as_raw_fd())).collect();

        let mut command = Command::new(spec.binary);
        command
            .args(spec.args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out_write.try_clone()?))
            .stderr(Stdio::from(out_write));
        if let Some(env) = spec.env {
            command.env_clear();
            command.envs(env.iter().map(|(k, v)| (k, v)));
        }
        command.envs(spec.extra_env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = spec.dir {
            command.current_dir(dir);
        }
        // SAFETY: the closure runs in the child between fork and exec and only calls dup2(2),
        // which is async-signal-safe; it allocates nothing and touches no locks (the pairs
        // were collected before the fork).
        unsafe {
            command.pre_exec(move || {
                let go = (3..).zip(sources);
                for (target, source) in go.chain(extra_pairs.iter().copied()) {
                    if libc::dup2(source, target) < 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        // The command holds the child's ends of the output pipe; `tether::spawn` drops it, so
        // that end of file arrives when the worker exits.
        let child = tether::spawn(command);
        drop((child_in, child_out, child_mem, extra));
        let child = child?;
        let region = SharedMem::map_fd(
            // SAFETY: the region's descriptor stays open for this call (the caller owns it).
            unsafe { std::os::fd::BorrowedFd::borrow_raw(spec.region_fd) },
            0,
        )
        .ok();
        let watched = Watched {
            pid: child.id(),
            pidfd: open_pidfd(child.id()),
            output: out_read,
            // The watchdog's write end of fuzz_out, to wake a blocked read.
            waker: Some(resp_write),
            region,
            tick: (spec.timeout / 8).clamp(Duration::from_millis(5), Duration::from_millis(250)),
        };
        let mut process = Process::watch(child, watched)?;
        set_nonblocking(call_write.as_raw_fd())?;
        process.fuzz_in = Some(call_write);
        process._fuzz_in_reader = Some(call_read);
        process.fuzz_out = Some(File::from(resp_read));
        Ok(process)
    }

    /// Wraps a spawned child with its watchdog; on error the child is killed and reaped.
    fn watch(mut child: Child, watched: Watched) -> io::Result<Process> {
        let watchdog = match Watchdog::start(watched) {
            Ok(watchdog) => watchdog,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        Ok(Process {
            child,
            fuzz_in: None,
            _fuzz_in_reader: None,
            fuzz_out: None,
            watchdog,
            log: OutputLog::default(),
            exit: None,
            pending: Vec::new(),
        })
    }

    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether the watchdog has seen the process exit (or killed it).
    pub(crate) fn is_gone(&self) -> bool {
        self.watchdog.verdict() != Verdict::Running
    }

    /// Sends one call, waiting at most until `deadline` for room in the pipe (a worker that
    /// stops reading must not block the host forever). `Err` with `BrokenPipe` means the
    /// worker was seen to exit while the call did not fit in the pipe; `TimedOut` that the
    /// deadline passed. A call to a worker that has already died usually fits in the pipe and
    /// succeeds; the death then shows when reading the response.
    pub(crate) fn send(&mut self, mut call: &[u8], deadline: Instant) -> io::Result<()> {
        let pipe = self
            .fuzz_in
            .as_ref()
            .ok_or_else(|| io::Error::from(io::ErrorKind::BrokenPipe))?
            .as_raw_fd();
        while !call.is_empty() {
            // SAFETY: write(2) reads `call.len()` bytes from a live slice into a pipe we own.
            let n = unsafe { libc::write(pipe, call.as_ptr().cast(), call.len()) };
            if n >= 0 {
                call = &call[n as usize..];
                continue;
            }
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::Interrupted => {}
                io::ErrorKind::WouldBlock => {
                    if self.is_gone() {
                        return Err(io::Error::from(io::ErrorKind::BrokenPipe));
                    }
                    if Instant::now() >= deadline {
                        return Err(io::Error::from(io::ErrorKind::TimedOut));
                    }
                    let mut fds = [libc::pollfd {
                        fd: pipe,
                        events: libc::POLLOUT,
                        revents: 0,
                    }];
                    // Short slices, to look at the watchdog's verdict in between.
                    let slice = poll_timeout(Some(deadline)).min(50);
                    // SAFETY: poll on one valid pollfd.
                    unsafe { libc::poll(fds.as_mut_ptr(), 1, slice) };
                }
                _ => return Err(err),
            }
        }
        Ok(())
    }

    /// Reads one response line into `buf` (cleared first), blocking, with the call's deadlines
    /// (counted from `sent`) enforced by the watchdog.
    pub(crate) fn read_line(
        &mut self,
        buf: &mut Vec<u8>,
        sent: Instant,
        deadlines: Deadlines,
    ) -> io::Result<LineRead> {
        self.watchdog.arm(sent, deadlines.limit, deadlines.progress);
        let read = self.read_line_armed(buf);
        self.watchdog.disarm();
        let read = read?;
        let verdict = self.watchdog.verdict();
        if verdict == Verdict::Running {
            return Ok(read);
        }
        // The newline the watchdog writes to wake us ends an empty line, or a fragment of a
        // response cut by the death. A whole response that made it before the end stands; the
        // next call finds the process gone.
        if let LineRead::Line(n) = read {
            if n > 0 && serde_json::from_slice::<serde::de::IgnoredAny>(&buf[..n]).is_ok() {
                return Ok(read);
            }
        }
        Ok(match verdict {
            Verdict::Killed => LineRead::Timeout,
            _ => LineRead::Eof,
        })
    }

    fn read_line_armed(&mut self, buf: &mut Vec<u8>) -> io::Result<LineRead> {
        buf.clear();
        buf.append(&mut self.pending);
        let fuzz_out = self
            .fuzz_out
            .as_mut()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
        let mut scanned = 0;
        loop {
            // Fast path: Go writes each response in one write ending with its newline, and a
            // response holds no other newline (JSON escapes them), so a buffer ending in '\n'
            // is one whole line. Anything else in it fails to parse as a protocol error.
            if scanned < buf.len() && buf.last() == Some(&b'\n') {
                let end = buf.len() - 1;
                buf.truncate(end);
                return Ok(LineRead::Line(end));
            }
            if let Some(pos) = memchr_newline(&buf[scanned..]) {
                let end = scanned + pos;
                self.pending.extend_from_slice(&buf[end + 1..]);
                buf.truncate(end);
                return Ok(LineRead::Line(end));
            }
            scanned = buf.len();
            if !read_some(fuzz_out, buf)? {
                // Every write end is closed, the watchdog's too: it has stopped.
                return Ok(LineRead::Eof);
            }
        }
    }

    /// For a worker seen to exit (or found gone): gives it `grace` to finish exiting, kills it
    /// otherwise, reaps it, and collects the rest of its output.
    pub(crate) fn reap_exited(&mut self, grace: Duration) -> io::Result<Exit> {
        if self.exit.is_none() && !self.watchdog.wait_exit(grace) {
            return self.kill(grace);
        }
        self.reap(grace)
    }

    /// For a worker that stopped answering: SIGKILL at once (there is nothing to wait for),
    /// reap, collect the output.
    pub(crate) fn kill(&mut self, grace: Duration) -> io::Result<Exit> {
        if self.exit.is_none() {
            // `Child::kill` never signals a reaped process, so it cannot hit a reused pid.
            self.child.kill()?;
        }
        self.reap(grace)
    }

    /// Go's way of stopping a worker: close fuzz_in; if it has not exited after `step`,
    /// SIGINT; after another `step`, SIGKILL. Always reaps.
    pub(crate) fn stop(&mut self, step: Duration) -> io::Result<Exit> {
        if self.exit.is_none() {
            self.fuzz_in = None;
            if !self.watchdog.wait_exit(step) {
                // SAFETY: plain kill(2); the process has not been reaped (only `reap` does
                // that, and `exit` is unset), so its pid cannot have been reused.
                unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
                if !self.watchdog.wait_exit(step) {
                    return self.kill(step);
                }
            }
        }
        self.reap(step)
    }

    /// Waits for the (exited or killed) process, then has the watchdog collect the rest of
    /// the output, for up to `grace` (a process it started may still hold the pipe).
    fn reap(&mut self, grace: Duration) -> io::Result<Exit> {
        let exit = match self.exit {
            Some(exit) => exit,
            None => {
                let exit = Exit::from_status(self.child.wait()?);
                self.exit = Some(exit);
                exit
            }
        };
        let log = self.watchdog.finish(grace);
        if !log.is_empty() {
            self.log = log;
        }
        Ok(exit)
    }

    /// What the process printed (bounded; see [`OutputLog`]).
    pub(crate) fn output_text(&self) -> String {
        self.log.text()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // The owner normally stops or reaps the process first; this is the last resort so that
        // no zombie or running orphan is left.
        if self.exit.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The watchdog's own drop joins its thread.
    }
}

/// Reads once (blocking) and appends to `buf`; `false` at end of file.
fn read_some(file: &mut File, buf: &mut Vec<u8>) -> io::Result<bool> {
    const CHUNK: usize = 64 << 10;
    buf.reserve(CHUNK);
    let len = buf.len();
    let spare = buf.capacity() - len;
    loop {
        // SAFETY: reading into the vector's spare capacity; only the bytes read are then
        // marked initialized by set_len.
        let n = unsafe { libc::read(file.as_raw_fd(), buf.as_mut_ptr().add(len).cast(), spare) };
        if n > 0 {
            // SAFETY: the kernel wrote `n` bytes into the spare capacity.
            unsafe { buf.set_len(len + n as usize) };
            return Ok(true);
        }
        if n == 0 {
            return Ok(false);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Position of the first `\n`. Vectorized (memchr): responses carry tens of kilobytes of base64
/// coverage, and a response longer than one read of the pipe is scanned on its way in (a
/// byte-by-byte or 8-byte scan here was half of the host's instructions per run at 50k
/// counters).
fn memchr_newline(haystack: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', haystack)
}

/// Milliseconds until `deadline` for poll(2), rounded up so that the deadline has really
/// passed when poll times out; -1 (no limit) for `None`.
fn poll_timeout(deadline: Option<Instant>) -> i32 {
    match deadline {
        None => -1,
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            i32::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX)
        }
    }
}

fn cloexec_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both are fresh descriptors owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn dup_high(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) on a descriptor we hold open; it creates a new one.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` is a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// A pidfd for `pid` (Linux 5.3 and later), or `None`, in which case the watchdog looks for
/// the exit each tick.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn open_pidfd(pid: u32) -> Option<OwnedFd> {
    // SAFETY: the pidfd_open system call with flags 0; it returns a new close-on-exec
    // descriptor or -1. `pid` is our unreaped child, so it names the right process.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    // SAFETY: on success `fd` is a fresh descriptor owned by nobody else.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn open_pidfd(_pid: u32) -> Option<OwnedFd> {
    None
}

/// Runs a command to its end (killed after `limit`) and returns how it ended and what it
/// printed: the short diagnostic runs of a test binary when a worker will not start.
pub(crate) fn run_to_end(mut command: Command, limit: Duration) -> io::Result<(Exit, String)> {
    let (out_read, out_write) = cloexec_pipe()?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out_write.try_clone()?))
        .stderr(Stdio::from(out_write));
    let child = tether::spawn(command)?;
    let watched = Watched {
        pid: child.id(),
        pidfd: open_pidfd(child.id()),
        output: out_read,
        waker: None,
        region: None,
        tick: Duration::from_millis(10),
    };
    let mut process = Process::watch(child, watched)?;
    let grace = Duration::from_millis(500);
    let exit = if process.watchdog.wait_exit(limit) {
        process.reap(grace)?
    } else {
        process.kill(grace)?
    };
    Ok((exit, process.output_text()))
}

#[cfg(test)]
mod tests {
    use super::memchr_newline;

    #[test]
    fn finds_the_first_newline_anywhere() {
        assert_eq!(memchr_newline(b""), None);
        assert_eq!(memchr_newline(b"abc"), None);
        for len in 0..40 {
            for at in 0..len {
                let mut v = vec![b'A'; len];
                v[at] = b'\n';
                if at + 3 < len {
                    v[at + 3] = b'\n';
                }
                assert_eq!(memchr_newline(&v), Some(at), "len {len} at {at}");
            }
            assert_eq!(
                memchr_newline(&vec![0x8a; len]),
                None,
                "bytes with the high bit"
            );
        }
    }
}
