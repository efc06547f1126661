//! The worker's memory limit: a thread samples the resident set of the current worker process
//! and kills it (`SIGKILL` through a pidfd, so a reused pid is never hit) once it exceeds the
//! limit; the next result reports the kill.
//!
//! Why not a resource limit: `RLIMIT_AS` counts address space, and Go reserves far more than
//! it uses (a Go program fails to start under a limit of a few hundred MiB), and `GOMEMLIMIT`
//! is a soft goal for Go's garbage collector, not a limit. Sampling the resident set is what
//! libFuzzer itself does for `-rss_limit_mb` (once a second, for its own process); this samples
//! ten times a second and blames the input running at the time, as libFuzzer does.

use std::fs;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::{Error, Result};

const INTERVAL: Duration = Duration::from_millis(100);

/// A kill by the memory watch: the resident set that was over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverLimit {
    pub(crate) rss_mb: u64,
}

#[derive(Default)]
struct State {
    pid: u32,
    pidfd: Option<OwnedFd>,
    killed: Option<OverLimit>,
    stop: bool,
}

struct Shared {
    limit_mb: u64,
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sampling thread; stopped and joined on drop.
pub(crate) struct MemoryWatch {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl MemoryWatch {
    /// Starts the thread for a limit of `limit_mb` MiB (more than 0).
    pub(crate) fn start(limit_mb: u64) -> Result<MemoryWatch> {
        let shared = Arc::new(Shared {
            limit_mb,
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("gofuzz-shm-memory".into())
            .spawn(move || watch(&thread_shared))
            .map_err(|e| Error::io("start memory watch", e))?;
        Ok(MemoryWatch {
            shared,
            thread: Some(thread),
        })
    }

    /// Watches process `pid` from now on. It must be a child not yet reaped, so that the pidfd
    /// opened here names it and no other.
    pub(crate) fn watch(&self, pid: u32) {
        let pidfd = open_pidfd(pid);
        let mut state = self.shared.state();
        state.pid = pid;
        state.pidfd = pidfd;
    }

    /// Whether the thread killed a worker since the last call, and at what size.
    pub(crate) fn take_kill(&self) -> Option<OverLimit> {
        self.shared.state().killed.take()
    }
}

impl Drop for MemoryWatch {
    fn drop(&mut self) {
        self.shared.state().stop = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(shared: &Shared) {
    let mut state = shared.state();
    loop {
        let (next, _) = shared
            .wake
            .wait_timeout(state, INTERVAL)
            .unwrap_or_else(|e| e.into_inner());
        state = next;
        if state.stop {
            return;
        }
        let Some(pidfd) = state.pidfd.as_ref() else {
            continue;
        };
        let Some(rss_mb) = resident_mb(state.pid) else {
            continue;
        };
        if rss_mb > shared.limit_mb && kill(pidfd.as_raw_fd()) {
            state.killed = Some(OverLimit { rss_mb });
            state.pidfd = None;
        }
    }
}

/// Resident set of `pid` in MiB, from /proc/<pid>/statm (pages); `None` when it is gone.
fn resident_mb(pid: u32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    Some((pages * page) >> 20)
}

/// SIGKILL through the pidfd; false when the process was already gone.
fn kill(pidfd: RawFd) -> bool {
    // SAFETY: pidfd_send_signal on a pidfd we own, no siginfo, no flags.
    let r = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd,
            libc::SIGKILL,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    r == 0
}

fn open_pidfd(pid: u32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open with flags 0 returns a new close-on-exec descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    // SAFETY: on success a fresh descriptor owned by nobody else.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_own_resident_set() {
        let mb = resident_mb(std::process::id()).expect("our own statm");
        assert!(mb < 1 << 20);
        assert_eq!(resident_mb(u32::MAX), None);
    }
}
