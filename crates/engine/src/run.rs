use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aimslint_artifacts::{Flavor, Format, Limits, LineIndex, ParseError, Parsed};
use aimslint_packs::{PackSet, Rule, Severity};
use rayon::prelude::*;
use serde_json::Value;

use crate::checks::{Ctx, Hit, judge};
use crate::classify::Classifier;
use crate::codes;
use crate::config::{Config, Waiver};
use crate::finding::{Artifact, ArtifactStatus, Finding, Outcome, WaiverState};
use crate::kinds::{Anchor, Dependence, Reads};
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
    /// The same bytes as text, when they were read as UTF-8 text (from git): kept as they are,
    /// not copied again.
    pub text: Option<Arc<str>>,
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
    /// Runs native plugins' rules; `None`: such rules are reported as not judged (AL014).
    pub plugins: Option<std::sync::Arc<dyn crate::PluginRunner>>,
    /// Judge and report only the files of one shard (`--shard i/n`).
    pub shard: Option<Shard>,
}

/// One of `count` deterministic parts of a run: the files whose path hashes to `index`. Every
/// shard still reads every file (cross-file rules need the whole tree), but judges and reports only
/// its own; `aimslint merge` joins the shards' JSON reports into the unsharded one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether a path belongs to this shard (FNV-1a of the path, a hash that never changes).
    pub fn owns(&self, path: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.count.max(1)) == u64::from(self.index.saturating_sub(1))
    }
}

/// A file once parsed, shared by every snapshot that holds the same blob at the same path.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub(crate) text: Arc<str>,
    /// Built on the first offset turned into a line: most versions of a history hold no finding.
    lines: std::sync::OnceLock<LineIndex>,
    pub(crate) result: Result<Parsed, ParseError>,
    /// The flavour sniffed from the raw text, for a file that did not parse (`None` otherwise).
    raw_flavor: Option<Flavor>,
}

impl ParsedFile {
    /// The 1-based line of a byte offset of the text.
    pub(crate) fn line_at(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }

    /// The 1-based line and column of a byte offset of the text.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines
            .get_or_init(|| LineIndex::new(&self.text))
            .line_col(&self.text, offset)
    }
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
    /// The parse, kept when findings of a rule and of one it supersedes meet on the file: where
    /// its sections lie decides whether they are at the same place.
    parsed: Option<(String, Arc<ParsedFile>)>,
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
    /// The rule's help and controls as its findings hold them: shared, not copied into each.
    pub(crate) help: Arc<str>,
    pub(crate) controls: Arc<[String]>,
}

/// Compiled packs and configuration, ready to check any number of snapshots.
pub struct Engine {
    pub(crate) packs: Arc<PackSet>,
    pub(crate) rules: Vec<ActiveRule>,
    pub(crate) classifier: Classifier,
    pub(crate) options: EngineOptions,
    waivers: Vec<Waiver>,
    soa_exclude: Vec<crate::config::SoaExclusion>,
    soa_controls: Vec<crate::config::SoaControl>,
    pub(crate) config_file: Option<String>,
    pub(crate) config_text: Arc<str>,
    cache: Mutex<HashMap<(String, String), Arc<ParsedFile>>>,
    /// What each selected plugin rule declared it reads beyond its document, by rule id.
    pub(crate) plugin_needs: HashMap<String, aimslint_plugin_abi::RuleNeeds>,
    /// The file names plugin rules declared by path (`Need::Path`) in no format aimslint parses
    /// (`LICENSE`): read for the plugins, as text, wherever they are.
    plugin_texts: BTreeSet<String>,
    /// Whether parses are kept in `cache` for reuse: not in history mode, which parses each
    /// (blob, path) once and keeps what it needs itself.
    keep_parses: std::sync::atomic::AtomicBool,
    /// Per kind, the top-level fields its rules' expressions read (`None`: the whole document):
    /// only those are converted for CEL.
    cel_fields: HashMap<String, Option<BTreeSet<String>>>,
    /// Kind → the normalised titles its section checks look for (see `Ctx::section_vocab`).
    section_vocab: HashMap<String, Vec<String>>,
    /// The kind files named on the command line are judged as (`check --kind`), whatever their
    /// content says.
    explicit_kind: Option<String>,
    /// What the rules that read only a Markdown body found in it, by (the body's hash, the rule's
    /// place in `rules`, the kind's place in its `kinds`): a history holds the same body under
    /// many front matters.
    body_hits: aimslint_artifacts::memo::Memo<BodyRule, Arc<Vec<(Hit, Severity)>>>,
    /// Rule id → the rules whose findings its own absorb (`supersedes`), and every rule so named.
    supersedes: (HashMap<String, Vec<String>>, HashSet<String>),
    /// Each active rule's `dependence`, by the rule's address (the packs are held for the engine's
    /// life), worked out on first need.
    dependences: std::sync::OnceLock<HashMap<usize, Dependence>>,
}

type BodyRule = (aimslint_artifacts::memo::TextKey, usize, usize);

/// The most the rules' findings on bodies that are remembered may take.
const BODY_HITS_REMEMBERED: usize = 4 << 20;

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// Whether a file's text holds nothing but white space (and a byte-order mark).
fn blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim().is_empty()
}

pub(crate) struct Doc {
    pub(crate) path: String,
    pub(crate) parsed: Arc<ParsedFile>,
    pub(crate) kind: Option<String>,
    /// The blob id, in history mode (snippets are looked up by it).
    pub(crate) blob: Option<String>,
}

impl Doc {
    /// An empty evidence file (`codes::EMPTY`): no rule judges it, and emptying a file fixes
    /// nothing.
    pub(crate) fn is_blank(&self) -> bool {
        blank(&self.parsed.text)
    }
}

/// What cross-document checks look at: every path of the tree, each document's kind, key values,
/// and (for plugin rules that declared other documents) the content of the tree's files.
#[derive(Debug, Default, Clone)]
pub(crate) struct Index {
    pub(crate) paths: HashSet<String>,
    pub(crate) kinds: HashMap<String, Option<String>>,
    pub(crate) keys: HashMap<(String, String), HashSet<String>>,
    /// (kind, pointer, value) → the documents holding that value there, for plugin rules that
    /// read the documents a key names (`Need::Key`).
    pub(crate) key_paths: HashMap<(String, String, String), BTreeSet<String>>,
    pub(crate) contents: Contents,
}

/// A file handed to a plugin: the digest of its content, and its parse or why it has none.
pub(crate) type RelatedParse = Arc<(String, Result<Arc<Value>, String>)>;

/// A file's bytes, or why they could not be read.
pub(crate) type FileContent = Result<Arc<[u8]>, String>;

/// The content of the files of the tree being judged, for plugin rules that read other documents.
/// Only the files aimslint reads (the candidates: a kind's paths, or a name in a parseable format)
/// are there; filled only when some selected plugin rule declared documents.
#[derive(Default, Clone)]
pub(crate) struct Contents {
    source: ContentSource,
    /// Parses of files handed to plugins, by path (a snapshot) or blob (history): the results file
    /// a hundred cards cite is parsed once, not once per card and rule.
    parsed: Arc<Mutex<HashMap<String, RelatedParse>>>,
}

#[derive(Default, Clone)]
enum ContentSource {
    #[default]
    Nothing,
    /// A snapshot's files, read already.
    Files(Arc<HashMap<String, FileContent>>),
    /// A commit of a history walk: each candidate path's blob, read when asked for.
    Blobs {
        blobs: HashMap<String, String>,
        reader: Arc<aimslint_git::BlobReader>,
    },
}

/// The most parses `Contents` keeps; past it the memo starts again (a history walk meets every
/// version of every cited file).
const PARSED_KEPT: usize = 256;

impl std::fmt::Debug for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            ContentSource::Nothing => f.write_str("Nothing"),
            ContentSource::Files(m) => write!(f, "Files({})", m.len()),
            ContentSource::Blobs { blobs, .. } => write!(f, "Blobs({})", blobs.len()),
        }
    }
}

impl Contents {
    /// A snapshot's files, by path.
    pub(crate) fn of_files<'f>(files: impl IntoIterator<Item = &'f FileInput>) -> Contents {
        Contents {
            source: ContentSource::Files(Arc::new(
                files
                    .into_iter()
                    .map(|f| (f.path.clone(), f.content.clone()))
                    .collect(),
            )),
            parsed: Arc::default(),
        }
    }

    /// The files of a history walk's current commit, read through `reader` (see `track`).
    pub(crate) fn of_blobs(reader: aimslint_git::BlobReader) -> Contents {
        Contents {
            source: ContentSource::Blobs {
                blobs: HashMap::new(),
                reader: Arc::new(reader),
            },
            parsed: Arc::default(),
        }
    }

    /// History: `path` now holds `blob` (`None`: nothing).
    pub(crate) fn track(&mut self, path: &str, blob: Option<&str>) {
        if let ContentSource::Blobs { blobs, .. } = &mut self.source {
            match blob {
                Some(b) => {
                    blobs.insert(path.to_string(), b.to_string());
                }
                None => {
                    blobs.remove(path);
                }
            }
        }
    }

    /// The bytes of `path`: `None` when the tree holds no such file aimslint reads.
    pub(crate) fn get(&self, path: &str) -> Option<FileContent> {
        match &self.source {
            ContentSource::Nothing => None,
            ContentSource::Files(m) => m.get(path).cloned(),
            ContentSource::Blobs { blobs, reader } => blobs.get(path).map(|b| reader.read(b)),
        }
    }

    /// `path` parsed (its bytes are `bytes`, from `get`), once per content; a file in no format
    /// aimslint parses is its text when `as_text` (a name a plugin declared by path), else an error.
    pub(crate) fn parse(
        &self,
        path: &str,
        bytes: &[u8],
        limits: &aimslint_artifacts::Limits,
        as_text: bool,
    ) -> RelatedParse {
        let key = match &self.source {
            ContentSource::Blobs { blobs, .. } => blobs
                .get(path)
                .map_or_else(|| path.to_string(), |b| format!("{b}\0{path}")),
            _ => path.to_string(),
        };
        if let Some(hit) = self.parsed.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let parsed = aimslint_artifacts::decode(bytes, limits)
            .and_then(|text| {
                let Some(format) = Format::from_path(path) else {
                    if as_text {
                        return Ok(Value::String(text.to_string()));
                    }
                    return Err(aimslint_artifacts::ParseError {
                        kind: aimslint_artifacts::ParseErrorKind::Syntax,
                        message: "its name says no format aimslint reads".into(),
                        offset: 0,
                    });
                };
                aimslint_artifacts::parse_text(path, text, format)
                    .map(|p| p.value)
                    .map_err(|mut e| {
                        if e.offset > 0 {
                            let (line, _) = LineIndex::new(text).line_col(text, e.offset);
                            e.message = format!("line {line}: {}", e.message);
                        }
                        e
                    })
            })
            .map(Arc::new)
            .map_err(|e| e.message);
        let digest = {
            use sha2::Digest;
            let d = sha2::Sha256::digest(bytes);
            let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
            format!("sha256:{hex}")
        };
        let parsed = Arc::new((digest, parsed));
        if let Ok(mut m) = self.parsed.lock() {
            if m.len() >= PARSED_KEPT {
                m.clear();
            }
            m.insert(key, parsed.clone());
        }
        parsed
    }
}

impl Engine {
    /// What a rule's result depends on beyond its document: its kind's answer, and the date when
    /// its `when` reads `today`. Rules that read the tree are judged once the whole tree is
    /// indexed; history mode judges a rule again as what it depends on changes.
    ///
    /// Worked out once per rule: a history walk asks for every rule of every version it judges,
    /// and an expression's variables are read from its syntax tree each time they are asked for.
    pub(crate) fn dependence(&self, rule: &Rule) -> Dependence {
        let known = self.dependences.get_or_init(|| {
            self.rules
                .iter()
                .map(|a| {
                    (
                        std::ptr::from_ref::<Rule>(&a.rule) as usize,
                        self.dependence_of(&a.rule),
                    )
                })
                .collect()
        });
        match known.get(&(std::ptr::from_ref(rule) as usize)) {
            Some(d) => *d,
            None => self.dependence_of(rule),
        }
    }

    fn dependence_of(&self, rule: &Rule) -> Dependence {
        match crate::kinds::of(rule).dependence(self, rule) {
            Dependence::Document if rule.when.as_ref().is_some_and(|e| e.reads("today")) => {
                Dependence::Date
            }
            d => d,
        }
    }

    /// Whether a rule reads more of the tree than its document (a `reference`, or a plugin rule
    /// that declared other documents).
    pub(crate) fn reads_tree(&self, rule: &Rule) -> bool {
        self.dependence(rule) == Dependence::Tree
    }

    /// Whether any selected plugin rule finds documents by key (`Need::Key`): only then are the
    /// documents holding each key value indexed.
    pub(crate) fn plugins_read_keys(&self) -> bool {
        self.plugin_needs.values().any(|n| {
            n.documents
                .iter()
                .any(|d| matches!(d, aimslint_plugin_abi::Need::Key { .. }))
        })
    }

    /// Whether any selected plugin rule reads other documents (the tree's contents are then
    /// indexed for it).
    pub(crate) fn plugins_read_documents(&self) -> bool {
        self.plugin_needs.values().any(|n| !n.documents.is_empty())
    }

    pub fn new(packs: Arc<PackSet>, config: &Config, options: EngineOptions) -> Engine {
        let rules = packs
            .rules()
            .filter(|r| options.selection.is_selected(r))
            .filter(|r| !newer_than_pinned(r, config) || options.selection.names(&r.id))
            .map(|r| ActiveRule {
                severity: config.severity.get(&r.id).copied().unwrap_or(r.severity),
                help: Arc::from(r.help.as_str()),
                controls: Arc::from(r.controls.as_slice()),
                rule: with_titles(r, config.section_titles.get(&r.id).map(|(t, _)| t)),
            })
            .collect::<Vec<ActiveRule>>();
        let classifier = Classifier::new(&packs, &config.artifacts);
        let mut cel_fields: HashMap<String, Option<BTreeSet<String>>> = HashMap::new();
        for a in &rules {
            let exprs = a
                .rule
                .when
                .iter()
                .chain(crate::kinds::of(&a.rule).expression());
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
        // Every title a section check of each kind looks for: a subsection titled for another
        // rule's concept does not fill in its parent for this one.
        // Every rule of the packs counts, selected or not: what a section holds does not depend
        // on which rules run.
        let mut section_vocab: HashMap<String, Vec<String>> = HashMap::new();
        for r in packs.rules() {
            let r = with_titles(r, config.section_titles.get(&r.id).map(|(t, _)| t));
            if let Some(section) = crate::kinds::section_of(&r) {
                let titles = &section.titles;
                for k in &r.kinds {
                    section_vocab
                        .entry(k.clone())
                        .or_default()
                        .extend(titles.iter().cloned());
                }
            }
        }
        for v in section_vocab.values_mut() {
            v.sort();
            v.dedup();
        }
        let plugin_needs = rules
            .iter()
            .filter_map(|a| {
                let plugin = crate::kinds::as_kind::<crate::kinds::plugin::Plugin>(&a.rule)?;
                options
                    .plugins
                    .as_ref()?
                    .needs(&a.rule.pack, &plugin.plugin, &a.rule.id)
                    .map(|n| (a.rule.id.clone(), n))
            })
            .collect::<HashMap<String, aimslint_plugin_abi::RuleNeeds>>();
        let plugin_texts = plugin_needs
            .values()
            .flat_map(|n| &n.documents)
            .filter_map(|d| match d {
                aimslint_plugin_abi::Need::Path { path } => {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    (!name.is_empty() && Format::from_path(name).is_none())
                        .then(|| name.to_string())
                }
                _ => None,
            })
            .collect();
        let wins: HashMap<String, Vec<String>> = rules
            .iter()
            .filter(|a| !a.rule.supersedes.is_empty())
            .map(|a| (a.rule.id.clone(), a.rule.supersedes.clone()))
            .collect();
        let loses = wins.values().flatten().cloned().collect();
        let supersedes = (wins, loses);
        Engine {
            plugin_needs,
            plugin_texts,
            cel_fields,
            section_vocab,
            packs,
            rules,
            classifier,
            options,
            waivers: config.waivers.clone(),
            soa_exclude: config.soa_exclude.clone(),
            soa_controls: config.soa_controls.clone(),
            config_file: config.file.clone(),
            config_text: Arc::from(config.text.as_str()),
            cache: Mutex::new(HashMap::new()),
            keep_parses: std::sync::atomic::AtomicBool::new(true),
            explicit_kind: None,
            body_hits: aimslint_artifacts::memo::Memo::new(BODY_HITS_REMEMBERED),
            supersedes,
            dependences: std::sync::OnceLock::new(),
        }
    }

    /// Judge the files named on the command line (`FileInput::explicit`) as this kind, whatever
    /// their content says (`check --kind`).
    pub fn with_explicit_kind(mut self, kind: Option<String>) -> Engine {
        self.explicit_kind = kind;
        self
    }

    /// The kind a file is forced to, if it was named with `--kind`.
    fn forced_kind(&self, input: &FileInput) -> Option<String> {
        self.explicit_kind.clone().filter(|_| input.explicit)
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

    /// Whether aimslint reads a path: it could be evidence, or a plugin rule declared it by name
    /// (`LICENSE`).
    pub fn is_candidate(&self, path: &str) -> bool {
        self.could_be_evidence(path) || self.is_plugin_text(path)
    }

    /// Whether a path could be evidence: it matches a kind's globs, or its format can be sniffed.
    /// (The name's format first: it is told from the extension, where the kinds' globs run a
    /// regex, and a walk asks this of every version it reads.)
    pub(crate) fn could_be_evidence(&self, path: &str) -> bool {
        Format::from_path(path).is_some()
            || self.classifier.path_matches(path)
            || aimslint_artifacts::sniff_text(path, "").is_some()
    }

    /// Whether a file nothing names and whose path no kind claims is surely evidence of nothing,
    /// told without parsing it: a data file (JSON, YAML, TOML) whose text says no format we know
    /// (a history's `dataset_infos.json`, a `package.json`), or a Markdown page with no front matter
    /// and no headings that could name two of a card's telling sections (a guide, release notes, a
    /// blog post, in every version of a history), which could be recognised as a template at most.
    fn evidence_of_nothing(&self, input: &FileInput, bytes: &[u8]) -> bool {
        let path = input.path.as_str();
        let Some(format) = Format::from_path(path) else {
            return false;
        };
        let markdown = format == Format::Markdown;
        if input.explicit
            || self.forced_kind(input).is_some()
            || self.classifier.path_matches(path)
            || (markdown
                && [None, Some(Flavor::Template)]
                    .into_iter()
                    .any(|f| self.classifier.classify(path, f).is_some()))
        {
            return false;
        }
        self.decode(input, bytes).0.is_ok_and(|text| {
            if markdown {
                aimslint_artifacts::markdown_is_no_card(path, text)
            } else {
                aimslint_artifacts::sniff_text(path, text).is_none()
            }
        })
    }

    /// Whether a plugin rule declared this file's name by path, in no format aimslint parses.
    fn is_plugin_text(&self, path: &str) -> bool {
        !self.plugin_texts.is_empty()
            && self
                .plugin_texts
                .contains(path.rsplit('/').next().unwrap_or(path))
    }

    /// A file's text, decoded from `bytes` (its content); or, when git gave that content as text
    /// too (`FileInput::text`), checked as the text it is and returned with it to be kept without
    /// another copy.
    fn decode<'a>(
        &self,
        input: &'a FileInput,
        bytes: &'a [u8],
    ) -> (Result<&'a str, ParseError>, Option<&'a Arc<str>>) {
        match input.text.as_ref().filter(|t| t.len() == bytes.len()) {
            Some(t) => (
                aimslint_artifacts::decode_text(t, &self.options.limits),
                Some(t),
            ),
            None => (
                aimslint_artifacts::decode(bytes, &self.options.limits),
                None,
            ),
        }
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
        let (decoded, shared) = self.decode(input, bytes);
        let (text, result) = match decoded {
            Ok(text) => {
                // A file read only for plugins (`LICENSE`) is not guessed at: it is no evidence.
                let format = Format::from_path(&input.path)
                    .or_else(|| (!self.is_plugin_text(&input.path)).then(|| sniff_format(text))?);
                let result = match format {
                    Some(f) => aimslint_artifacts::parse_text(&input.path, text, f),
                    None => Err(ParseError {
                        kind: aimslint_artifacts::ParseErrorKind::Syntax,
                        message: "unknown format: name the file .yaml, .json, .toml or .md".into(),
                        offset: 0,
                    }),
                };
                (
                    shared.map_or_else(|| Arc::<str>::from(text), Arc::clone),
                    result,
                )
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
        // What a file that does not parse looks like it was meant to be (a parsed file's flavour
        // is its parse's).
        let raw_flavor = result
            .is_err()
            .then(|| aimslint_artifacts::sniff_text(&input.path, &text))
            .flatten();
        let pf = Arc::new(ParsedFile {
            lines: std::sync::OnceLock::new(),
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
        self.check_with(snapshot, Vec::new())
    }

    /// Check one snapshot, with findings judged beside it (the staged change's commit rules) that
    /// waivers apply to as to the others.
    pub(crate) fn check_with(&self, snapshot: &Snapshot, beside: Vec<Finding>) -> Outcome {
        let as_of = snapshot.as_of.unwrap_or(self.options.as_of);
        let commit = snapshot.commit.clone();
        // Parse, classify and judge everything that needs no other document in one parallel pass.
        // A document is kept only while a reference check still needs it: memory (and the kernel's
        // zeroing of fresh pages, a large share of a big run) follows what is still needed.
        let is_ref = |r: &Rule| self.reads_tree(r);
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
                    if self.owns(&d.path) {
                        found.extend(self.eval_doc(
                            &d,
                            as_of,
                            &empty,
                            &|r| !is_ref(r),
                            commit.as_deref(),
                        ));
                    }
                    if let (Some(kind), Ok(p)) = (d.kind.as_deref(), &d.parsed.result) {
                        for (k, b) in by_pairs.iter().filter(|(k, _)| k == kind) {
                            for v in key_values(&p.value, b) {
                                out.keys.push((k.clone(), b.clone(), v));
                            }
                        }
                    }
                    out.kind = Some((d.path.clone(), d.kind.clone()));
                    if !found.is_empty() {
                        out.text = Some((d.path.clone(), d.parsed.text.clone()));
                    }
                    if self.may_supersede(&found) {
                        out.parsed = Some((d.path.clone(), d.parsed.clone()));
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
        let mut parses: HashMap<String, Arc<ParsedFile>> = HashMap::new();
        let mut kinds: HashMap<String, Option<String>> = HashMap::new();
        let mut keys: HashMap<(String, String), HashSet<String>> = by_pairs
            .iter()
            .map(|p| (p.clone(), HashSet::new()))
            .collect();
        let mut key_paths: HashMap<(String, String, String), BTreeSet<String>> = HashMap::new();
        let by_key = self.plugins_read_keys();
        for p in prepared {
            docs.extend(p.doc);
            artifacts.extend(p.artifact);
            findings.extend(p.findings);
            if let Some((path, text)) = p.text {
                texts.insert(path, text);
            }
            parses.extend(p.parsed);
            let kinds_of_doc = p.kind.clone();
            if let Some((path, kind)) = p.kind {
                kinds.insert(path, kind);
            }
            for (k, b, v) in p.keys {
                if by_key && let Some((path, _)) = &kinds_of_doc {
                    key_paths
                        .entry((k.clone(), b.clone(), v.clone()))
                        .or_default()
                        .insert(path.clone());
                }
                keys.entry((k, b)).or_default().insert(v);
            }
        }
        docs.sort_by(|a, b| a.path.cmp(&b.path));

        // Indexes for cross-document checks.
        let mut paths = snapshot.paths.clone();
        paths.extend(snapshot.files.iter().map(|f| f.path.clone()));
        let contents = if self.plugins_read_documents() {
            Contents::of_files(&snapshot.files)
        } else {
            Contents::default()
        };
        let idx = Index {
            kinds,
            keys,
            key_paths,
            paths,
            contents,
        };

        // The reference checks, on the documents that have them.
        let evaluated: Vec<Finding> = docs
            .par_iter()
            .filter(|doc| self.owns(&doc.path))
            .flat_map_iter(|doc| self.eval_doc(doc, as_of, &idx, &is_ref, commit.as_deref()))
            .collect();
        findings.extend(evaluated);
        findings.extend(beside);
        self.keep_own(&mut findings, &mut artifacts);

        self.apply_waivers(&mut findings, as_of);
        for d in &docs {
            parses.insert(d.path.clone(), d.parsed.clone());
        }
        self.supersede(&mut findings, as_of, &|p| parses.get(p).cloned());
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

    /// Whether this run judges `path` (always, unless it is one shard of several).
    pub(crate) fn owns(&self, path: &str) -> bool {
        self.options.shard.is_none_or(|s| s.owns(path))
    }

    /// Keep only this shard's findings and files (the configuration's findings stay in every
    /// shard; `aimslint merge` keeps those every shard has).
    pub(crate) fn keep_own(&self, findings: &mut Vec<Finding>, artifacts: &mut Vec<Artifact>) {
        if self.options.shard.is_none() {
            return;
        }
        let cfg = self.config_file.as_deref();
        findings.retain(|f| self.owns(&f.path) || Some(f.path.as_str()) == cfg);
        artifacts.retain(|a| self.owns(&a.path));
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
        // The plugin host's state (its workers) is no part of the result; what it runs is.
        let options = EngineOptions {
            plugins: None,
            ..self.options.clone()
        };
        parts.push(format!("{options:?}"));
        parts.push(
            self.options
                .plugins
                .as_ref()
                .map(|p| p.fingerprint())
                .unwrap_or_default(),
        );
        parts
    }

    /// The (kind, pointer) pairs whose values `reference … by` looks documents up by.
    pub(crate) fn key_lookups(&self) -> Vec<(String, String)> {
        self.rules
            .iter()
            .filter_map(|a| {
                crate::kinds::of(&a.rule)
                    .key_lookup()
                    .map(|(k, b)| (k.to_string(), b.to_string()))
            })
            .chain(self.plugin_needs.values().flat_map(|n| {
                n.documents.iter().filter_map(|d| match d {
                    aimslint_plugin_abi::Need::Key { kind, by, .. } => {
                        Some((kind.clone(), by.clone()))
                    }
                    _ => None,
                })
            }))
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
        // An empty file is one finding (`codes::EMPTY`, made with the file), not every rule's.
        if doc.is_blank() {
            return (Vec::new(), Vec::new());
        }
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
            key_paths: &idx.key_paths,
            cel: std::cell::OnceCell::new(),
            cel_fields: self.cel_fields.get(kind).and_then(Option::as_ref),
            section_vocab: self.section_vocab.get(kind).map_or(&[], Vec::as_slice),
            plugins: self.options.plugins.as_deref(),
            plugin_needs: Some(&self.plugin_needs),
            contents: &idx.contents,
            limits: &self.options.limits,
            plugin_document: std::cell::OnceCell::new(),
            deps: std::cell::RefCell::new(Vec::new()),
            sections: std::cell::OnceCell::new(),
            body_code: std::cell::OnceCell::new(),
            body_runs: parsed.body_runs.as_deref(),
        };
        let mut out = Vec::new();
        let unread = unread_front_matter(parsed);
        // A Markdown body's key, for the rules that read nothing else.
        let body = std::cell::OnceCell::new();
        let body_key = || {
            *body.get_or_init(|| match (&parsed.format, parsed.value.get("body")) {
                (Format::Markdown, Some(Value::String(b))) => Some(
                    parsed
                        .body_key()
                        .unwrap_or_else(|| aimslint_artifacts::memo::text_key(b)),
                ),
                _ => None,
            })
        };
        for (i, a) in self.rules.iter().enumerate().filter(|(_, a)| {
            !a.rule.check.is_history()
                && a.rule.kinds.iter().any(|k| k == kind)
                && filter(&a.rule)
                && !unread.hides(&a.rule, ctx.schema_pointer)
        }) {
            let remembered = (a.rule.when.is_none()
                && a.rule.each.is_none()
                && crate::kinds::of(&a.rule).reads_only_body())
            .then(body_key)
            .flatten();
            let hits = match remembered {
                Some(key) => {
                    let k = a.rule.kinds.iter().position(|k| k == kind).unwrap_or(0);
                    Arc::unwrap_or_clone(self.body_hits.get_or_by(
                        (key, i, k),
                        |h| 64 + h.iter().map(|(h, _)| 64 + h.message.len()).sum::<usize>(),
                        || Arc::new(self.eval_rule(a, &ctx)),
                    ))
                }
                None => self.eval_rule(a, &ctx),
            };
            for (hit, severity) in hits {
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
            Some(each) => match aimslint_artifacts::value_at(ctx.root, each) {
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
            // A document read through an adapter is about one element of its file (the model
            // component of a BOM): what it lacks is reported there.
            if parsed.value.get("adapter").is_some() {
                parsed.exact(&doc.parsed.text, "").or(Some((0, 0)))
            } else {
                Some((0, 0))
            }
        } else {
            parsed.locate(&doc.parsed.text, &hit.pointer)
        };
        let value = aimslint_artifacts::value_at(&parsed.value, &hit.pointer);
        // A match inside a value that is the file's text verbatim (the Markdown body) lands on its line.
        if let (Some(off), Some((start, _)), Some(Value::String(v))) = (hit.offset, span, value)
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
        let (line, column) = span.map_or((1, 1), |(s, _)| doc.parsed.line_col(s));
        let anchor = anchor(&a.rule, &hit, value);
        let identity = Arc::new((
            hit.core.map_or_else(
                || a.rule.id.clone(),
                |c| format!("{}:{}", c.code, a.rule.id),
            ),
            identity_pointer(&a.rule, &hit),
            anchor,
        ));
        Finding {
            rule: hit
                .core
                .map_or_else(|| a.rule.id.clone(), |c| c.code.to_string()),
            severity,
            message: hit.message,
            controls: a.controls.clone(),
            path: doc.path.clone(),
            line,
            column,
            commit: commit.map(str::to_string),
            fixed_in: None,
            removed_in: None,
            obscured_in: None,
            blob: None,
            pointer: if hit.at_top {
                None
            } else {
                Some(hit.pointer.clone())
            },
            help: hit
                .core
                .map_or_else(|| a.help.clone(), |c| Arc::from(c.help)),
            fingerprint: fingerprint(&identity.0, &doc.path, &identity.1, &identity.2),
            waived: None,
            span: span.map(|(s, e)| trim_span(&doc.parsed.text, s, e)),
            identity: Some(identity),
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
        let (line, column) = pf.map_or((1, 1), |p| p.line_col(offset));
        let span = pf.map(|p| {
            let offset = aimslint_artifacts::floor_boundary(&p.text, offset);
            let end = p.text[offset..]
                .find('\n')
                .map_or(p.text.len(), |i| offset + i);
            trim_span(&p.text, offset, end)
        });
        // The message says what is wrong; where (a line or column it may name) is no part of it.
        let identity = Arc::new((code.to_string(), String::new(), without_numbers(&message)));
        let fp = fingerprint(code, path, "", &identity.2);
        Finding {
            line,
            column,
            commit: commit.map(str::to_string),
            span,
            identity: Some(identity),
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
                    kind: self
                        .forced_kind(input)
                        .or_else(|| self.classifier.classify_by_path(&input.path)),
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
        let path_kind = || {
            self.forced_kind(input)
                .or_else(|| self.classifier.classify_by_path(&input.path))
        };
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
                // What could not be read may have been evidence: said, not skipped (as history
                // mode says it), unless nothing of its name could be.
                // A symlink to a file the tree holds loses nothing (that file is judged), unless
                // a kind claims the link's own path.
                let link_inside = msg.ends_with(aimslint_git::LINK_INSIDE);
                if !(input.explicit
                    || relevant_path()
                    || (self.could_be_evidence(&input.path) && !link_inside))
                {
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
        if self.evidence_of_nothing(input, bytes) {
            return (None, None, Vec::new());
        }
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
                let kind = self
                    .forced_kind(input)
                    .or_else(|| self.classifier.classify(&input.path, flavor));
                // A JSON Schema describes a format, and a software BOM with no model or dataset
                // lists software: neither is evidence unless named.
                if matches!(flavor, Some(Flavor::JsonSchema | Flavor::Sbom))
                    && kind.is_none()
                    && !input.explicit
                {
                    return (None, None, Vec::new());
                }
                // A software BOM is recognised as what it is: no evidence of any kind, not an
                // unsupported one.
                if let Some(f) = flavor
                    && !f.supported()
                    && f != Flavor::Sbom
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
                        // A front matter that could not be read is the file's syntax error; the
                        // rest is about its placement, delimiters or shape.
                        let (code, severity, help) = match n.code {
                            FRONT_MATTER_UNREADABLE_SYNTAX | FRONT_MATTER_UNCLOSED => (
                                aimslint_artifacts::ParseErrorKind::Syntax.code(),
                                Severity::Error,
                                "Fix the front matter so it parses: rules that read the metadata it could not read were not judged; the rules on its other entries and on the Markdown sections were.",
                            ),
                            aimslint_artifacts::FORMAT_NOTICE => (
                                codes::FORMAT,
                                Severity::Error,
                                "Fix the field so the document follows its format: tools that read the format reject or misread it.",
                            ),
                            "front-matter-not-first" => (
                                codes::FRONT_MATTER,
                                Severity::Warning,
                                "Start the file with `---`, then `key: value` lines, then `---`.",
                            ),
                            _ => (
                                codes::FRONT_MATTER,
                                Severity::Error,
                                "Start the file with `---`, then `key: value` lines, then `---`.",
                            ),
                        };
                        let d = CoreDiag {
                            code,
                            severity,
                            message: n.message.clone(),
                            help,
                        };
                        self.core_finding(d, &input.path, Some(&pf), n.offset, commit)
                    })
                    .collect();
                let mut findings: Vec<Finding> = findings;
                if blank(&pf.text) {
                    let d = CoreDiag {
                        code: codes::EMPTY,
                        severity: Severity::Error,
                        message: format!("the file is empty: a {kind} with no content"),
                        help: "Write the evidence the file is for, or remove it (or exclude it in aimslint.toml [files] exclude) if it is no evidence.",
                    };
                    findings.push(self.core_finding(d, &input.path, Some(&pf), 0, commit));
                }
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

    /// One gap, one finding: a finding of a rule that another rule `supersedes`, on the same file
    /// (and commit) at the same place as a finding of that rule, is merged into it. The same place:
    /// the same pointer or one inside the other, or a Markdown section (or label) and anything
    /// inside it. The merged finding is the superseding rule's, with the stricter severity, both
    /// rules' controls, and `[also RULE: message]` appended. A finding a waiver covers takes no part.
    /// `parsed` gives a file's parse, for where its sections lie.
    pub(crate) fn supersede(
        &self,
        findings: &mut Vec<Finding>,
        as_of: jiff::civil::Date,
        parsed: &dyn Fn(&str) -> Option<Arc<ParsedFile>>,
    ) {
        let (wins, loses) = &self.supersedes;
        if wins.is_empty() {
            return;
        }
        let beats = |f: &Finding, g: &Finding| {
            wins.get(f.rule.as_str())
                .is_some_and(|l| l.contains(&g.rule))
        };
        // The findings that may win or lose, by (path, commit).
        let mut groups: BTreeMap<(String, Option<String>), Vec<usize>> = BTreeMap::new();
        for (i, f) in findings.iter().enumerate() {
            let r = f.rule.as_str();
            if (wins.contains_key(r) || loses.contains(r)) && !self.is_waived(f, as_of) {
                groups
                    .entry((f.path.clone(), f.commit.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let mut gone = vec![false; findings.len()];
        for ((path, _), idx) in groups {
            let file = std::cell::OnceCell::new();
            let region = |sec: &str| -> Option<(usize, usize)> {
                let pf = file.get_or_init(|| parsed(&path)).as_ref()?;
                let p = pf.result.as_ref().ok()?;
                let (start, end) = p.locate(&pf.text, sec)?;
                let end = p
                    .locate(&pf.text, &format!("{sec}/text"))
                    .map_or(end, |t| t.1.max(end));
                Some((start, end))
            };
            // Until nothing changes: a finding that absorbed another may be absorbed in turn.
            loop {
                let pair = idx.iter().find_map(|&g| {
                    let winner = idx.iter().copied().find(|&f| {
                        f != g
                            && !gone[f]
                            && !gone[g]
                            && beats(&findings[f], &findings[g])
                            && same_place(&findings[f], &findings[g], &region)
                    });
                    winner.map(|f| (f, g))
                });
                let Some((f, g)) = pair else { break };
                let loser = findings[g].clone();
                absorb(&mut findings[f], &loser);
                gone[g] = true;
            }
        }
        let mut i = 0;
        findings.retain(|_| {
            i += 1;
            !gone[i - 1]
        });
    }

    /// Whether a file's findings hold one of a rule that supersedes another and one of a rule
    /// superseded.
    fn may_supersede(&self, found: &[Finding]) -> bool {
        let rule = |id: &str| self.rules.iter().find(|a| a.rule.id == id);
        let wins = found
            .iter()
            .any(|f| rule(&f.rule).is_some_and(|a| !a.rule.supersedes.is_empty()));
        wins && found.iter().any(|g| {
            self.rules
                .iter()
                .any(|a| a.rule.supersedes.contains(&g.rule))
        })
    }

    /// Whether a finding is waived, or a waiver of the configuration (unexpired at `as_of`) covers it.
    fn is_waived(&self, f: &Finding, as_of: jiff::civil::Date) -> bool {
        f.waived.is_some()
            || self.waivers.iter().any(|w| {
                w.rule.eq_ignore_ascii_case(&f.rule)
                    && (w.paths.is_empty() || w.matcher.is_match(&f.path))
                    && w.expires >= as_of
            })
    }

    /// AL012: `[soa.exclude]` entries without a justification or naming no excludable control, and
    /// `[soa.control]` declarations naming no control or one also excluded.
    pub(crate) fn soa_findings(&self) -> Vec<Finding> {
        match &self.config_file {
            Some(cfg) => {
                let mut out = crate::soa::exclusion_findings(
                    &self.packs,
                    cfg,
                    &self.config_text,
                    &self.soa_exclude,
                );
                out.extend(crate::soa::declaration_findings(
                    &self.packs,
                    cfg,
                    &self.config_text,
                    &self.soa_controls,
                    &self.soa_exclude,
                ));
                out
            }
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
/// A rule with the section titles `aimslint.toml` adds to it (`[rules.sections]`), or itself.
/// Whether a rule came in a version of its pack later than the one the repository runs
/// (`[packs]`): it runs only when selected by its id.
pub fn newer_than_pinned(rule: &Rule, config: &Config) -> bool {
    match (config.pack_as_of.get(&rule.pack), &rule.since) {
        (Some(pinned), Some(since)) => since > pinned,
        _ => false,
    }
}

fn with_titles(rule: &Arc<Rule>, extra: Option<&Vec<String>>) -> Arc<Rule> {
    let Some(extra) = extra else {
        return rule.clone();
    };
    match crate::kinds::section::with_titles(rule, extra) {
        Some(check) => Arc::new(Rule {
            check,
            ..(**rule).clone()
        }),
        None => rule.clone(),
    }
}

/// Whether two findings are at the same place of their file (see `Engine::supersede`); `region`
/// gives the byte extent of a section or label pointer (`/sections/<key>`, `/labels/<key>`).
fn same_place(a: &Finding, b: &Finding, region: &dyn Fn(&str) -> Option<(usize, usize)>) -> bool {
    let (pa, pb) = (
        a.pointer.as_deref().unwrap_or(""),
        b.pointer.as_deref().unwrap_or(""),
    );
    let under = |p: &str, q: &str| {
        !q.is_empty() && p.strip_prefix(q).is_some_and(|rest| rest.starts_with('/'))
    };
    if pa == pb || under(pa, pb) || under(pb, pa) {
        return true;
    }
    // A Markdown section holds whatever lies inside it.
    let inside = |p: &str, other: &Finding| {
        let Some(sec) = section_of(p) else {
            return false;
        };
        if other
            .pointer
            .as_deref()
            .is_some_and(|o| o == sec || under(o, sec))
        {
            return true;
        }
        match (region(sec), other.span) {
            (Some((start, end)), Some((at, _))) => start <= at && at < end,
            _ => false,
        }
    };
    inside(pa, b) || inside(pb, a)
}

/// The section or label a pointer lies in: `/sections/<key>` of `/sections/<key>/…`.
fn section_of(p: &str) -> Option<&str> {
    let rest = p
        .strip_prefix("/sections/")
        .or_else(|| p.strip_prefix("/labels/"))?;
    let key_len = rest.find('/').unwrap_or(rest.len());
    if key_len == 0 {
        return None;
    }
    Some(&p[..p.len() - rest.len() + key_len])
}

/// Merge `loser` into `winner`: one finding for one gap, as strict as the stricter of the two.
fn absorb(winner: &mut Finding, loser: &Finding) {
    winner.severity = winner.severity.max(loser.severity);
    if loser.controls.iter().any(|c| !winner.controls.contains(c)) {
        let mut controls = winner.controls.to_vec();
        for c in loser.controls.iter() {
            if !controls.contains(c) {
                controls.push(c.clone());
            }
        }
        winner.controls = controls.into();
    }
    winner.message = format!(
        "{} [also {}: {}]",
        winner.message, loser.rule, loser.message
    );
}

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

/// The notices of a Markdown file whose front matter could not be read (`meta` is absent).
const FRONT_MATTER_UNREADABLE_SYNTAX: &str = "front-matter-syntax";
const FRONT_MATTER_UNCLOSED: &str = "front-matter-unclosed";

/// What of a document's front matter could not be read.
enum Unread<'p> {
    Nothing,
    /// These top-level keys (its other entries were read).
    Keys(&'p std::collections::BTreeSet<String>),
    All,
}

fn unread_front_matter(p: &Parsed) -> Unread<'_> {
    if let Some(keys) = &p.unread_meta {
        return if keys.is_empty() {
            Unread::Nothing
        } else {
            Unread::Keys(keys)
        };
    }
    let unreadable = p
        .notices
        .iter()
        .any(|n| n.code == FRONT_MATTER_UNREADABLE_SYNTAX || n.code == FRONT_MATTER_UNCLOSED);
    if unreadable {
        Unread::All
    } else {
        Unread::Nothing
    }
}

impl Unread<'_> {
    /// Whether a rule is not judged on the document: it reads front matter that could not be read,
    /// where it would report as missing what is only unreadable.
    fn hides(&self, rule: &Rule, schema_pointer: &str) -> bool {
        match self {
            Unread::Nothing => false,
            Unread::All => reads_front_matter(rule, schema_pointer).is_some(),
            Unread::Keys(keys) => match reads_front_matter(rule, schema_pointer) {
                None => false,
                Some(FrontMatterRead::Whole) => true,
                Some(FrontMatterRead::Keys(read)) => read.iter().any(|k| keys.contains(k)),
            },
        }
    }
}

/// Which of a document's front matter a rule reads.
enum FrontMatterRead {
    /// All of it, or keys not known before evaluation (a schema, an expression).
    Whole,
    /// These top-level keys.
    Keys(Vec<String>),
}

/// Whether a pointer reads the front matter: `Some(None)` all of it (`/meta`), `Some(Some(key))`
/// under one of its top-level keys.
pub(crate) fn meta_key(p: &str) -> Option<Option<&str>> {
    if p == "/meta" {
        Some(None)
    } else {
        p.strip_prefix("/meta/")
            .map(|rest| Some(rest.split('/').next().unwrap_or(rest)))
    }
}

/// Whether an expression may read the front matter (`doc.meta`, or `doc` as a whole).
pub(crate) fn reads_meta(e: &aimslint_packs::Expr) -> bool {
    e.fields_read("doc").is_none_or(|f| f.contains("meta"))
}

/// What a rule reads of a document's front matter (`/meta`), if anything.
fn reads_front_matter<'r>(rule: &'r Rule, schema_pointer: &'r str) -> Option<FrontMatterRead> {
    let top = meta_key;
    if rule.each.as_deref().is_some_and(|p| top(p).is_some())
        || rule.when.as_ref().is_some_and(reads_meta)
    {
        return Some(FrontMatterRead::Whole);
    }
    let pointers = match crate::kinds::of(rule).reads(schema_pointer) {
        Reads::Whole => return Some(FrontMatterRead::Whole),
        Reads::MetaKeys(keys) => return (!keys.is_empty()).then_some(FrontMatterRead::Keys(keys)),
        Reads::Pointers(p) => p,
    };
    let mut keys = Vec::new();
    for p in pointers {
        match top(p) {
            None => {}
            Some(None) => return Some(FrontMatterRead::Whole),
            Some(Some(k)) => keys.push(k.to_string()),
        }
    }
    (!keys.is_empty()).then_some(FrontMatterRead::Keys(keys))
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

/// The pointer part of a finding's identity. For a `section` check it stops at the document (or
/// `each` element): a card that lacks a section's content is one gap whether it has no such section
/// or a thin one, and whichever of several matching sections is the fullest.
fn identity_pointer(rule: &Rule, hit: &Hit) -> String {
    match (crate::kinds::of(rule).identity_at_subject(), hit.core) {
        (true, None) => ["/sections/", "/labels/"]
            .iter()
            .filter_map(|m| hit.pointer.find(m))
            .min()
            .map_or_else(|| hit.pointer.clone(), |i| hit.pointer[..i].to_string()),
        _ => hit.pointer.clone(),
    }
}

/// Whitespace runs as one space, the ends trimmed: what reformatting (re-indenting, re-wrapping)
/// does not change.
pub(crate) fn normalise_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The content anchor of a finding's fingerprint: what the finding is about, and nothing that
/// moves with unrelated edits. A forbidden pattern in a block of text (the Markdown body: one
/// finding however many places hold it): nothing beyond the pointer, so filling one placeholder of
/// several is no fix; in a one-line value, the text it matched. A length, a section or a whole-file
/// finding: nothing beyond the pointer. Any other finding at a value: that value when it is a scalar (one line of text, a
/// number, a boolean), never a block of text such as a section's or the body's.
fn anchor(rule: &Rule, hit: &Hit, value: Option<&Value>) -> String {
    if hit.at_top {
        return String::new();
    }
    match (crate::kinds::of(rule).anchor(hit, value), value) {
        (Anchor::Text(t), _) => t,
        (Anchor::Pointer, _) => String::new(),
        (_, Some(Value::String(s))) if !s.trim().contains('\n') => normalise_text(s),
        (_, Some(Value::String(_) | Value::Object(_) | Value::Array(_)) | None) => String::new(),
        (_, Some(other)) => other.to_string(),
    }
}

/// A message with its runs of digits replaced by `#`, so a line or column it names does not make
/// it another.
fn without_numbers(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    normalise_text(&out)
}

/// A finding's identity: hash(rule, path, pointer, content anchor). The path is the one the file
/// was first seen at in a history run (renames keep it); the anchor is what the finding is about
/// (see `anchor`), never a line number or the whole file's content. So a fingerprint survives line
/// shifts, edits elsewhere in the file, reformatting, renames and rebases.
pub(crate) fn fingerprint(rule: &str, path: &str, pointer: &str, value: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [rule, path, pointer, value] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex()[..16].to_string()
}

/// The values a document is looked up by, from what it holds at a `reference … by` pointer: a
/// string or number there, or each of a list of them. A `*` token of the pointer stands for every
/// element of a list (or value of a mapping), so `/suppliers/*/models` names every model of every
/// supplier of a register. Each value once, in document order.
/// The values at `pointer` in `doc`, a `*` segment standing for every element of a list or value
/// of a mapping; with `placed`, each with the pointer it is at (else an empty string). A pointer
/// that does not start with `/` is the whole document.
pub(crate) fn values_at<'v>(
    doc: &'v Value,
    pointer: &str,
    placed: bool,
) -> Vec<(String, &'v Value)> {
    let mut at: Vec<(String, &Value)> = vec![(String::new(), doc)];
    let Some(rest) = pointer.strip_prefix('/') else {
        return at;
    };
    let place = |base: &str, seg: &str| {
        if placed {
            format!("{base}/{seg}")
        } else {
            String::new()
        }
    };
    for token in rest.split('/') {
        let key = token.replace("~1", "/").replace("~0", "~");
        at = at
            .into_iter()
            .flat_map(|(base, v)| -> Vec<(String, &Value)> {
                match (v, key.as_str()) {
                    (Value::Array(a), "*") => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (place(&base, &i.to_string()), x))
                        .collect(),
                    (Value::Object(o), "*") => o
                        .iter()
                        .map(|(k, x)| (place(&base, &k.replace('~', "~0").replace('/', "~1")), x))
                        .collect(),
                    (Value::Array(a), t) => t
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| a.get(i))
                        .map(|x| (place(&base, token), x))
                        .into_iter()
                        .collect(),
                    (Value::Object(o), t) => o
                        .get(t)
                        .map(|x| (place(&base, token), x))
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    at
}

pub(crate) fn key_values(doc: &Value, by: &str) -> Vec<String> {
    let at = values_at(doc, by, false);
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut out: Vec<String> = Vec::new();
    for (_, v) in at {
        match v {
            Value::Array(items) => out.extend(items.iter().filter_map(scalar)),
            other => out.extend(scalar(other)),
        }
    }
    let mut seen = HashSet::new();
    out.retain(|v| !v.is_empty() && seen.insert(v.clone()));
    out
}
