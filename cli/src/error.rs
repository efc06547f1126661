//! Errors of the command: one line saying what failed, on which file, and why; sometimes
//! followed by what the worker printed, set off as a block.

use std::fmt::Display;
use std::io;
use std::path::Path;

/// A failure that ends the command with exit status 2.
#[derive(Debug)]
pub struct CliError {
    /// The one line: what failed, on which file, why.
    line: String,
    /// More lines (a worker's output), printed indented below the line.
    detail: String,
    /// Stdout was closed by the reader (`| head`): end quietly.
    quiet: bool,
}

impl CliError {
    /// An error whose text is `line`; when it has several lines (a worker's output), the first
    /// is the error and the others are shown below it.
    pub fn new(text: impl Display) -> CliError {
        let text = text.to_string();
        let (line, detail) = match text.split_once('\n') {
            Some((line, rest)) => (line.to_owned(), rest.trim_end().to_owned()),
            None => (text, String::new()),
        };
        CliError {
            line,
            detail,
            quiet: false,
        }
    }

    /// "`what` `path`: `why`".
    pub fn file(what: &str, path: &Path, why: impl Display) -> CliError {
        CliError::new(format!("{what} {}: {why}", path.display()))
    }

    /// A failed write to stdout; a closed pipe ends the command without a message.
    pub fn stdout(e: io::Error) -> CliError {
        let mut err = CliError::new(format!("write to stdout: {e}"));
        err.quiet = e.kind() == io::ErrorKind::BrokenPipe;
        err
    }

    pub fn print(&self) {
        if self.quiet {
            return;
        }
        eprintln!("gofuzz-shm: {}", self.line);
        for line in self.detail.lines() {
            eprintln!("  | {line}");
        }
    }
}

/// The error's line (without the detail).
impl Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

impl From<gofuzz_shm::Error> for CliError {
    fn from(e: gofuzz_shm::Error) -> CliError {
        CliError::new(e)
    }
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_the_error_and_the_rest_is_detail() {
        let e = CliError::new("start worker: it died\n--- worker output ---\npanic: x\n");
        assert_eq!(e.line, "start worker: it died");
        assert_eq!(e.detail, "--- worker output ---\npanic: x");
        let e = CliError::file("read", Path::new("/x"), "gone");
        assert_eq!((e.line.as_str(), e.detail.as_str()), ("read /x: gone", ""));
        assert!(CliError::stdout(io::ErrorKind::BrokenPipe.into()).quiet);
        assert!(!CliError::stdout(io::ErrorKind::Other.into()).quiet);
    }
}
