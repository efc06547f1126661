//! The byte mapping's cost per engine input, against the baseline every raw `[]byte` input
//! already pays: `corpus::encode` of the lone `[]byte` (what `Worker::run_bytes` does).
//!
//! `entry_from_bytes` for a lone `[]byte` (the identity), `string,int64,bool`, two strings and
//! all 17 kinds, on inputs of 64 B and 4 KiB of printable bytes. Run alone with
//! `cargo bench --bench signature_mapping` (not part of bench/run.sh's report).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gofuzz_shm::corpus::{encode, Value};
use gofuzz_shm::signature::{Kind, Signature};

fn mapping(c: &mut Criterion) {
    let all: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let signatures = [
        ("bytes", "[]byte".to_string()),
        ("string_int64_bool", "string,int64,bool".to_string()),
        ("two_strings", "string,string".to_string()),
        ("all_17_kinds", all.join(",")),
    ];
    for size in [64usize, 4096] {
        let input: Vec<u8> = (0..size).map(|i| b' ' + (i % 90) as u8).collect();
        let mut group = c.benchmark_group(format!("entry_{size}B"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("baseline_encode_lone_bytes", |b| {
            b.iter(|| encode(&[Value::Bytes(black_box(&input).to_vec())]))
        });
        for (name, types) in &signatures {
            let sig = Signature::parse(types).unwrap();
            group.bench_with_input(
                BenchmarkId::new("entry_from_bytes", name),
                &input,
                |b, i| b.iter(|| sig.entry_from_bytes(black_box(i))),
            );
        }
        group.finish();
    }
}

criterion_group!(benches, mapping);
criterion_main!(benches);
