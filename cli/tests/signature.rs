//! `gofuzz-shm run` with argument types: raw engine inputs mapped to typed targets of several
//! shapes (testdata/sigtargets) with --types and --pkg, crash files `go test` reproduces,
//! corpus entries of the wrong types reported invalid, and usage mistakes refused with exit 2
//! instead of reported as crashes.
#![cfg(target_os = "linux")]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use gofuzz_shm::corpus::Value;
use gofuzz_shm::signature::Signature;
use serde_json::Value as Json;

fn sigtargets_dir() -> PathBuf {
    repo_root().join("testdata/sigtargets")
}

fn sigtargets_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| build(&sigtargets_dir(), "sigtargets", "FuzzLiteral"))
}

/// The raw input that maps to `values` under `types`.
fn raw(types: &str, values: &[Value]) -> Vec<u8> {
    Signature::parse(types)
        .unwrap()
        .bytes_from_values(values)
        .unwrap()
}

fn s(text: &str) -> Value {
    Value::String(text.as_bytes().to_vec())
}

fn b(text: &str) -> Value {
    Value::Bytes(text.as_bytes().to_vec())
}

/// Each target with its types and the values of its planted failure.
fn planted() -> Vec<(&'static str, &'static str, Vec<Value>)> {
    vec![
        ("FuzzString", "string", vec![s("fe80::1%zone")]),
        (
            "FuzzLiteral",
            "string,int64,bool",
            vec![s("boom"), Value::Int64(1000), Value::Bool(true)],
        ),
        ("FuzzNamedFunc", "[]byte,uint16", vec![b("named"), Value::Uint16(0xbeef)]),
        (
            "FuzzMethod",
            "uint32,float32,string",
            vec![Value::Uint32(8), Value::Float32(1.5), s("method")],
        ),
        ("FuzzFuncVar", "int8,int16", vec![Value::Int8(-1), Value::Int16(-2)]),
        ("FuzzHelper", "uint64,bool", vec![Value::Uint64(u64::MAX), Value::Bool(true)]),
        (
            "FuzzAliases",
            "byte,uint8,rune,int32,[]byte",
            vec![
                Value::Byte(b'x'),
                Value::Uint8(0xff),
                Value::Rune('é' as i32),
                Value::Int32(-5),
                b("alias"),
            ],
        ),
        (
            "FuzzExternal",
            "float64,[]byte,string",
            vec![Value::Float64(-0.5), b("ext"), s("ernal")],
        ),
        (
            "FuzzAllKinds",
            "[]byte,string,bool,byte,rune,int,int8,int16,int32,int64,uint,uint8,uint16,uint32,uint64,float32,float64",
            vec![
                b("bytes"),
                s("string"),
                Value::Bool(true),
                Value::Byte(b'c'),
                Value::Rune('r' as i32),
                Value::Int(-1),
                Value::Int8(-8),
                Value::Int16(-16),
                Value::Int32(-32),
                Value::Int64(-64),
                Value::Uint(1),
                Value::Uint8(8),
                Value::Uint16(16),
                Value::Uint32(32),
                Value::Uint64(64),
                Value::Float32(3.25),
                Value::Float64(f64::from_bits(0x7ff8_0000_0000_0abc)),
            ],
        ),
    ]
}

fn run_json(target: &str, how: &[&str], files: &[PathBuf], crash_dir: &Path) -> Ran {
    let mut command = cli();
    command
        .args(["run", "--bin"])
        .arg(sigtargets_binary())
        .args(["--target", target, "--json", "--crash-dir"])
        .arg(crash_dir)
        .args(how)
        .args(files);
    ran(command.output().unwrap())
}

fn records(r: &Ran) -> Vec<Json> {
    r.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn raw_inputs_reach_typed_targets_with_types_and_pkg() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pkg = sigtargets_dir();
    for (target, types, values) in planted() {
        let hit = tmp.path().join(format!("{target}-hit"));
        fs::write(&hit, raw(types, &values)).unwrap();
        // The same input with its last byte changed: a near miss, which must pass.
        let mut near = raw(types, &values);
        *near.last_mut().unwrap() ^= 1;
        let miss = tmp.path().join(format!("{target}-miss"));
        fs::write(&miss, near).unwrap();
        let empty = tmp.path().join(format!("{target}-empty"));
        fs::write(&empty, b"").unwrap();
        let files = [miss, hit, empty];
        // --pkg for a few shapes (discovery costs about a second each), --types for all.
        let mut ways = vec![vec!["--raw", "--types", types]];
        if matches!(target, "FuzzString" | "FuzzExternal" | "FuzzAllKinds") {
            ways.push(vec!["--raw", "--pkg", pkg.to_str().unwrap()]);
        }
        for how in ways {
            let crash_dir = tmp.path().join(format!("crashers-{target}-{}", how[1]));
            let r = run_json(target, &how, &files, &crash_dir);
            assert_eq!(r.code, 1, "{target} {how:?}: {}\n{}", r.stdout, r.stderr);
            let recs = records(&r);
            let outcomes: Vec<&str> = recs
                .iter()
                .map(|r| r["outcome"].as_str().unwrap())
                .collect();
            assert_eq!(
                outcomes,
                ["ok", "crash", "ok"],
                "{target} {how:?}: {}",
                r.stdout
            );
            assert!(
                recs[1]["message"]
                    .as_str()
                    .unwrap()
                    .contains("planted failure"),
                "{target}: {}",
                recs[1]["message"]
            );
            // The crash file is the mapped values' corpus entry.
            let saved = fs::read(recs[1]["crash_file"].as_str().unwrap()).unwrap();
            let sig = Signature::parse(types).unwrap();
            assert_eq!(saved, sig.entry_from_bytes(&raw(types, &values)));
        }
    }
}

#[test]
fn go_test_reproduces_a_crash_found_from_raw_bytes() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (target, types, values) = planted().pop().unwrap();
    let input = tmp.path().join("all-kinds");
    fs::write(&input, raw(types, &values)).unwrap();
    let crash_dir = tmp.path().join("crashers");
    let r = run_json(target, &["--raw", "--types", types], &[input], &crash_dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let saved = PathBuf::from(records(&r)[0]["crash_file"].as_str().unwrap());
    let name = saved.file_name().unwrap().to_str().unwrap().to_owned();
    let pkg = tmp.path().join("pkg");
    copy_package(&sigtargets_dir(), &pkg);
    let corpus = pkg.join("testdata/fuzz").join(target);
    fs::create_dir_all(&corpus).unwrap();
    fs::copy(&saved, corpus.join(&name)).unwrap();
    let out = go()
        .current_dir(&pkg)
        .args(["test", &format!("-run={target}/{name}"), "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "go test passed:\n{text}");
    assert!(text.contains("planted failure: every kind"), "{text}");
}

#[test]
fn entries_of_other_types_are_invalid_not_crashes() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = [
        ("1-good", "go test fuzz v1\nstring(\"1.2.3.4\")\n"),
        ("2-two-values", "go test fuzz v1\nstring(\"a\")\nint(1)\n"),
        ("3-bytes", "go test fuzz v1\n[]byte(\"a\")\n"),
        ("4-crash", "go test fuzz v1\nstring(\"fe80::1%zone\")\n"),
    ]
    .iter()
    .map(|(name, text)| {
        let path = tmp.path().join(name);
        fs::write(&path, text).unwrap();
        path
    })
    .collect();
    let crash_dir = tmp.path().join("crashers");
    // Without types: Go's refusal to call the target is recognized in the worker's answer.
    // With them: checked before running, in go test's words.
    for how in [&[][..], &["--types", "string"][..]] {
        let r = run_json("FuzzString", how, &files, &crash_dir);
        assert_eq!(r.code, 1, "{how:?}: {}", r.stderr);
        let recs = records(&r);
        let outcomes: Vec<&str> = recs
            .iter()
            .map(|r| r["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(outcomes, ["ok", "invalid", "invalid", "crash"], "{how:?}");
        let two = recs[1]["message"].as_str().unwrap();
        let bytes = recs[2]["message"].as_str().unwrap();
        if how.is_empty() {
            assert!(
                two.contains("reflect: Call with too many input arguments"),
                "{two}"
            );
            assert!(
                bytes.contains("reflect: Call using []uint8 as type string"),
                "{bytes}"
            );
        } else {
            assert!(
                two.contains("wrong number of values in corpus entry: 2, want 1"),
                "{two}"
            );
            assert!(
                bytes.contains("mismatched types in corpus entry: [[]uint8], want [string]"),
                "{bytes}"
            );
        }
        assert!(r
            .stderr
            .contains("1 ok, 1 crashed, 0 worker died, 0 timed out, 2 invalid"));
    }
    assert_eq!(
        fs::read_dir(&crash_dir).unwrap().count(),
        1,
        "only the real crash is saved"
    );

    // Only invalid entries: exit 2.
    let r = run_json("FuzzString", &[], &files[1..3], &crash_dir);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn usage_mistakes_exit_2_and_say_what_to_pass() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("raw");
    fs::write(&input, "fe80::1%zone").unwrap();
    let crash_dir = tmp.path().join("crashers");
    let bin = sigtargets_binary().to_str().unwrap().to_owned();
    let run = |target: &str, extra: &[&str]| {
        let mut command = cli();
        command
            .args(["run", "--bin", &bin, "--target", target, "--crash-dir"])
            .arg(&crash_dir)
            .args(extra)
            .arg(&input);
        ran(command.output().unwrap())
    };
    let pkg = sigtargets_dir();
    for (target, extra, words) in [
        (
            "FuzzString",
            vec!["--raw"],
            vec!["does not take a lone []byte", "--pkg DIR", "--types LIST"],
        ),
        (
            "FuzzString",
            vec!["--raw", "--types", "int64"],
            vec![
                "does not take int64",
                "reflect: Call using int64 as type string",
            ],
        ),
        (
            "FuzzString",
            vec!["--raw", "--types", "str"],
            vec!["--types", "\"str\""],
        ),
        (
            "FuzzNope",
            vec!["--raw", "--pkg", pkg.to_str().unwrap()],
            vec!["--pkg", "no fuzz target FuzzNope"],
        ),
        (
            "FuzzString",
            vec!["--raw", "--pkg", "/nonexistent/pkg"],
            vec!["--pkg /nonexistent/pkg"],
        ),
    ] {
        let r = run(target, &extra);
        assert_eq!(r.code, 2, "{target} {extra:?}: {}\n{}", r.stdout, r.stderr);
        for word in words {
            assert!(r.stderr.contains(word), "{target} {extra:?}: {}", r.stderr);
        }
        assert!(!r.stdout.contains("CRASH"), "{}", r.stdout);
        assert!(
            !crash_dir.exists(),
            "{target} {extra:?}: a crash file was written"
        );
    }
    // --types and --pkg together: clap refuses.
    let r = run(
        "FuzzString",
        &["--raw", "--types", "string", "--pkg", pkg.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
}

/// net/netip's FuzzParse (a `string` target) from GOROOT: raw files need `--types string`.
#[test]
fn net_netip_fuzz_parse_from_raw_files() {
    if !have_go() {
        return;
    }
    let goroot = go().args(["env", "GOROOT"]).output().unwrap();
    let netip =
        PathBuf::from(String::from_utf8(goroot.stdout).unwrap().trim()).join("src/net/netip");
    // Go refuses -fuzz outside the main module; inside GOROOT/src the main module is std.
    let bin = build(&netip, "netip", "FuzzParse");
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, text) in [
        ("v4", "1.2.3.4"),
        ("v6", "fe80::1%eth0"),
        ("bad", "1.2.3.4.5"),
        ("empty", ""),
    ] {
        let path = tmp.path().join(name);
        fs::write(&path, text).unwrap();
        files.push(path);
    }
    let crash_dir = tmp.path().join("crashers");
    let run = |extra: &[&str]| {
        let mut command = cli();
        command
            .args(["run", "--json", "--target", "FuzzParse", "--bin"])
            .arg(&bin)
            .arg("--workdir")
            .arg(&netip)
            .arg("--crash-dir")
            .arg(&crash_dir)
            .args(extra)
            .args(&files);
        ran(command.output().unwrap())
    };
    let r = run(&["--raw"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("FuzzParse does not take a lone []byte"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = run(&["--raw", "--types", "string"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recs = records(&r);
    assert_eq!(recs.len(), 4);
    for rec in &recs {
        assert_eq!(rec["outcome"], "ok", "{rec}");
        assert!(rec["coverage_counters_hit"].as_u64().unwrap() > 0, "{rec}");
    }
    // Different addresses take different paths through the parser.
    assert_ne!(
        recs[0]["coverage_counters_hit"],
        recs[1]["coverage_counters_hit"]
    );
    assert!(!crash_dir.exists());
}

/// `encode --raw --types` maps an engine input to a Go corpus file; `decode --raw --types`
/// turns a Go corpus file into an engine seed (the inverse).
#[test]
fn encode_and_decode_convert_between_engine_inputs_and_corpus_files() {
    let tmp = tempfile::tempdir().unwrap();
    let types = "string,int64,bool";
    let input = raw(types, &[s("seed"), Value::Int64(-1), Value::Bool(true)]);
    let raw_file = tmp.path().join("input");
    fs::write(&raw_file, &input).unwrap();
    let dir = tmp.path().join("testdata/fuzz/FuzzLiteral");
    let r = run_cli(&[
        "encode",
        "--raw",
        raw_file.to_str().unwrap(),
        "--types",
        types,
        "--to-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = PathBuf::from(r.stdout.trim());
    assert_eq!(
        fs::read(&written).unwrap(),
        b"go test fuzz v1\nstring(\"seed\")\nint64(-1)\nbool(true)\n"
    );
    let r = run_cli(&[
        "decode",
        "--raw",
        "--types",
        types,
        written.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout_bytes, input);
    // An entry of another target: go test's words, exit 2.
    let r = run_cli(&[
        "decode",
        "--raw",
        "--types",
        "string",
        written.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("wrong number of values in corpus entry: 3, want 1"),
        "{}",
        r.stderr
    );
}
