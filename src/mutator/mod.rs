//! Go's mutator, bit for bit: what a Go fuzz worker does to an entry's values between runs,
//! so that the host can rebuild any input the worker's own fuzzing ran from the few numbers
//! the worker leaves in the region header.
//!
//! A Go worker fuzzing an entry (a fuzz call without warmup) works in chains of
//! [`CHAINED_MUTATIONS`]: before the runs numbered 1, 6, 11, … it resets the values to the
//! entry's and saves its generator state (`randState`, `randInc`) in the header; before every
//! run it applies one mutation to the current values and then increments the header's
//! `count`. So when a call ends on run number `count`, its input is the entry's values after
//! `(count - 1) % 5 + 1` mutations from the saved state — what Go's coordinator replays, and
//! what [`rebuild`] does.
//!
//! ```
//! use gofuzz_shm::corpus::Value;
//! use gofuzz_shm::mutator::rebuild;
//! use gofuzz_shm::GO_WORKER_VALUE_CAPACITY;
//!
//! let entry = [Value::Bytes(b"hello".to_vec()), Value::Int(7)];
//! // State, increment and count as a worker left them in the header:
//! let input = rebuild(&entry, 0x1234_5678_9abc_def0, 0x55, 3, GO_WORKER_VALUE_CAPACITY)?;
//! assert_eq!(input.len(), 2);
//! # Ok::<(), gofuzz_shm::Error>(())
//! ```
//!
//! The behaviour is the same in every Go release with native fuzzing (1.18 through 1.26), and
//! is checked against Go's own mutator by `tests/mutator_go.rs`.

#![forbid(unsafe_code)]

mod bytes;
mod numbers;
mod pcg;

pub use pcg::Pcg;

use crate::corpus::Value;
use crate::error::{Error, ErrorKind, Result};
use bytes::Scratch;
use numbers::{mutate_float, mutate_int, mutate_uint};

/// Mutations a Go worker chains before resetting the values to the entry's.
pub const CHAINED_MUTATIONS: i64 = 5;

/// Go's `int`/`uint` bounds on this platform (the worker runs on the same GOARCH).
const MAX_INT: i64 = isize::MAX as i64;
const MAX_UINT: u64 = usize::MAX as u64;

const MUTATE: &str = "mutate";

/// The number of mutations behind the input of run number `count` of a fuzz call: Go's
/// `(count - 1) % 5 + 1` (0 for `count` 0, when nothing ran).
pub fn mutations_for_count(count: i64) -> i64 {
    (count - 1) % CHAINED_MUTATIONS + 1
}

/// The input a Go worker ran as run number `count` of a fuzz call on `entry`, from the state
/// and increment it saved in the region header, for a region of `max_bytes` value capacity
/// (Go derives its size limits from it: use the capacity the worker mapped). With `count` 0
/// the entry itself.
///
/// Errors (`InvalidArgument`) where Go's worker would itself have failed: an empty entry, a
/// `[]byte` or `string` value longer than Go's per-value limit, or one the limit leaves no
/// room to mutate.
pub fn rebuild(
    entry: &[Value],
    rand_state: u64,
    rand_inc: u64,
    count: i64,
    max_bytes: usize,
) -> Result<Vec<Value>> {
    let mut m = Mutator::new(entry.to_vec(), rand_state, rand_inc);
    for _ in 0..mutations_for_count(count).max(0) {
        m.mutate(max_bytes)?;
    }
    Ok(m.values())
}

/// A value being mutated: Go keeps a mutated `[]byte` as a slice of the mutator's scratch
/// array, so a later mutation of another `[]byte` or `string` value rewrites its bytes too
/// (its length stays). `Scratch(len)` is such a value; strings are always copied out.
#[derive(Debug, Clone)]
enum Slot {
    Own(Value),
    Scratch(usize),
}

/// Go's mutator together with the values it mutates (Go's `vals`), restored from a saved
/// generator state.
#[derive(Debug, Clone)]
pub struct Mutator {
    rng: Pcg,
    scratch: Scratch,
    slots: Vec<Slot>,
}

impl Mutator {
    /// A mutator over `values` with the generator restored to (`rand_state`, `rand_inc`).
    pub fn new(values: Vec<Value>, rand_state: u64, rand_inc: u64) -> Mutator {
        Mutator {
            rng: Pcg::restore(rand_state, rand_inc),
            scratch: Scratch::default(),
            slots: values.into_iter().map(Slot::Own).collect(),
        }
    }

    /// Resets the values to `values`, as a worker does at the start of each chain (the
    /// generator and the scratch array are kept).
    pub fn reset(&mut self, values: &[Value]) {
        self.slots = values.iter().cloned().map(Slot::Own).collect();
    }

    /// Restores the generator (Go's `restore`).
    pub fn restore(&mut self, rand_state: u64, rand_inc: u64) {
        self.rng = Pcg::restore(rand_state, rand_inc);
    }

    /// The generator's `(state, inc)`, as a worker would save it now.
    pub fn saved(&self) -> (u64, u64) {
        self.rng.saved()
    }

    /// The current values.
    pub fn values(&self) -> Vec<Value> {
        self.slots
            .iter()
            .map(|slot| match slot {
                Slot::Own(v) => v.clone(),
                Slot::Scratch(len) => Value::Bytes(self.scratch.arr[..*len].to_vec()),
            })
            .collect()
    }

    /// One mutation (Go's `mutate(vals, maxBytes)`): picks one value and changes it. Each
    /// `[]byte`/`string` value may be at most `max_bytes / values - 100` bytes long, and
    /// mutations that grow one stay below that.
    pub fn mutate(&mut self, max_bytes: usize) -> Result<()> {
        let n = self.slots.len();
        if n == 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                MUTATE,
                "the entry has no values",
            ));
        }
        let max_per_value = (max_bytes / n) as i64 - 100;
        let i = self.rng.intn(n);
        let r = &mut self.rng;
        let new = match &self.slots[i] {
            Slot::Own(v) => match *v {
                Value::Int(x) => Value::Int(mutate_int(r, x, MAX_INT) as isize as i64),
                Value::Int8(x) => Value::Int8(mutate_int(r, x.into(), i8::MAX.into()) as i8),
                Value::Int16(x) => Value::Int16(mutate_int(r, x.into(), i16::MAX.into()) as i16),
                Value::Int64(x) => Value::Int64(mutate_int(r, x, MAX_INT)),
                Value::Uint(x) => Value::Uint(mutate_uint(r, x, MAX_UINT) as usize as u64),
                Value::Uint16(x) => Value::Uint16(mutate_uint(r, x.into(), u16::MAX.into()) as u16),
                Value::Uint32(x) => Value::Uint32(mutate_uint(r, x.into(), u32::MAX.into()) as u32),
                Value::Uint64(x) => Value::Uint64(mutate_uint(r, x, MAX_UINT)),
                Value::Float32(x) => {
                    Value::Float32(mutate_float(r, x.into(), f32::MAX.into()) as f32)
                }
                Value::Float64(x) => Value::Float64(mutate_float(r, x, f64::MAX)),
                Value::Bool(x) => Value::Bool(if r.intn(2) == 1 { !x } else { x }),
                Value::Rune(x) => Value::Rune(mutate_int(r, x.into(), i32::MAX.into()) as i32),
                Value::Int32(x) => Value::Int32(mutate_int(r, x.into(), i32::MAX.into()) as i32),
                Value::Byte(x) => Value::Byte(mutate_uint(r, x.into(), u8::MAX.into()) as u8),
                Value::Uint8(x) => Value::Uint8(mutate_uint(r, x.into(), u8::MAX.into()) as u8),
                Value::String(_) | Value::Bytes(_) => return self.mutate_bytes(i, max_per_value),
            },
            Slot::Scratch(_) => return self.mutate_bytes(i, max_per_value),
        };
        self.slots[i] = Slot::Own(new);
        Ok(())
    }

    /// Mutates the `[]byte` or `string` value `i` in the scratch array, as Go does.
    fn mutate_bytes(&mut self, i: usize, max_per_value: i64) -> Result<()> {
        let (len, is_string) = match &self.slots[i] {
            Slot::Own(Value::String(s)) => (s.len(), true),
            Slot::Own(Value::Bytes(b)) => (b.len(), false),
            Slot::Scratch(len) => (*len, false),
            Slot::Own(_) => unreachable!("mutate_bytes on a value that is not bytes"),
        };
        if len as i64 > max_per_value {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                MUTATE,
                format!(
                    "a value of {len} bytes is longer than Go's limit of {max_per_value} bytes \
                     per value (Go's worker panics on it)"
                ),
            ));
        }
        if (self.scratch.cap as i64) < max_per_value {
            // Go allocates a new array: values still on the old one keep its bytes.
            let old = std::mem::take(&mut self.scratch.arr);
            for slot in &mut self.slots {
                if let Slot::Scratch(l) = *slot {
                    *slot = Slot::Own(Value::Bytes(old[..l].to_vec()));
                }
            }
            self.scratch.cap = max_per_value as usize;
        }
        let source = match &self.slots[i] {
            Slot::Own(Value::String(s) | Value::Bytes(s)) => Some(s.as_slice()),
            _ => None, // already the scratch array's first `len` bytes
        };
        if let Some(source) = source {
            if self.scratch.arr.len() < len {
                self.scratch.arr.resize(len, 0);
            }
            self.scratch.arr[..len].copy_from_slice(source);
        }
        self.scratch.len = len;
        if len == 0 && self.scratch.cap <= 1 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                MUTATE,
                "an empty value with no room to grow cannot be mutated (Go's worker loops \
                 forever on it)",
            ));
        }
        self.scratch.mutate(&mut self.rng);
        self.slots[i] = if is_string {
            Slot::Own(Value::String(self.scratch.bytes().to_vec()))
        } else {
            Slot::Scratch(self.scratch.len)
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::rebuild;
    use crate::corpus::{decode, encode};
    use crate::GO_WORKER_VALUE_CAPACITY;

    /// Answers of Go's own mutator (go-interop/mutator-check, Go 1.26) for a few cases; the
    /// full comparison is tests/mutator_go.rs. The first two show Go's scratch aliasing: a
    /// mutated `[]byte` shares the mutator's scratch array, so mutating another value rewrites
    /// its bytes.
    #[test]
    fn known_answers_from_go() {
        let cases: [(&str, u64, u64, i64, usize, &str); 3] = [
            (
                "go test fuzz v1\n[]byte(\"hello, world\")\nstring(\"abc\")\nint8(-3)\nfloat32(2.5)\n",
                0x0123_4567_89ab_cdef,
                3,
                5,
                GO_WORKER_VALUE_CAPACITY,
                "go test fuzz v1\n[]byte(\"alc\\x03\\xdf~U\\x14yrld\")\nstring(\"abc\\x03\\xe5~U\\x14y\")\nint8(-3)\nfloat32(77.5)\n",
            ),
            (
                "go test fuzz v1\n[]byte(\"0123456789abcdef\")\n[]byte(\"xyz\")\n",
                0xfedc_ba98_7654_3210,
                0x55,
                4,
                GO_WORKER_VALUE_CAPACITY,
                "go test fuzz v1\n[]byte(\"012345\\xff\\xff\\x00\\x00abcdef\")\n[]byte(\"012\")\n",
            ),
            (
                "go test fuzz v1\n[]byte(\"0123456789abcdef\")\n[]byte(\"xyz\")\n",
                0x42,
                1,
                7,
                400,
                "go test fuzz v1\n[]byte(\"0123\\x00\\x04\\x00\\x008\\x939abcdef\")\n[]byte(\"xyz\")\n",
            ),
        ];
        for (entry, state, inc, count, max_bytes, want) in cases {
            let values = decode(entry.as_bytes()).unwrap();
            let got = rebuild(&values, state, inc, count, max_bytes).unwrap();
            assert_eq!(String::from_utf8(encode(&got)).unwrap(), want);
        }
    }

    #[test]
    fn count_zero_is_the_entry_and_limits_are_errors() {
        let values = decode(b"go test fuzz v1\n[]byte(\"abc\")\n").unwrap();
        assert_eq!(rebuild(&values, 1, 1, 0, 1000).unwrap(), values);
        assert!(
            rebuild(&values, 1, 1, 1, 102).is_err(),
            "3 bytes over a 2-byte limit"
        );
        assert!(rebuild(&[], 1, 1, 1, 1000).is_err());
    }
}
