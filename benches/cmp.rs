//! Cost per input of comparison feedback on a comparison-heavy Go target (`FuzzHeavy` in
//! testdata/gocmp: a scan of 256 bytes with about seven comparisons per byte, ~1800 per run),
//! three ways in the same run, interleaved (benches/support):
//!
//! - `plain`: the target built as `go test -c -fuzz` builds it (Go's empty comparison hooks),
//!   one [`Worker::run`] per input — the baseline;
//! - `hooked_no_ring`: built with the hook object, no ring attached (every hook returns at once):
//!   the cost of Go calling C on each comparison;
//! - `hooked`: the same binary writing into a ring, plus what an engine does per input:
//!   [`CmpRing::reset`] before and [`CmpRing::collect`] after.
//!
//! Goal: `hooked` ≤ 1.3x `plain`. `cargo bench --bench cmp`.

mod support;

use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// Two 256-byte inputs with letters, digits, blanks and other bytes.
fn entries() -> [Vec<u8>; 2] {
    let text = |seed: u8| -> String {
        (0..256u32)
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

/// Pins this process (and so the workers it starts) to one CPU, as benches/worker.rs does and
/// for its reason: unpinned, runs jump between two speeds (host and worker on one core or on
/// two), which drowns the difference measured. GOFUZZSHM_BENCH_NO_PIN=1 leaves it unpinned.
fn pin_to_one_cpu() -> Option<usize> {
    if std::env::var_os("GOFUZZSHM_BENCH_NO_PIN").is_some() {
        return None;
    }
    // SAFETY: sched_getaffinity/sched_setaffinity on this process with a zeroed cpu_set_t.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) != 0 {
            return None;
        }
        let cpu = (0..libc::CPU_SETSIZE as usize)
            .rev()
            .find(|&c| libc::CPU_ISSET(c, &set))?;
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        (libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) == 0).then_some(cpu)
    }
}

fn main() {
    let pinned = pin_to_one_cpu();
    let plain_bin = build("plain", false);
    let hooked_bin = build("hooked", true);
    let entries = entries();
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
    // Learn the tail, and check that the ring sees the target's comparisons.
    for e in entries.iter().chain(&entries) {
        ring.reset();
        assert_eq!(hooked.run(e).unwrap().outcome, Outcome::Ok);
        ring.collect(&mut seen);
    }
    let stats = ring.collect(&mut seen);
    assert!(
        seen.comparisons().len() > 1000 && stats.dropped == 0,
        "{} comparisons per input, {stats:?}",
        seen.comparisons().len()
    );
    println!(
        "cmp: {} comparisons recorded per input, {} filtered as the worker's own, {} tail; {}",
        stats.records,
        stats.filtered,
        stats.tail,
        match pinned {
            Some(cpu) => format!("host and workers pinned to CPU {cpu}"),
            None => "not pinned".to_owned(),
        }
    );

    let mut bench = support::Bench::new();
    let run_plain = |w: &mut Worker, i: &mut usize| {
        *i += 1;
        w.run(&entries[*i % 2]).unwrap().coverage.len()
    };
    let (mut i, mut j, mut k) = (0, 0, 0);
    bench.compare(
        "cmp_run",
        None,
        Some(Throughput::Elements(1)),
        vec![
            ("plain", support::op(|| run_plain(&mut plain, &mut i))),
            (
                "hooked_no_ring",
                support::op(|| run_plain(&mut bare, &mut j)),
            ),
            (
                "hooked",
                Box::new(|n| {
                    let t = Instant::now();
                    for _ in 0..n {
                        k += 1;
                        ring.reset();
                        let r = hooked.run(&entries[k % 2]).unwrap();
                        std::hint::black_box(r.coverage.len());
                        std::hint::black_box(ring.collect(&mut seen));
                    }
                    t.elapsed()
                }),
            ),
        ],
    );
    bench.finish();
    plain.stop().unwrap();
    bare.stop().unwrap();
    hooked.stop().unwrap();
}
