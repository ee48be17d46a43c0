//! `check --staged`: the index judged as the next commit.
//!
//! The commit rules that need no commit message run on the staged change (HEAD against the index):
//! co-change (CH-001) and no-delete (CH-002). A pre-commit hook runs before the message exists, so
//! trailer rules (CH-004) are left to history mode, and a co-change rule's trailer alternative is
//! stood in for by a record of its kind staged in the same change whose `paths` cover the files.
//!
//! Unless every file is asked for, only what the change answers for is reported: the findings on the
//! files it stages (added, modified, renamed), its commit rules' findings, and the reference
//! findings on other files that it breaks (a reference to a file it deletes or renames). A gap an
//! unchanged file already had at HEAD is not the change's doing and is not reported.

use std::collections::{BTreeSet, HashMap, HashSet};

use aimslint_git::{Change, ChangeKind};
use aimslint_packs::Rule;
use rayon::prelude::*;

use crate::finding::{Finding, Outcome};
use crate::history::{MAX_MOVE_BYTES, MAX_MOVE_PAIRS, similarity};
use crate::run::{ActiveRule, Doc, Engine, FileInput, Index, Snapshot, fingerprint, key_values};

/// What the staged change is, beside the index it leaves.
#[derive(Debug, Clone, Default)]
pub struct StagedChange {
    /// HEAD against the index (every file added before the first commit).
    pub changes: Vec<Change>,
    /// HEAD's versions of the evidence candidates the change modifies, deletes or renames away.
    pub before: Vec<FileInput>,
    /// Report every finding of the index, not only the change's (`--all-files`).
    pub all_files: bool,
}

/// A commit-level finding of the staged change: no commit, placed at the first path it is about.
fn event(a: &ActiveRule, about: &[&str], message: String) -> Finding {
    let path = about.first().copied().unwrap_or_default();
    Finding {
        controls: a.controls.clone(),
        help: a.help.clone(),
        ..Finding::about_file(
            &a.rule.id,
            a.severity,
            path,
            message,
            "",
            fingerprint(
                &a.rule.id,
                path,
                "",
                &format!("\0staged\0{}", about.join("\n")),
            ),
        )
    }
}

impl Engine {
    /// Check the index (`index`, as a snapshot) as the commit `change` would make.
    pub fn check_staged(&self, index: &Snapshot, change: &StagedChange) -> Outcome {
        let events = self.staged_rules(index, change);
        let mut outcome = self.check_with(index, events);
        if !change.all_files {
            self.scope_to_change(&mut outcome, index, change);
        }
        outcome
    }

    /// The commit rules that can be judged before the commit exists.
    fn staged_rules(&self, index: &Snapshot, change: &StagedChange) -> Vec<Finding> {
        let rules: Vec<&ActiveRule> = self
            .rules
            .iter()
            .filter(|a| a.rule.check.is_history())
            .collect();
        if rules.is_empty() || change.changes.is_empty() {
            return Vec::new();
        }
        let by_path: HashMap<&str, &FileInput> =
            index.files.iter().map(|f| (f.path.as_str(), f)).collect();
        // The staged versions of what the change adds, modifies or renames, and HEAD's versions of
        // what it deletes.
        let staged: Vec<(&Change, Doc)> = change
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Deleted)
            .filter_map(|c| Some((c, self.prepare(by_path.get(c.path.as_str())?, None).0?)))
            .collect();
        let deleted: Vec<&str> = change
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Deleted)
            .map(|c| c.path.as_str())
            .collect();
        let gone: HashMap<&str, Doc> = change
            .before
            .iter()
            .filter(|f| deleted.contains(&f.path.as_str()))
            .filter_map(|f| Some((f.path.as_str(), self.prepare(f, None).0?)))
            .collect();
        let moved = moved_away(&gone, &staged);
        // The outputs the change re-pins in DVC files (see `crate::dvc`): HEAD's versions against
        // the staged ones. Only DVC files are read again.
        let outputs = {
            let mut before = crate::dvc::Side::default();
            for f in change
                .before
                .iter()
                .filter(|f| crate::dvc::is_dvc_path(&f.path))
            {
                before.add(&f.path, self.prepare(f, None).0.as_ref());
            }
            let mut after = crate::dvc::Side::default();
            for c in change
                .changes
                .iter()
                .filter(|c| c.kind != ChangeKind::Deleted)
            {
                if crate::dvc::is_dvc_path(&c.path) {
                    let doc = staged
                        .iter()
                        .find(|(s, _)| s.path == c.path)
                        .map(|(_, d)| d);
                    after.add(&c.path, doc);
                }
            }
            crate::dvc::changed_between(before, after)
        };
        let view = crate::kinds::ChangeView {
            changed: change.changes.iter().map(|c| c.path.as_str()).collect(),
            outputs: &outputs,
            deleted: deleted
                .iter()
                .filter(|p| !moved.contains(*p))
                .filter_map(|p| Some((*p, gone.get(p)?.kind.as_deref()?)))
                .collect(),
            written: staged.iter().map(|(_, d)| d).collect(),
            // Trailers are in the commit message, which does not exist yet.
            source: crate::kinds::Source::Staged,
        };
        rules
            .into_iter()
            .filter_map(|a| {
                let e = crate::kinds::of(&a.rule).on_change(&a.rule, &view)?;
                let about: Vec<&str> = e.about.iter().map(String::as_str).collect();
                let mut f = event(a, &about, e.message);
                if let Some(l) = e.line {
                    f.line = l;
                }
                Some(f)
            })
            .collect()
    }

    /// Keep what the change answers for: findings on the files it stages, its commit rules'
    /// findings, and reference findings on other files that did not stand at HEAD.
    fn scope_to_change(&self, outcome: &mut Outcome, index: &Snapshot, change: &StagedChange) {
        let staged: HashSet<&str> = change
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Deleted)
            .map(|c| c.path.as_str())
            .collect();
        let rules_where = |keep: &dyn Fn(&Rule) -> bool| -> HashSet<&str> {
            self.rules
                .iter()
                .filter(|a| keep(&a.rule))
                .map(|a| a.rule.id.as_str())
                .collect()
        };
        let commit_rules = rules_where(&|r| r.check.is_history());
        let reference_rules = rules_where(&|r| self.reads_tree(r));
        // An unchanged file's content is HEAD's: only what its references look at can differ.
        let suspects: BTreeSet<&str> = outcome
            .findings
            .iter()
            .filter(|f| !staged.contains(f.path.as_str()) && reference_rules.contains(&*f.rule))
            .map(|f| f.path.as_str())
            .collect();
        let at_head = if suspects.is_empty() {
            HashMap::new()
        } else {
            self.references_at_head(index, change, &suspects)
        };
        outcome.findings.retain(|f| {
            staged.contains(f.path.as_str())
                || commit_rules.contains(&*f.rule)
                || (reference_rules.contains(&*f.rule)
                    && !at_head
                        .get(&f.path)
                        .is_some_and(|h| h.contains(&f.fingerprint)))
        });
        let shown: HashSet<&str> = outcome.findings.iter().map(|f| f.path.as_str()).collect();
        outcome.sources.retain(|p, _| shown.contains(p.as_str()));
    }

    /// The fingerprints of the reference findings each of `paths` (unchanged by the change) has in
    /// HEAD's tree.
    fn references_at_head(
        &self,
        index: &Snapshot,
        change: &StagedChange,
        paths: &BTreeSet<&str>,
    ) -> HashMap<String, HashSet<String>> {
        let as_of = index.as_of.unwrap_or(self.options.as_of);
        let mut head_paths = index.paths.clone();
        head_paths.extend(index.files.iter().map(|f| f.path.clone()));
        let mut not_at_head: HashSet<&str> = HashSet::new();
        for c in &change.changes {
            match c.kind {
                ChangeKind::Added => {
                    head_paths.remove(&c.path);
                }
                ChangeKind::Deleted => {
                    head_paths.insert(c.path.clone());
                }
                ChangeKind::Renamed => {
                    head_paths.remove(&c.path);
                    head_paths.extend(c.old_path.clone());
                }
                ChangeKind::Modified => {}
            }
            not_at_head.insert(c.path.as_str());
        }
        // HEAD's files: the index's where the change left them, HEAD's versions where it did not.
        let files: Vec<&FileInput> = index
            .files
            .iter()
            .filter(|f| !not_at_head.contains(f.path.as_str()))
            .chain(&change.before)
            .collect();
        let docs: Vec<Doc> = files
            .par_iter()
            .filter_map(|f| self.prepare(f, None).0)
            .collect();
        let by_pairs = self.key_lookups();
        let mut idx = Index {
            paths: head_paths,
            kinds: HashMap::new(),
            keys: by_pairs
                .iter()
                .map(|p| (p.clone(), HashSet::new()))
                .collect(),
            key_paths: HashMap::new(),
            contents: if self.plugins_read_documents() {
                crate::run::Contents::of_files(files.iter().copied())
            } else {
                crate::run::Contents::default()
            },
        };
        let by_key = self.plugins_read_keys();
        for d in &docs {
            idx.kinds.insert(d.path.clone(), d.kind.clone());
            if let (Some(kind), Ok(p)) = (d.kind.as_deref(), &d.parsed.result) {
                for (k, b) in by_pairs.iter().filter(|(k, _)| k == kind) {
                    for v in key_values(&p.value, b) {
                        if by_key {
                            idx.key_paths
                                .entry((k.clone(), b.clone(), v.clone()))
                                .or_default()
                                .insert(d.path.clone());
                        }
                        idx.keys
                            .entry((k.clone(), b.clone()))
                            .or_default()
                            .insert(v);
                    }
                }
            }
        }
        docs.par_iter()
            .filter(|d| paths.contains(d.path.as_str()))
            .map(|d| {
                let found = self.eval_doc(d, as_of, &idx, &|r| self.reads_tree(r), None);
                (
                    d.path.clone(),
                    found.into_iter().map(|f| f.fingerprint).collect(),
                )
            })
            .collect()
    }
}

/// The deleted files the change moves with edits (a deleted file and an added one of the same kind
/// that share at least half their lines, as history mode pairs them): not deletions.
fn moved_away<'a>(gone: &HashMap<&'a str, Doc>, staged: &[(&Change, Doc)]) -> HashSet<&'a str> {
    let added: Vec<&Doc> = staged
        .iter()
        .filter(|(c, _)| c.kind == ChangeKind::Added)
        .map(|(_, d)| d)
        .collect();
    let mut moved = HashSet::new();
    if gone.is_empty()
        || added.is_empty()
        || gone.len().saturating_mul(added.len()) > MAX_MOVE_PAIRS
    {
        return moved;
    }
    let mut pairs: Vec<(u32, &str, &str)> = Vec::new();
    for (old, a) in gone {
        for b in &added {
            if a.kind != b.kind || a.parsed.text.len().max(b.parsed.text.len()) > MAX_MOVE_BYTES {
                continue;
            }
            let sim = similarity(&a.parsed.text, &b.parsed.text);
            if sim >= 50 {
                pairs.push((sim, old, b.path.as_str()));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)).then(x.2.cmp(y.2)));
    let mut used: HashSet<&str> = HashSet::new();
    for (_, old, new) in pairs {
        if !used.contains(old) && !used.contains(new) {
            used.insert(old);
            used.insert(new);
            moved.insert(old);
        }
    }
    moved
}
