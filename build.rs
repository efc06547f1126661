//! Generates `include/gofuzz_shm.h` from the Rust sources with cbindgen. The header is committed;
//! CI rebuilds and fails if it changed, so the committed header is always the generated one.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    // A header that fails to generate is a build error: C users would otherwise get a stale one.
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the C header")
        .write_to_file(crate_dir.join("include/gofuzz_shm.h"));
}
