//! The watchdog: one thread per worker process that does everything a call must not wait for,
//! so that the calling thread only writes the call and blocks in `read(2)` for the response —
//! the two system calls a minimal host makes.
//!
//! It drains the worker's output into the log, notices the process exit (pidfd; without one,
//! `waitid(WNOWAIT)` each tick), enforces the deadlines of the call in flight (a hard limit, and
//! a stretch without progress of the header's `count`), kills a hung worker, and wakes the
//! calling thread by writing a lone newline into fuzz_out (it keeps a write end of that pipe):
//! the caller then reads the [`Verdict`].
//!
//! The caller arms and disarms a call with atomic stores only; the watchdog looks at them when
//! it wakes, at least once per tick and exactly at a hard deadline it knows of.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::output::OutputLog;
use crate::region::SharedMem;

/// What the watchdog found out about the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Nothing: it runs.
    Running,
    /// It exited (or was killed by someone else).
    Exited,
    /// The call in flight passed its deadline; the watchdog sent SIGKILL.
    Killed,
}

const RUNNING: u8 = 0;
const EXITED: u8 = 1;
const KILLED: u8 = 2;

/// `hard_deadline` of a call without a hard limit.
const NO_LIMIT: u64 = u64::MAX;

/// State shared by the watchdog thread and the owner of the process.
struct Shared {
    epoch: Instant,
    /// Incremented for each call, so that progress is measured per call.
    call: AtomicU64,
    /// Nanoseconds since `epoch` at which the call in flight hangs; 0 = no call in flight,
    /// `NO_LIMIT` = in flight without a hard limit.
    hard_deadline: AtomicU64,
    /// Nanoseconds without a change of `count` after which the call in flight hangs; 0 = none.
    progress: AtomicU64,
    verdict: AtomicU8,
    /// Nanoseconds since `epoch` by which the thread must finish (drain the output until its
    /// end or this time, then exit); 0 = keep watching.
    finish_by: AtomicU64,
    state: Mutex<State>,
    exited: Condvar,
}

struct State {
    log: OutputLog,
    exited: bool,
}

impl Shared {
    fn now(&self) -> u64 {
        nanos_since(self.epoch, Instant::now())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The thread never panics while holding the lock; a poisoned lock still holds a
        // usable log.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn nanos_since(epoch: Instant, t: Instant) -> u64 {
    u64::try_from(t.saturating_duration_since(epoch).as_nanos()).unwrap_or(NO_LIMIT - 1)
}

/// What the thread needs; moved into it.
pub(crate) struct Watched {
    pub(crate) pid: u32,
    pub(crate) pidfd: Option<OwnedFd>,
    /// Our read end of the output pipe.
    pub(crate) output: OwnedFd,
    /// A write end of fuzz_out, to wake a caller blocked reading it; `None` when nobody reads.
    pub(crate) waker: Option<OwnedFd>,
    /// A second mapping of the region, to watch `count`.
    pub(crate) region: Option<SharedMem>,
    /// Longest sleep between looks at the call in flight.
    pub(crate) tick: Duration,
}

/// The owner's handle on the watchdog thread.
pub(crate) struct Watchdog {
    shared: Arc<Shared>,
    /// eventfd that interrupts the thread's wait (used to ask it to finish).
    wake: OwnedFd,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    pub(crate) fn start(watched: Watched) -> io::Result<Watchdog> {
        set_nonblocking(watched.output.as_raw_fd())?;
        // SAFETY: eventfd returns a new descriptor or -1.
        let wake = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if wake < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor owned by nobody else.
        let wake = unsafe { OwnedFd::from_raw_fd(wake) };
        let thread_wake = wake.try_clone()?;
        let shared = Arc::new(Shared {
            epoch: Instant::now(),
            call: AtomicU64::new(0),
            hard_deadline: AtomicU64::new(0),
            progress: AtomicU64::new(0),
            verdict: AtomicU8::new(RUNNING),
            finish_by: AtomicU64::new(0),
            state: Mutex::new(State {
                log: OutputLog::default(),
                exited: false,
            }),
            exited: Condvar::new(),
        });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("gofuzz-shm-watchdog".into())
            .spawn(move || {
                let mut thread = Thread::new(watched, thread_wake, thread_shared);
                thread.run();
            })?;
        Ok(Watchdog {
            shared,
            wake,
            thread: Some(thread),
        })
    }

    /// Arms the deadlines of a call sent at `sent`: atomic stores only.
    pub(crate) fn arm(&self, sent: Instant, limit: Option<Duration>, progress: Option<Duration>) {
        let s = &self.shared;
        s.call.fetch_add(1, Ordering::Relaxed);
        let progress = progress.map_or(0, |p| u64::try_from(p.as_nanos()).unwrap_or(NO_LIMIT));
        s.progress.store(progress, Ordering::Relaxed);
        let hard = match limit {
            Some(limit) => nanos_since(s.epoch, sent + limit).clamp(1, NO_LIMIT - 1),
            None => NO_LIMIT,
        };
        s.hard_deadline.store(hard, Ordering::Release);
    }

    /// The call is over (answered or not).
    pub(crate) fn disarm(&self) {
        self.shared.hard_deadline.store(0, Ordering::Release);
    }

    pub(crate) fn verdict(&self) -> Verdict {
        match self.shared.verdict.load(Ordering::Acquire) {
            RUNNING => Verdict::Running,
            EXITED => Verdict::Exited,
            _ => Verdict::Killed,
        }
    }

    /// Waits until the process has exited or `timeout` passes; true if it has exited. The
    /// process is not reaped.
    pub(crate) fn wait_exit(&self, timeout: Duration) -> bool {
        let state = self.shared.state();
        let (state, _) = self
            .shared
            .exited
            .wait_timeout_while(state, timeout, |s| !s.exited)
            .unwrap_or_else(|e| e.into_inner());
        state.exited
    }

    /// Asks the thread to collect the rest of the output (until its end, or `grace` passes, in
    /// case a process the worker started still holds the pipe), joins it, and returns the log.
    pub(crate) fn finish(&mut self, grace: Duration) -> OutputLog {
        if let Some(thread) = self.thread.take() {
            let by = self
                .shared
                .now()
                .saturating_add(u64::try_from(grace.as_nanos()).unwrap_or(0));
            self.shared.finish_by.store(by.max(1), Ordering::Release);
            wake(self.wake.as_raw_fd());
            // The thread catches nothing that could panic; a panic would only lose output.
            let _ = thread.join();
        }
        std::mem::take(&mut self.shared.state().log)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.finish(Duration::ZERO);
    }
}

fn wake(eventfd: RawFd) {
    let one = 1u64.to_ne_bytes();
    // SAFETY: writes 8 bytes to an eventfd we own; a full counter (EAGAIN) still wakes.
    unsafe { libc::write(eventfd, one.as_ptr().cast(), one.len()) };
}

const TOKEN_OUTPUT: u64 = 0;
const TOKEN_EXIT: u64 = 1;
const TOKEN_WAKE: u64 = 2;

/// The thread's own state.
struct Thread {
    shared: Arc<Shared>,
    pid: u32,
    pidfd: Option<OwnedFd>,
    output: Option<File>,
    waker: Option<File>,
    region: Option<SharedMem>,
    wake: OwnedFd,
    epoll: Option<OwnedFd>,
    tick_ms: i32,
    exited: bool,
    /// The call whose progress is being measured, and since when `count` has been the same.
    progress_mark: (u64, u64, i64),
    /// The call a wake-up newline was written for.
    woken_call: Option<u64>,
}

impl Thread {
    fn new(watched: Watched, wake: OwnedFd, shared: Arc<Shared>) -> Thread {
        let tick_ms = i32::try_from(watched.tick.as_millis())
            .unwrap_or(i32::MAX)
            .max(1);
        let mut thread = Thread {
            shared,
            pid: watched.pid,
            pidfd: watched.pidfd,
            output: Some(File::from(watched.output)),
            waker: watched.waker.map(File::from),
            region: watched.region,
            wake,
            epoll: None,
            tick_ms,
            exited: false,
            progress_mark: (u64::MAX, 0, 0),
            woken_call: None,
        };
        thread.epoll = thread.make_epoll().ok();
        thread
    }

    /// An epoll set of the output, the pidfd and the wake eventfd; `None` (plain ticks and
    /// non-blocking reads) if it cannot be made.
    fn make_epoll(&self) -> io::Result<OwnedFd> {
        // SAFETY: epoll_create1 returns a new descriptor or -1.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor owned by nobody else.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        let watched = [
            (self.output.as_ref().map(AsRawFd::as_raw_fd), TOKEN_OUTPUT),
            (self.pidfd.as_ref().map(AsRawFd::as_raw_fd), TOKEN_EXIT),
            (Some(self.wake.as_raw_fd()), TOKEN_WAKE),
        ];
        for (fd, token) in watched {
            let Some(fd) = fd else { continue };
            let mut event = libc::epoll_event {
                events: libc::EPOLLIN as u32,
                u64: token,
            };
            // SAFETY: adds a descriptor we own to our epoll set.
            if unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) }
                != 0
            {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(epoll)
    }

    fn run(&mut self) {
        loop {
            let now = self.shared.now();
            let finish_by = self.shared.finish_by.load(Ordering::Acquire);
            if finish_by != 0 && (self.output.is_none() || now >= finish_by) {
                break;
            }
            let mut timeout = u64::try_from(self.tick_ms).unwrap_or(1) * 1_000_000;
            if finish_by != 0 {
                timeout = timeout.min(finish_by - now);
            }
            let hard = self.shared.hard_deadline.load(Ordering::Acquire);
            if hard != 0 && hard != NO_LIMIT && self.verdict() == RUNNING {
                timeout = timeout.min(hard.saturating_sub(now));
            }
            self.wait(i32::try_from(timeout.div_ceil(1_000_000)).unwrap_or(i32::MAX));
            if !self.exited && self.pidfd.is_none() {
                self.exited = exited_without_reaping(self.pid);
            }
            if self.exited {
                self.note_exit();
            }
            self.check_call();
        }
        // Dropping the waker closes our write end of fuzz_out.
    }

    fn verdict(&self) -> u8 {
        self.shared.verdict.load(Ordering::Acquire)
    }

    /// Sleeps until something happens or `timeout_ms` passes, and handles what happened.
    fn wait(&mut self, timeout_ms: i32) {
        let Some(epoll) = &self.epoll else {
            // No epoll set: sleep a tick, then look at everything.
            std::thread::sleep(Duration::from_millis(
                u64::try_from(timeout_ms).unwrap_or(1),
            ));
            self.drain_output();
            return;
        };
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 3];
        // SAFETY: epoll_wait writes at most 3 events into the array.
        let n = unsafe { libc::epoll_wait(epoll.as_raw_fd(), events.as_mut_ptr(), 3, timeout_ms) };
        for event in &events[..usize::try_from(n).unwrap_or(0)] {
            match event.u64 {
                TOKEN_OUTPUT => self.drain_output(),
                TOKEN_EXIT => {
                    self.exited = true;
                    // Closing it takes it out of the epoll set, where it would stay ready.
                    self.pidfd = None;
                }
                _ => {
                    let mut counter = [0u8; 8];
                    // SAFETY: reads the 8-byte counter of our non-blocking eventfd.
                    unsafe { libc::read(self.wake.as_raw_fd(), counter.as_mut_ptr().cast(), 8) };
                }
            }
        }
    }

    fn drain_output(&mut self) {
        if let Some(pipe) = self.output.as_mut() {
            let mut state = self.shared.state();
            match state.log.drain(pipe) {
                Ok(true) => {}
                // End of file (or a broken pipe): nothing more will come.
                Ok(false) | Err(_) => self.output = None,
            }
        }
    }

    fn note_exit(&mut self) {
        let mut state = self.shared.state();
        if !state.exited {
            state.exited = true;
            self.shared.exited.notify_all();
            drop(state);
            let _ = self.shared.verdict.compare_exchange(
                RUNNING,
                EXITED,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }

    /// Enforces the deadlines of the call in flight, and wakes its caller once the process has
    /// exited or been killed.
    fn check_call(&mut self) {
        let hard = self.shared.hard_deadline.load(Ordering::Acquire);
        if hard == 0 {
            return;
        }
        let call = self.shared.call.load(Ordering::Relaxed);
        if self.verdict() == RUNNING {
            let now = self.shared.now();
            let mut hung = now >= hard;
            let progress = self.shared.progress.load(Ordering::Relaxed);
            if let (false, true, Some(region)) = (hung, progress != 0, &self.region) {
                let count = region.count();
                let (mark_call, since, seen) = self.progress_mark;
                if mark_call != call || count != seen {
                    self.progress_mark = (call, now, count);
                } else if now.saturating_sub(since) >= progress {
                    hung = true;
                }
            }
            if hung {
                self.kill();
            }
        }
        if self.verdict() != RUNNING && self.woken_call != Some(call) {
            if let Some(waker) = self.waker.as_mut() {
                // Blocking, but the caller is reading this pipe while its call is in flight.
                if waker.write_all(b"\n").is_ok() {
                    self.woken_call = Some(call);
                }
            }
        }
    }

    fn kill(&mut self) {
        let _ = self.shared.verdict.compare_exchange(
            RUNNING,
            KILLED,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        if self.verdict() != KILLED {
            return;
        }
        match &self.pidfd {
            // SAFETY: pidfd_send_signal on our pidfd; it cannot reach another process.
            Some(pidfd) => unsafe {
                libc::syscall(
                    libc::SYS_pidfd_send_signal,
                    pidfd.as_raw_fd(),
                    libc::SIGKILL,
                    std::ptr::null::<libc::siginfo_t>(),
                    0,
                );
            },
            // SAFETY: kill(2) of the worker. The owner reaps it only after a verdict or when
            // no call is in flight, and this runs with a call in flight and no verdict yet, so
            // the pid still names the worker.
            None => unsafe {
                libc::kill(self.pid as libc::pid_t, libc::SIGKILL);
            },
        }
    }
}

/// Whether the child has exited, without reaping it (so that its owner can): `waitid` with
/// `WNOWAIT`. For kernels without pidfd (and valgrind, which does not know it).
fn exited_without_reaping(pid: u32) -> bool {
    // SAFETY: waitid with WNOHANG | WNOWAIT only inspects our child; `info` is zeroed first,
    // so si_pid stays 0 when it has not exited.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) == 0 && info.si_pid() != 0
    }
}

pub(crate) fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor the caller owns.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
