//! Work and memory stay bounded on hostile input: pack expressions too deep or too long for the
//! CEL parser are pack errors, expressions are evaluated within a budget, expression failures are
//! findings (AL009), and inventories, headings and long keys are handled in linear time and space.

use crate::util::*;

fn check(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    json_ok(&check_report(dir, AS_OF, extra))
}

fn inventory(n: usize, duplicate: Option<usize>) -> String {
    let mut s = String::from("systems:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  - id: system-{i}\n    name: System {i}\n    owner: team-{}\n",
            i % 7
        ));
    }
    if let Some(d) = duplicate {
        s.push_str(&format!(
            "  - id: system-{d}\n    name: Again\n    owner: team-0\n"
        ));
    }
    s
}

/// A pack with one control and the given rules (file name, TOML text).
fn pack(rules: &[(&str, String)]) -> tempfile::TempDir {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "pack.toml".into(),
            b"id = \"hb\"\nname = \"Budgets\"\nversion = \"1.0.0\"\nframework = \"Test\"\n"
                .to_vec(),
        ),
        (
            "controls.toml".into(),
            b"[[control]]\nid = \"C1\"\ntitle = \"One\"\nkind = \"control\"\n".to_vec(),
        ),
    ];
    for (name, text) in rules {
        files.push((format!("rules/{name}"), text.clone().into_bytes()));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    temp_repo(&refs)
}

fn expr_rule(id: &str, when: Option<&str>, expr: &str) -> String {
    let when = when.map_or(String::new(), |w| format!("when = '''{w}'''\n"));
    format!(
        "id = \"{id}\"\ntitle = \"t\"\nseverity = \"error\"\nkinds = [\"ai-system\"]\ncontrols = [\"hb:C1\"]\n{when}[check.expr]\nexpr = '''{expr}'''\npointer = \"/systems\"\nmessage = \"does not hold\"\n"
    )
}

fn rows(report: &serde_json::Value, prefix: &str) -> Vec<String> {
    finding_rows(report)
        .into_iter()
        .filter(|r| r.starts_with(prefix))
        .collect()
}

/// INV-010 on an inventory of 5,000 systems: one duplicate id is one finding on `systems`; none,
/// no finding (comparing every system with every other took 14 s here).
#[test]
fn inventory_ids_are_checked_on_a_large_inventory() {
    for (dup, want) in [
        (Some(4_321), vec!["INV-010 aims/systems.yaml:1 /systems"]),
        (None, vec![]),
    ] {
        let dir = temp_repo(&[("aims/systems.yaml", inventory(5_000, dup).as_bytes())]);
        let report = check(dir.path(), &["--select", "INV-010"]);
        assert_eq!(rows(&report, ""), want);
    }
}

/// Expressions the CEL parser would crash on — 100,000 brackets deep, a 100,000-term chain, or
/// just too long — are pack errors at the rule's line, and the run ends with exit code 2.
#[test]
fn deep_and_long_expressions_are_pack_errors_at_their_line() {
    let n = 100_000;
    let deep = format!("{}1{}", "(".repeat(n), ")".repeat(n));
    let chain = vec!["1"; n].join("+");
    let nested = format!("{}true{}", "(".repeat(40), ")".repeat(40));
    let sum = vec!["1"; 2_000].join(" + ") + " > 0";
    let dir = pack(&[
        ("X-001.toml", expr_rule("X-001", Some(&deep), "true")),
        ("X-002.toml", expr_rule("X-002", None, &chain)),
        ("X-003.toml", expr_rule("X-003", Some(&nested), "true")),
        ("X-004.toml", expr_rule("X-004", None, &sum)),
    ]);
    let o = run(
        &["packs", "list", "--pack", dir.path().to_str().unwrap()],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    // The report wraps its lines; compare words.
    let err = String::from_utf8_lossy(&o.stderr);
    let words: Vec<&str> = err.split_whitespace().filter(|w| *w != "│").collect();
    let err = words.join(" ");
    for needle in [
        "X-001.toml:6",
        "X-002.toml:6",
        "X-003.toml:6",
        "X-004.toml:6",
        "bytes long; at most 16384",
        "brackets nest more than 32",
        "chains or nests more than 64",
    ] {
        assert!(
            err.contains(needle),
            "missing `{needle}` in:\n{}",
            err.chars().take(3_000).collect::<String>()
        );
    }
}

/// A `when` or a check that cannot be evaluated is an AL009 finding naming the rule, not a rule
/// that silently does not apply.
#[test]
fn expression_failures_are_al009_findings() {
    let dir = pack(&[
        (
            "X-001.toml",
            expr_rule("X-001", Some("doc.systems.size() > doc.owner"), "true"),
        ),
        (
            "X-002.toml",
            expr_rule("X-002", None, "doc.systems.all(s, s.retired == false)"),
        ),
        (
            "X-003.toml",
            expr_rule("X-003", Some("has(doc.owner)"), "doc.owner == 1"),
        ),
    ]);
    let repo = temp_repo(&[("aims/systems.yaml", inventory(3, None).as_bytes())]);
    let report = check(
        repo.path(),
        &["--pack", dir.path().to_str().unwrap(), "--select", "hb"],
    );
    assert_eq!(
        rows(&report, ""),
        vec![
            "AL009 aims/systems.yaml:1 -",
            "AL009 aims/systems.yaml:1 /systems",
        ]
    );
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("X-001: its `when` condition could not be evaluated: "),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("X-002: its check expression could not be evaluated: "),
        "{messages:?}"
    );
}

/// An expression that compares every system with every other runs out of its budget on a large
/// inventory: one AL009 finding saying so, and the run completes.
#[test]
fn a_pairwise_expression_runs_out_of_budget() {
    let pairwise = "doc.systems.all(s, size(doc.systems.filter(t, t.id == s.id)) == 1)";
    let dir = pack(&[("X-001.toml", expr_rule("X-001", None, pairwise))]);
    let args = ["--pack", dir.path().to_str().unwrap(), "--select", "hb"];
    // The repeated id is the last system's, so `all()` goes through every system.
    let small = temp_repo(&[("aims/systems.yaml", inventory(100, Some(99)).as_bytes())]);
    assert_eq!(
        rows(&check(small.path(), &args), ""),
        vec!["X-001 aims/systems.yaml:1 /systems"]
    );
    let large = temp_repo(&[(
        "aims/systems.yaml",
        inventory(20_000, Some(19_999)).as_bytes(),
    )]);
    let report = check(large.path(), &args);
    assert_eq!(
        rows(&report, ""),
        vec!["AL009 aims/systems.yaml:1 /systems"]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("budget"), "{message}");
}

/// Thirty thousand equal headings in a model card are read and judged (numbering their keys used
/// to take a minute).
#[test]
fn many_equal_headings_in_a_card() {
    let mut card = String::from("---\nlicense: mit\n---\n# Model\n");
    card.push_str(&"## Notes\n\n".repeat(30_000));
    let dir = temp_repo(&[("models/m/README.md", card.as_bytes())]);
    let report = check(dir.path(), &[]);
    let rows = rows(&report, "");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| !r.starts_with("AL00")), "{rows:?}");
}
