//! Engine bytes to a corpus entry: the one place that knows how the fuzz target's arguments
//! are made from an engine's raw input — the signature module's byte mapping (versioned, see
//! [`signature`](crate::signature)), identity for a lone `[]byte` or `string`.

use crate::error::{Error, ErrorKind, Result};
use crate::signature::{Kind, Signature};

/// How a target's engine bytes become its corpus entry.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    signature: Signature,
}

impl Mapping {
    /// The mapping for the target's argument types, Go's spelling separated by commas
    /// (`"string,int64,bool"`); `None` is a lone `[]byte`.
    pub(crate) fn new(types: Option<&str>) -> Result<Mapping> {
        let signature = match types {
            None => Signature::new(vec![Kind::Bytes]),
            Some(types) => Signature::parse(types),
        }
        .map_err(|e| {
            Error::new(
                ErrorKind::InvalidArgument,
                "start target",
                format!("fuzz target argument types {types:?}: {e}"),
            )
        })?;
        Ok(Mapping { signature })
    }

    /// The corpus entry for `data`, written into `entry`.
    pub(crate) fn entry_into(&self, data: &[u8], entry: &mut Vec<u8>) {
        *entry = self.signature.entry_from_bytes(data);
    }
}
