//! `gofuzz-shm fuzz` against real Go workers: it finds planted bugs (a panic, a process
//! that kills itself, a string target) on one and two cores and saves them as Go corpus
//! files Go reproduces; it reports inputs/s for one and two cores; two runs on this machine
//! join as LLMP nodes and share inputs; Ctrl-C and SIGKILL leave nothing behind.
//!
//! Budgets are hang guards, never timing assertions: each run ends at its first failure.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::*;

fn targets_dir() -> PathBuf {
    repo_root().join("engines/libafl/testdata/targets")
}

fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&targets_dir(), "libafl-targets", "FuzzFrame"))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// A fuzz run that ends at its first failure; `extra` are more arguments.
fn fuzz_until_failure(dir: &Path, target: &str, cores: &str, extra: &[&str]) -> Ran {
    let out = cli()
        .current_dir(dir)
        .args(["fuzz", "--bin"])
        .arg(binary())
        .args(["--target", target, "--cores", cores, "--seed", "1"])
        .args(["--time", "600s", "--progress", "5s"])
        .args(extra)
        .output()
        .unwrap();
    let ran = ran(out);
    eprintln!("{target} on cores {cores}:\n{}", ran.stderr);
    ran
}

#[test]
fn finds_a_panic_on_one_and_on_two_cores_and_go_reproduces_it() {
    if !have_go() {
        return;
    }
    let seeds = targets_dir().join("testdata/fuzz/FuzzFrame");
    for cores in ["0", "0,1"] {
        let dir = tempfile::tempdir().unwrap();
        let ran = fuzz_until_failure(
            dir.path(),
            "FuzzFrame",
            cores,
            &["--corpus", "corpus", seeds.to_str().unwrap()],
        );
        assert_eq!(ran.code, 1, "a failure is exit status 1");
        assert!(ran.stderr.contains("FAILURE (crash)"), "{}", ran.stderr);
        assert!(
            ran.stderr.contains("index out of range"),
            "Go's message is shown"
        );
        let crashers = files_in(&dir.path().join("crashers"));
        assert!(!crashers.is_empty(), "a crasher was written");
        let corpus = files_in(&dir.path().join("corpus"));
        assert!(
            !corpus.is_empty(),
            "new inputs were saved to the corpus directory"
        );
        for file in crashers.iter().chain(&corpus) {
            let data = std::fs::read(file).unwrap();
            let name = file.file_name().unwrap().to_str().unwrap();
            assert_eq!(name.len(), 16, "Go's name: 16 hex digits of SHA-256");
            assert!(data.starts_with(b"go test fuzz v1\n[]byte("), "{data:?}");
        }

        // Go's verdict: the crasher, put where `go test` looks, fails `go test -run`.
        let pkg = dir.path().join("pkg");
        copy_package(&targets_dir(), &pkg);
        let name = crashers[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let target_dir = pkg.join("testdata/fuzz/FuzzFrame");
        std::fs::create_dir_all(&target_dir).unwrap();
        std::fs::copy(&crashers[0], target_dir.join(&name)).unwrap();
        let out = go()
            .current_dir(&pkg)
            .args(["test", &format!("-run=FuzzFrame/{name}"), "."])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "go test must fail on the crasher");
        assert!(text.contains("index out of range"), "{text}");
    }
}

#[test]
fn finds_a_process_killing_bug_and_a_string_bug_on_two_cores() {
    if !have_go() {
        return;
    }
    // FuzzKill: os.Exit(3), the worker process dies.
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    std::fs::create_dir(&seeds).unwrap();
    std::fs::write(seeds.join("k"), bytes_entry("K")).unwrap();
    let ran = fuzz_until_failure(dir.path(), "FuzzKill", "0,1", &[seeds.to_str().unwrap()]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("FAILURE (worker died)"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("exit code 3"), "{}", ran.stderr);
    let crashers = files_in(&dir.path().join("crashers"));
    assert!(!crashers.is_empty());
    let entry = std::fs::read(&crashers[0]).unwrap();
    assert!(
        entry.starts_with(b"go test fuzz v1\n[]byte(\"KIL"),
        "{entry:?}"
    );

    // FuzzWord takes a string: the seed's type decides the mapping.
    let dir = tempfile::tempdir().unwrap();
    let seeds = targets_dir().join("testdata/fuzz/FuzzWord");
    let ran = fuzz_until_failure(dir.path(), "FuzzWord", "0,1", &[seeds.to_str().unwrap()]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("planted bug: tok"), "{}", ran.stderr);
    let crashers = files_in(&dir.path().join("crashers"));
    let entry = std::fs::read(&crashers[0]).unwrap();
    assert!(
        entry.starts_with(b"go test fuzz v1\nstring(\"tok"),
        "{entry:?}"
    );
}

/// A target of several typed arguments, found through the signature discovered with --pkg.
#[test]
fn finds_a_bug_in_a_typed_target() {
    if !have_go() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["fuzz", "--pkg"])
        .arg(targets_dir())
        .args([
            "--target",
            "FuzzTyped",
            "--cores",
            "0,1",
            "--seed",
            "1",
            "--time",
            "600s",
        ])
        .output()
        .unwrap();
    let ran = ran(out);
    eprintln!("{}", ran.stderr);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("FuzzTyped(string,int64)"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("planted bug: typed"), "{}", ran.stderr);
    let crashers = files_in(&dir.path().join("crashers"));
    let entry = String::from_utf8(std::fs::read(&crashers[0]).unwrap()).unwrap();
    assert!(entry.starts_with("go test fuzz v1\nstring(\"go"), "{entry}");
    assert!(entry.contains("\nint64("), "{entry}");
}

/// The final summary's inputs/s.
fn inputs_per_second(stderr: &str) -> f64 {
    let line = stderr
        .lines()
        .find(|l| l.contains(" runs in ") && l.contains("inputs/s"))
        .unwrap_or_else(|| panic!("no summary in:\n{stderr}"));
    let open = line.find(" (").unwrap() + 2;
    let close = line[open..].find(' ').unwrap() + open;
    line[open..close].parse().unwrap()
}

/// Reports how much two cores give over one (a measurement, not an assertion: the machine
/// is shared).
#[test]
fn two_cores_and_one_report_their_inputs_per_second() {
    if !have_go() {
        return;
    }
    let mut rates = Vec::new();
    for cores in ["0", "0,1"] {
        let dir = tempfile::tempdir().unwrap();
        let ran = ran(cli()
            .current_dir(dir.path())
            .args(["fuzz", "--bin"])
            .arg(binary())
            .args([
                "--target", "FuzzDeep", "--cores", cores, "--time", "8s", "-q",
            ])
            .output()
            .unwrap());
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        let rate = inputs_per_second(&ran.stderr);
        assert!(rate > 0.0, "{}", ran.stderr);
        rates.push(rate);
    }
    eprintln!(
        "FuzzDeep, 8 s: one core {:.0} inputs/s, two cores {:.0} inputs/s, ratio {:.2}",
        rates[0],
        rates[1],
        rates[1] / rates[0]
    );
}

/// Every process whose parent chain leads to `root` (not `root` itself).
fn descendants(root: u32) -> BTreeSet<u32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let ppid: u32 = rest.split_whitespace().nth(1).unwrap().parse().unwrap();
        parent_of.push((pid, ppid));
    }
    let mut found = BTreeSet::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for &(pid, ppid) in &parent_of {
            if ppid == p && found.insert(pid) {
                frontier.push(pid);
            }
        }
    }
    found
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// System V segments created by one of `pids` (LLMP's shared memory).
fn segments_of(pids: &BTreeSet<u32>) -> Vec<String> {
    let table = std::fs::read_to_string("/proc/sysvipc/shm").unwrap();
    table
        .lines()
        .skip(1)
        .filter(|l| {
            // Columns: key shmid perms size cpid lpid ...
            let cpid: u32 = l.split_whitespace().nth(4).unwrap().parse().unwrap();
            pids.contains(&cpid)
        })
        .map(str::to_owned)
        .collect()
}

/// Starts a run with a private TMPDIR and waits for its first progress line; returns the
/// child, a receiver of its remaining stderr lines, and every process it started by then.
fn start_and_wait_for_progress(
    tmp: &Path,
    dir: &Path,
    extra: &[&str],
) -> (Child, mpsc::Receiver<String>, BTreeSet<u32>) {
    let mut child = cli()
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .args(["fuzz", "--bin"])
        .arg(binary())
        .args(["--target", "FuzzDeep", "--time", "300s", "--progress", "1s"])
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        // A process group of its own, as a shell gives a foreground job: Ctrl-C on a terminal
        // is SIGINT to the whole group (the command, its clients and their Go workers).
        .process_group(0)
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no progress line; stderr so far:\n{}", seen.join("\n")));
        let progress = line.starts_with('[') && line.contains(" runs,");
        seen.push(line);
        if progress {
            break;
        }
    }
    let pids = descendants(child.id());
    (child, rx, pids)
}

/// After the run: within a few seconds no process of it is left, its TMPDIR is empty and
/// it holds no shared memory segment.
fn assert_nothing_left(tmp: &Path, root: u32, mut pids: BTreeSet<u32>) {
    pids.insert(root);
    let deadline = Instant::now() + Duration::from_secs(20);
    while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
    assert!(left.is_empty(), "processes left: {left:?}");
    assert_eq!(files_in(tmp), Vec::<PathBuf>::new(), "files left in TMPDIR");
    assert_eq!(
        segments_of(&pids),
        Vec::<String>::new(),
        "shared memory left"
    );
    // LibAFL's file-backed providers name their files after the creating process.
    let shm_files: Vec<String> = std::fs::read_dir("/dev/shm")
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| pids.iter().any(|p| n.contains(&format!("_{p}_"))))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        shm_files.is_empty(),
        "files left in /dev/shm: {shm_files:?}"
    );
}

#[test]
fn ctrl_c_stops_every_process_and_leaves_nothing() {
    if !have_go() {
        return;
    }
    let _ = binary();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut child, rx, pids) =
        start_and_wait_for_progress(tmp.path(), dir.path(), &["--cores", "0,1"]);
    // Two clients, two Go workers at least.
    assert!(pids.len() >= 4, "{pids:?}");
    // Ctrl-C: SIGINT to the whole process group. The Go workers die of it too, which is not
    // a failure of any input (as for Go's coordinator).
    // SAFETY: a signal to the process group of our own child.
    unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGINT) };
    let status = child.wait().unwrap();
    let rest: Vec<String> = rx.iter().collect();
    assert_eq!(status.code(), Some(130), "{}", rest.join("\n"));
    assert!(!rest.iter().any(|l| l.contains("FAILURE")), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains(" runs in ")),
        "a summary: {rest:?}"
    );
    assert_nothing_left(tmp.path(), child.id(), pids);
}

#[test]
fn sigkill_leaves_nothing() {
    if !have_go() {
        return;
    }
    let _ = binary();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut child, _rx, pids) =
        start_and_wait_for_progress(tmp.path(), dir.path(), &["--cores", "0,1"]);
    assert!(pids.len() >= 4, "{pids:?}");
    let mut all = pids.clone();
    all.insert(child.id());
    assert!(
        !segments_of(&all).is_empty(),
        "LLMP's segments are seen while the run lives (so their absence later means something)"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_nothing_left(tmp.path(), child.id(), pids);
}

/// Two runs on this machine as LLMP nodes over loopback: node B joins node A's broker with a
/// seed that passes an 8-byte magic; A, which had no seeds, receives it and saves it in its
/// corpus directory.
#[test]
fn two_nodes_share_inputs_over_loopback() {
    if !have_go() {
        return;
    }
    let _ = binary();
    let tmp = tempfile::tempdir().unwrap();
    let a_dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        l.local_addr().unwrap().port()
    };
    let port_arg = port.to_string();
    let (mut a, _a_rx, a_pids) = start_and_wait_for_progress(
        tmp.path(),
        a_dir.path(),
        &[
            "--cores",
            "0",
            "--broker-port",
            &port_arg,
            "--corpus",
            "corpus",
        ],
    );

    let b_dir = tempfile::tempdir().unwrap();
    let seeds = b_dir.path().join("seeds");
    std::fs::create_dir(&seeds).unwrap();
    std::fs::write(seeds.join("deep"), bytes_entry("NODEDEEP and more")).unwrap();
    let remote = format!("127.0.0.1:{port}");
    let b = ran(cli()
        .current_dir(b_dir.path())
        .env("TMPDIR", tmp.path())
        .args(["fuzz", "--bin"])
        .arg(binary())
        .args(["--target", "FuzzDeep", "--cores", "1", "--time", "5s", "-q"])
        .args(["--remote-broker", &remote, seeds.to_str().unwrap()])
        .output()
        .unwrap());
    assert_eq!(b.code, 0, "node B: {}", b.stderr);

    let deadline = Instant::now() + Duration::from_secs(30);
    let has_deep = || {
        files_in(&a_dir.path().join("corpus")).iter().any(|f| {
            std::fs::read(f)
                .unwrap()
                .windows(8)
                .any(|w| w == b"NODEDEEP")
        })
    };
    while !has_deep() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(a.id() as libc::pid_t, libc::SIGINT) };
    let status = a.wait().unwrap();
    assert!(has_deep(), "node A did not receive node B's input");
    assert_eq!(status.code(), Some(130));
    assert_nothing_left(tmp.path(), a.id(), a_pids);
}

/// `--keep-going` saves every failure and goes on to the `--runs` budget (most runs are Go's
/// mutator bursts, so the budget leaves havoc enough turns to append the "L").
#[test]
fn keep_going_runs_to_the_budget() {
    if !have_go() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    std::fs::create_dir(&seeds).unwrap();
    std::fs::write(seeds.join("ki"), bytes_entry("KI")).unwrap();
    let ran = fuzz_until_failure(
        dir.path(),
        "FuzzKill",
        "0",
        &["--keep-going", "--runs", "30000", seeds.to_str().unwrap()],
    );
    assert_eq!(ran.code, 1, "failures were found");
    let summary = ran
        .stderr
        .lines()
        .find(|l| l.contains(" runs in "))
        .unwrap();
    let runs: u64 = summary.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(runs >= 30000, "went on after the failure: {summary}");
    assert!(
        !files_in(&dir.path().join("crashers")).is_empty(),
        "{summary}"
    );
}

#[test]
fn usage_errors_are_status_2() {
    let ran = run_cli(&["fuzz", "--target", "FuzzX"]);
    assert_eq!(ran.code, 2, "--pkg or --bin is required");
    let ran = run_cli(&[
        "fuzz",
        "--bin",
        "/nonexistent",
        "--target",
        "FuzzX",
        "--time",
        "1s",
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("/nonexistent"), "{}", ran.stderr);
    if !have_go() {
        return;
    }
    let bin = binary().to_str().unwrap();
    let ran = run_cli(&[
        "fuzz", "--bin", bin, "--target", "FuzzDeep", "--cores", "0-4095",
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("does not exist"), "{}", ran.stderr);
    let ran = run_cli(&["fuzz", "--bin", bin, "--target", "FuzzNope", "--time", "5s"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("no fuzz target named FuzzNope"),
        "{}",
        ran.stderr
    );
    // Nothing listens on port 1 of this machine.
    let ran = run_cli(&[
        "fuzz",
        "--bin",
        bin,
        "--target",
        "FuzzDeep",
        "--time",
        "5s",
        "--remote-broker",
        "127.0.0.1:1",
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("joining the broker at 127.0.0.1:1"),
        "{}",
        ran.stderr
    );
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let ran = run_cli(&[
        "fuzz",
        "--bin",
        bin,
        "--target",
        "FuzzDeep",
        "--broker-port",
        &port,
    ]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("cannot listen"), "{}", ran.stderr);
}

/// Input-to-state: FuzzToken's 21-byte token lights no counter until it is whole, so only the
/// comparisons (the hooked build `--pkg` makes) find it. Same seed, same budget: found with
/// them, not without (`--no-cmp`).
#[test]
fn comparisons_find_an_exact_token_that_coverage_alone_does_not() {
    if !have_go() {
        return;
    }
    let run = |extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let out = cli()
            .current_dir(dir.path())
            .args(["fuzz", "--pkg"])
            .arg(targets_dir())
            .args(["--target", "FuzzToken", "--cores", "0", "--seed", "1"])
            .args(["--runs", "100000", "--time", "600s"])
            .args(extra)
            .output()
            .unwrap();
        let ran = ran(out);
        eprintln!("FuzzToken {extra:?}:\n{}", ran.stderr);
        let crashers = files_in(&dir.path().join("crashers"))
            .iter()
            .map(|f| String::from_utf8(std::fs::read(f).unwrap()).unwrap())
            .collect::<Vec<_>>();
        (ran, crashers)
    };
    let (with, crashers) = run(&[]);
    assert_eq!(with.code, 1, "{}", with.stderr);
    assert!(
        with.stderr.contains("planted bug: token"),
        "{}",
        with.stderr
    );
    assert!(
        crashers[0].starts_with("go test fuzz v1\nstring(\"gofuzz-shm-token-7421"),
        "{crashers:?}"
    );
    let (without, crashers) = run(&["--no-cmp"]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert!(crashers.is_empty(), "{}", without.stderr);
}
