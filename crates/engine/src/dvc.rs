//! Seeing through DVC: a commit that changes the hash a `.dvc` file or `dvc.lock` pins for an output
//! changes that output (a model's weights, a dataset), although the data itself is stored outside
//! git. The commit rules judge those outputs as changed paths, as they judge a Git LFS pointer as the
//! file it stands for, so `models/**/*.pkl` in a rule's `when` matches a retrained model whether
//! git or DVC stores it, and a data-only `.dvc` update is not a model change.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::run::Doc;

/// Where an output is pinned: the DVC file and the line of the output's entry in it.
pub(crate) type Pin = (String, usize);

/// Outputs DVC pins, by repository path: the hash pinned, and where.
pub(crate) type Pins = BTreeMap<String, (String, Pin)>;

/// The outputs a document pins, keyed by repository path; `line(i)` is the line of the i-th
/// tracked entry. Outputs outside the repository (an absolute path, a URL, `..` above the root)
/// are left out: no rule's path can match them.
pub(crate) fn pins(doc_path: &str, value: &Value, line: impl Fn(usize) -> usize) -> Pins {
    let dir = doc_path.rsplit_once('/').map_or("", |(d, _)| d);
    aimslint_artifacts::dvc_tracked(value)
        .into_iter()
        .enumerate()
        .filter_map(|(i, (rel, hash))| {
            Some((resolve(dir, &rel)?, (hash, (doc_path.to_string(), line(i)))))
        })
        .collect()
}

/// Whether a path is named as DVC names its files (`*.dvc`, `dvc.lock`, `dvc.yaml`): only those
/// are looked at for pins.
pub(crate) fn is_dvc_path(path: &str) -> bool {
    aimslint_artifacts::sniff_text(path, "") == Some(aimslint_artifacts::Flavor::Dvc)
}

/// The pins of a parsed document; `None` when it did not parse (a DVC file that stops parsing
/// hides what it pins: that is no change of the outputs).
fn pins_of(doc: &Doc) -> Option<Pins> {
    let p = doc.parsed.result.as_ref().ok()?;
    if aimslint_artifacts::dvc_tracked(&p.value).is_empty() {
        return Some(Pins::new());
    }
    // Lines only for a file that pins something: the span table is built on demand.
    let line = |i: usize| {
        p.locate(&doc.parsed.text, &format!("/tracked/{i}/path"))
            .map_or(1, |(s, _)| doc.parsed.line_at(s))
    };
    Some(pins(&doc.path, &p.value, line))
}

/// What the DVC files of one side of a change (before or after it) pin, and which of them could
/// not be read.
#[derive(Default)]
pub(crate) struct Side {
    pins: Pins,
    unknown: BTreeSet<String>,
}

impl Side {
    /// Add the DVC file at `path`: its document, or `None` when the file stands but was not read
    /// (it does not parse, or is too large), so what it pins is unknown.
    pub(crate) fn add(&mut self, path: &str, doc: Option<&Doc>) {
        match doc.and_then(pins_of) {
            Some(p) => self.pins.extend(p),
            None => {
                self.unknown.insert(path.to_string());
            }
        }
    }
}

/// The outputs a change re-pins, from what its DVC files pinned before and after it. A file that
/// could not be read on either side is left out: breaking a file is no change of what it pins.
pub(crate) fn changed_between(mut before: Side, mut after: Side) -> Vec<(String, Pin)> {
    let unknown: BTreeSet<String> = before.unknown.union(&after.unknown).cloned().collect();
    before
        .pins
        .retain(|_, (_, (file, _))| !unknown.contains(file));
    after
        .pins
        .retain(|_, (_, (file, _))| !unknown.contains(file));
    changed(&before.pins, &after.pins)
}

/// The changed paths of a commit, then the outputs its DVC files re-pinned, each with the DVC
/// file that pins it: what the commit rules' `when` globs are matched against.
pub(crate) fn with_outputs<'a>(
    paths: impl Iterator<Item = &'a str>,
    outputs: &'a [(String, Pin)],
) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
    paths.map(|p| (p, None)).chain(
        outputs
            .iter()
            .map(|(o, (f, _))| (o.as_str(), Some(f.as_str()))),
    )
}

/// `dir/rel` as a repository path, or `None` when it leaves the repository.
fn resolve(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains("://") || rel.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The outputs whose pinned hash differs between `before` and `after` (pinned, unpinned or
/// re-pinned), each with where it is (or was) pinned, in path order.
fn changed(before: &Pins, after: &Pins) -> Vec<(String, Pin)> {
    let mut out: Vec<(String, Pin)> = Vec::new();
    for (path, (hash, at)) in after {
        if before.get(path).is_none_or(|(h, _)| h != hash) {
            out.push((path.clone(), at.clone()));
        }
    }
    for (path, (_, at)) in before {
        if !after.contains_key(path) {
            out.push((path.clone(), at.clone()));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_are_resolved_inside_the_repository() {
        assert_eq!(resolve("data", "raw.csv").as_deref(), Some("data/raw.csv"));
        assert_eq!(resolve("", "./model.pkl").as_deref(), Some("model.pkl"));
        assert_eq!(
            resolve("pipelines/train", "../../models/m.pt").as_deref(),
            Some("models/m.pt")
        );
        assert_eq!(resolve("", "../outside.csv"), None);
        assert_eq!(resolve("data", "/etc/passwd"), None);
        assert_eq!(resolve("data", "s3://bucket/x"), None);
    }

    #[test]
    fn a_repinned_added_or_dropped_output_is_a_change() {
        let pin = |p: &str, h: &str| (p.to_string(), (h.to_string(), ("dvc.lock".to_string(), 1)));
        let before: Pins = [pin("a", "1"), pin("b", "2"), pin("c", "3")].into();
        let after: Pins = [pin("a", "1"), pin("b", "9"), pin("d", "4")].into();
        let got: Vec<String> = changed(&before, &after)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(got, ["b", "c", "d"]);
    }
}
