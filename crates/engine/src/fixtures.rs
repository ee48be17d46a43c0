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
pub fn run_fixtures(set: &Arc<PackSet>, only_pack: Option<&str>) -> Vec<FixtureResult> {
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
                },
            );
            for case in ["pass", "fail"] {
                let prefix = format!("tests/{id}/{case}/");
                let snap = snapshot(pack, &prefix);
                let mut problems = Vec::new();
                if snap.files.is_empty() {
                    problems.push(format!("no {case} fixtures in tests/{id}/{case}/"));
                    results.push(FixtureResult {
                        pack: pack.manifest.id.clone(),
                        rule: id.clone(),
                        case: case.into(),
                        problems,
                    });
                    continue;
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
                } else if let Some(text) = pack.files.text(&format!("tests/{id}/fail/expect.toml"))
                {
                    match toml::from_str::<Expect>(text) {
                        Err(e) => {
                            problems.push(format!("tests/{id}/fail/expect.toml: {}", e.message()))
                        }
                        Ok(exp) => {
                            let mut got: Vec<(String, usize, Option<String>)> = mine
                                .iter()
                                .map(|f| (f.path.clone(), f.line, f.pointer.clone()))
                                .collect();
                            for e in &exp.finding {
                                let pos = got.iter().position(|(p, l, ptr)| {
                                    p == &e.path
                                        && *l == e.line
                                        && (e.pointer.is_none() || e.pointer == *ptr)
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
