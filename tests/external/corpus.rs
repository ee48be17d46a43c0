//! Real-world files from ../shared/corpus, read in place (AIMSLINT_CORPUS names another directory):
//! every file is read without a panic, every malformed one is a parse finding with a line, every one
//! in a format this version reads is classified, and the rest are listed as unsupported.

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
    // Recognised, not yet read: listed, never dropped.
    expect("CycloneDX__specification", "unsupported cyclonedx");
    expect("spdx__spdx-examples", "unsupported spdx3");
    expect("mlcommons__croissant__datasets", "unsupported croissant");
    expect("metadata_bad_type", "unsupported croissant");
    expect("utils__testdata", "unsupported mct");
    expect("iterative__example-get-started", "unsupported dvc");
    expect("MLmodel", "unsupported mlflow");
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
            (("huggingface", "README.md"), 9),
            // The official templates: their front matter is a Jinja placeholder.
            (("huggingface", "datasetcard_template.md"), 4),
            (("huggingface", "modelcard_template.md"), 4),
            // A filled-in template whose front matter is never closed.
            (("iremgulcin", "modelcard.md"), 1),
            // A project's copy of the model card template: comment lines, then `{{ card_data }}`.
            (("okinawa-ai-beach-robot", "modelcard_template.md"), 5),
            // NOT-A-CARD: a review of a model card, whose `---` lines are Markdown thematic breaks,
            // read today as front matter holding Markdown. Once card recognition tells a document
            // from a card, this file is no card and gives no parse finding: drop this entry then.
            (
                (
                    "Anthony3301",
                    "huggingface.co_meta-llama_meta-llama-3-8b-instruct.md"
                ),
                3
            ),
        ]),
        "{parse_errors:#?}"
    );
    // Cards too thin to tell model from dataset are listed as unclassified, not dropped.
    expect("sample_no_metadata", "unclassified -");
}
