//! A Rust peer for cross-process and cross-language tests: it maps a region by descriptor or by
//! path, writes or prints its header fields and value, or creates a region and hands it to a
//! child process. The C peer (go-interop/testdata/cpeer) and the Go test binary speak the same
//! command line, so any of the three can play either side.
//!
//! ```text
//! region_peer read      <target> <label>
//! region_peer write     <target> <count> <rand_state> <rand_inc> <raw_in_mem> <value>
//! region_peer readwrite <target> <label> <count> <rand_state> <rand_inc> <raw_in_mem> <value>
//! region_peer host      <fd|path> <capacity> <count> <rand_state> <rand_inc> <raw_in_mem> <value> <child argv...>
//! ```
//!
//! `<target>` is `fd:N` (an inherited descriptor) or `path:P`. `<value>` is `x` followed by the
//! bytes in hex. `read` prints one line:
//! `<label> count=C value_len=L rand_state=S rand_inc=I raw_in_mem=B capacity=N value=xHEX`.
//! `readwrite` prints, then writes. `host` creates a region with the given value capacity,
//! writes the fields, runs the child with every `{target}` argument replaced by `fd:5` (the
//! region is the child's descriptor 5, as for a Go worker) or `path:<file>`, requires it to exit
//! 0, then prints the region as `read` does with label `host` and closes (removing the file).

use std::os::fd::{BorrowedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitCode};

use gofuzz_shm::SharedMem;

type Res<T> = Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("region_peer: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Res<()> {
    let arg = |i: usize| -> Res<&str> {
        args.get(i)
            .map(String::as_str)
            .ok_or_else(|| format!("missing argument {i} in {args:?}"))
    };
    match arg(0)? {
        "read" if args.len() == 3 => {
            let region = map(arg(1)?)?;
            print_region(&region, arg(2)?)?;
            region.close().map_err(|e| e.to_string())
        }
        "write" if args.len() == 7 => {
            let mut region = map(arg(1)?)?;
            write_region(&mut region, &args[2..7])?;
            region.close().map_err(|e| e.to_string())
        }
        "readwrite" if args.len() == 8 => {
            let mut region = map(arg(1)?)?;
            print_region(&region, arg(2)?)?;
            write_region(&mut region, &args[3..8])?;
            region.close().map_err(|e| e.to_string())
        }
        "host" if args.len() > 8 => host(arg(1)?, arg(2)?, &args[3..8], &args[8..]),
        _ => Err(format!(
            "bad command line {args:?}; see the source for usage"
        )),
    }
}

fn map(target: &str) -> Res<SharedMem> {
    let mapped = if let Some(fd) = target.strip_prefix("fd:") {
        let fd: RawFd = fd.parse().map_err(|e| format!("descriptor {fd:?}: {e}"))?;
        if fd < 0 {
            return Err(format!("negative descriptor {fd}"));
        }
        // SAFETY: the descriptor was inherited from the parent and stays open for this process's
        // life; map_fd only duplicates it.
        SharedMem::map_fd(unsafe { BorrowedFd::borrow_raw(fd) }, 0)
    } else if let Some(path) = target.strip_prefix("path:") {
        SharedMem::map_path(Path::new(path), 0, false)
    } else {
        return Err(format!("target {target:?} is neither fd:N nor path:P"));
    };
    mapped.map_err(|e| e.to_string())
}

fn parse<T: std::str::FromStr>(name: &str, s: &str) -> Res<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| format!("{name} {s:?}: {e}"))
}

fn hex_decode(s: &str) -> Res<Vec<u8>> {
    let hex = s
        .strip_prefix('x')
        .ok_or_else(|| format!("value {s:?} does not start with x"))?;
    if hex.len() % 2 != 0 {
        return Err(format!("value {s:?} has an odd number of hex digits"));
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| format!("value {s:?}: {e}")))
        .collect()
}

/// Writes count, rand_state, rand_inc, raw_in_mem, then the value (which sets value_len).
fn write_region(region: &mut SharedMem, fields: &[String]) -> Res<()> {
    region.set_count(parse("count", &fields[0])?);
    region.set_rand_state(parse("rand_state", &fields[1])?);
    region.set_rand_inc(parse("rand_inc", &fields[2])?);
    region.set_raw_in_mem(parse::<u8>("raw_in_mem", &fields[3])? != 0);
    region
        .set_value(&hex_decode(&fields[4])?)
        .map_err(|e| e.to_string())
}

fn print_region(region: &SharedMem, label: &str) -> Res<()> {
    let value = region.value_copy().map_err(|e| e.to_string())?;
    let hex: String = value.iter().map(|b| format!("{b:02x}")).collect();
    println!(
        "{label} count={} value_len={} rand_state={} rand_inc={} raw_in_mem={} capacity={} value=x{hex}",
        region.count(),
        region.value_len_raw(),
        region.rand_state(),
        region.rand_inc(),
        u8::from(region.raw_in_mem()),
        region.capacity(),
    );
    Ok(())
}

fn host(mode: &str, capacity: &str, fields: &[String], child: &[String]) -> Res<()> {
    let mut region = SharedMem::create(parse("capacity", capacity)?).map_err(|e| e.to_string())?;
    let result = host_with(&mut region, mode, fields, child);
    let closed = region.close().map_err(|e| e.to_string());
    result.and(closed)
}

fn host_with(region: &mut SharedMem, mode: &str, fields: &[String], child: &[String]) -> Res<()> {
    write_region(region, fields)?;
    let target = match mode {
        "fd" => "fd:5".to_string(),
        "path" => {
            let path = region.path().ok_or("created region has no path")?;
            format!("path:{}", path.to_str().ok_or("path is not UTF-8")?)
        }
        _ => return Err(format!("mode {mode:?} is neither fd nor path")),
    };
    let argv: Vec<String> = child
        .iter()
        .map(|a| {
            if a == "{target}" {
                target.clone()
            } else {
                a.clone()
            }
        })
        .collect();
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    if mode == "fd" {
        let fd = region.fd();
        // SAFETY: runs in the forked child before exec and calls only async-signal-safe
        // functions (dup2, fcntl). dup2 onto 5 yields a descriptor without close-on-exec; when
        // the region's descriptor already is 5, dup2 does nothing and the flag is cleared here.
        unsafe {
            cmd.pre_exec(move || {
                let ok = if fd == 5 {
                    libc::fcntl(5, libc::F_SETFD, 0) == 0
                } else {
                    libc::dup2(fd, 5) == 5
                };
                if ok {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    }
    let status = cmd
        .status()
        .map_err(|e| format!("run {:?}: {e}", argv[0]))?;
    if !status.success() {
        return Err(format!("child {argv:?} failed: {status}"));
    }
    print_region(region, "host")
}
