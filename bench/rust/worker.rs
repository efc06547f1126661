//! Runs/s of one real Go worker (target FuzzAccept, built with `go test -c -fuzz`, so every
//! response carries its coverage counters) driven two ways in the same run:
//!
//! - `gofuzz_shm`: [`Worker::run`] — warmup call, response parsed with serde, coverage decoded
//!   from base64 into the result;
//! - `minimal`: the limit — the same binary, pipes and descriptors, the entry written into the
//!   region, a precomputed call line written, one response line read, nothing parsed.
//!
//! Criterion measures each; then an interleaved measurement (blocks of runs alternating between
//! the hosts, so both see the same machine load) prints the runs/s of both and their ratio.
//! The process pins itself and its workers to one CPU first (see `support::pin_to_one_cpu`; set
//! GOFUZZSHM_BENCH_NO_PIN=1 not to); GOFUZZSHM_BENCH_ROUNDS=1 prints every round.
//!
//! Then the same interleaved measurement on binaries with growing counter counts (bench/worker:
//! small, medium, large, about 5k, 15k and 50k counters; every response carries all of them as
//! base64 in JSON), with each host's CPU time per run (this process, watchdog thread included:
//! what the host adds beyond the worker's own floor).
//!
//! `cargo bench --bench worker` (criterion and the ratios), or
//! `cargo bench --bench worker -- ratio-only` (a filter matching no criterion benchmark: only
//! the interleaved measurements), or
//! `cargo bench --bench worker -- profile large 20000` (only our host's runs on one binary, for
//! `valgrind --tool=callgrind`).

mod support;

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion, Throughput};
use gofuzz_shm::worker::{Outcome, Worker, WorkerOptions};
use gofuzz_shm::SharedMem;

const TARGET: &str = "FuzzAccept";
const ENTRIES: [&[u8]; 2] = [
    b"go test fuzz v1\n[]byte(\"abcd\")\n",
    b"go test fuzz v1\n[]byte(\"123\")\n",
];

fn build_binary() -> PathBuf {
    go_test_c("testdata/gotargets", TARGET, "bench-fuzz.test")
}

/// `go test -c -fuzz=<target>` of the package in `dir` (relative to the repository).
fn go_test_c(dir: &str, target: &str, name: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let status = Command::new("go")
        .current_dir(manifest.join(dir))
        .args(["test", "-c", "-fuzz", target, "-o"])
        .arg(&out)
        .arg(".")
        .status()
        .expect("the go tool runs");
    assert!(status.success());
    out
}

/// The binaries of growing counter counts (bench/worker/*), each with target FuzzRun.
const SIZES: [&str; 3] = ["small", "medium", "large"];
const SIZED_TARGET: &str = "FuzzRun";

fn sized_binary(size: &str) -> PathBuf {
    go_test_c(
        &format!("bench/worker/{size}"),
        SIZED_TARGET,
        &format!("bench-{size}.test"),
    )
}

/// CPU time (user + system) this process has used, all threads.
fn process_cpu() -> Duration {
    // SAFETY: getrusage fills the zeroed struct.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// For each binary of [`SIZES`]: interleaved runs/s of both hosts and the ratio, and each
/// host's CPU time per run, the medians of `rounds` rounds.
fn counter_sweep(quick: bool) {
    let (rounds, block) = if quick { (3, 200) } else { (21, 1000) };
    for size in SIZES {
        let binary = sized_binary(size);
        let cache = tempfile::tempdir().unwrap();
        let mut minimal = Minimal::start_target(&binary, cache.path(), SIZED_TARGET);
        let mut worker = Worker::start(WorkerOptions::new(&binary, SIZED_TARGET)).unwrap();
        let counters = ours(&mut worker, 0);
        let (mut m_rates, mut o_rates, mut ratios, mut m_cpu, mut o_cpu) =
            (vec![], vec![], vec![], vec![], vec![]);
        for round in 0..rounds {
            let mut time_minimal = || {
                let (t, c) = (Instant::now(), process_cpu());
                for i in 0..block {
                    minimal.run(ENTRIES[i % 2]);
                }
                let per = (process_cpu() - c).as_secs_f64() / block as f64;
                (block as f64 / t.elapsed().as_secs_f64(), per)
            };
            let mut time_ours = || {
                let (t, c) = (Instant::now(), process_cpu());
                for i in 0..block {
                    black_box(ours(&mut worker, i));
                }
                let per = (process_cpu() - c).as_secs_f64() / block as f64;
                (block as f64 / t.elapsed().as_secs_f64(), per)
            };
            let ((m, mc), (o, oc)) = if round % 2 == 0 {
                let m = time_minimal();
                (m, time_ours())
            } else {
                let o = time_ours();
                (time_minimal(), o)
            };
            m_rates.push(m);
            o_rates.push(o);
            ratios.push(o / m);
            m_cpu.push(mc * 1e6);
            o_cpu.push(oc * 1e6);
        }
        println!(
            "counters {counters:>6} ({size}): minimal {:>7.0} runs/s, gofuzz-shm {:>7.0} runs/s, \
             ratio {:.3}; host CPU per run: minimal {:.1} us, gofuzz-shm {:.1} us ({rounds} \
             rounds of {block})",
            median(m_rates),
            median(o_rates),
            median(ratios),
            median(m_cpu),
            median(o_cpu)
        );
        drop(minimal);
        worker.stop().unwrap();
    }
}

/// Only our host's runs on one binary: what callgrind profiles.
fn profile(size: &str, runs: usize) {
    let binary = sized_binary(size);
    let mut worker = Worker::start(WorkerOptions::new(&binary, SIZED_TARGET)).unwrap();
    let mut lit = 0;
    for i in 0..runs {
        lit += ours(&mut worker, i).min(1);
    }
    worker.stop().unwrap();
    println!("profile: {runs} runs on {size} ({lit} with counters)");
}

/// The minimal host: spawn with fds 3/4/5, then per input write the entry, write a fixed
/// call line, read one line.
struct Minimal {
    child: Child,
    mem: SharedMem,
    calls: File,
    responses: BufReader<File>,
    line: Vec<u8>,
}

impl Minimal {
    const CALL: &'static [u8] =
        b"{\"Fuzz\":{\"Timeout\":0,\"Limit\":0,\"Warmup\":true,\"CoverageData\":null}}\n";

    fn start(binary: &Path, cache: &Path) -> Minimal {
        Minimal::start_target(binary, cache, TARGET)
    }

    fn start_target(binary: &Path, cache: &Path, target: &str) -> Minimal {
        let mem = SharedMem::create(gofuzz_shm::GO_WORKER_VALUE_CAPACITY).unwrap();
        let (in_r, in_w) = pipe();
        let (out_r, out_w) = pipe();
        // High numbers so the dup2 calls below cannot clobber each other.
        let sources = [
            dup_high(in_r.as_raw_fd()),
            dup_high(out_w.as_raw_fd()),
            dup_high(mem.fd()),
        ];
        let raw = [
            sources[0].as_raw_fd(),
            sources[1].as_raw_fd(),
            sources[2].as_raw_fd(),
        ];
        let mut command = Command::new(binary);
        let mut cache_arg = OsString::from("-test.fuzzcachedir=");
        cache_arg.push(cache);
        command
            .arg("-test.fuzzworker")
            .arg("-test.paniconexit0")
            .arg(cache_arg)
            .arg(format!("-test.fuzz=^{target}$"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only dup2, async-signal-safe, between fork and exec.
        unsafe {
            command.pre_exec(move || {
                for (target, source) in (3..).zip(raw) {
                    if libc::dup2(source, target) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        drop(command);
        drop((sources, in_r, out_w));
        let mut minimal = Minimal {
            child,
            mem,
            calls: File::from(in_w),
            responses: BufReader::with_capacity(1 << 20, File::from(out_r)),
            line: Vec::with_capacity(1 << 20),
        };
        minimal.calls.write_all(b"{\"Ping\":{}}\n").unwrap();
        minimal.read_line();
        minimal
    }

    fn read_line(&mut self) {
        self.line.clear();
        let n = self.responses.read_until(b'\n', &mut self.line).unwrap();
        assert!(n > 0, "the worker closed fuzz_out");
    }

    fn run(&mut self, entry: &[u8]) {
        self.mem.set_count(0);
        self.mem.set_value(entry).unwrap();
        self.calls.write_all(Self::CALL).unwrap();
        self.read_line();
    }
}

impl Drop for Minimal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [-1; 2];
    // SAFETY: room for two descriptors.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fresh descriptors.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn dup_high(fd: i32) -> OwnedFd {
    // SAFETY: duplicating a descriptor we hold.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
    assert!(new >= 0);
    // SAFETY: fresh descriptor.
    unsafe { OwnedFd::from_raw_fd(new) }
}

fn ours(worker: &mut Worker, i: usize) -> usize {
    let r = worker.run(ENTRIES[i % 2]).unwrap();
    debug_assert_eq!(r.outcome, Outcome::Ok);
    r.coverage.len()
}

/// Rounds of one block of `block` runs per host, the order alternating between rounds; the
/// medians of each host's runs/s and of the per-round ratio (both hosts of a round see nearly
/// the same machine load, so the ratio is steadier than either rate).
fn interleaved(
    worker: &mut Worker,
    minimal: &mut Minimal,
    rounds: usize,
    block: usize,
) -> (f64, f64, f64) {
    let verbose = std::env::var_os("GOFUZZSHM_BENCH_ROUNDS").is_some();
    let mut minimal_rates = Vec::new();
    let mut our_rates = Vec::new();
    let mut ratios = Vec::new();
    for round in 0..rounds {
        let mut time_minimal = || {
            let t = Instant::now();
            for i in 0..block {
                minimal.run(ENTRIES[i % 2]);
            }
            block as f64 / t.elapsed().as_secs_f64()
        };
        let mut time_ours = || {
            let t = Instant::now();
            for i in 0..block {
                black_box(ours(worker, i));
            }
            block as f64 / t.elapsed().as_secs_f64()
        };
        let (m, o) = if round % 2 == 0 {
            let m = time_minimal();
            (m, time_ours())
        } else {
            let o = time_ours();
            (time_minimal(), o)
        };
        if verbose {
            eprintln!(
                "round {round:>3}: minimal {m:>7.0}  gofuzz-shm {o:>7.0}  ratio {:.3}",
                o / m
            );
        }
        minimal_rates.push(m);
        our_rates.push(o);
        ratios.push(o / m);
    }
    (median(minimal_rates), median(our_rates), median(ratios))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "profile") {
        let size = args.get(i + 1).map_or("large", String::as_str);
        let runs = args
            .get(i + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(20000);
        support::pin_to_one_cpu();
        profile(size, runs);
        return;
    }
    let pinned = support::pin_to_one_cpu();
    let binary = build_binary();
    let cache = tempfile::tempdir().unwrap();
    let mut minimal = Minimal::start(&binary, cache.path());
    let mut worker = Worker::start(WorkerOptions::new(&binary, TARGET)).unwrap();
    let coverage = ours(&mut worker, 0);
    assert!(
        coverage > 0,
        "the benchmark binary must carry coverage counters"
    );

    let mut criterion = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    {
        let mut group = criterion.benchmark_group("worker_run");
        group.throughput(Throughput::Elements(1));
        let mut i = 0;
        group.bench_function("minimal", |b| {
            b.iter(|| {
                i += 1;
                minimal.run(ENTRIES[i % 2])
            })
        });
        group.bench_function("gofuzz_shm", |b| {
            b.iter(|| {
                i += 1;
                ours(&mut worker, i)
            })
        });
        group.finish();
    }
    criterion.final_summary();

    let (rounds, block) = (41, 2000);
    let (min_rate, our_rate, ratio) = interleaved(&mut worker, &mut minimal, rounds, block);
    let pin = match pinned {
        Some(cpu) => format!("host and workers pinned to CPU {cpu}"),
        None => "not pinned".to_owned(),
    };
    println!(
        "interleaved: {rounds} rounds of {block} runs per host, medians; {coverage} coverage \
         counters; {pin}\n  minimal host     {min_rate:>9.0} runs/s\n  gofuzz-shm host  \
         {our_rate:>9.0} runs/s\n  ratio (per round) {ratio:.3}"
    );
    drop(minimal);
    worker.stop().unwrap();
    counter_sweep(std::env::var_os("GOFUZZ_SHM_BENCH_QUICK").is_some());
}
