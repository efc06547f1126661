//! `gofuzz-shm run` and the target's signature: which argument types the inputs are for
//! (given with --types, discovered with --pkg, or unknown), how a raw file becomes a corpus
//! entry, and what a worker's "your values do not fit" failure means for each way of running.

use std::path::Path;

use gofuzz_shm::corpus::Value;
use gofuzz_shm::signature::{call_mismatch, Signature};

use crate::args::RunArgs;
use crate::error::{CliError, Result};

/// What is known of the target's arguments.
pub enum Inputs {
    /// Raw files, each the single `[]byte` argument (no signature given).
    RawBytes,
    /// Raw files mapped to this signature.
    RawMapped(Signature),
    /// Corpus entries, checked against this signature when there is one.
    Entries(Option<Signature>),
}

impl Inputs {
    /// From the arguments: parses --types or discovers --pkg (a failure is a usage error).
    pub fn from_args(args: &RunArgs) -> Result<Inputs> {
        let signature = if let Some(types) = &args.types {
            Some(Signature::parse(types).map_err(|e| CliError::new(format!("--types: {e}")))?)
        } else if let Some(dir) = &args.pkg {
            Some(discover(dir, &args.target)?)
        } else {
            None
        };
        Ok(match (args.raw, signature) {
            (true, None) => Inputs::RawBytes,
            (true, Some(sig)) => Inputs::RawMapped(sig),
            (false, sig) => Inputs::Entries(sig),
        })
    }

    /// The value-type check `go test` makes before running a corpus file: Go's message when
    /// the decoded values do not fit the known signature.
    pub fn check_entry(&self, values: &[Value]) -> Option<String> {
        match self {
            Inputs::Entries(Some(sig)) => sig
                .check(values)
                .err()
                .map(|e| format!("{e} (the target takes {sig}), as go test would reject it")),
            _ => None,
        }
    }

    /// What a worker's failure text means when Go refused to call the target with the
    /// values: `Ok(None)` when it is an ordinary failure; `Ok(Some(why))` when the input is
    /// invalid (a corpus entry of other types); `Err` when it is a usage mistake that would
    /// make every input fail the same way (raw files run with the wrong types).
    pub fn mismatch(&self, target: &str, message: &str) -> Result<Option<String>> {
        let Some(reason) = call_mismatch(message) else {
            return Ok(None);
        };
        match self {
            Inputs::Entries(_) => Ok(Some(format!(
                "the entry's values do not fit {target}'s arguments (Go: {reason}), as go test \
                 would reject it"
            ))),
            Inputs::RawBytes => Err(CliError::new(format!(
                "{target} does not take a lone []byte (Go: {reason}), so a raw file cannot be \
                 its single argument: pass --pkg DIR (the target's package directory, to \
                 discover its argument types) or --types LIST (e.g. --types string,int64), and \
                 the raw files are mapped to those types"
            ))),
            Inputs::RawMapped(sig) => Err(CliError::new(format!(
                "{target} does not take {sig} (Go: {reason}): the raw files were mapped to the \
                 wrong argument types; check --types, or whether --pkg is the package the test \
                 binary was built from"
            ))),
        }
    }
}

fn discover(dir: &Path, target: &str) -> Result<Signature> {
    Signature::discover(dir, target).map_err(|e| {
        CliError::new(format!(
            "--pkg {}: cannot tell {target}'s argument types: {e}",
            dir.display()
        ))
    })
}
