//! Cost per input of comparison feedback on a comparison-heavy Go target (`FuzzHeavy` in
//! testdata/gocmp: a scan of its input with about six comparisons per byte; inputs of 32 and
//! 256 bytes), three ways in the same run, interleaved (benches/support):
//!
//! - `plain`: the target built as `go test -c -fuzz` builds it (Go's empty comparison hooks),
//!   one [`Worker::run`] per input — the baseline;
//! - `hooked_no_ring`: built with the hook object, no ring attached (every hook returns at once):
//!   the cost of Go calling C on each comparison;
//! - `hooked`: the same binary writing into a ring, plus what an engine does per input:
//!   [`CmpRing::reset`] before and [`CmpRing::collect`] after.
//!
//! Every time is CPU time, this process's and the worker's (see [`cpu_time`]), so that other
//! tenants of a shared machine do not count. Goal: `hooked` ≤ 1.3x `plain`.
//! `cargo bench --bench cmp`.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Throughput;
use gofuzz_shm::cmp::{self, build_test_binary, BuildOptions, CmpRing};
use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};

const TARGET: &str = "FuzzHeavy";

fn build(name: &str, hooks: bool) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-cmp-{name}.test"));
    let mut options = BuildOptions::new(manifest.join("testdata/gocmp"), TARGET, &out);
    options.hooks = hooks;
    options.env = vec![("GOWORK".into(), "off".into())];
    build_test_binary(&options).unwrap_or_else(|e| panic!("build {name}: {e}"));
    out
}

/// Two inputs of `len` bytes with letters, digits, blanks and other bytes.
fn entries(len: u32) -> [Vec<u8>; 2] {
    let text = |seed: u8| -> String {
        (0..len)
            .map(|i| match (i as u8).wrapping_mul(seed) % 5 {
                0 => 'a',
                1 => '7',
                2 => ' ',
                3 => 'Q',
                _ => '#',
            })
            .collect()
    };
    [3, 7].map(|seed| format!("go test fuzz v1\n[]byte({:?})\n", text(seed)).into_bytes())
}

/// CPU time used so far by this process (all threads) and by worker process `pid` (all its
/// threads, from the scheduler's per-thread run time in ns). The benchmark times CPU, not the
/// wall clock: on a shared machine a run's wall time is mostly waiting for other processes,
/// while the CPU both processes spend on an input is what comparison feedback adds to.
fn cpu_time(pid: u32) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    let mut ns = ts.tv_sec as u128 * 1_000_000_000 + ts.tv_nsec as u128;
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            ns += stat
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u128>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(ns as u64)
}

fn main() {
    let pinned = support::pin_to_one_cpu();
    let plain_bin = build("plain", false);
    let hooked_bin = build("hooked", true);
    let start = |binary: &Path, ring: Option<&CmpRing>| {
        let mut options = WorkerOptions::new(binary, TARGET);
        if let Some(ring) = ring {
            cmp::attach(ring, &mut options);
        }
        Worker::start(options).unwrap()
    };
    let mut ring = CmpRing::new(cmp::DEFAULT_SLOTS).unwrap();
    let mut plain = start(&plain_bin, None);
    let mut bare = start(&hooked_bin, None);
    let mut hooked = start(&hooked_bin, Some(&ring));
    let mut seen = gofuzz_shm::cmp::CmpRun::new();
    let pin = match pinned {
        Some(cpu) => format!("host and workers pinned to CPU {cpu}"),
        None => "not pinned".to_owned(),
    };
    let mut bench = support::Bench::new();
    let sizes: &[u32] = if support::quick() { &[256] } else { &[32, 256] };
    for &size in sizes {
        let entries = entries(size);
        // Learn the tail (first size only), and check that the ring sees the target's
        // comparisons.
        for e in entries.iter().chain(&entries) {
            ring.reset();
            assert_eq!(hooked.run(e).unwrap().outcome, Outcome::Ok);
            ring.collect(&mut seen);
        }
        let stats = ring.collect(&mut seen);
        assert!(
            seen.comparisons().len() > size as usize && stats.dropped == 0,
            "{} comparisons per input, {stats:?}",
            seen.comparisons().len()
        );
        println!(
            "cmp: {size} bytes: {} comparisons recorded per input, {} filtered as the worker's \
             own, {} cut as its tail; {pin}",
            stats.records, stats.filtered, stats.tail,
        );
        let run_plain = |w: &mut Worker, i: &mut usize, n: u64| {
            let pid = w.pid().expect("the worker runs");
            let t = cpu_time(pid);
            for _ in 0..n {
                *i += 1;
                std::hint::black_box(w.run(&entries[*i % 2]).unwrap().coverage.len());
            }
            cpu_time(pid) - t
        };
        let (mut i, mut j, mut k) = (0, 0, 0);
        bench.compare(
            "cmp_run",
            Some(u64::from(size)),
            Some(Throughput::Elements(1)),
            vec![
                ("plain", Box::new(|n| run_plain(&mut plain, &mut i, n))),
                (
                    "hooked_no_ring",
                    Box::new(|n| run_plain(&mut bare, &mut j, n)),
                ),
                (
                    "hooked",
                    Box::new(|n| {
                        let pid = hooked.pid().expect("the worker runs");
                        let t = cpu_time(pid);
                        for _ in 0..n {
                            k += 1;
                            ring.reset();
                            let r = hooked.run(&entries[k % 2]).unwrap();
                            std::hint::black_box(r.coverage.len());
                            std::hint::black_box(ring.collect(&mut seen));
                        }
                        cpu_time(pid) - t
                    }),
                ),
            ],
        );
    }
    bench.finish();
    plain.stop().unwrap();
    bare.stop().unwrap();
    hooked.stop().unwrap();
}
