//! A finding's identity and lifecycle across real edits: the same finding is the same through line
//! shifts, edits elsewhere, reformatting, renames and rebases; it ends as fixed only when its content
//! stops being a problem (removed when its file is deleted, obscured when the file stops parsing);
//! pull-request mode never reports what the base already had.

use crate::util::*;

/// A model card with a template placeholder in its contact section, `before` lines of prose ahead
/// of it and `extra` appended at the end.
fn card(title: &str, before: usize, extra: &str) -> String {
    let prose = "The model scores credit applications for the retail bank.\n".repeat(before);
    format!(
        "---\nlicense: mit\n---\n# {title}\n\n{prose}\n## Model Card Contact\n\n[More Information Needed]\n\n## Uses\n\nScoring retail credit applications.\n{extra}"
    )
}

/// The card with its contact filled in: no placeholder.
fn filled(title: &str, before: usize) -> String {
    card(title, before, "").replace("[More Information Needed]", "Risk team, risk@example.com.")
}

/// A filled card with an Owners section holding `owner` (a TBD line).
fn owners(owner: &str) -> String {
    format!("{}\n## Owners\n\n{owner}", filled("Model m", 0))
}

const PROVENANCE: &str = "dataset: a\nsource: { name: Core banking, origin: internal }\npersonal_data: true\nquality: { assessed: 2024-01-05 }\n";
/// The same content, re-indented, in block style, keys reordered.
const PROVENANCE_REFORMATTED: &str = "personal_data: true\ndataset: a\nquality:\n    assessed: 2024-01-05\nsource:\n    origin: internal\n    name: Core banking\n";
const BROKEN: &str =
    "dataset: a\nsource: { name: Core banking, origin: internal\npersonal_data: true\n";

/// `check --format json --fail-on never --select SELECT MODE…` in the repository.
fn history(g: &GitRepo, select: &str, mode: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--no-cache",
    ];
    args.extend_from_slice(&["--select", select, "--as-of", "2026-06-01"]);
    args.extend_from_slice(mode);
    args.push(g.path().to_str().unwrap());
    let report = json_ok(&run(&args, g.path()));
    assert_matches_report_schema(&report);
    report
}

fn all_history(g: &GitRepo, select: &str) -> serde_json::Value {
    history(g, select, &["--all-history"])
}

/// The fingerprints of a report's findings, with their rules.
fn fingerprints(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["fingerprint"].as_str().unwrap()
            )
        })
        .collect()
}

/// The fingerprints a one-revision check of `rev` gives.
fn fingerprints_at(g: &GitRepo, select: &str, rev: &str) -> Vec<String> {
    fingerprints(&history(g, select, &["--rev", rev]))
}

#[test]
fn a_line_shift_keeps_the_finding_and_reports_where_it_now_is() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add the card",
        &[("models/m/README.md", Some(&card("Model m", 0, "")))],
    );
    g.commit(
        "2026-01-11",
        "Say more first",
        &[("models/m/README.md", Some(&card("Model m", 6, "")))],
    );
    let report = all_history(&g, "MC-010");
    // Introduced once and still open, at its line in the newest version (9 + 6 lines down).
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["MC-010 models/m/README.md:15 c1 fixed:-"]
    );
    assert_eq!(
        fingerprints(&report),
        fingerprints_at(&g, "MC-010", &g.commits[0])
    );
}

#[test]
fn an_edit_elsewhere_in_the_file_keeps_the_finding() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add the card",
        &[("models/m/README.md", Some(&card("Model m", 1, "")))],
    );
    // Appending a section, then editing another: neither touches the placeholder or its section.
    g.commit(
        "2026-01-11",
        "Add training details",
        &[(
            "models/m/README.md",
            Some(&card(
                "Model m",
                1,
                "\n## Training Details\n\nTrained on five years of applications.\n",
            )),
        )],
    );
    g.commit(
        "2026-01-12",
        "Reword the uses",
        &[(
            "models/m/README.md",
            Some(
                &card(
                    "Model m",
                    1,
                    "\n## Training Details\n\nTrained on five years of applications.\n",
                )
                .replace("Scoring retail", "Scoring all retail"),
            ),
        )],
    );
    // The placeholder in the body (MC-010); the contact section with no content (MC-009) and the
    // missing bias section (MC-003, about the whole file), apart: MC-010 would absorb MC-009.
    for (select, want) in [
        ("MC-010", vec!["MC-010 models/m/README.md:10 c1 fixed:-"]),
        (
            "MC-003,MC-009",
            vec![
                "MC-003 models/m/README.md:1 c1 fixed:-",
                "MC-009 models/m/README.md:8 c1 fixed:-",
            ],
        ),
    ] {
        let report = all_history(&g, select);
        assert_eq!(history_rows(&report, &g.commits), want, "{select}");
        assert_eq!(
            fingerprints(&report),
            fingerprints_at(&g, select, &g.commits[0]),
            "{select}"
        );
    }
}

#[test]
fn reformatting_keeps_the_finding() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data and card",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            ("models/m/README.md", Some(&owners("-   Owner:    TBD\n"))),
        ],
    );
    // The YAML re-indented in block style with its keys reordered; the card's prose re-wrapped and
    // the placeholder's list item re-spaced.
    g.commit(
        "2026-01-11",
        "Reformat",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE_REFORMATTED)),
            (
                "models/m/README.md",
                Some(
                    &owners("- Owner: TBD\n")
                        .replace("Scoring retail credit", "Scoring retail\ncredit"),
                ),
            ),
        ],
    );
    let select = "DP-005,DP-006,MC-010";
    let report = all_history(&g, select);
    assert_eq!(
        history_rows(&report, &g.commits),
        vec![
            "DP-005 data/a/provenance.yaml:1 c1 fixed:-",
            "DP-006 data/a/provenance.yaml:4 c1 fixed:-",
            "MC-010 models/m/README.md:18 c1 fixed:-",
        ]
    );
    assert_eq!(
        fingerprints(&report),
        fingerprints_at(&g, select, &g.commits[0])
    );
}

#[test]
fn a_renamed_file_keeps_its_findings_and_their_fingerprints() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add the card",
        &[("models/a/README.md", Some(&card("Model a", 0, "")))],
    );
    // An exact rename, then a move with an edit (which git reports as a deletion and an addition).
    g.commit(
        "2026-01-11",
        "Rename a to b",
        &[
            ("models/a/README.md", None),
            ("models/b/README.md", Some(&card("Model a", 0, ""))),
        ],
    );
    g.commit(
        "2026-01-12",
        "Move b to c and add a line",
        &[
            ("models/b/README.md", None),
            ("models/c/README.md", Some(&card("Model a", 1, ""))),
        ],
    );
    let report = all_history(&g, "MC-010,CH-002");
    // One finding, open, where the file now is; neither move is a deletion of evidence.
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["MC-010 models/c/README.md:10 c1 fixed:-"]
    );
    assert_eq!(
        fingerprints(&report),
        fingerprints_at(&g, "MC-010", &g.commits[0])
    );
}

#[test]
fn a_rebased_change_has_the_same_fingerprints() {
    let weights = |n: u32| {
        format!("version https://git-lfs.github.com/spec/v1\noid sha256:{n:064x}\nsize {n}\n")
    };
    let change = |g: &mut GitRepo, date: &str, before: usize| {
        g.commit(
            date,
            "New weights, card placeholder\n\nSigned-off-by: Dev <dev@example.com>",
            &[
                ("models/m/model.safetensors", Some(&weights(2))),
                ("docs/notes.md", Some("# Notes\n")),
            ],
        );
        g.commit(
            date,
            "Card placeholder",
            &[(
                "models/m/README.md",
                Some(
                    &filled("Model m", before)
                        .replace("Scoring retail credit applications.", "TBD"),
                ),
            )],
        );
    };
    let start = |g: &mut GitRepo| {
        g.commit(
            "2026-01-10",
            "Add model",
            &[
                ("models/m/README.md", Some(&filled("Model m", 0))),
                ("models/m/model.safetensors", Some(&weights(1))),
            ],
        );
    };
    // The change on its original parent…
    let mut a = GitRepo::new();
    start(&mut a);
    change(&mut a, "2026-01-12", 0);
    // …and rebased, later, onto a parent that edited the card elsewhere (so every file version
    // and every commit id differs).
    let mut b = GitRepo::new();
    start(&mut b);
    b.commit(
        "2026-01-11",
        "Say more",
        &[("models/m/README.md", Some(&filled("Model m", 3)))],
    );
    change(&mut b, "2026-01-20", 3);
    let select = "MC-010,CH-001";
    let (ra, rb) = (all_history(&a, select), all_history(&b, select));
    let introduced_by_change = |r: &serde_json::Value, g: &GitRepo| -> Vec<String> {
        let ids = &g.commits[g.commits.len() - 2..];
        let mut out: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| ids.iter().any(|c| f["commit"] == c.as_str()))
            .map(|f| format!("{} {}", f["rule"], f["fingerprint"]))
            .collect();
        out.sort();
        out
    };
    let (fa, fb) = (introduced_by_change(&ra, &a), introduced_by_change(&rb, &b));
    assert_eq!(fa.len(), 2, "{ra}");
    assert_eq!(fa, fb);
    assert_ne!(a.commits.last(), b.commits.last());
}

#[test]
fn a_deleted_file_ends_removed_not_fixed_and_comes_back_the_same() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    g.commit(
        "2026-01-11",
        "Drop the data",
        &[("data/a/provenance.yaml", None)],
    );
    let report = all_history(&g, "DP-005");
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["DP-005 data/a/provenance.yaml:1 c1 removed:c2"]
    );
    let f = &report["findings"][0];
    assert!(f["fixed_in"].is_null(), "{f}");
    assert_eq!(
        report["history"]["commits_named"][&g.commits[1]]["summary"],
        "Drop the data"
    );
    // A removed finding does not fail the run: it no longer stands.
    let o = run(
        &[
            "check",
            "--all-history",
            "--select",
            "DP-005",
            "--no-cache",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Restored as it was: the same finding as before, not a new one.
    g.commit(
        "2026-01-12",
        "Restore the data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    let report = all_history(&g, "DP-005");
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["DP-005 data/a/provenance.yaml:1 c1 fixed:-"]
    );
}

/// A card emptied (a placeholder file left behind) is one finding, not one per rule, and emptying
/// it fixes nothing: its findings end obscured. Written again, the same gap is the same finding.
#[test]
fn an_emptied_file_is_one_finding_and_obscures_not_fixes() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    g.commit(
        "2026-01-11",
        "Empty the record",
        &[("data/a/provenance.yaml", Some(" \n\n"))],
    );
    g.commit(
        "2026-01-12",
        "Write it again",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    let report = all_history(&g, "DP-005,AL016");
    let mut rows = history_rows(&report, &g.commits);
    rows.sort();
    assert_eq!(
        rows,
        vec![
            "AL016 data/a/provenance.yaml:1 c2 fixed:c3",
            "DP-005 data/a/provenance.yaml:1 c1 fixed:-",
        ]
    );
    let emptied = history(
        &g,
        "DP-005,AL016",
        &["--range", &format!("{}..{}", g.commits[0], g.commits[1])],
    );
    let rows = history_rows(&emptied, &g.commits);
    assert_eq!(rows, vec!["AL016 data/a/provenance.yaml:1 c2 fixed:-"]);
    let dp = finding_of(&report, "DP-005");
    assert!(
        dp["obscured_in"].is_null() && dp["fixed_in"].is_null(),
        "{dp}"
    );
    // Emptied, then deleted: deleting it retires no evidence (CH-002 is not reported), and its
    // finding ends removed.
    g.commit(
        "2026-01-13",
        "Empty it again",
        &[("data/a/provenance.yaml", Some(""))],
    );
    g.commit(
        "2026-01-14",
        "Drop the placeholder",
        &[("data/a/provenance.yaml", None)],
    );
    let report = all_history(&g, "DP-005,AL016,CH-002");
    let mut rows = history_rows(&report, &g.commits);
    rows.sort();
    assert_eq!(
        rows,
        vec![
            "AL016 data/a/provenance.yaml:1 c2 fixed:c3",
            "AL016 data/a/provenance.yaml:1 c4 removed:c5",
            "DP-005 data/a/provenance.yaml:1 c1 obscured:c4",
        ]
    );
    // Checked on its own, an empty evidence file is that one finding, whatever rules its kind has.
    let dir = temp_repo(&[
        ("models/a/MODELCARD.md", b"\xef\xbb\xbf\n"),
        ("data/a/provenance.yaml", b""),
    ]);
    let o = check_report(dir.path(), "2026-06-01", &[]);
    assert_eq!(
        finding_rows(&json(&o)),
        vec![
            "AL016 data/a/provenance.yaml:1 -",
            "AL016 models/a/MODELCARD.md:1 -"
        ]
    );
}

#[test]
fn a_file_that_stops_parsing_ends_obscured_not_fixed() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    g.commit(
        "2026-01-11",
        "Break the data",
        &[("data/a/provenance.yaml", Some(BROKEN))],
    );
    let report = all_history(&g, "DP-005,AL001");
    let rows = history_rows(&report, &g.commits);
    assert!(
        rows.contains(&"DP-005 data/a/provenance.yaml:1 c1 obscured:c2".to_string()),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("AL") && r.ends_with(" c2 fixed:-")),
        "the parse error is a finding of its own: {rows:?}"
    );
    // Parsing again with the same gap: the same finding, introduced where it was.
    g.commit(
        "2026-01-12",
        "Mend the data",
        &[("data/a/provenance.yaml", Some(PROVENANCE))],
    );
    let report = all_history(&g, "DP-005,AL001");
    let rows = history_rows(&report, &g.commits);
    assert!(
        rows.contains(&"DP-005 data/a/provenance.yaml:1 c1 fixed:-".to_string()),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("AL") && r.ends_with(" c2 fixed:c3")),
        "{rows:?}"
    );
    // A pull request that broke and mended the file introduced nothing that stands.
    let report = history(
        &g,
        "DP-005,AL001",
        &["--range", &format!("{}..HEAD", g.commits[0])],
    );
    let rows = history_rows(&report, &g.commits);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("AL") && rows[0].ends_with(" c2 fixed:c3"),
        "{rows:?}"
    );
}

#[test]
fn a_pull_request_that_edits_only_a_title_introduces_nothing() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data and card",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            ("models/m/README.md", Some(&card("Model m", 2, ""))),
        ],
    );
    let base = g.commits[0].clone();
    g.commit(
        "2026-01-11",
        "Retitle the card",
        &[(
            "models/m/README.md",
            Some(&card("Credit scoring model m, version 2", 2, "")),
        )],
    );
    let select = "iso42001";
    // The base has findings of its own…
    let at_base = fingerprints_at(&g, select, &base);
    assert!(
        at_base.iter().any(|f| f.starts_with("MC-010")),
        "{at_base:?}"
    );
    // …none of which the pull request introduced.
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--no-cache",
            "--select",
            select,
            "--as-of",
            "2026-06-01",
            "--range",
            &format!("{base}..HEAD"),
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json(&o)["findings"], serde_json::json!([]));
}

#[test]
fn a_mass_deletion_is_one_finding_listing_the_paths() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            ("data/b/provenance.yaml", Some(PROVENANCE)),
            ("data/c/provenance.yaml", Some(PROVENANCE)),
            ("models/m/README.md", Some(&card("Model m", 0, ""))),
        ],
    );
    g.commit(
        "2026-01-11",
        "Drop the data",
        &[
            ("data/a/provenance.yaml", None),
            ("data/b/provenance.yaml", None),
            ("data/c/provenance.yaml", None),
        ],
    );
    let report = all_history(&g, "CH-002,DP-005");
    assert_eq!(
        history_rows(&report, &g.commits),
        vec![
            "CH-002 data/a/provenance.yaml:1 c2 fixed:-",
            "DP-005 data/a/provenance.yaml:1 c1 removed:c2",
            "DP-005 data/b/provenance.yaml:1 c1 removed:c2",
            "DP-005 data/c/provenance.yaml:1 c1 removed:c2",
        ]
    );
    assert_eq!(
        report["findings"][0]["message"],
        "commit \"Drop the data\" deletes 3 evidence files without a `type: retirement` change record covering them: data/a/provenance.yaml (data-provenance), data/b/provenance.yaml (data-provenance), data/c/provenance.yaml (data-provenance)"
    );
}

#[test]
fn the_human_format_shows_the_lifecycle_and_what_was_walked() {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add data",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            ("data/b/provenance.yaml", Some(PROVENANCE)),
        ],
    );
    g.commit("2026-01-11", "Drop a", &[("data/a/provenance.yaml", None)]);
    g.commit(
        "2026-01-12",
        "Give b its legal basis",
        &[(
            "data/b/provenance.yaml",
            Some(&format!("{PROVENANCE}legal_basis: contract\n")),
        )],
    );
    let o = run(
        &[
            "check",
            "--all-history",
            "--no-cache",
            "--select",
            "DP-005",
            "--path",
            "data/a/**",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    let out = stdout(&o);
    let short = |i: usize| g.commits[i][..12].to_string();
    assert!(out.contains("[removed] `legal_basis` is missing"), "{out}");
    assert!(
        out.contains(&format!(
            "introduced in {} (2026-01-10, \"Add data\")",
            short(0)
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("removed in {} (2026-01-11, \"Drop a\")", short(1))),
        "{out}"
    );
    assert!(
        out.contains("History: 3 commits walked, 3 file versions judged; 0 findings still open, 0 fixed, 1 removed with their file."),
        "{out}"
    );
    // data/a is gone at the head, but it was evidence in the commits walked: no warning.
    assert_eq!(stderr(&o), "", "{out}");
    let o = run(
        &[
            "check",
            "--all-history",
            "--no-cache",
            "--select",
            "DP-005",
            "--path",
            "data/b/**",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    let out = stdout(&o);
    assert!(out.contains("[fixed] `legal_basis` is missing"), "{out}");
    assert!(
        out.contains(&format!(
            "fixed in {} (2026-01-12, \"Give b its legal basis\")",
            short(2)
        )),
        "{out}"
    );
    let o = run(
        &[
            "check",
            "--all-history",
            "--no-cache",
            "--path",
            "nothing/**",
            g.path().to_str().unwrap(),
        ],
        g.path(),
    );
    assert!(
        stderr(&o).contains("warning: no evidence file matches --path nothing/**"),
        "{}",
        stderr(&o)
    );
}

/// A card's gap is one finding while it lasts: filling one of two placeholders, or a different
/// section becoming the fullest of those that match, is neither a fix nor a new finding.
#[test]
fn a_gap_keeps_its_identity_while_its_evidence_moves_inside_the_card() {
    let mut g = GitRepo::new();
    let two = card("Model m", 0, "\n## Notes\n\n[More Information Needed]\n");
    g.commit("2026-01-05", "card", &[("models/m/README.md", Some(&two))]);
    let one = card("Model m", 0, "\n## Notes\n\nNone yet.\n");
    g.commit(
        "2026-01-06",
        "fill one",
        &[("models/m/README.md", Some(&one))],
    );
    // MC-003 first finds a thin "Limitations", then a thin "Bias" section holds more words.
    let thin = |a: &str, b: &str| {
        format!(
            "{}\n## Limitations\n\n{a}\n\n## Bias\n\n{b}\n",
            filled("Model m", 0)
        )
    };
    g.commit(
        "2026-01-07",
        "limitations",
        &[("models/m/README.md", Some(&thin("Thin.", "")))],
    );
    g.commit(
        "2026-01-08",
        "bias",
        &[(
            "models/m/README.md",
            Some(&thin("Thin.", "Thin but longer here.")),
        )],
    );
    let report = all_history(&g, "MC-003,MC-010");
    assert_eq!(
        history_rows(&report, &g.commits),
        // MC-003 was introduced when the card had no such section at all, and is shown where it
        // is now (the thin Bias section, line 19).
        vec![
            "MC-010 models/m/README.md:9 c1 fixed:c3",
            "MC-003 models/m/README.md:19 c1 fixed:-",
        ]
    );
}

/// A version that leaves the tree and comes back many commits later is judged again (what leaves
/// the tree is dropped from memory), but it is one file version in what the walk reports.
#[test]
fn a_version_restored_long_after_counts_once() {
    let mut g = GitRepo::new();
    let data = "data/a/provenance.yaml";
    g.commit("2026-01-10", "Add data", &[(data, Some(PROVENANCE))]);
    g.commit("2026-01-11", "Drop a", &[(data, None)]);
    for i in 0..300 {
        let note = i.to_string();
        g.commit("2026-01-12", "Take a note", &[("notes.txt", Some(&note))]);
    }
    g.commit("2026-01-13", "Restore a", &[(data, Some(PROVENANCE))]);
    let report = all_history(&g, "DP-005");
    assert_eq!(report["history"]["commits"], 303, "{report}");
    assert_eq!(report["history"]["blobs"], 1, "{report}");
    assert_eq!(
        history_rows(&report, &g.commits),
        vec!["DP-005 data/a/provenance.yaml:1 c1 fixed:-"]
    );
}
