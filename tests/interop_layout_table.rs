//! The Rust per-GOARCH layout table (`layout::GO_LAYOUTS_BY_GOARCH`) must be the Go one in
//! `go-interop/layout/table{32,64}.go`, whose every entry the Go compiler checks against its own
//! layout of the header when `go-interop/run-tests.sh` builds that package for each GOARCH. This
//! test ties the two tables together without needing Go installed.

use std::collections::BTreeMap;
use std::path::Path;

use gofuzz_shm::layout::{GoHeaderLayout, GO_LAYOUTS_BY_GOARCH};

/// Parses one Go table file: the GOARCHes of its `//go:build` line and its `want*` constants.
fn parse_go_table(path: &Path) -> (Vec<String>, GoHeaderLayout) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let build = text
        .lines()
        .find_map(|l| l.strip_prefix("//go:build "))
        .unwrap_or_else(|| panic!("{} has no //go:build line", path.display()));
    let archs: Vec<String> = build.split("||").map(|a| a.trim().to_string()).collect();
    assert!(
        archs
            .iter()
            .all(|a| a.chars().all(|c| c.is_ascii_alphanumeric())),
        "{}: build constraint {build:?} is not a plain list of GOARCHes",
        path.display()
    );

    let mut consts = BTreeMap::new();
    for line in text.lines() {
        if let Some((name, value)) = line.trim().split_once('=') {
            if let Some(field) = name.trim().strip_prefix("want") {
                let value: usize = value
                    .trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("{}: {line:?}: {e}", path.display()));
                consts.insert(field.to_string(), value);
            }
        }
    }
    let get = |name: &str| {
        *consts
            .get(name)
            .unwrap_or_else(|| panic!("{}: no want{name}", path.display()))
    };
    let layout = GoHeaderLayout {
        count: get("Count"),
        value_len: get("ValueLen"),
        rand_state: get("RandState"),
        rand_inc: get("RandInc"),
        raw_in_mem: get("RawInMem"),
        size: get("Size"),
    };
    (archs, layout)
}

#[test]
fn rust_goarch_table_is_the_compiler_checked_go_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("go-interop/layout");
    let mut go: BTreeMap<String, GoHeaderLayout> = BTreeMap::new();
    for file in ["table64.go", "table32.go"] {
        let (archs, layout) = parse_go_table(&dir.join(file));
        for arch in archs {
            assert!(
                go.insert(arch.clone(), layout).is_none(),
                "{arch} is in two Go tables"
            );
        }
    }
    let rust: BTreeMap<String, GoHeaderLayout> = GO_LAYOUTS_BY_GOARCH
        .iter()
        .map(|(arch, layout)| (arch.to_string(), *layout))
        .collect();
    assert_eq!(
        rust.len(),
        GO_LAYOUTS_BY_GOARCH.len(),
        "a GOARCH is listed twice in GO_LAYOUTS_BY_GOARCH"
    );
    assert_eq!(
        rust, go,
        "Rust table (left) differs from the Go table (right)"
    );
}
