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
//! and renamed into place. The body is JSON, deflated (raw DEFLATE, fast level): most of it is the
//! text of the card versions findings point into, which compresses several times over; inflating
//! stops at the largest entry a history can need, so a crafted entry cannot exhaust memory. Pruning removes only regular files named as this module names them.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::{Artifact, Finding, HistoryInfo, Outcome};

/// Bumped whenever what an entry holds changes shape (4: the JSON body is deflated).
const FORMAT: u32 = 4;
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

/// An entry as written: the same fields as `Entry`, borrowed from the run's result rather than
/// copied (the result's texts are most of it).
#[derive(Serialize)]
struct EntryOut<'a> {
    format: u32,
    key: &'a str,
    history: Option<&'a HistoryInfo>,
    paths: Vec<&'a str>,
    findings: Vec<CachedFindingOut<'a>>,
    artifacts: &'a [Artifact],
    sources: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct CachedFindingOut<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    span: Option<(usize, usize)>,
    blob: Option<&'a str>,
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
        let json =
            miniz_oxide::inflate::decompress_to_vec_with_limit(body, MAX_ENTRY_BYTES).ok()?;
        let entry: Entry = serde_json::from_slice(&json).ok()?;
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
        let entry = EntryOut {
            format: FORMAT,
            key: &self.key,
            history: outcome.history.as_ref(),
            paths: outcome
                .history
                .iter()
                .flat_map(|h| h.paths.iter().map(String::as_str))
                .collect(),
            findings: outcome
                .findings
                .iter()
                .map(|f| CachedFindingOut {
                    finding: f,
                    span: f.span,
                    blob: f.blob.as_deref(),
                })
                .collect(),
            artifacts: &outcome.artifacts,
            sources: outcome
                .sources
                .iter()
                .map(|(k, v)| (k.as_str(), &**v))
                .collect(),
        };
        // Encoded straight into the compressor: the JSON of a large history is never whole in
        // memory, only its deflated form.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, Deflater::new());
        serde_json::to_writer(&mut out, &entry)
            .map_err(|e| io_err(format!("encoding the history cache entry: {e}")))?;
        drop(entry);
        let body = out
            .into_inner()
            .map_err(|e| io_err(format!("encoding the history cache entry: {}", e.error())))?
            .finish()?;
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

/// Raw DEFLATE at the fastest level, as a writer: what is written is compressed as it comes.
struct Deflater {
    compressor: Box<miniz_oxide::deflate::core::CompressorOxide>,
    chunk: Vec<u8>,
    out: Vec<u8>,
}

impl Deflater {
    fn new() -> Deflater {
        let flags = miniz_oxide::deflate::core::create_comp_flags_from_zip_params(1, 0, 0);
        Deflater {
            compressor: Box::new(miniz_oxide::deflate::core::CompressorOxide::new(flags)),
            chunk: vec![0; 1 << 16],
            out: Vec::new(),
        }
    }

    /// Run the compressor over `data`; `finish` ends the stream.
    fn feed(&mut self, mut data: &[u8], finish: bool) -> std::io::Result<()> {
        use miniz_oxide::deflate::core::{TDEFLFlush, TDEFLStatus, compress};
        let flush = if finish {
            TDEFLFlush::Finish
        } else {
            TDEFLFlush::None
        };
        loop {
            let (status, used, produced) =
                compress(&mut self.compressor, data, &mut self.chunk, flush);
            self.out.extend_from_slice(&self.chunk[..produced]);
            data = &data[used..];
            match status {
                TDEFLStatus::Done => return Ok(()),
                TDEFLStatus::Okay if !finish && data.is_empty() => return Ok(()),
                // The output chunk was full: go on.
                TDEFLStatus::Okay if used > 0 || produced > 0 => {}
                other => {
                    return Err(io_err(format!(
                        "compressing the history cache entry: {other:?}"
                    )));
                }
            }
        }
    }

    fn finish(mut self) -> std::io::Result<Vec<u8>> {
        self.feed(&[], true)?;
        Ok(self.out)
    }
}

impl Write for Deflater {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.feed(data, false)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
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

/// The largest cache entry read, and the most its body inflates to (a 50,000-commit history
/// writes about 45 MB of JSON).
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

    /// The streaming compressor round-trips, across chunk boundaries and for nothing at all.
    #[test]
    fn deflater_round_trips() {
        for len in [0usize, 1, 65_535, 65_536, 300_001] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8 ^ (i / 7) as u8).collect();
            let mut d = Deflater::new();
            for part in data.chunks(10_000) {
                d.write_all(part).unwrap();
            }
            let packed = d.finish().unwrap();
            assert_eq!(
                miniz_oxide::inflate::decompress_to_vec(&packed).unwrap(),
                data,
                "{len}"
            );
        }
    }

    #[test]
    fn an_entry_is_read_back_only_while_its_checksum_matches() {
        let git = tempfile::tempdir().unwrap();
        let c = cache(git.path(), "k");
        assert!(c.load().is_none());
        c.store(&outcome("legal_basis: consent")).unwrap();
        assert_eq!(source(&c.load().unwrap()), "legal_basis: consent");
        let file = git.path().join("aimslint/history").join(c.file_name());
        let bytes = std::fs::read(&file).unwrap();
        let nl = bytes.iter().position(|b| *b == b'\n').unwrap();
        let first = std::str::from_utf8(&bytes[..nl]).unwrap();
        assert!(
            first.starts_with(&format!("aimslint-history-cache {FORMAT} ")),
            "{first}"
        );
        // The body is deflated JSON.
        let json = miniz_oxide::inflate::decompress_to_vec(&bytes[nl + 1..]).unwrap();
        assert!(String::from_utf8(json).unwrap().contains("consent"));
        // The same length, other content: not what was kept.
        let edited = |at: usize| {
            let mut b = bytes.clone();
            b[at] ^= 0x20;
            b
        };
        std::fs::write(&file, edited(nl + 1 + (bytes.len() - nl) / 2)).unwrap();
        assert!(c.load().is_none());
        // An entry that is valid deflate and checksummed but no entry JSON is not used either.
        let junk = miniz_oxide::deflate::compress_to_vec(b"{\"format\": 4}", 1);
        let forged = format!(
            "aimslint-history-cache {FORMAT} {}\n",
            blake3::hash(&junk).to_hex()
        );
        std::fs::write(&file, [forged.as_bytes(), &junk].concat()).unwrap();
        assert!(c.load().is_none());
        // Cut short.
        std::fs::write(&file, &bytes[..bytes.len() - 10]).unwrap();
        assert!(c.load().is_none());
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(source(&c.load().unwrap()), "legal_basis: consent");
        // A recomputed result replaces the edited entry.
        std::fs::write(&file, edited(nl + 3)).unwrap();
        c.store(&outcome("legal_basis: consent")).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), bytes);
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
