//! The hooks of .pre-commit-hooks.yaml, run by the real pre-commit framework (PyPI), which .ci/run
//! installs.

use std::process::Command;

use libtest_mimic::Trial;

use crate::util::*;
use crate::{Need, tool, trial};

pub fn trials() -> Vec<Trial> {
    vec![
        trial(
            "precommit::the_real_pre_commit_framework_runs_our_hooks",
            pre_commit,
            the_real_pre_commit_framework_runs_our_hooks,
        ),
        trial(
            "precommit::the_pre_push_hook_checks_the_pushed_range",
            pre_commit,
            the_pre_push_hook_checks_the_pushed_range,
        ),
    ]
}

/// The framework's command, once it answers `--version`.
fn pre_commit() -> Need<&'static str> {
    tool(
        "pre-commit",
        Command::new("pre-commit").arg("--version"),
        "pip install pre-commit==4.7.0",
    )
    .map(|()| "pre-commit")
}

fn git(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A hook repository holding our manifest, with `language: system` so the framework runs the
/// binary just built instead of compiling a release build of its own.
fn hook_repo() -> tempfile::TempDir {
    let hooks = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    std::fs::write(
        hooks.path().join(".pre-commit-hooks.yaml"),
        manifest.replace("language: rust", "language: system"),
    )
    .unwrap();
    for args in [
        &["init", "-q"][..],
        &["add", "."],
        &["commit", "-q", "-m", "hooks"],
    ] {
        assert!(git(hooks.path(), args).status.success());
    }
    hooks
}

/// PATH with the binary just built first.
fn path_with_binary() -> String {
    let bin_dir = assert_cmd::cargo::cargo_bin("aimslint")
        .parent()
        .unwrap()
        .to_path_buf();
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn the_real_pre_commit_framework_runs_our_hooks(pc: &str) {
    let hooks = hook_repo();
    let work = tempfile::tempdir().unwrap();
    assert!(git(work.path(), &["init", "-q"]).status.success());
    let path = path_with_binary();
    let cache = tempfile::tempdir().unwrap();
    let try_repo = |extra: &[&str]| {
        Command::new(pc)
            .args([
                "try-repo",
                hooks.path().to_str().unwrap(),
                "aimslint",
                "--verbose",
            ])
            .args(extra)
            .current_dir(work.path())
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", cache.path())
            .env_remove("AIMSLINT_AS_OF")
            .output()
            .unwrap()
    };
    std::fs::write(
        work.path().join("aimslint.toml"),
        "[rules]\nselect = [\"DP-005\"]\n",
    )
    .unwrap();
    // A staged provenance record without its legal basis fails the hook...
    std::fs::create_dir_all(work.path().join("data/a")).unwrap();
    let stage_and_run = |provenance: &str| {
        std::fs::write(work.path().join("data/a/provenance.yaml"), provenance).unwrap();
        assert!(git(work.path(), &["add", "."]).status.success());
        let o = try_repo(&[]);
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.success(), out)
    };
    let (ok, out) = stage_and_run(
        "dataset: a\nsource: { name: Core, origin: internal }\npersonal_data: true\n",
    );
    assert!(!ok, "{out}");
    assert!(out.contains("DP-005"), "{out}");
    // ...and passes once the staged version is fixed.
    let (ok, out) = stage_and_run(
        "dataset: a\nsource: { name: Core, origin: internal }\nlicense: proprietary\npersonal_data: true\nlegal_basis: contract\n",
    );
    assert!(ok, "{out}");
    assert!(!out.contains("DP-005"), "{out}");
}

fn the_pre_push_hook_checks_the_pushed_range(pc: &str) {
    let hooks = hook_repo();
    let work = tempfile::tempdir().unwrap();
    assert!(git(work.path(), &["init", "-q"]).status.success());
    std::fs::write(
        work.path().join("aimslint.toml"),
        "[rules]\nselect = [\"CH-001\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(work.path().join("models/m")).unwrap();
    std::fs::write(work.path().join("models/m/config.yaml"), "lr: 0.1\n").unwrap();
    std::fs::write(
        work.path().join("models/m/README.md"),
        "---\nlicense: mit\n---\n# m\n",
    )
    .unwrap();
    assert!(git(work.path(), &["add", "."]).status.success());
    assert!(
        git(work.path(), &["commit", "-q", "-m", "Add model"])
            .status
            .success()
    );
    let base = String::from_utf8(git(work.path(), &["rev-parse", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .to_string();
    std::fs::write(work.path().join("models/m/config.yaml"), "lr: 0.05\n").unwrap();
    assert!(
        git(
            work.path(),
            &["commit", "-q", "-am", "Retrain without a card update"]
        )
        .status
        .success()
    );
    let head = String::from_utf8(git(work.path(), &["rev-parse", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .to_string();

    let path = path_with_binary();
    let cache = tempfile::tempdir().unwrap();
    let o = Command::new(pc)
        .args([
            "try-repo",
            hooks.path().to_str().unwrap(),
            "aimslint-pre-push",
            "--verbose",
            "--hook-stage",
            "pre-push",
        ])
        .args(["--from-ref", &base, "--to-ref", &head])
        .current_dir(work.path())
        .env("PATH", &path)
        .env("PRE_COMMIT_HOME", cache.path())
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("CH-001"), "{out}");
    assert!(out.contains("Retrain without a card update"), "{out}");
}
