//! Real-world files from ../shared/corpus, read in place (AIMSLINT_CORPUS names another directory):
//! every file is read without a panic, every malformed one is a parse finding with a line, every
//! card is classified as the kind our labels (tests/data/corpus-labels.toml) give it and nothing
//! labelled as no card is judged as one, and the formats not read yet are listed as unsupported.

use std::collections::BTreeMap;
use std::path::PathBuf;

use libtest_mimic::Trial;

use crate::util::*;
use crate::{corpus, trial};

pub fn trials() -> Vec<Trial> {
    vec![trial(
        "corpus::corpus_is_read_classified_or_reported",
        corpus,
        corpus_is_read_classified_or_reported,
    )]
}

fn corpus_is_read_classified_or_reported(dir: PathBuf) {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let files: Vec<String> = manifest
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(5).unwrap().to_string())
        .collect();
    // Every row of the manifest is a file the test reads: a grown corpus shows up here first.
    assert_eq!(files.len(), 68, "files listed in MANIFEST.tsv");
    let mut args: Vec<String> = vec![
        "check".into(),
        "--root".into(),
        dir.display().to_string(),
        "--format".into(),
        "json".into(),
        "--fail-on".into(),
        "never".into(),
        "--as-of".into(),
        "2026-11-01".into(),
    ];
    args.extend(files.iter().map(|f| dir.join(f).display().to_string()));
    let o = aimslint().args(&args).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "no crash; stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = json(&o);
    let artifacts: BTreeMap<String, String> = report["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let what = format!(
                "{} {}",
                a["status"].as_str().unwrap(),
                a["kind"].as_str().or(a["flavor"].as_str()).unwrap_or("-")
            );
            (a["path"].as_str().unwrap().to_string(), what)
        })
        .collect();
    for f in &files {
        assert!(
            artifacts.contains_key(f),
            "{f} is missing from the artifact list"
        );
    }
    let expect = |needle: &str, what: &str| {
        let hits: Vec<_> = artifacts
            .iter()
            .filter(|(p, _)| p.contains(needle))
            .collect();
        assert!(!hits.is_empty(), "{needle}");
        for (p, w) in hits {
            assert_eq!(w, what, "{p}");
        }
    };
    // Cards and documents that are no card, as the project's labels have them: every card is
    // classified as its kind from its content alone (the corpus is flat, so no path tells), and no
    // guide, blog post, review, notice, template or folder README is judged as a card.
    let labels = markdown_labels();
    assert_eq!(
        labels.len(),
        59,
        "cards and not-cards labelled in corpus-labels.toml (46 Markdown, 3 Model Card Toolkit JSON, 3 CycloneDX and 3 SPDX 3 AI BOMs, 4 Croissant)"
    );
    // Cards whose content says nothing of what they are (a title and one sentence; prose with no
    // card heading; a stub with one "Contributions" heading): reported as not recognised, and
    // checked as their kind when named with `--kind` (below).
    let thin = [
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
        "huggingface__datasets@60b0b6b__datasets__c4__README.md",
    ];
    let with_findings: BTreeMap<&str, usize> =
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .fold(BTreeMap::new(), |mut m, f| {
                *m.entry(f["path"].as_str().unwrap()).or_default() += 1;
                m
            });
    for (file, kind) in &labels {
        let got = artifacts.get(file).map(String::as_str);
        match kind.as_str() {
            "model-card" | "dataset-card" if thin.contains(&file.as_str()) => {
                assert_eq!(got, Some("unclassified -"), "{file}");
            }
            "model-card" | "dataset-card" => {
                assert_eq!(got, Some(format!("checked {kind}").as_str()), "{file}");
            }
            "not-a-card" => {
                assert!(
                    got.is_some_and(|g| g.starts_with("unclassified ")),
                    "{file} is no card, and was taken for {got:?}"
                );
                assert_eq!(with_findings.get(file.as_str()), None, "{file}");
            }
            other => panic!("{file}: unknown label {other}"),
        }
    }
    // Templates are told apart from cards, and said to be templates.
    expect(
        "templates__modelcard_template",
        "unclassified card-template",
    );
    expect(
        "templates__datasetcard_template",
        "unclassified card-template",
    );
    expect(
        "Kaggle__kaggle-api@8891e72__docs__model_card",
        "unclassified card-template",
    );
    // Formats this version reads, classified by content.
    expect("datasets__squad__README", "checked dataset-card");
    expect("datasets__glue__README", "checked dataset-card");
    expect("common_voice__README", "checked dataset-card");
    expect("conll2002__README", "checked dataset-card");
    expect("aeslc__README", "checked dataset-card");
    expect("sample_datasetcard_simple", "checked dataset-card");
    expect("sample_simple_model_index", "checked model-card");
    expect("sample_invalid_model_index", "checked model-card");
    expect("llama2__MODEL_CARD", "checked model-card");
    expect("llama3_1__MODEL_CARD", "checked model-card");
    // AI BOMs and Croissant are read through their adapters as the card they describe; a BOM with
    // no model and no dataset (configuration files) is a software BOM, no AI evidence.
    expect("valid-machine-learning", "checked model-card");
    expect("valid-component-data", "unclassified sbom");
    expect("spdx__spdx-examples", "checked model-card");
    expect("mlcommons__croissant__datasets", "checked dataset-card");
    expect("metadata_bad_type", "checked dataset-card");
    // Model Card Toolkit JSON is read as a model card (labelled in corpus-labels.toml).
    expect("utils__testdata", "checked model-card");
    expect(
        "iterative__example-get-started",
        "checked artifact-tracking",
    );
    // MLflow's MLmodel is a model artifact's metadata (run, flavours, signature).
    expect("MLmodel", "checked model-artifact");
    expect("model_card.schema.json", "unsupported json-schema");
    // Malformed: a parse finding with a line each.
    let parse_errors: BTreeMap<String, u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("AL00"))
        .filter(|f| f["rule"] != "AL008")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // (the repository's owner, the file's name): short, and still one key per file.
    let short: BTreeMap<(&str, &str), u64> = parse_errors
        .iter()
        .map(|(p, l)| {
            let owner = p.split("__").next().unwrap();
            ((owner, p.split("__").last().unwrap()), *l)
        })
        .collect();
    assert_eq!(
        short,
        BTreeMap::from([
            (("CycloneDX", "bom.json"), 9),
            (
                (
                    "Data-and-Trust-Alliance",
                    "data-provenance-standards-1.0.0.schema.json"
                ),
                433
            ),
            // A dataset card's front matter with a mis-indented key, at that key; its sections
            // are still judged (below).
            (("huggingface", "README.md"), 9),
            // A filled-in template whose front matter is never closed.
            (("iremgulcin", "modelcard.md"), 1),
            // The templates and the review whose `---` lines are thematic breaks are no cards:
            // their front matter is not judged, so it gives no finding.
        ]),
        "{parse_errors:#?}"
    );
    // Files that parse but break a rule of their own format: the rule, at the offending field.
    let format_errors: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AL015")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(format_errors.len(), 2, "{format_errors:#?}");
    assert!(format_errors[0].0.contains("metadata_bad_type"));
    assert_eq!(format_errors[0].1, 47);
    assert!(format_errors[0].2.contains("`@type` is \"sc:WRONG_TYPE\""));
    assert!(format_errors[1].0.contains("simplehtr-example"));
    assert_eq!(format_errors[1].1, 1338);
    assert!(
        format_errors[1]
            .2
            .contains("`spdxId` \"https://my-first-aibom.com/SimpleHTR-depends-on\" is used twice")
    );
    // A broken front matter does not hide the body: the sections of both cards above are judged.
    for card in ["wiki_auto__README", "iremgulcin__yasin-mehtap__modelcard"] {
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"].as_str().unwrap().contains(card)
                    && f["pointer"]
                        .as_str()
                        .is_some_and(|p| p.starts_with("/sections/"))),
            "{card}: no finding on a section"
        );
    }
    // The thin cards, named with their kind, are checked as that kind.
    for kind in ["model-card", "dataset-card"] {
        let named: Vec<&str> = thin
            .iter()
            .copied()
            .filter(|f| labels.get(*f).is_some_and(|k| k == kind))
            .collect();
        let mut args: Vec<String> = args[..args.len() - files.len()].to_vec();
        args.extend(["--kind".to_string(), kind.to_string()]);
        args.extend(named.iter().map(|f| dir.join(f).display().to_string()));
        let o = aimslint().args(&args).output().unwrap();
        let report = json(&o);
        let got: Vec<(&str, &str, &str)> = report["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["path"].as_str().unwrap(),
                    a["status"].as_str().unwrap(),
                    a["kind"].as_str().unwrap(),
                )
            })
            .collect();
        let want: Vec<(&str, &str, &str)> = named.iter().map(|f| (*f, "checked", kind)).collect();
        assert_eq!(got, want);
    }
}

/// The `kind` of every Markdown file in tests/data/corpus-labels.toml (model-card, dataset-card or
/// not-a-card), read from its `["<file>"]` table header and `kind = "…"` line.
pub fn markdown_labels() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo_root().join("tests/data/corpus-labels.toml")).unwrap();
    let mut labels = BTreeMap::new();
    let mut file: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("[\"").and_then(|l| l.strip_suffix("\"]")) {
            file = Some(name.to_string());
        } else if line.starts_with('[') {
            file = None;
        } else if let (Some(f), Some(kind)) = (&file, line.strip_prefix("kind = \""))
            && let Some(kind) = kind.strip_suffix('"')
            && kind != "other"
        {
            labels.insert(f.clone(), kind.to_string());
        }
    }
    labels
}
