//! `gofuzz-shm fuzz`: LibAFL's Launcher runs one client process per core, each with its own
//! real Go fuzz worker (the `gofuzz-shm-libafl` executor), connected by an LLMP broker in
//! this process; brokers of other runs join as nodes over TCP.
//!
//! This process: build or find the binary, read the seeds, map the shared control block,
//! then launch. The Launcher forks the clients ([`client`]) and runs the broker here, where a
//! thread prints progress and ends the broker loop once every client has ended. Last, the
//! summary and the exit status: 1 when an input failed, 130 when interrupted, 2 when a
//! client could not fuzz, 0 otherwise.

mod build;
mod client;
mod control;
mod log;
mod progress;
mod seeds;
mod signals;

use std::cell::RefCell;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gofuzz_shm_libafl::CleanShMemProvider;
use libafl::events::{ClientDescription, EventConfig, Launcher, LlmpEventManagerBuilder};
use libafl::monitors::NopMonitor;
use libafl_bolts::core_affinity::Cores;
use libafl_bolts::llmp::LlmpBroker;
use libafl_bolts::shmem::ShMemProvider;
use libafl_bolts::tuples::tuple_list;

use crate::args::FuzzArgs;
use crate::error::{CliError, Result};
use client::{Manager, Plan, State};
use control::{Control, MAX_CLIENTS};

const INTERRUPTED_STATUS: u8 = 130;

pub fn main(args: &FuzzArgs) -> Result<u8> {
    log::init();
    let cores = Cores::from_cmdline(&args.cores)
        .map_err(|e| CliError::new(format!("--cores {:?}: {e}", args.cores)))?;
    // The Launcher forks only for cores that exist; a missing one would leave its client's
    // slot unused and the run waiting for it.
    let available = libafl_bolts::core_affinity::get_core_ids()
        .map_err(|e| CliError::new(format!("list this machine's cores: {e}")))?;
    if let Some(missing) = cores.ids.iter().find(|c| !available.contains(c)) {
        return Err(CliError::new(format!(
            "--cores {:?}: core {} does not exist here (cores 0 to {})",
            args.cores,
            missing.0,
            available.len().saturating_sub(1)
        )));
    }
    let clients = cores.ids.len();
    if clients == 0 || clients > MAX_CLIENTS {
        return Err(CliError::new(format!(
            "--cores {:?}: between 1 and {MAX_CLIENTS} cores, please",
            args.cores
        )));
    }

    // The binary, and the directory the worker runs in (Go runs tests in the package's).
    let built;
    let mut cmp = false;
    let (binary, workdir) = match (&args.pkg, &args.bin) {
        (Some(pkg), _) => {
            eprintln!("gofuzz-shm fuzz: building {} ...", pkg.display());
            built = build::go_test_c(pkg, &args.target, !args.no_cmp)?;
            cmp = built.hooks;
            (built.path.clone(), Some(absolute(pkg)?))
        }
        (None, Some(bin)) => (absolute(bin)?, None),
        (None, None) => unreachable!("clap requires --pkg or --bin"),
    };

    let mut dirs = Vec::new();
    if let Some(pkg) = &args.pkg {
        dirs.push((pkg.join("testdata/fuzz").join(&args.target), true));
    }
    dirs.extend(args.seed_dirs.iter().map(|d| (d.clone(), false)));
    if let Some(corpus) = &args.corpus {
        std::fs::create_dir_all(corpus)
            .map_err(|e| CliError::file("create directory", corpus, e))?;
        dirs.push((corpus.clone(), true));
    }
    let known = if let Some(types) = &args.types {
        Some(
            gofuzz_shm::signature::Signature::parse(types)
                .map_err(|e| CliError::new(format!("--types: {e}")))?,
        )
    } else if let Some(pkg) = &args.pkg {
        Some(
            gofuzz_shm::signature::Signature::discover(pkg, &args.target)
                .map_err(|e| CliError::new(format!("--pkg {}: {e}", pkg.display())))?,
        )
    } else {
        None
    };
    let seeds = seeds::load(&dirs, known)?;
    for (path, why) in &seeds.skipped {
        eprintln!("gofuzz-shm fuzz: skipping seed {}: {why}", path.display());
    }

    let port = match args.broker_port {
        // Checked here: the clients connect to the port before the broker is up, so they
        // must not find another program (or another run's broker) there.
        Some(port) => match TcpListener::bind(("127.0.0.1", port)) {
            Ok(_) => port,
            Err(e) => {
                return Err(CliError::new(format!(
                    "--broker-port {port}: cannot listen on 127.0.0.1:{port}: {e}"
                )))
            }
        },
        None => free_port()?,
    };
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(libafl_bolts::current_nanos);
    let plan = Plan {
        binary,
        target: args.target.clone(),
        workdir,
        timeout: args.timeout,
        seeds: seeds.inputs,
        signature: seeds.signature.clone(),
        corpus_dir: args.corpus.clone(),
        crash_dir: args.crash_dir.clone(),
        keep_going: args.keep_going,
        cmp,
        deadline: args.time.map(|t| started + t),
        runs: args.runs,
        seed,
        max_len: args.max_len,
        clients,
        // SAFETY: getpid cannot fail.
        parent: unsafe { libc::getpid() },
    };
    let control = Control::new().map_err(|e| CliError::new(format!("map memory: {e}")))?;
    eprintln!(
        "gofuzz-shm fuzz: {}({}) on {clients} core(s) ({}), {} seed(s), seed {seed}, LLMP broker \
         on 127.0.0.1:{port}{}",
        args.target,
        plan.signature,
        args.cores,
        plan.seeds.len(),
        args.remote_broker
            .map(|a| format!(", joining the broker at {a}"))
            .unwrap_or_default()
    );

    // Until the broker puts its own handler in place, SIGINT and SIGTERM only set a flag.
    signals::stop_on_signals(control);
    let broker_error = RefCell::new(None::<String>);
    let loop_ended = Arc::new(AtomicBool::new(false));
    let stopped_loop = Arc::new(AtomicBool::new(false));
    let provider =
        CleanShMemProvider::new().map_err(|e| CliError::new(format!("shared memory: {e}")))?;
    let launcher = Launcher::builder()
        .shmem_provider(provider.clone())
        .configuration(EventConfig::AlwaysUnique)
        .monitor(NopMonitor {})
        .run_client(
            |_state: Option<State>, mgr: Manager, desc: ClientDescription| {
                let index = desc.id().saturating_sub(1).min(MAX_CLIENTS - 1);
                client::run(&plan, control, index, desc.core_id().0, mgr)
            },
        )
        .cores(&cores)
        .broker_port(port)
        .fork(true)
        .build();
    let result = launcher.launch_with_manager(|_launcher, desc, _monitor| match desc {
        Some(_) => {
            let mgr: Manager = LlmpEventManagerBuilder::new().build_on_port(
                provider.clone(),
                port,
                EventConfig::AlwaysUnique,
            )?;
            Ok((None, mgr))
        }
        None => {
            let run_broker = || -> std::result::Result<(), libafl::Error> {
                let mut broker =
                    LlmpBroker::create_attach_to_tcp(provider.clone(), tuple_list!(), port)?;
                if let Some(remote) = args.remote_broker {
                    // LLMP numbers the broker-to-broker link with the next client id at the
                    // time of connecting, while this broker's TCP listener numbers local
                    // clients on its own: connecting before the local clients have joined
                    // would give the link a local client's id, and the link would drop that
                    // client's messages as its own. So the link comes last.
                    let joined = Instant::now() + Duration::from_secs(120);
                    while (broker.inner_mut().peek_next_client_id().0 as usize) < clients + 1
                        && Instant::now() < joined
                    {
                        broker.broker_once()?;
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    broker.inner_mut().connect_b2b(remote).map_err(|e| {
                        libafl::Error::illegal_argument(format!(
                            "joining the broker at {remote}: {e}"
                        ))
                    })?;
                }
                let watcher = progress::watch(
                    control,
                    clients,
                    args.progress,
                    args.quiet,
                    started,
                    loop_ended.clone(),
                    stopped_loop.clone(),
                );
                broker.loop_with_timeouts(Duration::from_secs(30), Some(Duration::from_millis(5)));
                loop_ended.store(true, Ordering::SeqCst);
                // Ended by SIGINT or SIGTERM from outside: the broker has told the clients
                // to exit; they stop between two runs.
                control.request_stop();
                let _ = watcher.join();
                Ok(())
            };
            if let Err(e) = run_broker() {
                *broker_error.borrow_mut() = Some(e.to_string());
                // The clients end on the Launcher's SIGINT.
                control.request_stop();
            }
            Err(libafl::Error::shutting_down())
        }
    });
    if let Err(e) = result {
        return Err(CliError::new(format!("LibAFL's launcher: {e}")));
    }
    if let Some(e) = broker_error.into_inner() {
        return Err(CliError::new(format!(
            "the LLMP broker on port {port}: {e}"
        )));
    }

    let t = progress::totals(control, clients);
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "gofuzz-shm fuzz: {} runs in {secs:.1} s ({:.0} inputs/s) on {clients} core(s); corpus \
         {} inputs, {} counters; {} failure(s){}",
        t.runs,
        t.runs as f64 / secs.max(1e-9),
        t.corpus,
        t.counters,
        t.failures,
        if t.failures > 0 {
            format!(", written to {}", args.crash_dir.display())
        } else {
            String::new()
        }
    );
    Ok(if t.failures > 0 {
        1
    } else if t.interrupted || signals::interrupted() || !stopped_loop.load(Ordering::SeqCst) {
        INTERRUPTED_STATUS
    } else if t.errors {
        2
    } else {
        0
    })
}

fn absolute(path: &std::path::Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| CliError::file("path", path, e))
}

/// A TCP port free on 127.0.0.1 right now, for the broker.
fn free_port() -> Result<u16> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| CliError::new(format!("find a free TCP port for the broker: {e}")))
}
