//! aimslint: policy-as-code linter for AI governance evidence.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod baseline;
mod commands;
mod common;
mod exit;
mod plugins;
mod report_args;
mod run;

use clap::Parser;

/// Parsing thousands of small documents is allocation-bound; mimalloc halves the allocator's share.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's options, by their numbers in its `mi_option_t` (the same in its v2 and v3).
const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
/// mimalloc v3's `mi_option_allow_thp`.
const MI_OPTION_ALLOW_THP: std::ffi::c_int = 43;

/// By default mimalloc commits its arenas whole; a history walk frees a window of parsed documents
/// at a time, and with its arenas committed whole (and on huge pages, below) that retention was a
/// third of its peak memory. It commits on demand here. Freed pages go back to the system 10 ms
/// after they are freed (mimalloc's default delay): on a real history, purging them at once took
/// 70,000 page faults where this takes 58,000, 3 % of the walk's time, to keep 10 MiB less at
/// its peak.
#[allow(unsafe_code)]
fn tune_libraries() {
    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: mi_option_set only stores an option value; mimalloc reads options on later
    // allocations, and both options may change at any time.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, 10);
        mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // mimalloc asks for transparent huge pages on its arenas, so each fresh 2 MiB of them was
    // zeroed whole on first touch and purged whole: a tenth of a history run's time went to
    // clearing pages, and the 2 MiB granularity held 20 MiB more at peak. Its own option only
    // stops the advice for arenas reserved from now on; the process flag also covers the one it
    // reserved before `main`.
    // SAFETY: PR_SET_THP_DISABLE sets a flag of this process's memory map and touches no memory.
    #[cfg(target_os = "linux")]
    unsafe {
        let _ = libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // libgit2 keeps the commits it reads (a history walk reads each again as the next one's
    // parent) but no trees: the walk keeps the trees it reads again itself (`aimslint_git`'s
    // tree memos), and libgit2's copies were over 20 MiB of a history run's peak memory.
    // SAFETY: libgit2's cache limits are plain globals; no other thread exists yet.
    unsafe {
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 0);
    }
}

fn main() {
    tune_libraries();
    // A plugin's worker process (started by the plugin host, never by a user).
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == "__plugin-worker") && argv.len() == 4 {
        let sha256 = argv[3].to_string_lossy().into_owned();
        std::process::exit(plugins::worker_main(
            std::path::Path::new(&argv[2]),
            &sha256,
        ));
    }
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
    leave(code);
}

/// End the process with `code` once what it wrote is flushed, without the exit handlers: they
/// only gave memory back piece by piece (mimalloc purging every arena, 17 ms after a long
/// history) to a process the system is about to take it all back from.
#[allow(unsafe_code)]
fn leave(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process at once; everything written is flushed above (files the
    // commands wrote are closed by then), and no handler this program relies on runs at exit.
    unsafe { libc::_exit(code) }
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
