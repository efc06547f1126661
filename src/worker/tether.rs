//! Child processes that cannot outlive this process, however it ends (return, `abort()`,
//! SIGKILL): each is started with `PR_SET_PDEATHSIG(SIGKILL)`.
//!
//! The kernel sends the death signal when the *thread* that forked the child exits, not when
//! the process does. A [`Worker`](super::Worker) is `Send` and restarts its process from
//! whatever thread makes the call, and a host may well start workers from short-lived threads
//! (a test harness runs each test in its own). Forking from the caller's thread would kill the
//! worker when that thread ends. So every child is forked by one spawner thread that lives as
//! long as the process: its children die exactly when the process does.
//!
//! The spawner is started on first use. A process forked from a host (a fork server, say) has
//! only the forking thread, not the spawner, so each process starts its own: the spawner
//! remembers the pid it belongs to.
//!
//! A race is closed in the child: if this process dies after the fork but before the death
//! signal is set, no signal ever comes. The child compares its parent's pid with ours taken
//! before the fork and exits at once when they differ (it has been reparented).

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::mpsc::{channel, sync_channel, Sender, SyncSender};

/// One request to the spawner: the command, and where to send the child (or the error).
struct Request {
    command: Command,
    reply: SyncSender<io::Result<Child>>,
}

/// The spawner thread of one process.
struct Spawner {
    /// The process it was started in.
    pid: u32,
    requests: Sender<Request>,
}

/// The current process's spawner, leaked so that it is never freed while in use. A process
/// forked from a host that starts workers leaks its parent's copy: a few bytes.
static SPAWNER: AtomicPtr<Spawner> = AtomicPtr::new(std::ptr::null_mut());

/// Spawns `command` as a child that is killed (SIGKILL) when this process ends. The command
/// is dropped before this returns, so the child's ends of any pipes it was given are closed.
pub(crate) fn spawn(mut command: Command) -> io::Result<Child> {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the child between fork and exec and only makes the
    // async-signal-safe calls prctl(2), getppid(2) and _exit(2); it allocates nothing and
    // takes no lock.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                // This process died before the death signal was armed: nobody waits for us.
                libc::_exit(1);
            }
            Ok(())
        });
    }
    let (reply, answer) = sync_channel(1);
    let mut request = Request { command, reply };
    // A spawner whose thread is gone (it cannot panic, but be safe) is replaced once.
    for _ in 0..2 {
        match spawner()?.requests.send(request) {
            Ok(()) => {
                return answer
                    .recv()
                    .unwrap_or_else(|_| Err(io::Error::other("the spawner thread ended")))
            }
            Err(returned) => {
                request = returned.0;
                SPAWNER.store(std::ptr::null_mut(), Ordering::Release);
            }
        }
    }
    Err(io::Error::other("the spawner thread could not be reached"))
}

/// This process's spawner, started if there is none yet.
fn spawner() -> io::Result<&'static Spawner> {
    let pid = std::process::id();
    let current = SPAWNER.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in SPAWNER came from Box::leak below and is never freed.
    if let Some(spawner) = unsafe { current.as_ref() } {
        if spawner.pid == pid {
            return Ok(spawner);
        }
    }
    let (requests, queue) = channel::<Request>();
    std::thread::Builder::new()
        .name("gofuzz-shm-spawner".into())
        // It only forks; the child runs on a copy of this stack until exec.
        .stack_size(256 << 10)
        .spawn(move || {
            for Request { command, reply } in queue {
                let mut command = command;
                let child = command.spawn();
                // Close the child's ends of its pipes before the caller goes on.
                drop(command);
                let _ = reply.send(child);
            }
        })?;
    let fresh: &'static Spawner = Box::leak(Box::new(Spawner { pid, requests }));
    let fresh_ptr = fresh as *const Spawner as *mut Spawner;
    match SPAWNER.compare_exchange(current, fresh_ptr, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(fresh),
        // Another thread got there first: use its spawner.
        Err(winner) => {
            // SAFETY: `fresh` was never published, so this is its only reference. Freeing it
            // drops the only sender, which ends its thread.
            drop(unsafe { Box::from_raw(fresh_ptr) });
            // SAFETY: as above, published pointers are leaked boxes, never freed.
            match unsafe { winner.as_ref() } {
                Some(spawner) if spawner.pid == pid => Ok(spawner),
                _ => spawner(),
            }
        }
    }
}
