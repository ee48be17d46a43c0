//! The CycloneDX adapter: a CycloneDX JSON BOM (1.5 to 1.7) read as the model-card view of the
//! machine-learning model it describes, or as the dataset-card view of its dataset.
//!
//! Which component: the BOM's subject (`metadata.component`) when it is a `machine-learning-model`;
//! otherwise the first `machine-learning-model` component in document order (nested components
//! included). Other models in the BOM are its dependencies, documented by their own BOMs. A BOM
//! with no model but a `data` component holding a `dataset` is read as a dataset card of the first
//! such dataset; a BOM with neither is a software BOM, no AI evidence (flavour `sbom`).
//!
//! Field correspondence (CycloneDX → view), from the CycloneDX 1.6 JSON schema
//! (CycloneDX/specification, `schema/bom-1.6.schema.json`, `modelCard` and `componentData`):
//! - `name` → `meta.model_name` / `meta.pretty_name`; `licenses[]` (`license.id`,
//!   `license.name`, `expression`) → `meta.license` and "License"
//! - `description`, `modelCard.modelParameters` (`approach.type`, `task`, `architectureFamily`,
//!   `modelArchitecture`) → "Model Details"
//! - `modelCard.modelParameters.datasets[]` → "Training Data"
//! - the BOM's `data` components → `datasets[]` of the view (`name`, `licenses` as written,
//!   `linked`: the model names it in `modelParameters.datasets[].ref` or its `dependencies`)
//! - `modelCard.quantitativeAnalysis.performanceMetrics[]` → "Evaluation Results", one sentence each
//! - `modelCard.considerations.users`, `.useCases` → "Intended Use"
//! - `.technicalLimitations`, `.performanceTradeoffs` → "Limitations"
//! - `.ethicalConsiderations[]` → "Ethical Considerations"; `.fairnessAssessments[]` → "Bias and
//!   Fairness Assessments"; `.environmentalConsiderations` (1.6) → "Environmental Impact"
//! - `supplier`, `manufacturer`, `authors`, `author`, `publisher` → "Model Card Contact"
//! - of a dataset: `description` → "Dataset Description", `sensitiveData[]` and `classification`
//!   → "Personal and Sensitive Information", `governance` → "Dataset Curators"
//!
//! Rules of the format checked here: `specVersion` is a CycloneDX version, and 1.5 or later where
//! a component has a `modelCard`; every component has a `type` and a `name`; no two objects share a
//! `bom-ref`; every `dependencies[].ref` and `dependsOn` names a `bom-ref` of the BOM;
//! `metadata.timestamp` is an RFC 3339 date-time. (JSON syntax, trailing commas included, is
//! checked before: AL001 at the line.)

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Flavor;
use crate::adapt::{Adapted, View, is_date_time, number, scalar, words_of};
use crate::pointer::escape_token;

const VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];
const DESCRIPTIVE: &[&str] = &[
    "name",
    "description",
    "type",
    "value",
    "email",
    "url",
    "groupAtRisk",
    "benefits",
    "harms",
    "mitigationStrategy",
    "organization",
    "contact",
    "activity",
    "activityEnergyCost",
    "co2CostEquivalent",
    "unit",
    "energyProviders",
    "energyConsumptions",
    "properties",
];

/// Every component of the BOM, with its pointer, in document order: the subject first, then the
/// components list depth-first.
fn components(bom: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(c) = bom.pointer("/metadata/component") {
        out.push(("/metadata/component".to_string(), c));
    }
    let mut stack: Vec<(String, &Value)> = Vec::new();
    if let Some(Value::Array(a)) = bom.get("components") {
        // Reversed, so that popping visits them in order.
        for (i, c) in a.iter().enumerate().rev() {
            stack.push((format!("/components/{i}"), c));
        }
    }
    while let Some((at, c)) = stack.pop() {
        out.push((at.clone(), c));
        if let Some(Value::Array(a)) = c.get("components") {
            for (i, n) in a.iter().enumerate().rev() {
                stack.push((format!("{at}/components/{i}"), n));
            }
        }
    }
    out
}

fn is_type(c: &Value, t: &str) -> bool {
    c.get("type").and_then(Value::as_str) == Some(t)
}

pub(crate) fn adapt(bom: &Value, text: &str) -> Adapted {
    let all = components(bom);
    let model = all
        .iter()
        .find(|(at, c)| at == "/metadata/component" && is_type(c, "machine-learning-model"))
        .or_else(|| {
            all.iter()
                .find(|(_, c)| is_type(c, "machine-learning-model"))
        });
    let dataset = all.iter().find_map(|(at, c)| {
        if !is_type(c, "data") {
            return None;
        }
        match c.get("data") {
            Some(Value::Array(items)) => items.iter().enumerate().find_map(|(i, d)| {
                is_type(d, "dataset").then(|| (at.clone(), *c, format!("{at}/data/{i}"), d))
            }),
            _ => None,
        }
    });
    let mut view = View::new("cyclonedx", text);
    let flavor = if let Some((at, c)) = model {
        model_view(&mut view, at, c);
        data_components(&mut view, bom, &all, c);
        Flavor::CycloneDx
    } else if let Some((at, c, dat, d)) = dataset {
        dataset_view(&mut view, &at, c, &dat, d);
        Flavor::CycloneDxData
    } else {
        Flavor::Sbom
    };
    check_rules(bom, &all, &mut view);
    view.finish(flavor)
}

/// A component's licences as identifiers, with the pointer of each.
fn licences(at: &str, c: &Value) -> Vec<(String, String)> {
    let Some(Value::Array(list)) = c.get("licenses") else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let here = format!("{at}/licenses/{i}");
            if let Some(e) = l.get("expression").and_then(Value::as_str) {
                return Some((e.trim().to_string(), format!("{here}/expression")));
            }
            let lic = l.get("license")?;
            ["id", "name"].iter().find_map(|k| {
                lic.get(*k)
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| (s.trim().to_string(), format!("{here}/license/{k}")))
            })
        })
        .collect()
}

fn put_licences(view: &mut View, at: &str, c: &Value) {
    let ls = licences(at, c);
    match ls.as_slice() {
        [] => {}
        [(one, from)] => view.meta("license", Value::String(one.clone()), from),
        many => view.meta(
            "license",
            Value::Array(many.iter().map(|(l, _)| Value::String(l.clone())).collect()),
            &many[0].1,
        ),
    }
    let words: Vec<String> = ls.into_iter().map(|(l, _)| l).collect();
    view.section("license", "License", &words, &format!("{at}/licenses"));
}

/// The words at `rel` under `base`, with the pointer they are at (when present).
fn words_at(v: &Value, base: &str, rel: &str) -> Option<(Vec<String>, String)> {
    let x = v.pointer(rel)?;
    let mut w = Vec::new();
    words_of(x, DESCRIPTIVE, &mut w);
    Some((w, format!("{base}{rel}")))
}

/// The BOM's `data` components, each as `datasets[]` of the view: its name, its licences as
/// written, and whether the model links it (its `modelCard.modelParameters.datasets[].ref`, or a
/// `dependencies[]` entry of the model's `bom-ref`). What rules of the model's licence against its
/// data's (plugins) read.
fn data_components(view: &mut View, bom: &Value, all: &[(String, &Value)], model: &Value) {
    let mut linked: std::collections::HashSet<&str> = std::collections::HashSet::new();
    if let Some(Value::Array(ds)) = model.pointer("/modelCard/modelParameters/datasets") {
        linked.extend(
            ds.iter()
                .filter_map(|d| d.get("ref").and_then(Value::as_str)),
        );
    }
    let me = model.get("bom-ref").and_then(Value::as_str);
    if let (Some(me), Some(Value::Array(deps))) = (me, bom.get("dependencies")) {
        for d in deps
            .iter()
            .filter(|d| d.get("ref").and_then(Value::as_str) == Some(me))
        {
            if let Some(Value::Array(on)) = d.get("dependsOn") {
                linked.extend(on.iter().filter_map(Value::as_str));
            }
        }
    }
    for (at, c) in all.iter().filter(|(_, c)| is_type(c, "data")) {
        let Some(name) = c.get("name").and_then(scalar) else {
            continue;
        };
        let licences: Vec<Value> = licences(at, c)
            .into_iter()
            .map(|(l, _)| Value::String(l))
            .collect();
        let reference = c.get("bom-ref").and_then(Value::as_str);
        let mut item = serde_json::Map::new();
        item.insert("name".into(), Value::String(name));
        item.insert("licenses".into(), Value::Array(licences));
        item.insert(
            "linked".into(),
            Value::Bool(reference.is_some_and(|r| linked.contains(r))),
        );
        view.push("datasets", Value::Object(item), at);
    }
}

fn model_view(view: &mut View, at: &str, c: &Value) {
    view.subject(at);
    if let Some(name) = c.get("name").and_then(scalar) {
        view.meta("model_name", Value::String(name), &format!("{at}/name"));
    }
    put_licences(view, at, c);

    let parts: [(&str, &str, &[&str]); 8] = [
        (
            "model-details",
            "Model Details",
            &[
                "/description",
                "/modelCard/modelParameters/approach/type",
                "/modelCard/modelParameters/task",
                "/modelCard/modelParameters/architectureFamily",
                "/modelCard/modelParameters/modelArchitecture",
            ],
        ),
        (
            "training-data",
            "Training Data",
            &["/modelCard/modelParameters/datasets"],
        ),
        (
            "intended-use",
            "Intended Use",
            &[
                "/modelCard/considerations/users",
                "/modelCard/considerations/useCases",
            ],
        ),
        (
            "limitations",
            "Limitations",
            &[
                "/modelCard/considerations/technicalLimitations",
                "/modelCard/considerations/performanceTradeoffs",
            ],
        ),
        (
            "ethical-considerations",
            "Ethical Considerations",
            &["/modelCard/considerations/ethicalConsiderations"],
        ),
        (
            "bias-and-fairness-assessments",
            "Bias and Fairness Assessments",
            &["/modelCard/considerations/fairnessAssessments"],
        ),
        (
            "environmental-impact",
            "Environmental Impact",
            &["/modelCard/considerations/environmentalConsiderations"],
        ),
        (
            "model-card-contact",
            "Model Card Contact",
            &[
                "/supplier",
                "/manufacturer",
                "/authors",
                "/author",
                "/publisher",
            ],
        ),
    ];
    for (slug, title, rels) in parts {
        for rel in rels {
            if let Some((words, from)) = words_at(c, at, rel) {
                view.section(slug, title, &words, &from);
            }
        }
    }
    let metrics = "/modelCard/quantitativeAnalysis/performanceMetrics";
    if let Some(Value::Array(ms)) = c.pointer(metrics) {
        let sentences: Vec<String> = ms.iter().filter_map(metric_sentence).collect();
        for (i, m) in ms.iter().enumerate() {
            if let (Some(kind), Some(value)) = (
                m.get("type").and_then(scalar),
                m.get("value").and_then(number),
            ) {
                let mut r = serde_json::Map::new();
                r.insert("metric".into(), Value::String(kind));
                r.insert("value".into(), Value::from(value));
                if let Some(slice) = m.get("slice").and_then(scalar) {
                    r.insert("slice".into(), Value::String(slice));
                }
                view.push("results", Value::Object(r), &format!("{at}{metrics}/{i}"));
            }
        }
        view.section(
            "evaluation-results",
            "Evaluation Results",
            &sentences,
            &format!("{at}{metrics}"),
        );
    }
    // Energy figures (1.6): each consumption's activity and its cost.
    let energy = "/modelCard/considerations/environmentalConsiderations/energyConsumptions";
    if let Some(Value::Array(es)) = c.pointer(energy) {
        for (i, e) in es.iter().enumerate() {
            let cost = e.get("activityEnergyCost");
            if let Some(q) = cost.and_then(|x| x.get("value")).and_then(number) {
                let mut r = serde_json::Map::new();
                r.insert(
                    "activity".into(),
                    Value::String(e.get("activity").and_then(scalar).unwrap_or_default()),
                );
                r.insert("quantity".into(), Value::from(q));
                r.insert(
                    "unit".into(),
                    Value::String(
                        cost.and_then(|x| x.get("unit"))
                            .and_then(scalar)
                            .unwrap_or_default(),
                    ),
                );
                view.push("energy", Value::Object(r), &format!("{at}{energy}/{i}"));
            }
        }
    }
    // A dataset given only as a reference to a data component names it.
    if let Some(Value::Array(ds)) = c.pointer("/modelCard/modelParameters/datasets") {
        let refs: Vec<String> = ds
            .iter()
            .filter_map(|d| d.get("ref").and_then(Value::as_str))
            .map(|r| format!("dataset {r}"))
            .collect();
        view.section(
            "training-data",
            "Training Data",
            &refs,
            &format!("{at}/modelCard/modelParameters/datasets"),
        );
    }
}

/// How CycloneDX names a metric's parts.
const CDX_METRIC: crate::adapt::MetricKeys = [
    "type",
    "value",
    "slice",
    "confidenceInterval",
    "lowerBound",
    "upperBound",
];

/// A metric as a sentence, when its value holds a figure: a value with none ("The value of the
/// performance metric") measures nothing, and is no result.
fn metric_sentence(m: &Value) -> Option<String> {
    crate::adapt::metric_sentence(m, CDX_METRIC)
        .filter(|(_, v)| v.bytes().any(|b| b.is_ascii_digit()))
        .map(|(s, _)| s)
}

fn dataset_view(view: &mut View, at: &str, c: &Value, dat: &str, d: &Value) {
    view.subject(dat);
    if let Some(name) = d.get("name").or_else(|| c.get("name")).and_then(scalar) {
        let from = if d.get("name").is_some() {
            format!("{dat}/name")
        } else {
            format!("{at}/name")
        };
        view.meta("pretty_name", Value::String(name), &from);
    }
    put_licences(view, at, c);
    for (slug, title, base, rel) in [
        (
            "dataset-description",
            "Dataset Description",
            dat,
            "/description",
        ),
        (
            "dataset-description",
            "Dataset Description",
            at,
            "/description",
        ),
        (
            "personal-and-sensitive-information",
            "Personal and Sensitive Information",
            dat,
            "/sensitiveData",
        ),
        (
            "personal-and-sensitive-information",
            "Personal and Sensitive Information",
            dat,
            "/classification",
        ),
        ("dataset-curators", "Dataset Curators", dat, "/governance"),
        ("dataset-curators", "Dataset Curators", at, "/supplier"),
    ] {
        let v = if base == dat { d } else { c };
        if let Some((words, from)) = words_at(v, base, rel) {
            view.section(slug, title, &words, &from);
        }
    }
    if let Some(Value::Object(g)) = d.get("governance") {
        let mut words = Vec::new();
        for role in ["owners", "custodians", "stewards"] {
            if let Some(v) = g.get(role) {
                words_of(v, DESCRIPTIVE, &mut words);
            }
        }
        view.section(
            "dataset-curators",
            "Dataset Curators",
            &words,
            &format!("{dat}/governance"),
        );
    }
}

fn check_rules(bom: &Value, all: &[(String, &Value)], view: &mut View) {
    let spec = bom.get("specVersion").and_then(Value::as_str);
    match spec {
        None => view.violation(
            "CycloneDX: the BOM has no `specVersion`; a BOM names the version of the specification it follows".into(),
            "",
        ),
        Some(v) if !VERSIONS.contains(&v) => view.violation(
            format!("CycloneDX: `specVersion` \"{v}\" is no CycloneDX version (1.0 to 1.7)"),
            "/specVersion",
        ),
        Some(v) => {
            if VERSIONS.iter().position(|x| *x == v) < VERSIONS.iter().position(|x| *x == "1.5") {
                for (at, c) in all {
                    if c.get("modelCard").is_some() {
                        view.violation(
                            format!(
                                "CycloneDX: `modelCard` is part of CycloneDX 1.5 and later, and this BOM says `specVersion` {v}"
                            ),
                            &format!("{at}/modelCard"),
                        );
                    }
                }
            }
        }
    }
    if let Some(ts) = bom.pointer("/metadata/timestamp").and_then(Value::as_str)
        && !is_date_time(ts)
    {
        view.violation(
            format!(
                "CycloneDX: `metadata.timestamp` is \"{ts}\", not an RFC 3339 date-time (e.g. 2024-11-24T13:10:49Z)"
            ),
            "/metadata/timestamp",
        );
    }
    for (at, c) in all {
        for key in ["type", "name"] {
            if c.get(key).is_none() {
                view.violation(
                    format!("CycloneDX: a component has no `{key}`; every component has one"),
                    at,
                );
            }
        }
    }
    // Every `bom-ref` is unique within the BOM, wherever it is.
    let mut refs: BTreeMap<String, String> = BTreeMap::new();
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), bom)];
    let mut found: Vec<(String, String)> = Vec::new();
    while let Some((at, v)) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(r) = o.get("bom-ref").and_then(Value::as_str) {
                    found.push((r.to_string(), format!("{at}/bom-ref")));
                }
                for (k, x) in o {
                    if x.is_object() || x.is_array() {
                        stack.push((format!("{at}/{}", escape_token(k)), x));
                    }
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    if x.is_object() || x.is_array() {
                        stack.push((format!("{at}/{i}"), x));
                    }
                }
            }
            _ => {}
        }
    }
    // In the order of the file.
    found.sort_by_key(|(_, at)| view.offset(at));
    for (r, at) in found {
        if let std::collections::btree_map::Entry::Vacant(slot) = refs.entry(r.clone()) {
            slot.insert(at);
        } else {
            view.violation(
                format!(
                    "CycloneDX: `bom-ref` \"{r}\" is used twice; every `bom-ref` in a BOM is unique"
                ),
                &at,
            );
        }
    }
    if let Some(Value::Array(deps)) = bom.get("dependencies") {
        for (i, d) in deps.iter().enumerate() {
            let at = format!("/dependencies/{i}");
            let mut named = Vec::new();
            if let Some(r) = d.get("ref").and_then(Value::as_str) {
                named.push((r, format!("{at}/ref")));
            }
            if let Some(Value::Array(on)) = d.get("dependsOn") {
                for (j, r) in on.iter().enumerate() {
                    if let Some(r) = r.as_str() {
                        named.push((r, format!("{at}/dependsOn/{j}")));
                    }
                }
            }
            for (r, from) in named {
                if !refs.contains_key(r) {
                    view.violation(
                        format!(
                            "CycloneDX: the dependency graph names `bom-ref` \"{r}\", which no component or service of the BOM has"
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

    #[test]
    fn a_model_component_reads_as_a_model_card() {
        let text = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [
    {"type": "library", "name": "torch"},
    {
      "type": "machine-learning-model",
      "bom-ref": "m",
      "name": "ticket-router",
      "licenses": [{"license": {"id": "Apache-2.0"}}],
      "modelCard": {
        "considerations": {
          "useCases": ["Routing support tickets to queues."],
          "technicalLimitations": ["English tickets only."]
        },
        "quantitativeAnalysis": {"performanceMetrics": [{"type": "accuracy", "value": "0.91"}]}
      }
    }
  ]
}"#;
        let bom: Value = serde_json::from_str(text).unwrap();
        let a = adapt(&bom, text);
        assert_eq!(a.flavor, Flavor::CycloneDx);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(a.view["meta"]["license"], "Apache-2.0");
        assert_eq!(a.view["meta"]["model_name"], "ticket-router");
        assert_eq!(
            a.view["sections"]["evaluation-results"]["text"],
            "accuracy is 0.91"
        );
        let at = |p: &str| line(text, a.spans.locate(p).unwrap().0);
        assert_eq!(at("/meta/license"), 10);
        assert_eq!(at("/sections/intended-use"), 13);
        assert_eq!(at("/sections/limitations"), 14);
        assert!(a.view["sections"].get("out-of-scope").is_none());
    }

    #[test]
    fn broken_rules_of_the_format_are_found_at_their_fields() {
        let text = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.4",
  "metadata": {"timestamp": "yesterday"},
  "components": [
    {"type": "machine-learning-model", "bom-ref": "a", "name": "m", "modelCard": {}},
    {"type": "library", "bom-ref": "a"}
  ],
  "dependencies": [{"ref": "a", "dependsOn": ["zzz"]}]
}"#;
        let bom: Value = serde_json::from_str(text).unwrap();
        let a = adapt(&bom, text);
        let got = notice_lines(text, &a);
        assert_eq!(got.len(), 5, "{got:#?}");
        assert!(got[0].1.contains("RFC 3339") && got[0].0 == 4, "{got:?}");
        assert!(
            got[1].1.contains("1.5 and later") && got[1].0 == 6,
            "{got:?}"
        );
        assert!(got.iter().any(|(l, m)| *l == 7 && m.contains("no `name`")));
        assert!(got.iter().any(|(l, m)| *l == 7 && m.contains("used twice")));
        assert!(got.iter().any(|(l, m)| *l == 9 && m.contains("\"zzz\"")));
    }

    #[test]
    fn a_bom_without_models_or_datasets_is_no_ai_evidence() {
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
  "components": [{"type": "data", "name": "cfg", "data": [{"type": "configuration", "name": "app.ini"}]}]}"#;
        let bom: Value = serde_json::from_str(text).unwrap();
        assert_eq!(adapt(&bom, text).flavor, Flavor::Sbom);
    }
}
