//! `aimslint report crosswalk|soa|diff`: golden reports of the example repository, every framework
//! item and crosswalk pair present, statuses derived as documented, evidence stamped `path@commit`,
//! the JSON against its schema, OSCAL against NIST's schema. OSCAL in compliance-trestle and the HTML
//! in headless Chromium are tests/external/report_tools.rs.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::*;

/// A report of the example repository, as of the date its gaps are documented at.
fn example_report(kind: &str, format: &str) -> std::process::Output {
    let ex = example();
    report(
        &[
            kind,
            ex.to_str().unwrap(),
            "--format",
            format,
            "--as-of",
            AS_OF,
        ],
        &ex,
    )
}

/// Commit ids depend on the checkout; everything else must not.
macro_rules! with_stable_revisions {
    ($body:block) => {
        insta::with_settings!({filters => vec![
            (r"@[0-9a-f]{7,40}\b", "@[rev]"),
            (r"@worktree\b", "@[rev]"),
            (r"working tree at [0-9a-f]{7,40}", "working tree at [rev]"),
            (r#""head": "[0-9a-f]{7,40}""#, r#""head": "[rev]""#),
            (r"aimslint \d+\.\d+\.\d+", "aimslint [version]"),
        ]}, $body)
    };
}

fn schema_errors(schema_path: &Path, doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn report_schema_errors(doc: &serde_json::Value) -> Vec<String> {
    schema_errors(
        &repo_root().join("schemas/crosswalk-report.schema.json"),
        doc,
    )
}

#[test]
fn crosswalk_markdown_snapshot() {
    let o = example_report("crosswalk", "md");
    with_stable_revisions!({
        insta::assert_snapshot!("crosswalk_md", stdout(&o));
    });
}

#[test]
fn soa_markdown_snapshot() {
    let o = example_report("soa", "md");
    with_stable_revisions!({
        insta::assert_snapshot!("soa_md", stdout(&o));
    });
}

#[test]
fn soa_json_snapshot_and_schema() {
    let soa = json(&example_report("soa", "json"));
    assert!(
        report_schema_errors(&soa).is_empty(),
        "{:#?}",
        report_schema_errors(&soa)
    );
    assert_eq!(soa["summary"]["controls"], 38);
    let a104 = soa["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "iso42001:A.10.4")
        .unwrap();
    assert_eq!(a104["applicable"], false);
    assert_eq!(a104["status"], "not-applicable");
    assert!(
        a104["justification"]
            .as_str()
            .unwrap()
            .contains("no AI system to customers")
    );
    with_stable_revisions!({
        insta::assert_json_snapshot!("soa_json", soa, {
            ".packs[].sha256" => "[sha256]",
            ".tool.version" => "[version]",
        });
    });
}

#[test]
fn crosswalk_json_has_every_item_and_pair_and_every_id_resolves() {
    let cw = json(&example_report("crosswalk", "json"));
    let errors = report_schema_errors(&cw);
    assert!(errors.is_empty(), "{errors:#?}");
    with_stable_revisions!({
        insta::assert_json_snapshot!("crosswalk_json_summary", cw["summary"]);
    });

    let controls: BTreeSet<&str> = cw["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // ISO/IEC 42001: clauses 4.1-10.2 and the 38 Annex A controls.
    assert_eq!(controls.len(), 74);
    assert_eq!(
        controls
            .iter()
            .filter(|c| c.starts_with("iso42001:A."))
            .count(),
        38
    );
    let fw = |id: &str| {
        cw["frameworks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("framework {id}"))
            .clone()
    };
    // EU: 17 articles, 25 Annex IV points, and Annex IV as a whole (2 pairs map it).
    for (id, items, pairs) in [("nist-ai-rmf", 72, 280), ("eu-ai-act", 43, 87)] {
        let f = fw(id);
        let list = f["items"].as_array().unwrap();
        assert_eq!(list.len(), items, "{id} items");
        assert_eq!(f["pairs"], pairs);
        let mut seen = BTreeSet::new();
        for item in list {
            let item_id = item["id"].as_str().unwrap();
            assert!(item_id.starts_with(&format!("{id}:")), "{item_id}");
            for m in item["controls"].as_array().unwrap() {
                let c = m["control"].as_str().unwrap();
                assert!(
                    controls.contains(c),
                    "{item_id} → {c} resolves to no control"
                );
                // The item's status is the most severe of its controls'.
                assert!(seen.insert((item_id, c)), "duplicate pair {item_id} → {c}");
            }
        }
        assert_eq!(seen.len(), pairs, "{id} pairs");
        let coverage: u64 = f["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["items"].as_u64().unwrap())
            .sum();
        assert_eq!(coverage, items as u64);
    }
    // The 72 subcategories are exactly those of NIST AI 100-1 (GOVERN 1.1 … MANAGE 4.3).
    let nist = fw("nist-ai-rmf");
    let groups: BTreeSet<&str> = nist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["group"].as_str().unwrap())
        .collect();
    assert_eq!(
        groups,
        BTreeSet::from(["GOVERN", "MANAGE", "MAP", "MEASURE"])
    );
    // EU items carry their date of application and whether it applies at as_of.
    let art9 = fw("eu-ai-act")["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "eu-ai-act:Art.9")
        .unwrap()
        .clone();
    assert_eq!(art9["applies_from"], "2027-12-02");
    assert_eq!(art9["applies_status"], "amended");
    assert_eq!(art9["in_effect"], false);
}

#[test]
fn statuses_follow_the_documented_precedence_on_the_example() {
    let cw = json(&example_report("crosswalk", "json"));
    let status = |id: &str| -> String {
        cw["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Excluded in [soa.exclude]; a process clause (internal audit); a gap; a waived gap only; no
    // incident files.
    assert_eq!(status("iso42001:A.10.4"), "not-applicable");
    assert_eq!(status("iso42001:9.2"), "manual");
    assert_eq!(status("iso42001:A.7.3"), "failing");
    assert_eq!(status("iso42001:A.7.4"), "waived");
    assert_eq!(status("iso42001:A.8.4"), "no-evidence");
    assert_eq!(status("iso42001:A.2.2"), "satisfied");
    let order = [
        "not-applicable",
        "manual",
        "satisfied",
        "evidence-present",
        "waived",
        "warning",
        "no-evidence",
        "failing",
    ];
    let rank = |s: &str| order.iter().position(|o| *o == s).unwrap();
    for f in cw["frameworks"].as_array().unwrap() {
        for item in f["items"].as_array().unwrap() {
            let mapped: Vec<&str> = item["controls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["status"].as_str().unwrap())
                .collect();
            let expected = mapped
                .iter()
                .copied()
                .max_by_key(|s| rank(s))
                .unwrap_or("manual");
            assert_eq!(item["status"], expected, "{}", item["id"]);
            for m in item["controls"].as_array().unwrap() {
                // A pair along which no rule is excluded sees the control whole.
                if m["excluded_rules"].is_null() {
                    assert_eq!(
                        m["status"].as_str().unwrap(),
                        status(m["control"].as_str().unwrap())
                    );
                }
            }
        }
    }
}

#[test]
fn csv_has_one_row_per_pair_or_unmapped_item() {
    let o = example_report("crosswalk", "csv");
    let text = stdout(&o);
    let rows: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(rows[0].starts_with("framework,item,item_title,"));
    let nist = rows
        .iter()
        .filter(|r| r.starts_with("nist-ai-rmf,"))
        .count();
    assert_eq!(nist, 280);
    // 87 EU pairs, plus one row for each of the 7 items with no ISO/IEC 42001 counterpart.
    let eu = rows.iter().filter(|r| r.starts_with("eu-ai-act,")).count();
    assert_eq!(eu, 87 + 7);
    let soa = stdout(&example_report("soa", "csv"));
    assert_eq!(soa.split("\r\n").filter(|l| !l.is_empty()).count(), 39);
}

#[test]
fn evidence_is_stamped_with_the_commit_or_worktree() {
    let mut g = GitRepo::new();
    let head = g.commit(
        "2026-10-01",
        "evidence",
        &[
            ("aims/policy.md", Some(POLICY)),
            ("data/a/provenance.yaml", Some("dataset: a\n")),
        ],
    );
    g.write(&[(
        "data/a/provenance.yaml",
        Some("dataset: a\nversion: \"2\"\n"),
    )]);
    let soa = json(&report(
        &[
            "soa",
            g.path().to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
        g.path(),
    ));
    let short = &head[..7];
    assert_eq!(soa["head"], short);
    let evidence = |id: &str| -> Vec<String> {
        soa["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        evidence("iso42001:A.2.2"),
        vec![format!("aims/policy.md@{short}")]
    );
    assert_eq!(
        evidence("iso42001:A.7.6"),
        vec!["data/a/provenance.yaml@worktree".to_string()]
    );
    // Outside git everything is only in the working tree.
    let plain = temp_repo(&[("aims/policy.md", POLICY.as_bytes())]);
    let soa = json(&report(
        &[
            "soa",
            plain.path().to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
        plain.path(),
    ));
    assert_eq!(soa["head"], serde_json::Value::Null);
    assert_eq!(soa["controls"][0]["evidence"][0], "aims/policy.md@worktree");
}

const POLICY: &str = "# AI policy\n\n## Purpose\n\nThis policy sets how the bank builds, buys and runs AI systems and who answers for them.\n";

#[test]
fn reports_work_on_a_repository_with_no_config_and_no_evidence() {
    let dir = temp_repo(&[("README.md", b"# nothing here\n")]);
    let p = dir.path().to_str().unwrap();
    let cw = json(&report(
        &["crosswalk", p, "--format", "json", "--as-of", AS_OF],
        dir.path(),
    ));
    assert!(report_schema_errors(&cw).is_empty());
    let ids: Vec<&str> = cw["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["nist-ai-rmf", "eu-ai-act"]);
    assert_eq!(cw["summary"]["controls"]["satisfied"], 0);
    // --frameworks narrows the report to the packs named.
    let cw = json(&report(
        &[
            "crosswalk",
            p,
            "--format",
            "json",
            "--frameworks",
            "eu-ai-act",
        ],
        dir.path(),
    ));
    assert_eq!(cw["frameworks"].as_array().unwrap().len(), 1);
    let o = run(
        &["report", "crosswalk", p, "--frameworks", "iso42001"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no loaded pack has a crosswalk"));
    let o = run(
        &["report", "crosswalk", p, "--frameworks", "no-such-pack"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown pack `no-such-pack`"));
}

#[test]
fn an_unjustified_or_unknown_exclusion_is_al012_at_its_line() {
    let dir = temp_repo(&[(
        "aimslint.toml",
        b"[soa.exclude]\n\"iso42001:A.10.4\" = \"\"\n\"iso42001:A.6.10.2\" = \"Not ours.\"\n",
    )]);
    let p = dir.path().to_str().unwrap();
    let o = run(
        &[
            "check",
            p,
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--fail-on",
            "error",
        ],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows: Vec<String> = finding_rows(&json(&o))
        .into_iter()
        .filter(|r| r.starts_with("AL012"))
        .collect();
    assert_eq!(
        rows,
        vec!["AL012 aimslint.toml:2 -", "AL012 aimslint.toml:3 -"]
    );
    // An exclusion without a justification does not make the control not applicable.
    let soa = json(&report(
        &["soa", p, "--format", "json", "--as-of", AS_OF],
        dir.path(),
    ));
    assert_eq!(soa["summary"]["excluded"], 0);
}

#[test]
fn diff_shows_what_a_commit_did_to_the_posture() {
    let mut g = GitRepo::new();
    let mut files: Vec<(String, String)> = Vec::new();
    collect_files(&example(), &example(), &mut files);
    let refs: Vec<(&str, Option<&str>)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), Some(c.as_str())))
        .collect();
    g.commit("2026-10-01", "the example as it is", &refs);
    let prov =
        std::fs::read_to_string(example().join("data/bureau-scores/provenance.yaml")).unwrap();
    let fixed = prov
        .replacen(
            "personal_data: true",
            "personal_data: true\nlegal_basis: contract",
            1,
        )
        .replacen(
            "start: 2021-01-01,",
            "start: 2021-01-01, end: 2026-09-30,",
            1,
        );
    g.commit(
        "2026-11-01",
        "provenance: legal basis and end of collection",
        &[("data/bureau-scores/provenance.yaml", Some(&fixed))],
    );
    let p = g.path().to_str().unwrap();
    let d = json(&report(
        &[
            "diff",
            "HEAD~1",
            "HEAD",
            p,
            "--format",
            "json",
            "--frameworks",
            "nist-ai-rmf",
        ],
        g.path(),
    ));
    let errors = report_schema_errors(&d);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(d["from"]["commit"], &g.commits[0][..7]);
    // Each revision is judged as of its commit's date.
    assert_eq!(d["from"]["as_of"], "2026-10-01");
    assert_eq!(d["to"]["as_of"], "2026-11-01");
    let change = |id: &str| {
        d["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} did not change: {:#}", d["changes"]))
    };
    let a73 = change("iso42001:A.7.3");
    assert_eq!(
        (a73["from"].as_str(), a73["to"].as_str()),
        (Some("failing"), Some("satisfied"))
    );
    assert_eq!(a73["fixed"], serde_json::json!(["DP-004", "DP-005"]));
    // A.7.5 still fails (MC-006) but DP-004 no longer does.
    let a75 = change("iso42001:A.7.5");
    assert_eq!(a75["to"], "failing");
    assert_eq!(a75["fixed"], serde_json::json!(["DP-004"]));
    assert!(
        d["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["framework"] != "eu-ai-act")
    );
    let md = stdout(&report(&["diff", "HEAD~1", "HEAD", p], g.path()));
    assert!(
        md.contains(
            "| A.7.3 | Acquisition of data | **failing** | satisfied | DP-004, DP-005 | – |"
        ),
        "{md}"
    );
    let o = run(&["report", "diff", "HEAD~1", "no-such-rev", p], g.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-rev"));
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_files(root, &p, out);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
    out.sort();
}

#[test]
fn oscal_matches_nists_schema() {
    let doc = json(&example_report("soa", "oscal"));
    let errors = schema_errors(
        &repo_root().join("tests/data/oscal/oscal_assessment-results_schema.json"),
        &doc,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.2");
    let result = &ar["results"][0];
    let findings = result["findings"].as_array().unwrap();
    // 38 Annex A controls, less the excluded A.10.4: every other one has evidence kinds or rules
    // (the human and tooling resources of A.4.4 and A.4.6 are read from the inventory).
    assert_eq!(findings.len(), 37);
    assert_eq!(
        result["reviewed-controls"]["control-selections"][0]["exclude-controls"],
        serde_json::json!([{ "control-id": "A.10.4" }])
    );
    let state = |id: &str| {
        findings
            .iter()
            .find(|f| f["target"]["target-id"] == id)
            .unwrap()["target"]["status"]["state"]
            .clone()
    };
    assert_eq!(state("A.2.2"), "satisfied");
    assert_eq!(state("A.7.3"), "not-satisfied");
    // The same input gives the same document, UUIDs included.
    assert_eq!(doc, json(&example_report("soa", "oscal")));
}

fn control<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))
}

/// A card whose one gap is a warning (no environmental impact): its controls are `warning`, not
/// `failing`, and the NIST items they reach are too; `--fail-on warning` makes them failing, as it
/// makes `check` fail.
#[test]
fn warnings_alone_do_not_fail_a_control_unless_asked() {
    let card = "---\nlicense: mit\n---\n# Model Card\n";
    let dir = temp_repo(&[
        ("models/m/README.md", card.as_bytes()),
        ("aimslint.toml", b"[rules]\nselect = [\"MC-011\"]\n"),
    ]);
    let path = dir.path().to_str().unwrap();
    let status = |extra: &[&str]| {
        let mut a = vec!["crosswalk", path, "--format", "json", "--as-of", AS_OF];
        a.extend_from_slice(extra);
        let cw = json(&report(&a, dir.path()));
        let c = control(&cw, "iso42001:A.4.5");
        let govern = cw["frameworks"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                i["controls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m["control"] == "iso42001:A.4.5")
            })
            .map(|i| i["status"].as_str().unwrap().to_string())
            .collect::<Vec<_>>();
        (
            c["status"].as_str().unwrap().to_string(),
            c["findings"][0]["severity"].clone(),
            govern,
        )
    };
    let (st, severity, items) = status(&[]);
    assert_eq!(
        (st.as_str(), severity.as_str()),
        ("warning", Some("warning"))
    );
    // The items reached through A.4.5 are warning (or no-evidence through another control),
    // never failing.
    assert!(items.iter().any(|s| s == "warning"), "{items:?}");
    assert!(items.iter().all(|s| s != "failing"), "{items:?}");
    let (st, _, strict) = status(&["--fail-on", "warning"]);
    assert_eq!(st, "failing");
    for (was, now) in items.iter().zip(&strict) {
        if was == "warning" {
            assert_eq!(now, "failing");
        }
    }
}

/// Evidence present but no rule that checks it is not `satisfied`: A.6.2.2 (requirements and
/// specification) in the example has model cards and an inventory, and no rule.
#[test]
fn evidence_no_rule_checks_is_evidence_present_not_satisfied() {
    let cw = json(&example_report("crosswalk", "json"));
    let c = control(&cw, "iso42001:A.6.2.2");
    assert_eq!(c["status"], "evidence-present");
    assert_eq!(c["rules"].as_array().unwrap().len(), 0);
    assert!(!c["evidence"].as_array().unwrap().is_empty());
    // No control is satisfied without a rule that ran.
    for c in cw["controls"].as_array().unwrap() {
        if c["status"] == "satisfied" {
            assert!(!c["rules"].as_array().unwrap().is_empty(), "{}", c["id"]);
        }
    }
}

/// Every failing item names each finding's file and line, in every format; a no-evidence item
/// lists no evidence.
#[test]
fn failing_items_are_traceable_to_file_and_line_in_every_format() {
    let cw = json(&example_report("crosswalk", "json"));
    let a73 = control(&cw, "iso42001:A.7.3");
    assert_eq!(a73["status"], "failing");
    let f = &a73["findings"][0];
    let place = format!("{}:{}", f["path"].as_str().unwrap(), f["line"]);
    let rule = f["rule"].as_str().unwrap();
    for fw in cw["frameworks"].as_array().unwrap() {
        for item in fw["items"].as_array().unwrap() {
            let findings = item["findings"].as_array().unwrap();
            match item["status"].as_str().unwrap() {
                "failing" | "warning" => assert!(!findings.is_empty(), "{}", item["id"]),
                "no-evidence" => {
                    assert!(findings.is_empty(), "{}", item["id"]);
                    assert!(
                        item["evidence"].as_array().unwrap().is_empty(),
                        "{}",
                        item["id"]
                    );
                }
                _ => assert!(findings.is_empty(), "{}", item["id"]),
            }
        }
    }
    let md = stdout(&example_report("crosswalk", "md"));
    assert!(
        md.contains(&format!("{rule} `{place}`")),
        "md lacks {rule} {place}"
    );
    let csv = stdout(&example_report("crosswalk", "csv"));
    assert!(
        csv.contains(&format!("{rule} {place}")),
        "csv lacks {rule} {place}"
    );
    let html = stdout(&example_report("crosswalk", "html"));
    assert!(
        html.contains(&format!("{rule} <code>{place}</code>")),
        "html lacks {rule} {place}"
    );
    for format in ["md", "csv", "html"] {
        let soa = stdout(&example_report("soa", format));
        assert!(soa.contains(&place), "soa {format} lacks {place}");
    }
}

/// The example declares A.7.3 implemented in `[soa.control]`; the evidence says failing: the SoA
/// shows the owner, the declared state and the gap, in every format and in OSCAL.
#[test]
fn the_soa_shows_declared_state_owner_and_the_gap_to_the_verdict() {
    let soa = json(&example_report("soa", "json"));
    let a73 = control(&soa, "iso42001:A.7.3");
    assert_eq!(a73["declared_state"], "implemented");
    assert_eq!(a73["owner"], "data-platform");
    assert_eq!(a73["inclusion_default"], false);
    assert_eq!(a73["claim_gap"], "declared implemented, but failing");
    assert!(soa["summary"]["claim_gaps"].as_u64().unwrap() >= 1);
    // Without a declared justification the control's description stands in, marked as default.
    let a82 = control(&soa, "iso42001:A.8.2");
    assert_eq!(a82["inclusion_default"], true);
    assert!(!a82["inclusion"].as_str().unwrap().is_empty());
    let md = stdout(&example_report("soa", "md"));
    assert!(md.contains("⚠ declared implemented, but failing"), "{md}");
    let csv = stdout(&example_report("soa", "csv"));
    assert!(csv.contains("declared implemented, but failing"));
    let oscal = stdout(&example_report("soa", "oscal"));
    assert!(oscal.contains("declared-implementation-state"));
    assert!(oscal.contains("Gap: declared implemented, but failing."));
}

/// `report soa --all-history` judges the history: a commit-rule finding that still stands is under
/// the controls it cites, with its commit; without the option the same control knows nothing of it.
#[test]
fn reports_take_the_history_options_of_check() {
    let g = crate::history::story();
    let path = g.path().to_str().unwrap();
    let soa = |extra: &[&str]| {
        let mut a = vec!["soa", path, "--format", "json", "--as-of", "2027-06-01"];
        a.extend_from_slice(extra);
        json(&report(&a, g.path()))
    };
    let history = soa(&["--all-history", "--no-cache"]);
    let a625 = control(&history, "iso42001:A.6.2.5");
    let ch: Vec<&serde_json::Value> = a625["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CH-001")
        .collect();
    assert_eq!(ch.len(), 1, "{a625:#}");
    assert_eq!(ch[0]["path"], "models/m/config.yaml");
    assert_eq!(ch[0]["commit"].as_str().unwrap(), g.commits[1]);
    assert_eq!(a625["status"], "failing");
    let md = stdout(&report(
        &[
            "soa",
            path,
            "--all-history",
            "--no-cache",
            "--as-of",
            "2027-06-01",
        ],
        g.path(),
    ));
    assert!(
        md.contains(&format!(
            "CH-001 `models/m/config.yaml:1@{}`",
            &g.commits[1][..7]
        )),
        "{md}"
    );
    // A finding that was fixed in the history does not stand: DP-005 was fixed in commit 5.
    let a = history["controls"].as_array().unwrap();
    assert!(
        a.iter()
            .flat_map(|c| c["findings"].as_array().unwrap())
            .all(|f| f["rule"] != "DP-005"),
        "a fixed finding is not counted"
    );
    let worktree = soa(&[]);
    assert!(
        control(&worktree, "iso42001:A.6.2.5")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "CH-001")
    );
}

/// A gap reaches a framework item only along pairs where it is evidence about the item: a missing
/// licence fails A.8.2 but says nothing of EU Art. 50 (telling people they deal with an AI system),
/// nor a missing contact of Art. 49 (registration); both are for a person to judge. Through A.8.2
/// the same licence gap still fails nothing it is not evidence for, while an intended-use gap still
/// reaches Art. 13 (instructions for use).
#[test]
fn gaps_reach_items_only_along_pairs_where_they_are_evidence() {
    let cw = json(&example_report("crosswalk", "json"));
    let a82 = control(&cw, "iso42001:A.8.2");
    assert_eq!(a82["status"], "failing");
    let eu = cw["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "eu-ai-act")
        .unwrap();
    let item = |id: &str| {
        eu["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    let art50 = item("eu-ai-act:Art.50");
    assert_eq!(art50["status"], "manual");
    let pair = &art50["controls"][0];
    assert_eq!(pair["control"], "iso42001:A.8.2");
    assert_eq!(pair["status"], "manual");
    assert!(
        pair["excluded_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "MC-007")
    );
    assert!(!pair["excluded_why"].as_str().unwrap().is_empty());
    assert_eq!(item("eu-ai-act:Art.49")["status"], "manual");
    // Art. 13 keeps MC-002 (out-of-scope uses belong in the instructions), not the licence rules.
    let art13 = item("eu-ai-act:Art.13");
    assert_eq!(art13["status"], "failing");
    let rules: Vec<&str> = art13["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"MC-002"), "{rules:?}");
    assert!(!rules.contains(&"MC-007"), "{rules:?}");
}
