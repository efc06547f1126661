//! Nothing is left behind — no process (running or zombie), no descriptor, no thread, no
//! temporary file — after deaths, timeouts, failed starts, stop, and a worker dropped without
//! stop; and nothing is created in the temp dir at all while a worker runs. One test in its own
//! process, so the counts see only what it does. (A host that dies: tests/worker_tether.rs and
//! c-tests/worker.)
#![cfg(target_os = "linux")]

mod worker_common;

use std::path::Path;
use std::time::Duration;

use gofuzz_shm::corpus::{encode, Value};
use gofuzz_shm::worker::{FuzzLimits, MinimizeLimits, Outcome, Worker};
use worker_common::*;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Threads of this process (each worker process has a watchdog thread while it runs).
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// Everything in `dir` (the private temp dir: all of it is ours).
fn ours_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn no_children() -> bool {
    // SAFETY: waitpid with WNOHANG and a null status pointer only queries.
    let rc = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
    rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ECHILD)
}

fn gone(pid: u32) -> bool {
    // SAFETY: signal 0 only checks whether the process exists.
    unsafe { libc::kill(pid as libc::pid_t, 0) == -1 }
}

#[test]
fn nothing_leaks() {
    if !have_go() {
        return;
    }
    // Build the Go binaries first (the go tool's own temporary files are not ours to count).
    let _ = (fuzz_binary(), plain_binary());
    let tmp = tempfile::tempdir().unwrap();
    // This process runs only this test, so changing TMPDIR here is seen by nothing else.
    std::env::set_var("TMPDIR", tmp.path());
    // The first start also starts the spawner thread, which lives as long as the process (see
    // src/worker/tether.rs): a failed start brings it up before the counts are taken.
    let mut missing = options("FuzzAccept");
    missing.binary = "/nonexistent/pkg.test".into();
    assert!(Worker::start(missing).is_err());
    let fds = open_fds();
    let thread_count = threads();

    let mut w = start("FuzzBehave");
    assert_eq!(
        ours_in(tmp.path()),
        Vec::<String>::new(),
        "the region is a memfd and the worker's cache directory is never created"
    );
    let mut pids = vec![w.pid().unwrap()];
    for input in ["exit3", "sigkill", "hang", "fatal", "fine"] {
        w.run(&bytes_entry(input)).unwrap();
        pids.extend(w.pid());
        assert!(no_children() || w.pid().is_some());
    }
    let r = w.run(&bytes_entry("fine")).unwrap();
    assert_eq!(r.outcome, Outcome::Ok);
    pids.extend(w.pid());
    w.stop().unwrap();
    assert!(pids.iter().all(|&p| gone(p)));
    assert!(no_children(), "every worker process was reaped");
    assert_eq!(open_fds(), fds);
    assert_eq!(threads(), thread_count, "every watchdog thread was joined");
    assert_eq!(ours_in(tmp.path()), Vec::<String>::new());

    // Deaths inside fuzz and minimize.
    let mut w = start("FuzzMinimizeDies");
    let limits = MinimizeLimits {
        duration: Some(Duration::from_secs(60)),
        runs: None,
    };
    w.minimize(&encode(&[Value::Bytes(b"bugxxxxxxxxxx".to_vec())]), limits)
        .unwrap();
    let limits = FuzzLimits {
        runs: Some(1000),
        ..Default::default()
    };
    w.fuzz(&encode(&[Value::Bytes(b"bug".to_vec())]), limits)
        .unwrap();
    // Dropped without stop: Drop stops and reaps it too.
    let pid = w.pid();
    drop(w);
    assert!(pid.map_or(true, gone));
    assert!(no_children());
    assert_eq!(open_fds(), fds);
    assert_eq!(threads(), thread_count);
    assert_eq!(ours_in(tmp.path()), Vec::<String>::new());

    // Failed starts.
    for target in ["FuzzNope", "FuzzFailsEarly"] {
        assert!(Worker::start(options(target)).is_err());
    }
    let mut missing = options("FuzzAccept");
    missing.binary = "/nonexistent/pkg.test".into();
    assert!(Worker::start(missing).is_err());
    assert!(no_children());
    assert_eq!(open_fds(), fds);
    assert_eq!(threads(), thread_count);
    assert_eq!(ours_in(tmp.path()), Vec::<String>::new());
}
