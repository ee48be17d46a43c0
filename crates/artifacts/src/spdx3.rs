//! The SPDX 3 adapter: an SPDX 3.0.x (or 3.1) JSON-LD document read as the model-card view of its
//! AI package, or as the dataset-card view of its dataset package.
//!
//! Which element: the document's root element (`SpdxDocument`/`software_Sbom` `rootElement`) when it
//! is an `ai_AIPackage`, otherwise the first `ai_AIPackage` of `@graph`; with no AI package, the
//! first `dataset_DatasetPackage`; with neither, a software BOM, no AI evidence (flavour `sbom`).
//!
//! Field correspondence (SPDX → view), from the SPDX 3.0.1 model (spdx/spdx-3-model, `model/AI/`,
//! `model/Dataset/`) and the AI BOM examples (spdx/spdx-examples, `ai/`):
//! - `name` → `meta.model_name` / `meta.pretty_name`; the targets of the element's
//!   `hasDeclaredLicense` (else `hasConcludedLicense`) relationships, as licence expressions or
//!   listed-licence IRIs → `meta.license` and "License"
//! - AI package: `summary`, `description`, `comment`, `ai_typeOfModel`, `ai_domain` → "Model
//!   Details"; `ai_informationAboutApplication` → "Intended Use"; `ai_informationAboutTraining`,
//!   `ai_modelDataPreprocessing` and the names of what the package is `trainedOn` → "Training
//!   Data"; `ai_metric[]`, `ai_metricDecisionThreshold[]` → "Evaluation Results"; `ai_limitation`
//!   → "Limitations"; `ai_safetyRiskAssessment` (a level, no description of the risks) → "Model
//!   Details"; `ai_energyConsumption` → "Environmental
//!   Impact"; `ai_modelExplainability` → "Explainability"
//! - dataset package: `summary`, `description`, `comment` → "Dataset Description";
//!   `dataset_dataCollectionProcess`, `dataset_dataPreprocessing` → "Data Collection and
//!   Processing"; `dataset_hasSensitivePersonalInformation`, `dataset_anonymizationMethodUsed`,
//!   `dataset_confidentialityLevel` → "Personal and Sensitive Information"; `dataset_knownBias` →
//!   "Bias, Risks, and Limitations"; `dataset_intendedUse` → "Uses"
//! - `suppliedBy`, `originatedBy` and the `createdBy` of the element's `creationInfo` → the
//!   agents' names and identifiers → "Model Card Contact" / "Dataset Curators"
//!
//! Rules of the format checked here: every element has a `type`; no two elements share an
//! `spdxId`; a relationship's `from` and `to` name elements of the document, listed licences
//! (`https://spdx.org/licenses/…`), SPDX individuals, or elements the document `import`s;
//! `created`, `releaseTime`, `builtTime` and `validUntilTime` are RFC 3339 date-times.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::Flavor;
use crate::adapt::{Adapted, View, is_date_time, number, scalar, words_of};

const DESCRIPTIVE: &[&str] = &[
    "name",
    "key",
    "value",
    "description",
    "identifier",
    "ai_energyQuantity",
    "ai_energyUnit",
    "ai_trainingEnergyConsumption",
    "ai_finetuningEnergyConsumption",
    "ai_inferenceEnergyConsumption",
];

/// An element's type, reduced to its local name (`ai_AIPackage`, `AIPackage`, `ai:AIPackage`).
fn local_type(e: &Value) -> &str {
    let t = e
        .get("type")
        .or_else(|| e.get("@type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    t.rsplit(['/', ':', '#']).next().unwrap_or(t)
}

fn is_ai(e: &Value) -> bool {
    matches!(local_type(e), "ai_AIPackage" | "AIPackage")
}

fn is_dataset(e: &Value) -> bool {
    matches!(local_type(e), "dataset_DatasetPackage" | "DatasetPackage")
}

fn id_of(e: &Value) -> Option<&str> {
    e.get("spdxId")
        .or_else(|| e.get("@id"))
        .and_then(Value::as_str)
}

/// A property that is one id or a list of ids.
fn ids(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn adapt(doc: &Value, text: &str) -> Adapted {
    let empty = Vec::new();
    let graph = match doc.get("@graph") {
        Some(Value::Array(g)) => g,
        _ => &empty,
    };
    let by_id: BTreeMap<&str, &Value> = graph
        .iter()
        .filter_map(|e| id_of(e).map(|i| (i, e)))
        .collect();
    let roots: BTreeSet<&str> = graph
        .iter()
        .filter(|e| matches!(local_type(e), "SpdxDocument" | "software_Sbom" | "Sbom"))
        .flat_map(|e| ids(e.get("rootElement")))
        .collect();
    let pick = |want: fn(&Value) -> bool| {
        graph
            .iter()
            .enumerate()
            .filter(|(_, e)| want(e))
            .find(|(_, e)| id_of(e).is_some_and(|i| roots.contains(i)))
            .or_else(|| graph.iter().enumerate().find(|(_, e)| want(e)))
    };
    let mut view = View::new("spdx3", text);
    let flavor = if let Some((i, e)) = pick(is_ai) {
        element_view(&mut view, graph, &by_id, i, e, true);
        Flavor::Spdx3
    } else if let Some((i, e)) = pick(is_dataset) {
        element_view(&mut view, graph, &by_id, i, e, false);
        Flavor::Spdx3Dataset
    } else {
        Flavor::Sbom
    };
    check_rules(doc, graph, &by_id, &mut view);
    view.finish(flavor)
}

/// The relationships of `graph` from `id` of type `rel`, with their `to` ids and the pointer of
/// each relationship.
fn related<'g>(graph: &'g [Value], id: &str, rel: &str) -> Vec<(&'g str, String)> {
    graph
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.get("relationshipType").and_then(Value::as_str) == Some(rel)
                && e.get("from").and_then(Value::as_str) == Some(id)
        })
        .flat_map(|(i, e)| {
            ids(e.get("to"))
                .into_iter()
                .map(move |t| (t, format!("/@graph/{i}")))
        })
        .collect()
}

/// A licence element's expression, or a listed licence's id from its IRI.
fn licence(by_id: &BTreeMap<&str, &Value>, id: &str) -> Option<String> {
    if let Some(e) = by_id.get(id) {
        for k in [
            "simplelicensing_licenseExpression",
            "licenseExpression",
            "expandedlicensing_licenseText",
            "name",
        ] {
            if let Some(s) = e.get(k).and_then(scalar) {
                // A licence text is prose: the element's name or id names it.
                if k == "expandedlicensing_licenseText" {
                    return e.get("name").and_then(scalar).or(Some(id.to_string()));
                }
                return Some(s);
            }
        }
    }
    id.strip_prefix("https://spdx.org/licenses/")
        .or_else(|| id.strip_prefix("http://spdx.org/licenses/"))
        .map(str::to_string)
}

fn element_view(
    view: &mut View,
    graph: &[Value],
    by_id: &BTreeMap<&str, &Value>,
    i: usize,
    e: &Value,
    ai: bool,
) {
    let at = format!("/@graph/{i}");
    view.subject(&at);
    let id = id_of(e).unwrap_or_default();
    if let Some(name) = e.get("name").and_then(scalar) {
        let key = if ai { "model_name" } else { "pretty_name" };
        view.meta(key, Value::String(name), &format!("{at}/name"));
    }
    let mut lic = related(graph, id, "hasDeclaredLicense");
    if lic.is_empty() {
        lic = related(graph, id, "hasConcludedLicense");
    }
    let lics: Vec<(String, String)> = lic
        .into_iter()
        .filter_map(|(t, from)| licence(by_id, t).map(|l| (l, from)))
        .collect();
    match lics.as_slice() {
        [] => {}
        [(one, from)] => view.meta("license", Value::String(one.clone()), &format!("{from}/to")),
        many => view.meta(
            "license",
            Value::Array(many.iter().map(|(l, _)| Value::String(l.clone())).collect()),
            &format!("{}/to", many[0].1),
        ),
    }
    if let Some((_, from)) = lics.first() {
        let words: Vec<String> = lics.iter().map(|(l, _)| l.clone()).collect();
        view.section("license", "License", &words, &format!("{from}/to"));
    }

    let parts: &[(&str, &str, &[&str])] = if ai {
        &[
            (
                "model-details",
                "Model Details",
                &[
                    "summary",
                    "description",
                    "comment",
                    "ai_typeOfModel",
                    "ai_domain",
                    "ai_safetyRiskAssessment",
                ],
            ),
            (
                "intended-use",
                "Intended Use",
                &["ai_informationAboutApplication"],
            ),
            (
                "training-data",
                "Training Data",
                &["ai_informationAboutTraining", "ai_modelDataPreprocessing"],
            ),
            (
                "evaluation-results",
                "Evaluation Results",
                &["ai_metric", "ai_metricDecisionThreshold"],
            ),
            ("limitations", "Limitations", &["ai_limitation"]),
            (
                "environmental-impact",
                "Environmental Impact",
                &["ai_energyConsumption"],
            ),
            (
                "explainability",
                "Explainability",
                &["ai_modelExplainability"],
            ),
        ]
    } else {
        &[
            (
                "dataset-description",
                "Dataset Description",
                &["summary", "description", "comment"],
            ),
            (
                "data-collection-and-processing",
                "Data Collection and Processing",
                &["dataset_dataCollectionProcess", "dataset_dataPreprocessing"],
            ),
            (
                "personal-and-sensitive-information",
                "Personal and Sensitive Information",
                &[
                    "dataset_hasSensitivePersonalInformation",
                    "dataset_anonymizationMethodUsed",
                    "dataset_confidentialityLevel",
                ],
            ),
            (
                "bias-risks-and-limitations",
                "Bias, Risks, and Limitations",
                &["dataset_knownBias"],
            ),
            ("uses", "Uses", &["dataset_intendedUse"]),
        ]
    };
    for (slug, title, keys) in parts {
        for key in *keys {
            if let Some(v) = e.get(*key) {
                let mut words = Vec::new();
                if *slug == "evaluation-results" {
                    // `{key, value}` entries read as "precision is 0.46".
                    if let Value::Array(entries) = v {
                        for (j, m) in entries.iter().enumerate() {
                            let Some(k) = m.get("key").and_then(scalar) else {
                                continue;
                            };
                            if let Some(x) = m.get("value").and_then(scalar) {
                                words.push(format!("{k} is {x}"));
                            }
                            if *key == "ai_metric"
                                && let Some(x) = m.get("value").and_then(number)
                            {
                                let mut r = serde_json::Map::new();
                                r.insert("metric".into(), Value::String(k));
                                r.insert("value".into(), Value::from(x));
                                view.push("results", Value::Object(r), &format!("{at}/{key}/{j}"));
                            }
                        }
                    }
                } else {
                    words_of(v, DESCRIPTIVE, &mut words);
                }
                view.section(slug, title, &words, &format!("{at}/{key}"));
            }
        }
    }
    if ai && let Some(Value::Object(energy)) = e.get("ai_energyConsumption") {
        for activity in ["training", "finetuning", "inference"] {
            let key = format!("ai_{activity}EnergyConsumption");
            if let Some(Value::Array(list)) = energy.get(&key) {
                for (j, d) in list.iter().enumerate() {
                    if let Some(q) = d.get("ai_energyQuantity").and_then(number) {
                        let mut r = serde_json::Map::new();
                        r.insert("activity".into(), Value::String(activity.into()));
                        r.insert("quantity".into(), Value::from(q));
                        r.insert(
                            "unit".into(),
                            Value::String(
                                d.get("ai_energyUnit").and_then(scalar).unwrap_or_default(),
                            ),
                        );
                        view.push(
                            "energy",
                            Value::Object(r),
                            &format!("{at}/ai_energyConsumption/{key}/{j}"),
                        );
                    }
                }
            }
        }
    }
    if ai {
        // The datasets the model was trained on, by name.
        let trained: Vec<(String, String)> = related(graph, id, "trainedOn")
            .into_iter()
            .map(|(t, from)| {
                let name = by_id
                    .get(t)
                    .and_then(|d| d.get("name"))
                    .and_then(scalar)
                    .unwrap_or_else(|| t.to_string());
                (format!("trained on {name}"), from)
            })
            .collect();
        if let Some((_, from)) = trained.first() {
            let from = from.clone();
            let words: Vec<String> = trained.into_iter().map(|(w, _)| w).collect();
            view.section("training-data", "Training Data", &words, &from);
        }
    }
    // Who supplies or made it.
    let (slug, title) = if ai {
        ("model-card-contact", "Model Card Contact")
    } else {
        ("dataset-curators", "Dataset Curators")
    };
    // The element's own creation information names who made its description.
    let created_by = e
        .get("creationInfo")
        .and_then(|c| match c {
            Value::String(r) => graph
                .iter()
                .find(|x| x.get("@id").and_then(Value::as_str) == Some(r.as_str())),
            other => Some(other),
        })
        .and_then(|c| c.get("createdBy"));
    for (key, agents) in [
        ("suppliedBy", e.get("suppliedBy")),
        ("originatedBy", e.get("originatedBy")),
        ("creationInfo", created_by),
    ] {
        let mut words = Vec::new();
        for agent in ids(agents) {
            match by_id.get(agent) {
                Some(a) => {
                    words_of(
                        a.get("name").unwrap_or(&Value::Null),
                        DESCRIPTIVE,
                        &mut words,
                    );
                    if let Some(x) = a.get("externalIdentifier") {
                        words_of(x, &["identifier"], &mut words);
                    }
                }
                None => words.push(agent.to_string()),
            }
        }
        if agents.is_some() {
            view.section(slug, title, &words, &format!("{at}/{key}"));
        }
    }
}

fn check_rules(doc: &Value, graph: &[Value], by_id: &BTreeMap<&str, &Value>, view: &mut View) {
    if doc.get("@graph").is_none() {
        view.violation(
            "SPDX 3: the document has no `@graph`; SPDX 3 JSON-LD lists its elements there".into(),
            "",
        );
        return;
    }
    // Elements the document imports from other documents.
    let imported: BTreeSet<&str> = graph
        .iter()
        .flat_map(|e| match e.get("import") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|m| m.get("externalSpdxId").and_then(Value::as_str))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, e) in graph.iter().enumerate() {
        let at = format!("/@graph/{i}");
        if e.get("type").or_else(|| e.get("@type")).is_none() {
            view.violation(
                "SPDX 3: an element has no `type`; every element of `@graph` has one".into(),
                &at,
            );
        }
        if let Some(id) = e.get("spdxId").and_then(Value::as_str)
            && let Some(first) = seen.insert(id, i)
        {
            view.violation(
                    format!(
                        "SPDX 3: `spdxId` \"{id}\" is used twice (first by element {first} of `@graph`); every element has its own"
                    ),
                    &format!("{at}/spdxId"),
                );
        }
        for key in ["created", "releaseTime", "builtTime", "validUntilTime"] {
            if let Some(s) = e.get(key).and_then(Value::as_str)
                && !is_date_time(s)
            {
                view.violation(
                    format!(
                        "SPDX 3: `{key}` is \"{s}\", not an RFC 3339 date-time in UTC (e.g. 2024-06-24T05:30:00Z)"
                    ),
                    &format!("{at}/{key}"),
                );
            }
        }
        if e.get("relationshipType").is_some() {
            let mut ends: Vec<(&str, String)> = Vec::new();
            if let Some(f) = e.get("from").and_then(Value::as_str) {
                ends.push((f, format!("{at}/from")));
            }
            match e.get("to") {
                Some(Value::Array(a)) => {
                    for (j, t) in a.iter().enumerate() {
                        if let Some(t) = t.as_str() {
                            ends.push((t, format!("{at}/to/{j}")));
                        }
                    }
                }
                Some(Value::String(t)) => ends.push((t, format!("{at}/to"))),
                _ => {}
            }
            for (id, from) in ends {
                let known = by_id.contains_key(id)
                    || imported.contains(id)
                    || id.starts_with("https://spdx.org/licenses/")
                    || id.starts_with("http://spdx.org/licenses/")
                    || id.starts_with("https://spdx.org/rdf/")
                    || id.starts_with("_:");
                if !known {
                    view.violation(
                        format!(
                            "SPDX 3: the relationship names \"{id}\", which is no element of the document and not imported"
                        ),
                        &from,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapt::{line_of as line, notice_lines};

    const DOC: &str = r#"{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [
    {"type": "CreationInfo", "@id": "_:c", "created": "2024-06-24T05:30:00Z"},
    {"type": "Person", "spdxId": "urn:p", "name": "Dana Whit"},
    {
      "type": "ai_AIPackage",
      "spdxId": "urn:m",
      "name": "ticket-router",
      "suppliedBy": "urn:p",
      "ai_informationAboutApplication": "Routing support tickets.",
      "ai_metric": [{"type": "DictionaryEntry", "key": "f1", "value": "0.46"}]
    },
    {"type": "dataset_DatasetPackage", "spdxId": "urn:d", "name": "tickets-2025"},
    {"type": "Relationship", "spdxId": "urn:r1", "relationshipType": "hasDeclaredLicense",
     "from": "urn:m", "to": ["https://spdx.org/licenses/Apache-2.0"]},
    {"type": "Relationship", "spdxId": "urn:r2", "relationshipType": "trainedOn",
     "from": "urn:m", "to": ["urn:d"]}
  ]
}"#;

    #[test]
    fn an_ai_package_reads_as_a_model_card() {
        let doc: Value = serde_json::from_str(DOC).unwrap();
        let a = adapt(&doc, DOC);
        assert_eq!(a.flavor, Flavor::Spdx3);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(a.view["meta"]["license"], "Apache-2.0");
        assert_eq!(
            a.view["sections"]["evaluation-results"]["text"],
            "f1 is 0.46"
        );
        assert_eq!(
            a.view["sections"]["training-data"]["text"],
            "trained on tickets-2025"
        );
        assert_eq!(
            a.view["sections"]["model-card-contact"]["text"],
            "Dana Whit"
        );
        let at = |p: &str| line(DOC, a.spans.locate(p).unwrap().0);
        assert_eq!(at("/sections/intended-use"), 11);
        assert_eq!(at("/meta/license"), 16);
    }

    #[test]
    fn broken_rules_of_the_format_are_found_at_their_fields() {
        let text = r#"{
  "@graph": [
    {"type": "CreationInfo", "@id": "_:c", "created": "24 June 2024"},
    {"type": "ai_AIPackage", "spdxId": "urn:m", "name": "a"},
    {"type": "ai_AIPackage", "spdxId": "urn:m", "name": "b"},
    {"spdxId": "urn:x"},
    {"type": "Relationship", "spdxId": "urn:r", "relationshipType": "trainedOn", "from": "urn:m",
     "to": ["urn:nowhere"]}
  ]
}"#;
        let doc: Value = serde_json::from_str(text).unwrap();
        let a = adapt(&doc, text);
        let got = notice_lines(text, &a);
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(got[0].0 == 3 && got[0].1.contains("RFC 3339"), "{got:?}");
        assert!(got[1].0 == 5 && got[1].1.contains("used twice"), "{got:?}");
        assert!(got[2].0 == 6 && got[2].1.contains("no `type`"), "{got:?}");
        assert!(got[3].0 == 8 && got[3].1.contains("urn:nowhere"), "{got:?}");
    }
}
