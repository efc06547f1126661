//! `gofuzz-shm`: replay corpus files through real Go fuzz workers, inspect a shared-memory
//! region, encode and decode `go test fuzz v1` corpus entries. A thin shell over the
//! `gofuzz_shm` library: every operation is the library's, this crate parses arguments and
//! prints.

mod args;
mod build;
mod codec;
mod duration;
mod error;
mod fuzz;
mod inspect;
mod mapping;
mod names;
mod out;
mod run;

use std::process::ExitCode;

use args::Action;

fn main() -> ExitCode {
    // An internal error is one line, like every other error, even with RUST_BACKTRACE set.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("gofuzz-shm: internal error (a bug in gofuzz-shm; please report it): {info}");
    }));
    let action = match args::parse(std::env::args_os()) {
        Ok(action) => action,
        Err(e) => {
            let _ = e.print();
            // --help and --version go to stdout with status 0; usage errors are 2.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = std::panic::catch_unwind(move || match action {
        Action::Run(a) => run::main(&a),
        Action::Inspect(a) => inspect::main(&a),
        Action::Encode(a) => codec::encode_main(&a),
        Action::Decode(a) => codec::decode_main(&a),
        Action::Fuzz(a) => fuzz::main(&a),
        Action::Build(a) => build::main(&a),
    });
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            e.print();
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}
