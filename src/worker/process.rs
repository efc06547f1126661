//! One worker process: spawning it with Go's descriptor layout, the pipes to it, waiting for it
//! with deadlines, and ending it without leaving a zombie or a descriptor behind.
//!
//! Descriptors in the worker, as Go's coordinator sets them up (`setWorkerComm`): 3 = fuzz_in
//! (read end of the call pipe), 4 = fuzz_out (write end of the response pipe), 5 = the region's
//! file. Unlike Go's coordinator, which connects stdout and stderr to /dev/null, both go to one
//! pipe whose contents are kept in an [`OutputLog`]: Go prints panics and fatal errors there.
//!
//! Everything on our side is non-blocking and driven by `poll(2)` with a deadline, on the
//! caller's thread: no helper threads, so nothing outlives the [`Process`].

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::output::OutputLog;

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
}

/// What waiting for a response line produced.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LineRead {
    /// A complete line (without its newline) is at the start of the buffer, this many bytes.
    Line(usize),
    /// The worker is gone: fuzz_out reached end of file, or the process exited without
    /// completing a response.
    Eof,
    /// The deadline passed first.
    Timeout,
}

/// A running (or finished but not yet reaped) worker process and our ends of its pipes.
pub(crate) struct Process {
    child: Child,
    /// Our end of fuzz_in; `None` once closed to ask the worker to exit.
    fuzz_in: Option<OwnedFd>,
    /// A read end of fuzz_in kept open (never read): the pipe always has a reader, so writing
    /// a call to a worker that has died never raises SIGPIPE (whose default action would kill
    /// a C host) and costs no signal-mask system calls; the death shows on the response side.
    _fuzz_in_reader: Option<OwnedFd>,
    /// Our read end of fuzz_out, non-blocking; `None` for a diagnostic run of the binary.
    fuzz_out: Option<File>,
    /// Our read end of the output pipe, non-blocking; `None` after end of file.
    output: Option<File>,
    /// A pidfd (Linux): readable once the process has exited; closed once it is reaped.
    pidfd: Option<OwnedFd>,
    /// An epoll set holding fuzz_out, the output pipe and the pidfd (each removed from it
    /// automatically when closed). Cheaper per wait than poll(2), which registers every
    /// descriptor again on each call.
    epoll: OwnedFd,
    log: OutputLog,
    exit: Option<Exit>,
    /// Bytes of a response read past its line, kept for the next read (a correct worker never
    /// sends any).
    pending: Vec<u8>,
}

impl Process {
    /// Starts the worker. On failure nothing is left running or open.
    pub(crate) fn spawn(spec: &Spawn<'_>) -> io::Result<Process> {
        // Pipes, as Go's coordinator uses (a socket pair for fuzz_in would avoid SIGPIPE more
        // simply, but costs about 10% of the runs per second of a fast target).
        let (call_read, call_write) = cloexec_pipe()?;
        let (resp_read, resp_write) = cloexec_pipe()?;
        let (out_read, out_write) = cloexec_pipe()?;
        // Sources for dup2 in the child are numbered 10 or more, so that installing fd 3, 4 or
        // 5 can never overwrite a source not yet installed. They stay close-on-exec; dup2
        // clears the flag on the copies.
        let child_in = dup_high(&call_read)?;
        let child_out = dup_high(&resp_write)?;
        let child_mem = dup_high_raw(spec.region_fd)?;
        drop(resp_write);
        let sources = [
            child_in.as_raw_fd(),
            child_out.as_raw_fd(),
            child_mem.as_raw_fd(),
        ];

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
        if let Some(dir) = spec.dir {
            command.current_dir(dir);
        }
        // SAFETY: the closure runs in the child between fork and exec and only calls dup2(2),
        // which is async-signal-safe; it allocates nothing and touches no locks.
        unsafe {
            command.pre_exec(move || {
                for (target, source) in (3..).zip(sources) {
                    if libc::dup2(source, target) < 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let child = command.spawn();
        // The command holds the child's ends of the output pipe; they must be closed here so
        // that end of file arrives when the worker exits.
        drop(command);
        drop((child_in, child_out, child_mem));
        let child = child?;
        // From here on, dropping the process on an error kills and reaps the child.
        let mut process = Process::watch(child, Some(call_write), Some(resp_read), out_read)?;
        process._fuzz_in_reader = Some(call_read);
        if let Some(fuzz_in) = &process.fuzz_in {
            set_nonblocking(fuzz_in.as_raw_fd())?;
        }
        Ok(process)
    }

    /// Wraps a spawned child: makes our read ends non-blocking and puts them and a pidfd into
    /// a new epoll set. On error the child is killed and reaped.
    fn watch(
        child: Child,
        fuzz_in: Option<OwnedFd>,
        fuzz_out: Option<OwnedFd>,
        output: OwnedFd,
    ) -> io::Result<Process> {
        let pidfd = open_pidfd(child.id());
        // SAFETY: epoll_create1 returns a new descriptor or -1.
        let epoll = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epoll < 0 {
            let err = io::Error::last_os_error();
            let mut child = child;
            let _ = child.kill();
            let _ = child.wait();
            return Err(err);
        }
        let process = Process {
            child,
            fuzz_in,
            _fuzz_in_reader: None,
            fuzz_out: fuzz_out.map(File::from),
            output: Some(File::from(output)),
            pidfd,
            // SAFETY: `epoll` is a fresh descriptor owned by nobody else.
            epoll: unsafe { OwnedFd::from_raw_fd(epoll) },
            log: OutputLog::default(),
            exit: None,
            pending: Vec::new(),
        };
        let watched = [
            (
                process.fuzz_out.as_ref().map(AsRawFd::as_raw_fd),
                TOKEN_RESPONSE,
            ),
            (
                process.output.as_ref().map(AsRawFd::as_raw_fd),
                TOKEN_OUTPUT,
            ),
            (process.pidfd.as_ref().map(AsRawFd::as_raw_fd), TOKEN_EXIT),
        ];
        for (fd, token) in watched {
            let Some(fd) = fd else { continue };
            if token != TOKEN_EXIT {
                set_nonblocking(fd)?;
            }
            let mut event = libc::epoll_event {
                events: libc::EPOLLIN as u32,
                u64: token,
            };
            // SAFETY: adds a descriptor we own to our epoll set.
            let rc = unsafe {
                libc::epoll_ctl(
                    process.epoll.as_raw_fd(),
                    libc::EPOLL_CTL_ADD,
                    fd,
                    &mut event,
                )
            };
            if rc != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(process)
    }

    pub(crate) fn id(&self) -> u32 {
        self.child.id()
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
                    let mut fds = [
                        libc::pollfd {
                            fd: pipe,
                            events: libc::POLLOUT,
                            revents: 0,
                        },
                        libc::pollfd {
                            fd: self.pidfd.as_ref().map_or(-1, AsRawFd::as_raw_fd),
                            events: libc::POLLIN,
                            revents: 0,
                        },
                    ];
                    // SAFETY: poll on two pollfd; a negative fd is ignored.
                    let ready =
                        unsafe { libc::poll(fds.as_mut_ptr(), 2, poll_timeout(Some(deadline))) };
                    if ready == 0 {
                        return Err(io::Error::from(io::ErrorKind::TimedOut));
                    }
                    if fds[1].revents != 0 {
                        return Err(io::Error::from(io::ErrorKind::BrokenPipe));
                    }
                }
                _ => return Err(err),
            }
        }
        Ok(())
    }

    /// Reads one response line into `buf` (cleared first), draining the worker's output
    /// meanwhile, until `deadline`.
    pub(crate) fn read_line(
        &mut self,
        buf: &mut Vec<u8>,
        deadline: Option<Instant>,
    ) -> io::Result<LineRead> {
        buf.clear();
        buf.append(&mut self.pending);
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
            // Wait first: a worker call takes far longer than a system call, so reading before
            // waiting would nearly always find the pipe empty.
            let exited = match self.wait_readable(deadline, Want::Response)? {
                Ready::Yes => false,
                Ready::Exited => true,
                Ready::Timeout => return Ok(LineRead::Timeout),
            };
            let fuzz_out = self
                .fuzz_out
                .as_mut()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
            if exited {
                // Whatever it wrote before exiting is in the pipe already; read all of it.
                while let ReadSome::Data = read_some(fuzz_out, buf)? {}
                if memchr_newline(&buf[scanned..]).is_none() {
                    self.fuzz_out = None;
                    return Ok(LineRead::Eof);
                }
                continue;
            }
            if let ReadSome::Eof = read_some(fuzz_out, buf)? {
                // Closing it also takes it out of the epoll set, where it would stay ready.
                self.fuzz_out = None;
                return Ok(LineRead::Eof);
            }
        }
    }

    /// Waits on the epoll set until what is wanted is ready or the deadline passes; drains
    /// the output pipe whenever it is readable, and discards anything on fuzz_out that is not
    /// awaited. While waiting for a response, an exit of the process counts too: a worker can
    /// die without its fuzz_out reaching end of file, when a process it started inherited
    /// fd 4.
    fn wait_readable(&mut self, deadline: Option<Instant>, want: Want) -> io::Result<Ready> {
        loop {
            if want == Want::OutputEof && self.output.is_none() {
                return Ok(Ready::Yes);
            }
            let mut timeout_ms = poll_timeout(deadline);
            if want == Want::Exit && self.pidfd.is_none() {
                // No pidfd (an old kernel, valgrind): look every few milliseconds.
                if self.child.try_wait()?.is_some() {
                    return Ok(Ready::Yes);
                }
                timeout_ms = if timeout_ms < 0 { 5 } else { timeout_ms.min(5) };
            }
            let mut events = [libc::epoll_event { events: 0, u64: 0 }; 3];
            // SAFETY: epoll_wait writes at most 3 events into the array.
            let n = unsafe {
                libc::epoll_wait(self.epoll.as_raw_fd(), events.as_mut_ptr(), 3, timeout_ms)
            };
            if n < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(err);
            }
            let mut ready = None;
            for event in &events[..n as usize] {
                match (event.u64, want) {
                    (TOKEN_OUTPUT, _) => self.drain_output()?,
                    (TOKEN_RESPONSE, Want::Response) => ready = Some(Ready::Yes),
                    (TOKEN_RESPONSE, _) => self.discard_fuzz_out()?,
                    (TOKEN_EXIT, Want::Response) => {
                        ready.get_or_insert(Ready::Exited);
                    }
                    (TOKEN_EXIT, Want::Exit) => ready = Some(Ready::Yes),
                    // The pidfd is closed when the process is reaped; until then, waiting
                    // for the output's end, its readiness is no news.
                    (TOKEN_EXIT, Want::OutputEof) => {
                        self.try_reap()?;
                    }
                    _ => {}
                }
            }
            if let Some(ready) = ready {
                return Ok(ready);
            }
            if want == Want::OutputEof && self.output.is_none() {
                return Ok(Ready::Yes);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(Ready::Timeout);
            }
        }
    }

    /// Reads and drops what is on fuzz_out (a response nobody waits for); closes it at end of
    /// file.
    fn discard_fuzz_out(&mut self) -> io::Result<()> {
        if let Some(fuzz_out) = self.fuzz_out.as_mut() {
            let mut scratch = Vec::new();
            loop {
                match read_some(fuzz_out, &mut scratch)? {
                    ReadSome::Data => scratch.clear(),
                    ReadSome::Eof => {
                        self.fuzz_out = None;
                        break;
                    }
                    ReadSome::Empty => break,
                }
            }
        }
        Ok(())
    }

    fn drain_output(&mut self) -> io::Result<()> {
        if let Some(pipe) = self.output.as_mut() {
            if !self.log.drain(pipe)? {
                self.output = None;
            }
        }
        Ok(())
    }

    /// Waits until the process has exited or `deadline` passes; reaps it when it has.
    fn wait_exit_until(&mut self, deadline: Instant) -> io::Result<Option<Exit>> {
        loop {
            if let Some(exit) = self.try_reap()? {
                return Ok(Some(exit));
            }
            if let Ready::Timeout = self.wait_readable(Some(deadline), Want::Exit)? {
                return self.try_reap();
            }
        }
    }

    fn try_reap(&mut self) -> io::Result<Option<Exit>> {
        if self.exit.is_none() {
            self.exit = self.child.try_wait()?.map(Exit::from_status);
            if self.exit.is_some() {
                // Reaped: its pidfd would stay ready forever.
                self.pidfd = None;
            }
        }
        Ok(self.exit)
    }

    /// SIGKILL (unless already reaped) and wait for it: a killed process exits promptly.
    fn kill_and_reap(&mut self) -> io::Result<Exit> {
        if let Some(exit) = self.try_reap()? {
            return Ok(exit);
        }
        // `Child::kill` never signals a reaped process, so it cannot hit a reused pid.
        self.child.kill()?;
        let exit = Exit::from_status(self.child.wait()?);
        self.exit = Some(exit);
        self.pidfd = None;
        Ok(exit)
    }

    /// After fuzz_out reached end of file: gives the worker `grace` to finish exiting, kills it
    /// otherwise, reaps it, and collects the rest of its output (bounded by `grace` again, in
    /// case a process it started still holds the output pipe).
    pub(crate) fn reap_after_eof(&mut self, grace: Duration) -> io::Result<Exit> {
        let exit = match self.wait_exit_until(Instant::now() + grace)? {
            Some(exit) => exit,
            None => self.kill_and_reap()?,
        };
        self.finish_output(grace)?;
        Ok(exit)
    }

    /// For a worker that stopped answering: SIGKILL at once (there is nothing to wait for),
    /// reap, collect the output.
    pub(crate) fn kill(&mut self, grace: Duration) -> io::Result<Exit> {
        let exit = self.kill_and_reap()?;
        self.finish_output(grace)?;
        Ok(exit)
    }

    /// Go's way of stopping a worker: close fuzz_in and drain fuzz_out; if it has not exited
    /// after `step`, SIGINT; after another `step`, SIGKILL. Always reaps.
    pub(crate) fn stop(&mut self, step: Duration) -> io::Result<Exit> {
        if let Some(exit) = self.exit {
            return Ok(exit);
        }
        self.fuzz_in = None;
        let mut deadline = Instant::now() + step;
        let mut signal = Some(libc::SIGINT);
        loop {
            // Discard anything left on fuzz_out, so the worker never blocks writing to it
            // (waiting below discards what arrives later).
            self.discard_fuzz_out()?;
            if let Some(exit) = self.wait_exit_until(deadline)? {
                self.finish_output(step)?;
                return Ok(exit);
            }
            match signal.take() {
                Some(sig) => {
                    // SAFETY: plain kill(2); the process has not been reaped (checked by
                    // wait_exit_until just above), so its pid cannot have been reused.
                    unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
                    deadline = Instant::now() + step;
                }
                None => {
                    let exit = self.kill_and_reap()?;
                    self.finish_output(step)?;
                    return Ok(exit);
                }
            }
        }
    }

    /// Drains the output pipe until end of file or `grace` passes, then closes it.
    fn finish_output(&mut self, grace: Duration) -> io::Result<()> {
        if self.output.is_some() {
            self.wait_readable(Some(Instant::now() + grace), Want::OutputEof)?;
            self.output = None;
        }
        Ok(())
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
            let _ = self.kill_and_reap();
        }
    }
}

/// epoll tokens.
const TOKEN_RESPONSE: u64 = 0;
const TOKEN_OUTPUT: u64 = 1;
const TOKEN_EXIT: u64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Response,
    Exit,
    OutputEof,
}

enum Ready {
    Yes,
    Timeout,
    /// Waiting for a response, the process exited instead.
    Exited,
}

enum ReadSome {
    Data,
    Eof,
    Empty,
}

/// One non-blocking read appended to `buf`.
fn read_some(file: &mut File, buf: &mut Vec<u8>) -> io::Result<ReadSome> {
    const CHUNK: usize = 64 << 10;
    buf.reserve(CHUNK);
    let len = buf.len();
    let spare = buf.capacity() - len;
    // SAFETY: reading into the vector's spare capacity; only the bytes read are then marked
    // initialized by set_len.
    let n = unsafe { libc::read(file.as_raw_fd(), buf.as_mut_ptr().add(len).cast(), spare) };
    match n {
        0 => Ok(ReadSome::Eof),
        n if n > 0 => {
            // SAFETY: the kernel wrote `n` bytes into the spare capacity.
            unsafe { buf.set_len(len + n as usize) };
            Ok(ReadSome::Data)
        }
        _ => {
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(ReadSome::Empty),
                _ => Err(err),
            }
        }
    }
}

/// Position of the first `\n`, eight bytes at a time: responses carry kilobytes of base64
/// coverage and this scan runs on each of them.
fn memchr_newline(haystack: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().expect("chunks of 8"));
        let x = word ^ NEWLINES;
        // Non-zero exactly when some byte of `x` is zero, i.e. a byte of `word` is '\n'.
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            break;
        }
        offset += 8;
    }
    haystack[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| offset + i)
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

fn dup_high(fd: &OwnedFd) -> io::Result<OwnedFd> {
    dup_high_raw(fd.as_raw_fd())
}

fn dup_high_raw(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) on a descriptor we hold open; it creates a new one.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` is a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor the caller owns.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A pidfd for `pid` (Linux 5.3 and later), or `None`, in which case waiting for exit polls.
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
    let child = command.spawn();
    drop(command);
    let mut process = Process::watch(child?, None, None, out_read)?;
    let exit = match process.wait_exit_until(Instant::now() + limit)? {
        Some(exit) => exit,
        None => process.kill_and_reap()?,
    };
    process.finish_output(Duration::from_millis(500))?;
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
