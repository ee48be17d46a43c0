//! Baselines (`--write-baseline`, `--baseline`) on the stable finding identity, and the ratchet.

use crate::util::*;

/// The example's clean provenance record, less its legal basis: one gap (DP-005, A.7.3).
fn provenance() -> String {
    let clean = std::fs::read_to_string(example().join("data/credit-applications/provenance.yaml"))
        .unwrap();
    let line = clean
        .lines()
        .find(|l| l.starts_with("legal_basis:"))
        .unwrap()
        .to_string();
    clean.replace(&format!("{line}\n"), "")
}

fn stale(text: &str) -> String {
    text.replacen(
        "quality:\n  assessed: 2026-09-15",
        "quality:\n  assessed: 2024-01-01",
        1,
    )
}

fn with_basis(text: &str) -> String {
    text.replace(
        "personal_data: true\n",
        "personal_data: true\nlegal_basis: contract\n",
    )
}

fn check(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut a = vec![
        "check",
        dir.to_str().unwrap(),
        "--as-of",
        "2026-11-01",
        "--format",
        "concise",
        "--select",
        "DP",
    ];
    a.extend_from_slice(extra);
    run(&a, dir)
}

fn finding_lines(o: &std::process::Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.contains(": DP-"))
        .map(str::to_string)
        .collect()
}

/// A baseline hides the gaps it records through line shifts, edits elsewhere and reformatting, and
/// only a new gap fails.
#[test]
fn a_baseline_survives_edits_and_lets_only_new_gaps_fail() {
    let dir = temp_repo(&[("data/loans/provenance.yaml", provenance().as_bytes())]);
    let base = dir.path().join("baseline.json");
    let first = check(dir.path(), &[]);
    assert_eq!(first.status.code(), Some(1));
    let gaps = finding_lines(&first);
    assert!(gaps.iter().any(|l| l.contains("DP-005")), "{gaps:?}");
    let o = check(dir.path(), &["--write-baseline", base.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(written["aimslint_baseline"], 1);
    assert_eq!(written["findings"].as_array().unwrap().len(), gaps.len());

    let baselined = |text: &str| {
        std::fs::write(dir.path().join("data/loans/provenance.yaml"), text).unwrap();
        check(dir.path(), &["--baseline", base.to_str().unwrap()])
    };
    // Lines shifted by a comment on top; an edit elsewhere; the same content reformatted (flow
    // mappings, other key order, other quoting).
    let base_text = provenance();
    let shifted =
        format!("# Provenance of the applications data.\n# Owner: data platform.\n\n{base_text}");
    let edited = base_text.replace("monthly system export", "weekly system export");
    // The same content reformatted: another key order, other quoting.
    let reformatted = {
        let (head, tail) = base_text.split_once("collection:").unwrap();
        let version = head.lines().find(|l| l.starts_with("version:")).unwrap();
        let head = head.replace(&format!("{version}\n"), "");
        format!("{head}version: '2026.3'\ncollection:{tail}")
    };
    for text in [shifted.as_str(), edited.as_str(), reformatted.as_str()] {
        let o = baselined(text);
        assert_eq!(o.status.code(), Some(0), "{text}\n{}", stdout(&o));
        assert_eq!(finding_lines(&o), Vec::<String>::new(), "{text}");
        assert!(
            stderr(&o).contains("recorded in the baseline"),
            "{}",
            stderr(&o)
        );
    }
    // A new gap: the quality assessment goes stale. Only it is reported, and it fails.
    let o = baselined(&stale(&base_text));
    assert_eq!(o.status.code(), Some(1));
    let lines = finding_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("DP-006"), "{lines:?}");
    // A gap fixed: its entry is counted as fixed.
    let o = baselined(&with_basis(&base_text));
    assert!(
        stderr(&o).contains("no longer found (fixed"),
        "{}",
        stderr(&o)
    );
}

/// History findings keep their fingerprints when the commits are rewritten (a rebase: the same
/// changes, other commit ids).
#[test]
fn a_history_baseline_survives_a_rebase() {
    let make = |message: &str| {
        let mut g = GitRepo::new();
        g.commit(
            "2026-01-10",
            message,
            &[("data/loans/provenance.yaml", Some(&provenance()))],
        );
        g.commit(
            "2026-02-10",
            "Tidy",
            &[(
                "data/loans/provenance.yaml",
                Some(&format!("# Loans\n{}", provenance())),
            )],
        );
        g
    };
    let before = make("Add the loan book");
    let after = make("Add the loan book (rebased)");
    assert_ne!(before.commits, after.commits);
    let out = tempfile::tempdir().unwrap();
    let base = out.path().join("baseline.json");
    let o = check(
        before.path(),
        &[
            "--all-history",
            "--no-cache",
            "--write-baseline",
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = check(
        after.path(),
        &[
            "--all-history",
            "--no-cache",
            "--baseline",
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(finding_lines(&o), Vec::<String>::new());
}

/// The ratchet fails only when a control is worse than in the stored report, and names it.
#[test]
fn the_ratchet_fails_only_when_a_control_gets_worse() {
    let dir = temp_repo(&[("data/loans/provenance.yaml", provenance().as_bytes())]);
    let stored = dir.path().join("main.json");
    let o = check(
        dir.path(),
        &["--format", &format!("json={}", stored.display())],
    );
    assert_eq!(o.status.code(), Some(1));
    let ratchet = ["--ratchet", stored.to_str().unwrap()];
    // The same gaps: no control is worse.
    let o = check(dir.path(), &ratchet);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A stale quality assessment makes A.7.4 failing, which was clean.
    std::fs::write(
        dir.path().join("data/loans/provenance.yaml"),
        stale(&provenance()),
    )
    .unwrap();
    let o = check(dir.path(), &ratchet);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: ratchet: iso42001:A.7.4 Quality of data for AI systems: was clean, now failing (DP-006 data/loans/provenance.yaml:"),
        "{err}"
    );
    // Fixing the legal basis makes a control better: passes, and says so.
    std::fs::write(
        dir.path().join("data/loans/provenance.yaml"),
        with_basis(&provenance()),
    )
    .unwrap();
    let o = check(dir.path(), &ratchet);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("better than in"), "{}", stderr(&o));
    // A file that is no report is a usage error.
    std::fs::write(&stored, "[]").unwrap();
    assert_eq!(check(dir.path(), &ratchet).status.code(), Some(2));
}
