//! The bundled example repository: every deliberate gap (examples/credit-scoring/GAPS.md) is found at its
//! line with its controls, and nothing else is.

use crate::util::*;

fn example_json(extra: &[&str]) -> serde_json::Value {
    let ex = example();
    let mut args = vec!["check", ex.to_str().unwrap(), "--format", "json"];
    if !extra.contains(&"--as-of") {
        args.extend_from_slice(&["--as-of", "2026-11-01"]);
    }
    args.extend_from_slice(extra);
    let o = run(&args, &repo_root());
    assert_eq!(
        o.status.code(),
        Some(1),
        "findings exit 1; stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    json(&o)
}

#[test]
fn every_deliberate_gap_is_found_at_its_line() {
    let report = example_json(&[]);
    assert_eq!(
        finding_rows(&report),
        vec![
            "INV-001 aims/systems.yaml:26 /systems/1/owner",
            "INV-004 aims/systems.yaml:32 /systems/1/impact_assessment",
            "INV-015 aims/systems.yaml:39 /systems/1/logging/retention",
            "CR-003 changes/CR-2026-021.yaml:1 /rollback",
            "CH-003 changes/CR-2026-021.yaml:12 /approvals",
            "CR-006 changes/CR-2026-021.yaml:12 /approvals",
            "CR-004 changes/CR-2026-021.yaml:13 /approvals/0",
            "DP-005 data/bureau-scores/provenance.yaml:1 /legal_basis",
            "DP-004 data/bureau-scores/provenance.yaml:8 /collection/end",
            "DP-006 data/bureau-scores/provenance.yaml:15 /quality/assessed (waived)",
            "MC-002 models/fraud-detection/README.md:1 -",
            "MC-007 models/fraud-detection/README.md:1 -",
            "MC-006 models/fraud-detection/README.md:10 /meta/datasets/1",
            // MC-003 (the section is empty) is the same gap: merged into MC-010 (`supersedes`).
            "MC-010 models/fraud-detection/README.md:77 /body",
        ]
    );
    let f = &report["findings"][12];
    assert_eq!(
        f["controls"],
        serde_json::json!(["iso42001:A.7.2", "iso42001:A.7.5"])
    );
    assert_eq!(f["commit"], serde_json::Value::Null);
    assert_eq!(report["summary"]["waived"], 1);
}

#[test]
fn json_report_matches_its_schema() {
    let report = example_json(&[]);
    assert_matches_report_schema(&report);
    assert_eq!(report["packs"][0]["id"], "iso42001");
}

#[test]
fn json_snapshot() {
    let report = example_json(&[]);
    insta::assert_json_snapshot!("example_json", report, {
        ".tool.version" => "[version]",
        ".packs[].sha256" => "[sha256]",
    });
}

#[test]
fn human_snapshot() {
    let ex = example();
    let o = run(
        &["check", ex.to_str().unwrap(), "--as-of", "2026-11-01"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("example_human", stdout(&o));
}

#[test]
fn output_is_identical_whatever_the_jobs() {
    let ex = example();
    let with_jobs = |jobs: &str| {
        let args = [
            "check",
            ex.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2026-11-01",
            "--jobs",
            jobs,
        ];
        stdout(&run(&args, &repo_root()))
    };
    assert_eq!(with_jobs("1"), with_jobs("8"));
}

#[test]
fn select_and_ignore_by_control_glob_prefix_and_id() {
    let rows = finding_rows(&example_json(&["--select", "iso42001:A.7.*"]));
    assert!(
        rows.iter()
            .all(|r| r.starts_with("DP-") || r.starts_with("MC-006")),
        "{rows:#?}"
    );
    let rows = finding_rows(&example_json(&[
        "--select",
        "MC",
        "--ignore",
        "MC-010,MC-003",
    ]));
    assert_eq!(
        rows,
        vec![
            "MC-002 models/fraud-detection/README.md:1 -",
            "MC-007 models/fraud-detection/README.md:1 -",
            "MC-006 models/fraud-detection/README.md:10 /meta/datasets/1",
        ]
    );
}

#[test]
fn fail_on_never_and_warning() {
    let ex = example();
    let o = run(
        &[
            "check",
            ex.to_str().unwrap(),
            "--as-of",
            "2026-11-01",
            "--fail-on",
            "never",
        ],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0));
    let o = run(
        &[
            "check",
            ex.to_str().unwrap(),
            "--as-of",
            "2026-11-01",
            "--select",
            "MC-010",
            "--fail-on",
            "error",
        ],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0), "MC-010 is a warning");
    let o = run(
        &[
            "check",
            ex.to_str().unwrap(),
            "--as-of",
            "2026-11-01",
            "--select",
            "MC-010",
            "--fail-on",
            "warning",
        ],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn expired_waiver_is_a_finding_and_no_longer_waives() {
    let rows = finding_rows(&example_json(&[
        "--as-of",
        "2027-07-01",
        "--select",
        "DP-006",
    ]));
    assert_eq!(
        rows,
        vec![
            "AL010 aimslint.toml:25 -",
            "DP-006 data/bureau-scores/provenance.yaml:15 /quality/assessed",
        ]
    );
}

#[test]
fn single_file_is_checked_against_its_repository() {
    let ex = example();
    let file = ex.join("models/fraud-detection/README.md");
    let o = run(
        &[
            "check",
            file.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2026-11-01",
            "--select",
            "MC-006,MC-007",
        ],
        &repo_root(),
    );
    let report = json(&o);
    assert_eq!(
        finding_rows(&report),
        vec![
            "MC-007 models/fraud-detection/README.md:1 -",
            "MC-006 models/fraud-detection/README.md:10 /meta/datasets/1",
        ]
    );
}
