//! Tests that need something from outside the repository: the pre-commit framework,
//! compliance-trestle, Chromium, the real-world corpus. A test whose tool or corpus is missing
//! reports itself ignored, with the reason, instead of passing; where `.ci/run` asks for them
//! (AIMSLINT_REQUIRE_TOOLS, AIMSLINT_CORPUS) it fails instead.
//!
//! A harness of our own (libtest-mimic), because the built-in one cannot skip a test at run time.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

#[path = "../util.rs"]
#[allow(dead_code)] // shared with the integration tests, which use the rest
mod util;

mod corpus;
mod corpus_labels;
mod precommit;
mod report_tools;

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![Trial::test(
        "harness::a_missing_need_skips_or_fails_as_asked",
        a_missing_need_skips_or_fails_as_asked,
    )];
    trials.extend(precommit::trials());
    trials.extend(report_tools::trials());
    trials.extend(corpus::trials());
    trials.extend(corpus_labels::trials());
    libtest_mimic::run(&args, trials).exit();
}

/// What a test does about something it needs.
#[derive(Debug, PartialEq)]
pub enum Need<T> {
    /// It is there: run, with it.
    Run(T),
    /// It is missing and nobody asked for it: report the test ignored, saying why.
    Skip(String),
    /// It is missing and was asked for: fail, saying how to get it.
    Fail(String),
}

impl<T> Need<T> {
    /// What a test runs with, from what was found.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Need<U> {
        match self {
            Need::Run(found) => Need::Run(f(found)),
            Need::Skip(why) => Need::Skip(why),
            Need::Fail(why) => Need::Fail(why),
        }
    }
}

/// A test that runs `body` with what `need` finds, or is ignored or fails as `need` decides.
/// `body` fails by panicking, as a `#[test]` does.
pub fn trial<T: 'static>(
    name: &str,
    need: impl FnOnce() -> Need<T> + Send + 'static,
    body: fn(T),
) -> Trial {
    Trial::ignorable_test(name, move || match need() {
        Need::Run(found) => {
            body(found);
            Ok(Completion::Completed)
        }
        Need::Skip(why) => Ok(Completion::ignored_with(why)),
        Need::Fail(why) => Err(Failed::from(why)),
    })
}

/// Whether `.ci/run` asked for every tool (AIMSLINT_REQUIRE_TOOLS set and not empty).
fn tools_required() -> bool {
    std::env::var_os("AIMSLINT_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty())
}

/// A tool is there when `probe` runs and succeeds.
pub fn tool(what: &str, probe: &mut Command, install: &str) -> Need<()> {
    let present = probe.output().is_ok_and(|o| o.status.success());
    tool_decision(present, tools_required(), what, install)
}

fn tool_decision(present: bool, required: bool, what: &str, install: &str) -> Need<()> {
    match (present, required) {
        (true, _) => Need::Run(()),
        (false, false) => Need::Skip(format!("{what} is not installed ({install})")),
        (false, true) => Need::Fail(format!(
            "{what} is not installed and AIMSLINT_REQUIRE_TOOLS is set; install it: {install}"
        )),
    }
}

/// The corpus: the directory AIMSLINT_CORPUS names (which must hold MANIFEST.tsv), else
/// ../shared/corpus beside the checkout if it is there.
pub fn corpus() -> Need<PathBuf> {
    corpus_decision(
        std::env::var_os("AIMSLINT_CORPUS"),
        &util::repo_root().join("../shared/corpus"),
    )
}

fn corpus_decision(named: Option<OsString>, beside: &Path) -> Need<PathBuf> {
    let has_manifest = |dir: &Path| dir.join("MANIFEST.tsv").is_file();
    match named.filter(|v| !v.is_empty()).map(PathBuf::from) {
        Some(dir) if has_manifest(&dir) => Need::Run(dir),
        Some(dir) => Need::Fail(format!(
            "AIMSLINT_CORPUS is {}, which has no MANIFEST.tsv",
            dir.display()
        )),
        None if has_manifest(beside) => Need::Run(beside.to_path_buf()),
        None => Need::Skip(format!(
            "no corpus at {} (set AIMSLINT_CORPUS to a directory with MANIFEST.tsv)",
            beside.display()
        )),
    }
}

/// The decisions above, for each of present / missing / missing but required.
fn a_missing_need_skips_or_fails_as_asked() -> Result<(), Failed> {
    let hint = "pip install pre-commit==4.7.0";
    assert_eq!(
        tool_decision(true, false, "pre-commit", hint),
        Need::Run(())
    );
    assert_eq!(tool_decision(true, true, "pre-commit", hint), Need::Run(()));
    assert_eq!(
        tool_decision(false, false, "pre-commit", hint),
        Need::Skip("pre-commit is not installed (pip install pre-commit==4.7.0)".into())
    );
    let Need::Fail(why) = tool_decision(false, true, "pre-commit", hint) else {
        panic!("a required tool that is missing fails");
    };
    assert!(why.contains(hint), "{why}");

    let with = tempfile::tempdir().unwrap();
    std::fs::write(with.path().join("MANIFEST.tsv"), "repo\n").unwrap();
    let without = tempfile::tempdir().unwrap();
    let (with, without) = (with.path(), without.path());
    let named = |dir: &Path| Some(dir.as_os_str().to_owned());
    // Named: used if it is a corpus, a failure if not, whatever is beside the checkout.
    assert_eq!(
        corpus_decision(named(with), without),
        Need::Run(with.into())
    );
    assert!(matches!(
        corpus_decision(named(without), with),
        Need::Fail(_)
    ));
    // Not named (or named empty): the corpus beside the checkout, else skipped.
    for unset in [None, Some(OsString::new())] {
        assert_eq!(corpus_decision(unset.clone(), with), Need::Run(with.into()));
        assert!(matches!(corpus_decision(unset, without), Need::Skip(_)));
    }
    Ok(())
}
