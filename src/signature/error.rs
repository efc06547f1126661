//! The error of the signature layer.

use std::error::Error;
use std::fmt;

/// What went wrong with a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureErrorKind {
    /// A type list could not be parsed: empty, an unknown type name, an empty item.
    Parse,
    /// A corpus entry could not be decoded (Go would refuse it too).
    Entry,
    /// Values do not fit the signature: a wrong number of values or a value of another type.
    /// Go's `go test` refuses such a corpus entry (`wrong number of values in corpus entry`,
    /// `mismatched types in corpus entry`).
    Mismatch,
    /// Values have no byte string in the mapping (a `[]byte`/`string` other than the last one
    /// contains the separator).
    NoInverse,
    /// Discovery could not tell the signature from the package source: the target does not
    /// exist, the package does not type-check, the callback cannot be resolved, or its
    /// argument types are ones Go's fuzzing refuses. The message says which.
    Discover,
    /// Discovery could not run Go's tooling (no `go` command, no temporary directory, …).
    Tooling,
}

/// An error from the signature layer: a kind and a message meant for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureError {
    kind: SignatureErrorKind,
    message: String,
}

impl SignatureError {
    pub(crate) fn new(kind: SignatureErrorKind, message: impl Into<String>) -> SignatureError {
        SignatureError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> SignatureErrorKind {
        self.kind
    }

    /// The message alone (also what `Display` shows).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for SignatureError {}
