//! Keeping an engine's asynchronous signals on the engine's thread.
//!
//! Engines time runs and stop on request with process-directed signals: libFuzzer arms
//! `SIGALRM` for its `-timeout` and ignores the signal unless it lands on its fuzzing thread;
//! `SIGINT`/`SIGTERM` end a session. The kernel hands such a signal to any thread that does
//! not block it, and the host has threads of its own (each worker's watchdog, the memory
//! watch). So the signals below are blocked on the calling thread for the length of a run, and
//! every thread the host starts inherits that mask: they reach the engine's thread between
//! runs, never a host thread, and never in the middle of a run (a pending one is delivered as
//! soon as the run returns).

/// The signals kept off the host's threads and out of the middle of a run.
const ENGINE_SIGNALS: [libc::c_int; 6] = [
    libc::SIGALRM,
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// Blocks [`ENGINE_SIGNALS`] on this thread until dropped, then restores the previous mask.
pub(crate) struct Blocked {
    old: libc::sigset_t,
    /// The mask is per thread: the guard must be dropped where it was made.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Blocked {
    pub(crate) fn new() -> Blocked {
        // SAFETY: sigset_t is plain data; sigemptyset/sigaddset initialize it, and
        // pthread_sigmask only changes this thread's mask, saving the old one into `old`.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in ENGINE_SIGNALS {
                libc::sigaddset(&mut set, signal);
            }
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            Blocked {
                old,
                _not_send: std::marker::PhantomData,
            }
        }
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by `new` on the same thread (the guard is not Send).
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut()) };
    }
}
