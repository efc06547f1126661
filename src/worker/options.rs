//! [`WorkerOptions`]: what to start and how long to wait for it.

use std::ffi::OsString;
use std::os::fd::{OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::layout::GO_WORKER_VALUE_CAPACITY;

/// The per-call timeout when none is given: 10 s, the same as the watchdog inside Go's worker
/// (a single run of the fuzz function that takes longer makes the worker panic with
/// "deadlocked!").
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How to start a worker. Build with [`WorkerOptions::new`], then adjust the public fields.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The test binary, built with `go test -c -fuzz=<Target>` (coverage counters) or plain
    /// `go test -c` (no counters). A relative path is taken relative to the current directory
    /// at start time, never looked up in `PATH`.
    pub binary: PathBuf,
    /// The fuzz target's name, e.g. `FuzzParse`: a Go identifier, matched exactly.
    pub target: String,
    /// Extra arguments, after the ones Go's coordinator passes (a later `-test.*` flag
    /// overrides an earlier one).
    pub args: Vec<OsString>,
    /// The worker's whole environment as name/value pairs; `None` inherits this process's
    /// environment, as Go's coordinator passes its own.
    pub env: Option<Vec<(OsString, OsString)>>,
    /// The worker's working directory; `None` keeps this process's. Go's coordinator uses the
    /// package directory, where `testdata/` is.
    pub dir: Option<PathBuf>,
    /// Value capacity of the region: the largest encoded corpus entry the worker can take.
    /// Default Go's 100 MiB. The region (a memfd) uses memory only for the pages written.
    pub value_capacity: usize,
    /// Per-call timeout: a run (or, while fuzzing or minimizing, a stretch without a new run)
    /// that takes longer is a hang; the worker is killed and the call reports a timeout.
    /// Also bounds how long the worker may take to answer its first ping, unless
    /// `start_timeout` is set.
    pub timeout: Duration,
    /// How long a starting worker may take to answer its first ping (at the first start and
    /// at each restart); `None` is `timeout`. For a short per-input timeout on a busy machine,
    /// where starting a Go binary can take longer than an input may.
    pub start_timeout: Option<Duration>,
    /// Descriptors the worker inherits besides Go's 3, 4 and 5, each installed at its own
    /// number (6 to 9), for every process started (a restart too): how a feature such as
    /// comparison feedback ([`crate::cmp`]) hands the worker its shared memory. Shared, so
    /// that cloned options keep them open.
    pub inherit: Vec<InheritedFd>,
    /// Environment variables set in the worker on top of `env` (or of the inherited
    /// environment), e.g. the one naming an inherited descriptor.
    pub extra_env: Vec<(OsString, OsString)>,
}

/// A descriptor a worker inherits at a fixed number (see [`WorkerOptions::inherit`]).
#[derive(Debug, Clone)]
pub struct InheritedFd {
    /// The number it gets in the worker: 6 to 9 (3, 4 and 5 are Go's).
    pub target: RawFd,
    /// The descriptor, kept open as long as the options are.
    pub fd: Arc<OwnedFd>,
}

/// The descriptor numbers [`InheritedFd::target`] may use.
pub const INHERIT_FDS: std::ops::RangeInclusive<RawFd> = 6..=9;

impl WorkerOptions {
    /// Options with the defaults: no extra arguments, inherited environment and directory,
    /// Go's 100 MiB value capacity, a 10 s per-call timeout.
    pub fn new(binary: impl Into<PathBuf>, target: impl Into<String>) -> WorkerOptions {
        WorkerOptions {
            binary: binary.into(),
            target: target.into(),
            args: Vec::new(),
            env: None,
            dir: None,
            value_capacity: GO_WORKER_VALUE_CAPACITY,
            timeout: DEFAULT_TIMEOUT,
            start_timeout: None,
            inherit: Vec::new(),
            extra_env: Vec::new(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let invalid = |detail: String| Err(Error::new(ErrorKind::InvalidArgument, START, detail));
        let target_ok = !self.target.is_empty()
            && !self.target.starts_with(|c: char| c.is_ascii_digit())
            && self.target.chars().all(|c| c == '_' || c.is_alphanumeric());
        if !target_ok {
            return invalid(format!(
                "fuzz target {:?} is not a Go identifier (e.g. FuzzParse)",
                self.target
            ));
        }
        if self.binary.as_os_str().is_empty() {
            return invalid("the test binary path is empty".into());
        }
        if self.timeout.is_zero() || self.start_timeout.is_some_and(|t| t.is_zero()) {
            return invalid("the per-call timeout is zero".into());
        }
        for (i, inherited) in self.inherit.iter().enumerate() {
            if !INHERIT_FDS.contains(&inherited.target) {
                return invalid(format!(
                    "inherited descriptor number {} is outside 6..=9 (3, 4 and 5 are Go's)",
                    inherited.target
                ));
            }
            if self.inherit[..i]
                .iter()
                .any(|o| o.target == inherited.target)
            {
                return invalid(format!(
                    "two inherited descriptors want number {}",
                    inherited.target
                ));
            }
        }
        let mut envs = self.env.iter().flatten().chain(&self.extra_env);
        if let Some((name, _)) =
            envs.find(|(name, _)| name.is_empty() || name.to_string_lossy().contains('='))
        {
            return invalid(format!(
                "environment variable name {name:?} is empty or contains '='"
            ));
        }
        Ok(())
    }
}

impl WorkerOptions {
    /// The limit on a start: `start_timeout`, else `timeout`.
    pub(crate) fn ping_timeout(&self) -> Duration {
        self.start_timeout.unwrap_or(self.timeout)
    }
}

pub(crate) const START: &str = "start worker";
