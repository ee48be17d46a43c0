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

/// What a section holds for one rule: a subsection titled for another rule's concept does not fill
/// it in, and a section whose own text is a placeholder is unfilled whatever subsections follow.
#[test]
fn subsections_of_other_concepts_and_placeholder_sections_hold_nothing() {
    let privacy = "The dataset consists of people who donated their voice online; do not attempt to identify any speaker in it, whatever tools are at hand.";
    let card = format!(
        "---\nlicense: cc0-1.0\ntask_categories: [automatic-speech-recognition]\n---\n# Dataset Card\n\n## Dataset Creation\n\n### Curation Rationale\n\n[Needs More Information]\n\n### Personal and Sensitive Information\n\n{privacy}\n"
    );
    let dir = temp_repo(&[("datasets/voice/README.md", card.as_bytes())]);
    assert_eq!(
        rules_on(dir.path(), "DC-003"),
        vec![
            "DC-003 section \"Curation Rationale\" has 0 words of content; at least 20 needed (placeholders and template comments do not count)"
        ]
    );
    // The same words under a collection heading count.
    let collected = card.replace(
        "### Personal and Sensitive Information",
        "### Collection Process",
    );
    let dir = temp_repo(&[("datasets/voice/README.md", collected.as_bytes())]);
    assert_eq!(rules_on(dir.path(), "DC-003"), Vec::<String>::new());

    let model = "---\nlicense: mit\n---\n# Model Card\n\n## Model Card Contact\n\n[More Information Needed]\n\n### Framework versions\n\n- PEFT 0.15.2 with transformers 4.51 and torch 2.6 on CUDA 12\n";
    let dir = temp_repo(&[("models/m/README.md", model.as_bytes())]);
    let rules = rules_on(dir.path(), "MC-009");
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert!(
        rules[0].starts_with("MC-009 section \"Model Card Contact\" has 0 words"),
        "{rules:?}"
    );
}

/// A front matter that does not parse hides only the entries that do not: the licence written
/// after a broken entry is read, a retired key is reported at its line, and a rule about the broken
/// entry is not judged.
#[test]
fn a_broken_front_matter_entry_hides_only_itself() {
    let card = "---\nannotations_creators:\n  auto:\n  - machine-generated\n   manual:\n  - crowdsourced\nlicenses:\n- cc-by-sa-3.0\ntask_categories:\n- summarization\n---\n# Dataset Card for Demo\n";
    let dir = temp_repo(&[("datasets/demo/README.md", card.as_bytes())]);
    let report = json_ok(&check_report(
        dir.path(),
        "2026-06-01",
        &["--select", "AL001,DC-001,DC-005"],
    ));
    let rows: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["line"]))
        .collect();
    assert_eq!(rows, ["AL001 5", "DC-005 7"]);
    // DC-001 passes on the `licenses` value it could read; `license:` broken instead hides it.
    let broken = card.replace("licenses:\n- cc-by-sa-3.0", "license: \"cc-by-sa-3.0");
    let dir = temp_repo(&[("datasets/demo/README.md", broken.as_bytes())]);
    let report = json_ok(&check_report(
        dir.path(),
        "2026-06-01",
        &["--select", "AL001,DC-001,DC-005"],
    ));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["AL001"]);
}

/// Where a repository keeps one card per folder, the folder's README is the card whatever it
/// holds; the collection's own README is not (no evidence, so not listed).
#[test]
fn a_card_folder_readme_is_a_card_by_its_path() {
    let stub = "---\n\n### Contributions\n\nThanks to @someone for adding this dataset.\n";
    let model =
        "This model detects hate speech in English. It is fine-tuned from multilingual BERT.\n";
    let index = "# Model cards\n\nOne folder per model; see each README.\n";
    let dir = temp_repo(&[
        ("datasets/c4/README.md", stub.as_bytes()),
        ("model_cards/org/detector/README.md", model.as_bytes()),
        ("model_cards/README.md", index.as_bytes()),
    ]);
    let report = json_ok(&check_report(dir.path(), "2026-06-01", &[]));
    let kinds: Vec<String> = report["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {} {}",
                a["path"].as_str().unwrap(),
                a["status"].as_str().unwrap(),
                a["kind"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "datasets/c4/README.md checked dataset-card",
            "model_cards/org/detector/README.md checked model-card"
        ]
    );
}

/// A data card as Google's Data Cards template and real projects lay it out: named DATA_CARD.md
/// (a dataset card by its name), with "Sensitivity of Data", "Provenance" and "Known caveats"
/// sections that answer DC-002, DC-003 and DC-004.
#[test]
fn a_data_card_is_a_dataset_card_and_its_own_section_names_count() {
    let card = "# Tickets\n\n## License\n\nCC BY 4.0.\n\n### Sensitivity of Data\n\n\
                Customer names and emails were removed before export; no other personal data remains.\n\n\
                ## Provenance\n\nExported monthly from the ticketing system from January 2021 to \
                March 2025 by the support platform team; duplicates and spam were dropped and \
                attachments removed before release.\n\n## Known caveats\n\nOnly English tickets are \
                included, phone support is missing, and tickets closed automatically by the spam \
                filter never reach the export, so volumes understate real demand.\n";
    let dir = temp_repo(&[("DATA_CARD.md", card.as_bytes())]);
    assert_eq!(
        rules_on(dir.path(), "DC-001,DC-002,DC-003,DC-004"),
        Vec::<String>::new()
    );
    // Without those sections each rule says what is missing: the name alone makes it a card.
    let dir = temp_repo(&[("data_card.md", b"# Tickets\n\nSupport tickets.\n")]);
    let rules: Vec<String> = rules_on(dir.path(), "DC-001,DC-002,DC-003,DC-004")
        .into_iter()
        .map(|r| r[..6].to_string())
        .collect();
    assert_eq!(rules, vec!["DC-001", "DC-002", "DC-003", "DC-004"]);
}

/// The rules that read only a card's body are judged once per distinct body (a history holds the
/// same body under many front matters): what they find is still placed in each file, and a rule
/// that also reads the front matter still sees each file's own.
#[test]
fn cards_sharing_a_body_are_each_judged_by_their_own_front_matter_and_lines() {
    let body = "# Dataset Card for Tickets\n\n## Dataset Summary\n\n[More Information Needed]\n";
    let short = format!("---\nlicense: mit\n---\n{body}");
    let long = format!("---\npretty_name: Tickets\ntags:\n- support\n---\n{body}");
    let dir = temp_repo(&[
        ("datasets/a/README.md", short.as_bytes()),
        ("datasets/b/README.md", long.as_bytes()),
    ]);
    let report = json_ok(&check_report(
        dir.path(),
        "2026-06-01",
        &["--select", "DC-001,DC-008"],
    ));
    let found = finding_rows(&report);
    // DC-001 reads `license` from the front matter as well as the sections: only b lacks it. The
    // placeholder is on line 8 of a and line 10 of b.
    assert_eq!(
        found,
        [
            "DC-008 datasets/a/README.md:8 /body",
            "DC-001 datasets/b/README.md:1 -",
            "DC-008 datasets/b/README.md:10 /body"
        ]
    );
}
