//! Go's byte-slice mutators, in Go's order, on the mutator's scratch array.
//!
//! Go mutates `[]byte` and `string` values in one scratch slice whose capacity is the
//! per-value size limit; the capacity decides whether a mutator that grows the slice applies.
//! Bytes past the slice's length are part of the array too: a `[]byte` value that still
//! refers to the scratch array (see `Slot::Scratch` in `values.rs`) sees them when the
//! scratch is later reused for a shorter value, so the array is kept whole, not just the
//! slice.

use super::pcg::Pcg;

/// Go's interesting values: the 8-bit ones, then the 16-bit ones followed by the 8-bit ones
/// widened, then the 32-bit ones followed by all 16-bit ones widened (Go appends them at
/// start-up).
const INTERESTING8: [i8; 9] = [-128, -1, 0, 1, 16, 32, 64, 100, 127];
const INTERESTING16: [i16; 19] = [
    -32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767, // 16-bit
    -128, -1, 0, 1, 16, 32, 64, 100, 127, // the 8-bit values
];
const INTERESTING32: [i32; 27] = [
    -2147483648,
    -100663046,
    -32769,
    32768,
    65535,
    65536,
    100663045,
    2147483647, // 32-bit
    -32768,
    -129,
    128,
    255,
    256,
    512,
    1000,
    1024,
    4096,
    32767, // the 16-bit values
    -128,
    -1,
    0,
    1,
    16,
    32,
    64,
    100,
    127, // the 8-bit values
];

/// Go's scratch slice: `arr` holds the array's bytes up to the highest length the slice ever
/// had (the rest of the array is zeros, as Go allocated it), `len` is the slice's length and
/// `cap` its capacity.
#[derive(Debug, Default, Clone)]
pub(super) struct Scratch {
    pub(super) arr: Vec<u8>,
    pub(super) len: usize,
    pub(super) cap: usize,
}

impl Scratch {
    /// Reslices to `len` (within the capacity), exposing array bytes past the old length.
    fn set_len(&mut self, len: usize) {
        debug_assert!(len <= self.cap);
        if self.arr.len() < len {
            self.arr.resize(len, 0);
        }
        self.len = len;
    }

    /// The slice's bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.arr[..self.len]
    }

    /// Go's `chooseLen(n)`: a length in `[1, n]` (1 when `n` is 0), mostly at most 8, sometimes
    /// at most 32, rarely up to `n`.
    fn choose_len(r: &mut Pcg, n: usize) -> usize {
        let x = r.intn(100);
        let bound = if x < 90 {
            n.min(8)
        } else if x < 99 {
            n.min(32)
        } else {
            n
        };
        r.intn(bound) + 1
    }

    /// Two distinct positions below `len` (`len` >= 2), drawn as Go draws them.
    fn two_positions(r: &mut Pcg, len: usize) -> (usize, usize) {
        let src = r.intn(len);
        let mut dst = r.intn(len);
        while dst == src {
            dst = r.intn(len);
        }
        (src, dst)
    }

    /// Go's `mutateBytes`: draws mutators until one applies. Each mutator makes its draws
    /// before deciding it does not apply, exactly as Go's do, so the generator stays in step.
    pub(super) fn mutate(&mut self, r: &mut Pcg) {
        loop {
            let applied = match r.intn(18) {
                0 => self.remove_range(r),
                1 => self.insert_random(r),
                2 => self.duplicate_range(r),
                3 => self.overwrite_with_range(r),
                4 => self.flip_bit(r),
                5 => self.xor_byte(r),
                6 => self.swap_two_bytes(r),
                7 => self.add_u8(r),
                8 => self.add_word(r, 2),
                9 => self.add_word(r, 4),
                10 => self.add_word(r, 8),
                11 => self.interesting_u8(r),
                12 => self.interesting_word(r, 2),
                13 => self.interesting_word(r, 4),
                14 => self.insert_constant(r),
                15 => self.overwrite_constant(r),
                16 => self.shuffle_range(r),
                _ => self.swap_ranges(r),
            };
            if applied {
                return;
            }
        }
    }

    fn remove_range(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let start = r.intn(len);
        let end = start + Self::choose_len(r, len - start);
        self.arr.copy_within(end..len, start);
        self.len = len - (end - start);
        true
    }

    fn insert_random(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        let pos = r.intn(len + 1);
        let n = Self::choose_len(r, 1024);
        if len + n >= self.cap {
            return false;
        }
        self.set_len(len + n);
        self.arr.copy_within(pos..len, pos + n);
        for i in 0..n {
            self.arr[pos + i] = r.intn(256) as u8;
        }
        true
    }

    fn duplicate_range(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let (src, dst) = Self::two_positions(r, len);
        let n = Self::choose_len(r, len - src);
        // Go stages the copied range in the array past the new end, so the array there
        // changes too.
        if len + 2 * n >= self.cap {
            return false;
        }
        self.set_len(len + 2 * n);
        self.arr.copy_within(src..src + n, len + n);
        self.arr.copy_within(dst..len, dst + n);
        self.arr.copy_within(len + n..len + 2 * n, dst);
        self.len = len + n;
        true
    }

    fn overwrite_with_range(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let (src, dst) = Self::two_positions(r, len);
        let n = Self::choose_len(r, len - src - 1);
        let count = n.min(len - dst);
        self.arr.copy_within(src..src + count, dst);
        true
    }

    fn flip_bit(&mut self, r: &mut Pcg) -> bool {
        if self.len == 0 {
            return false;
        }
        let pos = r.intn(self.len);
        self.arr[pos] ^= 1 << r.intn(8);
        true
    }

    fn xor_byte(&mut self, r: &mut Pcg) -> bool {
        if self.len == 0 {
            return false;
        }
        let pos = r.intn(self.len);
        // Never zero, so the byte always changes.
        self.arr[pos] ^= (1 + r.intn(255)) as u8;
        true
    }

    fn swap_two_bytes(&mut self, r: &mut Pcg) -> bool {
        if self.len <= 1 {
            return false;
        }
        let (src, dst) = Self::two_positions(r, self.len);
        self.arr.swap(src, dst);
        true
    }

    fn add_u8(&mut self, r: &mut Pcg) -> bool {
        if self.len == 0 {
            return false;
        }
        let pos = r.intn(self.len);
        let v = (r.intn(35) + 1) as u8;
        if r.bool() {
            self.arr[pos] = self.arr[pos].wrapping_add(v);
        } else {
            self.arr[pos] = self.arr[pos].wrapping_sub(v);
        }
        true
    }

    /// Adds or subtracts 1..=35 to a `width`-byte word in a random byte order. Go draws the
    /// amount, its sign, the position, then the byte order.
    fn add_word(&mut self, r: &mut Pcg, width: usize) -> bool {
        if self.len < width {
            return false;
        }
        let mut v = (r.intn(35) + 1) as u64;
        if r.bool() {
            v = v.wrapping_neg();
        }
        let pos = r.intn(self.len - (width - 1));
        let little = r.bool();
        let word = &mut self.arr[pos..pos + width];
        let old = read_word(word, little);
        write_word(word, little, old.wrapping_add(v));
        true
    }

    fn interesting_u8(&mut self, r: &mut Pcg) -> bool {
        if self.len == 0 {
            return false;
        }
        let pos = r.intn(self.len);
        self.arr[pos] = INTERESTING8[r.intn(INTERESTING8.len())] as u8;
        true
    }

    /// Writes an interesting 16- or 32-bit value; Go draws the position, the value, then the
    /// byte order.
    fn interesting_word(&mut self, r: &mut Pcg, width: usize) -> bool {
        if self.len < width {
            return false;
        }
        let pos = r.intn(self.len - (width - 1));
        let v = if width == 2 {
            u64::from(INTERESTING16[r.intn(INTERESTING16.len())] as u16)
        } else {
            u64::from(INTERESTING32[r.intn(INTERESTING32.len())] as u32)
        };
        let little = r.bool();
        write_word(&mut self.arr[pos..pos + width], little, v);
        true
    }

    fn insert_constant(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let dst = r.intn(len);
        let n = Self::choose_len(r, 4096);
        if len + n >= self.cap {
            return false;
        }
        self.set_len(len + n);
        self.arr.copy_within(dst..len, dst + n);
        let fill = r.intn(256) as u8;
        self.arr[dst..dst + n].fill(fill);
        true
    }

    fn overwrite_constant(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let dst = r.intn(len);
        let n = Self::choose_len(r, len - dst);
        let fill = r.intn(256) as u8;
        self.arr[dst..dst + n].fill(fill);
        true
    }

    fn shuffle_range(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let dst = r.intn(len);
        let n = Self::choose_len(r, len - dst);
        if n <= 2 {
            return false;
        }
        // Fisher-Yates from the end of the range.
        for i in (1..n).rev() {
            let j = r.intn(i + 1);
            self.arr.swap(dst + i, dst + j);
        }
        true
    }

    fn swap_ranges(&mut self, r: &mut Pcg) -> bool {
        let len = self.len;
        if len <= 1 {
            return false;
        }
        let (src, dst) = Self::two_positions(r, len);
        let n = Self::choose_len(r, len - src.max(dst) - 1);
        let overlap = (src > dst && dst + n >= src) || (dst > src && src + n >= dst);
        if overlap || len + n >= self.cap {
            return false;
        }
        // Go stages one range in the array past the end, which changes the array there.
        self.set_len(len + n);
        self.arr.copy_within(dst..dst + n, len);
        self.arr.copy_within(src..src + n, dst);
        self.arr.copy_within(len..len + n, src);
        self.len = len;
        true
    }
}

fn read_word(b: &[u8], little: bool) -> u64 {
    let fold = |acc: u64, &byte: &u8| acc << 8 | u64::from(byte);
    if little {
        b.iter().rev().fold(0, fold)
    } else {
        b.iter().fold(0, fold)
    }
}

fn write_word(b: &mut [u8], little: bool, v: u64) {
    let width = b.len();
    for (i, byte) in b.iter_mut().enumerate() {
        let shift = if little { i } else { width - 1 - i };
        *byte = (v >> (8 * shift)) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::{read_word, write_word};

    #[test]
    fn words_in_both_byte_orders() {
        let mut b = [0u8; 4];
        write_word(&mut b, true, 0x0102_0304);
        assert_eq!(b, [4, 3, 2, 1]);
        assert_eq!(read_word(&b, true), 0x0102_0304);
        write_word(&mut b, false, 0x0102_0304);
        assert_eq!(b, [1, 2, 3, 4]);
        assert_eq!(read_word(&b, false), 0x0102_0304);
        // Wrapping add within the word's width, as Go's PutUint16(Uint16()+v) does.
        let mut w = [0xff, 0xff];
        let v = read_word(&w, true).wrapping_add(1);
        write_word(&mut w, true, v);
        assert_eq!(w, [0, 0]);
    }
}
