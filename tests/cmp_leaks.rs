//! Nothing is left behind by comparison feedback: no descriptor (the ring's memfd, the hook
//! object's memfd), no file, no process, after a build, runs, a worker death, stop and drop.
//! One test in its own process, so the counts see only what it does.
#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

mod cmp_common;

use cmp_common::*;
use gofuzz_shm::cmp::{compile_hooks, CmpRing};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn no_children() -> bool {
    // SAFETY: waitpid with WNOHANG and a null status pointer only queries.
    let rc = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
    rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ECHILD)
}

#[test]
fn nothing_leaks() {
    if !have_go() {
        return;
    }
    let _ = hooked_binary();
    let tmp = tempfile::tempdir().unwrap();
    // This process runs only this test, so changing TMPDIR here is seen by nothing else.
    std::env::set_var("TMPDIR", tmp.path());
    let fds = open_fds();

    // The hook object lives in a memfd only.
    let object = compile_hooks("cc".as_ref()).unwrap();
    assert!(object.bytes().unwrap().starts_with(b"\x7fELF"));
    drop(object);
    assert_eq!(open_fds(), fds);

    let mut ring = CmpRing::new(1024).unwrap();
    let mut w = start(hooked_binary(), "FuzzMagic", &ring);
    let pid = w.pid().unwrap();
    let mut seen = gofuzz_shm::cmp::CmpRun::new();
    for n in 0..4 {
        ring.reset();
        w.run(format!("go test fuzz v1\nint64({n})\n").as_bytes())
            .unwrap();
        ring.collect(&mut seen);
    }
    assert_eq!(seen.comparisons().len(), 1, "{seen:?}");
    // A worker killed from outside is restarted by the next run, with the ring still working.
    // SAFETY: plain kill(2) of our own child, which has not been reaped.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    ring.reset();
    let first = w.run(b"go test fuzz v1\nint64(9)\n").unwrap().outcome;
    let result = w.run(b"go test fuzz v1\nint64(9)\n").unwrap();
    assert_eq!(
        result.outcome,
        gofuzz_shm::worker::Outcome::Ok,
        "after {first:?}"
    );
    assert_ne!(w.pid(), Some(pid));
    ring.reset();
    w.run(b"go test fuzz v1\nint64(10)\n").unwrap();
    ring.collect(&mut seen);
    assert_eq!(seen.comparisons().len(), 1, "after a restart: {seen:?}");
    w.stop().unwrap();
    drop(ring);

    assert_eq!(open_fds(), fds, "descriptors");
    assert!(no_children(), "a worker process is left");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "files left in TMPDIR: {left:?}");
}
