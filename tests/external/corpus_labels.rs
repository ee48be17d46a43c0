//! The card rules against our labels: on the real-world corpus, each file placed at its path in its
//! repository (MANIFEST.tsv), the (file, rule) pairs with an MC-* or DC-* finding are exactly those
//! tests/data/corpus-labels.toml calls a gap, except the disagreements listed in `KNOWN`, each with
//! why; and every file labelled a card is checked as its kind, every file labelled no card is not.
//! A new disagreement fails, and so does a listed one that is gone (delete it: the list only shrinks
//! as the rules get better). `scripts/corpus_precision.py` prints precision and recall per rule from
//! the same comparison. (tests/external/corpus.rs runs the corpus flat, where content alone tells.)

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
    // MCT has no out-of-scope field; the card rules inputs out only in an ethical mitigation
    (
        "FP",
        "MC-002",
        "tensorflow__model-card-toolkit__model_card_toolkit__utils__testdata__cats_vs_dogs_v0_0_1.json",
    ),
    (
        "FP",
        "MC-002",
        "tensorflow__model-card-toolkit__model_card_toolkit__utils__testdata__cats_vs_dogs_v0_0_2.json",
    ),
    // owners are placeholders (name1, contact1@email.com) that read as words
    (
        "FN",
        "MC-009",
        "tensorflow__model-card-toolkit__model_card_toolkit__utils__testdata__full.json",
    ),
    // values that echo their field names are placeholders MC-010's patterns do not know
    (
        "FN",
        "MC-010",
        "tensorflow__model-card-toolkit__model_card_toolkit__utils__testdata__full.json",
    ),
    // licence terms only as an italic pseudo-field and a Distribution answer, no licence heading
    (
        "FP",
        "DC-001",
        "centre-for-humanities-computing__danish-foundation-models__docs__datasheets__hopetwitter.md",
    ),
    // developers named in Overview prose, under no owner or contact heading
    ("FP", "MC-009", "cliport__cliport__model-card.md"),
    // Licensing Information says the licence is unknown: words, but no terms
    (
        "FN",
        "DC-001",
        "huggingface__datasets@2a2dd63__datasets__conll2002__README.md",
    ),
    // Biases and Limitations are placeholders; Social Impact (a privacy note) supplies the words
    (
        "FN",
        "DC-004",
        "huggingface__datasets@aa48a29__datasets__common_voice__README.md",
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
    // a title and one fixture sentence, at tests/fixtures/cards/: nothing says it is a card
    (
        "FN",
        "MC-001",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-002",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-003",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-004",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-005",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-007",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-009",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    (
        "FN",
        "MC-011",
        "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md",
    ),
    // The CycloneDX specification's test fixtures fill ethicalConsiderations and
    // fairnessAssessments with the schema's own descriptions of those fields ("The name of the
    // risk"), which read as words; and their template values ("task goes here") are in fields, not
    // prose, so the placeholder rule (which reads prose) does not see them.
    (
        "FN",
        "MC-003",
        "CycloneDX__specification__tools__src__test__resources__1.5__valid-machine-learning-1.5.json",
    ),
    (
        "FN",
        "MC-003",
        "CycloneDX__specification__tools__src__test__resources__1.6__valid-machine-learning-1.6.json",
    ),
    (
        "FN",
        "MC-003",
        "CycloneDX__specification__tools__src__test__resources__1.7__valid-machine-learning-1.7.json",
    ),
    (
        "FN",
        "MC-010",
        "CycloneDX__specification__tools__src__test__resources__1.5__valid-machine-learning-1.5.json",
    ),
    (
        "FN",
        "MC-010",
        "CycloneDX__specification__tools__src__test__resources__1.6__valid-machine-learning-1.6.json",
    ),
    (
        "FN",
        "MC-010",
        "CycloneDX__specification__tools__src__test__resources__1.7__valid-machine-learning-1.7.json",
    ),
    // "This is a license." is a licence field with a sentence in it: DC-001 sees a licence stated.
    (
        "FN",
        "DC-001",
        "mlcommons__croissant__python__mlcroissant__mlcroissant___src__tests__graphs__1.0__metadata_bad_type__metadata.json",
    ),
    // The out-of-scope use is one sentence of the AI package's description; SPDX has no field
    // for it, and MC-002 reads sections, as it does in a Markdown card's prose.
    (
        "FP",
        "MC-002",
        "spdx__spdx-examples@aa55e27__ai__example02__spdx3.1__sbom.spdx3.json",
    ),
    (
        "FP",
        "MC-002",
        "spdx__spdx-examples__ai__example02__spdx3.0__sbom.spdx3.json",
    ),
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

/// Places every corpus file at its path in its repository, each repository in its own directory,
/// checks each repository, and returns the report's findings and artifacts with each path the
/// corpus file's name.
fn check_in_place(dir: &std::path::Path) -> (Vec<serde_json::Value>, BTreeMap<String, String>) {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut repos: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        repos.entry(cols[0]).or_default().push((cols[2], cols[5]));
    }
    let tmp = tempfile::tempdir().unwrap();
    let (mut findings, mut kinds) = (Vec::new(), BTreeMap::new());
    for (repo, files) in &repos {
        let root = tmp.path().join(repo.replace('/', "__"));
        let mut args: Vec<String> = ["check", "--root", &root.display().to_string()]
            .map(String::from)
            .to_vec();
        args.extend(
            [
                "--format",
                "json",
                "--fail-on",
                "never",
                "--as-of",
                "2026-11-01",
            ]
            .map(String::from),
        );
        for (path, file) in files {
            let dest = root.join(path);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(dir.join(file), &dest).unwrap();
            args.push(dest.display().to_string());
        }
        let o = aimslint().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{repo}: stderr: {}", stderr(&o));
        let report = json(&o);
        let back: BTreeMap<&str, &str> = files.iter().copied().collect();
        let name = |v: &serde_json::Value| {
            let p = v["path"].as_str().unwrap();
            back.get(p).map_or(p.to_string(), |f| f.to_string())
        };
        for a in report["artifacts"].as_array().unwrap() {
            let what = format!(
                "{} {}",
                a["status"].as_str().unwrap(),
                a["kind"].as_str().unwrap_or("-")
            );
            kinds.insert(name(a), what);
        }
        for f in report["findings"].as_array().unwrap() {
            let mut f = f.clone();
            f["path"] = name(&f).into();
            findings.push(f);
        }
    }
    (findings, kinds)
}

fn card_findings_equal_the_labels(dir: PathBuf) {
    let (findings, kinds) = check_in_place(&dir);
    // Every card is checked as its kind, and nothing labelled no card is taken for one.
    for (file, kind) in crate::corpus::markdown_labels() {
        let got = kinds.get(&file).map(String::as_str);
        match kind.as_str() {
            // A title and one sentence in a test fixture folder: nothing in it or its path says
            // card (`--kind model-card` checks it as one).
            "model-card"
                if file
                    == "huggingface__huggingface_hub__tests__fixtures__cards__sample_no_metadata.md" =>
            {
                assert_eq!(got, Some("unclassified -"), "{file}");
            }
            "model-card" | "dataset-card" => {
                assert_eq!(got, Some(format!("checked {kind}").as_str()), "{file}");
            }
            _ => assert!(
                got.is_some_and(|g| g.starts_with("unclassified ")),
                "{file} is no card, and was taken for {got:?}"
            ),
        }
    }
    let found = card_findings(&serde_json::json!({ "findings": findings }));
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
