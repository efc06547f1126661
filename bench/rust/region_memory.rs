//! Memory: what a region of Go's size (100 MiB of value capacity) holding a 1 KiB value costs.
//! Not a timing, so not criterion: it prints one JSON object per region kind (the temp-dir file
//! Go uses, and the sealed memfd) with
//!
//! - `rss_delta_create_kib` / `rss_delta_value_kib`: the process's VmRSS growth after creating
//!   the region, and after writing the 1 KiB value into it;
//! - `mapping_rss_kib`: the resident size of the region's own mapping (from /proc/self/smaps);
//! - `peer_mapping_rss_kib`: the same for a second mapping of the region that reads the value
//!   back, as a peer process would;
//! - `file_size` and `file_allocated_bytes` (`st_blocks` × 512): the file is sparse.
//!
//! With `GOFUZZ_SHM_BENCH_OUT` set, the lines go to that file, else to stdout. Run alone with
//! `cargo bench --bench region_memory`.

use std::fmt::Write as _;
use std::os::fd::{AsFd, AsRawFd};

use gofuzz_shm::{SharedMem, GO_WORKER_VALUE_CAPACITY};

/// `VmRSS` of this process, in KiB.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status_field(&status, "VmRSS:")
}

fn status_field(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} line"))
}

/// `Rss` of the mapping that starts at `addr`, in KiB, from /proc/self/smaps.
fn mapping_rss_kib(addr: *const u8) -> u64 {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("read /proc/self/smaps");
    let start = format!("{:x}-", addr as usize);
    let mut lines = smaps.lines().skip_while(|l| !l.starts_with(&start));
    lines
        .next()
        .unwrap_or_else(|| panic!("no mapping at {start} in smaps"));
    let block: String = lines
        .take_while(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.ends_with(':'))
        })
        .fold(String::new(), |mut s, l| {
            let _ = writeln!(s, "{l}");
            s
        });
    status_field(&block, "Rss:")
}

fn fstat(region: &SharedMem) -> libc::stat {
    // SAFETY: an all-zero `stat` is a valid value for fstat to overwrite.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: the region's descriptor is open; `st` is a valid out pointer.
    assert_eq!(unsafe { libc::fstat(region.as_raw_fd(), &mut st) }, 0);
    st
}

fn measure(kind: &str, create: impl Fn() -> SharedMem) -> String {
    let value = vec![b'v'; 1024];
    let mut readback = vec![0u8; 4096];
    // One region made and dropped first, so the code and heap it needs are already resident and
    // the RSS growth below is the region's own.
    create().close().expect("close the warm-up region");
    let rss0 = vm_rss_kib();
    let mut region = create();
    let rss1 = vm_rss_kib();
    region.set_value(&value).expect("write the value");
    let rss2 = vm_rss_kib();
    let own = mapping_rss_kib(region.as_ptr());

    let peer = SharedMem::map_fd(region.as_fd(), 0).expect("map the region again");
    let n = peer.value_copy_into(&mut readback).expect("read the value");
    assert_eq!(&readback[..n], &value[..]);
    let peer_rss = mapping_rss_kib(peer.as_ptr());
    peer.close().expect("close the second mapping");

    let st = fstat(&region);
    let line = format!(
        "{{\"kind\":\"{kind}\",\"value_bytes\":{},\"mapped_bytes\":{},\"file_size\":{},\
         \"file_allocated_bytes\":{},\"rss_delta_create_kib\":{},\"rss_delta_value_kib\":{},\
         \"mapping_rss_kib\":{own},\"peer_mapping_rss_kib\":{peer_rss}}}",
        value.len(),
        region.mapped_len(),
        st.st_size,
        st.st_blocks * 512,
        rss1.saturating_sub(rss0),
        rss2.saturating_sub(rss1),
    );
    region.close().expect("close the region");
    line
}

fn main() {
    let lines = [
        measure("file", || {
            SharedMem::create(GO_WORKER_VALUE_CAPACITY).unwrap()
        }),
        measure("memfd", || {
            SharedMem::create_memfd(GO_WORKER_VALUE_CAPACITY).unwrap()
        }),
    ];
    let text = lines.join("\n") + "\n";
    match std::env::var_os("GOFUZZ_SHM_BENCH_OUT") {
        Some(path) => std::fs::write(path, text).expect("write the output file"),
        None => print!("{text}"),
    }
}
