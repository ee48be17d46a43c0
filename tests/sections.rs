//! Sections as people write them: headings of any level in any number, bold labels and definition
//! lines, the vocabularies of real card layouts, and titles a repository adds in aimslint.toml.

use crate::util::*;

fn rules_on(dir: &std::path::Path, select: &str) -> Vec<String> {
    let report = json_ok(&check_report(dir, "2026-06-01", &["--select", select]));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// A Llama-style card: facts as bold labels, no front-matter license.
const LABELS_CARD: &str = "---\nlanguage: [en]\n---\n# Model Card\n\n**Model developers** Acme Research, reachable through the feedback form.\n\n**License:** A custom commercial license is available at the project site.\n\n**Intended Use Cases** The model is intended for commercial and research use in English, for assistant-like chat.\n\n**Out-of-scope** Use in any manner that violates applicable laws or regulations, or in languages not listed here.\n\n**Training Greenhouse Gas Emissions** Estimated total emissions were 1,390 tons CO2eq for training across all model sizes.\n";

#[test]
fn bold_labels_count_as_sections() {
    let dir = temp_repo(&[("models/m/README.md", LABELS_CARD.as_bytes())]);
    assert_eq!(
        rules_on(dir.path(), "MC-001,MC-002,MC-007,MC-009,MC-011"),
        Vec::<String>::new()
    );
    // Without the labels the same rules fire.
    let bare = "---\nlanguage: [en]\n---\n# Model Card\n\nA model.\n";
    let dir = temp_repo(&[("models/m/README.md", bare.as_bytes())]);
    let rules: Vec<String> = rules_on(dir.path(), "MC-001,MC-002,MC-007,MC-009,MC-011")
        .into_iter()
        .map(|r| r[..6].to_string())
        .collect();
    assert_eq!(
        rules,
        vec!["MC-001", "MC-002", "MC-007", "MC-009", "MC-011"]
    );
}

#[test]
fn plural_and_paper_titles_match_and_a_miss_names_the_closest_heading() {
    let card = "---\nlicense: mit\n---\n# Card\n\n## Benchmarks\n\n| task | score |\n|---|---|\n| reading comprehension on the held-out set | 0.81 |\n| question answering on the public test split | 0.77 |\n\n## Caveats and Recommendations\n\nThe model was evaluated on English news text only; results on other domains, dialects and languages are unknown and likely worse, so validate it on your own data before relying on it for any decision.\n";
    let dir = temp_repo(&[("models/m/README.md", card.as_bytes())]);
    assert_eq!(rules_on(dir.path(), "MC-003,MC-004"), Vec::<String>::new());
    let rules = rules_on(dir.path(), "MC-005");
    assert_eq!(rules.len(), 1);
    assert!(
        rules[0].starts_with("MC-005 no section titled \"Training Data\""),
        "{rules:?}"
    );
    let renamed = card.replace("## Benchmarks", "## Benchmarking notes");
    let dir = temp_repo(&[("models/m/README.md", renamed.as_bytes())]);
    let evaluation = card.replace("## Benchmarks", "## Evalution");
    let dir2 = temp_repo(&[("models/m/README.md", evaluation.as_bytes())]);
    // "Benchmarking notes" holds no wanted title as a word; "Evalution" is a typo of one.
    assert!(rules_on(dir.path(), "MC-004")[0].contains("no section titled"));
    let typo = rules_on(dir2.path(), "MC-004");
    assert!(
        typo[0].contains("(closest heading: \"Evalution\")"),
        "{typo:?}"
    );
}

#[test]
fn a_repository_adds_titles_in_its_config_and_typos_there_are_errors() {
    let card = "---\nlicense: mit\n---\n# Card\n\n## Leaderboard\n\nAccuracy 0.91 on the held-out 2025 applications, recall 0.83 on defaults.\n";
    let dir = temp_repo(&[
        ("models/m/README.md", card.as_bytes()),
        (
            "aimslint.toml",
            b"[rules.sections]\n\"MC-004\" = [\"Leaderboard\"]\n",
        ),
    ]);
    assert_eq!(rules_on(dir.path(), "MC-004"), Vec::<String>::new());
    let dir = temp_repo(&[
        ("models/m/README.md", card.as_bytes()),
        (
            "aimslint.toml",
            b"[rules.sections]\n\"MC-004\" = [\"Leaderboard\"]\n\"MC-999\" = [\"x\"]\n\"MC-012\" = [\"y\"]\n",
        ),
    ]);
    let o = check_report(dir.path(), "2026-06-01", &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("aimslint.toml:3:") && err.contains("`MC-999` is not a rule"),
        "{err}"
    );
    assert!(
        err.contains("aimslint.toml:4:") && err.contains("does not look for sections"),
        "{err}"
    );
}
