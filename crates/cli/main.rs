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
    let cli = args::Cli::parse();
    if let Some(jobs) = cli.jobs() {
        // Only fails if a pool already exists; the default pool is then used.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let code = match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e:?}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
