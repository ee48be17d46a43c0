//! aimslint: policy-as-code linter for AI governance evidence.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod commands;
mod common;
mod exit;
mod report_args;
mod run;

use clap::Parser;

/// Parsing thousands of small documents is allocation-bound; mimalloc halves the allocator's share.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    install_panic_hook();
    let cli = args::Cli::parse();
    if let Some(jobs) = cli.jobs() {
        // Only fails if a pool already exists; the default pool is then used.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    // A panic that escapes containment (a bug outside the judging of one file) still ends with the
    // documented exit code for internal errors, after the hook's one line.
    let code = match std::panic::catch_unwind(|| commands::run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("{e:?}");
            e.exit_code()
        }
        Err(_) => exit::INTERNAL,
    };
    std::process::exit(code);
}

/// One line per panic, naming where, and asking for a report; the full report (with a backtrace)
/// only when `RUST_BACKTRACE` asks for it.
fn install_panic_hook() {
    let full = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            full(info);
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what: String = what.chars().filter(|c| !c.is_control()).take(300).collect();
        eprintln!(
            "aimslint: internal error{at}: {what} (a bug: please report it; RUST_BACKTRACE=1 shows more)"
        );
    }));
}
