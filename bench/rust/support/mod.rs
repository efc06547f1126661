//! Shared by the `region_*` benches (each includes it with `mod support;`).
//!
//! Every speed claim is a ratio against a baseline measured in the same run. A bench hands
//! [`Bench::compare`] a baseline and the library's operation(s) as [`Op`]s (run `n` iterations,
//! return the time they took). Each op is then measured twice:
//!
//! 1. by criterion (`iter_custom`), for per-operation times with confidence intervals;
//! 2. interleaved: rounds of one block per op (~10 ms each, the order reversed every other
//!    round), so the baseline and the library see the same machine load; the per-round ratio
//!    is what the report quotes (median over rounds). Lines of JSON go to
//!    `$GOFUZZ_SHM_BENCH_OUT_DIR/interleaved.jsonl` when that is set.
//!
//! Under `cargo test --benches` each op runs once (criterion's test mode) and nothing is
//! interleaved; a criterion filter argument also limits the interleaved measurement (as a
//! substring of `group/op/param`).
//!
//! `GOFUZZ_SHM_BENCH_QUICK=1` (set by `bench/run.sh --quick`) uses fewer sizes, fewer rounds and
//! shorter blocks: CI's "do the benches still run" check. Criterion's own timing flags
//! (`--warm-up-time`, `--measurement-time`) come from the command line.

#![allow(dead_code)] // not every bench uses every helper

use std::fs::{File, OpenOptions};
use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};

/// Runs `n` iterations of an operation and returns the time they took.
pub type Op<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// An [`Op`] that times `n` calls of `f`, passing each result through `black_box`.
pub fn op<'a, T>(mut f: impl FnMut() -> T + 'a) -> Op<'a> {
    Box::new(move |n| {
        let start = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        start.elapsed()
    })
}

pub fn quick() -> bool {
    std::env::var_os("GOFUZZ_SHM_BENCH_QUICK").is_some_and(|v| v == "1")
}

/// Value sizes: 64 B to 64 MiB in powers of 4 (quick mode: 64 B, 4 KiB, 1 MiB).
pub fn value_sizes() -> Vec<usize> {
    if quick() {
        return vec![64, 4 << 10, 1 << 20];
    }
    (0..=10).map(|k| 64usize << (2 * k)).collect()
}

pub struct Bench {
    criterion: Criterion,
    out: Option<File>,
    rounds: usize,
    block: Duration,
    /// `cargo test --benches` (no `--bench` argument) or `--test`: criterion runs each op once;
    /// the interleaved measurement is skipped.
    test_mode: bool,
    /// Criterion's positional filter, if any; applied here as a substring of the benchmark ids.
    filter: Option<String>,
}

/// Criterion options that take a value (so that value is not mistaken for the filter).
const VALUE_OPTIONS: &[&str] = &[
    "-s",
    "--save-baseline",
    "-b",
    "--baseline",
    "--baseline-lenient",
    "--load-baseline",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--profile-time",
    "--output-format",
    "-c",
    "--color",
    "--colour",
    "--format",
    "--plotting-backend",
];

fn parse_args() -> (bool, Option<String>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let test = args.iter().any(|a| a == "--test");
    let mut filter = None;
    let mut skip = false;
    for arg in &args {
        if skip {
            skip = false;
        } else if VALUE_OPTIONS.contains(&arg.as_str()) {
            skip = true;
        } else if !arg.starts_with('-') {
            filter = Some(arg.clone());
        }
    }
    (!bench || test, filter)
}

impl Bench {
    pub fn new() -> Bench {
        let criterion = Criterion::default()
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .configure_from_args();
        let out = std::env::var_os("GOFUZZ_SHM_BENCH_OUT_DIR").map(|dir| {
            let path = PathBuf::from(dir).join("interleaved.jsonl");
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
        });
        let (rounds, block) = if quick() {
            (3, Duration::from_millis(1))
        } else {
            (15, Duration::from_millis(10))
        };
        let (test_mode, filter) = parse_args();
        Bench {
            criterion,
            out,
            rounds,
            block,
            test_mode,
            filter,
        }
    }

    /// Measures `ops` (the first is the baseline) as criterion group `group`, function ids the
    /// ops' names and `param` (e.g. the size) if any, then interleaved.
    pub fn compare(
        &mut self,
        group: &str,
        param: Option<u64>,
        throughput: Option<Throughput>,
        mut ops: Vec<(&str, Op<'_>)>,
    ) {
        {
            let mut g = self.criterion.benchmark_group(group);
            if let Some(t) = throughput {
                g.throughput(t);
            }
            for (name, op) in ops.iter_mut() {
                let id = match param {
                    Some(p) => BenchmarkId::new(*name, p),
                    None => BenchmarkId::from_parameter(*name),
                };
                g.bench_function(id, |b| b.iter_custom(&mut *op));
            }
            g.finish();
        }
        let ids = ops.iter().map(|(name, _)| match param {
            Some(p) => format!("{group}/{name}/{p}"),
            None => format!("{group}/{name}"),
        });
        let selected = ids
            .into_iter()
            .any(|id| self.filter.as_deref().map_or(true, |f| id.contains(f)));
        if !self.test_mode && selected {
            self.interleave(group, param, &mut ops);
        }
    }

    fn interleave(&mut self, group: &str, param: Option<u64>, ops: &mut [(&str, Op<'_>)]) {
        let iters: Vec<u64> = ops
            .iter_mut()
            .map(|(_, op)| calibrate(op, self.block))
            .collect();
        let baseline = ops
            .first()
            .map_or(String::new(), |(name, _)| (*name).to_string());
        let param = param.map_or("null".to_string(), |p| p.to_string());
        let mut lines = String::new();
        let mut ns_per_op = vec![Vec::new(); ops.len()];
        for round in 0..self.rounds {
            let mut order: Vec<usize> = (0..ops.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let (name, op) = &mut ops[i];
                let ns = op(iters[i]).as_nanos() as f64 / iters[i] as f64;
                ns_per_op[i].push(ns);
                lines += &format!(
                    "{{\"group\":\"{group}\",\"param\":{param},\"op\":\"{name}\",\
                     \"baseline\":\"{baseline}\",\"round\":{round},\"iters\":{},\
                     \"ns_per_op\":{ns:.4}}}\n",
                    iters[i],
                );
            }
        }
        if let Some(f) = self.out.as_mut() {
            f.write_all(lines.as_bytes())
                .expect("write interleaved.jsonl");
        }
        for (i, (name, _)) in ops.iter().enumerate().skip(1) {
            let mut ratios: Vec<f64> = (0..self.rounds)
                .map(|r| ns_per_op[i][r] / ns_per_op[0][r])
                .collect();
            ratios.sort_by(f64::total_cmp);
            println!(
                "interleaved {group}/{param}: {name} takes {:.3}x the time of {baseline} \
                 (median of {} rounds)",
                ratios[ratios.len() / 2],
                self.rounds
            );
        }
    }

    /// Sets the number of interleaved rounds (full mode only; quick mode keeps its 3), for
    /// operations whose time varies a lot from block to block.
    pub fn set_rounds(&mut self, rounds: usize) {
        if !quick() {
            self.rounds = rounds;
        }
    }

    pub fn finish(self) {
        self.criterion.final_summary();
    }
}

/// Iterations of `op` that take about `block` (at least 1).
fn calibrate(op: &mut Op<'_>, block: Duration) -> u64 {
    let mut n = 1u64;
    loop {
        let t = op(n);
        if t >= block / 4 || n >= 1 << 40 {
            let per = t.as_secs_f64() / n as f64;
            return ((block.as_secs_f64() / per.max(1e-12)) as u64).max(1);
        }
        n *= 4;
    }
}

/// Pins this process (and so the workers it starts) to one CPU, the last it may use, unless
/// GOFUZZSHM_BENCH_NO_PIN is set. Host and worker then take turns on one core: on a small
/// shared machine, unpinned runs jump between two speeds (the same core or two cores, changing
/// with the scheduler's placement, not with the host), which drowns the difference measured.
pub fn pin_to_one_cpu() -> Option<usize> {
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
