//! The history cache: the result of a history run kept under `.git/aimslint/history/`, so running
//! again over the same history — same commits, packs, configuration, options and day — reads the
//! result instead of walking the commits again (a re-run CI job, a pre-push hook pushing again).
//!
//! An entry is found by a key over everything the result depends on; anything else (a new commit,
//! an edited rule, another `--select`, the next day) is a different key, so an entry is never
//! stale, only unused. Unused entries beyond the newest few are removed. An entry that cannot be
//! read is ignored and the history walked as if there were none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Artifact, Finding, HistoryInfo, Outcome};

/// Bumped whenever what an entry holds changes shape.
const FORMAT: u32 = 1;
/// Entries kept; the least recently written beyond these are removed.
const KEEP: usize = 16;

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    key: String,
    history: Option<HistoryInfo>,
    findings: Vec<CachedFinding>,
    artifacts: Vec<Artifact>,
    sources: BTreeMap<String, String>,
}

/// A finding with what the JSON report leaves out but snippets need.
#[derive(Serialize, Deserialize)]
struct CachedFinding {
    #[serde(flatten)]
    finding: Finding,
    span: Option<(usize, usize)>,
    blob: Option<String>,
}

/// Where one history run's result is (or will be) kept.
#[derive(Debug, Clone)]
pub struct HistoryCache {
    dir: PathBuf,
    key: String,
}

impl HistoryCache {
    /// The entry for a run described by `parts` (each part one input the result depends on), in
    /// the repository whose git directory is `git_dir`.
    pub fn new(git_dir: &Path, parts: &[String]) -> HistoryCache {
        let mut h = blake3::Hasher::new();
        h.update(&FORMAT.to_le_bytes());
        for p in parts {
            // Length-prefixed, so no two lists of parts hash alike.
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        HistoryCache {
            dir: git_dir.join("aimslint").join("history"),
            key: h.finalize().to_hex().to_string(),
        }
    }

    fn file(&self) -> PathBuf {
        self.dir.join(format!("{}.json", &self.key[..32]))
    }

    /// The kept result, if there is one for this key and it can be read.
    pub fn load(&self) -> Option<Outcome> {
        let text = std::fs::read(self.file()).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        if entry.format != FORMAT || entry.key != self.key {
            return None;
        }
        let findings = entry
            .findings
            .into_iter()
            .map(|c| Finding {
                span: c.span,
                blob: c.blob,
                ..c.finding
            })
            .collect();
        Some(Outcome {
            history: entry.history,
            findings,
            artifacts: entry.artifacts,
            sources: entry
                .sources
                .into_iter()
                .map(|(k, v)| (k, std::sync::Arc::from(v)))
                .collect(),
        })
    }

    /// Keep a result: written to a temporary file and renamed, so a reader never sees half of it.
    pub fn store(&self, outcome: &Outcome) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let entry = Entry {
            format: FORMAT,
            key: self.key.clone(),
            history: outcome.history.clone(),
            findings: outcome
                .findings
                .iter()
                .map(|f| CachedFinding {
                    finding: f.clone(),
                    span: f.span,
                    blob: f.blob.clone(),
                })
                .collect(),
            artifacts: outcome.artifacts.clone(),
            sources: outcome
                .sources
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        serde_json::to_writer(std::io::BufWriter::new(tmp.as_file_mut()), &entry)?;
        tmp.persist(self.file()).map_err(|e| e.error)?;
        self.prune();
        Ok(())
    }

    /// Remove all but the newest `KEEP` entries.
    fn prune(&self) {
        let Ok(rd) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = rd
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if entries.len() <= KEEP {
            return;
        }
        entries.sort();
        for (_, p) in &entries[..entries.len() - KEEP] {
            let _ = std::fs::remove_file(p);
        }
    }
}
