//! Which artifact kind a file is: path globs and content sniffing, as the packs declare them.

use std::collections::BTreeMap;

use aimslint_artifacts::Flavor;
use aimslint_packs::PackSet;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

struct Entry {
    kind: String,
    paths: Option<GlobSet>,
    sniff: Vec<Flavor>,
    order: usize,
}

/// Classifies files into kinds.
pub struct Classifier {
    entries: Vec<Entry>,
    any_path: GlobSet,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("entries", &self.entries.len())
            .finish()
    }
}

fn glob_set(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = GlobBuilder::new(p).literal_separator(true).build() {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl Classifier {
    /// `overrides` (from `[artifacts]` in aimslint.toml) replace a kind's path-only detection.
    pub fn new(packs: &PackSet, overrides: &BTreeMap<String, Vec<String>>) -> Classifier {
        let mut entries = Vec::new();
        let mut all_paths: Vec<String> = Vec::new();
        for (order, kind) in packs.kinds().enumerate() {
            let over = overrides.get(&kind.id);
            if let Some(globs) = over {
                all_paths.extend(globs.iter().cloned());
                entries.push(Entry {
                    kind: kind.id.clone(),
                    paths: Some(glob_set(globs)),
                    sniff: Vec::new(),
                    order,
                });
            }
            for d in &kind.detect {
                let path_only = d.sniff.is_empty();
                if path_only && over.is_some() {
                    continue;
                }
                all_paths.extend(d.patterns.iter().cloned());
                entries.push(Entry {
                    kind: kind.id.clone(),
                    paths: d.paths.clone(),
                    sniff: d.sniff.iter().filter_map(|s| Flavor::parse(s)).collect(),
                    order,
                });
            }
        }
        Classifier {
            entries,
            any_path: glob_set(&all_paths),
        }
    }

    /// Whether a path matches some kind's path globs (so it is evidence even if it does not parse).
    pub fn path_matches(&self, path: &str) -> bool {
        self.any_path.is_match(path)
    }

    /// The kind of a file. Content (sniff) beats a bare path match; then declaration order.
    pub fn classify(&self, path: &str, flavor: Option<Flavor>) -> Option<String> {
        let candidate = globset::Candidate::new(path);
        let mut best: Option<(u8, usize, &str)> = None;
        for e in &self.entries {
            let sniff_ok = e.sniff.is_empty() || flavor.is_some_and(|f| e.sniff.contains(&f));
            if !sniff_ok {
                continue;
            }
            if !e
                .paths
                .as_ref()
                .is_none_or(|g| g.is_match_candidate(&candidate))
            {
                continue;
            }
            let score = u8::from(!e.sniff.is_empty()) * 2 + u8::from(e.paths.is_some());
            let cand = (score, usize::MAX - e.order, e.kind.as_str());
            if best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1)) {
                best = Some(cand);
            }
        }
        best.map(|b| b.2.to_string())
    }
}
