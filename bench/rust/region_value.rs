//! Value copies, 64 B to 64 MiB, against a plain memcpy of the same bytes into (or out of) the
//! same mapping.
//!
//! - `value_set`: `SharedMem::set_value` vs `memcpy` from the same source into the value area.
//! - `value_get`: `SharedMem::value_copy_into` vs `memcpy` from the value area into the same
//!   caller buffer.
//! - `value_alloc`: `SharedMem::value_copy` (returns a new `Vec`) vs `to_vec` of the same bytes
//!   of the mapping (allocate and copy, as plain Rust would).
//!
//! The region is Go's: 100 MiB of value capacity in a `fuzz-*` file in the temp dir. Every page
//! of the value area and of the buffers is touched before measuring, so both sides copy between
//! resident pages. Both sides use the very same source and destination addresses: on this AMD
//! machine a copy's speed depends on how its source and destination lines map onto the L1
//! cache (small copies ran 3x slower in some processes than in others, on both sides alike), so
//! separate buffers per side would compare address layouts, not code. The heap buffers start
//! 2 KiB into a page, away from the value area's offset in its page, for the same reason. Run
//! alone with `cargo bench --bench region_value`.

mod support;

use std::hint::black_box;
use std::ptr;

use criterion::Throughput;
use gofuzz_shm::{SharedMem, GO_WORKER_VALUE_CAPACITY};
use support::{op, Bench};

/// Where the heap buffers' bytes start: half a page past the allocation's start.
const OFFSET: usize = 2048;

fn main() {
    let sizes = support::value_sizes();
    let max = sizes.iter().copied().max().unwrap_or(0);
    let mut region = SharedMem::create(GO_WORKER_VALUE_CAPACITY).expect("create the region");
    let mut src_buf: Vec<u8> = (0..max + OFFSET).map(|i| (i % 251) as u8).collect();
    let src = &src_buf[OFFSET..];
    region.set_value(src).expect("fault in the value area");
    let value = region.value_ptr();
    // One destination for both sides: the closures below only ever hold the raw pointer.
    let mut dst_buf = vec![1u8; max + OFFSET];
    let dst: *mut u8 = dst_buf[OFFSET..].as_mut_ptr();

    let mut bench = Bench::new();
    // Copies beyond the caches share memory bandwidth with the machine's other tenants: more
    // rounds keep the median steady.
    bench.set_rounds(31);
    for &n in &sizes {
        let bytes = Some(Throughput::Bytes(n as u64));
        let param = Some(n as u64);
        let src = &src[..n];
        bench.compare(
            "value_set",
            param,
            bytes.clone(),
            vec![
                (
                    "memcpy",
                    op(|| {
                        // SAFETY: `n` <= the value capacity; a heap buffer cannot overlap the
                        // mapping.
                        unsafe {
                            ptr::copy_nonoverlapping(black_box(src.as_ptr()), black_box(value), n)
                        }
                    }),
                ),
                (
                    "set_value",
                    op(|| region.set_value(black_box(src)).unwrap()),
                ),
            ],
        );

        region.set_value(src).unwrap();
        let reader = &region;
        bench.compare(
            "value_get",
            param,
            bytes.clone(),
            vec![
                (
                    "memcpy",
                    op(|| {
                        // SAFETY: as above, in the other direction; `dst` has `max` >= `n`
                        // bytes.
                        unsafe {
                            ptr::copy_nonoverlapping(
                                black_box(value.cast_const()),
                                black_box(dst),
                                n,
                            )
                        }
                    }),
                ),
                (
                    "value_copy_into",
                    op(|| {
                        // SAFETY: `dst` has `n` bytes, and no other reference to them is live
                        // while this closure runs.
                        let out = unsafe { std::slice::from_raw_parts_mut(black_box(dst), n) };
                        reader.value_copy_into(out).unwrap()
                    }),
                ),
            ],
        );
        bench.compare(
            "value_alloc",
            param,
            bytes,
            vec![
                (
                    "to_vec",
                    op(|| {
                        // SAFETY: `n` bytes of the value area, which nothing writes meanwhile.
                        unsafe { std::slice::from_raw_parts(black_box(value.cast_const()), n) }
                            .to_vec()
                    }),
                ),
                ("value_copy", op(|| reader.value_copy().unwrap())),
            ],
        );
    }
    bench.finish();
    black_box((&mut src_buf, &mut dst_buf));
    region.close().expect("close the region");
}
