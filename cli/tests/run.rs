//! `gofuzz-shm run` against real Go fuzz workers: exit statuses, JSON records, crash files
//! that `go test` reproduces, Go's own corpus and cache directories, timeouts and progress.
#![cfg(target_os = "linux")]

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value as Json;

/// Writes `name` → `content` files into `dir` and returns its path as a string.
fn corpus_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> String {
    fs::create_dir_all(dir).unwrap();
    for (name, content) in files {
        fs::write(dir.join(name), content).unwrap();
    }
    dir.to_str().unwrap().to_owned()
}

fn json_lines(stdout: &str) -> Vec<Json> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

fn record<'a>(records: &'a [Json], file: &str) -> &'a Json {
    records
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no record for {file} in {records:?}"))
}

#[test]
fn nothing_failing_exits_0_with_a_json_record_per_input() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus_dir(
        &tmp.path().join("in"),
        &[
            ("a", bytes_entry("apple pie")),
            ("b", bytes_entry("12345")),
            ("c", bytes_entry("")),
        ],
    );
    let crash_dir = tmp.path().join("crashers");
    let r = run_cli(&[
        "run",
        "--bin",
        targets_binary().to_str().unwrap(),
        "--target",
        "FuzzAccept",
        "--json",
        "--crash-dir",
        crash_dir.to_str().unwrap(),
        &inputs,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let records = json_lines(&r.stdout);
    assert_eq!(records.len(), 3, "{}", r.stdout);
    // In name order, each with every field.
    let paths: Vec<&str> = records
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            format!("{inputs}/a"),
            format!("{inputs}/b"),
            format!("{inputs}/c")
        ]
    );
    let mut hits = Vec::new();
    for rec in &records {
        assert_eq!(rec["outcome"], "ok", "{rec}");
        assert_eq!(rec["message"], "");
        assert_eq!(rec["crash_file"], Json::Null);
        assert_eq!(
            (&rec["exit_code"], &rec["signal"]),
            (&Json::Null, &Json::Null)
        );
        assert!(rec["duration_ns"].as_u64().unwrap() > 0, "{rec}");
        let total = rec["coverage_counters"].as_u64().unwrap();
        let hit = rec["coverage_counters_hit"].as_u64().unwrap();
        assert!(hit > 0 && hit < total, "{rec}");
        hits.push(hit);
    }
    // The empty input returns at Classify's first branch: fewer counters than the others.
    assert!(hits[2] < hits[0] && hits[2] < hits[1], "{hits:?}");
    assert!(!crash_dir.exists(), "no crash, no crash directory");
    // The summary goes to stderr with --json.
    assert!(
        r.stderr.contains("3 inputs in ")
            && r.stderr
                .contains("3 ok, 0 crashed, 0 worker died, 0 timed out, 0 invalid"),
        "{}",
        r.stderr
    );
}

#[test]
fn failing_inputs_exit_1_and_go_test_reproduces_the_crash_files() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus_dir(
        &tmp.path().join("in"),
        &[
            ("1-fine", bytes_entry("fine")),
            ("2-fatal", bytes_entry("fatal")),
            ("3-panic", bytes_entry("panic")),
            ("4-exit3", bytes_entry("exit3")),
            ("5-after", bytes_entry("after")),
        ],
    );
    let raw_input = tmp.path().join("raw-fatal");
    fs::write(&raw_input, "fatal").unwrap();
    let crash_dir = tmp.path().join("crashers");
    let bin = targets_binary().to_str().unwrap();
    let crash = crash_dir.to_str().unwrap();
    let common = [
        "run",
        "--bin",
        bin,
        "--target",
        "FuzzBehave",
        "--crash-dir",
        crash,
    ];

    let r = ran(cli()
        .args(common)
        .args(["--json", &inputs])
        .output()
        .unwrap());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let records = json_lines(&r.stdout);
    assert_eq!(records.len(), 5);
    let fatal = record(&records, "2-fatal");
    assert_eq!(fatal["outcome"], "crash");
    assert!(fatal["message"]
        .as_str()
        .unwrap()
        .contains("rejected input \"fatal\""));
    assert_eq!(fatal["coverage_counters_hit"], 0);
    let panic = record(&records, "3-panic");
    assert_eq!(panic["outcome"], "crash");
    assert!(panic["message"]
        .as_str()
        .unwrap()
        .contains("panic: boom: panic"));
    let exit3 = record(&records, "4-exit3");
    assert_eq!(exit3["outcome"], "worker_died");
    assert_eq!(exit3["exit_code"], 3);
    assert!(exit3["message"].as_str().unwrap().contains("exit code 3"));
    // The worker came back after its death.
    assert_eq!(record(&records, "5-after")["outcome"], "ok");
    assert_eq!(record(&records, "1-fine")["crash_file"], Json::Null);
    assert!(r
        .stderr
        .contains("2 ok, 2 crashed, 1 worker died, 0 timed out, 0 invalid"));

    // Each failing input is in the crash directory, byte for byte, under Go's kind of name.
    let mut saved = Vec::new();
    for (file, want) in [
        ("2-fatal", "fatal"),
        ("3-panic", "panic"),
        ("4-exit3", "exit3"),
    ] {
        let path = record(&records, file)["crash_file"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(fs::read(&path).unwrap(), bytes_entry(want), "{path}");
        let name = Path::new(&path)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
        saved.push((name, want));
    }
    assert_eq!(fs::read_dir(&crash_dir).unwrap().count(), 3);

    // --raw: the file is the []byte itself; the crash file is its corpus entry. Without
    // --json, the report goes to stdout.
    let r = ran(cli()
        .args(common)
        .args(["--raw", raw_input.to_str().unwrap()])
        .output()
        .unwrap());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("CRASH {}", raw_input.display())),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("rejected input \"fatal\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("go test -run=FuzzBehave/"),
        "{}",
        r.stdout
    );
    // The same entry as the corpus file "fatal": the same name, still three files.
    assert_eq!(fs::read_dir(&crash_dir).unwrap().count(), 3);

    // A panic's goroutine stack is cut short in the text report, whole with --verbose.
    let panic_file = format!("{inputs}/3-panic");
    let r = ran(cli().args(common).arg(&panic_file).output().unwrap());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("panic: boom: panic"), "{}", r.stdout);
    assert!(r.stdout.contains("[goroutine stack: "), "{}", r.stdout);
    assert!(!r.stdout.contains("runtime/debug.Stack()"), "{}", r.stdout);
    let r = ran(cli()
        .args(common)
        .args(["-v", &panic_file])
        .output()
        .unwrap());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("runtime/debug.Stack()"), "{}", r.stdout);

    // Copied into the package's testdata/fuzz/FuzzBehave/, `go test -run=FuzzBehave/<file>`
    // fails the way the worker did; a passing input passes (so the check can fail).
    let pkg = tmp.path().join("pkg");
    copy_package(&gotargets_dir(), &pkg);
    let corpus = pkg.join("testdata/fuzz/FuzzBehave");
    fs::create_dir_all(&corpus).unwrap();
    for (name, _) in &saved {
        fs::copy(crash_dir.join(name), corpus.join(name)).unwrap();
    }
    fs::write(corpus.join("passing"), bytes_entry("fine")).unwrap();
    let go_test = |name: &str| {
        let out = go()
            .current_dir(&pkg)
            .args(["test", "-count=1", &format!("-run=FuzzBehave/{name}"), "."])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    for (name, input) in &saved {
        let (ok, text) = go_test(name);
        assert!(!ok, "go test passed on crasher {name} ({input}):\n{text}");
        let expected = match *input {
            "fatal" => format!("--- FAIL: FuzzBehave/{name}"),
            "panic" => "panic: boom: panic".to_owned(),
            _ => "exit status 3".to_owned(),
        };
        assert!(
            text.contains(&expected),
            "{input}: want {expected:?} in:\n{text}"
        );
    }
    let (ok, text) = go_test("passing");
    assert!(ok && text.contains("ok "), "{text}");
}

#[test]
fn go_fuzz_crashers_and_cache_directories_replay_and_keep_their_go_names() {
    if !have_go() {
        return;
    }
    // Let Go's own coordinator find FuzzShallow's bug: it writes the crasher to
    // testdata/fuzz/FuzzShallow/<name> and interesting inputs to its cache directory.
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("pkg");
    copy_package(&gotargets_dir(), &pkg);
    let cache = tmp.path().join("gocache");
    let out = fs::canonicalize(targets_binary()).unwrap();
    let status = std::process::Command::new(&out)
        .current_dir(&pkg)
        .arg("-test.run=^FuzzShallow$")
        .arg("-test.fuzz=^FuzzShallow$")
        .arg(format!("-test.fuzzcachedir={}", cache.display()))
        .arg("-test.fuzztime=60s")
        .arg("-test.parallel=1")
        .output()
        .unwrap();
    assert!(!status.status.success(), "Go's fuzzer found nothing");
    let go_dir = pkg.join("testdata/fuzz/FuzzShallow");
    let go_names: Vec<String> = fs::read_dir(&go_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(go_names.len(), 1, "{go_names:?}");
    let cache_dir = cache.join("FuzzShallow");

    let crash_dir = tmp.path().join("crashers");
    let mut command = cli();
    command.args([
        "run",
        "--bin",
        out.to_str().unwrap(),
        "--target",
        "FuzzShallow",
        "--json",
    ]);
    command.arg("--crash-dir").arg(&crash_dir).arg(&go_dir);
    if cache_dir.is_dir() {
        command.arg(&cache_dir);
    }
    let r = ran(command.output().unwrap());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let records = json_lines(&r.stdout);
    let crash = record(&records, &go_names[0]);
    assert_eq!(crash["outcome"], "crash", "{crash}");
    assert!(crash["message"].as_str().unwrap().contains("planted bug"));
    // Our crash file has the name Go gave the same input.
    assert_eq!(
        Path::new(crash["crash_file"].as_str().unwrap())
            .file_name()
            .unwrap(),
        go_names[0].as_str()
    );
    // The cache holds inputs that found new coverage without failing.
    for rec in records
        .iter()
        .filter(|r| r["path"].as_str().unwrap().contains("gocache"))
    {
        assert_eq!(rec["outcome"], "ok", "{rec}");
    }
}

#[test]
fn a_hang_times_out_the_worker_comes_back_and_progress_is_shown() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus_dir(
        &tmp.path().join("in"),
        &[
            ("1-hang", bytes_entry("hang")),
            ("2-fine", bytes_entry("fine")),
        ],
    );
    let crash_dir = tmp.path().join("crashers");
    let r = run_cli(&[
        "run",
        "--bin",
        targets_binary().to_str().unwrap(),
        "--target",
        "FuzzBehave",
        "--timeout",
        "2s",
        "--json",
        "--crash-dir",
        crash_dir.to_str().unwrap(),
        &inputs,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let records = json_lines(&r.stdout);
    let hang = record(&records, "1-hang");
    assert_eq!(hang["outcome"], "timeout", "{hang}");
    assert_eq!(hang["signal"], 9);
    assert!(hang["duration_ns"].as_u64().unwrap() >= 2_000_000_000);
    assert!(Path::new(hang["crash_file"].as_str().unwrap()).is_file());
    assert_eq!(record(&records, "2-fine")["outcome"], "ok");
    // The hang took two seconds, so progress was reported after it (stderr is not a
    // terminal here: whole lines).
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("gofuzz-shm: 1/2 inputs, ")
                && l.ends_with(" inputs/s, 1 failing")),
        "{}",
        r.stderr
    );
    // --quiet: no progress.
    let r = run_cli(&[
        "run",
        "--bin",
        targets_binary().to_str().unwrap(),
        "--target",
        "FuzzBehave",
        "--timeout",
        "2s",
        "--quiet",
        "--crash-dir",
        crash_dir.to_str().unwrap(),
        &inputs,
    ]);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("1/2 inputs"), "{}", r.stderr);
    assert!(r.stdout.contains("TIMEOUT "), "{}", r.stdout);
}

#[test]
fn an_interrupt_stops_between_inputs_cleans_up_and_exits_130() {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;

    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus_dir(
        &tmp.path().join("in"),
        &[
            ("1-fine", bytes_entry("fine")),
            ("2-hang", bytes_entry("hang")),
            ("3-fine", bytes_entry("fine")),
        ],
    );
    let crash_dir = tmp.path().join("crashers");
    // Nothing may appear in TMPDIR (the worker's region is a memfd): it must stay empty.
    let private_tmp = tmp.path().join("tmp");
    fs::create_dir(&private_tmp).unwrap();
    // SIGINT to the command alone (kill), and to its process group as a terminal's Ctrl-C
    // sends it (then Go's worker gets it too, and exits).
    for to_group in [false, true] {
        let mut command = cli();
        command
            .args(["run", "--bin", targets_binary().to_str().unwrap()])
            .args([
                "--target",
                "FuzzBehave",
                "--json",
                "--timeout",
                "3s",
                "--crash-dir",
            ])
            .arg(&crash_dir)
            .arg(&inputs)
            .env("TMPDIR", &private_tmp)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if to_group {
            command.process_group(0);
        }
        let mut child = command.spawn().unwrap();
        // The first record is out once 1-fine has run: the command is then past it, at or
        // in the hang.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(
            first.contains("1-fine") && first.contains("\"ok\""),
            "{first}"
        );
        let pid = i32::try_from(child.id()).unwrap();
        // SAFETY: plain kill(2) on our own child (or its process group).
        let sent = unsafe { libc::kill(if to_group { -pid } else { pid }, libc::SIGINT) };
        assert_eq!(sent, 0);
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let r = ran(child.wait_with_output().unwrap());
        assert_eq!(r.code, 130, "group {to_group}: {}", r.stderr);
        // Neither the cut-short hang nor the input after it is reported.
        assert_eq!(rest, "", "group {to_group}");
        assert!(
            r.stderr
                .contains("gofuzz-shm: interrupted: stopped after 1 of 3 inputs"),
            "group {to_group}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("1 input in "), "{}", r.stderr);
        assert!(
            !crash_dir.exists(),
            "group {to_group}: a crash file for the interrupted call"
        );
        let left: Vec<_> = fs::read_dir(&private_tmp).unwrap().collect();
        assert!(
            left.is_empty(),
            "group {to_group}: left in TMPDIR: {left:?}"
        );
    }
}

#[test]
fn inputs_that_are_not_corpus_entries_are_reported_and_the_rest_runs() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus_dir(
        &tmp.path().join("in"),
        &[
            ("1-garbage", b"just some bytes\n".to_vec()),
            ("2-badline", b"go test fuzz v1\n[]byte(\"x)\n".to_vec()),
            ("3-fine", bytes_entry("fine")),
        ],
    );
    // A subdirectory is skipped, as Go skips it in a corpus directory.
    fs::create_dir(Path::new(&inputs).join("sub")).unwrap();
    let crash_dir = tmp.path().join("crashers");
    let bin = targets_binary().to_str().unwrap();
    let args = [
        "run",
        "--bin",
        bin,
        "--target",
        "FuzzBehave",
        "--json",
        "--crash-dir",
    ];
    let r = ran(cli()
        .args(args)
        .arg(&crash_dir)
        .arg(&inputs)
        .output()
        .unwrap());
    // Nothing failed, but not every input could be run: 2.
    assert_eq!(r.code, 2, "{}", r.stderr);
    let records = json_lines(&r.stdout);
    assert_eq!(records.len(), 3);
    let garbage = record(&records, "1-garbage");
    assert_eq!(garbage["outcome"], "invalid");
    assert!(garbage["message"]
        .as_str()
        .unwrap()
        .contains("unknown encoding version"));
    let bad = record(&records, "2-badline");
    assert!(
        bad["message"].as_str().unwrap().contains("corpus line 2"),
        "{bad}"
    );
    assert_eq!(record(&records, "3-fine")["outcome"], "ok");
    // One line per bad input on stderr, naming the file.
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("1-garbage"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(lines[0].starts_with("gofuzz-shm: input "), "{}", lines[0]);

    // With a failing input too, the status is 1.
    fs::write(Path::new(&inputs).join("4-fatal"), bytes_entry("fatal")).unwrap();
    let r = ran(cli()
        .args(args)
        .arg(&crash_dir)
        .arg(&inputs)
        .output()
        .unwrap());
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn usage_and_setup_errors_exit_2_with_one_line_that_says_why() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    fs::write(&input, bytes_entry("fine")).unwrap();
    let input = input.to_str().unwrap();
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let not_a_dir = tmp.path().join("file");
    fs::write(&not_a_dir, "").unwrap();
    let bin = targets_binary().to_str().unwrap();
    let missing = tmp.path().join("missing.test");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run"], "required arguments were not provided"),
        (vec!["run", "--bin", bin, input], "--target"),
        (
            vec!["run", "--bin", bin, "--target", "FuzzBehave"],
            "FILE-OR-DIR",
        ),
        (
            vec![
                "run",
                "--bin",
                bin,
                "--target",
                "FuzzBehave",
                "--timeout",
                "10",
                input,
            ],
            "lacks a unit",
        ),
        (
            vec![
                "run",
                "--bin",
                missing.to_str().unwrap(),
                "--target",
                "FuzzBehave",
                input,
            ],
            "missing.test: No such file or directory",
        ),
        (
            vec!["run", "--bin", "/bin/true", "--target", "FuzzBehave", input],
            "without answering the ping",
        ),
        (
            vec!["run", "--bin", bin, "--target", "FuzzNope", input],
            "has no fuzz target named FuzzNope (its fuzz targets: FuzzAccept, FuzzBehave",
        ),
        (
            vec!["run", "--bin", bin, "--target", "Fuzz-Bad", input],
            "is not a Go identifier",
        ),
        (
            vec!["run", "--bin", bin, "--target", "FuzzFailsEarly", input],
            "failed before calling F.Fuzz",
        ),
        (
            vec![
                "run",
                "--bin",
                bin,
                "--target",
                "FuzzBehave",
                "/nonexistent/input",
            ],
            "input /nonexistent/input: No such file or directory",
        ),
        (
            vec![
                "run",
                "--bin",
                bin,
                "--target",
                "FuzzBehave",
                empty.to_str().unwrap(),
            ],
            "no input files",
        ),
        (
            vec![
                "run",
                "--bin",
                bin,
                "--target",
                "FuzzBehave",
                "--workdir",
                "/nonexistent",
                input,
            ],
            "--workdir /nonexistent: not a directory",
        ),
        (vec!["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, why) in cases {
        let r = run_cli(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        // One line from us ("gofuzz-shm: ..."), or clap's usage error ("error: ..." with
        // the usage below it).
        let first = r.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("gofuzz-shm: ") || first.starts_with("error: "),
            "{args:?}: {}",
            r.stderr
        );
        let said = if first.starts_with("error: ") {
            &r.stderr[..]
        } else {
            first
        };
        assert!(
            said.contains(why),
            "{args:?}: want {why:?} in:\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }

    // A crash directory that cannot be created ends the run when the first input fails.
    let fatal = tmp.path().join("fatal");
    fs::write(&fatal, bytes_entry("fatal")).unwrap();
    let r = ran(cli()
        .args(["run", "--bin", bin, "--target", "FuzzBehave", "--crash-dir"])
        .arg(not_a_dir.join("sub"))
        .arg(&fatal)
        .output()
        .unwrap());
    assert_eq!(r.code, 2, "{}", r.stderr);
    let last = r.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("gofuzz-shm: create directory ") && last.contains("file/sub"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_states_the_exit_statuses() {
    let r = run_cli(&["run", "--help"]);
    assert_eq!(r.code, 0);
    for text in [
        "0    every input ran and none failed",
        "1    an input failed",
        "2    usage or setup error",
        "130  interrupted",
    ] {
        assert!(r.stdout.contains(text), "{}", r.stdout);
    }
    // Only its own: not inspect's.
    assert!(!r.stdout.contains("value_len"), "{}", r.stdout);
    let r = run_cli(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Exit status:") && r.stdout.contains("inspect"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_counter_count_is_in_every_record_from_the_first_even_when_it_fails() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus_dir(
        &tmp.path().join("in"),
        &[
            ("1-invalid", b"not a corpus entry\n".to_vec()),
            ("2-fatal", bytes_entry("fatal")),
            ("3-exit3", bytes_entry("exit3")),
            ("4-fine", bytes_entry("fine")),
        ],
    );
    let r = run_cli(&[
        "run",
        "--bin",
        targets_binary().to_str().unwrap(),
        "--target",
        "FuzzBehave",
        "--json",
        "--crash-dir",
        tmp.path().join("crashers").to_str().unwrap(),
        &inputs,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let records = json_lines(&r.stdout);
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["invalid", "crash", "worker_died", "ok"]);
    // The worker's own count, from the input that succeeded.
    let fine = record(&records, "4-fine");
    let total = fine["coverage_counters"].as_u64().unwrap();
    assert!(total > 0, "{fine}");
    for rec in &records {
        assert_eq!(rec["coverage_counters"].as_u64(), Some(total), "{rec}");
    }
}
