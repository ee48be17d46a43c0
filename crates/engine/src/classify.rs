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
    /// From `[artifacts]` in aimslint.toml: the user's own path globs, which hold whatever the
    /// content (a template included).
    user: bool,
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
    /// `overrides` (from `[artifacts]` in aimslint.toml) replace a kind's detection by path (its
    /// entries with `paths`); its detection by content alone stays.
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
                    user: true,
                });
            }
            for d in &kind.detect {
                if d.paths.is_some() && over.is_some() {
                    continue;
                }
                all_paths.extend(d.patterns.iter().cloned());
                entries.push(Entry {
                    kind: kind.id.clone(),
                    paths: d.paths.clone(),
                    sniff: d.sniff.iter().filter_map(|s| Flavor::parse(s)).collect(),
                    order,
                    user: false,
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

    /// The kind of a file. Content (sniff) beats a bare path match; then declaration order. A
    /// card template is of no kind by the pack's path globs (`**/model_card.md` may be a template
    /// of one), only by the user's own (`[artifacts]`) or a sniff that names it.
    pub fn classify(&self, path: &str, flavor: Option<Flavor>) -> Option<String> {
        self.best(path, |e| {
            if e.sniff.is_empty() {
                e.user || flavor != Some(Flavor::Template)
            } else {
                flavor.is_some_and(|f| e.sniff.contains(&f))
            }
        })
    }

    /// The kind a file's path alone says, for a file whose content could not be read: every entry
    /// with path globs counts, whatever it asks of the content.
    pub fn classify_by_path(&self, path: &str) -> Option<String> {
        self.best(path, |e| e.paths.is_some() || e.sniff.is_empty())
    }

    fn best(&self, path: &str, content_ok: impl Fn(&Entry) -> bool) -> Option<String> {
        let candidate = globset::Candidate::new(path);
        let mut best: Option<(u8, usize, &str)> = None;
        for e in &self.entries {
            if !content_ok(e) {
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
