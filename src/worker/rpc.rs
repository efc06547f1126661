//! The messages of Go's worker RPC (internal/fuzz/worker.go), as serde types: one JSON object
//! per line each way, field names exactly Go's, durations in nanoseconds, byte slices as
//! standard base64 with padding (Go's `encoding/json` for `[]byte`), `null` for a nil slice.

use std::borrow::Cow;

use std::sync::OnceLock;

use base64::engine::general_purpose::{PAD, STANDARD};
use base64::engine::Simd;
use base64::Engine as _;
use serde::{Deserialize, Serialize, Serializer};

/// A call: exactly one variant is sent, as `{"Ping":{}}`, `{"Fuzz":{…}}` or `{"Minimize":{…}}`.
#[derive(Debug, Serialize)]
pub(crate) enum Call<'a> {
    Ping {},
    Fuzz(FuzzArgs<'a>),
    Minimize(MinimizeArgs<'a>),
}

/// Arguments of the fuzz call; the input is in the region.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FuzzArgs<'a> {
    /// Nanoseconds to fuzz; 0 = no time limit.
    pub(crate) timeout: i64,
    /// Runs to stop after (counted in the header's `count`); 0 = no limit.
    pub(crate) limit: i64,
    /// Run the input once, unmutated.
    pub(crate) warmup: bool,
    /// Coverage mask: the worker reports an input as interesting when it sets a bit not in
    /// the mask. `None` keeps the mask the worker already has.
    #[serde(serialize_with = "base64_or_null")]
    pub(crate) coverage_data: Option<&'a [u8]>,
}

/// Arguments of the minimize call; the input is in the region.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MinimizeArgs<'a> {
    pub(crate) timeout: i64,
    pub(crate) limit: i64,
    #[serde(serialize_with = "base64_or_null")]
    pub(crate) keep_coverage: Option<&'a [u8]>,
    /// Which value of the entry to minimize (a `[]byte` or `string` one).
    pub(crate) index: usize,
}

/// The fuzz call's response. Borrowed from the response line where possible; unknown fields
/// (a later Go) are ignored, missing ones are zero.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct FuzzResponse<'a> {
    pub(crate) total_duration: i64,
    pub(crate) interesting_duration: i64,
    pub(crate) count: i64,
    /// Base64 text, decoded by the caller into a reused buffer.
    #[serde(borrow)]
    pub(crate) coverage_data: Option<Base64Text<'a>>,
    /// The fuzz function failed: Go's test output for the failure.
    #[serde(borrow)]
    pub(crate) err: Cow<'a, str>,
    /// The worker could not do the call (not a crash).
    #[serde(borrow)]
    pub(crate) internal_err: Cow<'a, str>,
}

/// The minimize call's response.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct MinimizeResponse<'a> {
    pub(crate) wrote_to_mem: bool,
    #[serde(borrow)]
    pub(crate) err: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) coverage_data: Option<Base64Text<'a>>,
    pub(crate) duration: i64,
    pub(crate) count: i64,
}

/// The ping response, `{}`; anything else in it is ignored.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PingResponse {}

/// The raw text of a JSON string holding base64, borrowed from the line when it has no
/// escapes (Go never escapes base64 characters). Read as bytes: base64 is ASCII, so the
/// UTF-8 validation a `&str` would cost on every response is skipped.
#[derive(Debug)]
pub(crate) struct Base64Text<'a>(pub(crate) Cow<'a, [u8]>);

impl<'de: 'a, 'a> Deserialize<'de> for Base64Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Base64Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                Ok(Base64Text(Cow::Borrowed(v)))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Base64Text(Cow::Borrowed(v.as_bytes())))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(Base64Text(Cow::Owned(v.to_vec())))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Base64Text(Cow::Owned(v.as_bytes().to_vec())))
            }
        }
        d.deserialize_bytes(Visit)
    }
}

fn base64_or_null<S: Serializer>(bytes: &Option<&[u8]>, s: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(bytes) => s.serialize_str(&STANDARD.encode(bytes)),
        None => s.serialize_none(),
    }
}

/// A call as the line sent on fuzz_in.
pub(crate) fn encode_call(call: &Call<'_>) -> Vec<u8> {
    // Serializing these plain structs cannot fail (no maps with non-string keys, no I/O).
    let mut line = serde_json::to_vec(call).expect("RPC calls always serialize");
    line.push(b'\n');
    line
}

/// Decodes base64 coverage text into `out` (cleared first), with the SIMD engine when the CPU
/// has one: coverage arrives with every run and is tens of kilobytes long.
///
/// Most of Go's counters are zero on any one run, and zero bytes are `A` characters in base64
/// (`AAAA` = three zero bytes), so runs of whole 32-character blocks of `A` are written as zeros
/// without decoding (about a fifth of the decoder's instructions per byte); everything else
/// goes through the decoder, which validates it. The result is exactly the decoder's.
pub(crate) fn decode_coverage(
    text: &Base64Text<'_>,
    out: &mut Vec<u8>,
) -> Result<(), base64::DecodeError> {
    static DECODER: OnceLock<Simd> = OnceLock::new();
    let decoder = DECODER.get_or_init(|| Simd::standard(PAD));
    let text: &[u8] = &text.0;
    // Sized in place rather than cleared and grown, which would zero the whole buffer on every
    // response: successive responses of one binary have the same length.
    out.resize(base64::decoded_len_estimate(text.len()), 0);
    let mut written = 0;
    match decode_zero_runs(decoder, text, out, &mut written) {
        Ok(()) => {
            out.truncate(written);
            Ok(())
        }
        Err(base64::DecodeSliceError::DecodeError(e)) => {
            out.clear();
            Err(e)
        }
        // Not expected (the estimate is an upper bound); the allocating path then.
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            out.clear();
            decoder.decode_vec(text, out)
        }
    }
}

/// Characters per block checked for zeros: 32 characters are 24 bytes.
const BLOCK: usize = 32;

/// Whether a block is all `A`: four 8-byte words compared at once, branch-free.
#[inline]
fn is_zeros(block: &[u8]) -> bool {
    const A: u64 = u64::from_ne_bytes([b'A'; 8]);
    let word = |i: usize| u64::from_ne_bytes(block[i..i + 8].try_into().expect("8 bytes")) ^ A;
    block.len() == BLOCK && (word(0) | word(8) | word(16) | word(24)) == 0
}

/// The body of [`decode_coverage`]: `text` into `out` from 0, `written` bytes so far. Blocks
/// are whole quads and the last (possibly padded) characters always go to the decoder, so
/// every piece decodes on its own exactly as within the whole text; a decoding error's offset
/// is made relative to the whole text again.
fn decode_zero_runs(
    decoder: &Simd,
    text: &[u8],
    out: &mut [u8],
    written: &mut usize,
) -> Result<(), base64::DecodeSliceError> {
    let is_zero_block = |at: usize| at + BLOCK < text.len() && is_zeros(&text[at..at + BLOCK]);
    let mut at = 0;
    while at < text.len() {
        if is_zero_block(at) {
            let start = at;
            while is_zero_block(at) {
                at += BLOCK;
            }
            let n = (at - start) / 4 * 3;
            let dst = out
                .get_mut(*written..*written + n)
                .ok_or(base64::DecodeSliceError::OutputSliceTooSmall)?;
            dst.fill(0);
            *written += n;
            continue;
        }
        // Decode up to the next block of zeros (block-aligned from here), or the end.
        let start = at;
        at += BLOCK;
        while at < text.len() && !is_zero_block(at) {
            at += BLOCK;
        }
        let piece = &text[start..at.min(text.len())];
        let n = decoder
            .decode_slice(piece, &mut out[*written..])
            .map_err(|e| shift_error(e, start))?;
        *written += n;
        at = at.min(text.len());
    }
    Ok(())
}

/// A decoding error of the piece starting at `offset`, as an error of the whole text.
fn shift_error(e: base64::DecodeSliceError, offset: usize) -> base64::DecodeSliceError {
    use base64::DecodeError::*;
    use base64::DecodeSliceError::DecodeError as D;
    match e {
        D(InvalidByte(i, b)) => D(InvalidByte(i + offset, b)),
        D(InvalidLastSymbol {
            offset: i,
            symbol,
            symbol_value,
        }) => D(InvalidLastSymbol {
            offset: i + offset,
            symbol,
            symbol_value,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_go_json_lines() {
        assert_eq!(encode_call(&Call::Ping {}), b"{\"Ping\":{}}\n");
        let fuzz = Call::Fuzz(FuzzArgs {
            timeout: 0,
            limit: 0,
            warmup: true,
            coverage_data: None,
        });
        assert_eq!(
            String::from_utf8(encode_call(&fuzz)).unwrap(),
            "{\"Fuzz\":{\"Timeout\":0,\"Limit\":0,\"Warmup\":true,\"CoverageData\":null}}\n"
        );
        let min = Call::Minimize(MinimizeArgs {
            timeout: 5,
            limit: 6,
            keep_coverage: Some(&[0, 1, 0xff]),
            index: 2,
        });
        assert_eq!(
            String::from_utf8(encode_call(&min)).unwrap(),
            "{\"Minimize\":{\"Timeout\":5,\"Limit\":6,\"KeepCoverage\":\"AAH/\",\"Index\":2}}\n"
        );
    }

    #[test]
    fn responses_decode_as_go_writes_them() {
        let line = br#"{"TotalDuration":188069,"InterestingDuration":132728,"Count":1,"CoverageData":"AAH/","Err":"","InternalErr":""}"#;
        let r: FuzzResponse = serde_json::from_slice(line).unwrap();
        assert_eq!(
            (r.total_duration, r.interesting_duration, r.count),
            (188069, 132728, 1)
        );
        let text = r.coverage_data.unwrap();
        assert!(matches!(text.0, Cow::Borrowed(b"AAH/")));
        let mut cov = vec![9];
        decode_coverage(&text, &mut cov).unwrap();
        assert_eq!(cov, [0, 1, 0xff]);

        // Go escapes <, > and & in strings; nulls and missing or unknown fields are fine.
        let line = br#"{"Count":3,"CoverageData":null,"Err":"x \u003c y\n","Future":[1]}"#;
        let r: FuzzResponse = serde_json::from_slice(line).unwrap();
        assert_eq!((r.count, r.err.as_ref()), (3, "x < y\n"));
        assert!(r.coverage_data.is_none() && r.internal_err.is_empty());
        // An escaped base64 character (legal JSON, though Go never writes it) still decodes.
        let r: FuzzResponse = serde_json::from_slice(br#"{"CoverageData":"AAH\/"}"#).unwrap();
        let mut cov = Vec::new();
        decode_coverage(&r.coverage_data.unwrap(), &mut cov).unwrap();
        assert_eq!(cov, [0, 1, 0xff]);

        let line =
            br#"{"WroteToMem":true,"Err":"boom","CoverageData":null,"Duration":7,"Count":9}"#;
        let r: MinimizeResponse = serde_json::from_slice(line).unwrap();
        assert!(r.wrote_to_mem);
        assert_eq!((r.err.as_ref(), r.duration, r.count), ("boom", 7, 9));
        let _: PingResponse = serde_json::from_slice(b"{}").unwrap();
    }

    /// The zero-run fast path gives exactly what the plain decoder gives: sparse and dense
    /// coverage of every length around the block size, and the same errors on bad text.
    #[test]
    fn coverage_decodes_exactly_as_the_decoder() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out = vec![0xee; 7];
        for len in (0..300).chain([5378, 14093, 50673]) {
            for density in [0, 1, 8, 64, 256] {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        let r = next();
                        if (r % 256) < density as u64 {
                            (r >> 8) as u8 | 1
                        } else {
                            0
                        }
                    })
                    .collect();
                let text = STANDARD.encode(&bytes);
                decode_coverage(&Base64Text(Cow::Borrowed(text.as_bytes())), &mut out).unwrap();
                assert_eq!(out, bytes, "len {len} density {density}");
            }
        }
        let zeros = STANDARD.encode(vec![0u8; 300]);
        for (at, bad) in [(0, b'!'), (40, b'*'), (96, b'$'), (zeros.len() - 5, b'-')] {
            let mut text = zeros.clone().into_bytes();
            text[at] = bad;
            let want = STANDARD.decode(&text).unwrap_err();
            let got = decode_coverage(&Base64Text(Cow::Borrowed(&text)), &mut out).unwrap_err();
            assert_eq!(got, want, "bad byte at {at}");
            assert!(out.is_empty());
        }
    }
}
