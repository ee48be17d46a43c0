//! History mode: judge every commit of a walk, reusing all work per distinct blob.
//!
//! Work is split in two. First, every distinct (blob, path) of the walk is read, parsed and judged by
//! the rules that depend on the document alone, in parallel: this is where the cost is, and it grows
//! with distinct blobs, not with commits × files. Then one cheap sequential pass applies each commit's
//! changes to the tree state, re-runs only what a change can affect (cross-document references when
//! paths or keys change, date rules when the commit date crosses a date the document mentions), runs
//! the commit-level rules (co-change, trailer, no-delete) and records where each finding was
//! introduced and where it was fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aimslint_git::{BlobReader, ChangeKind, CommitDelta, CommitMeta, History};
use aimslint_packs::{Check, Rule, Severity};
use rayon::prelude::*;
use serde_json::Value;

use crate::FileInput;
use crate::checks::parse_date;
use crate::finding::{Artifact, Finding, HistoryInfo, Outcome};
use crate::run::{Doc, Engine, Index, fingerprint};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Depends on the document alone: judged once per blob.
    Pure,
    /// Depends on other files of the tree.
    Reference,
    /// Depends on the date of judgement.
    Temporal,
}

fn class_of(rule: &Rule) -> Class {
    let mentions_today = |e: &aimslint_packs::Expr| e.source.contains("today");
    match &rule.check {
        Check::Reference { .. } => Class::Reference,
        Check::MaxAge { .. } | Check::Approval { .. } => Class::Temporal,
        Check::Expr { expr, .. } if mentions_today(expr) => Class::Temporal,
        _ if rule.when.as_ref().is_some_and(mentions_today) => Class::Temporal,
        _ => Class::Pure,
    }
}

/// One blob at one path, judged once.
struct Judged {
    doc: Option<Doc>,
    artifact: Option<Artifact>,
    /// Parse problems and the document-only rules.
    fixed: Vec<Finding>,
    /// Dates at which a date rule's result may change (sorted).
    critical: Vec<jiff::civil::Date>,
}

struct PathState {
    judged: Arc<Judged>,
    reference: Vec<Finding>,
    temporal: Vec<Finding>,
    judged_at: jiff::civil::Date,
}

impl PathState {
    fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.judged
            .fixed
            .iter()
            .chain(&self.reference)
            .chain(&self.temporal)
    }
}

fn date_of(meta: &CommitMeta) -> jiff::civil::Date {
    parse_date(&meta.date).unwrap_or(jiff::civil::date(1970, 1, 1))
}

/// Every date-like string in a value.
fn collect_dates(v: &Value, out: &mut Vec<jiff::civil::Date>) {
    match v {
        Value::String(s) if s.len() >= 10 && s.as_bytes()[4] == b'-' => {
            if let Some(d) = parse_date(s) {
                out.push(d);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_dates(x, out)),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| k.as_str() != "body" && k.as_str() != "sections")
            .for_each(|(_, x)| collect_dates(x, out)),
        _ => {}
    }
}

impl Engine {
    fn judge(&self, reader: &BlobReader, blob: &str, path: &str) -> Judged {
        let input = FileInput {
            path: path.to_string(),
            blob_id: blob.to_string(),
            content: reader.read(blob),
            explicit: false,
        };
        let (doc, artifact, mut fixed) = self.prepare(&input, None);
        let doc = doc.map(|mut d| {
            d.blob = Some(blob.to_string());
            d
        });
        for f in &mut fixed {
            f.blob = Some(blob.to_string());
        }
        let mut critical = Vec::new();
        if let Some(d) = &doc {
            fixed.extend(self.eval_doc(
                d,
                self.options.as_of,
                &Index::default(),
                &|r| class_of(r) == Class::Pure,
                None,
            ));
            if let Ok(p) = &d.parsed.result {
                let mut dates = Vec::new();
                collect_dates(&p.value, &mut dates);
                for a in self
                    .rules
                    .iter()
                    .filter(|a| d.kind.as_ref().is_some_and(|k| a.rule.kinds.contains(k)))
                {
                    if let Check::MaxAge { days, .. } = &a.rule.check {
                        let span = jiff::Span::new().days(i64::from(*days) + 1);
                        critical.extend(dates.iter().filter_map(|x| x.checked_add(span).ok()));
                    }
                }
                critical.extend(
                    dates
                        .iter()
                        .filter_map(|x| x.checked_add(jiff::Span::new().days(1)).ok()),
                );
                critical.extend(dates);
            }
        }
        critical.sort();
        critical.dedup();
        Judged {
            doc,
            artifact,
            fixed,
            critical,
        }
    }

    /// Judge a walked history. With a base (a range, or `--since`), findings already present at the
    /// base are not reported: only what the walked commits introduced.
    pub fn check_history(
        &self,
        history: &History,
        reader: &BlobReader,
        progress: &(dyn Fn(&str, u64, u64) + Sync),
    ) -> Outcome {
        // 1. Every distinct candidate blob, judged once, in parallel.
        let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
        for f in &history.base_tree.files {
            wanted.insert((f.blob_id.clone(), f.path.clone()));
        }
        for c in &history.commits {
            for ch in &c.changes {
                if let Some(b) = &ch.blob
                    && self.is_candidate(&ch.path)
                {
                    wanted.insert((b.clone(), ch.path.clone()));
                }
            }
        }
        let total = wanted.len() as u64;
        let done = std::sync::atomic::AtomicU64::new(0);
        let judged: HashMap<(String, String), Arc<Judged>> = wanted
            .into_par_iter()
            .map(|(b, p)| {
                let j = Arc::new(self.judge(reader, &b, &p));
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(64) || n == total {
                    progress("parsing blobs", n, total);
                }
                ((b, p), j)
            })
            .collect();

        // 2. The sequential pass.
        let mut pass = Pass {
            engine: self,
            state: BTreeMap::new(),
            idx: Index::default(),
            open: BTreeMap::new(),
            closed: Vec::new(),
            events: Vec::new(),
            by_kinds: self
                .rules
                .iter()
                .filter_map(|a| match &a.rule.check {
                    Check::Reference {
                        kind: Some(k),
                        by: Some(_),
                        ..
                    } => Some(k.clone()),
                    _ => None,
                })
                .collect(),
        };
        let base_date = history.base.as_ref().map_or(self.options.as_of, date_of);
        pass.idx.paths = history.base_tree.paths.clone();
        for f in &history.base_tree.files {
            if let Some(j) = judged.get(&(f.blob_id.clone(), f.path.clone())) {
                pass.insert(&f.path, j.clone(), base_date);
            }
        }
        pass.refresh_keys();
        let base_id = history.base.as_ref().map(|b| b.id.clone());
        let all: Vec<String> = pass.state.keys().cloned().collect();
        pass.reevaluate(&all, base_date, true, true);
        // What stands at the base is the starting point. At a shallow boundary it is all we know
        // of the past, so it is reported as found at the boundary.
        let report_base = history.truncated_at.is_some();
        pass.sync_all(&all, base_id.as_deref());
        if !report_base {
            pass.open.values_mut().for_each(|m| {
                m.values_mut()
                    .for_each(|f| f.commit = Some(String::from("\0base")))
            });
        }

        let n = history.commits.len() as u64;
        let mut last_date = base_date;
        for (i, c) in history.commits.iter().enumerate() {
            pass.apply(c, &judged, last_date);
            last_date = date_of(&c.meta);
            if (i as u64 + 1).is_multiple_of(256) || i as u64 + 1 == n {
                progress("walking commits", i as u64 + 1, n);
            }
        }

        // 3. Occurrences: closed ones, then those still open at the head.
        let mut findings = pass.closed;
        for (_, m) in pass.open {
            findings.extend(m.into_values());
        }
        findings.extend(pass.events);
        findings.retain(|f| f.commit.as_deref() != Some("\0base"));
        self.apply_waivers(&mut findings, self.options.as_of);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.fixed_in == b.fixed_in);

        let head = history
            .commits
            .last()
            .map(|c| c.meta.id.clone())
            .or(base_id.clone());
        let mut artifacts: Vec<Artifact> = pass
            .state
            .values()
            .filter_map(|s| s.judged.artifact.clone())
            .map(|mut a| {
                a.commit.clone_from(&head);
                a
            })
            .collect();
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        let mut sources = BTreeMap::new();
        let by_blob: HashMap<&str, &Arc<Judged>> =
            judged.iter().map(|((b, _), j)| (b.as_str(), j)).collect();
        for f in &findings {
            if let Some(b) = &f.blob
                && let Some(j) = by_blob.get(b.as_str())
                && let Some(d) = &j.doc
            {
                sources.insert(b.clone(), d.parsed.text.clone());
            }
        }
        if let Some(cfg) = &self.config_file
            && findings.iter().any(|f| &f.path == cfg)
        {
            sources.insert(cfg.clone(), self.config_text.clone());
        }
        Outcome {
            findings,
            artifacts,
            sources,
            history: Some(HistoryInfo {
                commits: history.commits.len(),
                blobs: judged.len(),
                base: base_id,
                head,
                truncated_at: history.truncated_at.clone(),
            }),
        }
    }
}

/// A path with its fresh reference and date-rule findings (`None`: not re-run).
type Reevaluated = (String, Option<Vec<Finding>>, Option<Vec<Finding>>);

struct Pass<'e> {
    engine: &'e Engine,
    state: BTreeMap<String, PathState>,
    idx: Index,
    /// Open occurrences per path, by fingerprint; `commit` holds the introducing commit.
    open: BTreeMap<String, BTreeMap<String, Finding>>,
    closed: Vec<Finding>,
    /// Commit-level findings (co-change, trailer, no-delete).
    events: Vec<Finding>,
    /// Kinds whose key values `reference … by` looks up.
    by_kinds: BTreeSet<String>,
}

impl Pass<'_> {
    fn insert(&mut self, path: &str, judged: Arc<Judged>, date: jiff::civil::Date) {
        let kind = judged.doc.as_ref().and_then(|d| d.kind.clone());
        self.idx.kinds.insert(path.to_string(), kind);
        self.state.insert(
            path.to_string(),
            PathState {
                judged,
                reference: Vec::new(),
                temporal: Vec::new(),
                judged_at: date,
            },
        );
    }

    fn remove(&mut self, path: &str) {
        self.state.remove(path);
        self.idx.kinds.remove(path);
    }

    fn refresh_keys(&mut self) {
        let docs: Vec<&Doc> = self
            .state
            .values()
            .filter_map(|s| s.judged.doc.as_ref())
            .collect();
        self.idx.keys = self.engine.reference_keys(docs.iter().copied());
    }

    fn reevaluate(
        &mut self,
        paths: &[String],
        date: jiff::civil::Date,
        reference: bool,
        temporal: bool,
    ) {
        let engine = self.engine;
        let idx = &self.idx;
        let results: Vec<Reevaluated> = paths
            .par_iter()
            .filter_map(|p| {
                let s = self.state.get(p)?;
                let doc = s.judged.doc.as_ref()?;
                let r = reference.then(|| {
                    engine.eval_doc(doc, date, idx, &|r| class_of(r) == Class::Reference, None)
                });
                let t = temporal.then(|| {
                    engine.eval_doc(doc, date, idx, &|r| class_of(r) == Class::Temporal, None)
                });
                Some((p.clone(), r, t))
            })
            .collect();
        for (p, r, t) in results {
            if let Some(s) = self.state.get_mut(&p) {
                if let Some(r) = r {
                    s.reference = r;
                }
                if let Some(t) = t {
                    s.temporal = t;
                    s.judged_at = date;
                }
            }
        }
    }

    /// Bring the open occurrences of these paths in line with their current findings.
    fn sync_all(&mut self, paths: &[String], commit: Option<&str>) {
        for p in paths {
            let current: BTreeMap<String, Finding> = match self.state.get(p) {
                Some(s) => s
                    .findings()
                    .map(|f| (f.fingerprint.clone(), f.clone()))
                    .collect(),
                None => BTreeMap::new(),
            };
            let open = self.open.entry(p.clone()).or_default();
            let gone: Vec<String> = open
                .keys()
                .filter(|k| !current.contains_key(*k))
                .cloned()
                .collect();
            for k in gone {
                if let Some(mut f) = open.remove(&k) {
                    f.fixed_in = commit.map(str::to_string);
                    self.closed.push(f);
                }
            }
            for (k, mut f) in current {
                if let std::collections::btree_map::Entry::Vacant(e) = open.entry(k) {
                    f.commit = commit.map(str::to_string);
                    e.insert(f);
                }
            }
            if open.is_empty() {
                self.open.remove(p);
            }
        }
    }

    fn apply(
        &mut self,
        c: &CommitDelta,
        judged: &HashMap<(String, String), Arc<Judged>>,
        last_date: jiff::civil::Date,
    ) {
        let date = date_of(&c.meta);
        let id = c.meta.id.as_str();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let mut paths_changed = false;
        let mut keys_changed = false;
        let mut deleted_kinds: Vec<(String, Option<String>)> = Vec::new();
        for ch in &c.changes {
            if ch.kind != ChangeKind::Modified {
                paths_changed = true;
            }
            let mut gone = |this: &mut Self, p: &str| {
                let kind = this.idx.kinds.get(p).cloned().flatten();
                if kind.as_ref().is_some_and(|k| this.by_kinds.contains(k)) {
                    keys_changed = true;
                }
                deleted_kinds.push((p.to_string(), kind));
                this.remove(p);
                this.idx.paths.remove(p);
                touched.insert(p.to_string());
            };
            match ch.kind {
                ChangeKind::Deleted => gone(self, &ch.path),
                ChangeKind::Renamed => {
                    if let Some(old) = &ch.old_path {
                        gone(self, old);
                        deleted_kinds.pop();
                    }
                }
                _ => {}
            }
            if ch.kind == ChangeKind::Deleted {
                continue;
            }
            self.idx.paths.insert(ch.path.clone());
            let key = (ch.blob.clone().unwrap_or_default(), ch.path.clone());
            if let Some(j) = judged.get(&key) {
                if j.doc
                    .as_ref()
                    .and_then(|d| d.kind.as_ref())
                    .is_some_and(|k| self.by_kinds.contains(k))
                {
                    keys_changed = true;
                }
                self.insert(&ch.path, j.clone(), date);
                touched.insert(ch.path.clone());
            } else if self.state.contains_key(&ch.path) {
                // No longer a candidate (e.g. became a symlink).
                self.remove(&ch.path);
                touched.insert(ch.path.clone());
            }
        }
        if keys_changed || paths_changed {
            self.refresh_keys();
        }
        // Which documents to judge again.
        let changed: Vec<String> = touched
            .iter()
            .filter(|p| self.state.contains_key(*p))
            .cloned()
            .collect();
        self.reevaluate(&changed, date, true, true);
        let judged_now: BTreeSet<String> = changed.iter().cloned().collect();
        if keys_changed || paths_changed {
            let others: Vec<String> = self
                .state
                .keys()
                .filter(|p| !touched.contains(*p))
                .cloned()
                .collect();
            self.reevaluate(&others, date, true, false);
            touched.extend(others);
        }
        if date != last_date {
            let (lo, hi) = if date > last_date {
                (last_date, date)
            } else {
                (date, last_date)
            };
            let crossing: Vec<String> = self
                .state
                .iter()
                .filter(|(p, s)| {
                    !judged_now.contains(*p) && {
                        let c = &s.judged.critical;
                        let i = c.partition_point(|d| *d <= lo);
                        i < c.len() && c[i] <= hi
                    }
                })
                .map(|(p, _)| p.clone())
                .collect();
            self.reevaluate(&crossing, date, false, true);
            touched.extend(crossing);
        }
        let touched: Vec<String> = touched.into_iter().collect();
        self.sync_all(&touched, Some(id));
        self.commit_rules(c, &deleted_kinds);
    }

    fn event(
        &mut self,
        rule: &Rule,
        severity: Severity,
        path: &str,
        c: &CommitDelta,
        message: String,
    ) {
        self.events.push(Finding {
            rule: rule.id.clone(),
            severity,
            fingerprint: fingerprint(&rule.id, path, "", &c.meta.id),
            message,
            controls: rule.controls.clone(),
            path: path.to_string(),
            line: 1,
            column: 1,
            commit: Some(c.meta.id.clone()),
            fixed_in: None,
            pointer: None,
            help: rule.help.clone(),
            waived: None,
            span: None,
            blob: None,
        });
    }

    /// Documents of a kind in the current state whose `/id` or path is `name`.
    fn find_doc(&self, kind: &str, name: &str) -> Option<&Doc> {
        let name = name.trim();
        self.state.iter().find_map(|(p, s)| {
            let d = s.judged.doc.as_ref()?;
            if d.kind.as_deref() != Some(kind) {
                return None;
            }
            let id = d
                .parsed
                .result
                .as_ref()
                .ok()?
                .value
                .get("id")
                .and_then(Value::as_str);
            (p == name || id == Some(name)).then_some(d)
        })
    }

    fn covers(doc: &Doc, path: &str) -> bool {
        let Ok(p) = &doc.parsed.result else {
            return false;
        };
        match p.value.get("paths") {
            Some(Value::Array(globs)) => globs.iter().filter_map(Value::as_str).any(|g| {
                globset::GlobBuilder::new(g)
                    .literal_separator(true)
                    .build()
                    .is_ok_and(|g| g.compile_matcher().is_match(path))
            }),
            _ => true,
        }
    }

    fn commit_rules(&mut self, c: &CommitDelta, deleted: &[(String, Option<String>)]) {
        let engine = self.engine;
        for a in engine.rules.iter().filter(|a| a.rule.check.is_history()) {
            let rule = a.rule.clone();
            match &rule.check {
                Check::CoChange {
                    when,
                    require_changed,
                    require_trailer,
                } => {
                    let triggered: Vec<&str> = c
                        .changes
                        .iter()
                        .map(|ch| ch.path.as_str())
                        .filter(|p| when.is_match(p))
                        .collect();
                    let Some(first) = triggered.first() else {
                        continue;
                    };
                    if require_changed
                        .as_ref()
                        .is_some_and(|g| c.changes.iter().any(|ch| g.is_match(&ch.path)))
                    {
                        continue;
                    }
                    let mut note = String::new();
                    if let Some((name, kind)) = require_trailer {
                        let values: Vec<&str> = c
                            .meta
                            .trailers
                            .iter()
                            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v.as_str())
                            .collect();
                        let mut ok = false;
                        for v in &values {
                            match self.find_doc(kind, v) {
                                Some(d) if triggered.iter().all(|p| Self::covers(d, p)) => {
                                    ok = true
                                }
                                Some(_) => {
                                    note = format!(
                                        "; the `{name}: {v}` record's `paths` do not cover {first}"
                                    )
                                }
                                None => {
                                    note = format!(
                                        "; `{name}: {v}` names no {kind} in the commit's tree"
                                    )
                                }
                            }
                        }
                        if ok {
                            continue;
                        }
                    }
                    let wanted = match (require_changed, require_trailer) {
                        (Some(g), Some((name, _))) => format!(
                            "a change to {} or a `{name}:` trailer",
                            g.patterns.join(", ")
                        ),
                        (Some(g), None) => format!("a change to {}", g.patterns.join(", ")),
                        (None, Some((name, _))) => format!("a `{name}:` trailer"),
                        (None, None) => "an accompanying change".into(),
                    };
                    let more = if triggered.len() > 1 {
                        format!(" (and {} more)", triggered.len() - 1)
                    } else {
                        String::new()
                    };
                    let msg = format!(
                        "commit \"{}\" changes {first}{more} without {wanted}{note}",
                        c.meta.summary
                    );
                    let path = first.to_string();
                    self.event(&rule, a.severity, &path, c, msg);
                }
                Check::Trailer { when, trailers } => {
                    let first = match when {
                        Some(w) => c
                            .changes
                            .iter()
                            .map(|ch| ch.path.as_str())
                            .find(|p| w.is_match(p)),
                        None => c.changes.first().map(|ch| ch.path.as_str()),
                    };
                    let Some(first) = first else { continue };
                    let missing: Vec<&str> = trailers
                        .iter()
                        .filter(|t| {
                            !c.meta
                                .trailers
                                .iter()
                                .any(|(k, v)| k.eq_ignore_ascii_case(t) && !v.is_empty())
                        })
                        .map(String::as_str)
                        .collect();
                    if !missing.is_empty() {
                        let msg = format!(
                            "commit \"{}\" changes {first} but has no {} trailer",
                            c.meta.summary,
                            missing.join(", ")
                        );
                        let path = first.to_string();
                        self.event(&rule, a.severity, &path, c, msg);
                    }
                }
                Check::NoDelete { unless } => {
                    for (path, kind) in deleted {
                        if !kind.as_ref().is_some_and(|k| rule.kinds.contains(k)) {
                            continue;
                        }
                        let retired = c
                            .changes
                            .iter()
                            .filter(|ch| ch.kind != ChangeKind::Deleted)
                            .any(|ch| {
                                self.state
                                    .get(&ch.path)
                                    .and_then(|s| s.judged.doc.as_ref())
                                    .is_some_and(|d| {
                                        d.parsed.result.as_ref().is_ok_and(|p| {
                                            p.value.get("type").and_then(Value::as_str)
                                                == Some(unless.as_str())
                                        }) && Self::covers(d, path)
                                    })
                            });
                        if !retired {
                            let msg = format!(
                                "commit \"{}\" deletes {path} ({}) without a `type: {unless}` change record covering it",
                                c.meta.summary,
                                kind.as_deref().unwrap_or("evidence")
                            );
                            self.event(&rule, a.severity, path, c, msg);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
