//! Stopping cleanly: on SIGINT or SIGTERM, and when the process that launched the clients
//! dies (even by SIGKILL), each client stops between two runs, stops its Go worker and exits
//! (telling the broker it is gone).

use std::sync::atomic::{AtomicBool, Ordering};

use super::control::Control;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether SIGINT or SIGTERM arrived (or the parent died).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// SIGINT and SIGTERM set the flag [`interrupted`] reads; the client loop then asks every
/// client to stop.
pub fn stop_on_signals(_control: Control) {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction is valid; the handler only stores to an atomic, which is
        // async-signal-safe. SA_RESTART: blocking calls resume (the worker host retries on
        // EINTR as well).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// SIGTERM when `parent` dies, so that a client never outlives the run; if it is already
/// gone, the client stops at once.
pub fn stop_with_parent(parent: libc::pid_t, _control: Control) {
    // SAFETY: prctl with PR_SET_PDEATHSIG and a signal number; getppid cannot fail.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
        if libc::getppid() != parent {
            INTERRUPTED.store(true, Ordering::SeqCst);
        }
    }
}
