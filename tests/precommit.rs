//! The hooks of .pre-commit-hooks.yaml, run by the real pre-commit framework (PyPI), which .ci/run
//! installs. Under .ci/run (AIMSLINT_REQUIRE_TOOLS) a missing framework fails the test; elsewhere it is
//! skipped and says so.

use std::process::Command;

use crate::util::*;

fn pre_commit() -> Option<String> {
    let ok = Command::new("pre-commit")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return Some("pre-commit".into());
    }
    assert!(
        std::env::var_os("AIMSLINT_REQUIRE_TOOLS").is_none(),
        "pre-commit is not installed; .ci/run installs it (pip install pre-commit)"
    );
    #[allow(clippy::print_stderr)]
    {
        eprintln!("skipped: the pre-commit framework is not installed (pip install pre-commit)");
    }
    None
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

#[test]
fn the_real_pre_commit_framework_runs_our_hooks() {
    let Some(pc) = pre_commit() else { return };
    let hooks = hook_repo();
    let work = tempfile::tempdir().unwrap();
    assert!(git(work.path(), &["init", "-q"]).status.success());
    let path = path_with_binary();
    let cache = tempfile::tempdir().unwrap();
    let try_repo = |extra: &[&str]| {
        Command::new(&pc)
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

#[test]
fn the_pre_push_hook_checks_the_pushed_range() {
    let Some(pc) = pre_commit() else { return };
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
    let o = Command::new(&pc)
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
