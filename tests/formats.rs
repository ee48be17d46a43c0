//! The CI formats of `check`: SARIF 2.1.0 (validated against the OASIS schema in tests/data/sarif),
//! GitHub workflow commands and step summary, JUnit XML, GitLab Code Quality, the concise format,
//! several outputs in one run, and a pull-request job run with the environment GitHub sets.

use std::path::Path;

use crate::util::*;

const AS_OF: &str = "2026-11-01";

fn example_check(extra: &[&str]) -> std::process::Output {
    let ex = example();
    let mut a = vec!["check", ex.to_str().unwrap(), "--as-of", AS_OF];
    a.extend_from_slice(extra);
    run(&a, &repo_root())
}

fn sarif_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/data/sarif/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The example's findings as SARIF: valid against the official schema; one descriptor per rule
/// with docs and a help URI; controls as taxonomies; each result at its line with the stable
/// fingerprint; the waived finding a suppression with its justification.
#[test]
fn sarif_is_valid_and_carries_rules_controls_fingerprints_and_waivers() {
    let o = example_check(&["--format", "sarif", "--frameworks", "nist-ai-rmf,eu-ai-act"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let sarif = json(&o);
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema does reject what is not SARIF: no version, a level that is none.
    assert!(!sarif_errors(&serde_json::json!({ "runs": [] })).is_empty());
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!sarif_errors(&bad).is_empty());
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mc001 = rules.iter().find(|r| r["id"] == "MC-001").unwrap();
    assert!(
        mc001["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("/policies/iso42001/rules/MC-001.toml")
    );
    assert!(
        mc001["help"]["text"]
            .as_str()
            .unwrap()
            .contains("## What it does")
    );
    let taxonomies: Vec<&str> = run["taxonomies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(taxonomies.len(), 3, "{taxonomies:?}");
    // Every result's rule is described; its fingerprint is the JSON report's.
    let report = json(&example_check(&["--format", "json"]));
    let results = run["results"].as_array().unwrap();
    let open: Vec<&serde_json::Value> = report["findings"].as_array().unwrap().iter().collect();
    assert_eq!(results.len(), open.len());
    for (r, f) in results.iter().zip(&open) {
        assert_eq!(r["ruleId"], f["rule"]);
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], f["rule"]);
        assert_eq!(
            r["partialFingerprints"]["aimslintFingerprint/v1"],
            f["fingerprint"]
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f["path"]);
        assert_eq!(loc["region"]["startLine"], f["line"]);
        assert_eq!(r["suppressions"].is_array(), !f["waived"].is_null());
    }
    let waived = results
        .iter()
        .find(|r| r["suppressions"].is_array())
        .unwrap();
    assert!(
        waived["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("owner data-platform, until 2027-06-30")
    );
}

/// Annotations: one workflow command per standing finding that is not waived, escaped as GitHub's
/// toolkit escapes them.
#[test]
fn github_annotations_are_exact_and_escaped() {
    let card = "---\nlicense: mit\n---\n# Model Card\n";
    let dir = temp_repo(&[
        ("models/m,1/README.md", card.as_bytes()),
        (
            "aimslint.toml",
            b"[rules]\nselect = [\"MC-001\", \"MC-011\"]\n",
        ),
    ]);
    let o = run(
        &["check", dir.path().to_str().unwrap(), "--format", "github"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "::error file=models/m%2C1/README.md,line=1,col=1,title=MC-001 (iso42001%3AA.9.4%2C iso42001%3AA.8.2)::no section titled \"Intended Use\""
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("%0AAdd an \"Intended Use\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::warning file=models/m%2C1/README.md,line=1,col=1,title=MC-011")
    );
}

/// A pull-request job as GitHub runs it: the range of the pull request, annotations on standard
/// output, SARIF for code scanning and JUnit to files, and the step summary appended to the file
/// GitHub names, with the findings the pull request introduced and nothing it did not.
#[test]
fn a_pull_request_job_with_the_environment_github_sets() {
    let mut g = GitRepo::new();
    let card = "---\nlicense: mit\n---\n# Model Card\n\n## Intended Use\n\nScoring retail credit applications for the lending team, in the EU only, as a second opinion.\n";
    g.commit(
        "2026-10-01",
        "Base",
        &[
            ("models/a/README.md", Some(card)),
            (
                "aimslint.toml",
                Some("[rules]\nselect = [\"MC-001\", \"MC-007\"]\n"),
            ),
        ],
    );
    let base = g.commits[0].clone();
    g.commit(
        "2026-10-02",
        "Add model b",
        &[(
            "models/b/README.md",
            Some("---\nlicense: mit\n---\n# Model Card\n"),
        )],
    );
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("step_summary.md");
    std::fs::write(&summary, "Earlier step.\n").unwrap();
    let sarif = out.path().join("aimslint.sarif");
    let junit = out.path().join("junit.xml");
    let range = format!("{base}..HEAD");
    let o = aimslint()
        .args([
            "check",
            g.path().to_str().unwrap(),
            "--range",
            &range,
            "--format",
            "github",
            "--format",
            &format!("sarif={}", sarif.display()),
            "--format",
            &format!("junit={}", junit.display()),
            "--as-of",
            AS_OF,
        ])
        .current_dir(g.path())
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("GITHUB_WORKSPACE", g.path())
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let annotations = stdout(&o);
    assert_eq!(annotations.lines().count(), 1, "{annotations}");
    assert!(annotations.starts_with("::error file=models/b/README.md,line=1,col=1,title=MC-001"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(sarif_errors(&sarif).is_empty());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["properties"]["commit"].as_str().unwrap(),
        g.commits[1]
    );
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert!(
        junit.contains("<testsuite name=\"models/b/README.md\" tests=\"2\" failures=\"1\""),
        "{junit}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("Earlier step.\n## aimslint: range "),
        "{summary}"
    );
    assert!(summary.contains("**1 error**"), "{summary}");
    assert!(
        summary.contains("| `models/b/README.md` | 1 |"),
        "{summary}"
    );
    assert!(
        summary.contains("[MC-001](https://github.com/aimslint/aimslint/blob/main/policies/iso42001/rules/MC-001.toml)"),
        "{summary}"
    );
}

/// One line per finding, then rules that fire on many files summarised once.
#[test]
fn concise_is_one_line_per_finding() {
    let card = "---\nlicense: mit\n---\n# Model Card\n";
    let files: Vec<(String, &[u8])> = (1..=5)
        .map(|i| (format!("models/m{i}/README.md"), card.as_bytes()))
        .collect();
    let mut all: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), *b)).collect();
    all.push(("aimslint.toml", b"[rules]\nselect = [\"MC-001\"]\n"));
    let dir = temp_repo(&all);
    let o = run(
        &["check", dir.path().to_str().unwrap(), "--format", "concise"],
        dir.path(),
    );
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("models/m1/README.md:1:1: MC-001 no section titled \"Intended Use\""),
        "{text}"
    );
    assert!(
        lines[0].ends_with("[iso42001:A.9.4, iso42001:A.8.2]"),
        "{text}"
    );
    assert_eq!(lines.len(), 5 + 1 + 1 + 1 + 1, "{text}");
    assert!(
        lines[6].starts_with("MC-001: 5 findings in 5 files  Model card states the intended use")
    );
    assert_eq!(
        lines[8],
        "Found 5 findings (5 errors, 0 warnings) in 5 evidence files."
    );
}

/// GitLab Code Quality: a JSON array of issues with the stable fingerprint.
#[test]
fn gitlab_code_quality_issues() {
    let report = json(&example_check(&["--format", "json"]));
    let o = example_check(&["--format", "gitlab"]);
    let issues = json(&o);
    let issues = issues.as_array().unwrap();
    let open: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["waived"].is_null())
        .collect();
    assert_eq!(issues.len(), open.len());
    for (i, f) in issues.iter().zip(open) {
        assert_eq!(i["check_name"], f["rule"]);
        assert_eq!(i["fingerprint"], f["fingerprint"]);
        assert_eq!(i["location"]["path"], f["path"]);
        assert_eq!(i["location"]["lines"]["begin"], f["line"]);
        assert_eq!(
            i["severity"],
            if f["severity"] == "error" {
                "major"
            } else {
                "minor"
            }
        );
    }
}

/// Several outputs in one run; two aimed at standard output is a usage error.
#[test]
fn several_outputs_in_one_run() {
    let out = tempfile::tempdir().unwrap();
    let file = |n: &str| out.path().join(n);
    let o = example_check(&[
        "--format",
        "concise",
        "--format",
        &format!("json={}", file("r.json").display()),
        "--format",
        &format!("gitlab={}", file("gl.json").display()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Found 13 findings"));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file("r.json")).unwrap()).unwrap();
    assert_eq!(r["summary"]["findings"], 13);
    assert!(Path::new(&file("gl.json")).is_file());
    let o = example_check(&["--format", "json", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("formats json, sarif all go to standard output"),
        "{}",
        stderr(&o)
    );
    let o = example_check(&["--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown format `xml`"),
        "{}",
        stderr(&o)
    );
}

/// The `Check` step of action.yml, with its `env:`, run by bash as GitHub runs a composite step on a
/// pull request: the range from the event, annotations on standard output, SARIF and JUnit files,
/// the step summary, and the exit code and SARIF path as step outputs (the verdict comes later).
#[test]
fn the_action_check_step_runs_on_a_pull_request() {
    let action = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    // The step's script: the indented block after `run: |` in the step whose id is `check`.
    let step = &action[action.find("id: check").unwrap()..];
    let body = &step[step.find("run: |").unwrap() + "run: |".len()..];
    let script: String = body
        .lines()
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with("        "))
        .map(|l| format!("{}\n", l.get(8..).unwrap_or("")))
        .collect();
    assert!(script.contains("--format github"), "{script}");

    let mut g = GitRepo::new();
    let card = "---\nlicense: mit\n---\n# Model Card\n\n## Intended Use\n\nScoring retail credit applications for the lending team, in the EU only, as a second opinion.\n";
    g.commit(
        "2026-10-01",
        "Base",
        &[
            ("models/a/README.md", Some(card)),
            ("aimslint.toml", Some("[rules]\nselect = [\"MC-001\"]\n")),
        ],
    );
    g.commit(
        "2026-10-02",
        "Add model b",
        &[(
            "models/b/README.md",
            Some("---\nlicense: mit\n---\n# Model Card\n"),
        )],
    );
    let out = tempfile::tempdir().unwrap();
    let outputs = out.path().join("github_output");
    let summary = out.path().join("step_summary.md");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(g.path())
        .env("AIMSLINT_BIN", env!("CARGO_BIN_EXE_aimslint"))
        .env("INPUT_PATH", ".")
        .env("INPUT_RANGE", "")
        .env("INPUT_FAIL_ON", "error")
        .env("INPUT_SARIF", out.path().join("aimslint.sarif"))
        .env("INPUT_JUNIT", out.path().join("junit.xml"))
        .env("INPUT_ARGS", "--as-of 2026-11-01")
        .env("PR_BASE", &g.commits[0])
        .env("PR_HEAD", &g.commits[1])
        .env("PUSH_BEFORE", "")
        .env("PUSH_AFTER", "")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("::error "))
            .count(),
        1,
        "{}",
        stdout(&o)
    );
    let outputs = std::fs::read_to_string(&outputs).unwrap();
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("aimslint.sarif\n"), "{outputs}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("aimslint.sarif")).unwrap())
            .unwrap();
    assert!(sarif_errors(&sarif).is_empty());
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert!(out.path().join("junit.xml").is_file());
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("**1 error**")
    );
}

/// One format type for every command: each writes its own subset, several at once, and refuses
/// the others with the list it writes.
#[test]
fn every_command_takes_the_same_format_option() {
    let ex = example();
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("soa.html");
    let o = run(
        &[
            "report",
            "soa",
            ex.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--format",
            &format!("html={}", html.display()),
        ],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["report"], "soa");
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    let o = run(
        &["report", "soa", ex.to_str().unwrap(), "--format", "sarif"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        flat(&stderr(&o))
            .contains("report soa does not write sarif (it writes md, html, csv, json, oscal)"),
        "{}",
        stderr(&o)
    );
    let o = example_check(&["--format", "md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        flat(&stderr(&o)).contains(
            "check does not write md (it writes human, concise, json, sarif, github, junit, gitlab)"
        ),
        "{}",
        stderr(&o)
    );
}

/// A diagnostic as one line: miette wraps long messages.
fn flat(s: &str) -> String {
    s.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Shard a run and merge it: the same report as the unsharded run, on the working tree and on a
/// history; a missing or repeated shard is refused.
#[test]
fn the_merge_of_all_shards_is_the_unsharded_run() {
    let check_json = |dir: &Path, extra: &[&str]| {
        let mut a = vec![
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ];
        a.extend_from_slice(extra);
        run(&a, dir)
    };
    let out = tempfile::tempdir().unwrap();
    let merged = |dir: &Path, extra: &[&str], n: u32| -> (serde_json::Value, Vec<String>) {
        let mut files = Vec::new();
        for i in 1..=n {
            let f = out.path().join(format!("shard-{n}-{i}.json"));
            let shard = format!("{i}/{n}");
            let mut a = vec!["--shard", shard.as_str(), "--format"];
            let target = format!("json={}", f.display());
            a.push(&target);
            a.extend_from_slice(extra);
            let mut full = vec!["check", dir.to_str().unwrap(), "--as-of", AS_OF];
            full.extend_from_slice(&a);
            let o = run(&full, dir);
            assert!(o.status.code().unwrap() <= 1, "{}", stderr(&o));
            files.push(f.display().to_string());
        }
        let mut a = vec!["merge"];
        a.extend(files.iter().map(String::as_str));
        let o = run(&a, dir);
        assert!(o.status.code().unwrap() <= 1, "{}", stderr(&o));
        (json(&o), files)
    };
    // The example, in 3 shards: every shard holds a part, the merge the whole.
    let ex = example();
    let whole = json(&check_json(&ex, &[]));
    let (m, files) = merged(&ex, &[], 3);
    assert_eq!(m, whole);
    let parts: Vec<usize> = files
        .iter()
        .map(|f| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            v["artifacts"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(
        parts.iter().sum::<usize>(),
        whole["artifacts"].as_array().unwrap().len()
    );
    assert!(parts.iter().all(|n| *n < 11), "{parts:?}");
    // A history, in 2 shards.
    let g = crate::history::story();
    let whole = json(&check_json(g.path(), &["--all-history", "--no-cache"]));
    let (m, files) = merged(g.path(), &["--all-history", "--no-cache"], 2);
    assert_eq!(m, whole);
    // One shard short, or one twice: refused.
    let o = run(&["merge", &files[0]], g.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        flat(&stderr(&o)).contains("shard 2/2 is missing"),
        "{}",
        stderr(&o)
    );
    let o = run(&["merge", &files[0], &files[0]], g.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        flat(&stderr(&o)).contains("is given twice"),
        "{}",
        stderr(&o)
    );
}
