use crate::util::*;

#[test]
fn explain_a_rule_prints_its_docs_and_controls() {
    let o = run(&["explain", "MC-003"], &repo_root());
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("MC-003: "), "{out}");
    assert!(
        out.contains(
            "iso42001:A.5.4  Assessing AI system impact on individuals or groups of individuals"
        ),
        "{out}"
    );
    assert!(out.contains("## What it does"), "{out}");
}

#[test]
fn explain_every_annex_a_control() {
    let csv = std::fs::read_to_string(repo_root().join("policies/iso42001/controls.toml")).unwrap();
    let ids: Vec<&str> = csv
        .lines()
        .filter_map(|l| l.strip_prefix("id = \"A."))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|l| l.contains('.'))
        .collect();
    assert_eq!(ids.len(), 38, "all 38 Annex A controls");
    for id in ids {
        let q = format!("iso42001:A.{id}");
        let o = run(&["explain", &q], &repo_root());
        assert_eq!(o.status.code(), Some(0), "{q}");
        let out = stdout(&o);
        assert!(out.starts_with(&q), "{q}: {out}");
        assert!(
            out.contains("rules:") || out.contains("process control: no file evidence"),
            "{q}: {out}"
        );
    }
}

#[test]
fn explain_a_7_5_snapshot() {
    let o = run(&["explain", "iso42001:A.7.5"], &repo_root());
    insta::assert_snapshot!("explain_a_7_5", stdout(&o));
}

#[test]
fn explain_process_control_and_unknown_id() {
    let out = stdout(&run(&["explain", "iso42001:9.2"], &repo_root()));
    assert!(out.contains("process control: no file evidence"), "{out}");
    let o = run(&["explain", "iso42001:A.6.10.2"], &repo_root());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_nist_subcategory_shows_its_iso_mapping() {
    let out = stdout(&run(&["explain", "nist-ai-rmf:GOVERN-1.1"], &repo_root()));
    assert!(out.contains("Legal and regulatory requirements involving AI are understood, managed, and documented."), "{out}");
    assert!(
        out.contains("nist-ai-rmf:GOVERN-1.1 intersects-with iso42001:4.1"),
        "{out}"
    );
}

#[test]
fn init_writes_config_and_templates_that_check_cleanly() {
    let dir = temp_repo(&[]);
    let o = run(&["init", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(0));
    for f in [
        "aimslint.toml",
        "aims/templates/model-card.md",
        "aims/templates/provenance.yaml",
        "aims/templates/change-record.yaml",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    // Templates are excluded from checking by the generated config.
    let o = run(&["check", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    // A second init keeps what exists.
    let o = run(&["init", dir.path().to_str().unwrap()], dir.path());
    assert!(stdout(&o).contains("kept    aimslint.toml"));
}

/// A control no rule reads is marked as a process control, with where to record it.
#[test]
fn a_control_no_rule_checks_is_marked_as_a_process_control() {
    let o = run(&["explain", "iso42001:A.9.2"], &example());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("rules:     none check this control"), "{out}");
    assert!(out.contains("a process control for aimslint"), "{out}");
    assert!(out.contains("`[soa.control.\"iso42001:A.9.2\"]`"), "{out}");
    // A control the supplier rules read is not.
    let out = stdout(&run(&["explain", "iso42001:A.10.3"], &example()));
    assert!(out.contains("SUP-002"), "{out}");
    assert!(!out.contains("process control"), "{out}");
}
