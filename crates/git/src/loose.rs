//! Loose objects, checked before libgit2 is asked to read them.
//!
//! libgit2 1.9.7 (vendored by libgit2-sys 0.18.8, the newest release) spins at 100 % CPU for ever
//! on a truncated loose object: its inflate loop (`git_zstream_get_output`) retries while zlib
//! answers `Z_BUF_ERROR` with no input left, never noticing that nothing progresses. The fix is
//! upstream but in no release yet, so every loose object (a file `objects/xx/<rest of the id>`) is
//! inflated here with a pure-Rust inflater before its id is handed to libgit2:
//!
//! - commits, tags and trees, which libgit2 also reads on its own (a revision walk, `revparse`, a
//!   status), all at once the first time any is needed (`check_structure`). They are small; for the
//!   others only the header is inflated, to learn the type.
//! - blobs, which can be large and are mostly never read, one at a time, just before they are read
//!   (`check`).
//!
//! Packed objects are not affected and never looked at here. A corrupt object is reported by the
//! caller, who knows which commit and path it was reading; libgit2 still verifies each object's
//! hash (strict hash verification is left on), which catches a loose object that inflates but was
//! edited.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use git2::{Oid, Repository};
use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use rayon::prelude::*;

/// The type a loose object's header gives (or `Unknown` when the header cannot be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
    Unknown,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Commit => "commit",
            Kind::Tree => "tree",
            Kind::Blob => "blob",
            Kind::Tag => "tag",
            Kind::Unknown => "object",
        }
    }
}

/// The loose objects of one repository (and of its alternates), listed once, and the verdict on
/// each one checked so far.
#[derive(Debug, Default)]
pub(crate) struct Loose {
    /// Object directories: the repository's own, then its alternates'.
    dirs: Vec<PathBuf>,
    /// Each loose object and the index in `dirs` of the directory holding it.
    listed: OnceLock<HashMap<Oid, usize>>,
    /// Objects checked: `None` when it inflates completely, else what is wrong with it.
    verdicts: Mutex<HashMap<Oid, Option<Arc<str>>>>,
    /// The corrupt commits, tags, trees and objects of unknown type, found by `check_structure`.
    structure: OnceLock<Vec<(Oid, Kind, Arc<str>)>>,
}

impl Loose {
    /// The loose objects of `repo` (nothing is read until a check needs it).
    pub(crate) fn of(repo: &Repository) -> Arc<Loose> {
        let objects = repo.commondir().join("objects");
        let mut dirs = vec![objects.clone()];
        if let Ok(text) = std::fs::read_to_string(objects.join("info").join("alternates")) {
            for line in text.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                dirs.push(objects.join(line));
            }
        }
        Arc::new(Loose {
            dirs,
            ..Loose::default()
        })
    }

    fn listed(&self) -> &HashMap<Oid, usize> {
        self.listed.get_or_init(|| {
            let mut ids = HashMap::new();
            for (i, dir) in self.dirs.iter().enumerate().rev() {
                let Ok(fanout) = std::fs::read_dir(dir) else {
                    continue;
                };
                for sub in fanout.flatten() {
                    let name = sub.file_name();
                    let Some(prefix) = name.to_str().filter(|n| is_hex(n, 2)) else {
                        continue;
                    };
                    let Ok(files) = std::fs::read_dir(sub.path()) else {
                        continue;
                    };
                    for f in files.flatten() {
                        let name = f.file_name();
                        if let Some(rest) = name.to_str().filter(|n| is_hex(n, 38))
                            && let Ok(oid) = Oid::from_str(&format!("{prefix}{rest}"))
                        {
                            ids.insert(oid, i);
                        }
                    }
                }
            }
            ids
        })
    }

    fn file(&self, oid: Oid, dir: usize) -> PathBuf {
        let hex = oid.to_string();
        self.dirs[dir].join(&hex[..2]).join(&hex[2..])
    }

    /// Whether `oid` may be handed to libgit2: `Err` says what is wrong with its loose object file.
    /// Objects that are not loose (packed, or missing) are libgit2's to read or report.
    pub(crate) fn check(&self, oid: Oid) -> Result<(), String> {
        let Some(&dir) = self.listed().get(&oid) else {
            return Ok(());
        };
        if let Ok(v) = self.verdicts.lock()
            && let Some(verdict) = v.get(&oid)
        {
            return verdict.as_deref().map_or(Ok(()), |e| Err(e.to_string()));
        }
        let path = self.file(oid, dir);
        let verdict = inspect(&path, false)
            .err()
            .map(|e| Arc::<str>::from(e.as_str()));
        if let Ok(mut v) = self.verdicts.lock() {
            v.insert(oid, verdict.clone());
        }
        verdict.map_or(Ok(()), |e| Err(e.to_string()))
    }

    /// Check every loose commit, tag and tree (and learn the type of every loose object); the
    /// corrupt ones, which libgit2 could be led to read on its own.
    pub(crate) fn check_structure(&self) -> &[(Oid, Kind, Arc<str>)] {
        self.structure.get_or_init(|| {
            let listed: Vec<(Oid, usize)> = self.listed().iter().map(|(o, d)| (*o, *d)).collect();
            let found: Vec<(Oid, Kind, Option<Arc<str>>)> = listed
                .par_iter()
                .map(|(oid, dir)| {
                    let path = self.file(*oid, *dir);
                    match inspect(&path, true) {
                        Ok(Kind::Blob) => (*oid, Kind::Blob, None),
                        Ok(kind) => match inspect(&path, false) {
                            Ok(_) => (*oid, kind, None),
                            Err(e) => (*oid, kind, Some(Arc::from(e.as_str()))),
                        },
                        Err(e) => (*oid, Kind::Unknown, Some(Arc::from(e.as_str()))),
                    }
                })
                .collect();
            let mut bad = Vec::new();
            if let Ok(mut v) = self.verdicts.lock() {
                for (oid, kind, verdict) in found {
                    if kind == Kind::Blob {
                        // Checked completely only when read.
                        continue;
                    }
                    if let Some(e) = &verdict {
                        bad.push((oid, kind, e.clone()));
                    }
                    v.insert(oid, verdict);
                }
            }
            bad.sort_by_key(|(o, _, _)| *o);
            bad
        })
    }

    /// Refuse to let libgit2 walk commits on its own while a loose commit, tag or object of
    /// unknown type is corrupt (it could be one of those it reads); with `trees`, a corrupt tree
    /// too. The error names each such object.
    pub(crate) fn guard(&self, trees: bool) -> Result<(), String> {
        let bad: Vec<String> = self
            .check_structure()
            .iter()
            .filter(|(_, k, _)| trees || *k != Kind::Tree)
            .map(|(oid, kind, e)| format!("{} {oid}: {e}", kind.name()))
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the repository is corrupt, so its history cannot be walked safely: {} (run `git fsck`)",
                bad.join("; ")
            ))
        }
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Read a loose object file and inflate it; `header_only` stops at the header. The object's type,
/// or what is wrong with the file.
fn inspect(path: &Path, header_only: bool) -> Result<Kind, String> {
    let shown = path.display();
    let mut file = std::fs::File::open(path)
        .map_err(|e| format!("its loose object file {shown} cannot be read: {e}"))?;
    let mut data = Vec::new();
    // A header is in the first few hundred bytes, whatever the compression.
    let limit = if header_only { 4096 } else { u64::MAX };
    (&mut file)
        .take(limit)
        .read_to_end(&mut data)
        .map_err(|e| format!("its loose object file {shown} cannot be read: {e}"))?;
    let whole = !header_only || (data.len() as u64) < limit;
    match inflate_object(&data, header_only) {
        Ok(kind) => Ok(kind),
        Err(Bad::Truncated) if !whole => {
            file.read_to_end(&mut data)
                .map_err(|e| format!("its loose object file {shown} cannot be read: {e}"))?;
            inflate_object(&data, header_only).map_err(|b| b.describe(path))
        }
        Err(b) => Err(b.describe(path)),
    }
}

enum Bad {
    /// The compressed data ends before the object does.
    Truncated,
    /// Not zlib data, or its checksum does not match.
    Data,
    Header,
    TrailingData,
    Size {
        header: u64,
        body: u64,
    },
}

impl Bad {
    fn describe(&self, path: &Path) -> String {
        let what = match self {
            Bad::Truncated => {
                "is truncated (its compressed data ends before the object does)".to_string()
            }
            Bad::Data => "is not valid compressed data".to_string(),
            Bad::Header => "has no valid object header".to_string(),
            Bad::TrailingData => "has data after the end of the object".to_string(),
            Bad::Size { header, body } => {
                format!("holds {body} bytes where its header says {header}")
            }
        };
        format!("its loose object file {} {what}", path.display())
    }
}

/// Inflate a loose object completely (or up to its header): `<type> <size>\0<body>`.
fn inflate_object(data: &[u8], header_only: bool) -> Result<Kind, Bad> {
    let mut state = InflateState::new_boxed(DataFormat::Zlib);
    let mut out = vec![0u8; 32 * 1024];
    let mut pos = 0;
    let mut head: Vec<u8> = Vec::new();
    let mut header: Option<(Kind, u64)> = None;
    let mut body: u64 = 0;
    loop {
        let r = inflate(&mut state, &data[pos..], &mut out, MZFlush::None);
        pos += r.bytes_consumed;
        let mut chunk = &out[..r.bytes_written];
        if header.is_none() {
            match chunk.iter().position(|b| *b == 0) {
                Some(nul) => {
                    head.extend_from_slice(&chunk[..nul]);
                    let parsed = parse_header(&head).ok_or(Bad::Header)?;
                    if header_only {
                        return Ok(parsed.0);
                    }
                    header = Some(parsed);
                    chunk = &chunk[nul + 1..];
                }
                None => {
                    head.extend_from_slice(chunk);
                    if head.len() > 32 {
                        return Err(Bad::Header);
                    }
                    chunk = &[];
                }
            }
        }
        body += chunk.len() as u64;
        match r.status {
            Ok(MZStatus::StreamEnd) => break,
            Ok(_) if r.bytes_consumed == 0 && r.bytes_written == 0 => return Err(Bad::Truncated),
            Ok(_) => {}
            Err(MZError::Buf) => return Err(Bad::Truncated),
            Err(_) => return Err(Bad::Data),
        }
    }
    let (kind, size) = header.ok_or(Bad::Header)?;
    if pos < data.len() {
        return Err(Bad::TrailingData);
    }
    if body != size {
        return Err(Bad::Size { header: size, body });
    }
    Ok(kind)
}

fn parse_header(head: &[u8]) -> Option<(Kind, u64)> {
    let text = std::str::from_utf8(head).ok()?;
    let (kind, size) = text.split_once(' ')?;
    let kind = match kind {
        "commit" => Kind::Commit,
        "tree" => Kind::Tree,
        "blob" => Kind::Blob,
        "tag" => Kind::Tag,
        _ => return None,
    };
    if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, size.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut raw = format!("{kind} {}\0", body.len()).into_bytes();
        raw.extend_from_slice(body);
        miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)
    }

    /// A repository with one commit of `a/b.yaml`; the loose file of the object `spec` names is
    /// cut to half its size. Returns the directory and the object's id.
    fn cut(spec: &str) -> (tempfile::TempDir, Oid) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/b.yaml"), "b: 1\n".repeat(50)).unwrap();
        let mut idx = repo.index().unwrap();
        idx.add_path(Path::new("a/b.yaml")).unwrap();
        idx.write().unwrap();
        let tree = repo.find_tree(idx.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(0, 0)).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "one", &tree, &[])
            .unwrap();
        let oid = repo.revparse_single(spec).unwrap().id();
        let hex = oid.to_string();
        let file = repo.path().join("objects").join(&hex[..2]).join(&hex[2..]);
        let bytes = std::fs::read(&file).unwrap();
        let mut perms = std::fs::metadata(&file).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&file, perms).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        (dir, oid)
    }

    #[test]
    fn corrupt_trees_and_commits_are_found_before_libgit2_reads_them() {
        let (dir, tree) = cut("HEAD:a");
        let repo = Repository::open(dir.path()).unwrap();
        let loose = Loose::of(&repo);
        let bad: Vec<(Oid, Kind)> = loose
            .check_structure()
            .iter()
            .map(|(o, k, _)| (*o, *k))
            .collect();
        assert_eq!(bad, [(tree, Kind::Tree)]);
        assert!(
            loose.guard(false).is_ok(),
            "a tree does not stop a revision walk"
        );
        assert!(loose.check(tree).unwrap_err().contains("is truncated"));
        // Report stamps read HEAD's trees through a status: none are given, rather than a hang.
        assert!(crate::head_commit(dir.path()).is_some());
        assert!(crate::clean_paths(dir.path(), &["a/b.yaml"]).is_empty());

        let (dir, commit) = cut("HEAD");
        let repo = Repository::open(dir.path()).unwrap();
        let e = Loose::of(&repo).guard(false).unwrap_err();
        assert!(e.contains(&format!("commit {commit}: ")), "{e}");
        assert_eq!(crate::head_commit(dir.path()), None);
        assert!(crate::clean_paths(dir.path(), &["a/b.yaml"]).is_empty());

        // A blob is checked only when read.
        let (dir, blob) = cut("HEAD:a/b.yaml");
        let repo = Repository::open(dir.path()).unwrap();
        let loose = Loose::of(&repo);
        assert!(loose.check_structure().is_empty());
        assert!(loose.check(blob).unwrap_err().contains("is truncated"));
    }

    #[test]
    fn a_whole_object_inflates_and_a_cut_one_does_not() {
        let body: Vec<u8> = (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let full = object("blob", &body);
        assert!(matches!(inflate_object(&full, false), Ok(Kind::Blob)));
        assert!(matches!(inflate_object(&full, true), Ok(Kind::Blob)));
        for cut in [full.len() / 2, full.len() - 1, 3] {
            assert!(
                matches!(inflate_object(&full[..cut], false), Err(Bad::Truncated)),
                "cut at {cut}"
            );
        }
        let mut flipped = full.clone();
        let n = flipped.len();
        flipped[n - 2] ^= 0xff;
        assert!(matches!(inflate_object(&flipped, false), Err(Bad::Data)));
        let mut trailing = full.clone();
        trailing.extend_from_slice(b"xx");
        assert!(matches!(
            inflate_object(&trailing, false),
            Err(Bad::TrailingData)
        ));
        let wrong = miniz_oxide::deflate::compress_to_vec_zlib(b"tree 5\0abc", 6);
        assert!(matches!(
            inflate_object(&wrong, false),
            Err(Bad::Size { header: 5, body: 3 })
        ));
        let nonsense = miniz_oxide::deflate::compress_to_vec_zlib(b"blub 3\0abc", 6);
        assert!(matches!(inflate_object(&nonsense, true), Err(Bad::Header)));
        assert!(matches!(
            inflate_object(&object("commit", b"tree x\n"), true),
            Ok(Kind::Commit)
        ));
    }
}
