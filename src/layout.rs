//! The header ABI: Go's `sharedMemHeader` (internal/fuzz/mem.go), field by field.
//!
//! Go lays a struct out by aligning each field to `min(size, max alignment)`, where the maximum
//! alignment is the pointer size (8 on 64-bit, 4 on 32-bit targets). `#[repr(C)]` agrees with
//! that on every target we build for; the compile-time asserts at the bottom of this file turn any
//! target where it does not (32-bit ARM EABI aligns `u64` to 8) into a build error instead of a
//! region that silently disagrees with Go. The generated C header carries the same asserts.

use core::mem::{offset_of, size_of};

/// The fixed header at the start of every region, laid out exactly as Go lays out
/// `sharedMemHeader` for the same architecture. Native byte order.
///
/// In C this is `shm_header_t`, reached through `shm_header()`: accesses are plain memory
/// accesses shared with the peer, and `value_len` is untrusted until checked against the
/// capacity. Rust code never holds a reference to the header inside a mapping; it uses the
/// field accessors of `SharedMem`, and values of this type returned by `SharedMem::header` are
/// snapshots read field by field.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShmHeader {
    /// Times the worker called the fuzz function; the coordinator resets it to 0 before a call.
    pub count: i64,
    /// Bytes of the value that are meaningful. Go's `int`: pointer-sized and signed, so a
    /// buggy peer can store a negative length; readers must check it.
    pub value_len: isize,
    /// PRNG state saved by the worker.
    pub rand_state: u64,
    /// PRNG increment saved by the worker.
    pub rand_inc: u64,
    /// During minimization: the value holds raw bytes rather than an encoded corpus entry.
    pub raw_in_mem: bool,
}

/// Byte offsets and size of the header as the Go compiler computes them for one architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoHeaderLayout {
    /// Offset of `count`.
    pub count: usize,
    /// Offset of `valueLen`.
    pub value_len: usize,
    /// Offset of `randState`.
    pub rand_state: usize,
    /// Offset of `randInc`.
    pub rand_inc: usize,
    /// Offset of `rawInMem`.
    pub raw_in_mem: usize,
    /// `unsafe.Sizeof(sharedMemHeader{})`, which is also where the value starts.
    pub size: usize,
}

/// Go's layout on 64-bit architectures (amd64, arm64, ppc64, ppc64le, s390x, riscv64, loong64,
/// mips64, mips64le).
pub const GO_LAYOUT_64: GoHeaderLayout = GoHeaderLayout {
    count: 0,
    value_len: 8,
    rand_state: 16,
    rand_inc: 24,
    raw_in_mem: 32,
    size: 40,
};

/// Go's layout on 32-bit architectures (386, arm, mips, mipsle): `valueLen` is 4 bytes and the
/// 8-byte fields are only 4-aligned.
pub const GO_LAYOUT_32: GoHeaderLayout = GoHeaderLayout {
    count: 0,
    value_len: 8,
    rand_state: 12,
    rand_inc: 20,
    raw_in_mem: 28,
    size: 32,
};

/// Every linux GOARCH and the layout Go uses there.
pub const GO_LAYOUTS_BY_GOARCH: &[(&str, GoHeaderLayout)] = &[
    ("amd64", GO_LAYOUT_64),
    ("arm64", GO_LAYOUT_64),
    ("ppc64", GO_LAYOUT_64),
    ("ppc64le", GO_LAYOUT_64),
    ("s390x", GO_LAYOUT_64),
    ("riscv64", GO_LAYOUT_64),
    ("loong64", GO_LAYOUT_64),
    ("mips64", GO_LAYOUT_64),
    ("mips64le", GO_LAYOUT_64),
    ("386", GO_LAYOUT_32),
    ("arm", GO_LAYOUT_32),
    ("mips", GO_LAYOUT_32),
    ("mipsle", GO_LAYOUT_32),
];

/// The layout Go uses for the architecture this crate is compiled for.
pub const GO_LAYOUT: GoHeaderLayout = if cfg!(target_pointer_width = "64") {
    GO_LAYOUT_64
} else {
    GO_LAYOUT_32
};

/// Size of the header, which is also the offset of the value in the region.
pub const HEADER_SIZE: usize = size_of::<ShmHeader>();

/// Value capacity Go's coordinator gives each worker (`workerSharedMemSize`): 100 MiB.
pub const GO_WORKER_VALUE_CAPACITY: usize = 100 << 20;

/// Go's `sharedMemSize`: the size of a region whose value can hold `value_capacity` bytes, or
/// `None` when that does not fit in `isize` (no mapping, and no Go `int`, can be that large).
pub const fn size_for_value(value_capacity: usize) -> Option<usize> {
    match HEADER_SIZE.checked_add(value_capacity) {
        Some(size) if size <= isize::MAX as usize => Some(size),
        _ => None,
    }
}

const _: () = {
    assert!(offset_of!(ShmHeader, count) == GO_LAYOUT.count);
    assert!(offset_of!(ShmHeader, value_len) == GO_LAYOUT.value_len);
    assert!(offset_of!(ShmHeader, rand_state) == GO_LAYOUT.rand_state);
    assert!(offset_of!(ShmHeader, rand_inc) == GO_LAYOUT.rand_inc);
    assert!(offset_of!(ShmHeader, raw_in_mem) == GO_LAYOUT.raw_in_mem);
    assert!(size_of::<ShmHeader>() == GO_LAYOUT.size);
    assert!(size_of::<bool>() == 1);
    // The mapping starts page-aligned, so these make the atomic accessors' casts sound.
    assert!(GO_LAYOUT.count % core::mem::align_of::<core::sync::atomic::AtomicI64>() == 0);
    assert!(GO_LAYOUT.value_len % core::mem::align_of::<core::sync::atomic::AtomicIsize>() == 0);
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Lays the header out by Go's rule (each field aligned to min(its size, max_align)),
    /// independently of the table, so a typo in the table cannot agree with itself.
    fn layout_by_go_rule(pointer_size: usize) -> GoHeaderLayout {
        let max_align = pointer_size;
        let field_sizes = [8, pointer_size, 8, 8, 1];
        let mut offsets = [0usize; 5];
        let mut end = 0usize;
        let mut struct_align = 1;
        for (offset, &size) in offsets.iter_mut().zip(&field_sizes) {
            let align = size.min(max_align);
            struct_align = struct_align.max(align);
            *offset = end.next_multiple_of(align);
            end = *offset + size;
        }
        GoHeaderLayout {
            count: offsets[0],
            value_len: offsets[1],
            rand_state: offsets[2],
            rand_inc: offsets[3],
            raw_in_mem: offsets[4],
            size: end.next_multiple_of(struct_align),
        }
    }

    #[test]
    fn table_matches_go_alignment_rule() {
        assert_eq!(GO_LAYOUT_64, layout_by_go_rule(8));
        assert_eq!(GO_LAYOUT_32, layout_by_go_rule(4));
    }

    #[test]
    fn table_covers_every_linux_goarch_once() {
        let mut names: Vec<&str> = GO_LAYOUTS_BY_GOARCH.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 13);
        for (arch, layout) in GO_LAYOUTS_BY_GOARCH {
            let pointer_size = if ["386", "arm", "mips", "mipsle"].contains(arch) {
                4
            } else {
                8
            };
            assert_eq!(*layout, layout_by_go_rule(pointer_size), "{arch}");
        }
    }

    #[test]
    fn host_layout_is_the_go_layout() {
        assert_eq!(HEADER_SIZE, GO_LAYOUT.size);
        assert_eq!(offset_of!(ShmHeader, rand_inc), GO_LAYOUT.rand_inc);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(GO_LAYOUT, GO_LAYOUT_64);
        #[cfg(target_arch = "x86")]
        assert_eq!(GO_LAYOUT, GO_LAYOUT_32);
    }

    #[test]
    fn size_for_value_overflows_to_none() {
        assert_eq!(size_for_value(0), Some(HEADER_SIZE));
        assert_eq!(size_for_value(5), Some(HEADER_SIZE + 5));
        assert_eq!(
            size_for_value(GO_WORKER_VALUE_CAPACITY),
            Some(HEADER_SIZE + (100 << 20))
        );
        assert_eq!(size_for_value(isize::MAX as usize - HEADER_SIZE + 1), None);
        assert_eq!(size_for_value(usize::MAX), None);
    }
}
