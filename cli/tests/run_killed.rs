//! `gofuzz-shm run` killed with SIGKILL in the middle of an input leaves nothing behind: no
//! file in its $TMPDIR, no worker process. One test in its own process: it makes this process
//! a child subreaper and reaps every orphan, which would steal other tests' children.
#![cfg(target_os = "linux")]

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// A bound against hangs only; nothing here asserts on time.
const BOUND: Duration = Duration::from_secs(30);

/// Children of `pid`, from every thread's list (the worker is forked by a spawner thread).
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("children")).ok())
        .flat_map(|list| {
            list.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

/// The run counter in the header of `pid`'s fd 5, when that is a memfd.
fn worker_count(pid: u32) -> Option<i64> {
    let fd5 = format!("/proc/{pid}/fd/5");
    let target = std::fs::read_link(&fd5).ok()?;
    if !target.to_string_lossy().starts_with("/memfd:") {
        return None;
    }
    let mut count = [0u8; 8];
    std::fs::File::open(&fd5)
        .ok()?
        .read_exact(&mut count)
        .ok()?;
    Some(i64::from_ne_bytes(count))
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn run_killed_mid_input_leaves_no_file_and_no_worker() {
    if !have_go() {
        return;
    }
    let binary = targets_binary();
    // SAFETY: prctl with an integer flag; affects only this process.
    assert_eq!(
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) },
        0
    );
    let scratch = tempfile::tempdir().unwrap();
    let tmp = scratch.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let input = scratch.path().join("hang");
    std::fs::write(&input, bytes_entry("hang")).unwrap();

    let mut run = cli()
        .env("TMPDIR", &tmp)
        .args([
            "run",
            "--quiet",
            "--timeout",
            "600s",
            "--target",
            "FuzzBehave",
            "--bin",
        ])
        .arg(binary)
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Mid-input: the worker counts a run before making it.
    let start = Instant::now();
    let worker = loop {
        let busy = children(run.id())
            .into_iter()
            .find(|&p| worker_count(p).is_some_and(|count| count >= 1));
        if let Some(pid) = busy {
            break pid;
        }
        assert!(
            start.elapsed() < BOUND,
            "no worker started running the input"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    run.kill().unwrap();
    run.wait().unwrap();

    // The worker is now this process's child: it must end, killed by the kernel's death
    // signal (it is busy in an endless loop and cannot end by itself).
    let died = Instant::now();
    let mut status = 0;
    let reaped = loop {
        // SAFETY: waitpid on a pid that is our child now, with a valid status pointer.
        let rc = unsafe { libc::waitpid(worker as libc::pid_t, &mut status, libc::WNOHANG) };
        if rc != 0 {
            break rc;
        }
        assert!(
            died.elapsed() < BOUND,
            "worker {worker} outlived gofuzz-shm run"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    eprintln!("worker gone {:?} after gofuzz-shm run", died.elapsed());
    assert_eq!(reaped, worker as libc::pid_t);
    assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL);
    // No other process is left, not even a zombie.
    // SAFETY: waitpid with WNOHANG and a null status pointer only queries.
    let rc = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
    assert_eq!(rc, -1);
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::ECHILD)
    );
    assert_eq!(entries(&tmp), Vec::<String>::new(), "left in $TMPDIR");
}
