//! The block of memory the run's processes share: the stop request and each client's
//! counts, read by the progress thread in the broker process.
//!
//! An anonymous shared mapping made before LibAFL's Launcher forks the clients, so every
//! client inherits it; it has no name and no file, and goes away with the last process.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Clients a run can have (one per core).
pub const MAX_CLIENTS: usize = 1024;

/// Why a client stopped (`Slot::state` once done).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Ended {
    /// The time or run budget was used up, or another client asked all to stop.
    Budget = 2,
    /// It found a failure (and the run stops at the first).
    Failure = 3,
    /// SIGINT or SIGTERM.
    Interrupted = 4,
    /// It could not fuzz (the worker would not start, a seed could not be read).
    Error = 5,
}

const RUNNING: u32 = 1;

/// One client's counts.
#[repr(C)]
pub struct Slot {
    pub runs: AtomicU64,
    pub corpus: AtomicU64,
    pub counters: AtomicU64,
    pub failures: AtomicU64,
    pub pid: AtomicU32,
    pub core: AtomicU32,
    /// 0 not started, 1 running, else an [`Ended`].
    state: AtomicU32,
}

#[repr(C)]
struct Block {
    stop: AtomicU32,
    slots: [Slot; MAX_CLIENTS],
}

/// The shared block; `Copy`, since it is a mapping every process keeps until it exits.
#[derive(Clone, Copy)]
pub struct Control {
    block: &'static Block,
}

impl Control {
    /// Maps the block (zeroed by the kernel).
    pub fn new() -> std::io::Result<Control> {
        let size = std::mem::size_of::<Block>();
        // SAFETY: an anonymous shared mapping, no file; the result is checked. It is never
        // unmapped, so the 'static reference stays valid for the life of every process that
        // inherits it. All its fields are atomics, for which zero bytes are a valid value and
        // which are sound to share between processes (lock-free on this platform).
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return Err(std::io::Error::last_os_error());
            }
            Ok(Control {
                block: &*(p as *const Block),
            })
        }
    }

    pub fn slot(&self, index: usize) -> &'static Slot {
        &self.block.slots[index]
    }

    pub fn request_stop(&self) {
        self.block.stop.store(1, Ordering::SeqCst);
    }

    pub fn stop_requested(&self) -> bool {
        self.block.stop.load(Ordering::Relaxed) != 0
    }

    /// Runs over the first `clients` slots.
    pub fn total_runs(&self, clients: usize) -> u64 {
        self.block.slots[..clients]
            .iter()
            .map(|s| s.runs.load(Ordering::Relaxed))
            .sum()
    }
}

impl Slot {
    pub fn start(&self, core: usize) {
        self.pid.store(std::process::id(), Ordering::Relaxed);
        self.core.store(core as u32, Ordering::Relaxed);
        self.state.store(RUNNING, Ordering::SeqCst);
    }

    pub fn end(&self, why: Ended) {
        self.state.store(why as u32, Ordering::SeqCst);
    }

    /// `None` while not started or running.
    pub fn ended(&self) -> Option<Ended> {
        match self.state.load(Ordering::SeqCst) {
            2 => Some(Ended::Budget),
            3 => Some(Ended::Failure),
            4 => Some(Ended::Interrupted),
            5 => Some(Ended::Error),
            _ => None,
        }
    }

    pub fn started(&self) -> bool {
        self.state.load(Ordering::SeqCst) != 0
    }
}
