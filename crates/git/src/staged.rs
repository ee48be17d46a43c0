//! The staged change: HEAD's tree against the index, as the next commit would record it.
//!
//! The index's trees are not written: their ids are computed in memory from its entries, and HEAD's
//! trees are read only where an id differs, so the cost follows the change, not the repository (and
//! a damaged tree the change does not touch is never read).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use git2::{ObjectType, Oid, Repository};

use crate::history::{Change, ChangeKind, RawChange, changes_of, find_tree};
use crate::loose::Loose;
use crate::{ReadOptions, SourceError, SourceFile, Tree, glob_set, open, read_blob_limited};

/// What `git commit` would record now.
#[derive(Debug, Clone, Default)]
pub struct Staged {
    /// The index, read as [`crate::index`] reads it: what the commit would hold.
    pub tree: Tree,
    /// What the commit would change against HEAD, as a commit's changes are given in history mode
    /// (exact renames paired); before the first commit, every staged file is added.
    pub changes: Vec<Change>,
    /// HEAD's version of each path the change modifies, deletes or renames away, for the paths
    /// `want` accepts.
    pub before: Vec<SourceFile>,
    /// HEAD's commit id; none before the first commit.
    pub head: Option<String>,
}

/// `GIT_INDEX_ENTRY_INTENT_TO_ADD` (`git add -N`): in the index, not in the next commit.
const INTENT_TO_ADD: u16 = 1 << 13;

/// A folder of the index: its files (blob id, mode) and subfolders, by name.
#[derive(Default)]
struct Dir {
    files: BTreeMap<Vec<u8>, (Oid, i32)>,
    dirs: BTreeMap<Vec<u8>, Dir>,
    /// The id its tree object would have.
    id: Option<Oid>,
}

impl Dir {
    fn insert(&mut self, path: &[u8], id: Oid, mode: i32) {
        match path.iter().position(|b| *b == b'/') {
            Some(i) => {
                self.dirs
                    .entry(path[..i].to_vec())
                    .or_default()
                    .insert(&path[i + 1..], id, mode)
            }
            None => {
                self.files.insert(path.to_vec(), (id, mode));
            }
        }
    }

    /// Compute the tree ids, bottom up, as `git write-tree` would (without writing anything).
    fn seal(&mut self) -> Result<Oid, SourceError> {
        let mut entries: Vec<(Vec<u8>, i32, Oid)> = Vec::new();
        for (name, d) in &mut self.dirs {
            entries.push((name.clone(), 0o040000, d.seal()?));
        }
        for (name, (id, mode)) in &self.files {
            entries.push((name.clone(), *mode, *id));
        }
        // Git's order: by name, a folder's name compared as if it ended in '/'.
        let key = |(name, mode, _): &(Vec<u8>, i32, Oid)| {
            let mut k = name.clone();
            if *mode == 0o040000 {
                k.push(b'/');
            }
            k
        };
        entries.sort_by_key(key);
        let mut raw = Vec::new();
        for (name, mode, id) in &entries {
            raw.extend_from_slice(format!("{mode:o} ").as_bytes());
            raw.extend_from_slice(name);
            raw.push(0);
            raw.extend_from_slice(id.as_bytes());
        }
        let id = Oid::hash_object(ObjectType::Tree, &raw)?;
        self.id = Some(id);
        Ok(id)
    }
}

fn join(prefix: &[u8], name: &[u8], folder: bool) -> Vec<u8> {
    let mut p = prefix.to_vec();
    p.extend_from_slice(name);
    if folder {
        p.push(b'/');
    }
    p
}

/// HEAD's commit id and root tree, checked before libgit2 reads them; none before the first commit.
fn head_tree(repo: &Repository, loose: &Loose) -> Result<Option<(Oid, Oid)>, SourceError> {
    let head = match repo.head() {
        Ok(h) => h,
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let Some(id) = head.resolve()?.target() else {
        return Ok(None);
    };
    loose
        .check(id)
        .map_err(|e| SourceError::Git(format!("HEAD ({id}) is corrupt: {e}")))?;
    let commit = repo
        .find_commit(id)
        .map_err(|e| SourceError::Git(format!("HEAD ({id}): {}", e.message())))?;
    Ok(Some((id, commit.tree_id())))
}

/// Compare HEAD's folder `head` with the index's `dir`, descending only where their ids differ.
fn diff(
    repo: &Repository,
    loose: &Loose,
    head: Option<Oid>,
    dir: Option<&Dir>,
    prefix: &[u8],
    out: &mut Vec<RawChange>,
) -> Result<(), String> {
    if head.is_some() && head == dir.and_then(|d| d.id) {
        return Ok(());
    }
    let mut before: BTreeMap<Vec<u8>, (Oid, i32)> = BTreeMap::new();
    if let Some(h) = head {
        for e in find_tree(repo, loose, h, prefix)?.iter() {
            before.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
        }
    }
    let empty = Dir::default();
    let dir = dir.unwrap_or(&empty);
    let names: BTreeSet<&Vec<u8>> = before
        .keys()
        .chain(dir.files.keys())
        .chain(dir.dirs.keys())
        .collect();
    for name in names {
        let old = before.get(name).copied();
        let (old_tree, old_file) = match old {
            Some((id, 0o040000)) => (Some(id), None),
            other => (None, other),
        };
        let new_dir = dir.dirs.get(name);
        if old_tree.is_some() || new_dir.is_some() {
            diff(
                repo,
                loose,
                old_tree,
                new_dir,
                &join(prefix, name, true),
                out,
            )?;
        }
        let new_file = dir.files.get(name).copied();
        if old_file != new_file {
            out.push(RawChange {
                path: join(prefix, name, false),
                old: old_file,
                new: new_file,
            });
        }
    }
    Ok(())
}

/// The staged change of the repository at `root`: the index (with the content of the files `want`
/// accepts), what it changes against HEAD, and HEAD's versions of what it changes or removes.
pub fn staged(
    root: &Path,
    opts: &ReadOptions,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Staged, SourceError> {
    let tree = crate::index(root, opts, want)?;
    let repo = open(root)?;
    let loose = Loose::of(&repo);
    let mut top = Dir::default();
    for e in repo.index()?.iter() {
        // A conflicted path's stages, and `git add -N` entries, are no part of a commit.
        let stage = (e.flags >> 12) & 0x3;
        if stage != 0 || e.flags_extended & INTENT_TO_ADD != 0 || e.mode == 0 {
            continue;
        }
        top.insert(&e.path, e.id, i32::try_from(e.mode).unwrap_or(0o100644));
    }
    top.seal()?;
    let head = head_tree(&repo, &loose)?;
    let mut raw: Vec<RawChange> = Vec::new();
    diff(
        &repo,
        &loose,
        head.map(|(_, t)| t),
        Some(&top),
        b"",
        &mut raw,
    )
    .map_err(|e| {
        SourceError::Git(format!(
            "HEAD ({}): {e}",
            head.map(|(c, _)| c.to_string()).unwrap_or_default()
        ))
    })?;
    let changes = changes_of(&raw, opts, &glob_set(&opts.exclude));
    // HEAD's blob at each path the change touches.
    let old_blob: HashMap<String, (Oid, i32)> = raw
        .iter()
        .filter_map(|r| {
            let path = opts.relative(std::str::from_utf8(&r.path).ok()?)?;
            Some((path.to_string(), r.old?))
        })
        .collect();
    let mut before = Vec::new();
    for ch in &changes {
        let left = match ch.kind {
            ChangeKind::Modified | ChangeKind::Deleted => Some(&ch.path),
            ChangeKind::Renamed => ch.old_path.as_ref(),
            ChangeKind::Added => None,
        };
        let Some(path) = left else { continue };
        let Some((id, mode)) = old_blob.get(path) else {
            continue;
        };
        if !want(path) || *mode == 0o160000 {
            continue;
        }
        let content = if *mode == 0o120000 {
            Err("a symlink in HEAD; not followed".to_string())
        } else {
            loose
                .check(*id)
                .map_err(|e| format!("blob {id} is corrupt: {e}"))
                .and_then(|()| read_blob_limited(&repo, *id, opts.max_file_bytes))
        };
        before.push(SourceFile {
            path: path.clone(),
            blob_id: id.to_string(),
            content,
        });
    }
    Ok(Staged {
        tree,
        changes,
        before,
        head: head.map(|(c, _)| c.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit_index(repo: &Repository, msg: &str) {
        let mut idx = repo.index().unwrap();
        let tree = repo.find_tree(idx.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(0, 0)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
            .unwrap();
    }

    fn stage(repo: &Repository, dir: &Path, files: &[(&str, Option<&str>)]) {
        let mut idx = repo.index().unwrap();
        for (p, content) in files {
            let full = dir.join(p);
            match content {
                Some(c) => {
                    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                    std::fs::write(&full, c).unwrap();
                    idx.add_path(Path::new(p)).unwrap();
                }
                None => {
                    std::fs::remove_file(&full).unwrap();
                    idx.remove_path(Path::new(p)).unwrap();
                }
            }
        }
        idx.write().unwrap();
    }

    fn rows(s: &Staged) -> Vec<String> {
        s.changes
            .iter()
            .map(|c| match &c.old_path {
                Some(o) => format!("{:?} {o} -> {}", c.kind, c.path),
                None => format!("{:?} {}", c.kind, c.path),
            })
            .collect()
    }

    #[test]
    fn the_index_against_head_as_a_commit_would_record_it() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let opts = ReadOptions {
            max_file_bytes: 1 << 20,
            ..ReadOptions::default()
        };
        let all = |_: &str| true;
        stage(
            &repo,
            dir.path(),
            &[("a/x.yaml", Some("x: 1\n")), ("b/y.yaml", Some("y: 1\n"))],
        );
        // Before the first commit everything is added.
        let s = staged(dir.path(), &opts, &all).unwrap();
        assert_eq!(rows(&s), ["Added a/x.yaml", "Added b/y.yaml"]);
        assert_eq!(s.head, None);
        commit_index(&repo, "first");
        // The computed ids are git's: nothing staged, nothing changed.
        let s = staged(dir.path(), &opts, &all).unwrap();
        assert_eq!(rows(&s), Vec::<String>::new());
        assert!(s.head.is_some());
        stage(
            &repo,
            dir.path(),
            &[
                ("a/x.yaml", Some("x: 2\n")),
                ("b/y.yaml", None),
                ("c/y.yaml", Some("y: 1\n")),
                ("a/deep/z.yaml", Some("z: 1\n")),
            ],
        );
        let s = staged(dir.path(), &opts, &all).unwrap();
        assert_eq!(
            rows(&s),
            [
                "Added a/deep/z.yaml",
                "Modified a/x.yaml",
                "Renamed b/y.yaml -> c/y.yaml",
            ]
        );
        let before: Vec<(&str, &[u8])> = s
            .before
            .iter()
            .map(|f| (f.path.as_str(), &**f.content.as_ref().unwrap()))
            .collect();
        assert_eq!(
            before,
            [("a/x.yaml", &b"x: 1\n"[..]), ("b/y.yaml", &b"y: 1\n"[..])]
        );
    }
}
