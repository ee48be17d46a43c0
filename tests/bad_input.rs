//! Bad input gets a clear finding at its file and line: never a panic, never a silent skip.

use crate::util::*;

fn check_json(dir: &std::path::Path) -> serde_json::Value {
    json_ok(&check_report(dir, "2026-06-01", &[]))
}

fn core_rows(report: &serde_json::Value) -> Vec<String> {
    finding_rows(report)
        .into_iter()
        .filter(|r| r.starts_with("AL"))
        .collect()
}

#[test]
fn malformed_yaml_json_and_front_matter_are_findings_with_lines() {
    let dir = temp_repo(&[
        (
            "data/a/provenance.yaml",
            b"dataset: a\nsource:\n  name: x\n   origin: bad indent\n",
        ),
        ("data/b/provenance.json", b"{\n  \"dataset\": \"b\",\n}\n"),
        (
            "models/c/README.md",
            b"---\nlicense: mit\ntags: [unclosed\n---\n# Card\n",
        ),
        ("models/d/README.md", b"---\nlicense: mit\n# never closed\n"),
    ]);
    let report = check_json(dir.path());
    assert_eq!(
        core_rows(&report),
        vec![
            "AL001 data/a/provenance.yaml:4 -",
            "AL001 data/b/provenance.json:3 -",
            "AL001 models/c/README.md:3 -",
            "AL001 models/d/README.md:1 -",
        ]
    );
    let statuses: Vec<&str> = report["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    // A card whose front matter is broken is still checked: its Markdown sections are judged.
    assert_eq!(statuses, vec!["error", "error", "checked", "checked"]);
}

#[test]
fn alias_bomb_deep_nesting_binary_invalid_utf8_and_lfs_pointers() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let deep = format!("dataset: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let dir = temp_repo(&[
        ("data/bomb/provenance.yaml", bomb.as_bytes()),
        ("data/deep/provenance.yaml", deep.as_bytes()),
        ("data/bin/provenance.yaml", b"dataset: x\n\0\0\0binary"),
        ("data/latin1/provenance.yaml", b"dataset: caf\xe9\n"),
        ("data/lfs/provenance.yaml", b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"),
    ]);
    let report = check_json(dir.path());
    assert_eq!(
        core_rows(&report),
        vec![
            "AL004 data/bin/provenance.yaml:2 -",
            "AL002 data/bomb/provenance.yaml:5 -",
            "AL002 data/deep/provenance.yaml:1 -",
            "AL005 data/latin1/provenance.yaml:1 -",
            "AL006 data/lfs/provenance.yaml:1 -",
        ]
    );
}

#[test]
fn huge_files_are_reported_not_read() {
    let dir = temp_repo(&[
        ("aimslint.toml", b"[files]\nmax_file_bytes = 1000\n"),
        (
            "data/big/provenance.yaml",
            format!("dataset: big\nnotes: \"{}\"\n", "x".repeat(5000)).as_bytes(),
        ),
    ]);
    let report = check_json(dir.path());
    assert_eq!(
        core_rows(&report),
        vec!["AL003 data/big/provenance.yaml:1 -"]
    );
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_repository_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "dataset: secret\n").unwrap();
    let dir = temp_repo(&[]);
    std::fs::create_dir_all(dir.path().join("data/x")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("data/x/provenance.yaml"),
    )
    .unwrap();
    // A file no path claims may be evidence by its content, which cannot be read: said too.
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("notes.md"),
    )
    .unwrap();
    let report = check_json(dir.path());
    assert_eq!(
        core_rows(&report),
        vec!["AL007 data/x/provenance.yaml:1 -", "AL007 notes.md:1 -"]
    );
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("outside the repository")
    );
}

#[test]
fn front_matter_quirks() {
    let dir = temp_repo(&[
        ("models/a/README.md", b"\n---\nlicense: mit\n---\n# A\n"),
        // A README is a card by its content: here, by its card sections.
        (
            "models/b/README.md",
            b"---\n- a\n- b\n---\n# B\n## Model Details\nB.\n## Intended Use\nB.\n",
        ),
        (
            "models/c/README.md",
            b"\xef\xbb\xbf---\r\nlicense: mit\r\n---\r\n# C\r\n",
        ),
    ]);
    let report = check_json(dir.path());
    assert_eq!(
        core_rows(&report),
        vec![
            "AL008 models/a/README.md:2 -",
            "AL008 models/b/README.md:1 -"
        ]
    );
    let o = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--select",
            "MC-007",
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    let rows = finding_rows(&json(&o));
    assert!(
        !rows.iter().any(|r| r.contains("models/c/")),
        "BOM + CRLF card reads its license: {rows:?}"
    );
}

#[test]
fn bad_config_points_at_its_line_and_exits_2() {
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[rules]\nselect = [\"MC\"]\nignroe = [\"MC-010\"]\n",
    )]);
    let o = run(&["check", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown field `ignroe`"), "{err}");
    assert!(err.contains("aimslint.toml:3"), "{err}");
}

#[test]
fn empty_repository_is_clean() {
    let dir = temp_repo(&[]);
    let o = run(&["check", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("No findings"), "{}", stdout(&o));
}

#[test]
fn a_selector_that_matches_no_rule_is_an_error_not_a_silent_pass() {
    let o = run(
        &["check", example().to_str().unwrap(), "--select", "NOPE-999"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`NOPE-999` matches no rule"));
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[rules]\nignore = [\"MC-010\", \"MX-1\"]\n\n[[waivers]]\nrule = \"ZZ-1\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2030-01-01\"\n",
    )]);
    let o = run(&["check", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("[rules] ignore: `MX-1` matches no rule"),
        "{err}"
    );
    assert!(err.contains("aimslint.toml:2"), "{err}");
    assert!(
        err.contains("[[waivers]] rule: `ZZ-1` matches no rule"),
        "{err}"
    );
}
