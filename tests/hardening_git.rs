//! What a hostile or damaged repository or pack can do: fixture paths that leave the scratch
//! repository, `init` over symlinks, truncated, edited and missing git objects, a repository with no
//! commits. Each must be refused or reported, quickly, never followed, hung on or linted.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::util::*;

/// The binary with a deadline: a hang is a failed test (the status has no code), not a stuck run.
fn run_timed(args: &[&str], cwd: &Path) -> Output {
    aimslint()
        .args(args)
        .current_dir(cwd)
        .env("NO_GRAPHICS", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs")
}

// ------------------------------------------------------------------------------------------------
// Pack fixtures are data: their paths stay inside the scratch repository.

#[test]
fn pack_fixture_paths_that_leave_the_scratch_repository_are_refused_unwritten() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    let keep = outside.path().join("keep.txt");
    std::fs::write(&victim, "untouched").unwrap();
    std::fs::write(&keep, "untouched").unwrap();
    // `..` from the scratch repository (a fresh directory in the system's temporary folder).
    let escape = format!(
        "aimslint-fixture-escape-{}-{}",
        std::process::id(),
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let escaped = std::env::temp_dir().join(&escape);
    let pass = format!(
        r#"[[commit]]
message = "Add"
date = "2026-01-10"
files."{victim}" = "overwritten"
files."../{escape}" = "x"
files."C:/x.yaml" = "x"
files.'a\b.yaml' = "x"
files."" = "x"
files."a/.git/hooks/pre-commit" = "x"
files."ok.yaml" = "x"

[[commit]]
message = "Remove"
date = "2026-01-11"
delete = ["{keep}", "../../x", "ok.yaml"]
"#,
        victim = victim.display(),
        keep = keep.display(),
    );
    let pack = temp_repo(&[
        (
            "pack.toml",
            b"id = \"evil\"\nname = \"Evil\"\nversion = \"1.0.0\"\nframework = \"Test\"\n",
        ),
        (
            "controls.toml",
            b"[[control]]\nid = \"C1\"\ntitle = \"One\"\nkind = \"control\"\n",
        ),
        (
            "rules/X-001.toml",
            b"id = \"X-001\"\ntitle = \"t\"\nseverity = \"warning\"\nkinds = []\ncontrols = [\"evil:C1\"]\n\n[check.trailer]\nwhen = [\"deploy/**\"]\ntrailers = [\"Change-Record\"]\n",
        ),
        ("tests/X-001/pass.toml", pass.as_bytes()),
        (
            "tests/X-001/fail.toml",
            b"[[commit]]\nmessage = \"Deploy\"\ndate = \"2026-01-10\"\nfiles.\"deploy/x.yaml\" = \"replicas: 2\\n\"\n",
        ),
    ]);
    let o = run_timed(
        &[
            "packs",
            "test",
            "--only",
            "evil",
            "--pack",
            pack.path().to_str().unwrap(),
        ],
        &repo_root(),
    );
    let why = "a fixture path names a file inside the fixture repository (relative, `/`-separated)";
    let f = "tests/X-001/pass.toml";
    let want = [
        "FAIL  evil X-001 pass".to_string(),
        format!("        {f}: commit 1, files.\"\": the path is empty; {why}"),
        format!(
            "        {f}: commit 1, files.\"../{escape}\": the path has a `..` component, which would leave the repository; {why}"
        ),
        format!(
            "        {f}: commit 1, files.\"{}\": the path is absolute; {why}",
            victim.display()
        ),
        format!(
            "        {f}: commit 1, files.\"C:/x.yaml\": the path starts with a drive letter; {why}"
        ),
        format!(
            "        {f}: commit 1, files.\"a/.git/hooks/pre-commit\": the path is inside `.git`; {why}"
        ),
        format!(
            "        {f}: commit 1, files.\"a\\\\b.yaml\": the path contains a backslash (separate folders with `/`); {why}"
        ),
        format!(
            "        {f}: commit 2, delete \"{}\": the path is absolute; {why}",
            keep.display()
        ),
        format!(
            "        {f}: commit 2, delete \"../../x\": the path has a `..` component, which would leave the repository; {why}"
        ),
        "ok    evil X-001 fail".to_string(),
        "fixtures: 1 passed, 1 failed".to_string(),
    ];
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        want,
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "untouched");
    assert!(!escaped.exists(), "{} was written", escaped.display());
}

// ------------------------------------------------------------------------------------------------
// `aimslint init` never writes through a symlink or to anything but a regular file.

/// Every file under `dir` (relative, sorted), symlinks listed as `path -> target`.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(at).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let t = e.file_type().unwrap();
            if t.is_symlink() {
                out.push(format!(
                    "{rel} -> {}",
                    std::fs::read_link(&p).unwrap().display()
                ));
            } else if t.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `init` in `dir`: its exit code and the first line of its error.
fn init(dir: &Path, force: bool) -> (Option<i32>, String) {
    let mut args = vec!["init", dir.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    let o = run_timed(&args, dir);
    (
        o.status.code(),
        stderr(&o).lines().next().unwrap_or_default().to_string(),
    )
}

fn refusal(path: &Path, why: &str) -> String {
    format!(
        "refusing to write {}: {why}; init never writes through a symlink or to anything but a regular file (remove it, or run init in another directory)",
        path.display()
    )
}

#[cfg(unix)]
#[test]
fn init_refuses_symlinks_and_special_files_and_writes_nothing() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();

    // A dangling committed symlink: writing through it would create a file elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let target = outside.path().join("created-through-link");
    symlink(&target, dir.path().join("aimslint.toml")).unwrap();
    assert_eq!(
        init(dir.path(), false),
        (
            Some(2),
            refusal(
                &dir.path().join("aimslint.toml"),
                "it is a dangling symlink"
            )
        )
    );
    assert!(!target.exists());
    assert_eq!(
        listing(dir.path()),
        [format!("aimslint.toml -> {}", target.display())],
        "a refusal writes nothing"
    );

    // A symlinked folder.
    let dir = tempfile::tempdir().unwrap();
    symlink(outside.path(), dir.path().join("aims")).unwrap();
    assert_eq!(
        init(dir.path(), false),
        (
            Some(2),
            refusal(
                &dir.path().join("aims/templates/model-card.md"),
                &format!("{} is a symlink", dir.path().join("aims").display())
            )
        )
    );
    assert_eq!(listing(outside.path()), Vec::<String>::new());
    assert_eq!(listing(dir.path()).len(), 1);

    // A symlink to a file: kept as it is, and with --force refused, not written through.
    let dir = tempfile::tempdir().unwrap();
    let config = outside.path().join("shared.toml");
    std::fs::write(&config, "# shared\n").unwrap();
    symlink(&config, dir.path().join("aimslint.toml")).unwrap();
    let (code, _) = init(dir.path(), false);
    assert_eq!(code, Some(0));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "# shared\n");
    assert_eq!(
        init(dir.path(), true),
        (
            Some(2),
            refusal(&dir.path().join("aimslint.toml"), "it is a symlink")
        )
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "# shared\n");

    // A FIFO, and a directory, where a template goes.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("aims/templates")).unwrap();
    let fifo = dir.path().join("aims/templates/provenance.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(
        init(dir.path(), true),
        (Some(2), refusal(&fifo, "it is a FIFO"))
    );
    std::fs::remove_file(&fifo).unwrap();
    std::fs::create_dir(&fifo).unwrap();
    assert_eq!(
        init(dir.path(), false),
        (Some(2), refusal(&fifo, "it is a directory"))
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[test]
fn init_writes_every_template_and_keeps_or_replaces_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = init(dir.path(), false);
    assert_eq!((code, err.as_str()), (Some(0), ""));
    let written = listing(dir.path());
    assert_eq!(written.len(), 8, "{written:?}");
    std::fs::write(dir.path().join("aimslint.toml"), "# mine\n").unwrap();
    init(dir.path(), false);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("aimslint.toml")).unwrap(),
        "# mine\n"
    );
    init(dir.path(), true);
    assert_ne!(
        std::fs::read_to_string(dir.path().join("aimslint.toml")).unwrap(),
        "# mine\n"
    );
    assert_eq!(listing(dir.path()), written);
}

// ------------------------------------------------------------------------------------------------
// Git objects: truncated, edited or missing objects are errors naming the commit and path.

const PROVENANCE: &str = "dataset: a\nsource: { name: Core banking, origin: internal }\npersonal_data: true\nlegal_basis: contract\nquality: { assessed: 2026-01-05 }\n";
const CARD: &str = "---\nlicense: mit\ndatasets:\n  - a\n---\n# Model m\n";

/// Two commits; the second adds the provenance record. Returns the repository and the ids of its
/// commits.
fn two_commits() -> GitRepo {
    let mut g = GitRepo::new();
    g.commit("2026-01-10", "Card", &[("models/m/README.md", Some(CARD))]);
    g.commit(
        "2026-02-10",
        "Data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    g
}

/// The id of `spec` (`HEAD:path`, `HEAD~1`) and the file of its loose object.
fn loose_object(g: &GitRepo, spec: &str) -> (String, PathBuf) {
    let repo = git2::Repository::open(g.path()).unwrap();
    let id = repo.revparse_single(spec).unwrap().id().to_string();
    let file = repo.path().join("objects").join(&id[..2]).join(&id[2..]);
    assert!(file.is_file(), "{} is not loose", file.display());
    (id, file)
}

/// Replace an object's file with other bytes (object files are read-only).
fn overwrite(file: &Path, bytes: &[u8]) {
    let mut perms = std::fs::metadata(file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).unwrap();
    std::fs::write(file, bytes).unwrap();
}

fn truncate_half(file: &Path) {
    let bytes = std::fs::read(file).unwrap();
    overwrite(file, &bytes[..bytes.len() / 2]);
}

/// `check` in one of the git modes, as JSON: (exit code, findings as `rule path commit: message`).
fn git_check(g: &GitRepo, mode: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let mut args = vec!["check", "--format", "json", "--no-cache"];
    args.extend_from_slice(mode);
    args.push(g.path().to_str().unwrap());
    let o = run_timed(&args, g.path());
    let findings = if o.status.code() == Some(2) || o.stdout.is_empty() {
        Vec::new()
    } else {
        json(&o)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with("AL"))
            .map(|f| {
                format!(
                    "{} {} {}: {}",
                    f["rule"].as_str().unwrap(),
                    f["path"].as_str().unwrap(),
                    f["commit"].as_str().unwrap_or("-"),
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    let first = stderr(&o).lines().next().unwrap_or_default().to_string();
    (o.status.code(), findings, first)
}

const TRUNCATED: &str = "is truncated (its compressed data ends before the object does)";

#[test]
fn a_truncated_loose_blob_is_a_finding_at_its_path_and_commit_not_a_hang() {
    let g = two_commits();
    let head = g.commits[1].clone();
    let (blob, file) = loose_object(&g, "HEAD:data/a/provenance.yaml");
    truncate_half(&file);
    let corrupt = format!(
        "blob {blob} is corrupt: its loose object file {} {TRUNCATED}",
        file.display()
    );
    for mode in [
        &["--rev", "HEAD"][..],
        &["--all-history"],
        &["--staged", "--all-files"],
    ] {
        let (code, findings, _) = git_check(&g, mode);
        let (commit, message) = if mode[0] == "--staged" {
            ("-", format!("staged {corrupt}"))
        } else {
            (head.as_str(), corrupt.clone())
        };
        assert_eq!(
            findings,
            [format!("AL007 data/a/provenance.yaml {commit}: {message}")],
            "{mode:?}"
        );
        assert_eq!(code, Some(1), "{mode:?}");
    }
}

#[test]
fn a_truncated_loose_tree_or_commit_is_an_error_naming_it() {
    let g = two_commits();
    let head = g.commits[1].clone();
    let (tree, file) = loose_object(&g, "HEAD:data");
    truncate_half(&file);
    let want = format!(
        "commit {head}: folder `data/` (tree {tree}) is corrupt: its loose object file {} {TRUNCATED}",
        file.display()
    );
    for mode in [&["--rev", "HEAD"][..], &["--all-history"]] {
        assert_eq!(
            git_check(&g, mode),
            (Some(2), Vec::new(), want.clone()),
            "{mode:?}"
        );
    }
    // The index does not read trees, nor HEAD's where the index has the same: the staged files are
    // judged as usual.
    assert_eq!(
        git_check(&g, &["--staged", "--all-files"]),
        (Some(1), Vec::new(), String::new())
    );
    // Nothing is staged, so nothing is the change's: the damaged tree is never read.
    assert_eq!(
        git_check(&g, &["--staged"]),
        (Some(0), Vec::new(), String::new())
    );

    let g = two_commits();
    let (first, file) = loose_object(&g, "HEAD~1");
    truncate_half(&file);
    let want = format!(
        "the repository is corrupt, so its history cannot be walked safely: commit {first}: its loose object file {} {TRUNCATED} (run `git fsck`)",
        file.display()
    );
    for mode in [
        &["--all-history"][..],
        &["--rev", "HEAD~1"],
        &["--since", "2026-01-01"],
    ] {
        assert_eq!(
            git_check(&g, mode),
            (Some(2), Vec::new(), want.clone()),
            "{mode:?}"
        );
    }
    // HEAD itself, named directly, is intact and read as usual.
    assert_eq!(
        git_check(&g, &["--rev", "HEAD"]),
        (Some(1), Vec::new(), String::new())
    );
}

#[test]
fn an_edited_object_is_an_error_not_linted() {
    let g = two_commits();
    let (blob, file) = loose_object(&g, "HEAD:data/a/provenance.yaml");
    // A well-formed object whose content no longer matches its id: the legal basis removed.
    let body = PROVENANCE.replace("legal_basis: contract\n", "");
    store_loose(&file, "blob", body.as_bytes());
    let head = g.commits[1].clone();
    for mode in [
        &["--rev", "HEAD"][..],
        &["--all-history"],
        &["--staged", "--all-files"],
    ] {
        let (code, findings, _) = git_check(&g, mode);
        assert_eq!(findings.len(), 1, "{mode:?}: {findings:?}");
        let commit = if mode[0] == "--staged" {
            "-"
        } else {
            head.as_str()
        };
        let prefix = format!("AL007 data/a/provenance.yaml {commit}: ");
        assert!(
            findings[0].starts_with(&prefix)
                && findings[0].contains(&blob)
                && findings[0].contains("hash mismatch"),
            "{mode:?}: {findings:?}"
        );
        assert_eq!(code, Some(1), "{mode:?}");
    }
}

/// `two_commits`, every object moved into one pack (none loose): the pack's and its index's files.
fn packed_two_commits() -> (GitRepo, PathBuf, PathBuf) {
    let g = two_commits();
    let out = git(g.path(), &["repack", "-adq"]);
    assert!(out.status.success(), "{out:?}");
    git(g.path(), &["prune-packed"]);
    let dir = g.path().join(".git/objects/pack");
    let file = |ext: &str| {
        std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == ext))
            .unwrap()
    };
    let (pack, idx) = (file("pack"), file("idx"));
    (g, pack, idx)
}

/// Where the index `idx` puts the object `id` in its pack (version-2 index): the place of its
/// offset in the index, and the offset.
fn pack_offset(idx: &[u8], id: &str) -> (usize, usize) {
    let id = git2::Oid::from_str(id).unwrap();
    let count = u32::from_be_bytes(idx[8 + 255 * 4..8 + 256 * 4].try_into().unwrap()) as usize;
    let i = (0..count)
        .find(|i| &idx[8 + 1024 + i * 20..8 + 1024 + (i + 1) * 20] == id.as_bytes())
        .unwrap();
    let at = 8 + 1024 + count * 24 + i * 4;
    let offset = u32::from_be_bytes(idx[at..at + 4].try_into().unwrap()) as usize;
    (at, offset)
}

/// A packed blob is read in history mode as it is at a revision: damaged compressed data is the
/// same finding at its path and commit; a blob whose index entry points at another object's data
/// is a hash mismatch, never linted.
#[test]
fn a_damaged_packed_blob_is_a_finding_in_history_as_at_a_revision() {
    let (g, pack, idx) = packed_two_commits();
    let head = g.commits[1].clone();
    let repo = git2::Repository::open(g.path()).unwrap();
    let blob = |spec: &str| repo.revparse_single(spec).unwrap().id().to_string();
    let provenance = blob("HEAD:data/a/provenance.yaml");
    let card = blob("HEAD:models/m/README.md");
    let pristine = (std::fs::read(&pack).unwrap(), std::fs::read(&idx).unwrap());

    // The compressed data of the provenance record damaged in its middle.
    let (_, at) = pack_offset(&pristine.1, &provenance);
    let mut bytes = pristine.0.clone();
    for b in &mut bytes[at + 8..at + 24] {
        *b ^= 0x5a;
    }
    overwrite(&pack, &bytes);
    let (code, at_rev, _) = git_check(&g, &["--rev", "HEAD"]);
    let (history_code, in_history, _) = git_check(&g, &["--all-history"]);
    assert_eq!(at_rev.len(), 1, "{at_rev:?}");
    assert!(
        at_rev[0].starts_with(&format!(
            "AL007 data/a/provenance.yaml {head}: blob {provenance}"
        )),
        "{at_rev:?}"
    );
    assert_eq!(in_history, at_rev);
    assert_eq!((code, history_code), (Some(1), Some(1)));

    // The index's entries for the two blobs swapped: each id leads to the other's content.
    overwrite(&pack, &pristine.0);
    let mut index = pristine.1.clone();
    let (a, _) = pack_offset(&index, &provenance);
    let (b, _) = pack_offset(&index, &card);
    let (ea, eb) = (index[a..a + 4].to_vec(), index[b..b + 4].to_vec());
    index[a..a + 4].copy_from_slice(&eb);
    index[b..b + 4].copy_from_slice(&ea);
    overwrite(&idx, &index);
    for mode in [&["--rev", "HEAD"][..], &["--all-history"]] {
        let (code, findings, _) = git_check(&g, mode);
        assert!(
            !findings.is_empty()
                && findings
                    .iter()
                    .all(|f| f.starts_with("AL007 ") && f.contains("hash mismatch")),
            "{mode:?}: {findings:?}"
        );
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("AL007 data/a/provenance.yaml ") && f.contains(&provenance)),
            "{mode:?}: {findings:?}"
        );
        assert_eq!(code, Some(1), "{mode:?}");
    }
}

/// A FIFO named like a pack and its index beside the real pack is never opened for reading (which
/// would wait for a writer for ever), and the history reads as it did without it.
#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_pack_is_not_waited_on() {
    let (g, pack, _) = packed_two_commits();
    let before = git_check(&g, &["--all-history"]);
    let dir = pack.parent().unwrap();
    for name in ["pack-ffff.idx", "pack-ffff.pack"] {
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join(name))
            .status()
            .unwrap();
        assert!(made.success());
    }
    assert_eq!(git_check(&g, &["--all-history"]), before);
}

/// Write a loose object of this type and content over `file`, whatever id the file is named for:
/// a stored (uncompressed) zlib stream written by hand (header, one final block, Adler-32).
fn store_loose(file: &Path, kind: &str, body: &[u8]) {
    let mut raw = format!("{kind} {}\0", body.len()).into_bytes();
    raw.extend_from_slice(body);
    let mut z = vec![0x78, 0x01, 0x01];
    let n = u16::try_from(raw.len()).unwrap();
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&(!n).to_le_bytes());
    z.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    overwrite(file, &z);
}

/// The content of an object, as git stores it (without its header).
fn object_body(g: &GitRepo, id: &str) -> Vec<u8> {
    let repo = git2::Repository::open(g.path()).unwrap();
    let odb = repo.odb().unwrap();
    odb.read(git2::Oid::from_str(id).unwrap())
        .unwrap()
        .data()
        .to_vec()
}

/// History mode checks commits and trees against their ids itself (it reads them with libgit2's
/// check off, see crates/git/src/hash.rs): an edited one stops the walk, as in `--rev`.
#[test]
fn an_edited_tree_or_commit_is_an_error_not_walked() {
    // A tree whose entry was renamed (`a` to `b`): well-formed, but not the tree its id names.
    let g = two_commits();
    let (tree, file) = loose_object(&g, "HEAD:data");
    let body = object_body(&g, &tree);
    let at = body.windows(2).position(|w| w == b"a\0").unwrap();
    let mut edited = body.clone();
    edited[at] = b'b';
    store_loose(&file, "tree", &edited);
    for mode in [&["--rev", "HEAD"][..], &["--all-history"]] {
        let (code, findings, error) = git_check(&g, mode);
        assert_eq!((code, findings), (Some(2), Vec::new()), "{mode:?}");
        assert!(
            error.contains(&tree) && error.contains("hash mismatch"),
            "{mode:?}: {error}"
        );
    }

    // A commit whose message was edited.
    let g = two_commits();
    let (first, file) = loose_object(&g, "HEAD~1");
    let body = String::from_utf8(object_body(&g, &first)).unwrap();
    let kept = body
        .strip_suffix("Card")
        .expect("the first commit's message");
    store_loose(&file, "commit", format!("{kept}Cart").as_bytes());
    for mode in [&["--all-history"][..], &["--rev", "HEAD~1"]] {
        let (code, findings, error) = git_check(&g, mode);
        assert_eq!((code, findings), (Some(2), Vec::new()), "{mode:?}");
        assert!(
            error.contains(&first) && error.contains("hash mismatch"),
            "{mode:?}: {error}"
        );
    }
}

#[test]
fn a_missing_object_is_named_with_its_commit_and_path() {
    let g = two_commits();
    let head = g.commits[1].clone();
    let (blob, file) = loose_object(&g, "HEAD:data/a/provenance.yaml");
    std::fs::remove_file(&file).unwrap();
    for mode in [&["--rev", "HEAD"][..], &["--all-history"]] {
        let (code, findings, _) = git_check(&g, mode);
        assert_eq!(findings.len(), 1, "{mode:?}: {findings:?}");
        assert!(
            findings[0].starts_with(&format!(
                "AL007 data/a/provenance.yaml {head}: blob {blob}: object not found"
            )),
            "{mode:?}: {findings:?}"
        );
        assert_eq!(code, Some(1), "{mode:?}");
    }

    let g = two_commits();
    let head = g.commits[1].clone();
    let (tree, file) = loose_object(&g, "HEAD:data/a");
    std::fs::remove_file(&file).unwrap();
    for mode in [&["--rev", "HEAD"][..], &["--all-history"]] {
        let (code, findings, err) = git_check(&g, mode);
        assert_eq!((code, findings), (Some(2), Vec::new()), "{mode:?}");
        assert!(
            err.starts_with(&format!(
                "commit {head}: folder `data/a/` (tree {tree}): object not found"
            )),
            "{mode:?}: {err}"
        );
    }

    // A parent commit that is gone is an error, not a root commit.
    let g = two_commits();
    let (first, file) = loose_object(&g, "HEAD~1");
    std::fs::remove_file(&file).unwrap();
    let (code, _, err) = git_check(&g, &["--all-history"]);
    assert_eq!(code, Some(2));
    assert!(err.contains(&first), "{err}");
}

// ------------------------------------------------------------------------------------------------
// A repository with no commits: nothing to check, and nothing wrong.

#[test]
fn a_repository_with_no_commits_has_nothing_to_check() {
    // `git init -b trunk` (HEAD on a branch that is not the default one) and `git init`.
    let trunk = tempfile::tempdir().unwrap();
    git2::Repository::init_opts(
        trunk.path(),
        git2::RepositoryInitOptions::new().initial_head("trunk"),
    )
    .unwrap();
    let plain = GitRepo::new();
    for dir in [trunk.path(), plain.path()] {
        for (mode, note) in [
            (
                &["--all-history"][..],
                "note: no commits to check (the repository or range is empty)",
            ),
            (
                &["--rev", "HEAD"],
                "note: no commits to check (the repository has no commits yet)",
            ),
            (
                &["--range", "HEAD~1..HEAD"],
                "note: no commits to check (the repository or range is empty)",
            ),
            (
                &["--range", "main"],
                "note: no commits to check (the repository or range is empty)",
            ),
            (
                &["--since", "2026-01-01"],
                "note: no commits to check (the repository or range is empty)",
            ),
        ] {
            let mut args = vec!["check", "--format", "json"];
            args.extend_from_slice(mode);
            args.push(dir.to_str().unwrap());
            let o = run_timed(&args, dir);
            assert_eq!(stderr(&o), format!("{note}\n"), "{mode:?}");
            assert_eq!(o.status.code(), Some(0), "{mode:?}");
            assert_eq!(json(&o)["findings"], serde_json::json!([]), "{mode:?}");
        }
    }
}

/// A partial clone (`--filter=blob:none`) lacks blobs by design: each is a finding that says so
/// and how to get them, not a report of corruption.
#[test]
fn a_partial_clone_says_its_missing_blobs_are_left_out() {
    let g = two_commits();
    let ok = |dir: &Path, args: &[&str]| git(dir, args).status.success();
    assert!(ok(g.path(), &["config", "uploadpack.allowfilter", "true"]));
    let dst = tempfile::tempdir().unwrap();
    let url = format!("file://{}", g.path().display());
    assert!(ok(
        dst.path(),
        &[
            "clone",
            "-q",
            "--no-checkout",
            "--filter=blob:none",
            &url,
            "clone"
        ]
    ));
    let clone = dst.path().join("clone");
    let o = run(
        &["check", "--format", "json", "--no-cache", "--all-history"],
        &clone,
    );
    let report = json(&o);
    assert_eq!(
        finding_rows(&report),
        vec![
            "AL007 data/a/provenance.yaml:1 -",
            "AL007 models/m/README.md:1 -"
        ]
    );
    for f in report["findings"].as_array().unwrap() {
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("this is a partial clone, which leaves blobs out until they are fetched"),
            "{f}"
        );
    }
}
