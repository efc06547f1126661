//! Errors of the region layer: a kind (what the C ABI turns into a status code) and a message
//! that names the operation, the path when there is one, and the OS error.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What went wrong, coarsely; each kind is one C status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument is out of its allowed range (a size smaller than the header, larger than the
    /// file, a descriptor that is not a regular file, …).
    InvalidArgument,
    /// A value or capacity does not fit.
    TooLarge,
    /// The header holds a state no correct peer writes (for example a negative `value_len`).
    CorruptHeader,
    /// The operating system refused: see [`Error::io_error`].
    Io,
}

/// An error from a region operation.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    operation: &'static str,
    path: Option<PathBuf>,
    detail: String,
    source: Option<io::Error>,
}

/// Shorthand for `Result<T, gofuzz_shm::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, operation: &'static str, detail: impl Into<String>) -> Self {
        Error {
            kind,
            operation,
            path: None,
            detail: detail.into(),
            source: None,
        }
    }

    pub(crate) fn io(operation: &'static str, source: io::Error) -> Self {
        Error {
            kind: ErrorKind::Io,
            operation,
            path: None,
            detail: String::new(),
            source: Some(source),
        }
    }

    pub(crate) fn with_path(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The operation that failed, e.g. `"map file"`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The file involved, when there is one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The OS error behind an [`ErrorKind::Io`] failure.
    pub fn io_error(&self) -> Option<&io::Error> {
        self.source.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation)?;
        if let Some(path) = &self.path {
            write!(f, " {}", path.display())?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_operation_path_detail_and_os_error() {
        let err = Error::io("create region file in", io::Error::from_raw_os_error(2))
            .with_path(Path::new("/nope"));
        assert_eq!(err.kind(), ErrorKind::Io);
        let text = err.to_string();
        assert!(text.starts_with("create region file in /nope: "), "{text}");
        assert!(text.contains("os error 2"), "{text}");

        let err = Error::new(ErrorKind::TooLarge, "set value", "7 bytes > capacity 3");
        assert_eq!(err.to_string(), "set value: 7 bytes > capacity 3");
        assert!(std::error::Error::source(&err).is_none());
    }
}
