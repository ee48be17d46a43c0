//! What is evidence: cards are told from guides, posts, notices, templates and folder READMEs by
//! their content; a named file that is no evidence says how to check it anyway; a run with no
//! evidence says so and can fail; a broken or mistyped front matter is a finding that hides nothing.

use crate::util::*;

/// (path, kind, flavour, status) of every file the run listed.
fn artifact_rows(report: &serde_json::Value) -> Vec<String> {
    report["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| {
            format!(
                "{} {} {} {}",
                a["path"].as_str().unwrap(),
                a["kind"].as_str().unwrap_or("-"),
                a["flavor"].as_str().unwrap_or("-"),
                a["status"].as_str().unwrap()
            )
        })
        .collect()
}

fn rows_of<'a>(rows: &'a [String], path: &str) -> Vec<&'a str> {
    rows.iter()
        .map(String::as_str)
        .filter(|r| {
            r.split(' ')
                .nth(1)
                .is_some_and(|p| p.starts_with(&format!("{path}:")))
        })
        .collect()
}

const HF_MODEL_CARD: &[u8] = b"---\nlicense: mit\npipeline_tag: text-classification\n---\n# Model Card for router\n## Uses\nRoutes tickets.\n";

/// A Markdown card with no front matter: card sections say what it is.
const MARKDOWN_MODEL_CARD: &[u8] = b"# Ticket router\n\n## Model Details\n\nA linear model.\n\n## Intended Use\n\nRouting support tickets.\n\n## Training Data\n\nTickets from 2025.\n";

/// A datasheet (Gebru et al.): its questions' sections.
const DATASHEET: &[u8] = b"# Support tickets\n\n## Motivation\n\nBuilt to train the router.\n\n## Composition\n\nTwelve thousand tickets.\n\n## Collection Process\n\nExported from the help desk.\n\n## Uses\n\nRouting only.\n";

/// A how-to guide: the card it shows sits in a code fence.
const GUIDE: &[u8] = b"# How to write a model card\n\nCopy this into your repository:\n\n```markdown\n---\nlicense: mit\n---\n# Model Card for my-model\n## Model Details\n## Intended Use\n## Training Data\n```\n\n## Publish it\n\nCommit the file next to the weights.\n";

/// A blog post: front matter of a page, and prose about model cards.
const BLOG_POST: &[u8] = b"---\ntitle: Model Cards\nthumbnail: /img/cards.png\nauthors:\n- user: someone\n---\n# Model Cards\n\n## Introduction\n\nWe built a tool for writing model cards.\n\n## Call to action\n\nTry it.\n";

/// A Jinja card template, as a card library ships it.
const JINJA_TEMPLATE: &[u8] = b"---\n# metadata, filled in by the library\n{{ card_data }}\n---\n# Model Card for {{ model_id | default(\"Model ID\", true) }}\n\n## Model Details\n\n{{ model_description | default(\"\", true) }}\n\n## Intended Use\n\n{{ direct_use | default(\"[More Information Needed]\", true) }}\n\n## Training Data\n\n{{ training_data | default(\"[More Information Needed]\", true) }}\n";

/// A template of guidance only: card headings, each followed by what to write there.
const GUIDANCE_TEMPLATE: &[u8] = b"# Model Summary\n\nProvide a brief overview of the model.\n\n## Usage\n\nHow can this model be used? Describe the inputs and outputs.\n\n## Training data\n\nDescribe the data that was used to train the model. How was it collected?\n\n## Evaluation Results\n\nSummarize the evaluation results. Which metrics were used?\n\n## Ethics\n\nWhat ethical risks were considered?\n";

/// A contributor notice in a folder of cards.
const NOTICE: &[u8] = b"## Model cards now live in each model's repository\n\n### How to update a model card\n\nOpen a pull request in the model's repository.\n\n### What happened to the model cards here?\n\nThey moved.\n";

/// A folder's README: it describes the folder, not a model or dataset release.
const FOLDER_README: &[u8] =
    b"# Fixtures\n\nThe first episodes of two public datasets, transcoded for the tests.\n";

/// With no configuration, cards are found by content wherever they are, and nothing that only
/// talks about cards, or is a template of one, or a folder's README under `models/` or `data/`,
/// is judged as a card.
#[test]
fn cards_are_told_from_guides_posts_notices_templates_and_folder_readmes() {
    let dir = temp_repo(&[
        // Cards.
        ("models/router/README.md", HF_MODEL_CARD),
        ("docs/router-card.md", MARKDOWN_MODEL_CARD),
        ("docs/datasheet.md", DATASHEET),
        (
            "data/tickets/README.md",
            b"---\nlicense: cc-by-4.0\n---\n# Tickets\n",
        ),
        ("notes/card.md", b"---\nlicense: mit\n---\n"),
        ("MODEL_CARD.md", b"# Router\n\nIt routes tickets.\n"),
        // Not cards.
        ("docs/guide.md", GUIDE),
        ("blog/model-cards.md", BLOG_POST),
        ("templates/modelcard_template.md", JINJA_TEMPLATE),
        ("docs/model_card.md", GUIDANCE_TEMPLATE),
        ("model_cards/README.md", NOTICE),
        ("models/README.md", FOLDER_README),
        ("data/fixtures/README.md", FOLDER_README),
        (
            "datasets/README.md",
            b"# Datasets\n\n## Layout\n\nOne folder per dataset.\n",
        ),
    ]);
    let report = json_ok(&check_report(dir.path(), "2026-06-01", &[]));
    assert_eq!(
        artifact_rows(&report),
        vec![
            "MODEL_CARD.md model-card - checked",
            "data/tickets/README.md dataset-card hf-card checked",
            "docs/datasheet.md dataset-card markdown-dataset-card checked",
            "docs/router-card.md model-card markdown-model-card checked",
            "models/router/README.md model-card hf-model-card checked",
            "notes/card.md model-card hf-card checked",
        ]
    );
}

/// A file named on the command line that is not evidence is listed as unclassified, and the note
/// says why and how to check it anyway; `--kind` does that, and only for named files.
#[test]
fn a_named_file_that_is_no_evidence_says_how_to_force_its_kind() {
    let dir = temp_repo(&[
        ("docs/guide.md", GUIDE),
        ("docs/model_card.md", GUIDANCE_TEMPLATE),
        ("models/router/README.md", HF_MODEL_CARD),
    ]);
    let d = dir.path().to_str().unwrap();
    let guide = dir.path().join("docs/guide.md");
    let template = dir.path().join("docs/model_card.md");
    let (guide, template) = (guide.to_str().unwrap(), template.to_str().unwrap());

    let o = run(&["check", "--root", d, guide, template], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("note: docs/guide.md is not recognised as evidence: it has neither card metadata in its front matter nor two card sections outside code"),
        "{err}"
    );
    assert!(
        err.contains(
            "note: docs/model_card.md is not recognised as evidence: it is a card template"
        ),
        "{err}"
    );
    assert!(
        err.contains("`aimslint check --kind KIND docs/guide.md`, or add its path to a kind in aimslint.toml [artifacts] (kinds: ai-policy, "),
        "{err}"
    );
    let json_run = run(
        &["check", "--root", d, "--format", "json", guide, template],
        dir.path(),
    );
    assert_eq!(
        artifact_rows(&json_ok(&json_run)),
        vec![
            "docs/guide.md - - unclassified",
            "docs/model_card.md - card-template unclassified",
        ]
    );

    // Forced: judged as a model card, with the model card rules' findings.
    let o = run(
        &[
            "check",
            "--root",
            d,
            "--format",
            "json",
            "--fail-on",
            "never",
            "--kind",
            "model-card",
            guide,
            template,
        ],
        dir.path(),
    );
    let report = json_ok(&o);
    assert_eq!(
        artifact_rows(&report),
        vec![
            "docs/guide.md model-card - checked",
            "docs/model_card.md model-card card-template checked",
        ]
    );
    assert!(
        finding_rows(&report)
            .iter()
            .any(|r| r.starts_with("MC-") && r.contains(" docs/guide.md:")),
        "{:?}",
        finding_rows(&report)
    );

    // An unknown kind, or `--kind` with no file named, is a usage error.
    let o = run(
        &["check", "--root", d, "--kind", "model-crad", guide],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--kind model-crad: not an evidence kind of the loaded packs"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", d, "--kind", "model-card"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--kind applies to files named on the command line"),
        "{}",
        stderr(&o)
    );
}

/// Kinds configured by path (`[artifacts]`) hold whatever the content: a thin note or a template
/// there is checked as the configured kind.
#[test]
fn path_configured_kinds_hold_whatever_the_content() {
    let dir = temp_repo(&[
        (
            "aimslint.toml",
            b"[artifacts]\nmodel-card = [\"ml/**/notes.md\"]\n",
        ),
        ("ml/router/notes.md", b"# Router\n\nIt routes tickets.\n"),
        ("ml/draft/notes.md", GUIDANCE_TEMPLATE),
        // The built-in README glob is replaced: a README under models/ is a card only by content.
        ("models/x/README.md", FOLDER_README),
        ("models/y/README.md", MARKDOWN_MODEL_CARD),
    ]);
    let report = json_ok(&check_report(dir.path(), "2026-06-01", &[]));
    assert_eq!(
        artifact_rows(&report),
        vec![
            "ml/draft/notes.md model-card card-template checked",
            "ml/router/notes.md model-card - checked",
            "models/y/README.md model-card markdown-model-card checked",
        ]
    );
}

/// A run that finds no evidence says so (stderr and the summary), and fails with
/// `--fail-on-no-evidence` or `[files] require_evidence = true`.
#[test]
fn a_run_without_evidence_says_so_and_can_fail() {
    let dir = temp_repo(&[("README.md", b"# A project\n\nNo cards here.\n" as &[u8])]);
    let d = dir.path().to_str().unwrap();

    let o = run(&["check", d], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("note: no evidence found: no file was recognised as a model card, dataset card or other evidence kind; name files with `--kind KIND`, or map paths to kinds in aimslint.toml [artifacts]"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        stdout(&o).lines().last(),
        Some("No evidence found: no file of an evidence kind was checked.")
    );

    let o = run(&["check", d, "--fail-on-no-evidence"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error: no evidence found:")
            && stderr(&o).contains("(--fail-on-no-evidence)"),
        "{}",
        stderr(&o)
    );
    // JSON: the summary counts no evidence file, and the flag still fails the run.
    let o = run(
        &["check", d, "--format", "json", "--fail-on-no-evidence"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["summary"]["artifacts"], 0);

    std::fs::write(
        dir.path().join("aimslint.toml"),
        "[files]\nrequire_evidence = true\n",
    )
    .unwrap();
    let o = run(&["check", d], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("([files] require_evidence in aimslint.toml)"),
        "{}",
        stderr(&o)
    );

    // With evidence, neither fails nor says so.
    std::fs::create_dir_all(dir.path().join("models/router")).unwrap();
    std::fs::write(dir.path().join("models/router/README.md"), HF_MODEL_CARD).unwrap();
    let o = run(
        &["check", d, "--fail-on", "never", "--fail-on-no-evidence"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("no evidence"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("No evidence found"), "{}", stdout(&o));
}

/// A broken front matter is a syntax finding at its cause (the `[` never closed on line 3, not the
/// `:` on line 4 where the parser gave up), and the card's sections are still judged; the rules
/// that read the unreadable metadata are not (they would report as missing what is there).
#[test]
fn a_broken_front_matter_is_placed_at_its_cause_and_hides_no_section() {
    let card = b"---\nlicense: mit\ntags: [a, b\npipeline_tag: text-classification\n---\n# Model Card for router\n\n## Model Details\n\nA linear model.\n\n## Training Data\n\nTickets from 2025.\n";
    let dir = temp_repo(&[
        ("models/router/README.md", card as &[u8]),
        (
            "data/a/provenance.yaml",
            b"dataset: a\nsource: {name: x\nlicense: mit\nlegal_basis: contract\n",
        ),
    ]);
    let report = json_ok(&check_report(
        dir.path(),
        "2026-06-01",
        &["--select", "MC-001,MC-007,MC-012,DP-001"],
    ));
    let rows = finding_rows(&report);
    let card_rows = rows_of(&rows, "models/router/README.md");
    assert!(
        card_rows.contains(&"AL001 models/router/README.md:3 -"),
        "{rows:?}"
    );
    assert!(!card_rows.iter().any(|r| r.contains(":4 ")), "{rows:?}");
    // MC-001 (an intended-use section) is judged on the body; MC-007 (license) and MC-012
    // (metadata schema) read the front matter and are not.
    assert!(
        card_rows.iter().any(|r| r.starts_with("MC-001 ")),
        "{rows:?}"
    );
    assert!(
        !card_rows
            .iter()
            .any(|r| r.starts_with("MC-007 ") || r.starts_with("MC-012 ")),
        "{rows:?}"
    );
    let f = &report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "AL001" && f["path"] == "models/router/README.md")
        .unwrap();
    assert_eq!(f["column"], 7, "at the `[`");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("this `[` is never closed"),
        "{f}"
    );
    let a = report["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path"] == "models/router/README.md")
        .unwrap();
    assert_eq!(
        (a["kind"].as_str(), a["status"].as_str()),
        (Some("model-card"), Some("checked"))
    );
    // A YAML file's unclosed `{` is placed the same way (line 2, not line 3).
    assert_eq!(
        rows_of(&rows, "data/a/provenance.yaml"),
        vec!["AL001 data/a/provenance.yaml:2 -"]
    );
}

/// A front matter never closed is a syntax finding at its first line; the sections after it are
/// still judged.
#[test]
fn an_unclosed_front_matter_hides_no_section() {
    let dir = temp_repo(&[(
        "models/router/README.md",
        b"---\nlicense: mit\n# Model Card for router\n\n## Model Details\n\nA linear model.\n\n## Training Data\n\nTickets.\n" as &[u8],
    )]);
    let report = json_ok(&check_report(
        dir.path(),
        "2026-06-01",
        &["--select", "MC-001"],
    ));
    let rows = finding_rows(&report);
    assert_eq!(
        rows.iter()
            .filter(|r| r.starts_with("AL"))
            .collect::<Vec<_>>(),
        vec!["AL001 models/router/README.md:1 -"]
    );
    // No intended-use section: MC-001, judged on the body after the opening line.
    assert!(
        rows.iter()
            .any(|r| r.starts_with("MC-001 models/router/README.md:")),
        "{rows:?}"
    );
    let f = finding_of(&report, "AL001");
    assert!(
        f["message"].as_str().unwrap().contains("never closed"),
        "{f}"
    );
}

/// A front matter opened or closed with `--` or `----` is a finding at that line (AL008, an error:
/// no tool reads such metadata), not Markdown silently; its metadata is still read. Dashes around
/// Markdown are thematic breaks, and say nothing.
#[test]
fn a_front_matter_with_the_wrong_delimiter_is_a_finding() {
    let body = "# Model Card for router\n\n## Model Details\n\nA linear model.\n";
    let opened = format!("--\nlicense: mit\npipeline_tag: text-classification\n--\n{body}");
    let four = format!("----\nlicense: mit\npipeline_tag: text-classification\n----\n{body}");
    let closed = format!("---\nlicense: mit\npipeline_tag: text-classification\n--\n{body}");
    let breaks = format!("----\n\n{}\n----\n\nMore text.\n", body.trim_end());
    let dir = temp_repo(&[
        ("models/a/README.md", opened.as_bytes()),
        ("models/b/README.md", four.as_bytes()),
        ("models/c/README.md", closed.as_bytes()),
        ("models/d/README.md", breaks.as_bytes()),
    ]);
    let report = json_ok(&check_report(
        dir.path(),
        "2026-06-01",
        &["--select", "MC-007,MC-012"],
    ));
    let al008: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AL008")
        .map(|f| {
            (
                format!("{}:{}", f["path"].as_str().unwrap(), f["line"]),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let places: Vec<(&str, &str)> = al008
        .iter()
        .map(|(p, s, _)| (p.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        places,
        vec![
            ("models/a/README.md:1", "error"),
            ("models/b/README.md:1", "error"),
            ("models/c/README.md:4", "error"),
        ]
    );
    assert!(
        al008[0]
            .2
            .starts_with("front matter opened with `--` instead of `---`"),
        "{}",
        al008[0].2
    );
    assert!(
        al008[2].2.starts_with("front matter closed with `--`"),
        "{}",
        al008[2].2
    );
    // The metadata was read: the license is there, so MC-007 does not fire on a, b or c (it does
    // on d, a card with no front matter).
    let rows = finding_rows(&report);
    let mc007: Vec<&str> = rows
        .iter()
        .map(String::as_str)
        .filter(|r| r.starts_with("MC-007 "))
        .collect();
    assert_eq!(mc007, vec!["MC-007 models/d/README.md:1 -"]);
    assert!(
        rows_of(&rows, "models/d/README.md")
            .iter()
            .all(|r| !r.starts_with("AL")),
        "{rows:?}"
    );
}

/// A Model Card Toolkit JSON card is a model card: the model-card rules read its licence,
/// considerations, metrics, data and owners, and each finding is at the line of the MCT field.
#[test]
fn a_model_card_toolkit_card_is_checked_as_a_model_card() {
    let card = r#"{
  "schema_version": "0.0.2",
  "model_details": {
    "name": "Loan default scorecard",
    "owners": [{"name": "Credit Risk Analytics", "contact": "credit-risk@example.org"}],
    "licenses": [{"identifier": "Apache-2.0"}]
  },
  "model_parameters": {
    "data": [{"name": "Applications 2021-2025"}]
  },
  "quantitative_analysis": {
    "performance_metrics": [
      {"type": "AUC", "value": 0.81, "slice": "all applicants"},
      {"type": "AUC", "value": 0.78, "slice": "applicants under 25"}
    ]
  },
  "considerations": {
    "use_cases": [{"description": "Ranks retail loan applications by default risk for the credit officers who decide them."}],
    "limitations": [{"description": "Trained on one country's applicants; thin-file applicants are scored less reliably, and the score drifts when the economy turns, so it is recalibrated each quarter."}],
    "ethical_considerations": [{"name": "Age is a protected attribute", "mitigation_strategy": "Approval rates by age band are monitored monthly; a gap over five points stops the model."}]
  }
}
"#;
    let dir = temp_repo(&[("models/scorecard/model_card.json", card.as_bytes())]);
    let report = json(&check_report(dir.path(), "2026-06-01", &["--select", "MC"]));
    let artifact = &report["artifacts"][0];
    assert_eq!(artifact["kind"], "model-card");
    assert_eq!(artifact["flavor"], "mct");
    let rows: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["line"]))
        .collect();
    // No out-of-scope field and no environmental impact in MCT; the training data is a name only
    // (at its line); licence, intended use, risks, metrics and owners are read and pass.
    assert_eq!(rows, ["MC-002 1", "MC-011 1", "MC-005 9"]);
}

fn rule_lines(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["line"]))
        .collect()
}

/// A CycloneDX ML-BOM is a model card: the model component's `modelCard` is read by the model-card
/// rules, what it lacks is reported at the component, and a broken rule of CycloneDX (a duplicate
/// `bom-ref`, a malformed timestamp) is AL015 at its field.
#[test]
fn a_cyclonedx_ml_bom_is_checked_as_a_model_card() {
    let bom = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "metadata": {"timestamp": "2025-13-01T00:00:00Z"},
  "components": [
    {"type": "library", "bom-ref": "pkg:pypi/torch@2.4.0", "name": "torch"},
    {
      "type": "machine-learning-model",
      "bom-ref": "pkg:pypi/torch@2.4.0",
      "name": "ticket-router",
      "supplier": {"name": "Support Analytics", "contact": [{"email": "support-ml@example.org"}]},
      "licenses": [{"license": {"id": "Apache-2.0"}}],
      "modelCard": {
        "modelParameters": {
          "task": "text-classification",
          "datasets": [{"type": "dataset", "name": "tickets-2025", "description": "Resolved support tickets of 2025 from the help desk, English only, deduplicated."}]
        },
        "quantitativeAnalysis": {"performanceMetrics": [{"type": "accuracy", "value": "0.91", "slice": "all tickets"}]},
        "considerations": {
          "users": ["Who are the intended users of the model?"],
          "useCases": ["Routes incoming support tickets to the queue of the team that answers them, for the help desk staff who triage them."],
          "technicalLimitations": ["Trained on English tickets only; tickets in other languages and tickets about products launched after 2025 are routed poorly, and the model drifts when queues are reorganised."]
        }
      }
    }
  ]
}
"#;
    let dir = temp_repo(&[("bom/ticket-router.cdx.json", bom.as_bytes())]);
    let report = json(&check_report(dir.path(), "2026-06-01", &[]));
    let artifact = &report["artifacts"][0];
    assert_eq!(artifact["kind"], "model-card");
    assert_eq!(artifact["flavor"], "cyclonedx");
    // MC-001: the prompt left in `users` is not content, `useCases` is. No out-of-scope field and
    // no environmental impact: MC-002 and MC-011 at the model component (line 7). Training data,
    // metrics (a figure), limitations, licence and supplier pass.
    assert_eq!(
        rule_lines(&report),
        ["AL015 4", "MC-002 7", "MC-011 7", "AL015 9"]
    );
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AL015")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("`metadata.timestamp` is \"2025-13-01T00:00:00Z\""));
    assert!(messages[1].contains("`bom-ref` \"pkg:pypi/torch@2.4.0\" is used twice"));
}

/// An SPDX 3 AI BOM is a model card of its AI package; a dataset-only SPDX document, a CycloneDX
/// data BOM and a Croissant description are dataset cards; a software BOM is no evidence.
#[test]
fn spdx3_and_croissant_are_checked_as_cards_and_a_software_bom_is_no_evidence() {
    let spdx = r#"{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [
    {"type": "CreationInfo", "@id": "_:c", "created": "2025-02-01T10:00:00Z", "createdBy": ["urn:agent:dana"]},
    {"type": "Person", "spdxId": "urn:agent:dana", "creationInfo": "_:c", "name": "Dana Whit"},
    {
      "type": "ai_AIPackage",
      "spdxId": "urn:pkg:router",
      "creationInfo": "_:c",
      "name": "ticket-router",
      "ai_informationAboutApplication": "Routes incoming support tickets to the queue of the team that answers them.",
      "ai_informationAboutTraining": "Fine-tuned for three epochs on the resolved tickets of 2025, deduplicated and stripped of signatures.",
      "ai_limitation": "English only. Tickets about products launched after the training period are routed poorly, short tickets without a product name are often sent to the general queue, and queue changes need retraining.",
      "ai_metric": [{"type": "DictionaryEntry", "key": "accuracy", "value": "0.91"}],
      "ai_energyConsumption": {"type": "ai_EnergyConsumption", "ai_trainingEnergyConsumption": [{"type": "ai_EnergyConsumptionDescription", "ai_energyQuantity": "3.2", "ai_energyUnit": "kilowattHour"}]}
    },
    {"type": "dataset_DatasetPackage", "spdxId": "urn:pkg:tickets", "creationInfo": "_:c", "name": "tickets-2025"},
    {"type": "Relationship", "spdxId": "urn:rel:1", "creationInfo": "_:c", "relationshipType": "hasDeclaredLicense", "from": "urn:pkg:router", "to": ["https://spdx.org/licenses/Apache-2.0"]},
    {"type": "Relationship", "spdxId": "urn:rel:2", "creationInfo": "_:c", "relationshipType": "trainedOn", "from": "urn:pkg:router", "to": ["urn:pkg:tickets"]}
  ]
}
"#;
    let croissant = r#"{
  "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/"},
  "@type": "sc:Dataset",
  "name": "tickets-2025",
  "conformsTo": "http://mlcommons.org/croissant/1.0",
  "license": "https://creativecommons.org/licenses/by/4.0/",
  "datePublished": "2025-02-30",
  "rai:dataCollection": "Exported monthly from the help desk for January to December 2025; duplicates removed, signatures and phone numbers stripped, and each ticket labelled with the queue that closed it.",
  "rai:personalSensitiveInformation": "Ticket bodies may name customers; names and e-mail addresses were replaced by placeholders before export.",
  "distribution": [
    {"@type": "cr:FileObject", "@id": "tickets.csv", "encodingFormat": "text/csv"}
  ]
}
"#;
    let sbom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "requests"}]}"#;
    let dir = temp_repo(&[
        ("bom/router.spdx.json", spdx.as_bytes()),
        ("data/tickets/croissant.json", croissant.as_bytes()),
        ("bom/deps.cdx.json", sbom.as_bytes()),
    ]);
    let report = json(&check_report(dir.path(), "2026-06-01", &[]));
    assert_eq!(
        artifact_rows(&report),
        [
            "bom/router.spdx.json model-card spdx3 checked",
            "data/tickets/croissant.json dataset-card croissant checked",
        ]
    );
    let rows: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect();
    // SPDX: everything but out-of-scope uses is stated, the contact being the creator of the
    // description. Croissant: an impossible date and a FileObject without `contentUrl` break the
    // format; there is no statement of biases.
    assert_eq!(
        rows,
        [
            "MC-002 bom/router.spdx.json:6",
            "DC-004 data/tickets/croissant.json:1",
            "AL015 data/tickets/croissant.json:7",
            "AL015 data/tickets/croissant.json:11",
        ]
    );
}
