//! The command line, with clap's builder API.
//!
//! (Not clap's derive macros: those pull `syn` with more features into the build, which
//! changes the fingerprint of serde_derive, and so of the library, whenever the workspace is
//! built together: every switch between `cargo build --lib` and a workspace build would
//! recompile the library.)

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PathBufValueParser, ValueParser};
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use crate::duration;

/// The whole program's exit statuses: the top-level help only. Each subcommand's help lists
/// its own.
pub const EXIT_STATUS: &str = "\
Exit status:
  0    nothing failed
  1    an input failed: a crash, a worker death or a timeout (run); a header with
       an invalid value_len (inspect)
  2    usage or setup error: bad arguments, a missing file, a binary that is not a
       Go fuzz test, an input that is not a corpus entry (when nothing failed)
  130  run was interrupted (SIGINT, SIGTERM): it stopped between two inputs,
       cleaned up and summarized what ran";

const RUN_EXIT_STATUS: &str = "\
Exit status:
  0    every input ran and none failed
  1    an input failed: a crash, a worker death or a timeout
  2    usage or setup error: bad arguments, a missing file, a binary that is not a
       Go fuzz test or lacks the target; or an input that is not a corpus entry
       (when none failed)
  130  interrupted (SIGINT, SIGTERM): it stopped between two inputs, stopped the
       worker and summarized what ran";

const INSPECT_EXIT_STATUS: &str = "\
Exit status:
  0    the header's value_len is valid (0 <= value_len <= capacity)
  1    the header's value_len is invalid
  2    usage error, or the file cannot be mapped (missing, smaller than the header)";

const ENCODE_EXIT_STATUS: &str = "\
Exit status:
  0    the entry was written
  2    usage error, a value that is not valid, a file that cannot be read or written";

const DECODE_EXIT_STATUS: &str = "\
Exit status:
  0    the input is a valid corpus entry (and, with --raw, has the value asked for)
  2    usage error, a file that cannot be read, not a corpus entry, or no such
       []byte or string value for --raw";

const BUILD_EXIT_STATUS: &str = "\
Exit status:
  0    the libFuzzer executable was written
  2    usage or setup error: no such fuzz target, arguments that cannot be found
       (give --types), go test -c failed, no clang with libFuzzer, no libgofuzz_shm.a";

/// What to do.
pub enum Action {
    Run(RunArgs),
    Inspect(InspectArgs),
    Encode(EncodeArgs),
    Decode(DecodeArgs),
    Fuzz(FuzzArgs),
    Build(BuildArgs),
}

pub struct RunArgs {
    pub bin: PathBuf,
    pub target: String,
    pub timeout: Duration,
    pub raw: bool,
    /// The target's argument types, given (`--types`).
    pub types: Option<String>,
    /// The package directory to discover the argument types from (`--pkg`).
    pub pkg: Option<PathBuf>,
    pub json: bool,
    pub crash_dir: PathBuf,
    pub workdir: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: bool,
    pub inputs: Vec<PathBuf>,
}

pub struct BuildArgs {
    pub engine: String,
    pub target: String,
    pub pkg: PathBuf,
    pub output: PathBuf,
    pub types: Option<String>,
    pub cc: Option<PathBuf>,
    pub lib: Option<PathBuf>,
    /// Extra flags for `go test -c` (the seam for comparison hooks: -tags, -ldflags).
    pub go_flags: Vec<String>,
}

pub struct InspectArgs {
    pub file: PathBuf,
    pub full: bool,
    pub json: bool,
}

pub struct EncodeArgs {
    pub values: Vec<String>,
    pub raw: Option<PathBuf>,
    /// With `raw`: map the file to these argument types.
    pub types: Option<String>,
    pub output: Option<PathBuf>,
    pub to_dir: Option<PathBuf>,
}

pub struct DecodeArgs {
    pub file: Option<PathBuf>,
    pub raw: bool,
    /// With `raw`: write the engine input that maps to the entry under these types.
    pub types: Option<String>,
    pub index: Option<usize>,
    pub json: bool,
}

fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::SetTrue)
        .help(help)
}

fn path(name: &'static str, value_name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .value_name(value_name)
        .value_parser(PathBufValueParser::new())
        .help(help)
}

pub fn command() -> Command {
    Command::new("gofuzz-shm")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "Run Go fuzz inputs through real, unmodified Go fuzz workers; inspect Go's \
             shared-memory region; encode and decode `go test fuzz v1` corpus entries.",
        )
        .after_help(EXIT_STATUS)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(run_command())
        .subcommand(inspect_command())
        .subcommand(encode_command())
        .subcommand(decode_command())
        .subcommand(fuzz_command())
        .subcommand(build_command())
}

fn build_command() -> Command {
    Command::new("build")
        .about("Build a libFuzzer or AFL++ binary for a Go fuzz target")
        .after_help(BUILD_EXIT_STATUS)
        .long_about(
            "Build one self-contained libFuzzer or AFL++ executable for a Go fuzz target.\n\n\
             The package's unmodified test binary (`go test -c -fuzz=^FuzzX$`) is embedded in \
             it; each engine process runs it as a Go fuzz worker, with Go's coverage counters \
             as the engine's coverage. `--engine libfuzzer` needs clang with libFuzzer \
             (Debian: clang-19 libclang-rt-19-dev); `--engine afl` makes a target that speaks \
             AFL++'s forkserver protocol itself (no afl-cc needed). Both need the static \
             library libgofuzz_shm.a.",
        )
        .arg(
            Arg::new("engine")
                .long("engine")
                .value_name("ENGINE")
                .required(true)
                .help("The engine: libfuzzer or afl"),
        )
        .arg(
            Arg::new("target")
                .long("target")
                .value_name("FuzzName")
                .required(true)
                .help("The fuzz target, e.g. FuzzParse"),
        )
        .arg(
            path("pkg", "DIR", "The Go package directory")
                .long("pkg")
                .default_value("."),
        )
        .arg(
            path("output", "OUT", "The engine executable to write")
                .long("output")
                .short('o')
                .required(true),
        )
        .arg(Arg::new("types").long("types").value_name("TYPES").help(
            "The fuzz function's argument types after *testing.T, e.g. \
                     'string,int64,bool' (default: read from the package source)",
        ))
        .arg(
            path(
                "cc",
                "CLANG",
                "clang with libFuzzer (default: $CC if it is a clang, clang-19, clang)",
            )
            .long("cc"),
        )
        .arg(
            path(
                "lib",
                "LIBGOFUZZ_SHM_A",
                "The static library (default: $GOFUZZSHM_LIB, next to this executable, \
                 pkg-config gofuzz_shm)",
            )
            .long("lib"),
        )
        .arg(
            Arg::new("go-flag")
                .long("go-flag")
                .value_name("FLAG")
                .action(ArgAction::Append)
                .allow_hyphen_values(true)
                .help("An extra flag for `go test -c` (repeatable), e.g. --go-flag=-tags=x"),
        )
}

fn run_command() -> Command {
    Command::new("run")
        .about("Replay corpus files through a real Go fuzz worker, each exactly once")
        .long_about(
            "Replay corpus files through a real Go fuzz worker, each exactly once.\n\n\
             The test binary is started the way `go test -fuzz` starts its workers, and each \
             input is run once, unmutated. Failing inputs (crash, worker death, timeout) are \
             reported with Go's output and written to the crash directory as Go corpus files, \
             named as Go names them: copied into the package's testdata/fuzz/<FuzzName>/, \
             `go test -run=<FuzzName>/<file>` reproduces the failure.",
        )
        .after_help(RUN_EXIT_STATUS)
        .arg(
            path(
                "bin",
                "PKG.test",
                "The test binary, built with `go test -c -fuzz=<FuzzName>` (or plain \
                 `go test -c`: no coverage counters then)",
            )
            .long("bin")
            .required(true),
        )
        .arg(
            Arg::new("target")
                .long("target")
                .value_name("FuzzName")
                .required(true)
                .help("The fuzz target, e.g. FuzzParse"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("DURATION")
                .default_value("10s")
                .value_parser(ValueParser::new(duration::parse))
                .help(
                    "Per-input timeout, in Go's syntax (10s, 500ms, 1m30s); an input that runs \
                     longer is a failure and the worker is restarted",
                ),
        )
        .arg(flag(
            "raw",
            "The files are raw bytes (an engine's inputs) instead of corpus entries: mapped to \
             the target's arguments by gofuzz-shm's byte mapping when --types or --pkg gives \
             them, else each the single []byte argument of the target",
        ))
        .arg(
            Arg::new("types")
                .long("types")
                .value_name("LIST")
                .conflicts_with("pkg")
                .help(
                    "The target's argument types after *testing.T, in Go's spelling, \
                     comma-separated (e.g. string,int64,bool): raw files are mapped to them, \
                     corpus entries of other types are reported invalid",
                ),
        )
        .arg(
            path(
                "pkg",
                "DIR",
                "The target's package directory: its argument types are discovered from the \
                 source with Go's type checker (the `go` on PATH), as with --types",
            )
            .long("pkg"),
        )
        .arg(flag(
            "json",
            "One JSON object per input on stdout (path, outcome, message, coverage counters \
             hit, duration, crash file); the summary goes to stderr",
        ))
        .arg(
            path(
                "crash-dir",
                "DIR",
                "Where failing inputs are written (created when the first one fails)",
            )
            .long("crash-dir")
            .default_value("crashers"),
        )
        .arg(
            path(
                "workdir",
                "DIR",
                "The worker's working directory (Go runs a test in its package directory, \
                 where testdata/ is). Default: the current one",
            )
            .long("workdir"),
        )
        .arg(flag("quiet", "No progress lines on stderr").short('q'))
        .arg(
            flag(
                "verbose",
                "Show Go's failure output whole; by default goroutine stacks are cut short \
                 (--json always has it whole)",
            )
            .short('v'),
        )
        .arg(
            path(
                "inputs",
                "FILE-OR-DIR",
                "Corpus files, or directories: every file in a directory (testdata/fuzz/FuzzX, \
                 or Go's fuzz cache directory for the target, \
                 $(go env GOCACHE)/fuzz/<pkg>/FuzzX)",
            )
            .required(true)
            .num_args(1..),
        )
}

fn inspect_command() -> Command {
    Command::new("inspect")
        .about("Print a region file's header, capacity and value")
        .long_about(
            "Print a region file's header, capacity and value (decoded as a corpus entry when \
             it is one).\n\nThe file is mapped as Go's workers map their region (read and \
             write, shared), but nothing is written to it.",
        )
        .after_help(INSPECT_EXIT_STATUS)
        .arg(
            path(
                "file",
                "REGION-FILE",
                "The region file: a `fuzz-*` file in $TMPDIR (Go's coordinator), or \
                 /proc/<worker pid>/fd/5 for a worker hosted by gofuzz-shm (an anonymous memfd)",
            )
            .required(true),
        )
        .arg(flag(
            "full",
            "Print the whole value, however long (default: the first 4 KiB)",
        ))
        .arg(flag("json", "One JSON object on stdout instead of text"))
}

const ENCODE_LONG: &str = "\
Make a corpus entry (`go test fuzz v1` and one line per value) from typed values or raw bytes.

Each VALUE is one argument of the fuzz target, in one of three forms:

  TYPE(LITERAL)  a Go expression as in a corpus file: 'int(-5)', '[]byte(\"a\\x00\")',
                 \"rune('é')\", 'float64(+Inf)', 'math.Float64frombits(0x7ff8000000000000)'

  TYPE:TEXT      for string and []byte, TEXT is the content as it is ('string:hi there');
                 for the other types, the literal: 'int:-5', 'uint8:200', 'bool:true',
                 \"byte:'x'\", 'float32:1.5'

  TYPE@FILE      string or []byte holding a file's bytes ('[]byte@input.bin'; - is stdin)

TYPE is one of []byte string bool byte rune int int8 int16 int32 int64 uint uint8 uint16
uint32 uint64 float32 float64. Literals are checked as Go checks them (range, syntax).

Values are counted from 0 (the first VALUE is value 0), in messages as in `decode --index`.";

fn encode_command() -> Command {
    Command::new("encode")
        .about("Make a corpus entry from typed values or raw bytes")
        .long_about(ENCODE_LONG)
        .after_help(ENCODE_EXIT_STATUS)
        .arg(
            Arg::new("values")
                .value_name("VALUE")
                .num_args(1..)
                .required_unless_present("raw")
                .conflicts_with("raw")
                .help("The values, in the order of the fuzz target's arguments"),
        )
        .arg(
            path(
                "raw",
                "FILE",
                "Encode a file's bytes (- is stdin) as the single []byte argument",
            )
            .long("raw"),
        )
        .arg(
            Arg::new("types")
                .long("types")
                .value_name("LIST")
                .requires("raw")
                .help(
                    "With --raw: the fuzz target's argument types (Go's spelling, \
                     comma-separated, e.g. string,int64): the file is an engine input, mapped \
                     to those types by gofuzz-shm's byte mapping",
                ),
        )
        .arg(
            path(
                "output",
                "FILE",
                "Write the entry to this file instead of stdout",
            )
            .long("output")
            .short('o')
            .conflicts_with("to-dir"),
        )
        .arg(
            path(
                "to-dir",
                "DIR",
                "Write the entry into this directory under the name Go would give it (the \
                 first 16 hex digits of its SHA-256), e.g. testdata/fuzz/FuzzX; prints the path",
            )
            .long("to-dir"),
        )
}

fn decode_command() -> Command {
    Command::new("decode")
        .about("Check a corpus entry and print its values as Go writes them, one per line")
        .after_help(DECODE_EXIT_STATUS)
        .arg(path(
            "file",
            "FILE",
            "The corpus file (- or nothing: stdin)",
        ))
        .arg(
            flag(
                "raw",
                "Write the bytes of one []byte or string value to stdout, unescaped (the \
                 inverse of `encode --raw`): the one --index names, or the only one",
            )
            .conflicts_with("json"),
        )
        .arg(
            Arg::new("index")
                .long("index")
                .value_name("N")
                .value_parser(value_parser!(usize))
                .requires("raw")
                .help(
                    "With --raw: which value, counted from 0 (the first is 0), as `encode` counts",
                ),
        )
        .arg(
            Arg::new("types")
                .long("types")
                .value_name("LIST")
                .requires("raw")
                .conflicts_with("index")
                .help(
                    "With --raw: write the engine input that gofuzz-shm's byte mapping maps to \
                     this entry, for a target of these argument types (e.g. string,int64): a \
                     Go corpus file becomes an engine seed (the inverse of `encode --raw \
                     --types`)",
                ),
        )
        .arg(flag(
            "json",
            "A JSON array on stdout: per value its type, Go expression, and value (bytes and \
             strings as base64, with the text too when it is UTF-8)",
        ))
}

/// Parses the command line; `Err` is clap's error (usage, --help, --version) to print.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Action, clap::Error> {
    let matches = command().try_get_matches_from(args)?;
    let (name, m) = matches.subcommand().expect("a subcommand is required");
    let path = |m: &ArgMatches, id: &str| m.get_one::<PathBuf>(id).cloned();
    let on = |m: &ArgMatches, id: &str| m.get_flag(id);
    Ok(match name {
        "run" => Action::Run(RunArgs {
            bin: path(m, "bin").expect("required"),
            target: m.get_one::<String>("target").expect("required").clone(),
            timeout: *m.get_one::<Duration>("timeout").expect("has a default"),
            raw: on(m, "raw"),
            types: m.get_one::<String>("types").cloned(),
            pkg: path(m, "pkg"),
            json: on(m, "json"),
            crash_dir: path(m, "crash-dir").expect("has a default"),
            workdir: path(m, "workdir"),
            quiet: on(m, "quiet"),
            verbose: on(m, "verbose"),
            inputs: m
                .get_many::<PathBuf>("inputs")
                .expect("required")
                .cloned()
                .collect(),
        }),
        "inspect" => Action::Inspect(InspectArgs {
            file: path(m, "file").expect("required"),
            full: on(m, "full"),
            json: on(m, "json"),
        }),
        "encode" => Action::Encode(EncodeArgs {
            values: m
                .get_many::<String>("values")
                .map(|v| v.cloned().collect())
                .unwrap_or_default(),
            raw: path(m, "raw"),
            types: m.get_one::<String>("types").cloned(),
            output: path(m, "output"),
            to_dir: path(m, "to-dir"),
        }),
        "decode" => Action::Decode(DecodeArgs {
            file: path(m, "file"),
            raw: on(m, "raw"),
            types: m.get_one::<String>("types").cloned(),
            index: m.get_one::<usize>("index").copied(),
            json: on(m, "json"),
        }),
        "fuzz" => Action::Fuzz(fuzz_args(m)),
        "build" => Action::Build(BuildArgs {
            engine: m.get_one::<String>("engine").expect("required").clone(),
            target: m.get_one::<String>("target").expect("required").clone(),
            pkg: path(m, "pkg").expect("has a default"),
            output: path(m, "output").expect("required"),
            types: m.get_one::<String>("types").cloned(),
            cc: path(m, "cc"),
            lib: path(m, "lib"),
            go_flags: m
                .get_many::<String>("go-flag")
                .map(|v| v.cloned().collect())
                .unwrap_or_default(),
        }),
        other => unreachable!("subcommand {other} is not defined"),
    })
}

pub struct FuzzArgs {
    pub types: Option<String>,
    pub pkg: Option<PathBuf>,
    pub bin: Option<PathBuf>,
    pub target: String,
    pub cores: String,
    pub time: Option<Duration>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub corpus: Option<PathBuf>,
    pub crash_dir: PathBuf,
    pub keep_going: bool,
    pub no_cmp: bool,
    pub timeout: Duration,
    pub max_len: usize,
    pub broker_port: Option<u16>,
    pub remote_broker: Option<std::net::SocketAddr>,
    pub progress: Duration,
    pub quiet: bool,
    pub seed_dirs: Vec<PathBuf>,
}

const FUZZ_LONG: &str = "\
Fuzz a Go fuzz target with LibAFL, one real Go fuzz worker per core.

The target is the package's unmodified test binary (built here with `go test -c -fuzz` for
--pkg, or given with --bin). Seeds: the package's testdata/fuzz/<FuzzName>/ (with --pkg), the
SEED_DIRs and the --corpus directory, all Go corpus files. New inputs that light new Go
coverage counters are written to the --corpus directory as Go corpus files. The first failure
(a crash, a worker death, a timeout) stops the run with exit status 1 (--keep-going goes on);
failing inputs are written to --crash-dir under the name Go gives them, so copied into
testdata/fuzz/<FuzzName>/ `go test` reproduces them.

Cores are fuzzed by LibAFL's Launcher (one client process per core, connected by an LLMP
broker in this process). Another machine, or another run on this one, joins as a node:
`--remote-broker HOST:PORT` connects this run's broker to the other's --broker-port, and the
nodes share the inputs they find. The broker listens on 127.0.0.1 only (LLMP has no
authentication): reach another machine's broker through an SSH tunnel.";

fn fuzz_command() -> Command {
    Command::new("fuzz")
        .about("Fuzz a Go fuzz target with LibAFL on several cores (and machines)")
        .long_about(FUZZ_LONG)
        .after_help(EXIT_STATUS)
        .arg(
            path(
                "pkg",
                "DIR",
                "The Go package to build with `go test -c -fuzz` and fuzz",
            )
            .long("pkg")
            .required_unless_present("bin")
            .conflicts_with("bin"),
        )
        .arg(
            path(
                "bin",
                "PKG.test",
                "A test binary built with `go test -c -fuzz=<FuzzName>`",
            )
            .long("bin"),
        )
        .arg(
            Arg::new("target")
                .long("target")
                .value_name("FuzzName")
                .required(true)
                .help("The fuzz target, e.g. FuzzParse"),
        )
        .arg(Arg::new("types").long("types").value_name("TYPES").help(
            "The target's argument types, e.g. string,int64 (default: discovered with \
                     --pkg, else those of the first seed, else []byte)",
        ))
        .arg(
            Arg::new("cores")
                .long("cores")
                .value_name("LIST")
                .default_value("0")
                .help("CPU cores to fuzz on, one worker each: 0,2 or 0-3 or all"),
        )
        .arg(
            Arg::new("time")
                .long("time")
                .value_name("DURATION")
                .value_parser(ValueParser::new(duration::parse))
                .help("Stop after this long (Go's syntax: 30s, 5m, 1h)"),
        )
        .arg(
            Arg::new("runs")
                .long("runs")
                .value_name("N")
                .value_parser(value_parser!(u64).range(1..))
                .help("Stop after about N runs of the target, over all cores"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("N")
                .value_parser(value_parser!(u64))
                .help("Seed of LibAFL's random numbers (core k uses N+k); default: the clock"),
        )
        .arg(
            path(
                "corpus",
                "DIR",
                "Read seeds from, and write new inputs to, this directory",
            )
            .long("corpus"),
        )
        .arg(
            path("crash-dir", "DIR", "Where failing inputs are written")
                .long("crash-dir")
                .default_value("crashers"),
        )
        .arg(flag(
            "no-cmp",
            "With --pkg: build without the comparison hooks (no input-to-state stage)",
        ))
        .arg(flag(
            "keep-going",
            "Do not stop at the first failure: save every failing input and go on",
        ))
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("DURATION")
                .default_value("10s")
                .value_parser(ValueParser::new(duration::parse))
                .help("Per-input timeout; an input that runs longer is a failure"),
        )
        .arg(
            Arg::new("max-len")
                .long("max-len")
                .value_name("BYTES")
                .default_value("4096")
                .value_parser(value_parser!(usize))
                .help("Largest input LibAFL's mutations make, in bytes"),
        )
        .arg(
            Arg::new("broker-port")
                .long("broker-port")
                .value_name("PORT")
                .value_parser(value_parser!(u16).range(1..))
                .help("TCP port of this run's LLMP broker on 127.0.0.1 (default: a free one)"),
        )
        .arg(
            Arg::new("remote-broker")
                .long("remote-broker")
                .value_name("HOST:PORT")
                .value_parser(value_parser!(std::net::SocketAddr))
                .help("Join another run's broker as a node: share inputs with it"),
        )
        .arg(
            Arg::new("progress")
                .long("progress")
                .value_name("DURATION")
                .default_value("2s")
                .value_parser(ValueParser::new(duration::parse))
                .help("Interval of the progress lines on stderr"),
        )
        .arg(flag("quiet", "No progress lines").short('q'))
        .arg(
            path(
                "seed-dirs",
                "SEED_DIR",
                "More seeds: directories (or files) of Go corpus files",
            )
            .num_args(0..),
        )
}

fn fuzz_args(m: &ArgMatches) -> FuzzArgs {
    let path = |id: &str| m.get_one::<PathBuf>(id).cloned();
    FuzzArgs {
        types: m.get_one::<String>("types").cloned(),
        pkg: path("pkg"),
        bin: path("bin"),
        target: m.get_one::<String>("target").expect("required").clone(),
        cores: m.get_one::<String>("cores").expect("has a default").clone(),
        time: m.get_one::<Duration>("time").copied(),
        runs: m.get_one::<u64>("runs").copied(),
        seed: m.get_one::<u64>("seed").copied(),
        corpus: path("corpus"),
        crash_dir: path("crash-dir").expect("has a default"),
        keep_going: m.get_flag("keep-going"),
        no_cmp: m.get_flag("no-cmp"),
        timeout: *m.get_one::<Duration>("timeout").expect("has a default"),
        max_len: *m.get_one::<usize>("max-len").expect("has a default"),
        broker_port: m.get_one::<u16>("broker-port").copied(),
        remote_broker: m.get_one::<std::net::SocketAddr>("remote-broker").copied(),
        progress: *m.get_one::<Duration>("progress").expect("has a default"),
        quiet: m.get_flag("quiet"),
        seed_dirs: m
            .get_many::<PathBuf>("seed-dirs")
            .map(|v| v.cloned().collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(args: &[&str]) -> Action {
        parse(args.iter().map(OsString::from)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn the_definitions_are_consistent() {
        command().debug_assert();
    }

    #[test]
    fn help_states_the_exit_status_of_the_command_it_is_for() {
        let mut cmd = command();
        let help = cmd.render_long_help().to_string();
        assert!(
            help.contains("Exit status:") && help.contains("130"),
            "{help}"
        );
        let mut sub = |name: &str| {
            let help = cmd.find_subcommand_mut(name).unwrap().render_long_help();
            let help = help.to_string();
            assert_eq!(help.matches("Exit status:").count(), 1, "{name}: {help}");
            help
        };
        let run = sub("run");
        assert!(
            run.contains("1    an input failed") && run.contains("130"),
            "{run}"
        );
        assert!(!run.contains("inspect"), "{run}");
        let inspect = sub("inspect");
        assert!(
            inspect.contains("1    the header's value_len is invalid"),
            "{inspect}"
        );
        assert!(
            !inspect.contains("130") && !inspect.contains("crash"),
            "{inspect}"
        );
        for name in ["encode", "decode"] {
            let help = sub(name);
            assert!(
                help.contains("0    ") && help.contains("2    usage error"),
                "{help}"
            );
            assert!(
                !help.contains("\n  1    ") && !help.contains("130"),
                "{name}: {help}"
            );
        }
    }

    #[test]
    fn run_arguments_and_defaults() {
        let Action::Run(a) = parse_ok(&[
            "gofuzz-shm",
            "run",
            "--bin",
            "x.test",
            "--target",
            "FuzzX",
            "a",
            "b",
        ]) else {
            panic!("not run");
        };
        assert_eq!(
            (a.bin, a.target.as_str()),
            (PathBuf::from("x.test"), "FuzzX")
        );
        assert_eq!(a.timeout, Duration::from_secs(10));
        assert_eq!(a.crash_dir, PathBuf::from("crashers"));
        assert_eq!(a.inputs, [PathBuf::from("a"), PathBuf::from("b")]);
        assert!(!a.raw && !a.json && !a.quiet && a.workdir.is_none());
        let Action::Run(a) = parse_ok(&[
            "gofuzz-shm",
            "run",
            "--bin",
            "x",
            "--target",
            "F",
            "--timeout",
            "1m30s",
            "--raw",
            "--json",
            "-q",
            "--crash-dir",
            "c",
            "--workdir",
            "w",
            "i",
        ]) else {
            panic!("not run");
        };
        assert_eq!(a.timeout, Duration::from_secs(90));
        assert!(a.raw && a.json && a.quiet);
        assert_eq!(
            (a.crash_dir, a.workdir),
            (PathBuf::from("c"), Some(PathBuf::from("w")))
        );
    }

    #[test]
    fn encode_and_decode_arguments() {
        let Action::Encode(e) = parse_ok(&["gofuzz-shm", "encode", "int:1", "string:x", "-o", "f"])
        else {
            panic!("not encode");
        };
        assert_eq!(e.values, ["int:1", "string:x"]);
        assert_eq!(e.output, Some(PathBuf::from("f")));
        for bad in [
            &["gofuzz-shm", "encode"][..],
            &["gofuzz-shm", "encode", "--raw", "f", "int:1"],
            &["gofuzz-shm", "encode", "int:1", "-o", "f", "--to-dir", "d"],
            &["gofuzz-shm", "decode", "--index", "1"],
            &["gofuzz-shm", "decode", "--raw", "--json"],
        ] {
            assert!(parse(bad.iter().map(OsString::from)).is_err(), "{bad:?}");
        }
        let Action::Decode(d) = parse_ok(&["gofuzz-shm", "decode", "--raw", "--index", "2"]) else {
            panic!("not decode");
        };
        assert_eq!(
            (d.file, d.raw, d.index, d.json),
            (None, true, Some(2), false)
        );
    }
}
