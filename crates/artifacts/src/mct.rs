//! The Model Card Toolkit adapter: an MCT JSON model card (schema 0.0.1 or 0.0.2) read as the model
//! card view the model-card rules read — front-matter-like `meta` (licence, model name) and
//! `sections` (intended use, limitations, ethical considerations, evaluation results, training
//! data, contact, licence) — with every field of the view placed at the line of the MCT field it
//! comes from, so a finding points into the original file.
//!
//! Field correspondence (MCT → view), from the MCT schema
//! (tensorflow/model-card-toolkit, `model_card_toolkit/schema/v0.0.2/model_card.schema.json`):
//! - `model_details.name` → `meta.model_name`; `model_details.overview` → "Model Details"
//! - `model_details.licenses[].identifier` / `.custom_text` (0.0.2), `model_details.license`
//!   (0.0.1) → `meta.license` and "License"
//! - `model_details.owners[]` (`name`, `contact`) → "Model Card Contact"
//! - `considerations.use_cases`, `considerations.users` → "Intended Use"
//! - `considerations.limitations`, `considerations.tradeoffs` → "Limitations"
//! - `considerations.ethical_considerations[]` (`name`, `mitigation_strategy`) → "Ethical Considerations"
//! - `quantitative_analysis.performance_metrics[]` (`type`, `value`, `slice`) → "Evaluation Results"
//! - `model_parameters.data` (0.0.2: a list; 0.0.1: `train`) → "Training Data"
//!
//! MCT has no field for out-of-scope uses, environmental impact or template placeholders; the rules
//! about those judge the view as they find it.
//!
//! The same `model_details` opens AllenNLP's model cards (`allennlp_models/modelcards/*.json`), laid
//! out after the sections of Mitchell et al., "Model Cards for Model Reporting" (2019), which are read
//! too: `model_details.description` → "Model Details"; `model_details.contact` → "Model Card
//! Contact"; `intended_use.primary_uses`, `.primary_users` → "Intended Use";
//! `intended_use.out_of_scope_use_cases` → "Out-of-Scope Use"; `training_data` (its dataset's name
//! and notes, `motivation`, `preprocessing`) → "Training Data"; `quantitative_analyses`
//! (`unitary_results`, `intersectional_results`) → "Evaluation Results";
//! `model_ethical_considerations.ethical_considerations` → "Ethical Considerations";
//! `model_caveats_and_recommendations.caveats_and_recommendations` → "Limitations". A field left
//! `null` gives its section no words.

use serde_json::{Map, Value};

use crate::pointer::Spans;

/// The words of a value: strings as they are; of an object, its descriptive fields in order.
fn texts(v: &Value, out: &mut Vec<String>) {
    const FIELDS: [&str; 11] = [
        "name",
        "description",
        "mitigation_strategy",
        "type",
        "value",
        "slice",
        "identifier",
        "custom_text",
        "contact",
        "link",
        "sensitive",
    ];
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(a) => a.iter().for_each(|x| texts(x, out)),
        Value::Object(o) => {
            for f in FIELDS {
                if let Some(x) = o.get(f) {
                    match (f, x) {
                        // `sensitive` is an object of flags in 0.0.2: its words say nothing here.
                        ("sensitive", _) => {}
                        _ => texts(x, out),
                    }
                }
            }
        }
        _ => {}
    }
}

/// How MCT names a metric's parts.
const MCT_METRIC: crate::adapt::MetricKeys = [
    "type",
    "value",
    "slice",
    "confidence_interval",
    "lower_bound",
    "upper_bound",
];

/// One section of the view: its title, its text, and the MCT pointers it comes from.
struct Part {
    slug: &'static str,
    title: &'static str,
    from: Vec<&'static str>,
}

/// The model-card view of an MCT document, and where each of its fields is in `text`.
pub(crate) fn adapt(value: &Value, text: &str) -> (Value, Spans) {
    let original = crate::json::spans(text, 0);
    let mut spans = Spans::default();
    spans.insert(String::new(), 0, 0);
    let place = |spans: &mut Spans, view: &str, from: &str| {
        if let Some((s, e)) = original.locate(from) {
            spans.insert(view.to_string(), s, e);
        }
    };

    let mut meta = Map::new();
    if let Some(name) = value.pointer("/model_details/name").and_then(Value::as_str) {
        meta.insert("model_name".into(), Value::String(name.to_string()));
        place(&mut spans, "/meta/model_name", "/model_details/name");
    }
    // The licence: an SPDX-like identifier, `other` for a custom text, as a card's front matter.
    let licenses: Vec<(String, String)> = match value.pointer("/model_details/licenses") {
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let id = l.get("identifier").and_then(Value::as_str);
                // A custom text is the terms in prose: the "License" section holds it, as a
                // card's body would; only an identifier is machine-readable metadata.
                match id {
                    Some(id) if !id.trim().is_empty() => Some((
                        id.trim().to_string(),
                        format!("/model_details/licenses/{i}/identifier"),
                    )),
                    _ => None,
                }
            })
            .collect(),
        _ => value
            .pointer("/model_details/license")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(|s| vec![(s.trim().to_string(), "/model_details/license".to_string())])
            .unwrap_or_default(),
    };
    match licenses.as_slice() {
        [] => {}
        [(one, from)] => {
            meta.insert("license".into(), Value::String(one.clone()));
            place(&mut spans, "/meta/license", from);
        }
        many => {
            meta.insert(
                "license".into(),
                Value::Array(many.iter().map(|(l, _)| Value::String(l.clone())).collect()),
            );
            place(&mut spans, "/meta/license", &many[0].1);
            for (i, (_, from)) in many.iter().enumerate() {
                place(&mut spans, &format!("/meta/license/{i}"), from);
            }
        }
    }
    let first_key = ["/model_details", ""]
        .into_iter()
        .find_map(|p| original.locate(p));
    if let Some((s, e)) = first_key {
        spans.insert("/meta".into(), s, e);
    }

    let parts = [
        Part {
            slug: "model-details",
            title: "Model Details",
            from: vec!["/model_details/overview", "/model_details/description"],
        },
        Part {
            slug: "intended-use",
            title: "Intended Use",
            from: vec![
                "/considerations/use_cases",
                "/considerations/users",
                "/intended_use/primary_uses",
                "/intended_use/primary_users",
            ],
        },
        Part {
            slug: "out-of-scope-use",
            title: "Out-of-Scope Use",
            from: vec!["/intended_use/out_of_scope_use_cases"],
        },
        Part {
            slug: "limitations",
            title: "Limitations",
            from: vec![
                "/considerations/limitations",
                "/considerations/tradeoffs",
                "/model_caveats_and_recommendations/caveats_and_recommendations",
            ],
        },
        Part {
            slug: "ethical-considerations",
            title: "Ethical Considerations",
            from: vec![
                "/considerations/ethical_considerations",
                "/model_ethical_considerations/ethical_considerations",
            ],
        },
        Part {
            slug: "evaluation-results",
            title: "Evaluation Results",
            from: vec![
                "/quantitative_analysis/performance_metrics",
                "/quantitative_analyses/unitary_results",
                "/quantitative_analyses/intersectional_results",
            ],
        },
        Part {
            slug: "training-data",
            title: "Training Data",
            from: if value.pointer("/model_parameters/data/train").is_some() {
                vec!["/model_parameters/data/train"]
            } else if value.pointer("/model_parameters/data").is_some() {
                vec!["/model_parameters/data"]
            } else {
                vec![
                    "/training_data/dataset/name",
                    "/training_data/dataset/notes",
                    "/training_data/motivation",
                    "/training_data/preprocessing",
                ]
            },
        },
        Part {
            slug: "model-card-contact",
            title: "Model Card Contact",
            from: vec!["/model_details/owners", "/model_details/contact"],
        },
        Part {
            slug: "license",
            title: "License",
            from: vec!["/model_details/licenses", "/model_details/license"],
        },
    ];
    let mut sections = Map::new();
    for p in parts {
        let present: Vec<&str> = p
            .from
            .iter()
            .copied()
            .filter(|f| value.pointer(f).is_some())
            .collect();
        let Some(first) = present.first() else {
            continue;
        };
        let mut words = Vec::new();
        for f in &present {
            match value.pointer(f) {
                Some(Value::Array(metrics)) if p.slug == "evaluation-results" => {
                    words.extend(metrics.iter().filter_map(|m| {
                        crate::adapt::metric_sentence(m, MCT_METRIC).map(|(s, _)| s)
                    }));
                }
                Some(v) => texts(v, &mut words),
                None => {}
            }
        }
        let mut sec = Map::new();
        sec.insert("title".into(), Value::String(p.title.into()));
        sec.insert("level".into(), Value::from(2));
        sec.insert("text".into(), Value::String(words.join("\n")));
        sections.insert(p.slug.into(), Value::Object(sec));
        let view = format!("/sections/{}", p.slug);
        place(&mut spans, &view, first);
        place(&mut spans, &format!("{view}/title"), first);
        place(&mut spans, &format!("{view}/text"), first);
    }
    let mut out = Map::new();
    out.insert("meta".into(), Value::Object(meta));
    out.insert("sections".into(), Value::Object(sections));
    out.insert("labels".into(), Value::Object(Map::new()));
    out.insert("body".into(), Value::String(String::new()));
    // Which format the view was read from: rules about Hugging Face front-matter conventions
    // (a Hub licence id, `other` with `license_name`) do not apply to it.
    out.insert("adapter".into(), Value::String("model-card-toolkit".into()));
    (Value::Object(out), spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mct_card_reads_as_a_model_card_at_its_lines() {
        let text = r#"{
  "schema_version": "0.0.2",
  "model_details": {
    "name": "Cats vs dogs",
    "owners": [{"name": "Model Cards Team", "contact": "model-cards@example.org"}],
    "licenses": [{"identifier": "Apache-2.0"}]
  },
  "considerations": {
    "use_cases": [{"description": "Classifying photos of pets for a shelter's catalogue."}],
    "limitations": [{"description": "Fails on drawings."}]
  }
}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let (view, spans) = adapt(&value, text);
        assert_eq!(view["meta"]["license"], "Apache-2.0");
        assert_eq!(
            view["sections"]["intended-use"]["text"],
            "Classifying photos of pets for a shelter's catalogue."
        );
        assert_eq!(
            view["sections"]["model-card-contact"]["text"],
            "Model Cards Team\nmodel-cards@example.org"
        );
        let line = |p: &str| {
            let (s, _) = spans.locate(p).unwrap();
            text[..s].lines().count()
        };
        assert_eq!(line("/meta/license"), 6);
        assert_eq!(line("/sections/intended-use"), 9);
        assert!(view["sections"].get("evaluation-results").is_none());
    }

    /// AllenNLP's model cards share `model_details` with MCT but follow the sections of "Model
    /// Cards for Model Reporting": what they fill in is read, what they leave `null` has no words.
    #[test]
    fn an_allennlp_card_reads_its_own_sections() {
        let text = r#"{
    "id": "rc-bidaf",
    "model_details": {
        "description": "BiDAF with GloVe embeddings for reading comprehension.",
        "developed_by": "Seo et al",
        "license": null,
        "contact": "allennlp-contact@allenai.org"
    },
    "intended_use": {
        "primary_uses": null,
        "primary_users": null,
        "out_of_scope_use_cases": null
    },
    "training_data": {
        "dataset": {"name": "SQuAD 1.1", "url": "https://rajpurkar.github.io/SQuAD-explorer/"},
        "motivation": null,
        "preprocessing": null
    },
    "quantitative_analyses": {
        "unitary_results": "EM: 0.68, F1: 0.77",
        "intersectional_results": null
    },
    "model_ethical_considerations": {"ethical_considerations": null}
}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let (view, spans) = adapt(&value, text);
        let sec = |s: &str| view["sections"][s]["text"].as_str().map(str::to_string);
        assert_eq!(
            sec("model-details").as_deref(),
            Some("BiDAF with GloVe embeddings for reading comprehension.")
        );
        assert_eq!(
            sec("model-card-contact").as_deref(),
            Some("allennlp-contact@allenai.org")
        );
        assert_eq!(sec("training-data").as_deref(), Some("SQuAD 1.1"));
        assert_eq!(
            sec("evaluation-results").as_deref(),
            Some("EM: 0.68, F1: 0.77")
        );
        // Left null: the sections are there, with no words, for the rules to say so.
        assert_eq!(sec("intended-use").as_deref(), Some(""));
        assert_eq!(sec("out-of-scope-use").as_deref(), Some(""));
        assert_eq!(sec("ethical-considerations").as_deref(), Some(""));
        assert!(view["meta"].get("license").is_none());
        let line = |p: &str| {
            let (s, _) = spans.locate(p).unwrap();
            text[..s].lines().count()
        };
        assert_eq!(line("/sections/training-data"), 15);
        assert_eq!(line("/sections/evaluation-results"), 20);
    }
}
