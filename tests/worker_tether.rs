//! A worker dies with its host process, not with the thread that started it: the kernel's
//! parent-death signal is tied to the forking thread, so workers are forked by a spawner thread
//! that lives as long as the process (src/worker/tether.rs). (The host process dying:
//! c-tests/worker and cli/tests/run_killed.rs.)
#![cfg(target_os = "linux")]

mod worker_common;

use gofuzz_shm::worker::Outcome;
use worker_common::*;

/// Whether `pid` names a live process that is not a zombie.
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesized command name.
        Ok(stat) => !stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
        Err(_) => false,
    }
}

#[test]
fn a_worker_outlives_the_thread_that_started_it() {
    if !have_go() {
        return;
    }
    let mut worker = std::thread::spawn(|| {
        let mut worker = start("FuzzBehave");
        assert_eq!(
            worker.run(&bytes_entry("fine")).unwrap().outcome,
            Outcome::Ok
        );
        worker
    })
    .join()
    .unwrap();
    let pid = worker.pid().unwrap();
    // The starting thread has exited. Had it forked the worker, the kernel would have killed
    // the worker (SIGKILL) as the thread ended; the next call would then restart it.
    assert!(
        alive(pid),
        "worker {pid} was killed when its starting thread ended"
    );
    let r = worker.run(&bytes_entry("fine")).unwrap();
    assert_eq!(r.outcome, Outcome::Ok);
    assert_eq!(worker.pid(), Some(pid));
    assert_eq!(worker.restarts(), 0);

    // Restarts happen on whichever thread makes the call; that thread may end too.
    let mut worker = std::thread::spawn(move || {
        assert_eq!(
            worker.run(&bytes_entry("exit3")).unwrap().outcome,
            Outcome::WorkerDied
        );
        assert_eq!(
            worker.run(&bytes_entry("fine")).unwrap().outcome,
            Outcome::Ok
        );
        assert_eq!(worker.restarts(), 1);
        worker
    })
    .join()
    .unwrap();
    let pid = worker.pid().unwrap();
    assert!(alive(pid), "restarted worker {pid} died with its thread");
    assert_eq!(
        worker.run(&bytes_entry("fine")).unwrap().outcome,
        Outcome::Ok
    );
    assert_eq!(worker.restarts(), 1);
    worker.stop().unwrap();
}
