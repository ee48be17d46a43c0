//! The card rules against our labels: on the real-world corpus, the (file, rule) pairs with an MC-* or
//! DC-* finding are exactly those tests/data/corpus-labels.toml calls a gap, except the disagreements
//! listed in `KNOWN`, each with why. A new disagreement fails, and so does a listed one that is gone
//! (delete it: the list only shrinks as the rules get better). `scripts/corpus_precision.py` prints
//! precision and recall per rule from the same comparison.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use libtest_mimic::Trial;

use crate::util::*;
use crate::{corpus, trial};

pub fn trials() -> Vec<Trial> {
    vec![trial(
        "corpus::card_findings_equal_the_labels",
        corpus,
        card_findings_equal_the_labels,
    )]
}

/// Where the linter and the labels disagree today: ("FP" a finding the label does not call a gap,
/// or "FN" a labelled gap without a finding, rule, corpus file).
const KNOWN: &[(&str, &str, &str)] = &[
    // licence terms only as an italic pseudo-field and a Distribution answer, no licence heading
    (
        "FP",
        "DC-001",
        "centre-for-humanities-computing__danish-foundation-models__docs__datasheets__hopetwitter.md",
    ),
    // developers named in Overview prose, under no owner or contact heading
    ("FP", "MC-009", "cliport__cliport__model-card.md"),
    // Model Card Contact is a placeholder, but its Framework versions subsection supplies the words
    (
        "FN",
        "MC-009",
        "george-m2__hansard-llama@1b777b9__lora_model__README.md",
    ),
    // Environmental Impact holds the template's guidance text, which counts as words
    (
        "FN",
        "MC-011",
        "george-m2__hansard-llama@1b777b9__lora_model__README.md",
    ),
    // Licensing Information says the licence is unknown: words, but no terms
    (
        "FN",
        "DC-001",
        "huggingface__datasets@2a2dd63__datasets__conll2002__README.md",
    ),
    // a card of one Contributions section is not recognised as a card: no card rule runs
    (
        "FN",
        "DC-001",
        "huggingface__datasets@60b0b6b__datasets__c4__README.md",
    ),
    // a card of one Contributions section is not recognised as a card: no card rule runs
    (
        "FN",
        "DC-002",
        "huggingface__datasets@60b0b6b__datasets__c4__README.md",
    ),
    // a card of one Contributions section is not recognised as a card: no card rule runs
    (
        "FN",
        "DC-003",
        "huggingface__datasets@60b0b6b__datasets__c4__README.md",
    ),
    // a card of one Contributions section is not recognised as a card: no card rule runs
    (
        "FN",
        "DC-004",
        "huggingface__datasets@60b0b6b__datasets__c4__README.md",
    ),
    // the retired `licenses` key sits in front matter that does not parse
    (
        "FN",
        "DC-005",
        "huggingface__datasets@7e64851__datasets__wiki_auto__README.md",
    ),
    // the retired `languages` key sits in front matter that does not parse
    (
        "FN",
        "DC-006",
        "huggingface__datasets@7e64851__datasets__wiki_auto__README.md",
    ),
    // Dataset Creation is placeholders, but a subsection elsewhere supplies enough words
    (
        "FN",
        "DC-003",
        "huggingface__datasets@aa48a29__datasets__common_voice__README.md",
    ),
    // bias and limitation subsections are placeholders; Social Impact supplies the words
    (
        "FN",
        "DC-004",
        "huggingface__datasets@aa48a29__datasets__common_voice__README.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-001",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-002",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-003",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-004",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-005",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-007",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-009",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a one-sentence card without front matter is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-011",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-001",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-002",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-003",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-004",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-005",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-007",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-009",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // a short card without front matter or card headings is not recognised as a card: no card rule runs
    (
        "FN",
        "MC-011",
        "huggingface__transformers__model_cards__Hate-speech-CNERG__dehatebert-mono-english__README.md",
    ),
    // Training Data is inside a runaway code fence, so it is no heading
    (
        "FP",
        "MC-005",
        "ibm-granite__granite-geospatial-biomass@8e31a47__model-card.md",
    ),
    // Model Card Authors is inside a runaway code fence, so it is no heading
    (
        "FP",
        "MC-009",
        "ibm-granite__granite-geospatial-biomass@8e31a47__model-card.md",
    ),
    // Training Data has a sentence of words but names no dataset
    ("FN", "MC-005", "iremgulcin__yasin-mehtap__modelcard.md"),
    // the front matter is never closed; the licence rule does not run on its metadata
    ("FN", "MC-007", "iremgulcin__yasin-mehtap__modelcard.md"),
    // no environmental section, and the rule does not run without readable front matter
    ("FN", "MC-011", "iremgulcin__yasin-mehtap__modelcard.md"),
    // purpose and users stated in Model Details prose, under no use heading
    (
        "FP",
        "MC-001",
        "marcopoli__LLaMAntino-3-ANITA@7211f3b__README.md",
    ),
    // training data described in a Variations bullet and front-matter datasets, under no training heading
    (
        "FP",
        "MC-005",
        "marcopoli__LLaMAntino-3-ANITA@7211f3b__README.md",
    ),
    // Evaluation explains how to evaluate, with enough words, but reports no result
    ("FN", "MC-004", "microsoft__satclip__MODELCARD.md"),
];

/// (file, rule) → why, for every labelled gap; and every file with rule verdicts. Read from the
/// labels' `["<file>".rules]` tables, one `RULE = "ok"` or `RULE = { verdict = "gap", why = "…" }`
/// line per rule.
fn labelled_gaps() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(repo_root().join("tests/data/corpus-labels.toml")).unwrap();
    let mut gaps = BTreeMap::new();
    let mut file: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('[') {
            file = line
                .strip_prefix("[\"")
                .and_then(|l| l.strip_suffix("\".rules]"))
                .map(str::to_string);
            continue;
        }
        let Some(f) = &file else { continue };
        let Some((rule, verdict)) = line.split_once(" = ") else {
            continue;
        };
        if verdict.contains("verdict = \"gap\"") {
            let why = verdict
                .split_once("why = \"")
                .and_then(|(_, w)| w.rsplit_once('"'))
                .map_or("", |(w, _)| w);
            gaps.insert((f.clone(), rule.trim().to_string()), why.to_string());
        }
    }
    assert!(gaps.len() > 100, "labels read: {} gaps", gaps.len());
    gaps
}

/// (file, rule) of every MC-*/DC-* finding, counting a finding merged into another (`supersedes`:
/// "… [also MC-003: …]") as found: the gap is reported.
fn card_findings(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    let card_rule = |r: &str| {
        (r.starts_with("MC-") || r.starts_with("DC-")) && r[3..].bytes().all(|b| b.is_ascii_digit())
    };
    let mut found = BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        let (path, rule) = (f["path"].as_str().unwrap(), f["rule"].as_str().unwrap());
        if !card_rule(rule) {
            continue;
        }
        found.insert((path.to_string(), rule.to_string()));
        for part in f["message"].as_str().unwrap().split("[also ").skip(1) {
            if let Some((also, _)) = part.split_once(": ")
                && card_rule(also)
            {
                found.insert((path.to_string(), also.to_string()));
            }
        }
    }
    found
}

fn card_findings_equal_the_labels(dir: PathBuf) {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut args: Vec<String> = [
        "check",
        "--root",
        &dir.display().to_string(),
        "--format",
        "json",
        "--fail-on",
        "never",
        "--as-of",
        "2026-11-01",
    ]
    .map(String::from)
    .to_vec();
    args.extend(manifest.lines().skip(1).map(|l| {
        dir.join(l.split('\t').nth(5).unwrap())
            .display()
            .to_string()
    }));
    let o = aimslint().args(&args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let found = card_findings(&json(&o));
    let gaps = labelled_gaps();

    let mut disagree: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for (file, rule) in &found {
        if !gaps.contains_key(&(file.clone(), rule.clone())) {
            let key = ("FP".to_string(), rule.clone(), file.clone());
            disagree.insert(key, "the label does not call it a gap".into());
        }
    }
    for ((file, rule), why) in &gaps {
        if !found.contains(&(file.clone(), rule.clone())) {
            disagree.insert(("FN".into(), rule.clone(), file.clone()), why.clone());
        }
    }
    let known: BTreeSet<(String, String, String)> = KNOWN
        .iter()
        .map(|(k, r, f)| (k.to_string(), r.to_string(), f.to_string()))
        .collect();
    assert_eq!(known.len(), KNOWN.len(), "KNOWN lists an entry twice");
    let new: Vec<String> = disagree
        .iter()
        .filter(|(k, _)| !known.contains(*k))
        .map(|((k, r, f), why)| format!("{k} {r} {f} ({why})"))
        .collect();
    let gone: Vec<String> = known
        .iter()
        .filter(|k| !disagree.contains_key(*k))
        .map(|(k, r, f)| format!("{k} {r} {f}"))
        .collect();
    let (tp, fp, fn_) = (
        found.len() - disagree.keys().filter(|k| k.0 == "FP").count(),
        disagree.keys().filter(|k| k.0 == "FP").count(),
        disagree.keys().filter(|k| k.0 == "FN").count(),
    );
    assert!(
        new.is_empty() && gone.is_empty(),
        "findings and labels: {tp} agree, {fp} FP, {fn_} FN.\n\
         New disagreements (fix the rule, or list them in KNOWN with why):\n  {}\n\
         Listed disagreements that are gone (delete them from KNOWN):\n  {}",
        new.join("\n  "),
        gone.join("\n  ")
    );
}
