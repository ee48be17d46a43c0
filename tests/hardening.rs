//! Hostile input: no panic, no hang, nothing read outside the repository, every problem reported
//! at its file and line. Each test names the class of input it holds the binary to.

use crate::util::*;

fn check(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    check_report(dir, "2026-06-01", extra)
}

fn rows_for(report: &serde_json::Value, path: &str) -> Vec<String> {
    finding_rows(report)
        .into_iter()
        .filter(|r| r.contains(path))
        .collect()
}

#[test]
fn invalid_utf8_before_a_nul_is_a_finding_in_every_mode_not_a_crash() {
    let card: &[u8] = b"---\nlicense: mit\n---\n# Card \xff\xfe\xfd title\nMore \x00 here\n";
    let mut repo = GitRepo::new();
    repo.write(&[("aims/policy.md", Some("# Policy\n"))]);
    std::fs::create_dir_all(repo.path().join("models/a")).unwrap();
    std::fs::write(repo.path().join("models/a/README.md"), card).unwrap();
    repo.commit("2026-05-01", "add a damaged card", &[]);
    for mode in [
        &[][..],
        &["--staged", "--all-files"][..],
        &["--all-history"][..],
        &["--rev", "HEAD"][..],
    ] {
        let o = check(repo.path(), mode);
        assert_eq!(o.status.code(), Some(0), "{mode:?}: {}", stderr(&o));
        let report = json(&o);
        // The NUL is on line 5, after three bytes that are not UTF-8 on line 4.
        assert_eq!(
            rows_for(&report, "models/a/README.md"),
            vec!["AL004 models/a/README.md:5 -"],
            "{mode:?}"
        );
    }
    // The human format shows the line, cut at the offending byte's line.
    let o = run(
        &["check", ".", "--as-of", "2026-06-01", "--fail-on", "never"],
        repo.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("models/a/README.md:5:"),
        "{}",
        stdout(&o)
    );
    // Both reports read the same tree.
    for kind in ["crosswalk", "soa"] {
        let o = run(&["report", kind, ".", "--as-of", "2026-06-01"], repo.path());
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", stderr(&o));
    }
}

#[test]
fn a_value_with_non_ascii_text_is_cut_between_characters() {
    let dir = temp_repo(&[(
        "aims/policy.md",
        "---\napproved_by: Zoë Müller\napproved: [\"Zoë Müller-Łukasiewicz-Ünal-Østergaard\", \"Żaneta Ćwikłowska-Übelhör\"]\nnext_review: 2027-01-01\n---\n# Policy\n"
            .as_bytes(),
    )]);
    let o = check(dir.path(), &["--select", "POL-002"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "POL-002");
    assert_eq!(f["line"], 3);
    assert!(f["message"].as_str().unwrap().contains('…'), "{f}");
}

#[test]
fn a_panic_on_one_file_is_contained_as_al013_and_exits_3() {
    let dir = temp_repo(&[
        ("models/a/README.md", b"---\nlicense: mit\n---\n# Card\n"),
        ("models/b/README.md", b"---\nlicense: mit\n---\n# Card\n"),
    ]);
    let o = aimslint()
        .args(["check", ".", "--format", "json", "--as-of", "2026-06-01"])
        .env("AIMSLINT_DEBUG_PANIC_ON", "models/a/README.md")
        .env_remove("RUST_BACKTRACE")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(
        rows_for(&report, "models/a/"),
        vec!["AL013 models/a/README.md:1 -"]
    );
    // The other card was still judged.
    assert!(!rows_for(&report, "models/b/").is_empty());
    // One line on stderr, no backtrace.
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("aimslint: internal error at "), "{err}");
}

#[cfg(unix)]
#[test]
fn fifos_are_never_opened_for_reading() {
    let dir = temp_repo(&[("aims/policy.md", b"# Policy\n")]);
    std::fs::create_dir_all(dir.path().join("data/x")).unwrap();
    let fifo = |p: &std::path::Path| {
        let ok = std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    fifo(&dir.path().join("data/x/provenance.yaml"));
    // As evidence: a finding, at once.
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(
        rows_for(&report, "provenance"),
        vec!["AL007 data/x/provenance.yaml:1 -"]
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("a FIFO")),
        "{report}"
    );
    // As configuration: a usage error, at once.
    fifo(&dir.path().join("aimslint.toml"));
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a regular file (it is a FIFO)"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn a_config_symlinked_out_of_the_repository_is_refused_and_never_shown() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    std::fs::write(&secret, "AWS_SECRET_ACCESS_KEY=hunter2\n[x\n").unwrap();
    let dir = temp_repo(&[("aims/policy.md", b"# Policy\n")]);
    std::os::unix::fs::symlink(&secret, dir.path().join("aimslint.toml")).unwrap();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("symlink points outside the repository"),
        "{err}"
    );
    assert!(
        !err.contains("hunter2") && !stdout(&o).contains("hunter2"),
        "{err}"
    );
    // A device is not a file either.
    std::fs::remove_file(dir.path().join("aimslint.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("aimslint.toml")).unwrap();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    // A pack directory outside the repository is refused at its line, before anything is read.
    std::fs::remove_file(dir.path().join("aimslint.toml")).unwrap();
    std::fs::write(
        dir.path().join("aimslint.toml"),
        format!(
            "[packs]\nmine = {{ path = \"../outside\" }}\ntheirs = {{ path = \"{}\" }}\n",
            outside.path().display()
        ),
    )
    .unwrap();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("aimslint.toml:2:"), "{err}");
    assert!(err.contains("aimslint.toml:3:"), "{err}");
    assert!(err.contains("outside the repository"), "{err}");
}

#[test]
fn every_config_problem_is_reported_at_once_at_its_line() {
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[rules]\nselct = [\"MC\"]\n\n[files]\nexclude = [\"data/[**\"]\nmax_file_bytes = 0\n\n[artifacts]\nmodel-crad = [\"models/**/README.md\"]\n",
    )]);
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for (line, what) in [
        (2, "unknown field `selct`"),
        (5, "invalid glob"),
        (6, "max_file_bytes must be between 1 and"),
    ] {
        assert!(
            err.contains(&format!("aimslint.toml:{line}:")),
            "line {line}: {err}"
        );
        assert!(err.contains(what), "{what}: {err}");
    }
    // Kinds are checked against the packs once the file itself is sound.
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[files]\nmax_file_bytes = 18446744073709551615\n",
    )]);
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[artifacts]\nmodel-crad = [\"models/**/README.md\"]\n",
    )]);
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("aimslint.toml:2:"), "{err}");
    assert!(err.contains("did you mean `model-card`?"), "{err}");
}

#[test]
fn packs_commands_honour_config() {
    let dir = temp_repo(&[("aimslint.toml", b"[packs]\nnot-a-pack = \"^1\"\n")]);
    let cfg = dir.path().join("aimslint.toml");
    for cmd in [&["packs", "list"][..], &["explain", "MC-003"][..]] {
        let mut args = cmd.to_vec();
        args.extend(["--config", cfg.to_str().unwrap()]);
        let o = run(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("not-a-pack"), "{cmd:?}: {}", stderr(&o));
    }
}

#[test]
fn control_characters_in_file_names_are_escaped_in_human_output() {
    let name = "models/evil\u{1b}[31m\n::error::x/README.md";
    let dir = temp_repo(&[
        (name, b"---\nlicense: mit\n---\n# Card\n"),
        // Escapes in a file's text reach the snippet, never the terminal.
        (
            "models/b/README.md",
            b"---\nlicense: mit\n---\n# Card \x1b[2J\x1b]0;pwned\x07 \r::error::y \x00\n",
        ),
    ]);
    let o = run(
        &["check", ".", "--as-of", "2026-06-01", "--fail-on", "never"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("::error::")), "{out}");
    assert!(
        out.contains("\"models/evil\\033[31m\\n::error::x/README.md\""),
        "{out}"
    );
    assert!(out.contains("models/b/README.md:4:"), "{out}");
    assert!(
        !out.contains('\r') && !out.contains('\u{7}') && !out.contains('\0'),
        "{out}"
    );
}

#[test]
fn findings_on_one_huge_line_print_a_window_not_the_line() {
    // A provenance file whose list of processing steps is one 2 MB line.
    let items: Vec<String> = (0..200_000).map(|i| format!("s{i}")).collect();
    let text = format!(
        "dataset: x\nprocessing: [{}]\nlicense: [{}]\n",
        items.join(", "),
        items.join(", ")
    );
    let dir = temp_repo(&[("data/x/provenance.yaml", text.as_bytes())]);
    let o = run(
        &["check", ".", "--as-of", "2026-06-01", "--fail-on", "never"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let findings = out.matches("controls:").count();
    assert!(findings > 0, "{out}");
    // A few hundred bytes per finding, not the 2 MB line.
    assert!(
        out.len() < findings * 4096,
        "{} bytes for {findings} findings",
        out.len()
    );
}

#[cfg(unix)]
#[test]
fn a_staged_symlink_is_reported_not_judged_as_its_target_name() {
    let mut repo = GitRepo::new();
    repo.commit(
        "2026-05-01",
        "start",
        &[("aims/policy.md", Some("# Policy\n"))],
    );
    std::fs::create_dir_all(repo.path().join("models/a")).unwrap();
    std::os::unix::fs::symlink("/etc/shadow", repo.path().join("models/a/README.md")).unwrap();
    // One to a file the index holds is no finding: that file is judged at its own path.
    std::os::unix::fs::symlink(
        "../../aims/policy.md",
        repo.path().join("models/a/POLICY.md"),
    )
    .unwrap();
    // One at a path a kind claims is, as the card is not read through it.
    std::os::unix::fs::symlink(
        "../../aims/policy.md",
        repo.path().join("models/a/MODEL_CARD.md"),
    )
    .unwrap();
    let added = git(
        repo.path(),
        &[
            "add",
            "models/a/README.md",
            "models/a/POLICY.md",
            "models/a/MODEL_CARD.md",
        ],
    );
    assert!(added.status.success());
    let o = check(repo.path(), &["--staged"]);
    let report = json_ok(&o);
    assert_eq!(
        rows_for(&report, "models/a/"),
        vec![
            "AL007 models/a/MODEL_CARD.md:1 -",
            "AL007 models/a/README.md:1 -"
        ]
    );
    assert!(
        stdout(&o).contains("a symlink to `/etc/shadow`, outside the repository; not followed"),
        "{}",
        stdout(&o)
    );
}

/// In a commit a symlink is a path, not content. One to a file the commit holds loses nothing (that
/// file is judged at its own path) and is not reported; one that leads outside the repository or
/// to nothing the commit holds is, with where it leads.
#[cfg(unix)]
#[test]
fn a_symlink_in_history_is_reported_only_when_it_leads_nowhere_the_commit_holds() {
    let mut repo = GitRepo::new();
    repo.commit(
        "2026-05-01",
        "start",
        &[("notes/AGENTS.md", Some("# Notes\n\nHow we work.\n"))],
    );
    std::fs::create_dir_all(repo.path().join("docs")).unwrap();
    for (target, at) in [
        ("../notes/AGENTS.md", "docs/CLAUDE.md"),
        ("./../notes/./AGENTS.md", "docs/AGENTS.md"),
        ("/etc/shadow", "docs/OUT.md"),
        ("../../x.md", "docs/UP.md"),
        ("gone.md", "docs/GONE.md"),
        // A path a kind claims (a model card whatever it holds) is not read through a link.
        ("../notes/AGENTS.md", "docs/MODEL_CARD.md"),
    ] {
        std::os::unix::fs::symlink(target, repo.path().join(at)).unwrap();
    }
    repo.commit("2026-05-02", "link the notes", &[]);
    let o = check(repo.path(), &["--all-history"]);
    let report = json_ok(&o);
    let mut rows: Vec<String> = history_rows(&report, &repo.commits)
        .into_iter()
        .filter(|r| r.contains("docs/"))
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            "AL007 docs/GONE.md:1 c2 fixed:-",
            "AL007 docs/MODEL_CARD.md:1 c2 fixed:-",
            "AL007 docs/OUT.md:1 c2 fixed:-",
            "AL007 docs/UP.md:1 c2 fixed:-",
        ]
    );
    let out = stdout(&o);
    assert!(
        out.contains(
            "docs/OUT.md: a symlink to `/etc/shadow`, outside the repository; not followed"
        ),
        "{out}"
    );
    assert!(
        out.contains("docs/UP.md: a symlink to `../../x.md`, outside the repository"),
        "{out}"
    );
    assert!(
        out.contains("docs/GONE.md: a symlink to `docs/gone.md`, which the commit does not hold"),
        "{out}"
    );
    assert!(
        out.contains("docs/MODEL_CARD.md: a symlink to `notes/AGENTS.md`, judged at its own path"),
        "{out}"
    );
}

#[test]
fn a_duplicate_json_key_is_reported_at_the_second_key() {
    let dir = temp_repo(&[(
        "data/x/provenance.json",
        b"{\n  \"dataset\": \"x\",\n  \"license\": \"MIT\",\n  \"license\": \"proprietary\"\n}\n",
    )]);
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json(&o);
    assert_eq!(
        rows_for(&report, "provenance"),
        vec!["AL001 data/x/provenance.json:4 -"]
    );
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate key `license`"),
        "{report}"
    );
}

#[cfg(unix)]
#[test]
fn unknown_pack_names_are_shown_at_their_line_and_pack_files_must_be_regular() {
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[rules]\nignore = []\n\n[packs]\nnist-ai-rmff = \"^1\"\n",
    )]);
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("unknown pack `nist-ai-rmff`"), "{err}");
    assert!(err.contains("aimslint.toml:5:"), "{err}");
    // A pack directory holding a symlink (here to a secret) or a FIFO is refused, unread.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "hunter2").unwrap();
    let dir = temp_repo(&[
        ("aims/policy.md", b"# Policy\n"),
        ("mypack/pack.toml", b"id = \"mine\"\n"),
    ]);
    std::os::unix::fs::symlink(
        outside.path().join("secret"),
        dir.path().join("mypack/rules.toml"),
    )
    .unwrap();
    let o = check(dir.path(), &["--pack", "mypack"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("a symlink in a policy pack"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    std::fs::remove_file(dir.path().join("mypack/rules.toml")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("mypack/rules.toml"))
        .status()
        .unwrap();
    assert!(made.success());
    let o = check(dir.path(), &["--pack", "mypack"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a regular file (it is a FIFO)"),
        "{}",
        stderr(&o)
    );
}
