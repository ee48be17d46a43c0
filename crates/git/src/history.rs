//! Commits, their changes, and their trees: what history mode walks.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository, Sort};
use rayon::prelude::*;

use crate::loose::Loose;
use crate::pack::{Bytes, Packs};
use crate::{ReadOptions, SourceError, SourceFile, Tree, glob_set, open};

/// One commit as rules and reports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitMeta {
    pub id: String,
    /// Committer date, `YYYY-MM-DD` in UTC.
    pub date: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    pub author: String,
    pub email: String,
    pub summary: String,
    pub message: String,
    /// Commit trailers (`Change-Record: CR-2026-014`), in order.
    pub trailers: Vec<(String, String)>,
    pub parents: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
}

/// One changed path of a commit, against its first parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    /// The path before a rename.
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    /// The new blob (none for a deletion).
    pub blob: Option<String>,
    /// A symlink, a submodule or a name that is not UTF-8: not read as evidence.
    pub unreadable: Option<String>,
    /// A symlink to a file the commit holds (`CLAUDE.md` → `AGENTS.md`): not read either, but
    /// nothing is lost, as that file is judged at its own path.
    pub links_inside: bool,
}

/// A commit and what it changed.
#[derive(Debug, Clone)]
pub struct CommitDelta {
    pub meta: CommitMeta,
    pub changes: Vec<Change>,
}

/// Which commits to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Walk {
    /// `base..head`: commits reachable from head and not from base, judged against base's tree.
    Range { base: String, head: String },
    /// Commits of head's first-parent line committed on or after a date (`YYYY-MM-DD`).
    Since { date: String, head: String },
    /// Every commit of head's first-parent line.
    All { head: String },
}

/// The walked history: the starting tree, then the ids of the commits oldest first. Their changes
/// are read on demand (`load`), a window at a time, so a long history is never held whole.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The commit the walk starts from (its tree is the state before the first walked commit).
    pub base: Option<CommitMeta>,
    pub base_tree: Tree,
    pub commit_ids: Vec<String>,
    git_dir: PathBuf,
    opts: ReadOptions,
    /// Set when the repository is a shallow clone and the walk reached its boundary: the oldest
    /// commit available, whose parents are missing.
    pub truncated_at: Option<String>,
    /// The repository's loose objects, checked before libgit2 reads them (see `loose`).
    loose: Arc<Loose>,
    /// Folders' trees read by any thread (see `SmallTrees`).
    small_trees: Arc<SmallTrees>,
    /// The repository's packs, read here rather than by libgit2 (see `pack`).
    packs: Option<Arc<Packs>>,
    /// Each commit's parents are the ones it names: no shallow boundary or graft makes libgit2
    /// show others, so commits may be parsed here (see `commit`).
    plain: bool,
}

/// Reads blobs by id from any thread (one repository handle per thread).
#[derive(Debug, Clone)]
pub struct BlobReader {
    root: PathBuf,
    max_bytes: usize,
    loose: Arc<Loose>,
    /// Sizes `size` read from object headers, for `read` to take instead of reading the header
    /// again (a packed delta's header is found by inflating the start of its delta).
    sizes: Arc<std::sync::Mutex<HashMap<Oid, usize>>>,
    packs: Arc<Packs>,
}

/// A way to read a blob (`read_blob_sized`, `read_blob_content`): from the packs read here when
/// given, given its size when known, cut at a limit.
type ReadBlob<T> =
    fn(&Repository, Option<&Arc<Packs>>, Oid, usize, Option<usize>) -> Result<T, String>;

/// At most this many sizes wait for their read; past it they are forgotten (and read again).
const SIZES_KEPT: usize = 1 << 16;

thread_local! {
    static REPO: RefCell<Option<(PathBuf, Repository)>> = const { RefCell::new(None) };
}

fn with_repo<T>(
    root: &Path,
    f: impl FnOnce(&Repository) -> Result<T, String>,
) -> Result<T, String> {
    REPO.with(|cell| {
        let mut slot = cell.borrow_mut();
        let fresh = !matches!(&*slot, Some((p, _)) if p == root);
        if fresh {
            let repo = Repository::open(root).map_err(|e| e.message().to_string())?;
            *slot = Some((root.to_path_buf(), repo));
        }
        let (_, repo) = slot.as_ref().ok_or("repository not open")?;
        f(repo)
    })
}

impl BlobReader {
    pub fn new(root: &Path, opts: &ReadOptions) -> Result<BlobReader, SourceError> {
        let repo = open(root)?;
        Ok(BlobReader {
            root: repo.path().to_path_buf(),
            max_bytes: opts.max_file_bytes,
            loose: Loose::of(&repo),
            sizes: Arc::default(),
            packs: crate::pack::of(&repo),
        })
    }

    /// The content of a blob, cut at the size limit (+1 byte so the reader can tell); a blob over
    /// the limit is never inflated (see `read_blob_limited`).
    pub fn read(&self, blob: &str) -> Result<Arc<[u8]>, String> {
        self.read_with(blob, crate::read_blob_sized)
    }

    /// `read`, with the content as text too when it is UTF-8 (`BlobContent`).
    pub fn read_content(&self, blob: &str) -> Result<crate::BlobContent, String> {
        self.read_with(blob, crate::read_blob_content)
    }

    fn read_with<T>(&self, blob: &str, read: ReadBlob<T>) -> Result<T, String> {
        let oid = Oid::from_str(blob).map_err(|e| e.message().to_string())?;
        self.loose
            .check(oid)
            .map_err(|e| format!("blob {blob} is corrupt: {e}"))?;
        let size = self.sizes.lock().ok().and_then(|mut s| s.remove(&oid));
        with_repo(&self.root, |repo| {
            read(repo, Some(&self.packs), oid, self.max_bytes, size)
                .map_err(|e| format!("blob {blob}: {e}"))
        })
    }

    /// A blob's size from its object header, without inflating it (none for an object that cannot
    /// be read; reading it will say why).
    pub fn size(&self, blob: &str) -> Option<usize> {
        let oid = Oid::from_str(blob).ok()?;
        self.loose.check(oid).ok()?;
        let size = match self.packs.size(oid) {
            Some(n) => n,
            None => with_repo(&self.root, |repo| {
                let odb = repo.odb().map_err(|e| e.message().to_string())?;
                odb.read_header(oid)
                    .map(|(n, _)| n)
                    .map_err(|e| e.message().to_string())
            })
            .ok()?,
        };
        if let Ok(mut s) = self.sizes.lock() {
            if s.len() >= SIZES_KEPT {
                s.clear();
            }
            s.insert(oid, size);
        }
        Some(size)
    }
}

/// An error unless the commit object `oid` hashes to its id.
fn verify_commit(repo: &Repository, packs: Option<&Arc<Packs>>, oid: Oid) -> Result<(), String> {
    let odb = repo.odb().map_err(|e| e.message().to_string())?;
    match packs {
        Some(p) => crate::hash::read_shared(p, &odb, oid, ObjectType::Commit).map(drop),
        None => crate::hash::read_verified(&odb, oid, ObjectType::Commit).map(drop),
    }
}

fn meta_of(commit: &git2::Commit<'_>) -> CommitMeta {
    meta_from(
        commit.id().to_string(),
        commit.message().unwrap_or_default().to_string(),
        commit.committer().when().seconds(),
        commit.author().name().unwrap_or_default().to_string(),
        commit.author().email().unwrap_or_default().to_string(),
        commit
            .summary()
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_string(),
        commit.parent_ids().map(|p| p.to_string()).collect(),
    )
}

fn meta_from(
    id: String,
    message: String,
    time: i64,
    author: String,
    email: String,
    summary: String,
    parents: Vec<String>,
) -> CommitMeta {
    let trailers = git2::message_trailers_strs(&message)
        .map(|t| {
            t.iter()
                .map(|(k, v)| (k.to_string(), v.trim().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let date = jiff::Timestamp::from_second(time)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_default();
    CommitMeta {
        id,
        date,
        time,
        author,
        email,
        summary,
        message,
        trailers,
        parents,
    }
}

/// A commit's meta, tree and first parent's tree, read and parsed here (see `commit`), its content
/// checked against its id; none when any of it cannot be so (libgit2 then reads it, and says why).
fn quick_commit(
    repo: &Repository,
    loose: &Loose,
    packs: &Arc<Packs>,
    oid: Oid,
) -> Option<(CommitMeta, Oid, Option<Oid>)> {
    let odb = repo.odb().ok()?;
    let data = crate::hash::read_shared(packs, &odb, oid, ObjectType::Commit).ok()?;
    let c = crate::commit::parse(&data)?;
    // The parent is checked against its id where it is walked itself (as libgit2 read it, it was
    // not checked here either).
    let parent_tree = match c.parents.first() {
        Some(&p) => Some(crate::commit::parse(&stored_commit(packs, &odb, loose, p)?)?.tree),
        None => None,
    };
    let meta = meta_from(
        oid.to_string(),
        c.message,
        c.time,
        c.author,
        c.email,
        c.summary,
        c.parents.iter().map(Oid::to_string).collect(),
    );
    Some((meta, c.tree, parent_tree))
}

/// A commit's content as stored, not checked against its id (where that is needed, the commit
/// is checked where it is walked itself): from the packs, else from libgit2 once a loose object
/// is found sound. None when it cannot be read so, or is no commit.
fn stored_commit(packs: &Packs, odb: &git2::Odb<'_>, loose: &Loose, oid: Oid) -> Option<Bytes> {
    loose.check(oid).ok()?;
    match packs.read(oid) {
        Some((ObjectType::Commit, d)) => Some(d),
        Some(_) => None,
        None => {
            let o = odb.read(oid).ok()?;
            (o.kind() == ObjectType::Commit).then(|| Arc::new(o.data().to_vec()))
        }
    }
}

/// Whether HEAD names a branch with no commit yet.
fn unborn(repo: &Repository) -> bool {
    matches!(repo.head(), Err(e) if e.code() == git2::ErrorCode::UnbornBranch)
        || repo.is_empty().unwrap_or(false)
}

/// Whether the repository has no commit at all: HEAD is unborn and no reference exists.
fn no_commits(repo: &Repository) -> bool {
    unborn(repo)
        && repo
            .references()
            .map(|mut refs| refs.next().is_none())
            .unwrap_or(false)
}

/// Whether the repository holding `root` has at least one commit (`git init` and nothing
/// committed yet has none: there is nothing to check at any revision).
pub fn has_commits(root: &Path) -> Result<bool, SourceError> {
    Ok(!no_commits(&open(root)?))
}

/// The commit `rev` names. A plain name (`HEAD`, a branch, a tag, a full id) is looked up without
/// reading any object but the ones it names; anything else goes to `revparse`, which reads commits
/// on its own, so only once no loose commit is corrupt (see `loose`).
fn resolve<'r>(
    repo: &'r Repository,
    loose: &Loose,
    rev: &str,
) -> Result<git2::Commit<'r>, SourceError> {
    let direct = if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        Oid::from_str(rev).ok()
    } else {
        repo.resolve_reference_from_short_name(rev)
            .and_then(|r| r.resolve())
            .ok()
            .and_then(|r| r.target())
    };
    let mut oid = match direct {
        Some(oid) => oid,
        None => {
            // `X:path` and `X^{tree}` read trees too.
            loose
                .guard(rev.contains(':') || rev.contains('{'))
                .map_err(SourceError::Git)?;
            repo.revparse_single(rev)
                .map_err(|e| {
                    if no_commits(repo) {
                        SourceError::Git("the repository has no commits yet".into())
                    } else if e.code() == git2::ErrorCode::UnbornBranch
                        || (unborn(repo) && rev.starts_with("HEAD"))
                    {
                        SourceError::Git(format!("`{rev}`: the current branch has no commits yet"))
                    } else {
                        SourceError::Git(format!("unknown revision `{rev}`: {}", e.message()))
                    }
                })?
                .id()
        }
    };
    // Peel tags to the commit, checking each object before libgit2 reads it.
    loop {
        loose
            .check(oid)
            .map_err(|e| SourceError::Git(format!("`{rev}` ({oid}) is corrupt: {e}")))?;
        let named = |e: String| SourceError::Git(format!("`{rev}` ({oid}): {e}"));
        let odb = repo.odb().map_err(|e| named(e.message().to_string()))?;
        let raw = odb.read(oid).map_err(|e| named(e.message().to_string()))?;
        crate::hash::verify(oid, raw.kind(), raw.data()).map_err(named)?;
        let obj = repo
            .find_object(oid, None)
            .map_err(|e| named(e.message().to_string()))?;
        match obj.kind() {
            Some(ObjectType::Commit) => {
                return obj
                    .into_commit()
                    .map_err(|_| SourceError::Git(format!("`{rev}` is not a commit")));
            }
            Some(ObjectType::Tag) => {
                oid = obj
                    .as_tag()
                    .map(git2::Tag::target_id)
                    .ok_or_else(|| SourceError::Git(format!("`{rev}` is not a commit")))?;
            }
            _ => return Err(SourceError::Git(format!("`{rev}` is not a commit"))),
        }
    }
}

/// The root tree of a commit, checked before it is read.
fn commit_tree<'r>(
    repo: &'r Repository,
    loose: &Loose,
    commit: &git2::Commit<'_>,
) -> Result<git2::Tree<'r>, SourceError> {
    find_tree(repo, loose, commit.tree_id(), b"")
        .map_err(|e| SourceError::Git(format!("commit {}: {e}", commit.id())))
}

/// A tree, checked before libgit2 reads it; an error names the folder and the tree.
pub(crate) fn find_tree<'r>(
    repo: &'r Repository,
    loose: &Loose,
    oid: Oid,
    folder: &[u8],
) -> Result<git2::Tree<'r>, String> {
    loose
        .check(oid)
        .map_err(|e| format!("{} (tree {oid}) is corrupt: {e}", shown_folder(folder)))?;
    let fail = |e: &str| format!("{} (tree {oid}): {e}", shown_folder(folder));
    let odb = repo.odb().map_err(|e| fail(e.message()))?;
    crate::hash::read_verified(&odb, oid, ObjectType::Tree).map_err(|e| fail(&e))?;
    repo.find_tree(oid).map_err(|e| fail(e.message()))
}

/// `the root folder`, or `folder `a/b/``.
fn shown_folder(prefix: &[u8]) -> String {
    if prefix.is_empty() {
        "the root folder".to_string()
    } else {
        format!("folder `{}`", String::from_utf8_lossy(prefix))
    }
}

/// The metadata of one commit.
pub fn commit_meta(root: &Path, rev: &str) -> Result<CommitMeta, SourceError> {
    let repo = open(root)?;
    let c = resolve(&repo, &Loose::of(&repo), rev)?;
    Ok(meta_of(&c))
}

/// Every file of a commit's tree, with the content of those `want` accepts.
pub fn revision(
    root: &Path,
    rev: &str,
    opts: &ReadOptions,
    want: &dyn Fn(&str) -> bool,
) -> Result<Tree, SourceError> {
    let repo = open(root)?;
    let loose = Loose::of(&repo);
    let commit = resolve(&repo, &loose, rev)?;
    let tree = commit_tree(&repo, &loose, &commit)?;
    tree_files(&repo, &loose, &commit, &tree, opts, want, true)
}

fn tree_files(
    repo: &Repository,
    loose: &Loose,
    commit: &git2::Commit<'_>,
    tree: &git2::Tree<'_>,
    opts: &ReadOptions,
    want: &dyn Fn(&str) -> bool,
    with_content: bool,
) -> Result<Tree, SourceError> {
    let exclude = glob_set(&opts.exclude);
    let mut out = Tree::default();
    let mut entries: Vec<(Vec<u8>, Oid, i32)> = Vec::new();
    collect_tree(repo, loose, tree, b"", &mut entries)
        .map_err(|e| SourceError::Git(format!("commit {}: {e}", commit.id())))?;
    for (raw, oid, mode) in entries {
        let (full, bad_name) = match String::from_utf8(raw) {
            Ok(p) => (p, false),
            Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
        };
        let Some(path) = opts.relative(&full).map(str::to_string) else {
            continue;
        };
        if exclude.is_match(&path) || mode == 0o160000 {
            continue;
        }
        out.paths.insert(path.clone());
        if !want(&path) {
            continue;
        }
        let content = if bad_name {
            Err("file name is not valid UTF-8; not read".to_string())
        } else if mode == 0o120000 {
            Err(SYMLINK.to_string())
        } else if with_content {
            loose
                .check(oid)
                .map_err(|e| format!("blob {oid} is corrupt: {e}"))
                .and_then(|()| {
                    crate::read_blob_limited(repo, oid, opts.max_file_bytes)
                        .map_err(|e| format!("blob {oid}: {e}"))
                })
        } else {
            Ok(Arc::from(&[][..]))
        };
        out.files.push(SourceFile {
            path,
            blob_id: oid.to_string(),
            content,
        });
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The commits a walk visits, resolved before anything of their trees is read: the part of a walk
/// that needs no rules, so that it may run while the packs load (`walk_commits` goes on).
pub struct Commits {
    repo: Repository,
    loose: Arc<Loose>,
    oids: Vec<Oid>,
    base: Option<Oid>,
    truncated_at: Option<String>,
}

impl std::fmt::Debug for Commits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commits")
            .field("commits", &self.oids.len())
            .field("base", &self.base)
            .field("truncated_at", &self.truncated_at)
            .finish_non_exhaustive()
    }
}

/// Walk history: resolve the commits, then diff each against its first parent in parallel.
/// `want` picks the files whose blobs are evidence candidates; every path is still tracked.
pub fn walk(
    root: &Path,
    walk: &Walk,
    opts: &ReadOptions,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<History, SourceError> {
    walk_commits(commits(root, walk)?, opts, want)
}

/// The commits `walk` visits, along HEAD's first-parent line (`None`: nothing committed yet).
pub fn commits(root: &Path, walk: &Walk) -> Result<Option<Commits>, SourceError> {
    let repo = open(root)?;
    let head_rev = match walk {
        Walk::Range { head, .. } | Walk::Since { head, .. } | Walk::All { head } => head.as_str(),
    };
    // Nothing committed yet (or HEAD's branch is unborn): nothing to walk, which the caller says.
    if no_commits(&repo) || (head_rev == "HEAD" && unborn(&repo)) {
        return Ok(None);
    }
    // Objects are verified against their ids as they are read: an edited object is an error, never
    // linted as if it were the commit's. Every commit, tree and blob the walk reads is checked here
    // (`hash`), with a SHA-1 several times faster than libgit2's, whose own check is turned off.
    git2::opts::strict_hash_verification(false);
    let loose = Loose::of(&repo);
    // The revision walk reads commits on its own: none may be a corrupt loose object.
    loose.guard(false).map_err(SourceError::Git)?;
    let head = resolve(&repo, &loose, head_rev)?.id();
    let mut base: Option<Oid> = None;
    // The first-parent line is read here, one commit after the other, when nothing but the
    // commits themselves decides it; libgit2 walks a range, a shallow clone or grafts, and any
    // line a commit of which cannot be read here (it then says why).
    let line = (!matches!(walk, Walk::Range { .. }) && plain_parents(&repo))
        .then(|| first_parent_line(&repo, &loose, head))
        .flatten();
    let mut oids: Vec<Oid> = match line {
        Some(line) => line,
        None => {
            let mut rw = repo.revwalk()?;
            rw.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
            rw.simplify_first_parent()?;
            rw.push(head)?;
            if let Walk::Range { base: b, .. } = walk {
                let bc = resolve(&repo, &loose, b)?;
                rw.hide(bc.id())?;
                base = Some(bc.id());
            }
            rw.collect::<Result<Vec<_>, _>>()?
        }
    };
    if let Walk::Since { date, .. } = walk {
        let since = jiff::civil::Date::strptime("%Y-%m-%d", date)
            .map_err(|_| SourceError::Git(format!("`{date}` is not a date (YYYY-MM-DD)")))?;
        let start = since
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .unwrap_or(i64::MIN);
        let mut keep = Vec::new();
        for oid in oids {
            let c = repo.find_commit(oid)?;
            if c.committer().when().seconds() >= start {
                keep.push(oid);
            } else {
                base = Some(oid);
            }
        }
        oids = keep;
    }
    // A shallow clone's oldest commit has parents that are not in the repository.
    let mut truncated_at = None;
    if repo.is_shallow()
        && let Some(first) = oids.first()
    {
        // libgit2 shows a shallow boundary commit as parentless; `.git/shallow` lists them.
        let boundary = std::fs::read_to_string(repo.path().join("shallow")).unwrap_or_default();
        let c = repo.find_commit(*first)?;
        let parent_missing = c
            .parent_id(0)
            .is_ok_and(|p| loose.check(p).is_ok() && repo.find_commit(p).is_err());
        if boundary.lines().any(|l| l.trim() == first.to_string()) || parent_missing {
            truncated_at = Some(first.to_string());
        }
    }
    // At a shallow boundary the oldest available commit is the starting state, not a change.
    if truncated_at.is_some() && base.is_none() && !oids.is_empty() {
        base = Some(oids.remove(0));
    }
    Ok(Some(Commits {
        repo,
        loose,
        oids,
        base,
        truncated_at,
    }))
}

/// Whether every commit's parents are the ones it names: no shallow boundary, no grafts.
fn plain_parents(repo: &Repository) -> bool {
    !repo.is_shallow() && !repo.path().join("info/grafts").exists()
}

/// `head` and its first parents back to the root commit, oldest first, as libgit2's walk gives
/// them with `simplify_first_parent`, read from the packs this process reads (libgit2 reads the
/// loose ones) and parsed here: libgit2's walk parsed each commit whole, 45 ms on a history of
/// 4,000 commits before anything else could start. None when a commit cannot be read or parsed
/// so, or the line comes back on itself.
fn first_parent_line(repo: &Repository, loose: &Loose, head: Oid) -> Option<Vec<Oid>> {
    let packs = crate::pack::of(repo);
    let odb = repo.odb().ok()?;
    let mut line = Vec::new();
    let mut seen = HashSet::new();
    let mut at = Some(head);
    while let Some(oid) = at {
        if !seen.insert(oid) {
            return None;
        }
        let data = stored_commit(&packs, &odb, loose, oid)?;
        line.push(oid);
        at = crate::commit::parents(&data)?.first().copied();
    }
    line.reverse();
    Some(line)
}

/// Go on with a walk whose commits `commits` resolved: read the base's tree and make the history
/// whose commits are then read a window at a time (`History::load`).
pub fn walk_commits(
    commits: Option<Commits>,
    opts: &ReadOptions,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<History, SourceError> {
    let Some(Commits {
        repo,
        loose,
        oids,
        base,
        truncated_at,
    }) = commits
    else {
        return Ok(History::default());
    };
    let (base_meta, base_tree) = match base {
        Some(b) => {
            let c = repo.find_commit(b)?;
            let tree = commit_tree(&repo, &loose, &c)?;
            (
                Some(meta_of(&c)),
                tree_files(&repo, &loose, &c, &tree, opts, want, false)?,
            )
        }
        None => (None, Tree::default()),
    };
    Ok(History {
        base: base_meta,
        base_tree,
        commit_ids: oids.iter().map(Oid::to_string).collect(),
        git_dir: repo.path().to_path_buf(),
        opts: opts.clone(),
        truncated_at,
        packs: Some(crate::pack::of(&repo)),
        plain: plain_parents(&repo),
        loose,
        small_trees: Arc::default(),
    })
}

impl History {
    /// The repository's git directory (where tools keep their state: `.git/aimslint/`).
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// Each commit's changes against its first parent, for these commits (in parallel).
    pub fn load(&self, ids: &[String]) -> Result<Vec<CommitDelta>, SourceError> {
        let git_dir = &self.git_dir;
        let opts = &self.opts;
        let loose = &*self.loose;
        let small = &*self.small_trees;
        let packs = self.packs.as_ref();
        let plain = self.plain;
        let exclude = glob_set(&opts.exclude);
        let oids: Vec<Oid> = ids
            .iter()
            .map(|i| Oid::from_str(i))
            .collect::<Result<_, _>>()?;
        // Runs of consecutive commits per task: a commit's parent tree is then usually the tree
        // the same thread read for the commit before (see `TreeMemo`).
        let commits: Result<Vec<CommitDelta>, String> = oids
            .par_iter()
            .with_min_len(64)
            .map(|oid| {
                with_repo(git_dir, |repo| {
                    loose
                        .check(*oid)
                        .map_err(|e| format!("commit {oid} is corrupt: {e}"))?;
                    let quick = packs
                        .filter(|_| plain)
                        .and_then(|p| quick_commit(repo, loose, p, *oid));
                    let (meta, tree, parent_tree) = match quick {
                        Some(q) => q,
                        None => {
                            verify_commit(repo, packs, *oid)
                                .map_err(|e| format!("commit {oid}: {e}"))?;
                            let c = repo
                                .find_commit(*oid)
                                .map_err(|e| format!("commit {oid}: {}", e.message()))?;
                            // A parent that cannot be read is an error, not a root commit (a
                            // shallow clone's boundary commit shows no parents at all).
                            let parent_tree = match c.parent_id(0) {
                                Ok(p) => {
                                    loose.check(p).map_err(|e| {
                                        format!("commit {oid}: its parent {p} is corrupt: {e}")
                                    })?;
                                    let parent = repo.find_commit(p).map_err(|e| {
                                        format!("commit {oid}: its parent {p}: {}", e.message())
                                    })?;
                                    Some(parent.tree_id())
                                }
                                Err(_) => None,
                            };
                            (meta_of(&c), c.tree_id(), parent_tree)
                        }
                    };
                    // Compare the trees ourselves, descending only where subtree ids differ: libgit2's
                    // diff walks every entry of both trees, which made each commit cost the tree's size.
                    let mut raw: Vec<RawChange> = Vec::new();
                    let r = Reader {
                        repo,
                        loose,
                        small,
                        packs,
                    };
                    let diffed = diff_trees(&r, parent_tree, Some(tree), b"", &mut raw);
                    memo_next_commit();
                    diffed.map_err(|e| format!("commit {oid}: {e}"))?;
                    let mut changes = changes_of(&raw, opts, &exclude);
                    resolve_links(repo, tree, opts, &mut changes);
                    Ok(CommitDelta { meta, changes })
                })
            })
            .collect();
        commits.map_err(SourceError::Git)
    }
}

/// Say where each symlink among `changes` leads: to a file of the commit's tree (then it is not
/// reported, that file being judged itself), or why it leads nowhere that can be read.
fn resolve_links(repo: &Repository, tree: Oid, opts: &ReadOptions, changes: &mut [Change]) {
    for ch in changes.iter_mut() {
        if ch.unreadable.as_deref() != Some(SYMLINK) {
            continue;
        }
        let Some(blob) = ch.blob.as_deref().and_then(|b| Oid::from_str(b).ok()) else {
            continue;
        };
        // The target as git stores it: the link's blob, a path (small; a huge one is no path).
        let target = match crate::read_blob_limited(repo, blob, 4096) {
            Ok(t) => t,
            Err(e) => {
                ch.unreadable = Some(format!("a symlink whose target cannot be read: {e}"));
                continue;
            }
        };
        let full = opts.full_path(&ch.path);
        ch.unreadable = match crate::link_target(&full, &target) {
            Ok(t) => match repo
                .find_tree(tree)
                .and_then(|t0| t0.get_path(Path::new(&t)))
            {
                Ok(_) => {
                    ch.links_inside = true;
                    Some(format!("a symlink to `{t}`, {}", crate::LINK_INSIDE))
                }
                Err(_) => Some(format!(
                    "a symlink to `{t}`, which the commit does not hold; not followed"
                )),
            },
            Err(why) => Some(why),
        };
    }
}

/// What a symlink is until `resolve_links` says where it leads.
const SYMLINK: &str = "a symlink in the commit; not followed";

/// A tree diff's raw entries as changes: exact renames (a deleted blob that reappears under a new
/// path) paired, paths made relative to `opts.subdir`, excluded paths left out, sorted by path.
pub(crate) fn changes_of(
    raw: &[RawChange],
    opts: &ReadOptions,
    exclude: &globset::GlobSet,
) -> Vec<Change> {
    // Exact renames: a deleted blob that reappears under a new path.
    let mut deleted: HashMap<Oid, usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if let (None, Some((oid, mode))) = (r.new, r.old)
            && mode != 0o160000
        {
            deleted.entry(oid).or_insert(i);
        }
    }
    let mut renamed_from: HashMap<usize, usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if r.old.is_none()
            && let Some((oid, _)) = r.new
            && let Some(d) = deleted.remove(&oid)
        {
            renamed_from.insert(i, d);
        }
    }
    let consumed: HashSet<usize> = renamed_from.values().copied().collect();
    let mut changes = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        if consumed.contains(&i) {
            continue;
        }
        let kind = match (r.old, r.new, renamed_from.contains_key(&i)) {
            (_, Some(_), true) => ChangeKind::Renamed,
            (None, Some(_), false) => ChangeKind::Added,
            (Some(_), None, _) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        let (full, mut unreadable) = match std::str::from_utf8(&r.path) {
            Ok(p) => (p.to_string(), None),
            Err(_) => (
                String::from_utf8_lossy(&r.path).into_owned(),
                Some("file name is not valid UTF-8".to_string()),
            ),
        };
        let Some(path) = opts.relative(&full).map(str::to_string) else {
            continue;
        };
        if exclude.is_match(&path) {
            continue;
        }
        let mode = r.new.or(r.old).map_or(0, |(_, m)| m);
        if mode == 0o120000 {
            unreadable = Some(SYMLINK.into());
        } else if mode == 0o160000 {
            unreadable = Some("a submodule; its content is another repository's".into());
        }
        let old_path = renamed_from
            .get(&i)
            .map(|d| String::from_utf8_lossy(&raw[*d].path).into_owned())
            .and_then(|p| opts.relative(&p).map(str::to_string));
        changes.push(Change {
            blob: r.new.map(|(o, _)| o.to_string()),
            path,
            old_path,
            kind,
            unreadable,
            links_inside: false,
        });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    changes
}

/// Every file of a tree with its path as bytes (names need not be UTF-8).
fn collect_tree(
    repo: &Repository,
    loose: &Loose,
    tree: &git2::Tree<'_>,
    prefix: &[u8],
    out: &mut Vec<(Vec<u8>, Oid, i32)>,
) -> Result<(), String> {
    for e in tree.iter() {
        let mut path = prefix.to_vec();
        path.extend_from_slice(e.name_bytes());
        if e.kind() == Some(ObjectType::Tree) {
            path.push(b'/');
            let sub = find_tree(repo, loose, e.id(), &path)?;
            collect_tree(repo, loose, &sub, &path, out)?;
        } else {
            out.push((path, e.id(), e.filemode()));
        }
    }
    Ok(())
}

/// One changed entry between two trees: (blob id, file mode) before and after.
pub(crate) struct RawChange {
    pub(crate) path: Vec<u8>,
    pub(crate) old: Option<(Oid, i32)>,
    pub(crate) new: Option<(Oid, i32)>,
}

fn is_tree(mode: i32) -> bool {
    mode == 0o040000
}

/// One entry of a raw tree object, read in place.
#[derive(Clone, Copy)]
struct Entry<'t> {
    name: &'t [u8],
    mode: i32,
    id: &'t [u8],
    /// The whole record (`<octal mode> <name>\0<20-byte id>`): equal records are equal entries.
    raw: &'t [u8],
}

impl Entry<'_> {
    fn oid(&self) -> Result<Oid, String> {
        Oid::from_bytes(self.id).map_err(|e| e.message().to_string())
    }
}

/// The entries of a raw tree object, one at a time.
struct Entries<'t> {
    rest: &'t [u8],
    /// Which tree, for an error: its id and folder.
    id: Option<Oid>,
    folder: &'t [u8],
}

impl<'t> Entries<'t> {
    fn next(&mut self) -> Result<Option<Entry<'t>>, String> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let bad = || {
            format!(
                "{} (tree {}) is malformed",
                shown_folder(self.folder),
                self.id.unwrap_or(Oid::ZERO_SHA1)
            )
        };
        let rest = self.rest;
        let sp = memchr::memchr(b' ', rest).ok_or_else(bad)?;
        let mut mode = 0i32;
        for d in &rest[..sp] {
            if !(b'0'..=b'7').contains(d) {
                return Err(bad());
            }
            mode = mode * 8 + i32::from(d - b'0');
        }
        let nul = sp + 1 + memchr::memchr(0, &rest[sp + 1..]).ok_or_else(bad)?;
        let end = nul + 21;
        if rest.len() < end {
            return Err(bad());
        }
        self.rest = &rest[end..];
        Ok(Some(Entry {
            name: &rest[sp + 1..nul],
            mode,
            id: &rest[nul + 1..end],
            raw: &rest[..end],
        }))
    }
}

/// Git's order of tree entries: by name, as if a folder's name ended in '/'.
fn entry_order(x: &Entry<'_>, y: &Entry<'_>) -> std::cmp::Ordering {
    let n = x.name.len().min(y.name.len());
    x.name[..n].cmp(&y.name[..n]).then_with(|| {
        let next = |e: &Entry<'_>| e.name.get(n).copied().or(is_tree(e.mode).then_some(b'/'));
        next(x).cmp(&next(y))
    })
}

/// Raw trees read lately by this thread. Consecutive commits share most of their trees (a commit's
/// parent tree is the previous commit's tree), so a folder of a few hundred entries would otherwise
/// be inflated twice per commit touching it.
#[derive(Default)]
struct TreeMemo {
    trees: HashMap<Oid, (Bytes, u64)>,
    tick: u64,
}

thread_local! {
    static TREES: RefCell<TreeMemo> = RefCell::new(TreeMemo::default());
}

/// Trees kept per thread between commits; enough for the folders two commits touch.
const MEMO_TREES: usize = 256;

/// The small trees of one walk (folders of a few files), read by any thread: a folder's tree is
/// the old side of the next commit that touches the folder, often hundreds of commits later and on
/// the other thread, when it has long left `TreeMemo`. On huggingface/datasets that was 29,000 of
/// 65,000 tree reads. Kept by the id's first 16 bytes, the id itself compared on a hit.
#[derive(Debug)]
struct SmallTrees(aimslint_artifacts::memo::Memo<TreeKey, (Oid, Bytes)>);

impl Default for SmallTrees {
    fn default() -> SmallTrees {
        SmallTrees(aimslint_artifacts::memo::Memo::new(SMALL_TREES_REMEMBERED))
    }
}

/// The largest tree `SmallTrees` keeps, and the bytes it keeps in all.
const SMALL_TREE: usize = 4096;
const SMALL_TREES_REMEMBERED: usize = 8 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TreeKey([u8; 16]);

impl aimslint_artifacts::memo::HashedKey for TreeKey {
    fn text(&self) -> &aimslint_artifacts::memo::TextKey {
        &self.0
    }
}

impl TreeKey {
    fn of(oid: Oid) -> TreeKey {
        let mut k = [0u8; 16];
        k.copy_from_slice(&oid.as_bytes()[..16]);
        TreeKey(k)
    }
}

/// What reading a commit's trees needs.
struct Reader<'a> {
    repo: &'a Repository,
    loose: &'a Loose,
    small: &'a SmallTrees,
    packs: Option<&'a Arc<Packs>>,
}

/// A tree's raw content; an error names the folder and the tree.
fn raw_tree(r: &Reader<'_>, oid: Oid, folder: &[u8]) -> Result<Bytes, String> {
    TREES.with(|cell| {
        let mut memo = cell.borrow_mut();
        let tick = memo.tick;
        if let Some((data, used)) = memo.trees.get_mut(&oid) {
            *used = tick;
            return Ok(data.clone());
        }
        let weight = |(_, d): &(Oid, Bytes)| d.len() + 64;
        if let Some((id, data)) = r.small.0.get(&TreeKey::of(oid), weight)
            && id == oid
        {
            memo.trees.insert(oid, (data.clone(), tick));
            return Ok(data);
        }
        let fail = |e: &str| format!("{} (tree {oid}): {e}", shown_folder(folder));
        r.loose
            .check(oid)
            .map_err(|e| format!("{} (tree {oid}) is corrupt: {e}", shown_folder(folder)))?;
        let odb = r.repo.odb().map_err(|e| fail(e.message()))?;
        let data: Bytes = match r.packs {
            Some(p) => crate::hash::read_shared(p, &odb, oid, ObjectType::Tree),
            None => crate::hash::read_verified(&odb, oid, ObjectType::Tree)
                .map(|obj| Arc::new(obj.data().to_vec())),
        }
        .map_err(|e| fail(&e))?;
        if data.len() <= SMALL_TREE {
            let v = (oid, data.clone());
            let w = weight(&v);
            r.small.0.insert(TreeKey::of(oid), v, w);
        }
        memo.trees.insert(oid, (data.clone(), tick));
        Ok(data)
    })
}

/// A commit is done: forget trees not used by it or the one before.
fn memo_next_commit() {
    TREES.with(|cell| {
        let mut memo = cell.borrow_mut();
        memo.tick += 1;
        if memo.trees.len() > MEMO_TREES {
            let keep = memo.tick.saturating_sub(2);
            memo.trees.retain(|_, (_, used)| *used >= keep);
        }
    });
}

/// Merge-join two trees by entry name (git keeps them sorted), skipping identical records without
/// decoding them and recursing only into subtrees whose ids differ.
fn diff_trees(
    r: &Reader<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &[u8],
    out: &mut Vec<RawChange>,
) -> Result<(), String> {
    let (old_data, new_data) = (
        old.map(|o| raw_tree(r, o, prefix)).transpose()?,
        new.map(|n| raw_tree(r, n, prefix)).transpose()?,
    );
    let mut a = Entries {
        rest: old_data.as_deref().map_or(&[][..], Vec::as_slice),
        id: old,
        folder: prefix,
    };
    let mut b = Entries {
        rest: new_data.as_deref().map_or(&[][..], Vec::as_slice),
        id: new,
        folder: prefix,
    };
    let join = |name: &[u8]| {
        let mut p = Vec::with_capacity(prefix.len() + name.len() + 1);
        p.extend_from_slice(prefix);
        p.extend_from_slice(name);
        p
    };
    // The entries both trees start with alike (a large folder where one file changed) are
    // passed over reading one side only.
    let same = common_prefix(a.rest, b.rest);
    let mut passed = 0;
    let mut probe = Entries { ..a };
    while let Some(e) = probe.next()?
        && passed + e.raw.len() <= same
    {
        passed += e.raw.len();
    }
    a.rest = &a.rest[passed..];
    b.rest = &b.rest[passed..];
    let (mut x, mut y) = (a.next()?, b.next()?);
    loop {
        let ord = match (&x, &y) {
            (Some(p), Some(q)) if p.raw == q.raw => {
                x = a.next()?;
                y = b.next()?;
                continue;
            }
            (Some(p), Some(q)) => entry_order(p, q),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => return Ok(()),
        };
        match ord {
            std::cmp::Ordering::Equal => {
                let (p, q) = (x.expect("both sides"), y.expect("both sides"));
                if is_tree(p.mode) && is_tree(q.mode) {
                    let mut sub = join(p.name);
                    sub.push(b'/');
                    diff_trees(r, Some(p.oid()?), Some(q.oid()?), &sub, out)?;
                } else {
                    emit(r, &join(p.name), Some(&p), Some(&q), out)?;
                }
                x = a.next()?;
                y = b.next()?;
            }
            std::cmp::Ordering::Less => {
                let p = x.expect("old side");
                emit(r, &join(p.name), Some(&p), None, out)?;
                x = a.next()?;
            }
            std::cmp::Ordering::Greater => {
                let q = y.expect("new side");
                emit(r, &join(q.name), None, Some(&q), out)?;
                y = b.next()?;
            }
        }
    }
}

/// How many bytes two slices start with alike (compared a block at a time).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Record a changed entry; a whole subtree added or removed (or a file replaced by a folder)
/// yields each of its files.
fn emit(
    r: &Reader<'_>,
    path: &[u8],
    old: Option<&Entry<'_>>,
    new: Option<&Entry<'_>>,
    out: &mut Vec<RawChange>,
) -> Result<(), String> {
    let old_tree = old.filter(|o| is_tree(o.mode));
    let new_tree = new.filter(|n| is_tree(n.mode));
    if old_tree.is_some() || new_tree.is_some() {
        let mut sub = path.to_vec();
        sub.push(b'/');
        diff_trees(
            r,
            old_tree.map(Entry::oid).transpose()?,
            new_tree.map(Entry::oid).transpose()?,
            &sub,
            out,
        )?;
        // A file on the other side of a file/folder swap.
        let old_file = old.filter(|o| !is_tree(o.mode));
        let new_file = new.filter(|n| !is_tree(n.mode));
        if old_file.is_some() || new_file.is_some() {
            out.push(RawChange {
                path: path.to_vec(),
                old: old_file.map(|o| o.oid().map(|i| (i, o.mode))).transpose()?,
                new: new_file.map(|n| n.oid().map(|i| (i, n.mode))).transpose()?,
            });
        }
        return Ok(());
    }
    out.push(RawChange {
        path: path.to_vec(),
        old: old.map(|o| o.oid().map(|i| (i, o.mode))).transpose()?,
        new: new.map(|n| n.oid().map(|i| (i, n.mode))).transpose()?,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Listed = Vec<(String, Option<Oid>, Option<Oid>)>;

    /// A tree of these files, written through a work tree and the index.
    fn tree(repo: &Repository, files: &[(String, &str)]) -> Oid {
        let work = repo.workdir().unwrap();
        for entry in std::fs::read_dir(work).unwrap().flatten() {
            if entry.file_name() != ".git" {
                let p = entry.path();
                if p.is_dir() {
                    std::fs::remove_dir_all(p).unwrap();
                } else {
                    std::fs::remove_file(p).unwrap();
                }
            }
        }
        let mut index = repo.index().unwrap();
        index.clear().unwrap();
        for (path, body) in files {
            let p = work.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, body).unwrap();
            index.add_path(Path::new(path)).unwrap();
        }
        index.write_tree().unwrap()
    }

    fn libgit2_lists(repo: &Repository, a: Oid, b: Oid) -> Listed {
        let (ta, tb) = (repo.find_tree(a).unwrap(), repo.find_tree(b).unwrap());
        let diff = repo.diff_tree_to_tree(Some(&ta), Some(&tb), None).unwrap();
        let id = |f: git2::DiffFile<'_>| (!f.id().is_zero()).then(|| f.id());
        let mut out: Listed = diff
            .deltas()
            .map(|d| {
                let path = d.new_file().path().or(d.old_file().path()).unwrap();
                (
                    path.display().to_string(),
                    id(d.old_file()),
                    id(d.new_file()),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// The first-parent line read here is libgit2's, merges of side branches and loose commits
    /// beside packed ones included.
    #[test]
    fn the_first_parent_line_is_libgit2s() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(1, 0)).unwrap();
        let commit = |parents: &[Oid], n: usize| {
            let t = tree(&repo, &[(format!("f{n}.md"), "x")]);
            let t = repo.find_tree(t).unwrap();
            let ps: Vec<_> = parents
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let refs: Vec<_> = ps.iter().collect();
            repo.commit(None, &sig, &sig, &format!("c{n}"), &t, &refs)
                .unwrap()
        };
        let a = commit(&[], 0);
        let b = commit(&[a], 1);
        let side = commit(&[a], 2);
        let side2 = commit(&[side], 3);
        let merge = commit(&[b, side2], 4);
        let head = commit(&[merge], 5);
        let libgit2 = |head: Oid| {
            let mut rw = repo.revwalk().unwrap();
            rw.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).unwrap();
            rw.simplify_first_parent().unwrap();
            rw.push(head).unwrap();
            rw.collect::<Result<Vec<_>, _>>().unwrap()
        };
        let loose = Loose::of(&repo);
        for h in [head, merge, side2, a] {
            assert_eq!(first_parent_line(&repo, &loose, h), Some(libgit2(h)));
        }
        assert_eq!(libgit2(head), [a, b, merge, head]);
    }

    fn walk_lists(repo: &Repository, a: Oid, b: Oid) -> Listed {
        let loose = Loose::of(repo);
        let small = SmallTrees::default();
        let r = Reader {
            repo,
            loose: &loose,
            small: &small,
            packs: None,
        };
        let mut raw = Vec::new();
        diff_trees(&r, Some(a), Some(b), b"", &mut raw).unwrap();
        let mut out: Listed = raw
            .into_iter()
            .map(|c| {
                (
                    String::from_utf8(c.path).unwrap(),
                    c.old.map(|o| o.0),
                    c.new.map(|n| n.0),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// The walk's own tree comparison lists what libgit2's diff lists, wherever in a large folder
    /// the changes are (its first, middle and last entries, one added, one removed) and when a
    /// folder becomes a file.
    #[test]
    fn trees_compared_by_the_walk_list_what_libgit2_lists() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut before: Vec<(String, &str)> =
            (0..200).map(|i| (format!("big/f{i:03}"), "same")).collect();
        before.push(("a.txt".into(), "a"));
        before.push(("z/x".into(), "x"));
        let mut after: Vec<(String, &str)> = before
            .iter()
            .filter(|(p, _)| p != "big/f050" && p != "z/x")
            .map(|(p, b)| {
                let changed = ["big/f000", "big/f100", "big/f199"].contains(&p.as_str());
                (p.clone(), if changed { "changed" } else { b })
            })
            .collect();
        after.push(("big/f150b".into(), "new"));
        after.push(("z".into(), "now a file"));
        let (a, b) = (tree(&repo, &before), tree(&repo, &after));
        let listed = walk_lists(&repo, a, b);
        assert_eq!(listed.len(), 7, "{listed:?}");
        assert_eq!(listed, libgit2_lists(&repo, a, b));
        assert_eq!(walk_lists(&repo, b, a), libgit2_lists(&repo, b, a));
        assert!(walk_lists(&repo, a, a).is_empty());
        assert_eq!(common_prefix(b"abcd", b"abxd"), 2);
        assert_eq!(common_prefix(&[7; 200], &[7; 130]), 130);
    }
}
