//! The history cache: the result of a history run kept under `.git/aimslint/history/`, so running
//! again over the same history — same commits, packs, configuration, options and day — reads the
//! result instead of walking the commits again (a re-run CI job, a pre-push hook pushing again).
//!
//! An entry is found by a key over everything the result depends on; anything else (a new commit,
//! an edited rule, another `--select`, the next day) is a different key, so an entry is never
//! stale, only unused. Unused entries beyond the newest few are removed. An entry that cannot be
//! read is ignored and the history walked as if there were none.
//!
//! The cache only ever lives in real directories under the git directory: if `.git/aimslint` or
//! `.git/aimslint/history` is a symlink or not a directory, it is not used (and `store` says so),
//! never followed. Entries are read only as regular files (a FIFO planted there cannot block a
//! run), each carries a blake3 checksum of its content (an entry that was edited, or cut short,
//! is recomputed rather than trusted), and is written to a temporary file in the same directory
//! and renamed into place. Pruning removes only regular files named as this module names them.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Artifact, Finding, HistoryInfo, Outcome};

/// Bumped whenever what an entry holds changes shape.
const FORMAT: u32 = 3;
/// Entries kept; the least recently written beyond these are removed.
const KEEP: usize = 16;
/// An entry's first line: this, its format, the blake3 checksum of the rest of the file.
const MAGIC: &str = "aimslint-history-cache";
/// Temporary files are named `.entry-<random>.tmp`; one left by a run that was killed is removed
/// by a later run once it is this old.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    key: String,
    history: Option<HistoryInfo>,
    /// `history.paths`, which the report leaves out.
    paths: Vec<String>,
    findings: Vec<CachedFinding>,
    artifacts: Vec<Artifact>,
    sources: BTreeMap<String, String>,
}

/// A finding with what the JSON report leaves out but snippets need. Every field of the report's
/// finding (`fixed_in`, `removed_in`, `obscured_in` among them) is kept through `finding`.
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
    git_dir: PathBuf,
    key: String,
}

fn io_err(msg: String) -> std::io::Error {
    std::io::Error::other(msg)
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
            git_dir: git_dir.to_path_buf(),
            key: h.finalize().to_hex().to_string(),
        }
    }

    fn file_name(&self) -> String {
        format!("{}.json", &self.key[..32])
    }

    /// The cache directory, when it can be used: `.git/aimslint` and `.git/aimslint/history` are
    /// real directories (created when missing if `create`). `Ok(None)`: missing, not created.
    /// `Err`: one line saying why the cache is not used. A symlink is never followed.
    fn dir(&self, create: bool) -> Result<Option<PathBuf>, String> {
        let mut dir = self.git_dir.clone();
        for part in ["aimslint", "history"] {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(format!(
                        "{} is a symlink; the history cache is not used (remove it to use the cache)",
                        dir.display()
                    ));
                }
                Ok(m) if !m.is_dir() => {
                    return Err(format!(
                        "{} is not a directory; the history cache is not used",
                        dir.display()
                    ));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if !create {
                        return Ok(None);
                    }
                    // `create_dir`, not `create_dir_all`: it fails on anything already there,
                    // a dangling symlink included, rather than creating through it.
                    match std::fs::create_dir(&dir) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                            // Made by a concurrent run, or a symlink planted meanwhile: look again.
                            let m = std::fs::symlink_metadata(&dir)
                                .map_err(|e| format!("{}: {e}", dir.display()))?;
                            if !m.is_dir() {
                                return Err(format!(
                                    "{} is not a directory; the history cache is not used",
                                    dir.display()
                                ));
                            }
                        }
                        Err(e) => return Err(format!("{}: {e}", dir.display())),
                    }
                }
                Err(e) => return Err(format!("{}: {e}", dir.display())),
            }
        }
        Ok(Some(dir))
    }

    /// The kept result, if there is one for this key and it can be read and is intact.
    pub fn load(&self) -> Option<Outcome> {
        let dir = self.dir(false).ok()??;
        // Never a FIFO (it would block the run), a device or a symlink; never more than the
        // largest entry a history can need.
        let bytes = aimslint_artifacts::fsread::read_regular_nofollow(
            &dir.join(self.file_name()),
            MAX_ENTRY_BYTES,
        )
        .ok()?;
        let body = verified(&bytes)?;
        let entry: Entry = serde_json::from_slice(body).ok()?;
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
        let history = entry.history.map(|mut h| {
            h.paths = entry.paths.into_iter().collect();
            h
        });
        Some(Outcome {
            history,
            findings,
            artifacts: entry.artifacts,
            sources: entry
                .sources
                .into_iter()
                .map(|(k, v)| (k, std::sync::Arc::from(v)))
                .collect(),
        })
    }

    /// Keep a result: written to a temporary file beside the entry and renamed, so a reader never
    /// sees half of it. An error (the directory is a symlink, the disk is full) is one line for
    /// the caller to show; the run's result stands either way.
    pub fn store(&self, outcome: &Outcome) -> std::io::Result<()> {
        let dir = self
            .dir(true)
            .map_err(io_err)?
            .ok_or_else(|| io_err("the history cache directory was not created".into()))?;
        let entry = Entry {
            format: FORMAT,
            key: self.key.clone(),
            history: outcome.history.clone(),
            paths: outcome
                .history
                .iter()
                .flat_map(|h| h.paths.iter().cloned())
                .collect(),
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
        let body = serde_json::to_vec(&entry)
            .map_err(|e| io_err(format!("encoding the history cache entry: {e}")))?;
        let header = format!("{MAGIC} {FORMAT} {}\n", blake3::hash(&body).to_hex());
        let target = dir.join(self.file_name());
        let writing = |e: std::io::Error| io_err(format!("writing {}: {e}", target.display()));
        // A new file (created exclusively, so never through a symlink), renamed over the entry:
        // the rename replaces whatever is at the entry's name rather than writing through it.
        let mut tmp = tempfile::Builder::new()
            .prefix(".entry-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(writing)?;
        tmp.write_all(header.as_bytes()).map_err(writing)?;
        tmp.write_all(&body).map_err(writing)?;
        tmp.flush().map_err(writing)?;
        tmp.persist(&target).map_err(|e| writing(e.error))?;
        prune(&dir);
        Ok(())
    }
}

/// The content of an entry after its first line, if the checksum there matches it.
fn verified(bytes: &[u8]) -> Option<&[u8]> {
    let nl = bytes.iter().position(|b| *b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..nl]).ok()?;
    let body = &bytes[nl + 1..];
    let mut words = header.split(' ');
    let ok = words.next() == Some(MAGIC)
        && words.next() == Some(FORMAT.to_string().as_str())
        && words.next() == Some(blake3::hash(body).to_hex().as_str())
        && words.next().is_none();
    ok.then_some(body)
}

/// The largest cache entry read (a 50,000-commit history writes about 45 MB).
const MAX_ENTRY_BYTES: usize = 1 << 30;

/// Whether a file name is one this module gives an entry: 32 lowercase hex digits and `.json`.
fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(".json").is_some_and(|stem| {
        stem.len() == 32 && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// Remove all but the newest `KEEP` entries, and temporary files left by killed runs: only
/// regular files with the names this module gives them, in the (real) cache directory `dir`.
fn prune(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for e in rd.flatten() {
        // `file_type` and `metadata` of a directory entry do not follow symlinks.
        if !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let Some(modified) = e.metadata().ok().and_then(|m| m.modified().ok()) else {
            continue;
        };
        let name = e.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if is_entry_name(name) {
            entries.push((modified, e.path()));
        } else if name.starts_with(".entry-")
            && name.ends_with(".tmp")
            && now
                .duration_since(modified)
                .is_ok_and(|age| age > STALE_TEMP)
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
    if entries.len() <= KEEP {
        return;
    }
    entries.sort();
    for (_, p) in &entries[..entries.len() - KEEP] {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(text: &str) -> Outcome {
        Outcome {
            sources: BTreeMap::from([("a.yaml".to_string(), std::sync::Arc::from(text))]),
            ..Outcome::default()
        }
    }

    fn source(o: &Outcome) -> String {
        o.sources
            .get("a.yaml")
            .map(|s| s.to_string())
            .unwrap_or_default()
    }

    fn cache(git_dir: &Path, key: &str) -> HistoryCache {
        HistoryCache::new(git_dir, &[key.to_string()])
    }

    #[test]
    fn an_entry_keeps_how_each_finding_ended_and_the_paths_walked() {
        let git = tempfile::tempdir().unwrap();
        let c = cache(git.path(), "lifecycle");
        let finding = |ended: &dyn Fn(&mut Finding)| {
            let mut f = Finding::about_file(
                "DP-005",
                aimslint_packs::Severity::Error,
                "data/a/provenance.yaml",
                "`legal_basis` is missing".into(),
                "",
                "0123456789abcdef".into(),
            );
            f.commit = Some("c1".into());
            ended(&mut f);
            f
        };
        let o = Outcome {
            findings: vec![
                finding(&|f| f.fixed_in = Some("c2".into())),
                finding(&|f| f.removed_in = Some("c3".into())),
                finding(&|f| f.obscured_in = Some("c4".into())),
                finding(&|_| {}),
            ],
            history: Some(HistoryInfo {
                commits: 4,
                paths: ["data/a/provenance.yaml".to_string()].into(),
                ..HistoryInfo::default()
            }),
            ..Outcome::default()
        };
        c.store(&o).unwrap();
        let back = c.load().unwrap();
        assert_eq!(back.findings, o.findings);
        assert_eq!(back.history, o.history);
    }

    #[test]
    fn an_entry_is_read_back_only_while_its_checksum_matches() {
        let git = tempfile::tempdir().unwrap();
        let c = cache(git.path(), "k");
        assert!(c.load().is_none());
        c.store(&outcome("legal_basis: consent")).unwrap();
        assert_eq!(source(&c.load().unwrap()), "legal_basis: consent");
        let file = git.path().join("aimslint/history").join(c.file_name());
        let text = std::fs::read_to_string(&file).unwrap();
        let (first, _) = text.split_once('\n').unwrap();
        assert!(
            first.starts_with(&format!("aimslint-history-cache {FORMAT} ")),
            "{first}"
        );
        // The same length, other content: still valid JSON for the same key, but not what was kept.
        std::fs::write(&file, text.replace("consent", "CONSENT")).unwrap();
        assert!(c.load().is_none());
        // Cut short.
        std::fs::write(&file, &text[..text.len() - 10]).unwrap();
        assert!(c.load().is_none());
        std::fs::write(&file, &text).unwrap();
        assert_eq!(source(&c.load().unwrap()), "legal_basis: consent");
        // A recomputed result replaces the edited entry.
        std::fs::write(&file, text.replace("consent", "CONSENT")).unwrap();
        c.store(&outcome("legal_basis: consent")).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_cache_directory_is_never_followed() {
        for link in ["aimslint", "aimslint/history"] {
            let git = tempfile::tempdir().unwrap();
            let elsewhere = tempfile::tempdir().unwrap();
            // Unrelated files where the symlink leads, named like entries: pruning must not see them.
            for i in 0..20 {
                std::fs::write(elsewhere.path().join(format!("{i:032x}.json")), "precious")
                    .unwrap();
            }
            let at = git.path().join(link);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(elsewhere.path(), &at).unwrap();
            let c = cache(git.path(), "k");
            let e = c.store(&outcome("x")).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "{} is a symlink; the history cache is not used (remove it to use the cache)",
                    at.display()
                )
            );
            assert!(c.load().is_none());
            let mut names: Vec<String> = std::fs::read_dir(elsewhere.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            assert_eq!(names.len(), 20, "{names:?}");
            assert!(names.iter().all(|n| n.ends_with(".json")));
            // A dangling symlink is not created through either.
            let git = tempfile::tempdir().unwrap();
            let gone = git.path().join("gone");
            std::fs::create_dir_all(git.path().join("aimslint")).unwrap();
            std::os::unix::fs::symlink(&gone, git.path().join("aimslint/history")).unwrap();
            assert!(cache(git.path(), "k").store(&outcome("x")).is_err());
            assert!(!gone.exists());
        }
    }

    #[test]
    fn a_cache_directory_that_is_a_file_is_not_used() {
        let git = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(git.path().join("aimslint")).unwrap();
        std::fs::write(git.path().join("aimslint/history"), "not a dir").unwrap();
        let e = cache(git.path(), "k").store(&outcome("x")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is not a directory; the history cache is not used",
                git.path().join("aimslint/history").display()
            )
        );
        assert_eq!(
            std::fs::read_to_string(git.path().join("aimslint/history")).unwrap(),
            "not a dir"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_symlink_in_place_of_an_entry_is_not_read() {
        let git = tempfile::tempdir().unwrap();
        let c = cache(git.path(), "k");
        c.store(&outcome("x")).unwrap();
        let file = git.path().join("aimslint/history").join(c.file_name());
        let kept = std::fs::read(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success());
        // Opening a FIFO without O_NONBLOCK would wait for a writer for ever.
        let (tx, rx) = std::sync::mpsc::channel();
        let c2 = c.clone();
        std::thread::spawn(move || tx.send(c2.load().is_none()).unwrap());
        assert_eq!(
            rx.recv_timeout(std::time::Duration::from_secs(10)),
            Ok(true),
            "a FIFO entry blocks or is read"
        );
        // A symlink to a valid entry elsewhere is not read either.
        std::fs::remove_file(&file).unwrap();
        let elsewhere = git.path().join("elsewhere.json");
        std::fs::write(&elsewhere, &kept).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &file).unwrap();
        assert!(c.load().is_none());
        // Storing replaces the symlink; the file it pointed to is untouched.
        c.store(&outcome("y")).unwrap();
        assert!(
            !std::fs::symlink_metadata(&file)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&elsewhere).unwrap(), kept);
        assert_eq!(source(&c.load().unwrap()), "y");
    }

    #[test]
    fn pruning_removes_only_old_entries_it_wrote() {
        let git = tempfile::tempdir().unwrap();
        let dir = git.path().join("aimslint/history");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        std::fs::write(dir.join("ABCDEF.json"), "mine").unwrap();
        std::fs::create_dir(dir.join(format!("{:032x}.json", 0))).unwrap();
        #[cfg(unix)]
        {
            let outside = git.path().join("outside.txt");
            std::fs::write(&outside, "mine").unwrap();
            std::os::unix::fs::symlink(&outside, dir.join(format!("{:032x}.json", 1))).unwrap();
        }
        for i in 0..20 {
            cache(git.path(), &i.to_string())
                .store(&outcome(&i.to_string()))
                .unwrap();
        }
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let entries = names
            .iter()
            .filter(|n| is_entry_name(n) && dir.join(n).is_file())
            .filter(|n| !std::fs::symlink_metadata(dir.join(n)).unwrap().is_symlink())
            .count();
        assert_eq!(entries, KEEP);
        for kept in ["notes.txt", "ABCDEF.json"] {
            assert_eq!(std::fs::read_to_string(dir.join(kept)).unwrap(), "mine");
        }
        assert!(dir.join(format!("{:032x}.json", 0)).is_dir());
        #[cfg(unix)]
        {
            assert!(
                std::fs::symlink_metadata(dir.join(format!("{:032x}.json", 1)))
                    .unwrap()
                    .is_symlink()
            );
            assert_eq!(
                std::fs::read_to_string(git.path().join("outside.txt")).unwrap(),
                "mine"
            );
        }
    }

    #[test]
    fn a_write_that_fails_is_reported() {
        let git = tempfile::tempdir().unwrap();
        let c = cache(git.path(), "k");
        // A directory where the entry goes: the rename over it fails.
        let file = git.path().join("aimslint/history").join(c.file_name());
        std::fs::create_dir_all(file.join("inside")).unwrap();
        let e = c.store(&outcome("x")).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("writing {}: ", file.display())),
            "{e}"
        );
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(git.path().join("aimslint/history"))
            .unwrap()
            .collect();
        assert_eq!(left.len(), 1);
    }
}
