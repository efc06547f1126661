//! [`CmpRing`]: the shared memory the hook object (`hooks.c`) writes comparisons into, created
//! and read by the host.
//!
//! Layout (native byte order; the hook object has the same constants):
//!
//! ```text
//! 0   u64 magic "GOFZCMP1"      host, at creation
//! 8   u32 slots                 host: capacity in 32-byte slots
//! 12  u32 host pid              host, at creation (for diagnostics)
//! 16  u64 reserved              hook: slots reserved so far (may pass `slots`)
//! 24  u64 dropped               hook: records that did not fit
//! 32  u64 filtered              hook: comparisons judged not the target's (approximate)
//! 64  slots
//! ```
//!
//! A record starts at a slot with a header word stored last (release): byte 0 the kind
//! (1 integer, 2 string), byte 1 flags, bytes 2 and 3 the string lengths, bytes 4..8 the site.
//! An integer record is one slot (operands at 8 and 16, stack depth at 24); a string record
//! holds the stack depth (u32) at 8 and both strings from 12, and spans
//! `(12 + len_a + len_b + 31) / 32` slots.
//!
//! The worker may be buggy or hostile and a goroutine of the target may still write after a
//! call has returned, so every read here is volatile or atomic, every record is validated, and
//! reading stops at the first slot that holds no valid record.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use memmap2::{MmapOptions, MmapRaw};

use super::tail::Tail;
use crate::error::{Error, ErrorKind, Result};

pub(crate) const MAGIC: u64 = u64::from_le_bytes(*b"GOFZCMP1");
pub(crate) const HEADER: usize = 64;
pub(crate) const SLOT: usize = 32;
const OFF_SLOTS: usize = 8;
const OFF_PID: usize = 12;
const OFF_RESERVED: usize = 16;
const OFF_DROPPED: usize = 24;
const OFF_FILTERED: usize = 32;

const KIND_INT: u8 = 1;
const KIND_STR: u8 = 2;
const FLAG_CONST: u8 = 0x10;

/// The longest string operand recorded; longer ones are cut (and flagged).
pub const MAX_STRING: usize = 64;

/// The default capacity: 4096 slots (128 KiB), room for 4096 integer comparisons per run.
pub const DEFAULT_SLOTS: usize = 4096;

/// The largest capacity accepted (2^24 slots, 512 MiB).
pub const MAX_SLOTS: usize = 1 << 24;

const CREATE: &str = "create comparison ring";

/// One comparison the fuzz function made, as the hook recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// An integer comparison (`==`, `<`, … and the comparisons of `switch`).
    Int {
        /// Go's site id: its fake PC for the comparison modulo 512 (as Go passes it), shifted
        /// by a constant of the binary. Stable for one binary.
        site: u32,
        /// Bytes of its goroutine's stack in use where the comparison was made.
        depth: u32,
        /// Operand width in bytes: 1, 2, 4 or 8.
        size: u8,
        /// The first operand is a constant in the Go source.
        is_const: bool,
        /// First operand (the constant when `is_const`), zero-extended.
        a: u64,
        /// Second operand, zero-extended.
        b: u64,
    },
    /// A string comparison that found the strings different (`==`, `!=`, `strings.EqualFold`,
    /// `bytes.Equal`): Go reports no equal ones.
    Str {
        /// Go's site id: its fake PC for the comparison (a 32-bit hash of the position).
        site: u32,
        /// Bytes of its goroutine's stack in use where the comparison was made.
        depth: u32,
        /// The operands, each cut at [`MAX_STRING`] bytes and at its first NUL (Go passes
        /// C strings).
        a: StrOperand,
        /// See `a`.
        b: StrOperand,
    },
}

impl Comparison {
    /// Go's site id of the comparison.
    pub fn site(&self) -> u32 {
        match *self {
            Comparison::Int { site, .. } | Comparison::Str { site, .. } => site,
        }
    }

    /// Bytes of its goroutine's stack in use where the comparison was made.
    pub fn depth(&self) -> u32 {
        match *self {
            Comparison::Int { depth, .. } | Comparison::Str { depth, .. } => depth,
        }
    }
}

/// A string operand of a [`Comparison::Str`]: its bytes are in the [`CmpRun`] that holds the
/// comparison ([`CmpRun::bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrOperand {
    start: u32,
    len: u8,
    truncated: bool,
}

impl StrOperand {
    /// Bytes recorded (at most [`MAX_STRING`]).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether nothing was recorded (an empty string, or one starting with a NUL).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the string was longer than [`MAX_STRING`] bytes and was cut.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

/// The comparisons of one run, filled by [`CmpRing::collect`]: small records (32 bytes each)
/// with the string operands' bytes kept apart. Reuse one across runs: collecting allocates
/// only while it grows.
#[derive(Debug, Clone, Default)]
pub struct CmpRun {
    comparisons: Vec<Comparison>,
    bytes: Vec<u8>,
}

impl CmpRun {
    /// An empty run.
    pub fn new() -> CmpRun {
        CmpRun::default()
    }

    /// The comparisons, in the order the fuzz function made them.
    pub fn comparisons(&self) -> &[Comparison] {
        &self.comparisons
    }

    /// The bytes of a string operand of one of this run's comparisons.
    pub fn bytes(&self, op: &StrOperand) -> &[u8] {
        let start = op.start as usize;
        self.bytes.get(start..start + op.len()).unwrap_or(&[])
    }

    /// The string comparisons' operands, in order.
    pub fn strings(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.comparisons.iter().filter_map(|c| match c {
            Comparison::Str { a, b, .. } => Some((self.bytes(a), self.bytes(b))),
            Comparison::Int { .. } => None,
        })
    }

    pub(crate) fn clear(&mut self) {
        self.comparisons.clear();
        self.bytes.clear();
    }
}

/// What [`CmpRing::collect`] found besides the records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CmpStats {
    /// Records read.
    pub records: u64,
    /// Records the hook dropped because the ring was full.
    pub dropped: u64,
    /// Comparisons the hook judged not the fuzz function's (the worker decoding its call and
    /// the corpus entry, encoding its answer): approximate, for diagnostics.
    pub filtered: u64,
    /// Slots that were reserved but held no valid record (a write still in progress, or a
    /// peer's garbage); reading stopped there.
    pub torn: u64,
    /// Records cut from the end as the worker's own bookkeeping after the fuzz function
    /// returned (see [`CmpRing::collect`]); not in `records`.
    pub tail: u64,
}

/// The ring a hooked worker writes its comparisons into: an anonymous memfd (no file to leave
/// behind) mapped here, handed to each worker process as an inherited descriptor.
///
/// Per run: [`reset`](Self::reset) before, [`collect`](Self::collect) after. Between calls the
/// host owns the ring, as it owns the region.
pub struct CmpRing {
    map: MmapRaw,
    /// `map`'s address, kept here: `MmapRaw::as_ptr` is not inlined across crates, and
    /// `collect` reads several words per record.
    base: *mut u8,
    fd: Arc<OwnedFd>,
    slots: usize,
    tail: Tail,
}

impl CmpRing {
    /// Creates a ring of `slots` 32-byte slots (an integer comparison takes one, a string
    /// comparison one to five), owned by this process.
    pub fn new(slots: usize) -> Result<CmpRing> {
        if slots == 0 || slots > MAX_SLOTS {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                CREATE,
                format!("{slots} slots: give 1 to {MAX_SLOTS}"),
            ));
        }
        let size = HEADER + slots * SLOT;
        let fail = |e: io::Error| Error::io(CREATE, e);
        // SAFETY: the name is a NUL-terminated literal; the flags are valid for memfd_create.
        let fd = unsafe {
            libc::memfd_create(
                c"gofuzz-shm-cmp".as_ptr(),
                libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
            )
        };
        if fd < 0 {
            return Err(fail(io::Error::last_os_error()));
        }
        // SAFETY: `fd` is a fresh descriptor that nothing else owns; `File` closes it on drop.
        let file = unsafe { File::from_raw_fd(fd) };
        file.set_len(size as u64).map_err(fail)?;
        // The size is fixed: no peer can shrink it under our mapping (SIGBUS) or grow it.
        let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_SEAL;
        // SAFETY: fcntl with F_ADD_SEALS takes an int argument; `file` is open.
        if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } != 0 {
            return Err(fail(io::Error::last_os_error()));
        }
        let map = MmapOptions::new().len(size).map_raw(&file).map_err(fail)?;
        let base = map.as_mut_ptr();
        let ring = CmpRing {
            map,
            base,
            fd: Arc::new(OwnedFd::from(file)),
            slots,
            tail: Tail::default(),
        };
        ring.store_u64(0, MAGIC);
        ring.store_u32(OFF_SLOTS, slots as u32);
        ring.store_u32(OFF_PID, std::process::id());
        Ok(ring)
    }

    /// Capacity in slots.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The memfd, for handing to a worker (the hook finds it through the
    /// `GOFUZZSHM_CMP_FD` variable). [`crate::cmp::attach`] does that for a
    /// [`crate::worker::WorkerOptions`].
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    pub(crate) fn shared_fd(&self) -> Arc<OwnedFd> {
        Arc::clone(&self.fd)
    }

    /// Empties the ring for the next run: clears the slots the last run used and the counters.
    pub fn reset(&mut self) {
        let used = self.used_slots();
        // SAFETY: the first `used` slots lie inside the mapping (used <= slots); no Rust
        // reference to the shared memory exists, and a peer writing concurrently only makes
        // its own record invalid.
        unsafe {
            std::ptr::write_bytes(self.base.add(HEADER), 0, used * SLOT);
        }
        self.atomic(OFF_RESERVED).store(0, Ordering::Release);
        self.atomic(OFF_DROPPED).store(0, Ordering::Relaxed);
        self.atomic(OFF_FILTERED).store(0, Ordering::Relaxed);
    }

    fn used_slots(&self) -> usize {
        let reserved = self.atomic(OFF_RESERVED).load(Ordering::Acquire);
        usize::try_from(reserved).map_or(self.slots, |r| r.min(self.slots))
    }

    /// Reads the records written since the last [`reset`](Self::reset) into `out` (cleared
    /// first), in the order the fuzz function made them.
    ///
    /// After the fuzz function returns, Go's testing package makes comparisons of its own (it
    /// formats the run's duration) before the hook can tell the run is over. The second and
    /// third calls after the ring is made learn where they start, and every call from the
    /// third on cuts them ([`CmpStats::tail`]). So the first two calls return them too: run
    /// seeds first. Use one ring per binary, or [`forget_tail`](Self::forget_tail) when
    /// switching.
    pub fn collect(&mut self, out: &mut CmpRun) -> CmpStats {
        let mut stats = self.collect_all(out);
        stats.tail = self.tail.cut(&mut out.comparisons) as u64;
        stats.records = out.comparisons.len() as u64;
        stats
    }

    /// Whether [`collect`](Self::collect) has learned where the worker's tail starts.
    pub fn tail_learned(&self) -> bool {
        self.tail.learned()
    }

    /// Forgets the learned tail: the next two runs learn it again.
    pub fn forget_tail(&mut self) {
        self.tail.forget();
    }

    /// Like [`collect`](Self::collect), but keeps the tail and learns nothing.
    pub fn collect_all(&self, out: &mut CmpRun) -> CmpStats {
        out.clear();
        let used = self.used_slots();
        let mut stats = CmpStats {
            dropped: self.atomic(OFF_DROPPED).load(Ordering::Relaxed),
            filtered: self.atomic(OFF_FILTERED).load(Ordering::Relaxed),
            ..CmpStats::default()
        };
        let mut at = 0;
        while at < used {
            match self.record_at(at, used, &mut out.bytes) {
                Some((record, span)) => {
                    out.comparisons.push(record);
                    at += span;
                }
                None => {
                    stats.torn = (used - at) as u64;
                    break;
                }
            }
        }
        stats.records = out.comparisons.len() as u64;
        stats
    }

    /// The record at slot `at` and the slots it spans, or `None` if it is not a valid one.
    fn record_at(
        &self,
        at: usize,
        used: usize,
        bytes: &mut Vec<u8>,
    ) -> Option<(Comparison, usize)> {
        let base = HEADER + at * SLOT;
        let word = self.atomic(base).load(Ordering::Acquire).to_le_bytes();
        let site = u32::from_le_bytes([word[4], word[5], word[6], word[7]]);
        match word[0] {
            KIND_INT => {
                let size = word[1] & 0x0f;
                if ![1, 2, 4, 8].contains(&size) || word[1] & !(0x0f | FLAG_CONST) != 0 {
                    return None;
                }
                let mask = if size == 8 {
                    u64::MAX
                } else {
                    (1u64 << (size * 8)) - 1
                };
                let a = self.load_u64(base + 8) & mask;
                let b = self.load_u64(base + 16) & mask;
                let is_const = word[1] & FLAG_CONST != 0;
                let depth = self.load_u64(base + 24).min(u32::MAX as u64) as u32;
                Some((
                    Comparison::Int {
                        site,
                        depth,
                        size,
                        is_const,
                        a,
                        b,
                    },
                    1,
                ))
            }
            KIND_STR => {
                let (la, lb) = (word[2] as usize, word[3] as usize);
                let span = (12 + la + lb).div_ceil(SLOT);
                if la > MAX_STRING || lb > MAX_STRING || word[1] & !3 != 0 || at + span > used {
                    return None;
                }
                let depth = (self.load_u64(base + 8) & 0xffff_ffff) as u32;
                let a = self.operand(base + 12, la, word[1] & 1 != 0, bytes);
                let b = self.operand(base + 12 + la, lb, word[1] & 2 != 0, bytes);
                Some((Comparison::Str { site, depth, a, b }, span))
            }
            _ => None,
        }
    }

    fn operand(
        &self,
        offset: usize,
        len: usize,
        truncated: bool,
        bytes: &mut Vec<u8>,
    ) -> StrOperand {
        let start = bytes.len() as u32;
        for i in 0..len {
            // SAFETY: offset + len stays inside the record's slots, which `record_at` checked
            // lie inside the used part of the mapping; a volatile read of shared memory.
            bytes.push(unsafe { self.base.add(offset + i).read_volatile() });
        }
        StrOperand {
            start,
            len: len as u8,
            truncated,
        }
    }

    fn atomic(&self, offset: usize) -> &AtomicU64 {
        debug_assert!(offset % 8 == 0 && offset + 8 <= self.map.len());
        // SAFETY: the offset is 8-aligned inside the page-aligned mapping, which lives as long
        // as `self`; the peer accesses these words only atomically too (or not at all).
        unsafe { &*self.base.add(offset).cast::<AtomicU64>() }
    }

    fn load_u64(&self, offset: usize) -> u64 {
        // SAFETY: an aligned offset inside the mapping; a volatile read of shared memory.
        unsafe { self.base.add(offset).cast::<u64>().read_volatile() }
    }

    fn store_u64(&self, offset: usize, value: u64) {
        self.atomic(offset).store(value, Ordering::Release);
    }

    fn store_u32(&self, offset: usize, value: u32) {
        // SAFETY: an aligned offset inside the mapping, before any peer has it.
        unsafe { self.base.add(offset).cast::<u32>().write_volatile(value) };
    }
}

// SAFETY: `base` points into `map`, which the ring owns and which lives exactly as long as it;
// the mapping may be used from any thread (every access goes through `&self`/`&mut self`).
unsafe impl Send for CmpRing {}
// SAFETY: as above; methods taking `&self` only read the mapping (volatile or atomic loads).
unsafe impl Sync for CmpRing {}

impl std::fmt::Debug for CmpRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CmpRing")
            .field("fd", &self.fd.as_raw_fd())
            .field("slots", &self.slots)
            .finish()
    }
}
