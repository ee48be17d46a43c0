//! Policy packs from git: a pack published in a git repository, at a tag or a commit, fetched once
//! into a cache under the user's cache directory and read from there afterwards (offline).
//!
//! The cache holds one bare repository per URL (`<cache>/packs/<sha256 of the URL>.git`). A run
//! resolves the pinned revision there first and fetches only when it is missing. A branch is
//! refused: it moves, and a pack must mean the same rules on every machine. The pack's files are read
//! from the commit's tree in memory (nothing is checked out), with limits: no symlinks or
//! submodules, UTF-8 names, at most `MAX_FILES` files of at most the pack file limit each.
//!
//! libgit2 is built here without TLS or SSH, so it fetches local repositories (a path or `file://`)
//! itself; for `https://`, `ssh://` and `git@host:` URLs the `git` program does the fetch into the
//! same cache, and libgit2 reads the result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};
use sha2::{Digest, Sha256};

/// The largest file a pack from git may hold (as for a pack directory).
const MAX_PACK_FILE_BYTES: usize = 16 << 20;
/// The most files a pack from git may hold.
const MAX_FILES: usize = 10_000;
/// The most bytes a pack from git may hold in all.
const MAX_TOTAL_BYTES: usize = 64 << 20;

/// A pack read from a git repository.
#[derive(Debug, Clone)]
pub struct GitPack {
    /// The commit the revision resolved to.
    pub commit: String,
    /// The pack's files, by path relative to the pack's folder.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Where a URL's repository is cached.
pub fn cache_repo(cache: &Path, url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    cache.join("packs").join(format!("{hex}.git"))
}

/// The user's cache directory for aimslint: `AIMSLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/aimslint`,
/// else `~/.cache/aimslint` (`%LOCALAPPDATA%\aimslint` on Windows).
pub fn user_cache_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = env("AIMSLINT_CACHE_DIR") {
        return Some(d);
    }
    if cfg!(windows) {
        return env("LOCALAPPDATA").map(|d| d.join("aimslint"));
    }
    env("XDG_CACHE_HOME")
        .map(|d| d.join("aimslint"))
        .or_else(|| env("HOME").map(|h| h.join(".cache").join("aimslint")))
}

/// Read the pack at `subdir` of `url` at `rev` (a tag or a full commit id). `pinned`, from the
/// lockfile, is the commit the revision must resolve to: a tag moved since is an error.
pub fn fetch_pack(
    cache: &Path,
    url: &str,
    rev: &str,
    subdir: Option<&str>,
    pinned: Option<&str>,
) -> Result<GitPack, String> {
    if url.starts_with('-') || rev.starts_with('-') {
        return Err(format!("`{url}` at `{rev}`: neither may start with `-`"));
    }
    transport(url)?;
    let dir = cache_repo(cache, url);
    let repo = match Repository::open_bare(&dir) {
        Ok(r) => r,
        Err(_) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create the pack cache {}: {e}", dir.display()))?;
            Repository::init_bare(&dir)
                .map_err(|e| format!("cannot create the pack cache {}: {e}", dir.display()))?
        }
    };
    let commit = match resolve(&repo, rev)? {
        Some(c) => c,
        None => {
            fetch(&repo, &dir, url)?;
            resolve(&repo, rev)?.ok_or_else(|| {
                format!("{url} has no tag or commit `{rev}` (a pack is pinned by a tag or a full commit id)")
            })?
        }
    };
    if let Some(p) = pinned
        && p != commit.to_string()
    {
        return Err(format!(
            "{url} `{rev}` is now commit {commit}, but aimslint.lock pins {p}: the tag was moved; check the new commit and run `aimslint packs lock`"
        ));
    }
    let files = read_tree(&repo, commit, subdir).map_err(|e| format!("{url} at {rev}: {e}"))?;
    Ok(GitPack {
        commit: commit.to_string(),
        files,
    })
}

/// A tag or a full commit id, in the cached repository; `None` if it is not there (yet). A branch
/// is an error.
fn resolve(repo: &Repository, rev: &str) -> Result<Option<Oid>, String> {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        let oid = Oid::from_str(rev).map_err(|e| e.message().to_string())?;
        return Ok(repo.find_commit(oid).ok().map(|c| c.id()));
    }
    if let Ok(r) = repo.find_reference(&format!("refs/tags/{rev}")) {
        let c = r
            .peel_to_commit()
            .map_err(|e| format!("tag `{rev}` names no commit: {}", e.message()))?;
        return Ok(Some(c.id()));
    }
    if repo.find_reference(&format!("refs/heads/{rev}")).is_ok() {
        return Err(format!(
            "`{rev}` is a branch: a branch moves, so pin a tag or a full commit id"
        ));
    }
    Ok(None)
}

/// How a URL is fetched: by libgit2 (a local repository) or by the `git` program (a network
/// transport it knows). Anything else — a relative path, `ext::` (which runs a command), `fd::` —
/// is refused.
#[derive(Debug, PartialEq, Eq)]
enum Transport {
    Local,
    Network,
}

fn transport(url: &str) -> Result<Transport, String> {
    if url.starts_with("file://") || Path::new(url).is_absolute() {
        return Ok(Transport::Local);
    }
    let network = ["https://", "http://", "ssh://", "git://", "git+ssh://"]
        .iter()
        .any(|p| url.starts_with(p));
    // scp-like `user@host:path` (no scheme, no `::`).
    let scp = !url.contains("://")
        && !url.contains("::")
        && url.split_once(':').is_some_and(|(host, path)| {
            host.contains('@') && !host.contains('/') && !path.is_empty()
        });
    if network || scp {
        Ok(Transport::Network)
    } else {
        Err(format!(
            "`{url}` is not a repository URL aimslint fetches: use https://, ssh://, git://, user@host:path, file:// or an absolute path"
        ))
    }
}

/// Fetch every tag and branch of `url` into the cached repository.
fn fetch(repo: &Repository, dir: &Path, url: &str) -> Result<(), String> {
    const REFSPECS: [&str; 2] = ["+refs/tags/*:refs/tags/*", "+refs/heads/*:refs/heads/*"];
    if transport(url)? == Transport::Local {
        let mut remote = repo
            .remote_anonymous(url)
            .map_err(|e| format!("{url}: {}", e.message()))?;
        return remote
            .fetch(&REFSPECS, None, None)
            .map_err(|e| format!("cannot fetch {url}: {}", e.message()));
    }
    let out = std::process::Command::new("git")
        // Only the transports `transport` accepted, whatever the user's git configuration allows.
        .args(["-c", "protocol.allow=never"])
        .args([
            "-c",
            "protocol.https.allow=always",
            "-c",
            "protocol.http.allow=always",
        ])
        .args([
            "-c",
            "protocol.ssh.allow=always",
            "-c",
            "protocol.git.allow=always",
        ])
        .arg("--git-dir")
        .arg(dir)
        .args(["fetch", "--quiet", "--no-write-fetch-head", "--"])
        .arg(url)
        .args(REFSPECS)
        .output()
        .map_err(|e| format!("cannot fetch {url}: `git` could not be run ({e})"))?;
    if !out.status.success() {
        return Err(format!(
            "cannot fetch {url}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

fn read_tree(
    repo: &Repository,
    commit: Oid,
    subdir: Option<&str>,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    // Every object read is checked against its id here: libgit2's own check is a process-wide
    // switch that a history walk, which checks what it reads itself, turns off, and it may do so
    // while the packs load (`hash`).
    let odb = repo.odb().map_err(|e| e.message().to_string())?;
    let checked = |oid: Oid, kind: ObjectType| {
        crate::hash::read_verified(&odb, oid, kind)
            .map(drop)
            .map_err(|e| format!("object {oid}: {e}"))
    };
    checked(commit, ObjectType::Commit)?;
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| e.message().to_string())?;
    checked(tree.id(), ObjectType::Tree)?;
    let mut root = tree;
    if let Some(s) = subdir
        .map(|s| s.trim_matches('/'))
        .filter(|s| !s.is_empty())
    {
        // Down the folder one tree at a time, each checked before it is read.
        for name in s.split('/').filter(|n| !n.is_empty()) {
            let (kind, id) = root
                .get_name(name)
                .map(|e| (e.kind(), e.id()))
                .ok_or_else(|| format!("no folder `{s}` in the commit"))?;
            if kind != Some(ObjectType::Tree) {
                return Err(format!("`{s}` is not a folder"));
            }
            checked(id, ObjectType::Tree)?;
            root = repo.find_tree(id).map_err(|e| e.message().to_string())?;
        }
    }
    let mut files = BTreeMap::new();
    let mut total = 0usize;
    let mut stack = vec![(String::new(), root)];
    while let Some((prefix, t)) = stack.pop() {
        for e in t.iter() {
            let name = e
                .name()
                .map_err(|_| format!("{prefix}: a file name that is not UTF-8"))?;
            if matches!(name, "" | "." | ".." | ".git") || name.contains(['/', '\\']) {
                return Err(format!("{prefix}{name}: not a valid file name"));
            }
            let rel = format!("{prefix}{name}");
            match e.kind() {
                Some(ObjectType::Tree) => {
                    checked(e.id(), ObjectType::Tree)?;
                    let sub = repo
                        .find_tree(e.id())
                        .map_err(|e| e.message().to_string())?;
                    stack.push((format!("{rel}/"), sub));
                }
                Some(ObjectType::Blob) if e.filemode() == 0o120000 => {
                    return Err(format!("{rel}: a symlink; a pack holds files only"));
                }
                Some(ObjectType::Blob) => {
                    let blob = repo
                        .find_blob(e.id())
                        .map_err(|e| e.message().to_string())?;
                    crate::hash::verify(e.id(), ObjectType::Blob, blob.content())
                        .map_err(|err| format!("{rel}: object {}: {err}", e.id()))?;
                    let size = blob.size();
                    if size > MAX_PACK_FILE_BYTES {
                        return Err(format!(
                            "{rel}: {size} bytes, over the limit for a pack file"
                        ));
                    }
                    total += size;
                    if total > MAX_TOTAL_BYTES || files.len() >= MAX_FILES {
                        return Err("the pack is larger than a pack may be".into());
                    }
                    files.insert(rel, blob.content().to_vec());
                }
                _ => return Err(format!("{rel}: a submodule; a pack holds files only")),
            }
        }
    }
    if !files.contains_key("pack.toml") {
        return Err("not a policy pack (no pack.toml)".into());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack's files are checked against their ids as they are read, whatever libgit2's own
    /// process-wide check is set to (a history walk turns it off, possibly while packs load): a
    /// file whose stored object was edited is an error, never read as the pack's.
    #[test]
    fn an_edited_object_in_a_pack_is_an_error_whatever_libgit2_checks() {
        let (dir, ids) = published(&[(&[("pack.toml", "name = \"p\"\n")], None)]);
        let repo = Repository::open(dir.path()).unwrap();
        assert!(read_tree(&repo, ids[0], Some("pack")).is_ok());
        let blob = repo
            .find_commit(ids[0])
            .unwrap()
            .tree()
            .unwrap()
            .get_path(Path::new("pack/pack.toml"))
            .unwrap()
            .id();
        // The same length, another text: the object still inflates and parses.
        let mut raw = b"blob 11\0".to_vec();
        raw.extend_from_slice(b"name = \"q\"\n");
        let hex = blob.to_string();
        let file = repo.path().join("objects").join(&hex[..2]).join(&hex[2..]);
        let mut perms = std::fs::metadata(&file).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&file, perms).unwrap();
        std::fs::write(&file, miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)).unwrap();
        git2::opts::strict_hash_verification(false);
        let repo = Repository::open(dir.path()).unwrap();
        let e = read_tree(&repo, ids[0], Some("pack")).unwrap_err();
        assert!(
            e.contains("pack.toml") && e.contains("hash mismatch"),
            "{e}"
        );
    }

    fn sign() -> git2::Signature<'static> {
        git2::Signature::new("t", "t@example.org", &git2::Time::new(1_700_000_000, 0)).unwrap()
    }

    /// One commit of a published pack: files under `pack/`, and a tag.
    type Publish<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);

    /// A repository whose commits write each list of files under `pack/`, tagged as given.
    fn published(commits: &[Publish<'_>]) -> (tempfile::TempDir, Vec<Oid>) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut ids = Vec::new();
        for (files, tag) in commits {
            for (p, text) in *files {
                let full = dir.path().join("pack").join(p);
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(full, text).unwrap();
            }
            let mut index = repo.index().unwrap();
            index
                .add_all(["pack"], git2::IndexAddOption::DEFAULT, None)
                .unwrap();
            index.write().unwrap();
            let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
            let parents: Vec<git2::Commit> = ids
                .last()
                .map(|id| repo.find_commit(*id).unwrap())
                .into_iter()
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            let id = repo
                .commit(Some("HEAD"), &sign(), &sign(), "publish", &tree, &refs)
                .unwrap();
            if let Some(t) = tag {
                let obj = repo.find_object(id, None).unwrap();
                repo.tag_lightweight(t, &obj, true).unwrap();
            }
            ids.push(id);
        }
        (dir, ids)
    }

    #[test]
    fn a_tag_is_fetched_once_then_read_offline() {
        let (src, ids) = published(&[
            (
                &[("pack.toml", "id = \"acme\"\n"), ("rules/A.toml", "a")],
                Some("v1"),
            ),
            (&[("rules/A.toml", "b")], Some("v2")),
        ]);
        let cache = tempfile::tempdir().unwrap();
        let url = src.path().to_str().unwrap().to_string();
        let url = url.as_str();
        let v1 = fetch_pack(cache.path(), url, "v1", Some("pack"), None).unwrap();
        assert_eq!(v1.commit, ids[0].to_string());
        assert_eq!(v1.files["rules/A.toml"], b"a");
        // The source is gone: the cache answers.
        drop(src);
        let again = fetch_pack(cache.path(), url, "v2", Some("pack"), None).unwrap();
        assert_eq!(again.files["rules/A.toml"], b"b");
        let by_commit =
            fetch_pack(cache.path(), url, &ids[0].to_string(), Some("pack"), None).unwrap();
        assert_eq!(by_commit.files["rules/A.toml"], b"a");
        // A pin that is not where the tag points: the tag moved.
        let moved = fetch_pack(cache.path(), url, "v2", Some("pack"), Some(&v1.commit));
        assert!(moved.unwrap_err().contains("the tag was moved"));
        // Unknown revisions, branches and folders are errors that say so.
        let none = fetch_pack(cache.path(), url, "v9", Some("pack"), None).unwrap_err();
        assert!(
            none.contains("cannot fetch") || none.contains("no tag or commit"),
            "{none}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_in_a_pack_is_refused() {
        let (src, _) = published(&[(&[("pack.toml", "id = \"acme\"\n")], None)]);
        std::os::unix::fs::symlink("/etc/passwd", src.path().join("pack/rules.toml")).unwrap();
        let repo = Repository::open(src.path()).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("pack/rules.toml")).unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        let id = repo
            .commit(Some("HEAD"), &sign(), &sign(), "link", &tree, &[&head])
            .unwrap();
        let url = src.path().to_str().unwrap().to_string();
        let cache = tempfile::tempdir().unwrap();
        let err = fetch_pack(cache.path(), &url, &id.to_string(), Some("pack"), None);
        // A commit id that is not on a branch or tag is fetched with the branches.
        let err = err.unwrap_err();
        assert!(err.contains("rules.toml: a symlink"), "{err}");
    }

    #[test]
    fn only_repository_urls_are_fetched() {
        for ok in [
            "https://git.example.com/acme/pack.git",
            "ssh://git@example.com/acme/pack.git",
            "git@github.com:acme/pack.git",
        ] {
            assert_eq!(transport(ok), Ok(Transport::Network), "{ok}");
        }
        assert_eq!(transport("/srv/git/pack"), Ok(Transport::Local));
        assert_eq!(transport("file:///srv/git/pack"), Ok(Transport::Local));
        for bad in [
            "ext::sh -c touch% /tmp/x",
            "fd::3",
            "../pack",
            "pack",
            "C:relative",
            "ftp://example.com/pack",
        ] {
            assert!(transport(bad).is_err(), "{bad}");
        }
        let cache = tempfile::tempdir().unwrap();
        let err = fetch_pack(cache.path(), "ext::sh -c id", "v1", None, None).unwrap_err();
        assert!(err.contains("not a repository URL"), "{err}");
        // Refused before anything is written to the cache.
        assert!(!cache.path().join("packs").exists());
    }

    #[test]
    fn a_branch_or_a_missing_folder_is_refused() {
        let (src, _) = published(&[(&[("pack.toml", "id = \"acme\"\n")], Some("v1"))]);
        let cache = tempfile::tempdir().unwrap();
        let url = src.path().to_str().unwrap();
        let head = Repository::open(src.path())
            .unwrap()
            .head()
            .unwrap()
            .shorthand()
            .unwrap()
            .to_string();
        fetch_pack(cache.path(), url, "v1", Some("pack"), None).unwrap();
        let err = fetch_pack(cache.path(), url, &head, Some("pack"), None).unwrap_err();
        assert!(err.contains("is a branch"), "{err}");
        let err = fetch_pack(cache.path(), url, "v1", Some("nowhere"), None).unwrap_err();
        assert!(err.contains("no folder `nowhere`"), "{err}");
        let err = fetch_pack(cache.path(), url, "v1", None, None).unwrap_err();
        assert!(err.contains("no pack.toml"), "{err}");
    }
}
