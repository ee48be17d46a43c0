use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aimslint_artifacts::{Flavor, Format, Limits, LineIndex, ParseError, Parsed};
use aimslint_packs::{Check, PackSet, Rule, Severity};
use rayon::prelude::*;
use serde_json::Value;

use crate::checks::{Ctx, Hit, judge};
use crate::classify::Classifier;
use crate::codes;
use crate::config::{Config, Waiver};
use crate::finding::{Artifact, ArtifactStatus, Finding, Outcome, WaiverState};
use crate::select::Selection;

/// One file handed to the engine.
#[derive(Debug, Clone)]
pub struct FileInput {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// Content id (the git blob id): files with the same id are parsed once.
    pub blob_id: String,
    /// The bytes, or why they could not be read.
    pub content: Result<Arc<[u8]>, String>,
    /// Named on the command line: always reported, evidence or not.
    pub explicit: bool,
}

/// A tree to check: its candidate files, every path it holds, and the commit it is.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: Vec<FileInput>,
    /// Every file path of the tree, for `reference` checks.
    pub paths: HashSet<String>,
    pub commit: Option<String>,
    /// The date rules are judged at (today, `--as-of`, or the commit's date).
    pub as_of: Option<jiff::civil::Date>,
}

#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub as_of: jiff::civil::Date,
    pub selection: Selection,
    pub limits: Limits,
}

/// A file once parsed, shared by every snapshot that holds the same blob at the same path.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub(crate) text: Arc<str>,
    lines: LineIndex,
    pub(crate) result: Result<Parsed, ParseError>,
    raw_flavor: Option<Flavor>,
}

/// What the first pass keeps of a file.
#[derive(Default)]
struct Prepared {
    doc: Option<Doc>,
    artifact: Option<Artifact>,
    findings: Vec<Finding>,
    /// (kind, pointer, value) for `reference … by` lookups.
    keys: Vec<(String, String, String)>,
    kind: Option<(String, Option<String>)>,
    text: Option<(String, Arc<str>)>,
}

/// A core diagnostic (parse errors, unreadable files), as opposed to a pack rule.
struct CoreDiag<'a> {
    code: &'a str,
    severity: Severity,
    message: String,
    help: &'a str,
}

pub(crate) struct ActiveRule {
    pub(crate) rule: Arc<Rule>,
    pub(crate) severity: Severity,
}

/// Compiled packs and configuration, ready to check any number of snapshots.
pub struct Engine {
    pub(crate) packs: Arc<PackSet>,
    pub(crate) rules: Vec<ActiveRule>,
    pub(crate) classifier: Classifier,
    pub(crate) options: EngineOptions,
    waivers: Vec<Waiver>,
    soa_exclude: Vec<crate::config::SoaExclusion>,
    pub(crate) config_file: Option<String>,
    pub(crate) config_text: Arc<str>,
    cache: Mutex<HashMap<(String, String), Arc<ParsedFile>>>,
    /// Whether parses are kept in `cache` for reuse: not in history mode, which parses each
    /// (blob, path) once and keeps what it needs itself.
    keep_parses: std::sync::atomic::AtomicBool,
    /// Per kind, the top-level fields its rules' expressions read (`None`: the whole document):
    /// only those are converted for CEL.
    cel_fields: HashMap<String, Option<BTreeSet<String>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .finish()
    }
}

pub(crate) struct Doc {
    pub(crate) path: String,
    pub(crate) parsed: Arc<ParsedFile>,
    pub(crate) kind: Option<String>,
    /// The blob id, in history mode (snippets are looked up by it).
    pub(crate) blob: Option<String>,
}

/// What cross-document checks look at: every path of the tree, each document's kind, and key values.
#[derive(Debug, Default, Clone)]
pub(crate) struct Index {
    pub(crate) paths: HashSet<String>,
    pub(crate) kinds: HashMap<String, Option<String>>,
    pub(crate) keys: HashMap<(String, String), HashSet<String>>,
}

impl Engine {
    pub fn new(packs: Arc<PackSet>, config: &Config, options: EngineOptions) -> Engine {
        let rules = packs
            .rules()
            .filter(|r| options.selection.is_selected(r))
            .map(|r| ActiveRule {
                severity: config.severity.get(&r.id).copied().unwrap_or(r.severity),
                rule: r.clone(),
            })
            .collect::<Vec<ActiveRule>>();
        let classifier = Classifier::new(&packs, &config.artifacts);
        let mut cel_fields: HashMap<String, Option<BTreeSet<String>>> = HashMap::new();
        for a in &rules {
            let exprs = a.rule.when.iter().chain(match &a.rule.check {
                Check::Expr { expr, .. } => Some(expr),
                _ => None,
            });
            for e in exprs {
                let read = match (
                    a.rule.each.is_some(),
                    e.fields_read("doc"),
                    e.fields_read("root"),
                ) {
                    // With `each`, `doc` is the element and converted on its own.
                    (true, _, Some(r)) => Some(r),
                    (false, Some(d), Some(r)) => Some(d.into_iter().chain(r).collect()),
                    _ => None,
                };
                for k in &a.rule.kinds {
                    let entry = cel_fields
                        .entry(k.clone())
                        .or_insert_with(|| Some(BTreeSet::new()));
                    match (entry.as_mut(), &read) {
                        (Some(set), Some(r)) => set.extend(r.iter().cloned()),
                        _ => *entry = None,
                    }
                }
            }
        }
        Engine {
            cel_fields,
            packs,
            rules,
            classifier,
            options,
            waivers: config.waivers.clone(),
            soa_exclude: config.soa_exclude.clone(),
            config_file: config.file.clone(),
            config_text: Arc::from(config.text.as_str()),
            cache: Mutex::new(HashMap::new()),
            keep_parses: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Drop the parse cache: history mode keeps what the current tree needs itself.
    /// Keep parses for reuse (the default), or not (history mode).
    pub(crate) fn keep_parses(&self, keep: bool) {
        self.keep_parses
            .store(keep, std::sync::atomic::Ordering::Relaxed);
        if !keep && let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }

    pub fn packs(&self) -> &PackSet {
        &self.packs
    }

    pub fn active_rules(&self) -> impl Iterator<Item = (&Arc<Rule>, Severity)> {
        self.rules.iter().map(|a| (&a.rule, a.severity))
    }

    /// Whether a path could be evidence: it matches a kind's globs, or its format can be sniffed.
    pub fn is_candidate(&self, path: &str) -> bool {
        self.classifier.path_matches(path)
            || Format::from_path(path).is_some()
            || aimslint_artifacts::sniff_text(path, "").is_some()
    }

    fn parse(&self, input: &FileInput, bytes: &[u8]) -> Arc<ParsedFile> {
        let keep = self.keep_parses.load(std::sync::atomic::Ordering::Relaxed);
        let key = (input.blob_id.clone(), input.path.clone());
        if keep
            && !input.blob_id.is_empty()
            && let Some(p) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned())
        {
            return p;
        }
        let (text, result) = match aimslint_artifacts::decode(bytes, &self.options.limits) {
            Ok(text) => {
                let format = Format::from_path(&input.path).or_else(|| sniff_format(text));
                let result = match format {
                    Some(f) => aimslint_artifacts::parse_text(&input.path, text, f),
                    None => Err(ParseError {
                        kind: aimslint_artifacts::ParseErrorKind::Syntax,
                        message: "unknown format: name the file .yaml, .json, .toml or .md".into(),
                        offset: 0,
                    }),
                };
                (Arc::<str>::from(text), result)
            }
            Err(mut e) => {
                // Keep only what the diagnostic shows: nothing of a file over the size limit, and for
                // a binary or mis-encoded file its text up to the end of the offending line. The
                // offset is re-measured in the decoded text, where replacement characters change
                // byte lengths.
                let keep = match e.kind {
                    aimslint_artifacts::ParseErrorKind::TooLarge => 0,
                    _ => bytes[e.offset.min(bytes.len())..]
                        .iter()
                        .take(4096)
                        .position(|&b| b == b'\n')
                        .map_or((e.offset + 4096).min(bytes.len()), |i| e.offset + i),
                };
                let keep = keep.min(bytes.len());
                e.offset = String::from_utf8_lossy(&bytes[..e.offset.min(keep)]).len();
                (
                    Arc::<str>::from(String::from_utf8_lossy(&bytes[..keep]).as_ref()),
                    Err(e),
                )
            }
        };
        let raw_flavor = aimslint_artifacts::sniff_text(&input.path, &text);
        let pf = Arc::new(ParsedFile {
            lines: LineIndex::new(&text),
            text,
            result,
            raw_flavor,
        });
        if !input.blob_id.is_empty()
            && self.keep_parses.load(std::sync::atomic::Ordering::Relaxed)
            && let Ok(mut c) = self.cache.lock()
        {
            c.insert(key, pf.clone());
        }
        pf
    }

    /// Check one snapshot.
    pub fn check(&self, snapshot: &Snapshot) -> Outcome {
        let as_of = snapshot.as_of.unwrap_or(self.options.as_of);
        let commit = snapshot.commit.clone();
        // Parse, classify and judge everything that needs no other document in one parallel pass.
        // A document is kept only while a reference check still needs it: memory (and the kernel's
        // zeroing of fresh pages, a large share of a big run) follows what is still needed.
        let is_ref = |r: &Rule| matches!(r.check, Check::Reference { .. });
        let ref_kinds: HashSet<&str> = self
            .rules
            .iter()
            .filter(|a| is_ref(&a.rule))
            .flat_map(|a| a.rule.kinds.iter().map(String::as_str))
            .collect();
        let by_pairs = self.key_lookups();
        let empty = Index::default();
        let prepared: Vec<Prepared> = snapshot
            .files
            .par_iter()
            .map(|input| {
                let (doc, artifact, mut found) = self.prepare(input, commit.as_deref());
                let mut out = Prepared {
                    artifact,
                    ..Prepared::default()
                };
                if let Some(d) = doc {
                    found.extend(self.eval_doc(
                        &d,
                        as_of,
                        &empty,
                        &|r| !is_ref(r),
                        commit.as_deref(),
                    ));
                    if let (Some(kind), Ok(p)) = (d.kind.as_deref(), &d.parsed.result) {
                        for (k, b) in by_pairs.iter().filter(|(k, _)| k == kind) {
                            if let Some(v) = key_value(p.value.pointer(b)) {
                                out.keys.push((k.clone(), b.clone(), v));
                            }
                        }
                    }
                    out.kind = Some((d.path.clone(), d.kind.clone()));
                    if !found.is_empty() {
                        out.text = Some((d.path.clone(), d.parsed.text.clone()));
                    }
                    if d.kind.as_deref().is_some_and(|k| ref_kinds.contains(k)) {
                        out.doc = Some(d);
                    }
                }
                out.findings = found;
                out
            })
            .collect();
        let mut docs = Vec::new();
        let mut artifacts = Vec::new();
        let mut findings = Vec::new();
        let mut texts: BTreeMap<String, Arc<str>> = BTreeMap::new();
        let mut kinds: HashMap<String, Option<String>> = HashMap::new();
        let mut keys: HashMap<(String, String), HashSet<String>> = by_pairs
            .iter()
            .map(|p| (p.clone(), HashSet::new()))
            .collect();
        for p in prepared {
            docs.extend(p.doc);
            artifacts.extend(p.artifact);
            findings.extend(p.findings);
            if let Some((path, text)) = p.text {
                texts.insert(path, text);
            }
            if let Some((path, kind)) = p.kind {
                kinds.insert(path, kind);
            }
            for (k, b, v) in p.keys {
                keys.entry((k, b)).or_default().insert(v);
            }
        }
        docs.sort_by(|a, b| a.path.cmp(&b.path));

        // Indexes for cross-document checks.
        let mut paths = snapshot.paths.clone();
        paths.extend(snapshot.files.iter().map(|f| f.path.clone()));
        let idx = Index { kinds, keys, paths };

        // The reference checks, on the documents that have them.
        let evaluated: Vec<Finding> = docs
            .par_iter()
            .flat_map_iter(|doc| self.eval_doc(doc, as_of, &idx, &is_ref, commit.as_deref()))
            .collect();
        findings.extend(evaluated);

        self.apply_waivers(&mut findings, as_of);
        findings.extend(self.soa_findings());
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));

        let mut sources = texts;
        let with_findings: HashSet<&str> = findings.iter().map(|f| f.path.as_str()).collect();
        for d in &docs {
            if with_findings.contains(d.path.as_str()) {
                sources.insert(d.path.clone(), d.parsed.text.clone());
            }
        }
        if let Some(cfg) = &self.config_file
            && findings.iter().any(|f| &f.path == cfg)
        {
            sources.insert(cfg.clone(), self.config_text.clone());
        }
        // Files that did not parse have no document, but their text still shows where.
        let missing: HashSet<&str> = findings
            .iter()
            .filter(|f| f.span.is_some() && !sources.contains_key(&f.path))
            .map(|f| f.path.as_str())
            .collect();
        if !missing.is_empty()
            && let Ok(cache) = self.cache.lock()
        {
            for input in snapshot
                .files
                .iter()
                .filter(|i| missing.contains(i.path.as_str()))
            {
                if let Some(pf) = cache.get(&(input.blob_id.clone(), input.path.clone())) {
                    sources.insert(input.path.clone(), pf.text.clone());
                }
            }
        }
        Outcome {
            findings,
            artifacts,
            sources,
            history: None,
        }
    }

    /// Everything besides the files that decides this engine's findings: the tool's version and
    /// build, the packs (by content digest), the configuration's text and the options. Part of the key of a
    /// history cache entry.
    pub fn fingerprint(&self) -> Vec<String> {
        let mut parts = vec![format!("aimslint {}", env!("CARGO_PKG_VERSION"))];
        // Builds between releases share a version: the executable's size and time tell them apart.
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        parts.push(match exe {
            Ok(m) => format!("{} {:?}", m.len(), m.modified().ok()),
            Err(_) => String::new(),
        });
        for p in &self.packs.packs {
            parts.push(format!(
                "{} {} {}",
                p.manifest.id, p.manifest.version, p.digest
            ));
        }
        parts.push(self.config_file.clone().unwrap_or_default());
        parts.push(self.config_text.to_string());
        parts.push(format!("{:?}", self.options));
        parts
    }

    /// The (kind, pointer) pairs whose values `reference … by` looks documents up by.
    pub(crate) fn key_lookups(&self) -> Vec<(String, String)> {
        self.rules
            .iter()
            .filter_map(|a| match &a.rule.check {
                Check::Reference {
                    kind: Some(k),
                    by: Some(b),
                    ..
                } => Some((k.clone(), b.clone())),
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// Evaluate the rules `filter` accepts on one document.
    pub(crate) fn eval_doc(
        &self,
        doc: &Doc,
        as_of: jiff::civil::Date,
        idx: &Index,
        filter: &dyn Fn(&Rule) -> bool,
        commit: Option<&str>,
    ) -> Vec<Finding> {
        self.eval_doc_deps(doc, as_of, idx, filter, commit).0
    }

    /// As `eval_doc`, with what the references consulted: target paths, and key values (`key_dep`).
    /// A panic while judging (a bug) becomes an internal-error finding on the document.
    pub(crate) fn eval_doc_deps(
        &self,
        doc: &Doc,
        as_of: jiff::civil::Date,
        idx: &Index,
        filter: &dyn Fn(&Rule) -> bool,
        commit: Option<&str>,
    ) -> (Vec<Finding>, Vec<String>) {
        contain(|| self.eval_doc_deps_unguarded(doc, as_of, idx, filter, commit))
            .unwrap_or_else(|what| (vec![internal_finding(&doc.path, commit, &what)], Vec::new()))
    }

    fn eval_doc_deps_unguarded(
        &self,
        doc: &Doc,
        as_of: jiff::civil::Date,
        idx: &Index,
        filter: &dyn Fn(&Rule) -> bool,
        commit: Option<&str>,
    ) -> (Vec<Finding>, Vec<String>) {
        let Some(kind) = doc.kind.as_deref() else {
            return (Vec::new(), Vec::new());
        };
        let Ok(parsed) = &doc.parsed.result else {
            return (Vec::new(), Vec::new());
        };
        let kdecl = self.packs.kind(kind);
        let ctx = Ctx {
            root: &parsed.value,
            path: &doc.path,
            kind,
            today: as_of,
            schema_pointer: kdecl.map_or("", |k| k.schema_pointer.as_str()),
            paths: &idx.paths,
            kinds: &idx.kinds,
            keys: &idx.keys,
            cel: std::cell::OnceCell::new(),
            cel_fields: self.cel_fields.get(kind).and_then(Option::as_ref),
            deps: std::cell::RefCell::new(Vec::new()),
            sections: std::cell::OnceCell::new(),
        };
        let mut out = Vec::new();
        for a in self.rules.iter().filter(|a| {
            !a.rule.check.is_history() && a.rule.kinds.iter().any(|k| k == kind) && filter(&a.rule)
        }) {
            for (hit, severity) in self.eval_rule(a, &ctx) {
                let mut f = self.finding(a, severity, doc, parsed, hit, commit);
                f.blob.clone_from(&doc.blob);
                out.push(f);
            }
        }
        (out, ctx.deps.into_inner())
    }

    fn eval_rule(&self, a: &ActiveRule, ctx: &Ctx<'_>) -> Vec<(Hit, Severity)> {
        let rule = &a.rule;
        let subjects: Vec<(String, &Value)> = match &rule.each {
            Some(each) => match ctx.root.pointer(each) {
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{each}/{i}"), v))
                    .collect(),
                _ => Vec::new(),
            },
            None => vec![(String::new(), ctx.root)],
        };
        let mut out = Vec::new();
        for (base, subject) in subjects {
            for hit in judge(rule, subject, &base, ctx) {
                out.push((hit, a.severity));
            }
        }
        out
    }

    fn finding(
        &self,
        a: &ActiveRule,
        severity: Severity,
        doc: &Doc,
        parsed: &Parsed,
        hit: Hit,
        commit: Option<&str>,
    ) -> Finding {
        let mut span = if hit.at_top {
            Some((0, 0))
        } else {
            parsed.spans(&doc.parsed.text).locate(&hit.pointer)
        };
        // A match inside a value that is the file's text verbatim (the Markdown body) lands on its line.
        if let (Some(off), Some((start, _)), Some(Value::String(v))) =
            (hit.offset, span, parsed.value.pointer(&hit.pointer))
            && doc
                .parsed
                .text
                .get(start..)
                .is_some_and(|t| t.starts_with(v.as_str()))
        {
            let at = aimslint_artifacts::floor_boundary(&doc.parsed.text, start + off);
            let end = doc.parsed.text[at..]
                .find('\n')
                .map_or(doc.parsed.text.len(), |i| at + i);
            span = Some((at, end));
        }
        let (line, column) = span.map_or((1, 1), |(s, _)| {
            doc.parsed.lines.line_col(&doc.parsed.text, s)
        });
        let value = parsed
            .value
            .pointer(&hit.pointer)
            .map(normalise)
            .unwrap_or_default();
        Finding {
            rule: hit
                .core
                .map_or_else(|| a.rule.id.clone(), |c| c.code.to_string()),
            severity,
            message: hit.message,
            controls: a.rule.controls.clone(),
            path: doc.path.clone(),
            line,
            column,
            commit: commit.map(str::to_string),
            fixed_in: None,
            blob: None,
            pointer: if hit.at_top {
                None
            } else {
                Some(hit.pointer.clone())
            },
            help: hit
                .core
                .map_or_else(|| a.rule.help.clone(), |c| c.help.to_string()),
            fingerprint: fingerprint(
                &hit.core.map_or_else(
                    || a.rule.id.clone(),
                    |c| format!("{}:{}", c.code, a.rule.id),
                ),
                &doc.path,
                &hit.pointer,
                &value,
            ),
            waived: None,
            span: span.map(|(s, e)| trim_span(&doc.parsed.text, s, e)),
        }
    }

    fn core_finding(
        &self,
        d: CoreDiag<'_>,
        path: &str,
        pf: Option<&ParsedFile>,
        offset: usize,
        commit: Option<&str>,
    ) -> Finding {
        let CoreDiag {
            code,
            severity,
            message,
            help,
        } = d;
        let (line, column) = pf.map_or((1, 1), |p| p.lines.line_col(&p.text, offset));
        let span = pf.map(|p| {
            let offset = aimslint_artifacts::floor_boundary(&p.text, offset);
            let end = p.text[offset..]
                .find('\n')
                .map_or(p.text.len(), |i| offset + i);
            trim_span(&p.text, offset, end)
        });
        let fp = fingerprint(code, path, "", &message);
        Finding {
            line,
            column,
            commit: commit.map(str::to_string),
            span,
            ..Finding::about_file(code, severity, path, message, help, fp)
        }
    }

    /// Read, parse and classify one file. A panic in any of it (a bug) is contained here: it
    /// becomes an internal-error finding on that file, and the run goes on.
    pub(crate) fn prepare(
        &self,
        input: &FileInput,
        commit: Option<&str>,
    ) -> (Option<Doc>, Option<Artifact>, Vec<Finding>) {
        match contain(|| self.prepare_unguarded(input, commit)) {
            Ok(r) => r,
            Err(what) => {
                let a = Artifact {
                    path: input.path.clone(),
                    kind: self.classifier.classify(&input.path, None),
                    format: Format::from_path(&input.path).map(|f| f.as_str().to_string()),
                    flavor: None,
                    status: ArtifactStatus::Error,
                    commit: commit.map(str::to_string),
                };
                (
                    None,
                    Some(a),
                    vec![internal_finding(&input.path, commit, &what)],
                )
            }
        }
    }

    fn prepare_unguarded(
        &self,
        input: &FileInput,
        commit: Option<&str>,
    ) -> (Option<Doc>, Option<Artifact>, Vec<Finding>) {
        // Debug builds only: the tests make one file fail this way to prove the run contains it.
        #[cfg(debug_assertions)]
        if std::env::var_os("AIMSLINT_DEBUG_PANIC_ON").is_some_and(|p| p == input.path.as_str()) {
            panic!(
                "deliberate failure on {} (AIMSLINT_DEBUG_PANIC_ON)",
                input.path
            );
        }
        // Only files that fail to read need these; most files do not.
        let path_kind = || self.classifier.classify(&input.path, None);
        let relevant_path = || self.classifier.path_matches(&input.path);
        let artifact = |kind: Option<String>,
                        format: Option<Format>,
                        flavor: Option<Flavor>,
                        status| Artifact {
            path: input.path.clone(),
            kind,
            format: format.map(|f| f.as_str().to_string()),
            flavor: flavor.map(|f| f.as_str().to_string()),
            status,
            commit: commit.map(str::to_string),
        };
        let bytes = match &input.content {
            Ok(b) => b,
            Err(msg) => {
                if !(input.explicit || relevant_path()) {
                    return (None, None, Vec::new());
                }
                let d = CoreDiag {
                    code: codes::UNREADABLE,
                    severity: Severity::Error,
                    message: msg.clone(),
                    help: "Make the file readable inside the repository, or exclude it in aimslint.toml [files] exclude.",
                };
                let f = self.core_finding(d, &input.path, None, 0, commit);
                return (
                    None,
                    Some(artifact(path_kind(), None, None, ArtifactStatus::Error)),
                    vec![f],
                );
            }
        };
        let pf = self.parse(input, bytes);
        match &pf.result {
            Err(e) => {
                if !(input.explicit
                    || relevant_path()
                    || pf.raw_flavor.is_some_and(|f| f != Flavor::JsonSchema)
                    || card_like(&input.path, &pf.text))
                {
                    return (None, None, Vec::new());
                }
                let (severity, help) = match e.kind {
                    aimslint_artifacts::ParseErrorKind::LfsPointer => (
                        Severity::Warning,
                        "Fetch LFS content before linting (`git lfs pull`), or keep evidence files out of LFS.",
                    ),
                    _ => (
                        Severity::Error,
                        "Fix the file so it parses; evidence that cannot be read cannot be checked.",
                    ),
                };
                let d = CoreDiag {
                    code: e.kind.code(),
                    severity,
                    message: e.message.clone(),
                    help,
                };
                let f = self.core_finding(d, &input.path, Some(&pf), e.offset, commit);
                let a = artifact(
                    path_kind(),
                    Format::from_path(&input.path),
                    pf.raw_flavor,
                    ArtifactStatus::Error,
                );
                (None, Some(a), vec![f])
            }
            Ok(parsed) => {
                let flavor = parsed.flavor;
                let kind = self.classifier.classify(&input.path, flavor);
                // A JSON Schema describes a format; it is evidence of nothing unless named.
                if flavor == Some(Flavor::JsonSchema) && kind.is_none() && !input.explicit {
                    return (None, None, Vec::new());
                }
                if let Some(f) = flavor
                    && !f.supported()
                {
                    return (
                        None,
                        Some(artifact(
                            kind,
                            Some(parsed.format),
                            Some(f),
                            ArtifactStatus::Unsupported,
                        )),
                        Vec::new(),
                    );
                }
                let Some(kind) = kind else {
                    if input.explicit {
                        return (
                            None,
                            Some(artifact(
                                None,
                                Some(parsed.format),
                                flavor,
                                ArtifactStatus::Unclassified,
                            )),
                            Vec::new(),
                        );
                    }
                    return (None, None, Vec::new());
                };
                let findings = parsed
                    .notices
                    .iter()
                    .map(|n| {
                        let d = CoreDiag {
                            code: codes::FRONT_MATTER,
                            severity: if n.code == "front-matter-not-mapping" {
                                Severity::Error
                            } else {
                                Severity::Warning
                            },
                            message: n.message.clone(),
                            help: "Start the file with `---`, then `key: value` lines, then `---`.",
                        };
                        self.core_finding(d, &input.path, Some(&pf), n.offset, commit)
                    })
                    .collect();
                let a = artifact(
                    Some(kind.clone()),
                    Some(parsed.format),
                    flavor,
                    ArtifactStatus::Checked,
                );
                let doc = Doc {
                    path: input.path.clone(),
                    parsed: pf.clone(),
                    kind: Some(kind),
                    blob: None,
                };
                (Some(doc), Some(a), findings)
            }
        }
    }

    /// AL012: `[soa.exclude]` entries without a justification or naming no excludable control.
    pub(crate) fn soa_findings(&self) -> Vec<Finding> {
        match &self.config_file {
            Some(cfg) => crate::soa::exclusion_findings(
                &self.packs,
                cfg,
                &self.config_text,
                &self.soa_exclude,
            ),
            None => Vec::new(),
        }
    }

    pub(crate) fn apply_waivers(&self, findings: &mut Vec<Finding>, as_of: jiff::civil::Date) {
        let Some(cfg) = &self.config_file else { return };
        let mut used = vec![false; self.waivers.len()];
        for f in findings.iter_mut() {
            for (i, w) in self.waivers.iter().enumerate() {
                let rule_ok = w.rule.eq_ignore_ascii_case(&f.rule);
                let path_ok = w.paths.is_empty() || w.matcher.is_match(&f.path);
                if rule_ok && path_ok {
                    used[i] = true;
                    if w.expires >= as_of {
                        f.waived = Some(WaiverState {
                            reason: w.reason.clone(),
                            owner: w.owner.clone(),
                            expires: w.expires.to_string(),
                        });
                    }
                    break;
                }
            }
        }
        let text = &self.config_text;
        let lines = LineIndex::new(text);
        for (i, w) in self.waivers.iter().enumerate() {
            let (line, column) = lines.line_col(text, w.span.0);
            let mk = |rule: &str, severity, message: String, help: &str| Finding {
                line,
                column,
                span: Some(trim_span(text, w.span.0, w.span.1)),
                ..Finding::about_file(
                    rule,
                    severity,
                    cfg,
                    message,
                    help,
                    fingerprint(rule, cfg, &w.rule, &w.paths.join(",")),
                )
            };
            if w.expires < as_of {
                findings.push(mk(
                    codes::WAIVER_EXPIRED,
                    Severity::Error,
                    format!("waiver for {} (owner {}) expired on {}; the findings it covered are reported again", w.rule, w.owner, w.expires),
                    "Fix the findings, or renew the waiver with a new `expires` date and a reason that still holds.",
                ));
            } else if !used[i]
                && self
                    .rules
                    .iter()
                    .any(|a| a.rule.id.eq_ignore_ascii_case(&w.rule))
            {
                findings.push(mk(
                    codes::WAIVER_UNUSED,
                    Severity::Warning,
                    format!("waiver for {} matches no finding; remove it", w.rule),
                    "Delete the waiver: what it excused is fixed or no longer reported.",
                ));
            }
        }
    }
}

/// A Markdown file that opens with front matter and is named like a card (a repository's
/// `README.md`, `*card*.md`): when it fails to parse it is reported, not taken for prose.
/// Run `f`, turning a panic into its message.
fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".into())
    })
}

/// AL013: aimslint itself failed on this file. The rest of the run went on; exit code 3 says so.
fn internal_finding(path: &str, commit: Option<&str>, what: &str) -> Finding {
    let message = format!(
        "internal error while checking this file: {}",
        aimslint_artifacts::truncate_chars(what, 200)
    );
    Finding {
        commit: commit.map(str::to_string),
        ..Finding::about_file(
            codes::INTERNAL,
            Severity::Error,
            path,
            message,
            "This is a bug in aimslint, not in your file: please report it with the file (or a copy that still fails) at https://github.com/aimslint/aimslint/issues. The other files were checked.",
            fingerprint(codes::INTERNAL, path, "", ""),
        )
    }
}

fn card_like(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let opens_front_matter = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("---");
    opens_front_matter && (name == "readme.md" || (name.contains("card") && name.ends_with(".md")))
}

/// Guess a format for files with no telling extension (e.g. `MLmodel`).
fn sniff_format(text: &str) -> Option<Format> {
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        Some(Format::Json)
    } else if t.starts_with("---") {
        Some(Format::Markdown)
    } else {
        Some(Format::Yaml)
    }
}

/// Keep a label on one line: the first line of the span, without trailing whitespace.
fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let start = aimslint_artifacts::floor_boundary(text, start);
    let end = aimslint_artifacts::floor_boundary(text, end.max(start));
    let first_line_end = text[start..end].find('\n').map_or(end, |i| start + i);
    let trimmed = text[start..first_line_end].trim_end();
    (start, start + trimmed.len())
}

fn normalise(v: &Value) -> String {
    match v {
        Value::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        Value::Object(_) | Value::Array(_) => String::new(),
        other => other.to_string(),
    }
}

/// hash(rule, path, pointer, normalised value): stable across rebases and edits elsewhere in the file.
pub(crate) fn fingerprint(rule: &str, path: &str, pointer: &str, value: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [rule, path, pointer, value] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex()[..16].to_string()
}

/// The value a document is looked up by, from what it holds at a `reference … by` pointer.
pub(crate) fn key_value(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
