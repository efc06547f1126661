//! Engine bytes to a corpus entry: the one place that knows how the fuzz target's arguments
//! are made from an engine's raw input — the signature module's byte mapping (identity for a
//! lone `[]byte`).

use crate::error::{Error, ErrorKind, Result};
use crate::signature::Signature;

/// How a target's engine bytes become its corpus entry.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    signature: Signature,
}

impl Mapping {
    /// The mapping for the target's argument types, Go's spelling separated by commas
    /// (`"string,int64,bool"`); `None` is a lone `[]byte`.
    pub(crate) fn new(types: Option<&str>) -> Result<Mapping> {
        let signature = Signature::parse(types.unwrap_or("[]byte")).map_err(|e| {
            Error::new(
                ErrorKind::InvalidArgument,
                "start target",
                format!("fuzz target arguments {:?}: {e}", types.unwrap_or("")),
            )
        })?;
        Ok(Mapping { signature })
    }

    /// The signature engine bytes are mapped to.
    pub(crate) fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The corpus entry for `data`, written into `entry`.
    pub(crate) fn entry_into(&self, data: &[u8], entry: &mut Vec<u8>) {
        *entry = self.signature.entry_from_bytes(data);
    }
}
