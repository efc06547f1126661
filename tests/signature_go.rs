//! The byte mapping against real Go: entries made by `Signature::entry_from_bytes` for random
//! signatures and random inputs are decoded by Go's own decoder (`internal/fuzz`'s
//! unmarshalCorpusFile, reached through go-interop/corpus-check/oracle), which must accept
//! every one and read exactly the values the mapping gives, type for type, bit for bit.
//!
//! Needs `go` on PATH; without it the test prints a loud notice and passes, unless
//! GOFUZZSHM_REQUIRE_GO=1 is set (as in CI).

mod corpus_support;
mod worker_common;

use std::fs;
use std::path::Path;
use std::process::Command;

use corpus_support::{canon, hex, Rng};
use gofuzz_shm::signature::{Kind, Signature, SEPARATOR};
use worker_common::have_go;

fn build_oracle(dir: &Path) -> std::path::PathBuf {
    let bin = dir.join("oracle.test");
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("go-interop/corpus-check");
    let out = Command::new("go")
        .current_dir(&module)
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .args(["test", "-c", "-ldflags=-checklinkname=0", "-o"])
        .arg(&bin)
        .arg("./oracle")
        .output()
        .expect("run go test -c");
    assert!(
        out.status.success(),
        "go test -c ./oracle: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

fn oracle(bin: &Path, dir: &Path, requests: &[String]) -> Vec<String> {
    let req = dir.join("requests.txt");
    let resp = dir.join("responses.txt");
    fs::write(&req, requests.join("\n") + "\n").unwrap();
    let out = Command::new(bin)
        .current_dir(dir)
        .arg("-test.run=^TestOracle$")
        .env("CORPUS_ORACLE_IN", &req)
        .env("CORPUS_ORACLE_OUT", &resp)
        .output()
        .expect("run the oracle");
    assert!(
        out.status.success(),
        "oracle: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = fs::read_to_string(&resp).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), requests.len());
    lines
}

/// Random inputs with the shapes engines make: short, long, with separators, with NaN bits.
fn random_input(rng: &mut Rng, sig: &Signature) -> Vec<u8> {
    let len = match rng.below(4) {
        0 => rng.index(sig.header_len() + 1),
        1 => sig.header_len() + rng.index(8),
        _ => rng.index(sig.header_len() + 40),
    };
    let mut input: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
    for _ in 0..rng.below(4) {
        let at = rng.index(input.len() + 1);
        input.splice(at..at, SEPARATOR);
    }
    if rng.chance(4) && input.len() >= 8 {
        // A NaN with a payload somewhere in the header.
        let at = rng.index(input.len() - 7);
        let nan = 0x7ff0_0000_0000_0000u64 | (rng.next_u64() & 0x000f_ffff_ffff_ffff) | 1;
        input[at..at + 8].copy_from_slice(&nan.to_le_bytes());
    }
    input
}

#[test]
fn go_decodes_every_mapped_entry_to_the_mapped_values() {
    if !have_go() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = build_oracle(tmp.path());

    let mut signatures: Vec<Signature> = Kind::ALL
        .iter()
        .map(|&k| Signature::new(vec![k]).unwrap())
        .collect();
    signatures.push(Signature::new(Kind::ALL.to_vec()).unwrap());
    let mut rng = Rng::new(0x5167_0001);
    for _ in 0..60 {
        let n = 1 + rng.index(8);
        signatures.push(Signature::new((0..n).map(|_| rng.pick(&Kind::ALL)).collect()).unwrap());
    }
    let mut cases: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, sig) in signatures.iter().enumerate() {
        cases.push((i, Vec::new()));
        cases.push((i, sig.zero_input()));
        for _ in 0..40 {
            cases.push((i, random_input(&mut rng, sig)));
        }
    }
    let requests: Vec<String> = cases
        .iter()
        .map(|(i, input)| format!("U\t{}", hex(&signatures[*i].entry_from_bytes(input))))
        .collect();
    let answers = oracle(&bin, tmp.path(), &requests);
    let mut diffs = Vec::new();
    for ((i, input), theirs) in cases.iter().zip(&answers) {
        let sig = &signatures[*i];
        let ours = std::iter::once("ok".to_owned())
            .chain(sig.values_from_bytes(input).iter().map(canon))
            .collect::<Vec<_>>()
            .join("\t");
        if *theirs != ours {
            diffs.push(format!(
                "{sig} on {}:\n  Go:   {theirs}\n  ours: {ours}",
                hex(input)
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {} entries differ:\n{}",
        diffs.len(),
        cases.len(),
        diffs[..diffs.len().min(10)].join("\n")
    );
    eprintln!(
        "Go decoded {} mapped entries of {} signatures to the mapped values",
        cases.len(),
        signatures.len()
    );
}
