//! `check --staged` as a pre-commit hook sees it: the commit rules that need no message, judged on
//! the staged change, and only the findings the change answers for (unless `--all-files`).

use crate::util::*;

const PROVENANCE: &str = "dataset: a\nsource: { name: Core banking, origin: internal }\npersonal_data: true\nlegal_basis: contract\nquality: { assessed: 2026-01-05 }\n";
/// A record without its legal basis: DP-005 at line 1.
const PROVENANCE_NO_BASIS: &str = "dataset: b\nsource: { name: Cards, origin: internal }\npersonal_data: true\nquality: { assessed: 2026-01-05 }\n";
/// Names dataset `a` (line 4).
const CARD: &str = "---\nlicense: mit\ndatasets:\n  - a\n---\n# Model m\n";
/// Names a dataset no record documents (MC-006 at line 4): a gap already at HEAD.
const CARD_GAP: &str = "---\nlicense: mit\ndatasets:\n  - nowhere\n---\n# Model n\n";
const SELECT: &str = "CH,DP-005,MC-006";

/// A committed repository with two gaps: model n's card names an undocumented dataset, and data b's
/// record has no legal basis.
fn repo() -> GitRepo {
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add models and data",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            ("data/b/provenance.yaml", Some(PROVENANCE_NO_BASIS)),
            ("models/m/README.md", Some(CARD)),
            ("models/m/config.yaml", Some("lr: 0.1\n")),
            ("models/n/README.md", Some(CARD_GAP)),
        ],
    );
    g
}

/// Write (Some) or delete (None) files and stage exactly those, without committing.
fn stage(g: &GitRepo, files: &[(&str, Option<&str>)]) {
    g.write(files);
    let repo = git2::Repository::open(g.path()).unwrap();
    let mut index = repo.index().unwrap();
    for (path, content) in files {
        match content {
            Some(_) => index.add_path(std::path::Path::new(path)).unwrap(),
            None => index.remove_path(std::path::Path::new(path)).unwrap(),
        }
    }
    index.write().unwrap();
}

/// `check --staged` as JSON: the exit code and each finding as `rule path:line commit`.
fn staged(g: &GitRepo, extra: &[&str]) -> (Option<i32>, Vec<String>, serde_json::Value) {
    let mut args = vec![
        "check",
        "--staged",
        "--format",
        "json",
        "--as-of",
        "2026-06-01",
        "--select",
        SELECT,
    ];
    args.extend_from_slice(extra);
    args.push(g.path().to_str().unwrap());
    let o = run(&args, g.path());
    let report = json(&o);
    let rows = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"],
                f["commit"].as_str().unwrap_or("-")
            )
        })
        .collect();
    (o.status.code(), rows, report)
}

#[test]
fn a_model_change_staged_without_its_card_is_ch001_before_the_commit() {
    let g = repo();
    stage(&g, &[("models/m/config.yaml", Some("lr: 0.05\n"))]);
    let (code, rows, report) = staged(&g, &[]);
    assert_eq!(rows, ["CH-001 models/m/config.yaml:1 -"]);
    assert_eq!(code, Some(1));
    let f = &report["findings"][0];
    assert_eq!(f["commit"], serde_json::Value::Null);
    assert_eq!(
        f["message"],
        "the staged change changes models/m/config.yaml without a change to models/**/README.md, **/MODEL_CARD.md, or a staged change-record whose `paths` cover it (a `Change-Record:` trailer is judged once the commit exists)"
    );
    assert_matches_report_schema(&report);
    // The working tree is not the commit: a card edited but not staged does not count.
    g.write(&[(
        "models/m/README.md",
        Some(&CARD.replace("# Model m", "# Model m, tuned")),
    )]);
    assert_eq!(staged(&g, &[]).1, ["CH-001 models/m/config.yaml:1 -"]);
}

#[test]
fn a_first_commit_of_weights_without_a_card_is_ch001() {
    // No HEAD yet: everything staged is added.
    let g = GitRepo::new();
    stage(&g, &[("models/w/model.safetensors", Some("weights"))]);
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!(rows, ["CH-001 models/w/model.safetensors:1 -"]);
    assert_eq!(code, Some(1));
}

#[test]
fn the_same_change_with_its_card_or_a_covering_record_staged_is_clean() {
    let g = repo();
    stage(
        &g,
        &[
            ("models/m/config.yaml", Some("lr: 0.05\n")),
            (
                "models/m/README.md",
                Some(&CARD.replace("# Model m", "# Model m, tuned")),
            ),
        ],
    );
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!((code, rows), (Some(0), Vec::new()));

    // A change record staged beside it stands in for the trailer, if its `paths` cover the change.
    let g = repo();
    let record = |paths: &str| {
        format!(
            "id: CR-1\ndate: 2026-01-09\ntype: model-update\nsummary: Tune m.\npaths: [{paths}]\napprovals:\n  - {{ name: Dana Whit, role: model-risk-officer, date: 2026-01-09 }}\n"
        )
    };
    stage(
        &g,
        &[
            ("models/m/config.yaml", Some("lr: 0.05\n")),
            ("changes/CR-1.yaml", Some(&record("models/m/**"))),
        ],
    );
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!((code, rows), (Some(0), Vec::new()));
    stage(
        &g,
        &[("changes/CR-1.yaml", Some(&record("models/other/**")))],
    );
    let (code, rows, report) = staged(&g, &[]);
    assert_eq!(rows, ["CH-001 models/m/config.yaml:1 -"]);
    assert_eq!(code, Some(1));
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("; the staged change-record changes/CR-1.yaml's `paths` do not cover models/m/config.yaml"),
        "{report}"
    );
}

#[test]
fn a_gap_an_unchanged_file_already_had_is_not_reported() {
    let g = repo();
    // Nothing staged: nothing is the change's.
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!((code, rows), (Some(0), Vec::new()));
    // A change elsewhere leaves model n's and data b's gaps unreported.
    stage(
        &g,
        &[(
            "data/a/provenance.yaml",
            Some(&PROVENANCE.replace("Core banking", "Core ledger")),
        )],
    );
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!((code, rows), (Some(0), Vec::new()));
    // A staged file is reported whole, the gap it already had included.
    stage(
        &g,
        &[(
            "data/b/provenance.yaml",
            Some(&PROVENANCE_NO_BASIS.replace("Cards", "Card ledger")),
        )],
    );
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!(rows, ["DP-005 data/b/provenance.yaml:1 -"]);
    assert_eq!(code, Some(1));
    // Trailer rules need the commit message, which a pre-commit hook runs before: not judged.
    stage(&g, &[("deploy/scoring.yaml", Some("replicas: 2\n"))]);
    assert_eq!(staged(&g, &[]).1, ["DP-005 data/b/provenance.yaml:1 -"]);
}

#[test]
fn deleting_a_provenance_record_a_card_references_reports_the_card() {
    let g = repo();
    stage(&g, &[("data/a/provenance.yaml", None)]);
    let (code, rows, report) = staged(&g, &[]);
    // The deletion itself (CH-002), and model m's reference it breaks; model n's gap is older.
    assert_eq!(
        rows,
        [
            "CH-002 data/a/provenance.yaml:1 -",
            "MC-006 models/m/README.md:4 -",
        ]
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        report["findings"][0]["message"],
        "the staged change deletes data/a/provenance.yaml (data-provenance) without a `type: retirement` change record covering it"
    );

    // A card that names the record by its path: a rename breaks it too, and is no deletion.
    let mut g = GitRepo::new();
    g.commit(
        "2026-01-10",
        "Add",
        &[
            ("data/a/provenance.yaml", Some(PROVENANCE)),
            (
                "models/m/README.md",
                Some(&CARD.replace("  - a", "  - data/a/provenance.yaml")),
            ),
        ],
    );
    stage(
        &g,
        &[
            ("data/a/provenance.yaml", None),
            ("data/a2/provenance.yaml", Some(PROVENANCE)),
        ],
    );
    let (code, rows, _) = staged(&g, &[]);
    assert_eq!(rows, ["MC-006 models/m/README.md:4 -"]);
    assert_eq!(code, Some(1));
}

#[test]
fn all_files_shows_the_gaps_already_there() {
    let g = repo();
    stage(&g, &[("models/m/config.yaml", Some("lr: 0.05\n"))]);
    let (code, rows, _) = staged(&g, &["--all-files"]);
    assert_eq!(
        rows,
        [
            "DP-005 data/b/provenance.yaml:1 -",
            "CH-001 models/m/config.yaml:1 -",
            "MC-006 models/n/README.md:4 -",
        ]
    );
    assert_eq!(code, Some(1));
    // Only with --staged.
    let o = run(
        &["check", "--all-files", g.path().to_str().unwrap()],
        g.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_model_repinned_in_dvc_is_ch001_before_the_commit_and_a_record_may_name_the_output() {
    let mut g = repo();
    let pin = |md5: &str| format!("outs:\n- md5: {md5}\n  hash: md5\n  path: weights.pt\n");
    g.commit(
        "2026-01-11",
        "Track weights in DVC",
        &[
            (
                "models/m/weights.pt.dvc",
                Some(&pin("d1f6e055f7f5e2827fcfae68d9b64d4c")),
            ),
            (
                "models/m/README.md",
                Some(&CARD.replace("# Model m", "# Model m (DVC)")),
            ),
        ],
    );
    stage(
        &g,
        &[(
            "models/m/weights.pt.dvc",
            Some(&pin("e1f6e055f7f5e2827fcfae68d9b64d4c")),
        )],
    );
    let (code, rows, report) = staged(&g, &[]);
    assert_eq!(rows, ["CH-001 models/m/weights.pt.dvc:4 -"]);
    assert_eq!(code, Some(1));
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the staged change changes models/m/weights.pt (pinned in models/m/weights.pt.dvc) without"),
        "{report:#}"
    );
    // A staged change record whose `paths` name the output answers it.
    stage(
        &g,
        &[(
            "changes/CR-9.yaml",
            Some(
                "id: CR-9\ndate: 2026-01-12\ntype: model-update\nsummary: Retrain m on the January data.\npaths: [models/m/weights.pt]\napprovals:\n  - { name: Dana Whit, role: model-risk-officer, date: 2026-01-12 }\n",
            ),
        )],
    );
    assert_eq!(staged(&g, &[]).1, Vec::<String>::new());
}
