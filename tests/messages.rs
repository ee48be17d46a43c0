//! Messages that help: an enum error names the value probably meant, parser errors speak of the
//! file and not of the parser, every core code has `aimslint explain`, and one gap is one finding.

use crate::util::*;

fn example_file(path: &str) -> String {
    std::fs::read_to_string(example().join(path)).unwrap()
}

fn messages_of(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_enum_error_names_the_closest_allowed_value() {
    let provenance = example_file("data/credit-applications/provenance.yaml");
    let basis = provenance
        .lines()
        .find(|l| l.starts_with("legal_basis:"))
        .expect("the example states a legal basis");
    let provenance = provenance.replace(basis, "legal_basis: legitimate-interest");
    let systems = example_file("aims/systems.yaml").replace("risk_tier: high", "risk_tier: High");
    let dir = temp_repo(&[
        (
            "data/credit-applications/provenance.yaml",
            provenance.as_bytes(),
        ),
        ("aims/systems.yaml", systems.as_bytes()),
    ]);
    let report = json_ok(&check_report(dir.path(), AS_OF, &[]));
    let schema = messages_of(&report, "DP-001");
    assert!(
        schema.iter().any(
            |m| m.contains("\"legitimate-interest\" is not one of: consent")
                && m.ends_with("(did you mean `legitimate-interests`?)")
        ),
        "{schema:?}"
    );
    let enums = messages_of(&report, "INV-005");
    assert!(
        enums
            .iter()
            .any(|m| m.contains("\"High\" is not one of") && m.ends_with("(did you mean `high`?)")),
        "{enums:?}"
    );
}

/// YAML reads an unquoted `no` (Norwegian, in `language`) as false: the schema finding says so and
/// how to write the text, at the line of the value.
#[test]
fn a_yaml_boolean_where_text_belongs_says_to_quote_it() {
    let card = "---\nlicense: mit\nlanguage:\n- no\n- en\n---\n# Model Card for m\n";
    let dir = temp_repo(&[("models/m/README.md", card.as_bytes())]);
    let report = json_ok(&check_report(dir.path(), AS_OF, &["--select", "MC-012"]));
    let found: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["pointer"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "/meta/language".to_string(),
            3,
            "does not match model-card-meta.schema.json: value is not valid under any of the schemas listed in the 'anyOf' keyword; an unquoted `yes`, `no`, `on`, `off`, `y` or `n` is a boolean in YAML: quote it (`'no'`) to mean the text".to_string()
        )],
        "{report}"
    );
    // Quoted, it is the language code, and no finding.
    let quoted = card.replace("- no\n", "- 'no'\n");
    let dir = temp_repo(&[("models/m/README.md", quoted.as_bytes())]);
    let report = json_ok(&check_report(dir.path(), AS_OF, &["--select", "MC-012"]));
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
}

#[test]
fn parser_messages_name_no_parser_internals() {
    let bomb = {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        y
    };
    let anchors: String = (0..1200).map(|i| format!("k{i}: &n{i} 1\n")).collect();
    let files: Vec<(&str, &[u8], &str)> = vec![
        (
            "data/dup/provenance.yaml",
            b"dataset: dup\ndataset: dup2\n",
            "the key `dataset` appears twice",
        ),
        (
            "data/docs/provenance.yaml",
            b"dataset: a\n---\ndataset: b\n",
            "more than one YAML document",
        ),
        (
            "data/nan/provenance.yaml",
            b"dataset: x\nscore: .nan\n",
            "is not a finite number",
        ),
        ("data/bomb/provenance.yaml", bomb.as_bytes(), "alias bomb"),
        (
            "data/anchors/provenance.yaml",
            anchors.as_bytes(),
            "1001 anchors",
        ),
        (
            "data/comma/provenance.json",
            b"{\"dataset\": \"x\",}\n",
            "a comma after the last member",
        ),
        (
            "data/open/provenance.json",
            b"{\"dataset\": \"x\"\n",
            "a `}` is missing",
        ),
    ];
    let dir = temp_repo(&files.iter().map(|(p, c, _)| (*p, *c)).collect::<Vec<_>>());
    let report = json_ok(&check_report(dir.path(), AS_OF, &[]));
    for (path, _, says) in &files {
        let f = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == *path && f["rule"].as_str().unwrap().starts_with("AL00"))
            .unwrap_or_else(|| panic!("{path}: no parse finding in {report:#}"));
        let m = f["message"].as_str().unwrap();
        assert!(m.contains(says), "{path}: {m}");
        for internal in [
            "Options",
            "Policy",
            "policy",
            "budget breached",
            "{ ",
            "_events",
            "Option<",
            "EOF",
            "deserialize",
        ] {
            assert!(!m.contains(internal), "{path}: `{internal}` in {m}");
        }
    }
}

#[test]
fn every_core_code_is_explained() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for n in 1..=15 {
        let code = format!("AL{n:03}");
        assert!(
            readme.contains(&format!("| {code}")) || readme.contains(&format!(", {code} |")),
            "{code} is listed in README.md"
        );
        let o = run(&["explain", &code], &repo_root());
        assert_eq!(o.status.code(), Some(0), "{code}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with(&format!("{code}: ")), "{out}");
        for part in ["severity:", "fix:", "## What it means"] {
            assert!(out.contains(part), "{code}: no {part} in {out}");
        }
    }
    // Lower case works too, and an unknown code says what explain knows.
    assert!(stdout(&run(&["explain", "al003"], &repo_root())).starts_with("AL003: "));
    let o = run(&["explain", "AL099"], &repo_root());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("AL001…AL016"), "{}", stderr(&o));
}

const CARD: &str = "---
license: apache-2.0
library_name: sklearn
pipeline_tag: tabular-classification
---

# Model Card for churn

Predicts which retail customers close their account within 90 days, for the retention team.

## Uses

### Direct Use

Ranks active customers each Monday by the risk of closing their account, for retention calls.

### Out-of-Scope Use

Not for pricing, credit or any decision about an individual customer without a person deciding.

## Bias, Risks, and Limitations

[More Information Needed]

## Training Details

### Training Data

Account histories of 2021 to 2025 from the retail core banking system, one row per customer-month.

## Evaluation

ROC AUC 0.81 on the 2025 hold-out of 40,000 customers.
";

const CHANGE: &str = "id: CR-2026-101
date: 2026-09-01
systems: [churn]
type: model-update
summary: Retrain the churn model on 2025 data.
paths: [models/churn/**]
rollback: Pin the scoring job back to the previous model version.
";

/// The merged finding of `winner`, with `loser` only inside it.
fn assert_merged(report: &serde_json::Value, winner: &str, loser: &str, path: &str) {
    let on_path: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .collect();
    assert!(
        !on_path.iter().any(|f| f["rule"] == loser),
        "{loser} stands alone: {on_path:#?}"
    );
    let merged: Vec<_> = on_path
        .iter()
        .filter(|f| {
            f["rule"] == winner
                && f["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("[also {loser}: "))
        })
        .collect();
    assert_eq!(merged.len(), 1, "{on_path:#?}");
    assert_eq!(merged[0]["severity"], "error", "the stricter severity");
}

#[test]
fn one_gap_is_one_finding() {
    let files: [(&str, &[u8]); 2] = [
        ("models/churn/README.md", CARD.as_bytes()),
        ("changes/CR-2026-101.yaml", CHANGE.as_bytes()),
    ];
    let dir = temp_repo(&files);
    let report = json_ok(&check_report(dir.path(), AS_OF, &[]));
    // The Bias section holds only a placeholder: MC-003 and MC-010 say the same thing.
    assert_merged(&report, "MC-010", "MC-003", "models/churn/README.md");
    let mc010 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "MC-010")
        .unwrap();
    assert_eq!(mc010["line"], 23, "at the placeholder");
    let controls = mc010["controls"].as_array().unwrap();
    assert!(
        controls.iter().any(|c| c == "iso42001:A.5.4"),
        "{controls:?}"
    );
    // No approvals: CR-001 and CH-003 say the same thing.
    assert_merged(&report, "CR-001", "CH-003", "changes/CR-2026-101.yaml");

    // A section that is thin but holds no placeholder is MC-003's alone; a placeholder elsewhere
    // is MC-010's alone.
    let apart = CARD.replace(
        "[More Information Needed]",
        "The model may be biased against new customers.",
    ) + "\n## Glossary\n\n[More Information Needed]\n";
    let dir = temp_repo(&[("models/churn/README.md", apart.as_bytes())]);
    let report = json_ok(&check_report(dir.path(), AS_OF, &[]));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"MC-003") && rules.contains(&"MC-010"),
        "{rules:?}"
    );
    assert!(
        !report.to_string().contains("[also "),
        "nothing merged: {report:#}"
    );
}

#[test]
fn one_gap_is_one_finding_in_history_too() {
    let mut repo = GitRepo::new();
    repo.commit(
        "2026-09-01",
        "Add the churn model",
        &[
            ("models/churn/README.md", Some(CARD)),
            ("changes/CR-2026-101.yaml", Some(CHANGE)),
        ],
    );
    let o = run(
        &[
            "check",
            "--all-history",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-cache",
        ],
        repo.path(),
    );
    let report = json_ok(&o);
    assert_merged(&report, "MC-010", "MC-003", "models/churn/README.md");
    assert_merged(&report, "CR-001", "CH-003", "changes/CR-2026-101.yaml");
}

#[test]
fn supersedes_must_name_a_rule_that_can_meet() {
    let rule = |id: &str, kinds: &str, supersedes: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"t\"\nseverity = \"error\"\nkinds = [{kinds}]\nsupersedes = [{supersedes}]\n[check.required]\npointers = [\"/a\"]\n"
        )
    };
    let x1 = rule("X-001", "\"model-card\"", "\"X-002\", \"X-009\", \"X-001\"");
    let x2 = rule("X-002", "\"change-record\"", "");
    let x3 = rule("X-003", "\"model-card\"", "\"X-004\"");
    let x4 = rule("X-004", "\"model-card\"", "\"X-003\"");
    let dir = temp_repo(&[
        (
            "pack.toml",
            b"id = \"sup\"\nname = \"Sup\"\nversion = \"1.0.0\"\nframework = \"Test\"\n",
        ),
        (
            "controls.toml",
            b"[[control]]\nid = \"C1\"\ntitle = \"One\"\nkind = \"control\"\n",
        ),
        ("rules/X-001.toml", x1.as_bytes()),
        ("rules/X-002.toml", x2.as_bytes()),
        ("rules/X-003.toml", x3.as_bytes()),
        ("rules/X-004.toml", x4.as_bytes()),
    ]);
    let o = run(
        &["packs", "list", "--pack", dir.path().to_str().unwrap()],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    // Compared without the spaces and frame of the wrapped terminal output.
    let bare = |s: &str| s.replace(|c: char| c.is_whitespace() || c == '│', "");
    let err = bare(&stderr(&o));
    for needle in [
        "`X-002` applies to change-record, `X-001` to model-card: their findings never meet on one file",
        "`X-009` in `supersedes` is not a rule of this pack",
        "`X-001` cannot supersede itself",
        "`X-003` and `X-004` supersede each other",
        "rules/X-001.toml:5",
    ] {
        assert!(
            err.contains(&bare(needle)),
            "no `{needle}` in:\n{}",
            stderr(&o)
        );
    }
}
