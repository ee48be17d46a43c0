use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example() -> PathBuf {
    repo_root().join("examples/credit-scoring")
}

/// The binary with a clean environment for deterministic output.
pub fn aimslint() -> Command {
    let mut c = Command::cargo_bin("aimslint").expect("binary built");
    c.env_remove("AIMSLINT_AS_OF").env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    aimslint()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("runs")
}

/// The date the example repository's gaps are documented at.
pub const AS_OF: &str = "2026-11-01";

/// `aimslint report <args>`, which must succeed; `dir` is the repository reported on.
pub fn report(args: &[&str], dir: &Path) -> Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let o = run(&all, &repo_root());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `check DIR --format json --as-of AS_OF --fail-on never EXTRA…`, run in `dir`.
pub fn check_report(dir: &Path, as_of: &str, extra: &[&str]) -> Output {
    let d = dir.to_str().expect("UTF-8 temp path");
    let mut args = vec![
        "check",
        d,
        "--format",
        "json",
        "--as-of",
        as_of,
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(extra);
    run(&args, dir)
}

/// The JSON report of a run that must have exited 0.
pub fn json_ok(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    json(o)
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The first finding of a rule in a JSON report.
pub fn finding_of<'r>(report: &'r serde_json::Value, rule: &str) -> &'r serde_json::Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {report}"))
}

/// (rule, path, line, pointer) of each finding, waived ones marked.
pub fn finding_rows(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}{}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"],
                f["pointer"].as_str().unwrap_or("-"),
                if f["waived"].is_null() {
                    ""
                } else {
                    " (waived)"
                }
            )
        })
        .collect()
}

/// A temporary repository with the given files.
pub fn temp_repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, content) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

/// A git repository built commit by commit, at chosen dates.
pub struct GitRepo {
    pub dir: tempfile::TempDir,
    pub commits: Vec<String>,
}

impl GitRepo {
    pub fn new() -> GitRepo {
        let dir = tempfile::tempdir().expect("tempdir");
        git2::Repository::init(dir.path()).expect("init");
        GitRepo {
            dir,
            commits: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write (Some) or delete (None) files, stage everything and commit at noon UTC of `date`.
    pub fn commit(&mut self, date: &str, message: &str, files: &[(&str, Option<&str>)]) -> String {
        self.write(files);
        let repo = git2::Repository::open(self.path()).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let (y, m, d): (i32, u32, u32) = (
            date[..4].parse().unwrap(),
            date[5..7].parse().unwrap(),
            date[8..10].parse().unwrap(),
        );
        let days = days_from_civil(y, m, d);
        let sig = git2::Signature::new(
            "Dev",
            "dev@example.com",
            &git2::Time::new(days * 86400 + 12 * 3600, 0),
        )
        .unwrap();
        let parents: Vec<git2::Commit<'_>> = self
            .commits
            .last()
            .map(|c| repo.find_commit(git2::Oid::from_str(c).unwrap()).unwrap())
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let id = repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &refs)
            .unwrap()
            .to_string();
        self.commits.push(id.clone());
        id
    }

    pub fn write(&self, files: &[(&str, Option<&str>)]) {
        for (path, content) in files {
            let p = self.path().join(path);
            match content {
                Some(c) => {
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, c).unwrap();
                }
                None => std::fs::remove_file(&p).unwrap(),
            }
        }
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (rule, path, line, short commit, how it ended) of each finding: `fixed:-` while it stands,
/// `fixed:c5`, `removed:c5` or `obscured:c5` once it ended.
pub fn history_rows(report: &serde_json::Value, commits: &[String]) -> Vec<String> {
    let name = |v: &serde_json::Value| -> String {
        match v.as_str() {
            Some(id) => commits
                .iter()
                .position(|c| c == id)
                .map_or_else(|| id[..8].to_string(), |i| format!("c{}", i + 1)),
            None => "-".into(),
        }
    };
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let ended = ["removed_in", "obscured_in"]
                .into_iter()
                .find(|k| !f[*k].is_null())
                .map_or_else(
                    || format!("fixed:{}", name(&f["fixed_in"])),
                    |k| format!("{}:{}", k.trim_end_matches("_in"), name(&f[k])),
                );
            format!(
                "{} {}:{} {} {ended}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"],
                name(&f["commit"]),
            )
        })
        .collect()
}

/// Fail with every violation if a report does not match schemas/report.schema.json.
pub fn assert_matches_report_schema(report: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// `git ARGS` in `dir`, as a fixed committer at a fixed date, with local `file://` transport allowed.
pub fn git(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Dev",
            "-c",
            "user.email=dev@example.com",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_COMMITTER_DATE", "2026-03-01T12:00:00Z")
        .env("GIT_AUTHOR_DATE", "2026-03-01T12:00:00Z")
        .output()
        .expect("git is installed")
}
