//! Header field access through `SharedMem`'s accessors against a plain load/store of the same
//! field in an ordinary heap struct (`ShmHeader` in a `Box`). `header_store_mut` is a separate
//! group only because `set_rand_state` takes `&mut self` (its baseline is the same plain store).
//!
//! The accessors read `count` and `value_len` atomically and the other fields volatilely (the
//! peer writes them); on x86-64 all of these are single `mov`s, so the goal is ~1.0x. Loop and
//! `black_box` overhead is the same on both sides. The C and Go sides of this measure are
//! `bench/c/header_access.c` and `go-interop/bench_test.go`. Run alone with
//! `cargo bench --bench region_header`.

mod support;

use std::hint::black_box;
use std::ptr;

use gofuzz_shm::{SharedMem, ShmHeader};
use support::{op, Bench};

fn main() {
    let mut region = SharedMem::create(4096).expect("create the region");
    let mut plain = Box::new(ShmHeader {
        count: 0,
        value_len: 0,
        rand_state: 0,
        rand_inc: 0,
        raw_in_mem: false,
    });
    let plain_count: *mut i64 = &mut plain.count;

    let mut bench = Bench::new();
    let reader = &region;
    bench.compare(
        "header_load",
        None,
        None,
        vec![
            // SAFETY: a live, aligned i64 in the Box.
            (
                "plain",
                op(|| unsafe { ptr::read_volatile(black_box(plain_count)) }),
            ),
            ("count", op(|| black_box(reader).count())),
            ("value_len_raw", op(|| black_box(reader).value_len_raw())),
            ("rand_state", op(|| black_box(reader).rand_state())),
        ],
    );

    let mut i = 0i64;
    let mut j = 0i64;
    let mut k = 0u64;
    let writer = &region;
    bench.compare(
        "header_store",
        None,
        None,
        vec![
            (
                "plain",
                op(|| {
                    i = i.wrapping_add(1);
                    // SAFETY: as above.
                    unsafe { ptr::write_volatile(black_box(plain_count), i) }
                }),
            ),
            (
                "set_count",
                op(|| {
                    j = j.wrapping_add(1);
                    black_box(writer).set_count(j)
                }),
            ),
        ],
    );
    bench.compare(
        "header_store_mut",
        None,
        None,
        vec![
            (
                "plain",
                op(|| {
                    i = i.wrapping_add(1);
                    // SAFETY: as above.
                    unsafe { ptr::write_volatile(black_box(plain_count), i) }
                }),
            ),
            (
                "set_rand_state",
                op(|| {
                    k = k.wrapping_add(1);
                    black_box(&mut region).set_rand_state(k)
                }),
            ),
        ],
    );
    bench.finish();
    black_box(&plain);
    region.close().expect("close the region");
}
