//! Engine bytes to a corpus entry: the one place that knows how the fuzz target's arguments
//! are made from an engine's raw input.
//!
//! For now every target takes a lone `[]byte` and the engine's bytes are that argument. Typed
//! targets (`string, int64, bool`, …) come with the signature module, whose byte mapping will
//! replace [`Mapping`]'s body; callers already name the types (`TargetOptions::types`).

use crate::corpus::{self, Value};
use crate::error::{Error, ErrorKind, Result};

/// How a target's engine bytes become its corpus entry.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    _lone_bytes: (),
}

impl Mapping {
    /// The mapping for the target's argument types, Go's spelling separated by commas
    /// (`"[]byte"`); `None` is a lone `[]byte`.
    pub(crate) fn new(types: Option<&str>) -> Result<Mapping> {
        match types.map(str::trim) {
            None | Some("[]byte") => Ok(Mapping { _lone_bytes: () }),
            Some(other) => Err(Error::new(
                ErrorKind::InvalidArgument,
                "start target",
                format!(
                    "fuzz target arguments {other:?}: this build maps engine bytes only to a \
                     single []byte argument"
                ),
            )),
        }
    }

    /// The corpus entry for `data`, written into `entry` (cleared first).
    pub(crate) fn entry_into(&self, data: &[u8], entry: &mut Vec<u8>) {
        // One []byte: encode allocates its own vector; the engine's bytes are the argument.
        *entry = corpus::encode(&[Value::Bytes(data.to_vec())]);
    }
}
