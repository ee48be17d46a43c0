//! `aimslint packs test`: run every rule on its own pass and fail fixtures.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use aimslint_packs::{Pack, PackSet};
use serde::Deserialize;

use crate::{Config, Engine, EngineOptions, FileInput, Selection, Snapshot};

/// The date fixtures are judged at unless `tests/<ID>/as-of` says otherwise.
pub const FIXTURE_DATE: &str = "2026-06-01";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureResult {
    pub pack: String,
    pub rule: String,
    /// `pass` or `fail`.
    pub case: String,
    pub problems: Vec<String>,
}

impl FixtureResult {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    finding: Vec<Expected>,
}

#[derive(Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Expected {
    path: String,
    line: usize,
    pointer: Option<String>,
}

fn snapshot(pack: &Pack, prefix: &str) -> Snapshot {
    let mut files = Vec::new();
    let mut paths = HashSet::new();
    for (rel, bytes) in pack.files.under(prefix) {
        if rel == "expect.toml" {
            continue;
        }
        paths.insert(rel.to_string());
        files.push(FileInput {
            path: rel.to_string(),
            blob_id: String::new(),
            content: Ok(Arc::from(bytes)),
            text: None,
            explicit: false,
        });
    }
    Snapshot {
        files,
        paths,
        commit: None,
        as_of: None,
    }
}

/// Run the fixtures of every rule of every pack in `set` (or of one pack).
/// Every rule's pass and fail fixtures; `plugins` runs native plugins' rules (without it they are
/// reported as not judged).
pub fn run_fixtures(
    set: &Arc<PackSet>,
    only_pack: Option<&str>,
    plugins: Option<Arc<dyn crate::PluginRunner>>,
) -> Vec<FixtureResult> {
    let mut results = Vec::new();
    for pack in &set.packs {
        if only_pack.is_some_and(|p| p != pack.manifest.id) {
            continue;
        }
        for rule in &pack.rules {
            let id = &rule.id;
            let as_of = pack
                .files
                .text(&format!("tests/{id}/as-of"))
                .map(str::trim)
                .unwrap_or(FIXTURE_DATE);
            let as_of = jiff::civil::Date::strptime("%Y-%m-%d", as_of)
                .unwrap_or_else(|_| jiff::civil::date(2026, 6, 1));
            let engine = Engine::new(
                set.clone(),
                &Config::default(),
                EngineOptions {
                    as_of,
                    selection: Selection {
                        select: vec![id.clone()],
                        ignore: Vec::new(),
                    },
                    limits: Default::default(),
                    plugins: plugins.clone(),
                    shard: None,
                },
            );
            for case in ["pass", "fail"] {
                let problems = if rule.check.is_history() {
                    run_history_fixture(&engine, pack, id, case)
                } else {
                    run_snapshot_fixture(&engine, pack, rule, case)
                };
                results.push(FixtureResult {
                    pack: pack.manifest.id.clone(),
                    rule: id.clone(),
                    case: case.into(),
                    problems,
                });
            }
        }
    }
    results
}

/// The problems with one case (`pass` or `fail`) of a rule's fixture files.
fn run_snapshot_fixture(
    engine: &Engine,
    pack: &Pack,
    rule: &aimslint_packs::Rule,
    case: &str,
) -> Vec<String> {
    let id = &rule.id;
    let prefix = format!("tests/{id}/{case}/");
    let snap = snapshot(pack, &prefix);
    let mut problems = Vec::new();
    if snap.files.is_empty() {
        problems.push(format!("no {case} fixtures in tests/{id}/{case}/"));
        return problems;
    }
    let outcome = engine.check(&snap);
    let mine: Vec<_> = outcome.findings.iter().filter(|f| &f.rule == id).collect();
    let others: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("AL00") && f.rule.as_str() < "AL008")
        .collect();
    for f in &others {
        problems.push(format!(
            "fixture {}:{} does not read cleanly: {} {}",
            f.path, f.line, f.rule, f.message
        ));
    }
    let checked: BTreeSet<&str> = outcome
        .artifacts
        .iter()
        .filter(|a| {
            a.kind
                .as_deref()
                .is_some_and(|k| rule.kinds.iter().any(|r| r == k))
        })
        .map(|a| a.path.as_str())
        .collect();
    if checked.is_empty() {
        problems.push(format!(
            "no fixture in tests/{id}/{case}/ is classified as {}",
            rule.kinds.join(" or ")
        ));
    }
    if case == "pass" {
        for f in &mine {
            problems.push(format!(
                "unexpected finding {}:{} {}: {}",
                f.path,
                f.line,
                f.pointer.as_deref().unwrap_or(""),
                f.message
            ));
        }
    } else if mine.is_empty() {
        problems.push("the rule reported nothing on its fail fixtures".into());
    } else if let Some(text) = pack.files.text(&format!("tests/{id}/fail/expect.toml")) {
        match toml::from_str::<Expect>(text) {
            Err(e) => problems.push(format!("tests/{id}/fail/expect.toml: {}", e.message())),
            Ok(exp) => {
                let mut got: Vec<(String, usize, Option<String>)> = mine
                    .iter()
                    .map(|f| (f.path.clone(), f.line, f.pointer.clone()))
                    .collect();
                for e in &exp.finding {
                    let pos = got.iter().position(|(p, l, ptr)| {
                        p == &e.path && *l == e.line && (e.pointer.is_none() || e.pointer == *ptr)
                    });
                    match pos {
                        Some(i) => {
                            got.remove(i);
                        }
                        None => problems.push(format!(
                            "expected a finding at {}:{}{}, got none",
                            e.path,
                            e.line,
                            e.pointer
                                .as_deref()
                                .map(|p| format!(" ({p})"))
                                .unwrap_or_default()
                        )),
                    }
                }
                for (p, l, ptr) in got {
                    problems.push(format!(
                        "unexpected finding at {p}:{l} ({})",
                        ptr.as_deref().unwrap_or("-")
                    ));
                }
            }
        }
    }
    problems
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryFixture {
    #[serde(default)]
    commit: Vec<FixtureCommit>,
    #[serde(default)]
    expect: Vec<ExpectedEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureCommit {
    message: String,
    date: String,
    #[serde(default)]
    files: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    delete: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedEvent {
    /// 1-based index of the commit in the fixture.
    commit: usize,
    path: String,
}

/// Build the fixture's history as a real git repository and walk all of it.
fn run_history_fixture(engine: &Engine, pack: &Pack, id: &str, case: &str) -> Vec<String> {
    let rel = format!("tests/{id}/{case}.toml");
    let Some(text) = pack.files.text(&rel) else {
        return vec![format!("no {case} history fixture ({rel})")];
    };
    let fixture: HistoryFixture = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => return vec![format!("{rel}: {}", e.message())],
    };
    // A pack is data: its fixtures name files inside the scratch repository, nothing else. Every
    // path is checked before anything is written.
    let bad = bad_fixture_paths(&rel, &fixture.commit);
    if !bad.is_empty() {
        return bad;
    }
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return vec![format!("temporary directory: {e}")],
    };
    let ids = match build_history(dir.path(), &fixture.commit) {
        Ok(ids) => ids,
        Err(e) => return vec![format!("{rel}: building the history: {e}")],
    };
    let opts = aimslint_git::ReadOptions::default();
    let want = |p: &str| engine.is_candidate(p);
    let history = match aimslint_git::walk(
        dir.path(),
        &aimslint_git::Walk::All {
            head: "HEAD".into(),
        },
        &opts,
        &want,
    ) {
        Ok(h) => h,
        Err(e) => return vec![e.to_string()],
    };
    let reader = match aimslint_git::BlobReader::new(dir.path(), &opts) {
        Ok(r) => r,
        Err(e) => return vec![e.to_string()],
    };
    let outcome = match engine.check_history(&history, &reader, &|_, _, _| {}) {
        Ok(o) => o,
        Err(e) => return vec![e.to_string()],
    };
    let mine: Vec<(String, String)> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .map(|f| (f.commit.clone().unwrap_or_default(), f.path.clone()))
        .collect();
    let mut problems = Vec::new();
    if case == "pass" {
        for (c, p) in &mine {
            problems.push(format!("unexpected finding at {p} in commit {}", short(c)));
        }
    } else if mine.is_empty() {
        problems.push("the rule reported nothing on its fail history".into());
    } else if !fixture.expect.is_empty() {
        let want: BTreeSet<(String, String)> = fixture
            .expect
            .iter()
            .map(|e| {
                (
                    ids.get(e.commit.wrapping_sub(1))
                        .cloned()
                        .unwrap_or_default(),
                    e.path.clone(),
                )
            })
            .collect();
        let got: BTreeSet<(String, String)> = mine.into_iter().collect();
        for (c, p) in want.difference(&got) {
            problems.push(format!(
                "expected a finding at {p} in commit {}, got none",
                short(c)
            ));
        }
        for (c, p) in got.difference(&want) {
            problems.push(format!("unexpected finding at {p} in commit {}", short(c)));
        }
    }
    problems
}

fn short(id: &str) -> &str {
    &id[..id.len().min(10)]
}

/// Why a fixture path cannot name a file inside the fixture repository, if it cannot.
fn path_problem(path: &str) -> Option<&'static str> {
    let b = path.as_bytes();
    if path.is_empty() {
        Some("the path is empty")
    } else if path.contains('\\') {
        Some("the path contains a backslash (separate folders with `/`)")
    } else if path.starts_with('/') || std::path::Path::new(path).has_root() {
        Some("the path is absolute")
    } else if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        Some("the path starts with a drive letter")
    } else if path.contains('\0') {
        Some("the path contains a NUL character")
    } else if path.split('/').any(|c| c == "..") {
        Some("the path has a `..` component, which would leave the repository")
    } else if path.split('/').any(|c| c.is_empty() || c == ".") {
        Some("the path has an empty or `.` component")
    } else if path.split('/').any(|c| c.eq_ignore_ascii_case(".git")) {
        Some("the path is inside `.git`")
    } else {
        None
    }
}

/// A problem for each `files` key and `delete` entry of the fixture that is not a plain relative
/// path inside the repository, naming the fixture file and the key.
fn bad_fixture_paths(rel: &str, commits: &[FixtureCommit]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, c) in commits.iter().enumerate() {
        let keys = c
            .files
            .keys()
            .map(|p| (p, format!("files.{}", toml_key(p))))
            .chain(
                c.delete
                    .iter()
                    .map(|p| (p, format!("delete {}", toml_key(p)))),
            );
        for (path, key) in keys {
            if let Some(why) = path_problem(path) {
                problems.push(format!(
                    "{rel}: commit {}, {key}: {why}; a fixture path names a file inside the fixture repository (relative, `/`-separated)",
                    i + 1
                ));
            }
        }
    }
    problems
}

/// A TOML key or string as written in the fixture: quoted, with `\` and `"` escaped.
fn toml_key(s: &str) -> String {
    let mut out = String::from('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Make the folders of `rel` below `root` and return the file's path, refusing a symlink (or a
/// file) where a folder should be: nothing is ever written or deleted through a symlink.
fn real_parent(root: &std::path::Path, rel: &str) -> Result<std::path::PathBuf, String> {
    let mut at = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (n, part) in parts[..parts.len() - 1].iter().enumerate() {
        at.push(part);
        let shown = parts[..=n].join("/");
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "{rel}: `{shown}` is a symlink; not written through"
                ));
            }
            Ok(_) => return Err(format!("{rel}: `{shown}` is not a folder")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&at).map_err(|x| format!("{rel}: {x}"))?;
            }
            Err(e) => return Err(format!("{rel}: {e}")),
        }
    }
    at.push(parts[parts.len() - 1]);
    Ok(at)
}

/// Write a fixture file: a new file, never through a symlink at its place.
fn write_fixture_file(root: &std::path::Path, rel: &str, content: &str) -> Result<(), String> {
    use std::io::Write;
    let p = real_parent(root, rel)?;
    match std::fs::symlink_metadata(&p) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(format!("{rel}: is a symlink; not written through"));
        }
        Ok(m) if m.is_file() => std::fs::remove_file(&p).map_err(|x| format!("{rel}: {x}"))?,
        Ok(_) => return Err(format!("{rel}: is not a file")),
        Err(_) => {}
    }
    // `create_new` fails on anything at the path, a symlink included: it never follows one.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&p)
        .map_err(|x| format!("{rel}: {x}"))?;
    f.write_all(content.as_bytes())
        .map_err(|x| format!("{rel}: {x}"))
}

/// Commit each fixture commit in order, at noon UTC of its date. Returns the commit ids. Paths
/// are checked first (`bad_fixture_paths`).
fn build_history(dir: &std::path::Path, commits: &[FixtureCommit]) -> Result<Vec<String>, String> {
    let e = |e: git2::Error| e.message().to_string();
    let repo = git2::Repository::init(dir).map_err(e)?;
    let mut ids = Vec::new();
    let mut parent: Option<git2::Oid> = None;
    for c in commits {
        for (path, content) in &c.files {
            write_fixture_file(dir, path, content)?;
        }
        for path in &c.delete {
            let p = real_parent(dir, path)?;
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_file() => {
                    std::fs::remove_file(&p).map_err(|x| format!("{path}: {x}"))?;
                }
                Ok(_) => return Err(format!("{path}: not a file; not deleted")),
                Err(x) => return Err(format!("{path}: {x}")),
            }
        }
        let mut index = repo.index().map_err(e)?;
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .map_err(e)?;
        index.update_all(["*"], None).map_err(e)?;
        index.write().map_err(e)?;
        let tree_id = index.write_tree().map_err(e)?;
        let tree = repo.find_tree(tree_id).map_err(e)?;
        let date = jiff::civil::Date::strptime("%Y-%m-%d", &c.date)
            .map_err(|x| format!("{}: {x}", c.date))?;
        let secs = date
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map_err(|x| x.to_string())?
            .timestamp()
            .as_second()
            + 12 * 3600;
        let sig = git2::Signature::new("Fixture", "fixture@example.com", &git2::Time::new(secs, 0))
            .map_err(e)?;
        let parents: Vec<git2::Commit<'_>> = parent
            .map(|p| repo.find_commit(p))
            .transpose()
            .map_err(e)?
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let id = repo
            .commit(Some("HEAD"), &sig, &sig, &c.message, &tree, &refs)
            .map_err(e)?;
        parent = Some(id);
        ids.push(id.to_string());
    }
    Ok(ids)
}
