//! Starting a worker process and pinging it; when it will not answer, finding out why.

use std::os::fd::AsRawFd;
use std::process::Command;
use std::time::Instant;

use super::host::Worker;
use super::options::START;
use super::process::{run_to_end, Deadlines, Exit, LineRead, Process, Spawn};
use super::rpc::PingResponse;
use crate::error::{Error, ErrorKind, Result};

/// Go's exit code for a worker whose fuzzing machinery failed (`fuzzWorkerExitCode`): among
/// others, a fuzz target that fails before calling `F.Fuzz`.
const GO_WORKER_EXIT_CODE: i32 = 70;

impl Worker {
    /// Starts a process and waits (up to the per-call timeout) for the answer to a ping, which
    /// a Go worker sends only once its fuzz target has called `F.Fuzz`.
    pub(super) fn spawn_and_ping(&mut self) -> Result<Process> {
        let inherit: Vec<_> = (self.options.inherit.iter())
            .map(|i| (i.target, i.fd.as_raw_fd()))
            .collect();
        let spec = Spawn {
            binary: &self.options.binary,
            args: &self.args,
            env: self.options.env.as_deref(),
            dir: self.options.dir.as_deref(),
            region_fd: self.region().fd(),
            inherit: &inherit,
            extra_env: &self.options.extra_env,
            timeout: self.options.timeout,
        };
        let mut process = Process::spawn(&spec)
            .map_err(|e| Error::io(START, e).with_path(&self.options.binary))?;
        let start = Instant::now();
        let ping_timeout = self.options.ping_timeout();
        let deadlines = Deadlines {
            limit: Some(ping_timeout),
            progress: None,
        };
        let sent = process.send(&self.ping_call, start + ping_timeout);
        let read = match sent {
            Ok(()) => process
                .read_line(&mut self.line, start, deadlines)
                .map_err(|e| Error::io(START, e))?,
            // It already exited: collect how, below.
            Err(_) => LineRead::Eof,
        };
        match read {
            LineRead::Line(_) => match serde_json::from_slice::<PingResponse>(&self.line) {
                Ok(_) => Ok(process),
                Err(e) => {
                    let _ = process.kill(super::host::STOP_STEP);
                    let line = String::from_utf8_lossy(&self.line).into_owned();
                    Err(self.start_error(format!(
                        "the worker answered the ping with {line:?}, not Go's {{}} ({e}); \
                         this is not a Go fuzz worker"
                    )))
                }
            },
            LineRead::Eof => {
                let exit = process
                    .reap_exited(super::host::STOP_STEP)
                    .map_err(|e| Error::io(START, e))?;
                let output = process.output_text();
                Err(self.start_error(self.diagnose(exit, &output)))
            }
            LineRead::Timeout => {
                let exit = process
                    .kill(super::host::STOP_STEP)
                    .map_err(|e| Error::io(START, e))?;
                let output = process.output_text();
                Err(Error::new(
                    ErrorKind::Io,
                    START,
                    format!(
                        "{}: no answer to the ping within {:?} (the timeout); {}. \
                         A Go worker answers once fuzz target {} has called F.Fuzz; setup \
                         before that may be too slow.{}",
                        self.options.binary.display(),
                        ping_timeout,
                        super::run::killed(exit),
                        self.options.target,
                        output_section(&output)
                    ),
                ))
            }
        }
    }

    fn start_error(&self, detail: String) -> Error {
        Error::new(ErrorKind::InvalidArgument, START, detail)
    }

    /// Why a process exited instead of answering the ping, from its output and exit status,
    /// with one more short run of the binary when that tells more.
    fn diagnose(&self, exit: Exit, output: &str) -> String {
        let binary = self.options.binary.display();
        let target = &self.options.target;
        if output.contains("no fuzz tests to fuzz") {
            let listed = self.list_fuzz_targets();
            return format!(
                "{binary} has no fuzz target named {target} (its fuzz targets: {listed}).{}",
                output_section(output)
            );
        }
        if output.contains("flag provided but not defined: -test.") {
            return format!(
                "{binary} is not a Go test binary: it does not know the -test.* flags. Build \
                 one with `go test -c -fuzz={target}`.{}",
                output_section(output)
            );
        }
        if exit == Exit::Code(GO_WORKER_EXIT_CODE) {
            let test_output = self.run_as_test();
            return format!(
                "fuzz target {target} in {binary} failed before calling F.Fuzz, or called it \
                 wrongly (the worker exited with code 70, Go's code for that; a worker discards \
                 the test's own messages).{}{}",
                output_section(output),
                match test_output {
                    Some(text) =>
                        format!("\n--- run as a test (-test.run=^{target}$ -test.v) ---\n{text}"),
                    None => String::new(),
                }
            );
        }
        format!(
            "{binary} exited ({exit}) without answering the ping: it is not a Go test binary \
             with fuzz target {target}, or the target skipped or exited before calling \
             F.Fuzz.{}",
            output_section(output)
        )
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.options.binary);
        if let Some(env) = &self.options.env {
            command.env_clear();
            command.envs(env.iter().map(|(k, v)| (k, v)));
        }
        if let Some(dir) = &self.options.dir {
            command.current_dir(dir);
        }
        command
    }

    /// The fuzz targets the binary lists, comma-separated, or why there are none to show.
    fn list_fuzz_targets(&self) -> String {
        let mut command = self.command();
        command.arg("-test.list=^Fuzz");
        match run_to_end(command, self.options.timeout) {
            Ok((Exit::Code(0), text)) => {
                let names: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with("Fuzz"))
                    .collect();
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            }
            Ok((exit, _)) => format!("unknown, -test.list failed with {exit}"),
            Err(e) => format!("unknown, -test.list could not run: {e}"),
        }
    }

    /// Runs the target as a plain test (seed corpus only), to show why it fails before
    /// `F.Fuzz`: a worker throws that text away.
    fn run_as_test(&self) -> Option<String> {
        let mut command = self.command();
        command
            .arg(format!("-test.run=^{}$", self.options.target))
            .arg("-test.v=true")
            .args(&self.options.args);
        match run_to_end(command, self.options.timeout) {
            Ok((_, text)) if !text.is_empty() => Some(text),
            _ => None,
        }
    }
}

/// The worker's output, set off on its own lines, or a note that there was none.
pub(super) fn output_section(output: &str) -> String {
    if output.is_empty() {
        " It printed nothing.".to_owned()
    } else {
        format!("\n--- worker output ---\n{output}")
    }
}
