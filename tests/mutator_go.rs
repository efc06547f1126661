//! The mutator against Go's own (internal/fuzz's newMutator, (*pcgRand).restore and
//! (*mutator).mutate, reached from go-interop/mutator-check through go:linkname): the same
//! (entry, randState, randInc, count, maxBytes) must give the same values (and, with the
//! machine's Go, the same encoded entry, byte for byte), or a panic in Go where ours reports an
//! error — over 100,000 cases covering all 17 kinds, entries of
//! one to six values, the real region capacity (Go's 100 MiB) and small capacities that make
//! the size limits bite.
//!
//! - `go_mutator_matches_ours`: the Go on PATH.
//! - `go_1_18_mutator_matches_ours`: Go 1.18.10, the first release with native fuzzing,
//!   fetched through the module proxy (`GOTOOLCHAIN=go1.18.10`).
//!
//! These tests need `go` on PATH (and, for 1.18.10, the module proxy). Without them they print
//! a loud notice and pass, unless GOFUZZSHM_REQUIRE_GO=1 is set (as in CI): then they fail.

mod corpus_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use corpus_support::{edge_values, hex, random_value, unhex, Rng, KINDS};
use gofuzz_shm::corpus::{decode, encode, Value};
use gofuzz_shm::mutator::rebuild;
use gofuzz_shm::GO_WORKER_VALUE_CAPACITY;

const CASES: usize = 100_000;

fn required() -> bool {
    std::env::var("GOFUZZSHM_REQUIRE_GO").is_ok_and(|v| v == "1")
}

fn skip(why: &str) {
    assert!(!required(), "GOFUZZSHM_REQUIRE_GO=1 but {why}");
    eprintln!(
        "\n********************************************************************\n\
         ** SKIPPED: {why}\n\
         ** The mutator was NOT checked against Go's own mutator.          **\n\
         ********************************************************************\n"
    );
}

fn go() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("go"))
            .find(|p| p.is_file())
    })
}

fn show(out: &Output) -> String {
    format!(
        "status {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Builds the oracle with `toolchain` (a GOTOOLCHAIN value); `None` when the toolchain cannot
/// be had (the reason is in the error).
fn build_oracle(go: &Path, toolchain: &str, out: &Path) -> Result<(), String> {
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("go-interop/mutator-check");
    let go_cmd = |args: &[&str]| {
        let mut cmd = Command::new(go);
        cmd.current_dir(&module)
            .env("GOWORK", "off")
            .env("GOTOOLCHAIN", toolchain)
            .env("GOFLAGS", "-mod=mod")
            .args(args);
        cmd
    };
    let version = go_cmd(&["env", "GOVERSION"])
        .output()
        .map_err(|e| format!("cannot run go: {e}"))?;
    if !version.status.success() {
        return Err(format!("no Go toolchain {toolchain}: {}", show(&version)));
    }
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let minor: u32 = version
        .strip_prefix("go1.")
        .and_then(|rest| rest.split(['.', 'r', 'b']).next())
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| format!("unexpected Go version {version:?}"))?;
    let mut args = vec!["test", "-c", "-o", out.to_str().unwrap()];
    // Go 1.23+ refuses go:linkname pulls of standard-library internals without this flag;
    // older linkers do not know it.
    if minor >= 23 {
        args.push("-ldflags=-checklinkname=0");
    }
    args.push(".");
    let built = go_cmd(&args).output().map_err(|e| e.to_string())?;
    assert!(
        built.status.success(),
        "building the mutator oracle with {version}: {}",
        show(&built)
    );
    eprintln!("mutator oracle built with {version}");
    Ok(())
}

/// A `[]byte`/`string` value for the mutator: lengths around every mutator's threshold (0, 1,
/// 2, 4, 8) most of the time, sometimes long.
fn mutator_bytes(rng: &mut Rng) -> Vec<u8> {
    let len = match rng.below(10) {
        0..=5 => rng.below(12) as usize,
        6..=8 => rng.below(80) as usize,
        _ => rng.below(3000) as usize,
    };
    let printable = rng.chance(2);
    (0..len)
        .map(|_| {
            if printable {
                0x20 + rng.below(0x5f) as u8
            } else {
                rng.next_u64() as u8
            }
        })
        .collect()
}

struct Case {
    entry: Vec<Value>,
    state: u64,
    inc: u64,
    count: i64,
    max_bytes: usize,
}

fn cases(seed: u64) -> Vec<Case> {
    let edges: Vec<Vec<Value>> = (0..KINDS.len()).map(edge_values).collect();
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(CASES);
    for _ in 0..CASES {
        let n = match rng.below(10) {
            0..=3 => 1,
            4..=5 => 2,
            6..=7 => 3,
            _ => 4 + rng.below(3) as usize,
        };
        let entry: Vec<Value> = (0..n)
            .map(|_| {
                let kind = rng.index(KINDS.len());
                match (kind, rng.below(4)) {
                    (0, 0..=2) => Value::Bytes(mutator_bytes(&mut rng)),
                    (1, 0..=2) => Value::String(mutator_bytes(&mut rng)),
                    (_, 0) => edges[kind][rng.index(edges[kind].len())].clone(),
                    _ => random_value(&mut rng, kind),
                }
            })
            .collect();
        let longest = entry
            .iter()
            .map(|v| match v {
                Value::Bytes(b) | Value::String(b) => b.len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        // Mostly the real capacity; else one that leaves a few bytes of room (the size checks
        // of the growing mutators decide), or none (Go panics on a value over its limit). At
        // least 2 bytes per value: with less, Go's mutator loops forever on an empty value.
        let max_bytes = match rng.below(10) {
            0..=6 => GO_WORKER_VALUE_CAPACITY,
            7..=8 => n * (100 + longest + 2 + rng.below(40) as usize),
            _ => n * (100 + longest.max(3) - 1),
        };
        let count = match rng.below(20) {
            0 => 0,
            1 => rng.below(1 << 40) as i64,
            2..=7 => 6 + rng.below(100) as i64,
            _ => 1 + rng.below(5) as i64,
        };
        let state = rng.next_u64();
        // A worker's increment is always odd; try a few even ones too.
        let inc = if rng.chance(50) {
            rng.next_u64()
        } else {
            rng.next_u64() | 1
        };
        out.push(Case {
            entry,
            state,
            inc,
            count,
            max_bytes,
        });
    }
    out
}

fn compare_with(toolchain: &str, seed: u64) {
    let Some(go) = go() else {
        return skip("no `go` on PATH");
    };
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("mutator-oracle.test");
    if let Err(why) = build_oracle(&go, toolchain, &bin) {
        return skip(&why);
    }
    let cases = cases(seed);
    let mut kinds = [0usize; 17];
    let mut multi = 0;
    let mut requests = String::new();
    for c in &cases {
        for v in &c.entry {
            kinds[KINDS.iter().position(|k| *k == v.type_name()).unwrap()] += 1;
        }
        multi += usize::from(c.entry.len() > 1);
        requests.push_str(&format!(
            "{:x} {:x} {} {} {}\n",
            c.state,
            c.inc,
            c.count,
            c.max_bytes,
            hex(&encode(&c.entry))
        ));
    }
    assert!(kinds.iter().all(|&k| k > 1000), "every kind is covered");
    assert!(multi > CASES / 2, "multi-value entries are covered");

    let req = dir.path().join("requests");
    let resp = dir.path().join("responses");
    fs::write(&req, requests).unwrap();
    let out = Command::new(&bin)
        .arg("-test.run=^TestOracle$")
        .env("MUTATOR_ORACLE_IN", &req)
        .env("MUTATOR_ORACLE_OUT", &resp)
        .output()
        .expect("run the mutator oracle");
    assert!(out.status.success(), "mutator oracle: {}", show(&out));
    let text = fs::read_to_string(&resp).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), cases.len(), "the oracle answered every case");

    let (mut differences, mut panics) = (Vec::new(), 0);
    for (i, (c, go_line)) in cases.iter().zip(&lines).enumerate() {
        let ours = rebuild(&c.entry, c.state, c.inc, c.count, c.max_bytes);
        let agree = match &ours {
            // The values must be the same; the encoded bytes too with the machine's Go
            // (older releases quote some characters differently, e.g. 1.18 writes '\u007f'
            // where newer ones write '\x7f', and their Unicode tables are older).
            Ok(values) => {
                let go_values = decode(&unhex(go_line)).ok();
                let normalized: Vec<Value> = values.iter().map(Value::normalized).collect();
                go_values.as_ref() == Some(&normalized)
                    && (toolchain != "local" || *go_line == hex(&encode(values)))
            }
            Err(_) => go_line.starts_with("panic "),
        };
        panics += usize::from(go_line.starts_with("panic "));
        if !agree && differences.len() < 5 {
            differences.push(format!(
                "case {i}: entry {:?} state {:x} inc {:x} count {} max_bytes {}\n  Go:   {}\n  ours: {:?}",
                String::from_utf8_lossy(&encode(&c.entry)),
                c.state,
                c.inc,
                c.count,
                c.max_bytes,
                go_line,
                ours.map(|v| String::from_utf8_lossy(&encode(&v)).into_owned())
            ));
        }
    }
    eprintln!(
        "{} cases, {multi} with several values, {panics} where Go panics; values per kind: {kinds:?}",
        cases.len()
    );
    assert!(panics > 0, "the over-the-limit cases reach Go's panic");
    assert!(
        differences.is_empty(),
        "our mutator differs from Go's ({toolchain}):\n{}",
        differences.join("\n")
    );
}

#[test]
fn go_mutator_matches_ours() {
    compare_with("local", 0x6d75_7461_746f_7201);
}

#[test]
fn go_1_18_mutator_matches_ours() {
    compare_with("go1.18.10", 0x6d75_7461_746f_7202);
}
