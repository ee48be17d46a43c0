//! Where files come from: the working tree and the git index. Knows nothing of policy: it yields
//! (path, blob id, bytes) and every path of the tree.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

mod commit;
mod hash;
mod history;
mod loose;
mod pack;
mod remote;
mod staged;

pub use history::{
    BlobReader, Change, ChangeKind, CommitDelta, CommitMeta, Commits, History, Walk, commit_meta,
    commits, has_commits, revision, walk, walk_commits,
};
pub use remote::{GitPack, cache_repo, fetch_pack, user_cache_dir};
pub use staged::{Staged, staged};

/// A file from a source, or why it could not be read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// The git blob id of the content (empty for working-tree files, which are read once).
    pub blob_id: String,
    pub content: Result<Arc<[u8]>, String>,
}

/// A set of files and every path that exists beside them.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: Vec<SourceFile>,
    pub paths: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}")]
    Git(String),
    #[error(
        "git refuses to open {path}: it is owned by another user (libgit2 `safe.directory` check). Run `git config --global --add safe.directory {path}` if you trust it"
    )]
    Owner { path: String },
}

impl From<git2::Error> for SourceError {
    fn from(e: git2::Error) -> Self {
        SourceError::Git(e.message().to_string())
    }
}

/// Options for reading files.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Globs of paths to leave out.
    pub exclude: Vec<String>,
    /// Read at most this many bytes (+1, so the reader can tell the file is too large).
    pub max_file_bytes: usize,
    /// Only this folder of the repository (`examples/credit-scoring`), with paths made relative to
    /// it: set when the directory checked is below the repository's root.
    pub subdir: Option<String>,
}

impl ReadOptions {
    /// A repository path as the run sees it: relative to `subdir`, or none if outside it.
    pub fn relative<'p>(&self, path: &'p str) -> Option<&'p str> {
        match &self.subdir {
            None => Some(path),
            Some(d) => path.strip_prefix(d.as_str())?.strip_prefix('/'),
        }
    }

    /// A path as the run sees it, from the repository's root again (the inverse of `relative`).
    pub fn full_path(&self, path: &str) -> String {
        match &self.subdir {
            None => path.to_string(),
            Some(d) => format!("{d}/{path}"),
        }
    }

    /// Set `subdir` from the directory checked, when it lies below the repository's work tree.
    pub fn within(mut self, dir: &Path) -> ReadOptions {
        if let (Some(work), Ok(dir)) = (workdir_of(dir), dir.canonicalize())
            && let Ok(work) = work.canonicalize()
            && let Ok(rel) = dir.strip_prefix(&work)
            && !rel.as_os_str().is_empty()
        {
            self.subdir = Some(rel.to_string_lossy().replace('\\', "/"));
        }
        self
    }
}

/// How a symlink to a file the commit or index holds ends its message: that file is judged at its
/// own path. The engine reports such a link only where a kind claims the link's path.
pub const LINK_INSIDE: &str = "judged at its own path, not through the link";

/// The path inside the repository a symlink at `link` (from the repository's root) leads to, from
/// its target as git stores it; or why it leads nowhere inside (absolute, or climbing out).
pub(crate) fn link_target(link: &str, target: &[u8]) -> Result<String, String> {
    let shown = String::from_utf8_lossy(target);
    let Ok(t) = std::str::from_utf8(target) else {
        return Err(format!(
            "a symlink to `{shown}`, a name that is not UTF-8; not followed"
        ));
    };
    if t.starts_with('/') || t.contains('\0') {
        return Err(format!(
            "a symlink to `{shown}`, outside the repository; not followed"
        ));
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for c in t.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "a symlink to `{shown}`, outside the repository; not followed"
                    ));
                }
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        return Err(format!(
            "a symlink to `{shown}`, the repository itself; not followed"
        ));
    }
    Ok(parts.join("/"))
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

/// The git blob id of some bytes.
pub fn blob_id(bytes: &[u8]) -> String {
    hash::object_id(git2::ObjectType::Blob, bytes).to_string()
}

fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        parts.push(c.as_os_str().to_str()?.to_string());
    }
    Some(parts.join("/"))
}

/// Read a working-tree file: only a regular file (a FIFO named like evidence would block forever,
/// a device never end), never more than `max` bytes held (a larger file is reported by the parser
/// as too large, from its first `max + 1` bytes).
fn read_limited(path: &Path, max: usize) -> Result<Vec<u8>, String> {
    let f = aimslint_artifacts::fsread::open_regular(path).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    Ok(buf)
}

/// Walk the working tree under `root` (honouring .gitignore), keeping files `want` accepts.
/// Symlinks are followed only while they stay inside the repository.
pub fn worktree(
    root: &Path,
    opts: &ReadOptions,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Tree, SourceError> {
    let canon_root = root.canonicalize().map_err(|e| SourceError::Io {
        path: root.display().to_string(),
        message: e.to_string(),
    })?;
    let exclude = glob_set(&opts.exclude);
    let mut tree = Tree::default();
    // The walk itself is mostly system calls (a directory listing per folder): two threads halve it.
    enum Walked {
        File(String, PathBuf, bool),
        BadName(String),
        Error(String),
    }
    let found: std::sync::Mutex<Vec<Walked>> = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(rayon::current_num_threads())
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                let item = match entry {
                    Err(e) => Some(Walked::Error(e.to_string())),
                    Ok(entry) => match entry.file_type() {
                        Some(ft) if !ft.is_dir() => Some(match rel_path(root, entry.path()) {
                            Some(rel) => {
                                Walked::File(rel, entry.path().to_path_buf(), ft.is_symlink())
                            }
                            None => Walked::BadName(entry.path().to_string_lossy().to_string()),
                        }),
                        _ => None,
                    },
                };
                if let Some(item) = item
                    && let Ok(mut f) = found.lock()
                {
                    f.push(item);
                }
                ignore::WalkState::Continue
            })
        });
    let mut candidates: Vec<(String, PathBuf, bool)> = Vec::new();
    for item in found.into_inner().unwrap_or_default() {
        match item {
            Walked::Error(message) => {
                return Err(SourceError::Io {
                    path: root.display().to_string(),
                    message,
                });
            }
            // A name that is not UTF-8 cannot be a path in our reports; say so rather than skip it.
            Walked::BadName(shown) => tree.files.push(SourceFile {
                path: shown,
                blob_id: String::new(),
                content: Err("file name is not valid UTF-8".into()),
            }),
            Walked::File(rel, path, is_link) => {
                if exclude.is_match(&rel) {
                    continue;
                }
                tree.paths.insert(rel.clone());
                if want(&rel) {
                    candidates.push((rel, path, is_link));
                }
            }
        }
    }
    candidates.sort();
    // Reading and hashing is the costly part of a large tree: do it in parallel, in path order.
    let read: Vec<SourceFile> = candidates
        .into_par_iter()
        .map(|(rel, path, is_link)| {
            let content = if is_link {
                match aimslint_artifacts::fsread::resolve_inside(&canon_root, &path) {
                    Ok(target) => read_limited(&target, opts.max_file_bytes),
                    Err(e) => Err(e.to_string()),
                }
            } else {
                read_limited(&path, opts.max_file_bytes)
            };
            // A working tree holds each version once, so there is nothing to share by content id:
            // hashing every file only to key a cache cost more than it saved.
            let blob_id = String::new();
            let content = content.map(Arc::from);
            SourceFile {
                path: rel,
                blob_id,
                content,
            }
        })
        .collect();
    tree.files.extend(read);
    Ok(tree)
}

/// Read exactly what is staged: the git index of the repository at `root`.
pub fn index(
    root: &Path,
    opts: &ReadOptions,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Tree, SourceError> {
    let repo = open(root)?;
    let loose = loose::Loose::of(&repo);
    let idx = repo.index()?;
    let exclude = glob_set(&opts.exclude);
    let mut tree = Tree::default();
    for entry in idx.iter() {
        let Ok(full) = String::from_utf8(entry.path.clone()) else {
            tree.files.push(SourceFile {
                path: String::from_utf8_lossy(&entry.path).into_owned(),
                blob_id: String::new(),
                content: Err("file name is not valid UTF-8".into()),
            });
            continue;
        };
        let Some(path) = opts.relative(&full).map(str::to_string) else {
            continue;
        };
        if exclude.is_match(&path) {
            continue;
        }
        // Submodules (gitlinks) have no blob to read.
        if entry.mode == 0o160000 {
            continue;
        }
        tree.paths.insert(path.clone());
        if !want(&path) {
            continue;
        }
        // A staged symlink's blob is its target's name, not evidence: judged as a card it would
        // be nonsense, so it is reported as history mode reports one.
        let content = if entry.mode == 0o120000 {
            // One to a file the index holds loses nothing: that file is judged at its own path.
            let target = read_blob_limited(&repo, entry.id, 4096)
                .map_err(|e| format!("a symlink whose target cannot be read: {e}"))
                .and_then(|t| link_target(&full, &t));
            match target {
                Ok(t) if idx.get_path(Path::new(&t), 0).is_some() => {
                    Err(format!("a symlink to `{t}`, {LINK_INSIDE}"))
                }
                Ok(t) => Err(format!(
                    "a symlink to `{t}`, which the index does not hold; not followed"
                )),
                Err(why) => Err(why),
            }
        } else {
            loose
                .check(entry.id)
                .map_err(|e| format!("staged blob {} is corrupt: {e}", entry.id))
                .and_then(|()| read_blob_limited(&repo, entry.id, opts.max_file_bytes))
        };
        tree.files.push(SourceFile {
            path,
            blob_id: entry.id.to_string(),
            content,
        });
    }
    tree.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(tree)
}

/// A blob's content, never holding more than `max + 1` bytes of it (`max` 0: no limit): the
/// object's size is read from its header first, and a blob over the limit is not inflated at all.
/// Its stand-in is `max + 1` zero bytes, which the parser reports as too large (and never reads).
pub fn read_blob_limited(
    repo: &git2::Repository,
    oid: git2::Oid,
    max: usize,
) -> Result<Arc<[u8]>, String> {
    read_blob_sized(repo, None, oid, max, None)
}

/// `read_blob_limited`, given the blob's size when its header was already read.
pub(crate) fn read_blob_sized(
    repo: &git2::Repository,
    packs: Option<&Arc<pack::Packs>>,
    oid: git2::Oid,
    max: usize,
    known: Option<usize>,
) -> Result<Arc<[u8]>, String> {
    read_blob_with(repo, packs, oid, max, known, |b: &[u8]| {
        Arc::<[u8]>::from(b)
    })
}

/// A blob read as `read_blob_sized` reads it (from `packs` when it is there), kept by `keep`.
fn read_blob_with<T>(
    repo: &git2::Repository,
    packs: Option<&Arc<pack::Packs>>,
    oid: git2::Oid,
    max: usize,
    known: Option<usize>,
    keep: impl FnOnce(&[u8]) -> T,
) -> Result<T, String> {
    let max = if max == 0 { usize::MAX - 1 } else { max };
    let odb = repo.odb().map_err(|e| e.message().to_string())?;
    let header = || {
        odb.read_header(oid).map(|(n, _)| n).map_err(|e| {
        // A partial clone (`--filter=blob:none`) leaves blobs out until they are fetched.
        let partial = e.code() == git2::ErrorCode::NotFound && is_partial_clone(repo);
        if partial {
            "object not found: this is a partial clone, which leaves blobs out until they are fetched (`git fetch`, or clone without `--filter`)".to_string()
        } else {
            e.message().to_string()
        }
    })
    };
    let size = match known.or_else(|| packs.and_then(|p| p.size(oid))) {
        Some(n) => n,
        None => header()?,
    };
    if size > max {
        return Ok(keep(&vec![0u8; max.saturating_add(1)]));
    }
    // Checked against its id here (see `hash`): history mode turns libgit2's own check off.
    match packs {
        Some(p) => hash::read_shared(p, &odb, oid, git2::ObjectType::Blob).map(|b| keep(&b)),
        None => hash::read_verified(&odb, oid, git2::ObjectType::Blob).map(|b| keep(b.data())),
    }
}

/// A blob's content, read for judging: its bytes, and the same bytes as text when they are UTF-8
/// (one copy, shared: the reader of the text need not copy the bytes again to own them).
#[derive(Debug, Clone)]
pub struct BlobContent {
    pub bytes: Arc<[u8]>,
    pub text: Option<Arc<str>>,
}

/// `read_blob_sized`, keeping the content as text when it is UTF-8.
pub(crate) fn read_blob_content(
    repo: &git2::Repository,
    packs: Option<&Arc<pack::Packs>>,
    oid: git2::Oid,
    max: usize,
    known: Option<usize>,
) -> Result<BlobContent, String> {
    read_blob_with(
        repo,
        packs,
        oid,
        max,
        known,
        |data| match std::str::from_utf8(data) {
            Ok(s) => {
                let text: Arc<str> = Arc::from(s);
                BlobContent {
                    bytes: Arc::<[u8]>::from(text.clone()),
                    text: Some(text),
                }
            }
            Err(_) => BlobContent {
                bytes: Arc::from(data),
                text: None,
            },
        },
    )
}

/// Whether objects may be missing by design: a partial clone's remote is a promisor (git 2.20+
/// writes `remote.<name>.promisor`; older gits `extensions.partialClone`), and what it fetched sits
/// in packs marked with a `.promisor` file.
fn is_partial_clone(repo: &git2::Repository) -> bool {
    let configured = repo.config().is_ok_and(|c| {
        c.get_string("extensions.partialclone").is_ok()
            || c.entries(Some(r"remote\..*\.promisor")).is_ok_and(|mut e| {
                let mut any = false;
                while let Some(Ok(entry)) = e.next() {
                    any |= entry.value().is_ok_and(|v| v.eq_ignore_ascii_case("true"));
                }
                any
            })
    });
    configured
        || std::fs::read_dir(repo.path().join("objects/pack")).is_ok_and(|d| {
            d.flatten()
                .any(|f| f.path().extension().is_some_and(|x| x == "promisor"))
        })
}

/// Open the repository containing `path`, reporting ownership refusals clearly.
pub fn open(path: &Path) -> Result<git2::Repository, SourceError> {
    git2::Repository::discover(path).map_err(|e| {
        if e.code() == git2::ErrorCode::Owner {
            SourceError::Owner {
                path: path.display().to_string(),
            }
        } else {
            SourceError::Git(format!(
                "{}: not a git repository ({})",
                path.display(),
                e.message()
            ))
        }
    })
}

/// The root of the working tree holding `path`, if it is in a git repository.
pub fn workdir_of(path: &Path) -> Option<PathBuf> {
    git2::Repository::discover(path)
        .ok()?
        .workdir()
        .map(Path::to_path_buf)
}

// ------------------------------------------------------------------------------------------------
// Revision stamps for reports: which commit a working-tree file is at. A file is at HEAD when it is
// tracked and neither modified nor staged; anything else is only in the working tree.

/// The short id of HEAD's commit in the repository holding `root`, if there is one.
pub fn head_commit(root: &Path) -> Option<String> {
    let repo = git2::Repository::discover(root).ok()?;
    let id = repo.head().ok()?.resolve().ok()?.target()?;
    loose::Loose::of(&repo).check(id).ok()?;
    let commit = repo.find_commit(id).ok()?;
    let short = commit.as_object().short_id().ok()?;
    short.as_str().ok().map(str::to_string)
}

/// Where `root` sits inside its repository's working tree, as a `/`-terminated prefix (`""` at the
/// top, `examples/credit-scoring/` below it); `None` outside a repository.
pub fn repo_prefix(root: &Path) -> Option<String> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = rel_path(&workdir, &root)?;
    Some(if rel.is_empty() {
        rel
    } else {
        format!("{rel}/")
    })
}

/// Which of `paths` (relative to `root`) are exactly as HEAD has them: tracked, unmodified and not
/// staged. Empty outside a repository or before the first commit.
pub fn clean_paths(root: &Path, paths: &[&str]) -> HashSet<String> {
    let mut clean = HashSet::new();
    let (Some(prefix), Ok(repo)) = (repo_prefix(root), git2::Repository::discover(root)) else {
        return clean;
    };
    // The status reads HEAD's trees on its own: with a corrupt loose object about, stamp nothing.
    if loose::Loose::of(&repo).guard(true).is_err() {
        return clean;
    }
    let Ok(head) = repo.head().and_then(|h| h.peel_to_tree()) else {
        return clean;
    };
    // One status pass over the root's folder: tracked files modified, staged or deleted.
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(false)
        .include_ignored(false)
        .exclude_submodules(true);
    if !prefix.is_empty() {
        opts.pathspec(&prefix);
    }
    let Ok(statuses) = repo.statuses(Some(&mut opts)) else {
        return clean;
    };
    let changed: HashSet<String> = statuses
        .iter()
        .filter(|e| !e.status().is_empty())
        .filter_map(|e| e.path().ok().map(str::to_string))
        .collect();
    for path in paths {
        let in_repo = format!("{prefix}{path}");
        if head.get_path(Path::new(&in_repo)).is_ok() && !changed.contains(&in_repo) {
            clean.insert((*path).to_string());
        }
    }
    clean
}

#[cfg(test)]
mod stamp_tests {
    use super::*;

    fn commit_all(repo: &git2::Repository, msg: &str) {
        let mut idx = repo.index().unwrap();
        idx.add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        idx.write().unwrap();
        let tree = repo.find_tree(idx.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(0, 0)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
            .unwrap();
    }

    #[test]
    fn a_file_is_at_head_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("a.yaml"), "a: 1\n").unwrap();
        std::fs::write(sub.join("b.yaml"), "b: 1\n").unwrap();
        std::fs::write(sub.join("d.yaml"), "d: 1\n").unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        assert_eq!(head_commit(&sub), None);
        commit_all(&repo, "first");
        assert_eq!(head_commit(&sub).map(|h| h.len()), Some(7));
        assert_eq!(repo_prefix(&sub).as_deref(), Some("sub/"));
        std::fs::write(sub.join("b.yaml"), "b: 2\n").unwrap();
        std::fs::write(sub.join("c.yaml"), "c: 1\n").unwrap();
        // Staged but not committed is not at HEAD either.
        std::fs::write(sub.join("d.yaml"), "d: 2\n").unwrap();
        let mut idx = repo.index().unwrap();
        idx.add_path(Path::new("sub/d.yaml")).unwrap();
        idx.write().unwrap();
        let clean = clean_paths(&sub, &["a.yaml", "b.yaml", "c.yaml", "d.yaml"]);
        assert_eq!(clean, HashSet::from(["a.yaml".to_string()]));
    }
}
