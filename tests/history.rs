//! History mode on histories built in code: each finding with the commit that introduced it and the
//! commit that fixed it.

use crate::util::*;

const PROVENANCE: &str = "dataset: a\nsource: { name: Core banking, origin: internal }\npersonal_data: true\nlegal_basis: contract\nquality: { assessed: 2026-01-05 }\n";
const PROVENANCE_NO_BASIS: &str = "dataset: a\nsource: { name: Core banking, origin: internal }\npersonal_data: true\nquality: { assessed: 2026-01-05 }\n";
const CARD: &str = "---\nlicense: mit\ndatasets:\n  - a\n---\n# Model m\n";
const RECORD: &str = "id: CR-1\ndate: 2026-01-09\ntype: model-update\nsummary: Tune m.\npaths: [models/m/**]\napprovals:\n  - { name: Dana Whit, role: model-risk-officer, date: 2026-01-09 }\n";
const SELECT: &str = "CH,DP-005,DP-006,MC-006";

pub(crate) fn story() -> GitRepo {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add model, data and change record",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            ("models/m/README.md", Some(CARD)),
            ("models/m/config.yaml", Some("lr: 0.1\n")),
            ("changes/CR-1.yaml", Some(RECORD)),
        ],
    );
    g.commit(
        "2026-02-01",
        "Tune",
        &[("models/m/config.yaml", Some("lr: 0.05\n"))],
    );
    g.commit(
        "2026-02-15",
        "Tune again\n\nChange-Record: CR-1",
        &[("models/m/config.yaml", Some("lr: 0.04\n"))],
    );
    g.commit(
        "2026-03-01",
        "Drop the legal basis",
        &[("data/a/provenance.yaml", Some(PROVENANCE_NO_BASIS))],
    );
    g.commit(
        "2026-04-01",
        "Restore the legal basis",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    g.commit(
        "2027-02-01",
        "Docs",
        &[("docs/notes.md", Some("# Notes\n"))],
    );
    g.commit(
        "2027-03-01",
        "Remove the dataset",
        &[("data/a/provenance.yaml", None)],
    );
    g
}

fn check(g: &GitRepo, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["check", "--format", "json", "--select", SELECT];
    all.extend_from_slice(args);
    all.push(g.path().to_str().unwrap());
    let o = run(&all, g.path());
    (o.status.code(), json(&o))
}

#[test]
fn all_history_gives_introduced_and_fixed() {
    let g = story();
    let (code, report) = check(&g, &["--all-history"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        history_rows(&report, &g.commits),
        vec![
            "CH-002 data/a/provenance.yaml:1 c7 fixed:-",
            "DP-005 data/a/provenance.yaml:1 c4 fixed:c5",
            "DP-006 data/a/provenance.yaml:5 c6 removed:c7",
            "MC-006 models/m/README.md:4 c7 fixed:-",
            "CH-001 models/m/config.yaml:1 c2 fixed:-",
        ]
    );
    assert_eq!(report["history"]["commits"], 7);
    // The commits findings name come with who, when and why.
    let c2 = &report["history"]["commits_named"][&g.commits[1]];
    assert_eq!(c2["summary"], "Tune");
    assert_eq!(c2["date"], "2026-02-01");
    assert_eq!(
        report["history"]["commits_named"][&g.commits[2]],
        serde_json::Value::Null,
        "c3 is named by no finding"
    );
    assert_matches_report_schema(&report);
    assert_eq!(report["findings"][4]["controls"][0], "iso42001:A.6.2.5");
}

#[test]
fn range_reports_only_what_the_range_introduced() {
    let g = story();
    let base = g.commits[4].clone();
    let (code, report) = check(&g, &["--range", &format!("{base}..HEAD")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        history_rows(&report, &g.commits),
        vec![
            "CH-002 data/a/provenance.yaml:1 c7 fixed:-",
            "DP-006 data/a/provenance.yaml:5 c6 removed:c7",
            "MC-006 models/m/README.md:4 c7 fixed:-",
        ]
    );
    // A range whose only finding was fixed inside it passes.
    let (code, report) = check(
        &g,
        &["--range", &format!("{}..{}", g.commits[2], g.commits[4])],
    );
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["DP-005 data/a/provenance.yaml:1 c4 fixed:c5"]
    );
    assert_eq!(code, Some(0));
}

#[test]
fn since_a_date_matches_the_range_from_the_last_commit_before_it() {
    let g = story();
    let (_, since) = check(&g, &["--since", "2027-01-01"]);
    let (_, range) = check(&g, &["--range", &format!("{}..HEAD", g.commits[4])]);
    assert_eq!(
        history_rows(&since, &g.commits),
        history_rows(&range, &g.commits)
    );
}

#[test]
fn one_revision_is_judged_at_its_date() {
    let g = story();
    let (_, report) = check(&g, &["--rev", &g.commits[3]]);
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["DP-005 data/a/provenance.yaml:1 c4 fixed:-"]
    );
}

#[test]
fn history_output_is_identical_whatever_the_jobs() {
    let g = story();
    let a = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--jobs",
            "1",
            "--no-cache",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    let b = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--jobs",
            "2",
            "--no-cache",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn staged_checks_the_index_not_the_working_tree() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    // Stage a broken version, then fix the working tree without staging.
    g.write(&[("data/a/provenance.yaml", Some(PROVENANCE_NO_BASIS))]);
    let repo = git2::Repository::open(g.path()).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_path(std::path::Path::new("data/a/provenance.yaml"))
        .unwrap();
    index.write().unwrap();
    g.write(&[("data/a/provenance.yaml", Some(PROVENANCE))]);
    let o = run(
        &[
            "check",
            "--staged",
            "--format",
            "json",
            "--select",
            "DP-005",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        finding_rows(&json(&o)),
        vec!["DP-005 data/a/provenance.yaml:1 /legal_basis"]
    );
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "DP-005",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(0), "the working tree is fixed");
}

#[test]
fn shallow_clone_says_history_is_truncated() {
    let g = story();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", g.path().display());
    let st = std::process::Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "3",
            &url,
            clone.path().join("c").to_str().unwrap(),
        ])
        .status()
        .expect("git is installed");
    assert!(st.success());
    let dir = clone.path().join("c");
    let o = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--select",
            SELECT,
            "--as-of",
            "2027-06-01",
            dir.to_str().unwrap(),
        ],
        &dir,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("shallow clone: history is truncated at"),
        "{err}"
    );
    let report = json(&o);
    let boundary = report["history"]["truncated_at"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(boundary, g.commits[4], "depth 3 keeps c5..c7");
    assert_eq!(report["history"]["commits"], 2);
    // What stood at the boundary is reported as found there, never as clean history.
    assert_eq!(
        history_rows(&report, &g.commits),
        vec![
            "CH-002 data/a/provenance.yaml:1 c7 fixed:-",
            "DP-006 data/a/provenance.yaml:5 c6 removed:c7",
            "MC-006 models/m/README.md:4 c7 fixed:-",
        ]
    );
}

#[test]
fn empty_repository_and_a_path_filter_that_matches_nothing() {
    let g = GitRepo::new();
    let o = run(
        &["check", "--all-history", g.path().to_str().unwrap()],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no commits to check"));
    let g = story();
    let o = run(
        &["check", "--path", "nothing/**", g.path().to_str().unwrap()],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no evidence file matches --path nothing/**")
    );
}

#[test]
fn renames_lfs_pointers_and_binary_files_in_history() {
    let mut g = GitRepo::new();
    g.commit("2026-01-10", "Add", &[
        ("data/a/provenance.yaml", Some(PROVENANCE)),
        ("models/m/model.safetensors", Some("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")),
        ("models/m/README.md", Some(CARD)),
    ]);
    // A rename is not a deletion; an LFS weights update without a card change is a co-change finding.
    g.commit(
        "2026-01-11",
        "Move data",
        &[
            ("data/a/provenance.yaml", None),
            ("data/b/provenance.yaml", Some(PROVENANCE)),
        ],
    );
    g.commit("2026-01-12", "New weights", &[("models/m/model.safetensors", Some("version https://git-lfs.github.com/spec/v1\noid sha256:5d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12346\n"))]);
    let o = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--select",
            "CH",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(
        history_rows(&json(&o), &g.commits),
        vec!["CH-001 models/m/model.safetensors:1 c3 fixed:-"]
    );
}

#[test]
fn hook_install_writes_an_executable_hook() {
    let g = story();
    let o = run(&["hook", "install", g.path().to_str().unwrap()], g.path());
    assert_eq!(o.status.code(), Some(0));
    let hook = g.path().join(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(text.contains("aimslint check --staged"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }
    let o = run(&["hook", "install", g.path().to_str().unwrap()], g.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "an existing hook is kept without --force"
    );
    let o = run(
        &["hook", "install", "--pre-push", g.path().to_str().unwrap()],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(g.path().join(".git/hooks/pre-push"))
            .unwrap()
            .contains("--range")
    );
}

#[test]
fn merge_commits_follow_the_first_parent_and_detached_head_works() {
    let g = story();
    let dir = g.path();
    // A side branch from c4 that fixes the legal basis, merged into a branch from c4 that does not.
    assert!(
        git(dir, &["checkout", "-q", "-b", "side", &g.commits[3]])
            .status
            .success()
    );
    std::fs::write(dir.join("data/a/provenance.yaml"), PROVENANCE).unwrap();
    assert!(
        git(dir, &["commit", "-qam", "Fix on a side branch"])
            .status
            .success()
    );
    assert!(
        git(dir, &["checkout", "-q", "-b", "trunk", &g.commits[3]])
            .status
            .success()
    );
    std::fs::write(dir.join("docs.md"), "# Docs\n").unwrap();
    assert!(git(dir, &["add", "."]).status.success());
    assert!(
        git(dir, &["commit", "-qm", "Docs on trunk"])
            .status
            .success()
    );
    assert!(
        git(dir, &["merge", "-q", "--no-ff", "-m", "Merge side", "side"])
            .status
            .success()
    );
    let o = run(
        &[
            "check",
            "--range",
            &format!("{}..HEAD", g.commits[3]),
            "--format",
            "json",
            "--select",
            "DP-005",
            dir.to_str().unwrap(),
        ],
        dir,
    );
    let report = json(&o);
    // First parent: the trunk commit, then the merge, which brings the fix: DP-005 was present at
    // the base, so nothing is introduced, and the run passes.
    assert_eq!(report["history"]["commits"], 2, "{report}");
    assert_eq!(o.status.code(), Some(0));
    // Detached HEAD.
    assert!(
        git(dir, &["checkout", "-q", "--detach", &g.commits[3]])
            .status
            .success()
    );
    let o = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--select",
            "DP-005",
            dir.to_str().unwrap(),
        ],
        dir,
    );
    assert_eq!(
        history_rows(&json(&o), &g.commits),
        vec!["DP-005 data/a/provenance.yaml:1 c4 fixed:-"]
    );
}

#[cfg(unix)]
#[test]
fn submodules_and_non_utf8_names_are_reported_not_read() {
    use std::os::unix::ffi::OsStrExt;
    let sub = GitRepo::new();
    std::fs::write(sub.path().join("x.md"), "# x\n").unwrap();
    assert!(git(sub.path(), &["add", "."]).status.success());
    assert!(git(sub.path(), &["commit", "-qm", "x"]).status.success());
    let g = GitRepo::new();
    let dir = g.path();
    let bad = dir.join(std::ffi::OsStr::from_bytes(b"data/caf\xe9"));
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("provenance.yaml"), "dataset: x\n").unwrap();
    assert!(
        git(
            dir,
            &[
                "submodule",
                "-q",
                "add",
                sub.path().to_str().unwrap(),
                "vendor/sub"
            ]
        )
        .status
        .success()
    );
    assert!(git(dir, &["add", "."]).status.success());
    assert!(git(dir, &["commit", "-qm", "Add"]).status.success());
    for mode in ["--all-history", "--rev=HEAD"] {
        let o = run(
            &[
                "check",
                mode,
                "--format",
                "json",
                "--fail-on",
                "never",
                dir.to_str().unwrap(),
            ],
            dir,
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{mode}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let rows: Vec<String> = finding_rows(&json(&o))
            .into_iter()
            .filter(|r| r.starts_with("AL"))
            .collect();
        assert_eq!(
            rows,
            vec!["AL007 data/caf\u{fffd}/provenance.yaml:1 -"],
            "{mode}"
        );
    }
}

#[test]
fn key_references_follow_the_values_as_documents_come_and_go() {
    let card = "---\nlicense: mit\ndatasets:\n  - b\n---\n# Model m\n";
    let named = |n: &str| format!("dataset: {n}\nsource: {{ name: Export, origin: internal }}\n");
    let (a, b, c) = (named("a"), named("b"), named("c"));
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Card before its data",
        &[
            ("models/m/README.md", Some(card)),
            ("data/x/provenance.yaml", Some(&a)),
        ],
    );
    g.commit(
        "2026-01-11",
        "Add b",
        &[("data/y/provenance.yaml", Some(&b))],
    );
    g.commit(
        "2026-01-12",
        "A second b",
        &[("data/z/provenance.yaml", Some(&b))],
    );
    g.commit(
        "2026-01-13",
        "Rename y to c",
        &[("data/y/provenance.yaml", Some(&c))],
    );
    g.commit(
        "2026-01-14",
        "Drop the last b",
        &[("data/z/provenance.yaml", None)],
    );
    let all = [
        "check",
        "--format",
        "json",
        "--select",
        "MC-006",
        "--all-history",
    ];
    let o = run(
        &[&all[..], &[g.path().to_str().unwrap()]].concat(),
        g.path(),
    );
    // Resolved when the first `b` appears, still resolved while one remains, broken when the last goes.
    assert_eq!(
        history_rows(&json(&o), &g.commits),
        vec![
            "MC-006 models/m/README.md:4 c1 fixed:c2",
            "MC-006 models/m/README.md:4 c5 fixed:-",
        ]
    );
}

/// A lookup through a list (`by = "/suppliers/*/models"`): the base model's finding ends when a
/// supplier lists it, comes back when the entry goes, whichever supplier of the register holds it.
#[test]
fn key_references_through_lists_follow_the_register() {
    let card = "---\nlicense: other\nbase_model: org/base-7b\n---\n# Model m\n";
    let register = |models: &str| {
        format!(
            "suppliers:\n  - name: Other\n    models: [x/y]\n  - name: Org\n    models: [{models}]\n"
        )
    };
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Card before its supplier",
        &[("models/m/README.md", Some(card))],
    );
    g.commit(
        "2026-01-11",
        "Register the supplier",
        &[(
            "aims/suppliers.yaml",
            Some(&register("org/other, org/base-7b")),
        )],
    );
    g.commit(
        "2026-01-12",
        "The supplier no longer lists the model",
        &[("aims/suppliers.yaml", Some(&register("org/other")))],
    );
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "SUP-001",
            "--all-history",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(
        history_rows(&json(&o), &g.commits),
        vec![
            "SUP-001 models/m/README.md:3 c3 fixed:-",
            "SUP-001 models/m/README.md:3 c1 fixed:c2",
        ]
    );
}

/// `--all-history` as JSON on the story's rules, with `extra` arguments.
fn all_history(g: &GitRepo, extra: &[&str]) -> String {
    let mut a = vec![
        "check",
        "--format",
        "json",
        "--select",
        SELECT,
        "--all-history",
    ];
    a.extend_from_slice(extra);
    a.push(g.path().to_str().unwrap());
    stdout(&run(&a, g.path()))
}

#[test]
fn a_second_run_over_the_same_history_reads_the_cache_and_only_then() {
    let mut g = story();
    let first = all_history(&g, &[]);
    let dir = g.path().join(".git/aimslint/history");
    let kept: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(kept.len(), 1, "one entry kept");
    let entry = kept[0].path();
    let text = entry_json(&std::fs::read(&entry).unwrap());
    assert!(text.contains("legal_basis"), "{text}");
    // The entry was read, not recomputed: a recomputed result is written to a new file renamed
    // over the entry, so the same file (same inode) means nothing was written.
    #[cfg(unix)]
    let inode = || std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&entry).unwrap());
    #[cfg(unix)]
    let before = inode();
    assert_eq!(
        all_history(&g, &[]),
        first,
        "the second run gives the same report"
    );
    #[cfg(unix)]
    assert_eq!(
        inode(),
        before,
        "the entry was rewritten, so it was not read"
    );
    assert_eq!(entry_json(&std::fs::read(&entry).unwrap()), text);

    // Not with --no-cache, other options, or a history with one more commit.
    assert_eq!(all_history(&g, &["--no-cache"]), first);
    all_history(&g, &["--jobs", "1", "--ignore", "CH-004"]);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "other options, other entry"
    );
    g.commit(
        "2027-04-01",
        "More docs",
        &[("docs/more.md", Some("# More\n"))],
    );
    let after = all_history(&g, &[]);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        3,
        "one more commit, another entry"
    );

    // An entry that cannot be read is ignored, and replaced.
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        std::fs::write(e.path(), "{ not json").unwrap();
    }
    assert_eq!(all_history(&g, &[]), after);
}

/// The one entry of the history cache.
fn cache_entry(g: &GitRepo) -> std::path::PathBuf {
    let kept: Vec<_> = std::fs::read_dir(g.path().join(".git/aimslint/history"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    kept[0].clone()
}

#[test]
fn an_edited_cache_entry_is_recomputed_not_trusted() {
    let g = story();
    let first = all_history(&g, &[]);
    let entry = cache_entry(&g);
    let bytes = std::fs::read(&entry).unwrap();
    let (header, _) = bytes.split_at(bytes.iter().position(|b| *b == b'\n').unwrap() + 1);
    let text = entry_json(&bytes);
    // Still valid, deflated JSON for the same key under the same header, but not what was
    // written: findings dropped, a message changed; or the file cut short.
    let start = text.find("\"findings\":[").unwrap() + "\"findings\":[".len();
    let end = text.find("],\"artifacts\"").unwrap();
    let repack = |json: &str| {
        [
            header,
            &miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 1)[..],
        ]
        .concat()
    };
    let edits = [
        repack(&format!("{}{}", &text[..start], &text[end..])),
        repack(&text.replace("legal_basis", "LEGAL_BASIS")),
        bytes[..bytes.len() / 2].to_vec(),
    ];
    for edited in edits {
        std::fs::write(&entry, &edited).unwrap();
        assert_eq!(all_history(&g, &[]), first);
        // ...and the recomputed result replaced it.
        assert_eq!(std::fs::read(&entry).unwrap(), bytes);
    }
}

/// The JSON of a history cache entry: its body (after the header line) inflated.
fn entry_json(bytes: &[u8]) -> String {
    let nl = bytes.iter().position(|b| *b == b'\n').unwrap();
    String::from_utf8(miniz_oxide::inflate::decompress_to_vec(&bytes[nl + 1..]).unwrap()).unwrap()
}

#[cfg(unix)]
#[test]
fn a_symlinked_cache_directory_is_not_followed() {
    for link in [".git/aimslint", ".git/aimslint/history"] {
        let g = story();
        let elsewhere = tempfile::tempdir().unwrap();
        // Files where the link leads, named as entries are: none may be pruned or overwritten.
        for i in 0..20 {
            std::fs::write(elsewhere.path().join(format!("{i:032x}.json")), "precious").unwrap();
        }
        let at = g.path().join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), &at).unwrap();
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--select",
            SELECT,
            "--all-history",
        ];
        args.push(g.path().to_str().unwrap());
        let o = run(&args, g.path());
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!(
                "note: could not keep the result in the history cache: {} is a symlink; the history cache is not used (remove it to use the cache)\n",
                std::fs::canonicalize(g.path())
                    .unwrap()
                    .join(link)
                    .display()
            )
        );
        assert_eq!(stdout(&o), all_history(&g, &["--no-cache"]));
        let mut names: Vec<String> = std::fs::read_dir(elsewhere.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let want: Vec<String> = (0..20).map(|i| format!("{i:032x}.json")).collect();
        assert_eq!(names, want);
        for n in &names {
            assert_eq!(
                std::fs::read_to_string(elsewhere.path().join(n)).unwrap(),
                "precious"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_cache_entry_does_not_block_the_run() {
    let g = story();
    let first = all_history(&g, &[]);
    let entry = cache_entry(&g);
    std::fs::remove_file(&entry).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&entry)
        .status()
        .unwrap();
    assert!(made.success());
    let o = aimslint()
        .args([
            "check",
            "--format",
            "json",
            "--select",
            SELECT,
            "--all-history",
            g.path().to_str().unwrap(),
        ])
        .current_dir(g.path())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "killed: the FIFO was opened blocking"
    );
    assert_eq!(stdout(&o), first);
    // The recomputed result took the FIFO's place.
    assert!(std::fs::symlink_metadata(&entry).unwrap().is_file());
}

/// A history of large versions is judged a few versions at a time (windows end by bytes, not
/// only by commit count): introduced and fixed commits are still exact across window ends.
#[test]
fn large_versions_keep_exact_introduced_and_fixed_across_windows() {
    let mut g = GitRepo::new();
    let body = "Some paragraph of model card text that goes on for a while.\n".repeat(20_000);
    let mut ids = Vec::new();
    for i in 0..40 {
        let placeholder = if (10..30).contains(&i) {
            "[More Information Needed]"
        } else {
            "Contact the risk analytics team at risk@example.com."
        };
        let card = format!(
            "---\nlicense: mit\n---\n# Card v{i}\n\n## Model Card Contact\n\n{placeholder}\n\n## Notes\n\n{body}"
        );
        ids.push(g.commit(
            &format!("2026-01-{:02}", 1 + i % 28),
            &format!("v{i}"),
            &[("models/m/README.md", Some(&card))],
        ));
    }
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "MC-009",
            "--all-history",
            "--no-cache",
            "--fail-on",
            "never",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    let report = json_ok(&o);
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["MC-009 models/m/README.md:6 c11 fixed:c31"]
    );
}

/// A dataset card's placeholder in its privacy section is one gap (DC-008 absorbs DC-002 there)
/// in history as in the working tree, through versions that move it, until the section is filled.
#[test]
fn one_gap_one_finding_across_a_history_of_versions() {
    let card = |extra: &str, privacy: &str| {
        format!(
            "---\nlicense: cc0-1.0\ntask_categories: [summarization]\n---\n# Dataset Card for Demo\n{extra}\n## Dataset Creation\n\nCollected from public mailing lists between 2001 and 2004 by the curators, deduplicated and filtered for length before release.\n\n### Personal and Sensitive Information\n\n{privacy}\n\n## Considerations for Using the Data\n\nThe emails are from one company and one era; models trained on them inherit its register and blind spots, so evaluate on your own data first.\n\n### Licensing Information\n\nCC0 1.0.\n"
        )
    };
    let mut g = GitRepo::new();
    let v1 = card("", "[More Information Needed]");
    let v2 = card("\nA summary added above.\n", "[More Information Needed]");
    let v3 = card(
        "\nA summary added above.\n",
        "Sender names and addresses were removed before release.",
    );
    g.commit(
        "2026-01-10",
        "Add card",
        &[("datasets/demo/README.md", Some(&v1))],
    );
    g.commit(
        "2026-01-11",
        "Summary",
        &[("datasets/demo/README.md", Some(&v2))],
    );
    g.commit(
        "2026-01-12",
        "Privacy",
        &[("datasets/demo/README.md", Some(&v3))],
    );
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--select",
            "DC-002,DC-008",
            "--all-history",
            "--no-cache",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    let report = json(&o);
    assert_eq!(
        history_rows(&report, &g.commits),
        ["DC-008 datasets/demo/README.md:15 c1 fixed:c3"]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("[also DC-002: "), "{message}");
}

/// A `.dvc` file pinning `file` at `md5`.
fn dvc_pin(file: &str, md5: &str) -> String {
    format!("outs:\n- md5: {md5}\n  size: 1958115\n  hash: md5\n  path: {file}\n")
}

#[test]
fn a_model_kept_in_dvc_is_changed_when_its_pin_changes_and_data_pins_are_not_model_changes() {
    let mut g = GitRepo::new();
    let lock = |model: &str| {
        format!(
            "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: {model}\n"
        )
    };
    g.commit(
        "2026-01-10",
        "Add model and data",
        &[
            ("models/m/README.md", Some(CARD)),
            (
                "models/m/weights.pt.dvc",
                Some(&dvc_pin("weights.pt", "d1f6e055f7f5e2827fcfae68d9b64d4c")),
            ),
            (
                "data/raw.csv.dvc",
                Some(&dvc_pin("raw.csv", "22a1a2931c8370d3aeedd7183606fd7f")),
            ),
            ("dvc.lock", Some(&lock("a1a59f55636170fb56e0c6afd3e28fa4"))),
        ],
    );
    // c2: new data only — no model change.
    g.commit(
        "2026-01-11",
        "New data",
        &[(
            "data/raw.csv.dvc",
            Some(&dvc_pin("raw.csv", "33a1a2931c8370d3aeedd7183606fd7f")),
        )],
    );
    // c3: a retrained model in DVC without its card: CH-001 at the .dvc file, naming the weights.
    g.commit(
        "2026-01-12",
        "Retrain",
        &[(
            "models/m/weights.pt.dvc",
            Some(&dvc_pin("weights.pt", "e1f6e055f7f5e2827fcfae68d9b64d4c")),
        )],
    );
    // c4: the pipeline re-run changes the root model.pkl pinned in dvc.lock.
    g.commit(
        "2026-01-13",
        "Re-run the pipeline",
        &[("dvc.lock", Some(&lock("b1a59f55636170fb56e0c6afd3e28fa4")))],
    );
    // c5: reformatting a .dvc file (same pin) changes no model.
    g.commit(
        "2026-01-14",
        "Reorder fields",
        &[(
            "models/m/weights.pt.dvc",
            Some("outs:\n- path: weights.pt\n  hash: md5\n  md5: e1f6e055f7f5e2827fcfae68d9b64d4c\n  size: 1958115\n"),
        )],
    );
    // c6: a retrained model with its card updated.
    g.commit(
        "2026-01-15",
        "Retrain with card",
        &[
            (
                "models/m/weights.pt.dvc",
                Some(&dvc_pin("weights.pt", "f1f6e055f7f5e2827fcfae68d9b64d4c")),
            ),
            (
                "models/m/README.md",
                Some(&CARD.replace("# Model m", "# Model m v2")),
            ),
        ],
    );
    // c7: a .dvc file that stops parsing hides its pin: no model change either.
    g.commit(
        "2026-01-16",
        "Break the pin",
        &[("models/m/weights.pt.dvc", Some("outs: [\n"))],
    );
    let o = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--select",
            "CH-001",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    let report = json(&o);
    assert_eq!(
        history_rows(&report, &g.commits),
        vec![
            "CH-001 dvc.lock:6 c4 fixed:-",
            "AL001 models/m/weights.pt.dvc:1 c7 fixed:-",
            "CH-001 models/m/weights.pt.dvc:5 c3 fixed:-",
        ]
    );
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[2].starts_with(
            "commit \"Retrain\" changes models/m/weights.pt (pinned in models/m/weights.pt.dvc) without"
        ),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("model.pkl (pinned in dvc.lock)"),
        "{messages:?}"
    );
}
