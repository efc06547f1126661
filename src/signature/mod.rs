//! A Go fuzz target's argument types (its *signature*) and the byte mapping that turns an
//! engine's raw bytes into values of that signature.
//!
//! Engines (libFuzzer, AFL++, LibAFL) hand a target a byte string; a Go fuzz target takes
//! typed arguments, any list of the 17 types `testing.F.Fuzz` accepts. A [`Signature`] is
//! that list, known from:
//! - a type list in Go's spelling: [`Signature::parse`]`("string,int64,bool")`;
//! - a corpus entry of the target: [`Signature::from_entry`];
//! - the package source, type-checked by Go's own tooling: [`Signature::discover`].
//!
//! [`Signature::values_from_bytes`] maps any byte string to values of the signature (the
//! mapping is documented in the README and on [`MAPPING_VERSION`]); [`Signature::entry_from_bytes`]
//! encodes them as the `go test fuzz v1` entry a worker runs, and
//! [`Signature::bytes_from_values`] goes back, so that a Go corpus file can seed an engine.
//!
//! ```
//! use gofuzz_shm::corpus::Value;
//! use gofuzz_shm::signature::Signature;
//!
//! let sig = Signature::parse("string,int64,bool")?;
//! let mut input = 1000i64.to_le_bytes().to_vec(); // the int64, little-endian
//! input.push(1); // the bool: low bit
//! input.extend_from_slice(b"hello"); // the string: the rest
//! assert_eq!(
//!     sig.values_from_bytes(&input),
//!     [Value::String(b"hello".to_vec()), Value::Int64(1000), Value::Bool(true)]
//! );
//! assert_eq!(
//!     sig.entry_from_bytes(&input),
//!     b"go test fuzz v1\nstring(\"hello\")\nint64(1000)\nbool(true)\n"
//! );
//! assert_eq!(sig.bytes_from_values(&sig.values_from_bytes(&input))?, input);
//! # Ok::<(), gofuzz_shm::signature::SignatureError>(())
//! ```

#![forbid(unsafe_code)]

mod discover;
mod error;
mod kind;
mod mapping;
mod mismatch;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::corpus::{self, Value};

pub use discover::DiscoverOptions;
pub use error::{SignatureError, SignatureErrorKind};
pub use kind::Kind;
pub use mapping::{MAPPING_VERSION, SEPARATOR};
pub use mismatch::call_mismatch;

/// The argument types of a Go fuzz target's `f.Fuzz` callback after its `*testing.T`, in
/// order; never empty (Go requires at least one).
///
/// `Display` writes the Go spelling, comma-separated (`string,int64,bool`), which
/// [`Signature::parse`] reads back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    kinds: Vec<Kind>,
}

impl Signature {
    /// A signature of these kinds; fails when `kinds` is empty.
    pub fn new(kinds: Vec<Kind>) -> Result<Signature, SignatureError> {
        if kinds.is_empty() {
            return Err(SignatureError::new(
                SignatureErrorKind::Parse,
                "a fuzz target takes at least one value after its *testing.T",
            ));
        }
        Ok(Signature { kinds })
    }

    /// Parses a comma-separated list of Go type names, e.g. `"string,int64,bool"` or
    /// `"[]byte"`. Spaces around names are ignored; `[]uint8` is read as `[]byte`.
    pub fn parse(types: &str) -> Result<Signature, SignatureError> {
        if types.trim().is_empty() {
            return Err(SignatureError::new(
                SignatureErrorKind::Parse,
                "empty type list: give the fuzz target's argument types in Go's spelling, \
                 comma-separated, e.g. \"string,int64,bool\"",
            ));
        }
        let kinds = types
            .split(',')
            .enumerate()
            .map(|(i, name)| {
                let name = name.trim();
                if name.is_empty() {
                    return Err(SignatureError::new(
                        SignatureErrorKind::Parse,
                        format!("type {} of {types:?} is empty", i + 1),
                    ));
                }
                name.parse::<Kind>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Signature::new(kinds)
    }

    /// The signature of a target from one of its corpus entries (a file under
    /// `testdata/fuzz/<Target>/` or Go's fuzz cache): the types of its values, with the
    /// spelling the lines use. Fails when the entry is not one Go would decode, or holds no
    /// value.
    pub fn from_entry(entry: &[u8]) -> Result<Signature, SignatureError> {
        let values = corpus::decode(entry).map_err(|e| {
            SignatureError::new(SignatureErrorKind::Entry, format!("corpus entry: {e}"))
        })?;
        Signature::new(values.iter().map(Kind::of).collect()).map_err(|_| {
            SignatureError::new(
                SignatureErrorKind::Entry,
                "the corpus entry holds no value (only the version line)",
            )
        })
    }

    /// The signature of fuzz target `target` (e.g. `"FuzzParse"`) of the Go package in
    /// `pkg_dir`, as Go's type checker sees the parameters of the function its `f.Fuzz` gets
    /// (after the `*testing.T`), with the spelling of the source (`byte`/`uint8`).
    ///
    /// Runs the `go` on PATH: a helper program (standard library only) is built in a private
    /// temporary directory, removed before this returns, and type-checks the package's test
    /// files, external test package (`package foo_test`) included. The caller's environment
    /// applies to the package (`GOFLAGS=-tags=…`, modules, `GOTOOLCHAIN`); dependencies are
    /// read from the build cache's export data, compiled if needed, never downloaded by this
    /// function (a module whose dependencies are missing fails as `go build` would). Takes
    /// about a second with a warm build cache.
    ///
    /// The callback may be a function literal, a named function, a method value or any
    /// expression of function type; `f.Fuzz` may be called in a helper of the package that
    /// `FuzzX` passes `f` to. Errors ([`SignatureErrorKind::Discover`]): no such package or
    /// target, a package that does not build or type-check, a callback whose type is not a
    /// function type (e.g. passed through a variable of type `any`), or one Go's fuzzing
    /// refuses (a named type such as `type Name string`, a return value, a variadic
    /// parameter), each with a message saying what and where.
    /// [`SignatureErrorKind::Tooling`]: no `go` command, or the helper could not be built.
    pub fn discover(pkg_dir: &Path, target: &str) -> Result<Signature, SignatureError> {
        discover::discover(pkg_dir, target, &DiscoverOptions::default())
    }

    /// [`discover`](Signature::discover) with another `go` command or build flags (e.g.
    /// `-tags=libfuzzer`, when the target's files depend on build tags).
    pub fn discover_with(
        pkg_dir: &Path,
        target: &str,
        options: &DiscoverOptions,
    ) -> Result<Signature, SignatureError> {
        discover::discover(pkg_dir, target, options)
    }

    /// The argument kinds, in order.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// Number of arguments.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Always false: a signature has at least one kind (for clippy's `len` convention).
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Whether the mapping is the identity: a lone `[]byte` or `string`, whose value is the
    /// input itself.
    pub fn is_identity(&self) -> bool {
        matches!(self.kinds[..], [Kind::Bytes] | [Kind::String])
    }

    /// Bytes at the front of an input that hold the fixed-width values (0 when there are
    /// none). Shorter inputs read as if zero-padded to this length.
    pub fn header_len(&self) -> usize {
        mapping::header_len(&self.kinds)
    }

    /// Whether two signatures are the same Go types (`byte` = `uint8`, `rune` = `int32`),
    /// whatever their spelling.
    pub fn same_types(&self, other: &Signature) -> bool {
        self.kinds.len() == other.kinds.len()
            && self
                .kinds
                .iter()
                .zip(&other.kinds)
                .all(|(a, b)| a.canonical() == b.canonical())
    }

    /// Checks `values` against the signature as `go test` checks a corpus entry against its
    /// target, and fails with Go's own wording: `wrong number of values in corpus entry: 2,
    /// want 1`, or `mismatched types in corpus entry: [string int64], want [[]uint8]`.
    pub fn check(&self, values: &[Value]) -> Result<(), SignatureError> {
        if values.len() != self.kinds.len() {
            return Err(SignatureError::new(
                SignatureErrorKind::Mismatch,
                format!(
                    "wrong number of values in corpus entry: {}, want {}",
                    values.len(),
                    self.kinds.len()
                ),
            ));
        }
        if self.kinds.iter().zip(values).all(|(k, v)| k.accepts(v)) {
            return Ok(());
        }
        let list = |names: Vec<&str>| format!("[{}]", names.join(" "));
        Err(SignatureError::new(
            SignatureErrorKind::Mismatch,
            format!(
                "mismatched types in corpus entry: {}, want {}",
                list(values.iter().map(|v| Kind::of(v).go_type()).collect()),
                list(self.kinds.iter().map(|k| k.go_type()).collect())
            ),
        ))
    }

    /// The values `data` maps to (mapping version [`MAPPING_VERSION`], described in the
    /// README): fixed-width values from a little-endian header at the front (missing bytes
    /// read as zero), `[]byte`/`string` values from the rest, split at [`SEPARATOR`]. Total
    /// (every byte string, the empty one included, gives valid values) and deterministic.
    /// The values carry the signature's spelling (`Value::Byte` for `byte`, `Value::Uint8`
    /// for `uint8`).
    pub fn values_from_bytes(&self, data: &[u8]) -> Vec<Value> {
        mapping::values_from_bytes(&self.kinds, data)
    }

    /// Where each value comes from in `data`, in signature order: a fixed-width value's
    /// header field (which may reach past the end of a short input: those bytes read as
    /// zero), a `[]byte`/`string` value's piece (separators excluded). For engines that
    /// mutate one value at a time, or locate a comparison operand's value in the input.
    ///
    /// ```
    /// use gofuzz_shm::signature::Signature;
    /// let sig = Signature::parse("string,int32,string")?;
    /// let input = b"\x01\x00\x00\x00ab\xfeGO\xffcd";
    /// assert_eq!(sig.spans(input), [4..6, 0..4, 10..12]);
    /// # Ok::<(), gofuzz_shm::signature::SignatureError>(())
    /// ```
    pub fn spans(&self, data: &[u8]) -> Vec<std::ops::Range<usize>> {
        mapping::spans(&self.kinds, data)
    }

    /// The `go test fuzz v1` corpus entry of the values `data` maps to, ready to send to a
    /// worker of the target or to save as a Go corpus file.
    pub fn entry_from_bytes(&self, data: &[u8]) -> Vec<u8> {
        corpus::encode(&self.values_from_bytes(data))
    }

    /// An input that maps to `values` (the mapping's inverse): the header with each
    /// fixed-width value (a `bool` as 0 or 1), then the `[]byte`/`string` values joined by
    /// [`SEPARATOR`]. `values_from_bytes` of the result gives `values` back (in the
    /// signature's spelling).
    ///
    /// Fails when `values` do not fit the signature ([`SignatureErrorKind::Mismatch`]), or
    /// when a `[]byte`/`string` other than the last contains the separator
    /// ([`SignatureErrorKind::NoInverse`]): no input maps to such values.
    pub fn bytes_from_values(&self, values: &[Value]) -> Result<Vec<u8>, SignatureError> {
        self.check(values)?;
        mapping::bytes_from_values(&self.kinds, values)
    }

    /// The input of a corpus entry (decoded, checked against the signature, then
    /// [`bytes_from_values`](Signature::bytes_from_values)): how an engine imports a Go seed
    /// corpus such as `testdata/fuzz/<Target>/`.
    pub fn bytes_from_entry(&self, entry: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let values = corpus::decode(entry).map_err(|e| {
            SignatureError::new(SignatureErrorKind::Entry, format!("corpus entry: {e}"))
        })?;
        self.bytes_from_values(&values)
    }

    /// The input of Go's zero values, with every separator in place: a seed for an engine
    /// that has no corpus, so that its insertions can grow every `[]byte`/`string` value.
    pub fn zero_input(&self) -> Vec<u8> {
        let zeros: Vec<Value> = self.kinds.iter().map(|k| k.zero()).collect();
        // Zero values never contain the separator, so the inverse always exists.
        mapping::bytes_from_values(&self.kinds, &zeros).unwrap_or_default()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, kind) in self.kinds.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(kind.name())?;
        }
        Ok(())
    }
}

impl FromStr for Signature {
    type Err = SignatureError;

    fn from_str(types: &str) -> Result<Signature, SignatureError> {
        Signature::parse(types)
    }
}
