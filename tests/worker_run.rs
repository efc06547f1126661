//! Running exact inputs through real Go workers: every outcome, the exact input reported, the
//! worker back for the next input, coverage that tells paths apart.
#![cfg(target_os = "linux")]

mod worker_common;

use gofuzz_shm::worker::{Exit, Outcome, Worker};
use worker_common::*;

#[test]
fn every_outcome_is_reported_with_its_input_and_the_worker_comes_back() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzBehave");
    let first_pid = w.pid().unwrap();

    let ok = bytes_entry("fine");
    let r = w.run(&ok).unwrap();
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.message);
    assert_eq!((r.count, r.entry, r.message), (1, &ok[..], ""));
    assert!(!r.coverage.is_empty());

    let fatal = bytes_entry("fatal");
    let r = w.run(&fatal).unwrap();
    assert_eq!(r.outcome, Outcome::Crash);
    assert_eq!(r.entry, &fatal[..]);
    assert!(
        r.message.contains("rejected input \"fatal\""),
        "{}",
        r.message
    );
    assert!(r.coverage.is_empty() && r.exit.is_none());
    assert_eq!(
        w.pid(),
        Some(first_pid),
        "a crash leaves the worker running"
    );

    let panic = bytes_entry("panic");
    let r = w.run(&panic).unwrap();
    assert_eq!(r.outcome, Outcome::Crash);
    assert!(r.message.contains("panic: boom: panic"), "{}", r.message);
    assert_eq!(r.entry, &panic[..]);

    let cases: [(&str, Outcome, Option<Exit>, &str); 4] = [
        (
            "exit3",
            Outcome::WorkerDied,
            Some(Exit::Code(3)),
            "exit code 3",
        ),
        (
            "overflow",
            Outcome::WorkerDied,
            Some(Exit::Code(2)),
            "fatal error: stack overflow",
        ),
        (
            "nilmap",
            Outcome::WorkerDied,
            Some(Exit::Code(2)),
            "assignment to entry in nil map",
        ),
        (
            "sigkill",
            Outcome::WorkerDied,
            Some(Exit::Signal(libc::SIGKILL)),
            "while running the input: signal 9 (SIGKILL); Go's coordinator does not count",
        ),
    ];
    for (input, outcome, exit, text) in cases {
        let entry = bytes_entry(input);
        let r = w.run(&entry).unwrap();
        assert_eq!(r.outcome, outcome, "{input}: {}", r.message);
        assert_eq!(r.exit, exit, "{input}");
        assert_eq!(r.entry, &entry[..], "{input}");
        assert!(r.message.contains(text), "{input}: {}", r.message);
        assert_eq!(w.pid(), None, "the dead worker is reaped");
        // The next input gets a fresh worker.
        let r = w.run(&ok).unwrap();
        assert_eq!(r.outcome, Outcome::Ok, "after {input}: {}", r.message);
    }
    assert_eq!(w.restarts(), 4);

    let hang = bytes_entry("hang");
    let r = w.run(&hang).unwrap();
    assert_eq!(r.outcome, Outcome::Timeout, "{}", r.message);
    assert_eq!(r.exit, Some(Exit::Signal(libc::SIGKILL)));
    assert!(
        r.message.contains("; the worker was killed with SIGKILL."),
        "{}",
        r.message
    );
    assert!(!r.message.contains("signal 9"), "said once: {}", r.message);
    assert_eq!(r.entry, &hang[..]);
    assert!(r.duration >= w.options().timeout);
    let r = w.run(&ok).unwrap();
    assert_eq!(r.outcome, Outcome::Ok, "after the hang: {}", r.message);
    assert_eq!(w.restarts(), 5);
    // This process only ran passing inputs: a clean exit.
    assert_eq!(w.stop().unwrap(), Some(Exit::Code(0)));
}

#[test]
fn coverage_differs_between_paths_and_repeats_for_the_same_input() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzAccept");
    let a = w.run(&bytes_entry("abcd")).unwrap().coverage.to_vec();
    let digits = w.run(&bytes_entry("123")).unwrap().coverage.to_vec();
    let a_again = w.run(&bytes_entry("abcd")).unwrap().coverage.to_vec();
    assert_eq!(a.len(), digits.len());
    assert_eq!(Some(a.len()), w.coverage_len());
    assert_ne!(a, digits, "different paths, different counters");
    assert_eq!(a, a_again, "the worker resets the counters before each run");
    assert!(a
        .iter()
        .chain(&digits)
        .all(|&c| c.is_power_of_two() || c == 0));
    assert_eq!(w.stop().unwrap(), Some(Exit::Code(0)));
}

#[test]
fn a_binary_without_counters_gives_empty_coverage() {
    if !have_go() {
        return;
    }
    let mut options = options("FuzzAccept");
    options.binary = plain_binary().to_path_buf();
    let mut w = gofuzz_shm::worker::Worker::start(options).unwrap();
    let r = w.run(&bytes_entry("abcd")).unwrap();
    assert_eq!((r.outcome, r.coverage.len()), (Outcome::Ok, 0));
    assert_eq!(w.coverage_len(), Some(0));
}

#[test]
fn typed_arguments() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzTyped");
    let failing = "go test fuzz v1\n[]byte(\"raw\")\nstring(\"str\")\nint(-7)\nbyte('\\xc8')\nfloat64(1.5)\nbool(true)\nrune('é')\n";
    let r = w.run(failing.as_bytes()).unwrap();
    assert_eq!(r.outcome, Outcome::Crash, "{}", r.message);
    assert!(
        r.message
            .contains("typed failure: \"raw\" \"str\" -7 200 1.5 true 'é'"),
        "{}",
        r.message
    );
    let passing = failing.replace("int(-7)", "int(-8)");
    assert_eq!(w.run(passing.as_bytes()).unwrap().outcome, Outcome::Ok);
    // Values that do not match the parameters: Go runs them anyway and reflect panics.
    let r = w.run(b"go test fuzz v1\nint(3)\n").unwrap();
    assert_eq!(r.outcome, Outcome::Crash);
    assert!(r.message.contains("reflect"), "{}", r.message);
    // A Go worker that saw a failed run exits with its code 70 when stopped.
    assert_eq!(w.stop().unwrap(), Some(Exit::Code(70)));
}

#[test]
fn an_entry_the_worker_cannot_parse_is_an_error_and_the_worker_lives_on() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzAccept");
    let pid = w.pid();
    let err = w.run(b"not a corpus entry").unwrap_err();
    assert_eq!(err.kind(), gofuzz_shm::ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("could not run the entry"), "{err}");
    assert_eq!(w.pid(), pid);
    assert_eq!(w.run(&bytes_entry("x")).unwrap().outcome, Outcome::Ok);
    // Too large for the region: nothing is sent.
    let big = vec![b'x'; w.region().capacity() + 1];
    let err = w.run(&big).unwrap_err();
    assert_eq!(err.kind(), gofuzz_shm::ErrorKind::TooLarge);
}

#[test]
fn start_failures_say_why() {
    if !have_go() {
        return;
    }
    use gofuzz_shm::worker::Worker;
    use gofuzz_shm::ErrorKind;
    let message = |options| {
        let err = Worker::start(options).unwrap_err();
        (err.kind(), err.to_string())
    };

    let (kind, text) = message(options("FuzzNope"));
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(text.contains("has no fuzz target named FuzzNope"), "{text}");
    assert!(
        text.contains("FuzzAccept, FuzzBehave"),
        "lists the targets: {text}"
    );

    let (kind, text) = message(options("FuzzFailsEarly"));
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(text.contains("failed before calling F.Fuzz"), "{text}");
    assert!(
        text.contains("setup failed on purpose"),
        "shows the test's own message: {text}"
    );

    let mut not_a_test = options("FuzzAccept");
    not_a_test.binary = "/bin/true".into();
    let (kind, text) = message(not_a_test);
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(text.contains("without answering the ping"), "{text}");
    assert!(text.contains("not a Go test binary"), "{text}");

    let mut missing = options("FuzzAccept");
    missing.binary = "/nonexistent/pkg.test".into();
    let (kind, text) = message(missing);
    assert_eq!(kind, ErrorKind::Io);
    assert!(text.contains("/nonexistent/pkg.test"), "{text}");

    let (kind, text) = message(options("Fuzz.*"));
    assert_eq!(kind, ErrorKind::InvalidArgument);
    assert!(text.contains("not a Go identifier"), "{text}");
}

#[test]
fn a_death_is_seen_even_when_a_child_of_the_worker_holds_its_pipes() {
    if !have_go() {
        return;
    }
    let mut w = start("FuzzBehave");
    let r = w.run(&bytes_entry("orphan")).unwrap();
    assert_eq!(
        (r.outcome, r.exit),
        (Outcome::WorkerDied, Some(Exit::Code(5))),
        "{}",
        r.message
    );
    let pid: libc::pid_t = r
        .message
        .split("grandchild ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no grandchild pid in {}", r.message));
    // SAFETY: kill(2) of the worker's orphaned child, which the target started for this test.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(w.run(&bytes_entry("fine")).unwrap().outcome, Outcome::Ok);
}

#[test]
fn a_worker_that_died_between_calls_is_replaced_without_blaming_the_next_input() {
    if !have_go() {
        return;
    }
    // A C host keeps SIGPIPE's default action (Rust's runtime ignores it): writing the call
    // to the dead worker's pipe must not kill this process.
    // SAFETY: setting a signal disposition; no handler is involved.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let mut w = start("FuzzBehave");
    let pid = w.pid().unwrap() as libc::pid_t;
    // SAFETY: SIGKILL to our own worker, then waitid with WNOWAIT, which waits for its exit
    // but leaves it to the library to reap.
    unsafe {
        assert_eq!(libc::kill(pid, libc::SIGKILL), 0);
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let flags = libc::WEXITED | libc::WNOWAIT;
        assert_eq!(
            libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags),
            0
        );
    }
    let r = w.run(&bytes_entry("fine")).unwrap();
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.message);
    assert_eq!(w.restarts(), 1);
    assert_ne!(w.pid(), Some(pid as u32));
}

#[test]
fn a_large_entry() {
    if !have_go() {
        return;
    }
    use gofuzz_shm::corpus::{encode, Value};
    // Go parses a 2 MiB entry (about 8 MB of Go literal) in a fraction of a second, but on a
    // loaded machine that has taken over the usual 3 s guard: this test is about size, so its
    // hang guard is generous.
    let mut options = options("FuzzAccept");
    options.timeout = std::time::Duration::from_secs(60);
    let mut w = gofuzz_shm::worker::Worker::start(options).unwrap();
    let data: Vec<u8> = (0..2u32 << 20).map(|i| (i % 251) as u8).collect();
    let entry = encode(&[Value::Bytes(data)]);
    let r = w.run(&entry).unwrap();
    assert_eq!(r.outcome, Outcome::Ok, "{}", r.message);
    assert_eq!(r.entry.len(), entry.len());
}

#[test]
fn arguments_and_working_directory_reach_the_worker() {
    if !have_go() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut options = options("FuzzBehave");
    options.args = vec!["-test.v=false".into(), "extra".into()];
    options.dir = Some(dir.path().to_path_buf());
    let mut w = gofuzz_shm::worker::Worker::start(options).unwrap();
    let r = w.run(&bytes_entry("whereami")).unwrap();
    assert_eq!(r.outcome, Outcome::Crash);
    let cwd = dir.path().canonicalize().unwrap();
    assert!(
        r.message.contains(&format!("cwd={}", cwd.display())),
        "{}",
        r.message
    );
    // Go's coordinator's flags first (anchored target), then ours.
    assert!(
        r.message
            .contains("\"-test.fuzzworker\" \"-test.paniconexit0\""),
        "{}",
        r.message
    );
    assert!(
        r.message
            .contains("\"-test.fuzz=^FuzzBehave$\" \"-test.v=false\" \"extra\"]"),
        "{}",
        r.message
    );
}

/// The counter count is read from the binary at start, before any input (and so also when the
/// first inputs fail, whose answers carry no counters), and agrees with what the worker
/// reports: for the usual build, a stripped one (no symbol table: the section's size), an
/// externally linked one, and a build without counters.
#[test]
fn the_counter_count_is_known_before_any_run_and_agrees_with_the_worker() {
    if !have_go() {
        return;
    }
    let stripped = build_with("fuzz-stripped", true, &["-ldflags=-s -w"]);
    let external = build_with("fuzz-external", true, &["-ldflags=-linkmode=external"]);
    let mut counts = Vec::new();
    for binary in [fuzz_binary(), &stripped, &external, plain_binary()] {
        let mut options = options("FuzzBehave");
        options.binary = binary.to_path_buf();
        let mut w = Worker::start(options).unwrap();
        let known = w.coverage_len();
        // A failing first input does not change it.
        assert_eq!(
            w.run(&bytes_entry("fatal")).unwrap().outcome,
            Outcome::Crash
        );
        assert_eq!(w.coverage_len(), known, "{}", binary.display());
        let r = w.run(&bytes_entry("fine")).unwrap();
        assert_eq!(r.outcome, Outcome::Ok);
        assert_eq!(known, Some(r.coverage.len()), "{}", binary.display());
        counts.push(r.coverage.len());
        w.stop().unwrap();
    }
    assert!(counts[0] > 0, "{counts:?}");
    assert_eq!(counts[..3], [counts[0]; 3], "same code, same counters");
    assert_eq!(counts[3], 0, "a plain build has none");
}
