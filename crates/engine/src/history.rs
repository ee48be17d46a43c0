//! History mode: judge every commit of a walk, reusing all work per distinct blob.
//!
//! Work is split in two. First, every distinct (blob, path) of the walk is read, parsed and judged by
//! the rules that depend on the document alone, in parallel: this is where the cost is, and it grows
//! with distinct blobs, not with commits × files. Then one cheap sequential pass applies each commit's
//! changes to the tree state, re-runs only what a change can affect (cross-document references when
//! paths or keys change, date rules when the commit date crosses a date the document mentions), runs
//! the commit-level rules (co-change, trailer, no-delete) and records where each finding was
//! introduced and where it was fixed.

use std::collections::{BTreeMap, BTreeSet};

/// The walk's maps and sets are keyed by blob ids, paths and fingerprints of the repository's own
/// making, looked up for every version judged: foldhash (randomly seeded, like std's) rather than
/// SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use std::sync::Arc;

use aimslint_git::{BlobReader, ChangeKind, CommitDelta, CommitMeta, History};
use aimslint_packs::Severity;

use crate::kinds::Dependence;
use rayon::prelude::*;
use serde_json::Value;

use crate::FileInput;
use crate::checks::parse_date;
use crate::finding::{Artifact, Ended, Finding, HistoryInfo, Outcome};
use crate::run::{Contents, Doc, Engine, Index, fingerprint};

/// A (blob, path) pair and its judgement.
type JudgedPair = ((String, String), Arc<Judged>);

/// A (blob, path) pair to judge, with the date it is judged at.
type Wanted = ((String, String), jiff::civil::Date);

/// A window's commits and the versions they bring (`wanted_in`).
type Window = (Vec<CommitDelta>, Vec<Wanted>);

/// Commits judged per window: large enough to keep both cores busy parsing, small enough that the
/// blobs of superseded versions are dropped soon (on huggingface/datasets, 512 took as long and
/// peaked 20 MiB higher).
const WINDOW: usize = 128;

/// The most bytes of new file versions one window brings in to judge: a window ends early at the
/// commit that would pass it (but holds at least one commit), so a history of many large versions
/// is judged a few versions at a time and memory follows this, not the length of the history.
const WINDOW_BYTES: usize = 8 << 20;

/// One blob at one path, judged once.
struct Judged {
    doc: Option<Doc>,
    artifact: Option<Artifact>,
    /// Parse problems and the document-only rules.
    fixed: Vec<Finding>,
    /// Dates at which a date rule's result may change (sorted).
    critical: Vec<jiff::civil::Date>,
    /// The date rules' findings at the date of the commit that first brings this version in (from
    /// the same evaluation as `fixed`): used as they are when the version enters the tree then.
    temporal: (jiff::civil::Date, Vec<Finding>),
    /// `fixed` is all this version will ever be found to have (nothing consults its kind again),
    /// and one finding has already absorbed another there (`Engine::supersede`).
    settled: bool,
}

struct PathState {
    judged: Arc<Judged>,
    reference: Vec<Finding>,
    /// What the reference findings depend on: target paths, and key values.
    ref_deps: Vec<String>,
    temporal: Vec<Finding>,
    /// `temporal` came with the judgement, at the date the path took this version.
    fresh: bool,
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

fn summary(m: &CommitMeta) -> crate::finding::CommitSummary {
    crate::finding::CommitSummary {
        author: m.author.clone(),
        email: m.email.clone(),
        date: m.date.clone(),
        summary: m.summary.clone(),
        trailers: m.trailers.clone(),
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
            .filter(|(k, _)| !matches!(k.as_str(), "body" | "sections" | "labels"))
            .for_each(|(_, x)| collect_dates(x, out)),
        _ => {}
    }
}

impl Engine {
    fn judge(
        &self,
        reader: &BlobReader,
        blob: &str,
        path: &str,
        date: jiff::civil::Date,
        temporal_rules: &HashSet<&str>,
        consulted: &HashSet<&str>,
    ) -> Judged {
        let (content, text) = match reader.read_content(blob) {
            Ok(c) => (Ok(c.bytes), c.text),
            Err(e) => (Err(e), None),
        };
        let input = FileInput {
            path: path.to_string(),
            blob_id: blob.to_string(),
            content,
            text,
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
        let mut temporal = Vec::new();
        // Every version is judged whatever the shard: a finding's identity follows its file
        // through renames, which may cross from one shard's paths to another's.
        if let Some(d) = &doc {
            // Document-only and date rules in one evaluation (they share the document's
            // conversion for CEL); only references need the rest of the tree.
            let (dated, alone): (Vec<Finding>, Vec<Finding>) = self
                .eval_doc(
                    d,
                    date,
                    &Index::default(),
                    &|r| self.dependence(r) != Dependence::Tree,
                    None,
                )
                .into_iter()
                .partition(|f| temporal_rules.contains(f.rule.as_str()));
            fixed.extend(alone);
            temporal = dated;
            if let Ok(p) = &d.parsed.result {
                let mut dates = Vec::new();
                collect_dates(&p.value, &mut dates);
                for a in self
                    .rules
                    .iter()
                    .filter(|a| d.kind.as_ref().is_some_and(|k| a.rule.kinds.contains(k)))
                {
                    critical.extend(crate::kinds::of(&a.rule).critical_dates(
                        &p.value,
                        a.rule.each.is_some(),
                        &dates,
                    ));
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
        // A document nothing consults again (no reference, date or commit rule reads its kind, and
        // no reference looks it up) keeps its text, for snippets and renames, but not its parsed
        // value nor its span table (its findings hold their places): for large front matter they
        // are many times the text, and the walk keeps a document for as long as its file stands
        // in the tree.
        let mut settled = false;
        let doc = doc.map(|mut d| {
            let slim = !d.kind.as_deref().is_some_and(|k| consulted.contains(k))
                // A record with a `type` may be a retirement record a deletion is checked against;
                // what a DVC file pins is compared with its next version.
                && d.parsed.result.as_ref().is_ok_and(|p| {
                    p.value.get("type").is_none()
                        && aimslint_artifacts::dvc_tracked(&p.value).is_empty()
                });
            if slim {
                // Its findings are all made now (no reference or date rule adds to them later), so
                // one finding absorbs another here, while the sections it compares are known.
                let parsed = d.parsed.clone();
                self.supersede(&mut fixed, self.options.as_of, &|_| Some(parsed.clone()));
                settled = true;
                drop(parsed);
                if let Some(pf) = Arc::get_mut(&mut d.parsed)
                    && let Ok(p) = &mut pf.result
                {
                    p.slim();
                }
            }
            d
        });
        Judged {
            doc,
            artifact,
            fixed,
            critical,
            temporal: (date, temporal),
            settled,
        }
    }

    /// Judge a walked history. With a base (a range, or `--since`), findings already present at the
    /// base are not reported: only what the walked commits introduced.
    pub fn check_history(
        &self,
        history: &History,
        reader: &BlobReader,
        progress: &(dyn Fn(&str, u64, u64) + Sync),
    ) -> Result<Outcome, aimslint_git::SourceError> {
        self.keep_parses(false);
        let outcome = self.walk_history(history, reader, progress);
        self.keep_parses(true);
        outcome
    }

    fn walk_history(
        &self,
        history: &History,
        reader: &BlobReader,
        progress: &(dyn Fn(&str, u64, u64) + Sync),
    ) -> Result<Outcome, aimslint_git::SourceError> {
        // 1. Distinct candidate blobs are judged once, in parallel, a window of commits at a time;
        // what no longer stands in the tree is dropped, so memory follows the tree, not the history.
        // The distinct versions judged, by a digest of (blob, path): a version judged again (it
        // left the tree, was dropped from memory and came back) counts once.
        let mut versions: HashSet<[u8; 16]> = HashSet::default();
        let mut count = |judged: &[JudgedPair]| {
            use aimslint_artifacts::memo::{key_of_parts, text_key};
            for ((b, p), _) in judged {
                versions.insert(key_of_parts(&[text_key(b), text_key(p)]));
            }
        };
        let mut cache: HashMap<(String, String), Arc<Judged>> = HashMap::default();
        let temporal_rules: HashSet<&str> = self
            .rules
            .iter()
            .filter(|a| self.dependence(&a.rule) == Dependence::Date)
            .map(|a| a.rule.id.as_str())
            .collect();
        // The kinds whose documents are read again after they are judged: by reference and date
        // rules (re-run as the tree and the date move), by key lookups, and by commit rules (the
        // change records a trailer names). Retirement records are kept by their `type` (`judge`).
        let by_pairs = self.key_lookups();
        let mut consulted: HashSet<&str> = self
            .rules
            .iter()
            .filter(|a| {
                !matches!(
                    self.dependence(&a.rule),
                    Dependence::Document | Dependence::Commit
                )
            })
            .flat_map(|a| a.rule.kinds.iter().map(String::as_str))
            .collect();
        consulted.extend(by_pairs.iter().map(|(k, _)| k.as_str()));
        consulted.extend(
            self.rules
                .iter()
                .filter_map(|a| crate::kinds::of(&a.rule).consults()),
        );
        let judge_new = |cache: &HashMap<(String, String), Arc<Judged>>,
                         wanted: &[Wanted]|
         -> Vec<JudgedPair> {
            wanted
                .par_iter()
                .filter(|(k, _)| !cache.contains_key(k))
                .map(|((b, p), date)| {
                    let j = Arc::new(self.judge(reader, b, p, *date, &temporal_rules, &consulted));
                    ((b.clone(), p.clone()), j)
                })
                .collect()
        };
        // Each version wanted, with the date of the first commit of the window that brings it in,
        // newest first: a pack stores the newest version of a file whole and older ones as deltas
        // against it, so reading in that order finds each delta's base in libgit2's cache (read
        // in the order of their ids, the same blobs take a third longer). Each worker takes a run
        // of neighbouring versions, so this holds per thread.
        let wanted_in = |window: &[CommitDelta]| -> Vec<Wanted> {
            let mut wanted: HashMap<(String, String), jiff::civil::Date> = HashMap::default();
            let mut order = Vec::new();
            for c in window {
                let date = date_of(&c.meta);
                for ch in &c.changes {
                    if let Some(b) = &ch.blob
                        && ch.unreadable.is_none()
                        && self.is_candidate(&ch.path)
                    {
                        let key = (b.clone(), ch.path.clone());
                        if !wanted.contains_key(&key) {
                            wanted.insert(key.clone(), date);
                            order.push(key);
                        }
                    }
                }
            }
            order
                .into_iter()
                .rev()
                .map(|k| {
                    let date = wanted[&k];
                    (k, date)
                })
                .collect()
        };
        let base_date = history.base.as_ref().map_or(self.options.as_of, date_of);
        let base_files: Vec<Wanted> = history
            .base_tree
            .files
            .iter()
            .map(|f| ((f.blob_id.clone(), f.path.clone()), base_date))
            .collect();
        let fresh = judge_new(&cache, &base_files);
        count(&fresh);
        cache.extend(fresh);

        // 2. The sequential pass.
        let mut pass = Pass {
            engine: self,
            state: BTreeMap::new(),
            idx: Index {
                contents: if self.plugins_read_documents() {
                    Contents::of_blobs(reader.clone())
                } else {
                    Contents::default()
                },
                ..Index::default()
            },
            open: BTreeMap::new(),
            closed: Vec::new(),
            ended: BTreeMap::new(),
            base_ids: HashSet::default(),
            origin: HashMap::default(),
            text_refs: HashMap::default(),
            seen: BTreeSet::new(),
            events: Vec::new(),
            texts: HashMap::default(),
            texts_bytes: 0,
            named: HashSet::default(),
            dependents: HashMap::default(),
            agenda: BTreeMap::new(),
            key_counts: HashMap::default(),
            keys_flipped: Vec::new(),
            by_pairs: self.key_lookups(),
            by_key: self.plugins_read_keys(),
        };
        for pair in &pass.by_pairs {
            pass.idx.keys.insert(pair.clone(), Default::default());
        }
        pass.idx.paths = history.base_tree.paths.clone();
        for f in &history.base_tree.files {
            if let Some(j) = cache.get(&(f.blob_id.clone(), f.path.clone())) {
                pass.insert(&f.path, &f.blob_id, j.clone(), base_date);
            }
        }
        pass.keys_flipped.clear();
        let base_id = history.base.as_ref().map(|b| b.id.clone());
        let all: Vec<String> = pass.state.keys().cloned().collect();
        pass.reevaluate_entered(&all, base_date);
        // What stands at the base is the starting point. At a shallow boundary it is all we know
        // of the past, so it is reported as found at the boundary.
        let report_base = history.truncated_at.is_some();
        pass.sync_all(&all, base_id.as_deref());
        if !report_base {
            pass.open.values_mut().for_each(|m| {
                m.values_mut()
                    .for_each(|f| f.commit = Some(String::from("\0base")))
            });
            pass.base_ids = pass.open.values().flat_map(|m| m.keys().cloned()).collect();
        }

        let n = history.commit_ids.len() as u64;
        let mut last_date = base_date;
        let mut walked = 0u64;
        let mut head_id = base_id.clone();
        let mut commits_named: BTreeMap<String, crate::finding::CommitSummary> = BTreeMap::new();
        // Commits are read a window at a time. While one window is replayed (one thread), the next
        // window's changes are read and its blobs judged (the others): the replay is sequential by
        // nature, the reading and judging are not.
        let ids = &history.commit_ids;
        // The window from commit `start`: up to WINDOW commits, fewer when their new versions
        // pass WINDOW_BYTES; gives the commits, the versions they bring (`wanted_in`) and where the
        // next window starts.
        let load_window = |cache: &HashMap<(String, String), Arc<Judged>>,
                           start: usize|
         -> Result<(Window, usize), aimslint_git::SourceError> {
            let mut deltas = history.load(&ids[start..(start + WINDOW).min(ids.len())])?;
            // The new versions' sizes, read from their headers on all threads; then the window
            // ends at the commit whose versions pass WINDOW_BYTES.
            let mut counted: HashSet<&str> = HashSet::default();
            let mut fresh: Vec<(usize, &str)> = Vec::new();
            for (i, c) in deltas.iter().enumerate() {
                for ch in &c.changes {
                    if let Some(b) = &ch.blob
                        && ch.unreadable.is_none()
                        && self.is_candidate(&ch.path)
                        && !cache.contains_key(&(b.clone(), ch.path.clone()))
                        && counted.insert(b)
                    {
                        fresh.push((i, b));
                    }
                }
            }
            let sizes: Vec<usize> = fresh
                .par_iter()
                .map(|(_, b)| reader.size(b).unwrap_or(0))
                .collect();
            let mut bytes = 0usize;
            let mut keep = deltas.len();
            for (k, &(i, _)) in fresh.iter().enumerate() {
                bytes = bytes.saturating_add(sizes[k]);
                let last_of_commit = fresh.get(k + 1).is_none_or(|&(j, _)| j != i);
                if last_of_commit && bytes > WINDOW_BYTES {
                    keep = i.max(1);
                    break;
                }
            }
            drop(counted);
            deltas.truncate(keep);
            let wanted = wanted_in(&deltas);
            Ok(((deltas, wanted), start + keep))
        };
        // Three windows are in flight: one is replayed (one thread) while the next one's versions
        // are judged and the one after it is read (the others), so no thread waits for the end of
        // one stage while another stage has work.
        let (mut current, mut next, mut upcoming, mut pos) = if ids.is_empty() {
            (Vec::new(), Vec::new(), Window::default(), 0)
        } else {
            let ((first, wanted), end) = load_window(&cache, 0)?;
            let (judged, loaded) = rayon::join(
                || judge_new(&cache, &wanted),
                || (end < ids.len()).then(|| load_window(&cache, end)),
            );
            count(&judged);
            let (second, after) = loaded
                .transpose()?
                .unwrap_or_else(|| (Window::default(), end));
            (first, judged, second, after)
        };
        let mut dead: Vec<JudgedPair> = Vec::new();
        while !current.is_empty() {
            cache.extend(std::mem::take(&mut next));
            let cache_ref = &cache;
            let burial = std::mem::take(&mut dead);
            let upcoming_ref = &upcoming;
            let ((judged, loaded), ()) = rayon::join(
                || {
                    rayon::join(
                        || judge_new(cache_ref, &upcoming_ref.1),
                        || (pos < ids.len()).then(|| load_window(cache_ref, pos)),
                    )
                },
                || {
                    for c in &current {
                        pass.apply(c, cache_ref, last_date);
                        last_date = date_of(&c.meta);
                    }
                    // Versions that left the tree are freed here, beside the judging, rather
                    // than between windows while the workers wait.
                    drop(burial);
                },
            );
            // The commits findings name keep their author, date and message; the others go.
            for c in &current {
                if pass.named.contains(&c.meta.id) {
                    commits_named.insert(c.meta.id.clone(), summary(&c.meta));
                }
            }
            head_id = current.last().map(|c| c.meta.id.clone()).or(head_id);
            walked += current.len() as u64;
            progress("walking commits", walked, n);
            let (after, end) = loaded
                .transpose()?
                .unwrap_or_else(|| (Window::default(), pos));
            count(&judged);
            next = judged;
            pos = end;
            // Drop what left the tree before the next window's blobs join the cache; a version the
            // next window brings back (a revert) and that was just dropped is judged again.
            dead = cache.extract_if(|_, j| Arc::strong_count(j) == 1).collect();
            let have: HashSet<&(String, String)> = next.iter().map(|(k, _)| k).collect();
            let missing: Vec<Wanted> = upcoming
                .1
                .iter()
                .filter(|(k, _)| !cache.contains_key(k) && !have.contains(k))
                .cloned()
                .collect();
            if !missing.is_empty() {
                let again = judge_new(&cache, &missing);
                count(&again);
                next.extend(again);
            }
            current = std::mem::replace(&mut upcoming, after).0;
        }
        if let Some(b) = &history.base
            && pass.named.contains(&b.id)
        {
            commits_named.insert(b.id.clone(), summary(b));
        }

        // 3. Occurrences: closed ones, then those still open at the head.
        let mut findings = pass.closed;
        for (_, m) in pass.open {
            findings.extend(m.into_values());
        }
        findings.extend(pass.ended.into_values().flatten());
        findings.extend(pass.events);
        findings.retain(|f| f.commit.as_deref() != Some("\0base"));
        let mut shard_artifacts = Vec::new();
        self.keep_own(&mut findings, &mut shard_artifacts);
        self.apply_waivers(&mut findings, self.options.as_of);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.ended() == b.ended());

        let head = head_id;
        let mut artifacts: Vec<Artifact> = pass
            .state
            .values()
            .filter_map(|s| s.judged.artifact.clone())
            .map(|mut a| {
                a.commit.clone_from(&head);
                a
            })
            .filter(|a| self.owns(&a.path))
            .collect();
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        let mut sources: BTreeMap<String, Arc<str>> = BTreeMap::new();
        for f in &findings {
            if let Some(b) = &f.blob
                && let Some(t) = pass.texts.get(b)
            {
                sources.insert(b.clone(), t.clone());
            }
        }
        if let Some(cfg) = &self.config_file
            && findings.iter().any(|f| &f.path == cfg)
        {
            sources.insert(cfg.clone(), self.config_text.clone());
        }
        Ok(Outcome {
            findings,
            artifacts,
            sources,
            history: Some(HistoryInfo {
                commits_named,
                commits: history.commit_ids.len(),
                blobs: versions.len(),
                base: base_id,
                head,
                truncated_at: history.truncated_at.clone(),
                paths: pass.seen,
            }),
        })
    }
}

/// A path with its fresh reference findings (and their dependencies) and date-rule findings
/// (`None`: not re-run).
type Reevaluated = (
    String,
    Option<(Vec<Finding>, Vec<String>)>,
    Option<Vec<Finding>>,
);

struct Pass<'e> {
    engine: &'e Engine,
    state: BTreeMap<String, PathState>,
    idx: Index,
    /// Open occurrences per path, by fingerprint; `commit` holds the introducing commit.
    open: BTreeMap<String, BTreeMap<String, Finding>>,
    closed: Vec<Finding>,
    /// Findings whose file was deleted or stopped parsing, by fingerprint: if the same finding is
    /// found again (the file restored, or parsing again), it is the same finding, not a new one.
    ended: BTreeMap<String, Vec<Finding>>,
    /// The fingerprints of the findings at the base of a range: found again after any edit, they
    /// are still the base's, never introduced by the range.
    base_ids: HashSet<String>,
    /// A renamed file's path → the path it was first seen at, which its findings' fingerprints keep.
    origin: HashMap<String, String>,
    /// How many findings point into each blob whose text `texts` keeps.
    text_refs: HashMap<String, usize>,
    /// Every path that held evidence at some point of the walk.
    seen: BTreeSet<String>,
    /// Commit-level findings (co-change, trailer, no-delete).
    events: Vec<Finding>,
    /// The (kind, pointer) pairs whose values `reference … by` looks up.
    by_pairs: Vec<(String, String)>,
    /// Whether a plugin finds documents by key, so `idx.key_paths` is kept.
    by_key: bool,
    /// How many documents of the tree hold each looked-up value: `idx.keys` holds those with one
    /// or more, kept up to date as documents come and go rather than rebuilt.
    key_counts: HashMap<(String, String), HashMap<String, usize>>,
    /// Key values that appeared or disappeared since last drained (as `key_dep` strings).
    keys_flipped: Vec<String>,
    /// The text of each blob a finding was found in, for snippets: at most `TEXT_BUDGET` bytes in
    /// all (kept in replay order, so the same whatever `--jobs`); findings past it are reported
    /// with their line, without a snippet.
    texts: HashMap<String, Arc<str>>,
    texts_bytes: usize,
    /// Commits a finding was introduced or fixed in.
    named: HashSet<String>,
    /// Reference target path → documents whose reference findings looked at it.
    dependents: HashMap<String, BTreeSet<String>>,
    /// Date → documents whose date rules may change when the judgement date crosses it.
    agenda: BTreeMap<jiff::civil::Date, BTreeSet<Arc<str>>>,
}

/// What the findings standing at the base of a range are marked introduced in: they are not reported.
const BASE: &str = "\0base";

/// A commit's deleted and added files are compared for a move with edits only up to this many
/// pairs, and only files up to this size.
pub(crate) const MAX_MOVE_PAIRS: usize = 1024;
pub(crate) const MAX_MOVE_BYTES: usize = 1 << 20;

/// How alike two texts are, in percent: the share of their non-blank lines (trimmed) they have in
/// common, as a rename with edits keeps most of them.
pub(crate) fn similarity(a: &str, b: &str) -> u32 {
    let mut counts: HashMap<&str, usize> = HashMap::default();
    let mut total = 0usize;
    for l in a.lines().map(str::trim).filter(|l| !l.is_empty()) {
        *counts.entry(l).or_default() += 1;
        total += 1;
    }
    let mut common = 0usize;
    for l in b.lines().map(str::trim).filter(|l| !l.is_empty()) {
        total += 1;
        if let Some(n) = counts.get_mut(l)
            && *n > 0
        {
            *n -= 1;
            common += 1;
        }
    }
    if total == 0 {
        return 100;
    }
    u32::try_from(200 * common / total).unwrap_or(100)
}

/// What identifies a commit across a rebase (which changes its id, parent and committer date, not
/// its author or message), with the paths a commit-level finding is about.
fn commit_anchor(c: &CommitDelta, paths: &[&str]) -> String {
    format!(
        "{}\0{}\0{}",
        c.meta.email,
        c.meta.message.trim(),
        paths.join("\n")
    )
}

/// The most file text a history run keeps for snippets (a file version's text is kept only while
/// a finding points into it, and only up to this much in all).
const TEXT_BUDGET: usize = 64 << 20;

impl Pass<'_> {
    fn insert(&mut self, path: &str, blob: &str, judged: Arc<Judged>, date: jiff::civil::Date) {
        self.remove(path);
        self.idx.contents.track(path, Some(blob));
        if judged.artifact.is_some() && !self.seen.contains(path) {
            self.seen.insert(path.to_string());
        }
        self.count_keys(judged.doc.as_ref(), true);
        let kind = judged.doc.as_ref().and_then(|d| d.kind.clone());
        self.idx.kinds.insert(path.to_string(), kind);
        let shared: Arc<str> = Arc::from(path);
        for d in &judged.critical {
            self.agenda.entry(*d).or_default().insert(shared.clone());
        }
        self.state.insert(
            path.to_string(),
            PathState {
                temporal: if judged.temporal.0 == date {
                    judged.temporal.1.clone()
                } else {
                    Vec::new()
                },
                fresh: judged.temporal.0 == date,
                judged,
                reference: Vec::new(),
                ref_deps: Vec::new(),
                judged_at: date,
            },
        );
    }

    fn remove(&mut self, path: &str) {
        if let Some(old) = self.state.remove(path) {
            self.count_keys(old.judged.doc.as_ref(), false);
            for d in &old.judged.critical {
                if let Some(set) = self.agenda.get_mut(d) {
                    set.remove(path);
                }
            }
            self.forget_deps(path, &old.ref_deps);
        }
        self.idx.kinds.remove(path);
        self.idx.contents.track(path, None);
    }

    fn forget_deps(&mut self, path: &str, deps: &[String]) {
        for t in deps {
            if let Some(set) = self.dependents.get_mut(t) {
                set.remove(path);
            }
        }
    }

    /// Count a document's looked-up key values in (or out), noting the values that appear in or
    /// vanish from the tree: only references to those can change.
    fn count_keys(&mut self, doc: Option<&Doc>, add: bool) {
        let Some(d) = doc else { return };
        let Some(kind) = d.kind.as_deref() else {
            return;
        };
        let Ok(p) = &d.parsed.result else { return };
        let mut held: Vec<(String, String, String)> = Vec::new();
        for (k, by) in self.by_pairs.iter().filter(|(k, _)| k == kind) {
            for value in crate::run::key_values(&p.value, by) {
                held.push((k.clone(), by.clone(), value));
            }
        }
        for h in held.iter().filter(|_| self.by_key) {
            if add {
                self.idx
                    .key_paths
                    .entry(h.clone())
                    .or_default()
                    .insert(d.path.clone());
            } else if let Some(set) = self.idx.key_paths.get_mut(h) {
                set.remove(&d.path);
                if set.is_empty() {
                    self.idx.key_paths.remove(h);
                }
            }
        }
        for (k, by, value) in held {
            let (k, by) = (&k, &by);
            let pair = (k.clone(), by.clone());
            let counts = self.key_counts.entry(pair.clone()).or_default();
            let n = counts.entry(value.clone()).or_default();
            let flipped = if add {
                *n += 1;
                *n == 1
            } else {
                *n = n.saturating_sub(1);
                *n == 0
            };
            if *n == 0 {
                counts.remove(&value);
            }
            if flipped {
                self.keys_flipped
                    .push(crate::checks::key_dep(k, by, &value));
                let set = self.idx.keys.entry(pair).or_default();
                if add {
                    set.insert(value);
                } else {
                    set.remove(&value);
                }
            }
        }
    }

    /// Judge paths that took a new version at `date`: references always, date rules unless they
    /// came with the judgement of that version at that date.
    fn reevaluate_entered(&mut self, paths: &[String], date: jiff::civil::Date) {
        let (fresh, stale): (Vec<String>, Vec<String>) = paths
            .iter()
            .cloned()
            .partition(|p| self.state.get(p).is_some_and(|s| s.fresh));
        self.reevaluate(&fresh, date, true, false);
        self.reevaluate(&stale, date, true, true);
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
        let eval = |p: &String| -> Option<Reevaluated> {
            let s = self.state.get(p)?;
            let doc = s.judged.doc.as_ref()?;
            let r = reference.then(|| {
                engine.eval_doc_deps(
                    doc,
                    date,
                    idx,
                    &|r| engine.dependence(r) == Dependence::Tree,
                    None,
                )
            });
            let t = temporal.then(|| {
                engine.eval_doc(
                    doc,
                    date,
                    idx,
                    &|r| engine.dependence(r) == Dependence::Date,
                    None,
                )
            });
            Some((p.clone(), r, t))
        };
        // Most commits touch a file or two: waking the thread pool for those costs more than it saves.
        let results: Vec<Reevaluated> = if paths.len() < 8 {
            paths.iter().filter_map(eval).collect()
        } else {
            paths.par_iter().filter_map(eval).collect()
        };
        for (p, r, t) in results {
            if let Some(s) = self.state.get_mut(&p) {
                if let Some((r, deps)) = r {
                    s.reference = r;
                    let old = std::mem::replace(&mut s.ref_deps, deps.clone());
                    for t in &old {
                        if let Some(set) = self.dependents.get_mut(t) {
                            set.remove(&p);
                        }
                    }
                    for t in deps {
                        self.dependents.entry(t).or_default().insert(p.clone());
                    }
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
                Some(s) => {
                    let mut found: Vec<Finding> = s.findings().cloned().collect();
                    // A settled version's findings were superseded when it was judged, and none
                    // joined them since.
                    if !(s.judged.settled && s.reference.is_empty() && s.temporal.is_empty()) {
                        let parsed = s.judged.doc.as_ref().map(|d| d.parsed.clone());
                        let as_of = self.engine.options.as_of;
                        self.engine
                            .supersede(&mut found, as_of, &|_| parsed.clone());
                    }
                    found
                        .into_iter()
                        .map(|f| (f.fingerprint.clone(), f))
                        .collect()
                }
                None => BTreeMap::new(),
            };
            let current = self.renamed_keys(p, current);
            // What is no longer found: its file left the tree, no longer parses, or it was fixed.
            let how = match self.state.get(p) {
                None => Ended::Removed,
                // Emptying a file fixes nothing either: its content is no longer there to judge.
                Some(s) if s.judged.doc.as_ref().is_none_or(crate::run::Doc::is_blank) => {
                    Ended::Obscured
                }
                Some(_) => Ended::Fixed,
            };
            let mut open = self.open.remove(p).unwrap_or_default();
            let gone: Vec<String> = open
                .keys()
                .filter(|k| !current.contains_key(*k))
                .cloned()
                .collect();
            for k in gone {
                if let Some(mut f) = open.remove(&k) {
                    f.end(how, commit);
                    if let Some(c) = commit {
                        self.named.insert(c.to_string());
                    }
                    if how == Ended::Fixed {
                        self.closed.push(f);
                    } else {
                        self.ended.entry(k).or_default().push(f);
                    }
                }
            }
            for (k, mut f) in current {
                match open.entry(k) {
                    std::collections::btree_map::Entry::Occupied(mut e) => {
                        // Still there: reported where it now is (line, message, file version),
                        // introduced where it was.
                        f.commit = e.get_mut().commit.take();
                        self.hold_text(p, &f);
                        let was = e.insert(f);
                        self.release_text(&was);
                    }
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let back = self.ended.get_mut(e.key()).and_then(Vec::pop);
                        if let Some(back) = back {
                            // Its file was restored or parses again: the same finding as before.
                            f.commit = back.commit.clone();
                            self.release_text(&back);
                        } else if self.base_ids.contains(e.key()) {
                            f.commit = Some(BASE.to_string());
                        } else {
                            f.commit = commit.map(str::to_string);
                            if let Some(c) = commit {
                                self.named.insert(c.to_string());
                            }
                        }
                        self.hold_text(p, &f);
                        e.insert(f);
                    }
                }
            }
            if !open.is_empty() {
                self.open.insert(p.clone(), open);
            }
        }
    }

    /// A path's findings keyed by fingerprint as if the file were still at the path it was first
    /// seen at: a renamed file's findings keep their fingerprints.
    fn renamed_keys(
        &self,
        p: &str,
        current: BTreeMap<String, Finding>,
    ) -> BTreeMap<String, Finding> {
        let Some(first) = self.origin.get(p) else {
            return current;
        };
        current
            .into_values()
            .map(|mut f| {
                f.rekey(first);
                (f.fingerprint.clone(), f)
            })
            .collect()
    }

    /// Keep the text of the file version a finding points into, for its snippet (within
    /// `TEXT_BUDGET`), counting the findings that point into it.
    fn hold_text(&mut self, p: &str, f: &Finding) {
        let Some(b) = &f.blob else { return };
        if let Some(n) = self.text_refs.get_mut(b) {
            *n += 1;
            return;
        }
        if let Some(d) = self.state.get(p).and_then(|s| s.judged.doc.as_ref())
            && d.blob.as_ref() == Some(b)
            && self.texts_bytes + d.parsed.text.len() <= TEXT_BUDGET
        {
            self.texts_bytes += d.parsed.text.len();
            self.texts.insert(b.clone(), d.parsed.text.clone());
            self.text_refs.insert(b.clone(), 1);
        }
    }

    /// A finding no longer points into its file version: its text goes when no finding does.
    fn release_text(&mut self, f: &Finding) {
        let Some(b) = &f.blob else { return };
        if let Some(n) = self.text_refs.get_mut(b) {
            *n -= 1;
            if *n == 0 {
                self.text_refs.remove(b);
                if let Some(t) = self.texts.remove(b) {
                    self.texts_bytes -= t.len();
                }
            }
        }
    }

    /// A file moved from `old` to `new` (still evidence there): its open findings go with it, and
    /// keep the fingerprints of the path it was first seen at.
    fn follow(&mut self, old: &str, new: &str) {
        let first = self.origin.remove(old).unwrap_or_else(|| old.to_string());
        if first == new {
            self.origin.remove(new);
        } else {
            self.origin.insert(new.to_string(), first);
        }
        if let Some(moved) = self.open.remove(old) {
            let there = self.open.entry(new.to_string()).or_default();
            for (k, mut f) in moved {
                f.path = new.to_string();
                there.insert(k, f);
            }
        }
    }

    /// The files a commit moves: exact renames, and a deleted file paired with an added one of the
    /// same kind whose lines are mostly the same (a move with edits, as git's rename detection
    /// would see it), when the new path is evidence. Most alike first; each file in one pair.
    fn moves(
        &self,
        c: &CommitDelta,
        judged: &HashMap<(String, String), Arc<Judged>>,
    ) -> Vec<(String, String)> {
        let new_doc = |ch: &aimslint_git::Change| {
            judged
                .get(&(ch.blob.clone().unwrap_or_default(), ch.path.clone()))
                .and_then(|j| j.doc.as_ref())
        };
        let mut out: Vec<(String, String)> = c
            .changes
            .iter()
            .filter(|ch| ch.kind == ChangeKind::Renamed && new_doc(ch).is_some())
            .filter_map(|ch| Some((ch.old_path.clone()?, ch.path.clone())))
            .collect();
        let deleted: Vec<(&str, &Doc)> = c
            .changes
            .iter()
            .filter(|ch| ch.kind == ChangeKind::Deleted)
            .filter_map(|ch| {
                let d = self.state.get(&ch.path)?.judged.doc.as_ref()?;
                Some((ch.path.as_str(), d))
            })
            .collect();
        let added: Vec<(&str, &Doc)> = c
            .changes
            .iter()
            .filter(|ch| ch.kind == ChangeKind::Added)
            .filter_map(|ch| Some((ch.path.as_str(), new_doc(ch)?)))
            .collect();
        if deleted.is_empty()
            || added.is_empty()
            || deleted.len().saturating_mul(added.len()) > MAX_MOVE_PAIRS
        {
            return out;
        }
        let mut pairs: Vec<(u32, &str, &str)> = Vec::new();
        for (old, a) in &deleted {
            for (new, b) in &added {
                if a.kind != b.kind || a.parsed.text.len().max(b.parsed.text.len()) > MAX_MOVE_BYTES
                {
                    continue;
                }
                let sim = similarity(&a.parsed.text, &b.parsed.text);
                if sim >= 50 {
                    pairs.push((sim, old, new));
                }
            }
        }
        pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)).then(x.2.cmp(y.2)));
        let mut used: HashSet<&str> = HashSet::default();
        for (_, old, new) in pairs {
            if !used.contains(old) && !used.contains(new) {
                used.insert(old);
                used.insert(new);
                out.push((old.to_string(), new.to_string()));
            }
        }
        out
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
        let mut deleted_kinds: Vec<(String, Option<String>)> = Vec::new();
        let moves = self.moves(c, judged);
        // What the commit's DVC files pinned before it, to tell which outputs it changes.
        let dvc_files: Vec<&str> = c
            .changes
            .iter()
            .flat_map(|ch| std::iter::once(ch.path.as_str()).chain(ch.old_path.as_deref()))
            .filter(|p| crate::dvc::is_dvc_path(p))
            .collect();
        let pinned_before = self.pins(&dvc_files);
        for ch in &c.changes {
            let mut gone = |this: &mut Self, p: &str| {
                // Deleting an empty file retires no evidence (it held none).
                let empty = this
                    .state
                    .get(p)
                    .is_some_and(|s| s.judged.doc.as_ref().is_some_and(crate::run::Doc::is_blank));
                let kind = this.idx.kinds.get(p).cloned().flatten().filter(|_| !empty);
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
                self.insert(&ch.path, &key.0, j.clone(), date);
                touched.insert(ch.path.clone());
            } else if self.state.contains_key(&ch.path) {
                // No longer a candidate (e.g. became a symlink).
                self.remove(&ch.path);
                touched.insert(ch.path.clone());
            }
        }
        // A moved file is not deleted: its findings go with it. A deleted one's path is free.
        for (old, new) in &moves {
            self.follow(old, new);
        }
        deleted_kinds.retain(|(p, _)| !moves.iter().any(|(old, _)| old == p));
        for ch in &c.changes {
            let left = match ch.kind {
                ChangeKind::Deleted => Some(&ch.path),
                ChangeKind::Renamed => ch.old_path.as_ref(),
                _ => None,
            };
            if let Some(p) = left
                && !moves.iter().any(|(old, _)| old == p)
            {
                self.origin.remove(p);
            }
        }
        // What a commit holds but cannot be read as evidence is said, not skipped. (A file read
        // only for plugins, such as a symlinked `LICENSE`, is passed to them with the reason.)
        for ch in &c.changes {
            if let Some(why) = &ch.unreadable
                && ch.kind != ChangeKind::Deleted
                // A link to a file the commit holds loses nothing, unless a kind claims its path.
                && (!ch.links_inside || self.engine.classifier.path_matches(&ch.path))
                && (self.engine.could_be_evidence(&ch.path) || why.contains("UTF-8"))
            {
                self.named.insert(id.to_string());
                self.events.push(Finding {
                    commit: Some(id.to_string()),
                    ..Finding::about_file(
                        crate::codes::UNREADABLE,
                        Severity::Error,
                        &ch.path,
                        format!("{}: {why}", ch.path),
                        "Give the file a UTF-8 name inside the repository, or keep evidence out of symlinks and submodules.",
                        fingerprint(
                            crate::codes::UNREADABLE,
                            &ch.path,
                            "",
                            &commit_anchor(c, &[why]),
                        ),
                    )
                });
            }
        }
        // Which documents to judge again.
        let changed: Vec<String> = touched
            .iter()
            .filter(|p| self.state.contains_key(*p))
            .cloned()
            .collect();
        self.reevaluate_entered(&changed, date);
        let judged_now: BTreeSet<String> = changed.iter().cloned().collect();
        // Others only where what their references looked at changed.
        let delta: HashSet<&str> = c
            .changes
            .iter()
            .flat_map(|ch| std::iter::once(ch.path.as_str()).chain(ch.old_path.as_deref()))
            .collect();
        // Only a looked-up value (a dataset's name) appearing or vanishing moves key references.
        let flipped = std::mem::take(&mut self.keys_flipped);
        let others: BTreeSet<String> = delta
            .iter()
            .copied()
            .chain(flipped.iter().map(String::as_str))
            .filter_map(|d| self.dependents.get(d))
            .flatten()
            .cloned()
            .collect();
        let others: Vec<String> = others
            .into_iter()
            .filter(|p| !judged_now.contains(p) && self.state.contains_key(p))
            .collect();
        self.reevaluate(&others, date, true, false);
        touched.extend(others);
        if date != last_date {
            let (lo, hi) = if date > last_date {
                (last_date, date)
            } else {
                (date, last_date)
            };
            let crossing: BTreeSet<String> = self
                .agenda
                .range((std::ops::Bound::Excluded(lo), std::ops::Bound::Included(hi)))
                .flat_map(|(_, paths)| paths.iter())
                .filter(|p| !judged_now.contains(&***p))
                .map(|p| p.to_string())
                .collect();
            let crossing: Vec<String> = crossing.into_iter().collect();
            self.reevaluate(&crossing, date, false, true);
            touched.extend(crossing);
        }
        let touched: Vec<String> = touched.into_iter().collect();
        self.sync_all(&touched, Some(id));
        let outputs = crate::dvc::changed_between(pinned_before, self.pins(&dvc_files));
        self.commit_rules(c, &deleted_kinds, &outputs);
    }

    /// What the DVC files at `paths` pin in the current state. A file that stands in the tree but
    /// was not read pins what nobody knows; one that is gone pins nothing.
    fn pins(&self, paths: &[&str]) -> crate::dvc::Side {
        let mut side = crate::dvc::Side::default();
        for p in paths {
            let doc = self.state.get(*p).and_then(|s| s.judged.doc.as_ref());
            if doc.is_some() || self.idx.paths.contains(*p) {
                side.add(p, doc);
            }
        }
        side
    }

    /// A commit-level finding: one per commit and rule, placed at the first of the paths it is
    /// about, with a fingerprint a rebase keeps (see `commit_anchor`).
    fn event(
        &mut self,
        a: &crate::run::ActiveRule,
        about: &[&str],
        c: &CommitDelta,
        message: String,
    ) {
        let path = about.first().copied().unwrap_or_default();
        self.named.insert(c.meta.id.clone());
        let rule = &a.rule;
        self.events.push(Finding {
            controls: a.controls.clone(),
            help: a.help.clone(),
            commit: Some(c.meta.id.clone()),
            ..Finding::about_file(
                &rule.id,
                a.severity,
                path,
                message,
                "",
                fingerprint(&rule.id, path, "", &commit_anchor(c, about)),
            )
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

    fn commit_rules(
        &mut self,
        c: &CommitDelta,
        deleted: &[(String, Option<String>)],
        outputs: &[(String, crate::dvc::Pin)],
    ) {
        let engine = self.engine;
        let events: Vec<(&crate::run::ActiveRule, crate::kinds::Event)> = {
            let find = |kind: &str, name: &str| self.find_doc(kind, name);
            let view = crate::kinds::ChangeView {
                changed: c.changes.iter().map(|ch| ch.path.as_str()).collect(),
                outputs,
                deleted: deleted
                    .iter()
                    .filter_map(|(p, k)| Some((p.as_str(), k.as_deref()?)))
                    .collect(),
                written: c
                    .changes
                    .iter()
                    .filter(|ch| ch.kind != ChangeKind::Deleted)
                    .filter_map(|ch| self.state.get(&ch.path)?.judged.doc.as_ref())
                    .collect(),
                source: crate::kinds::Source::Commit {
                    meta: &c.meta,
                    find: &find,
                },
            };
            engine
                .rules
                .iter()
                .filter(|a| a.rule.check.is_history())
                .filter_map(|a| Some((a, crate::kinds::of(&a.rule).on_change(&a.rule, &view)?)))
                .collect()
        };
        for (a, e) in events {
            let about: Vec<&str> = e.about.iter().map(String::as_str).collect();
            self.event(a, &about, c, e.message);
            if let (Some(l), Some(f)) = (e.line, self.events.last_mut()) {
                f.line = l;
            }
        }
    }
}
