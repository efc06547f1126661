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
/// has one: coverage arrives with every run and is kilobytes long.
pub(crate) fn decode_coverage(
    text: &Base64Text<'_>,
    out: &mut Vec<u8>,
) -> Result<(), base64::DecodeError> {
    static DECODER: OnceLock<Simd> = OnceLock::new();
    let decoder = DECODER.get_or_init(|| Simd::standard(PAD));
    // Sized in place rather than cleared and grown, which would zero the whole buffer on every
    // response: successive responses of one binary have the same length.
    out.resize(base64::decoded_len_estimate(text.0.len()), 0);
    match decoder.decode_slice(&text.0, out) {
        Ok(len) => {
            out.truncate(len);
            Ok(())
        }
        Err(base64::DecodeSliceError::DecodeError(e)) => {
            out.clear();
            Err(e)
        }
        // Not expected (the estimate is an upper bound); the allocating path then.
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            out.clear();
            decoder.decode_vec(&text.0, out)
        }
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
}
