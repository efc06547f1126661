//! Progress lines and the end of the run, watched from the broker process.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::control::{Control, Ended};

/// How long a client may take to start (connect to the broker) before it is given up.
const NEVER_STARTED: Duration = Duration::from_secs(120);

/// Totals over the clients.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub runs: u64,
    pub corpus: u64,
    pub counters: u64,
    pub failures: u64,
    pub interrupted: bool,
    pub errors: bool,
}

pub fn totals(control: Control, clients: usize) -> Totals {
    let mut t = Totals::default();
    for i in 0..clients {
        let s = control.slot(i);
        t.runs += s.runs.load(Ordering::Relaxed);
        // Clients share what they find, so the largest corpus and counter count stand for
        // the run (each client counts the counters its own runs lit).
        t.corpus = t.corpus.max(s.corpus.load(Ordering::Relaxed));
        t.counters = t.counters.max(s.counters.load(Ordering::Relaxed));
        t.failures += s.failures.load(Ordering::Relaxed);
        t.interrupted |= s.ended() == Some(Ended::Interrupted);
        t.errors |= s.ended() == Some(Ended::Error);
    }
    t
}

/// Whether a client process is gone (or a zombie): it can no longer end its slot.
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

/// Prints a progress line every `interval` (unless `quiet`) and, once every client has
/// ended, stops the LLMP broker loop of this process (it ends on SIGINT) and sets
/// `stopped_loop`: a loop that ended without it was stopped by a signal from outside.
///
/// The signal is sent again until `loop_ended` is set, in case the broker had not yet put its
/// handler in place (this process has one of its own before, so it is never killed by it).
pub fn watch(
    control: Control,
    clients: usize,
    interval: Duration,
    quiet: bool,
    started: Instant,
    loop_ended: Arc<AtomicBool>,
    stopped_loop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let watching = Instant::now();
        let mut last_runs = vec![0u64; clients];
        let mut last_print = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(50));
            if loop_ended.load(Ordering::SeqCst) {
                // Ended from outside; the clients are told by the broker.
                return;
            }
            // A client that has not started after a long while never will: it failed to
            // connect to the broker and exited (its error is on stderr).
            let never = watching.elapsed() > NEVER_STARTED;
            let all_ended = (0..clients).all(|i| {
                let s = control.slot(i);
                s.ended().is_some()
                    || (s.started() && gone(s.pid.load(Ordering::Relaxed)))
                    || (!s.started() && never)
            });
            if all_ended {
                stopped_loop.store(true, Ordering::SeqCst);
                while !loop_ended.load(Ordering::SeqCst) {
                    // SAFETY: kill on our own pid; the LLMP broker's handler only sets its
                    // flag.
                    unsafe { libc::kill(libc::getpid(), libc::SIGINT) };
                    std::thread::sleep(Duration::from_millis(200));
                }
                return;
            }
            if quiet || last_print.elapsed() < interval {
                continue;
            }
            let dt = last_print.elapsed().as_secs_f64();
            last_print = Instant::now();
            let t = totals(control, clients);
            let mut line = format!(
                "[{:>6.1}s] {} runs, {:.0} inputs/s, corpus {}, {} counters, {} failures",
                started.elapsed().as_secs_f64(),
                t.runs,
                (0..clients)
                    .map(|i| control.slot(i).runs.load(Ordering::Relaxed) - last_runs[i])
                    .sum::<u64>() as f64
                    / dt,
                t.corpus,
                t.counters,
                t.failures
            );
            for (i, last) in last_runs.iter_mut().enumerate() {
                let s = control.slot(i);
                let runs = s.runs.load(Ordering::Relaxed);
                line.push_str(&format!(
                    " | core {}: {:.0}/s",
                    s.core.load(Ordering::Relaxed),
                    (runs - *last) as f64 / dt
                ));
                *last = runs;
            }
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    })
}
