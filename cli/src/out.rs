//! Writing to stdout: buffered, flushed at line ends that matter, every error handled (a
//! closed pipe ends the command quietly instead of panicking as `println!` would).

use std::io::{self, BufWriter, Stdout, Write};

use crate::error::{CliError, Result};

pub struct Out {
    inner: BufWriter<Stdout>,
}

impl Out {
    pub fn new() -> Out {
        Out {
            inner: BufWriter::new(io::stdout()),
        }
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.inner.write_all(bytes).map_err(CliError::stdout)
    }

    pub fn line(&mut self, text: &str) -> Result<()> {
        self.write(text.as_bytes())?;
        self.write(b"\n")
    }

    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush().map_err(CliError::stdout)
    }
}
