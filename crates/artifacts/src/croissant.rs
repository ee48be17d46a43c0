//! The Croissant adapter: a Croissant JSON-LD dataset description (0.8 to 1.1), with the
//! Responsible-AI vocabulary, read as the dataset-card view.
//!
//! Field correspondence (Croissant → view), from the Croissant format specification and the
//! Croissant RAI specification (mlcommons/croissant, `docs/croissant-spec.md`,
//! `docs/croissant-rai-spec.md`):
//! - `name` → `meta.pretty_name`; `license` → `meta.license` and "Licensing Information"
//! - `description` → "Dataset Description"; `citeAs` (1.0) / `citation` (0.8) → "Citation Information"
//! - `creator`, `publisher` → "Dataset Curators"
//! - `rai:personalSensitiveInformation` → "Personal and Sensitive Information"
//! - `rai:dataCollection`, `rai:dataCollectionType`, `rai:dataCollectionRawData`,
//!   `rai:dataCollectionTimeframe`, `rai:dataCollectionMissingData`,
//!   `rai:dataPreprocessingProtocol`, `rai:dataManipulationProtocol`, `rai:dataImputationProtocol`
//!   → "Data Collection and Processing"
//! - `rai:dataAnnotationProtocol`, `rai:dataAnnotationPlatform`, `rai:dataAnnotationAnalysis`,
//!   `rai:annotationsPerItem`, `rai:annotatorDemographics`, `rai:machineAnnotationTools`
//!   → "Annotation process"
//! - `rai:dataBiases`, `rai:dataLimitations` → "Bias, Risks, and Limitations"
//! - `rai:dataSocialImpact` → "Social Impact of Dataset"; `rai:dataUseCases` → "Uses";
//!   `rai:dataReleaseMaintenancePlan` → "Dataset Maintenance"
//!
//! A key is read under its compact name (`rai:dataBiases`, `license`, `sc:license`) or its full IRI
//! (`http://mlcommons.org/croissant/RAI/dataBiases`, `https://schema.org/license`).
//!
//! Rules of the format checked here (each a finding at its field when broken): the document is an
//! `sc:Dataset`; every `FileObject` has a `contentUrl`; no two resources share an `@id`; a field's
//! `source` names a `FileObject` or `FileSet` the distribution defines; `datePublished`,
//! `dateCreated` and `dateModified` are ISO 8601 dates.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::Flavor;
use crate::adapt::{Adapted, View, is_date_or_date_time, scalar, words_of};
use crate::pointer::escape_token;

const RAI: &str = "http://mlcommons.org/croissant/RAI/";
const CR: &str = "http://mlcommons.org/croissant/";
const DESCRIPTIVE: &[&str] = &["name", "description", "email", "url", "@value"];

/// The value of a key under any of its names: `sc:license`, `license`, `https://schema.org/license`
/// for schema.org terms; `rai:x` or the RAI IRI for RAI terms. With the key as written.
fn get<'v>(obj: &'v Value, term: &str) -> Option<(String, &'v Value)> {
    let o = obj.as_object()?;
    let names: Vec<String> = match term.split_once(':') {
        // Some exporters map the bare term into the Croissant namespace (`"dataBiases":
        // "cr:dataBiases"` in Kaggle's context); no other vocabulary has these terms.
        Some(("rai", t)) => vec![
            format!("rai:{t}"),
            format!("{RAI}{t}"),
            t.to_string(),
            format!("cr:{t}"),
            format!("{CR}{t}"),
        ],
        Some(("cr", t)) => vec![format!("cr:{t}"), t.to_string(), format!("{CR}{t}")],
        _ => vec![
            term.to_string(),
            format!("sc:{term}"),
            format!("schema:{term}"),
            format!("https://schema.org/{term}"),
            format!("http://schema.org/{term}"),
        ],
    };
    names
        .into_iter()
        .find_map(|n| o.get(&n).map(|v| (n.clone(), v)))
}

fn ptr(base: &str, key: &str) -> String {
    format!("{base}/{}", escape_token(key))
}

/// A type as written (`sc:FileObject`, `cr:FileObject`, `FileObject`, an IRI), reduced to its
/// local name; of a list, each.
fn type_names(v: &Value) -> Vec<String> {
    let local = |s: &str| {
        s.rsplit(['/', ':', '#'])
            .next()
            .unwrap_or(s)
            .trim()
            .to_string()
    };
    match v {
        Value::String(s) => vec![local(s)],
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(local).collect(),
        _ => Vec::new(),
    }
}

/// Whether a document's `@type` names only terms of the Croissant vocabulary other than a dataset
/// (`croissant:TaskSolution`, `cr:RecordSet`): a node of its own, not a dataset description. A type
/// outside the vocabulary (`sc:WRONG_TYPE`) still makes a broken dataset description.
pub(crate) fn describes_other_node(value: &Value) -> bool {
    let Some((_, t)) = get(dataset_node(value).1, "@type") else {
        return false;
    };
    let written: Vec<&str> = match t {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    !written.is_empty()
        && !type_names(t).iter().any(|n| n == "Dataset")
        && written.iter().all(|w| {
            let w = w.trim();
            w.starts_with("cr:") || w.starts_with("croissant:") || w.starts_with(CR)
        })
}

/// The node a document describes its dataset in, with its pointer: the document itself, or, for
/// a JSON-LD array of nodes or a `@graph` (as Kaggle exports it), the first node typed a dataset
/// (else a lone node, read as a broken description).
fn dataset_node(value: &Value) -> (String, &Value) {
    let is_dataset = |v: &Value| {
        get(v, "@type").is_some_and(|(_, t)| type_names(t).iter().any(|n| n == "Dataset"))
    };
    let (prefix, nodes) = match value {
        Value::Array(a) => ("", a),
        Value::Object(o) if !is_dataset(value) => match o.get("@graph") {
            Some(Value::Array(a)) => ("/@graph", a),
            _ => return (String::new(), value),
        },
        _ => return (String::new(), value),
    };
    let objects: Vec<(usize, &Value)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_object())
        .collect();
    match objects.iter().find(|(_, v)| is_dataset(v)) {
        Some((i, v)) => (format!("{prefix}/{i}"), v),
        None if objects.len() == 1 => (format!("{prefix}/{}", objects[0].0), objects[0].1),
        None => (String::new(), value),
    }
}

pub(crate) fn adapt(value: &Value, text: &str) -> Adapted {
    let mut view = View::new("croissant", text);
    let (base, value) = dataset_node(value);
    let base = base.as_str();
    view.subject(base);

    if let Some((k, name)) = get(value, "name")
        && let Some(n) = scalar(name)
    {
        view.meta("pretty_name", Value::String(n), &ptr(base, &k));
    }
    if let Some((k, lic)) = get(value, "license") {
        let from = ptr(base, &k);
        let ids: Vec<String> = match lic {
            Value::Array(a) => a.iter().filter_map(licence_id).collect(),
            other => licence_id(other).into_iter().collect(),
        };
        match ids.len() {
            0 => {}
            1 => view.meta("license", Value::String(ids[0].clone()), &from),
            _ => view.meta(
                "license",
                Value::Array(ids.iter().cloned().map(Value::String).collect()),
                &from,
            ),
        }
        let mut words = Vec::new();
        words_of(lic, DESCRIPTIVE, &mut words);
        view.section(
            "licensing-information",
            "Licensing Information",
            &words,
            &from,
        );
    }

    let sections: [(&str, &str, &[&str]); 10] = [
        (
            "dataset-description",
            "Dataset Description",
            &["description"],
        ),
        (
            "citation-information",
            "Citation Information",
            &["cr:citeAs", "citation"],
        ),
        (
            "dataset-curators",
            "Dataset Curators",
            &["creator", "publisher"],
        ),
        (
            "personal-and-sensitive-information",
            "Personal and Sensitive Information",
            &["rai:personalSensitiveInformation"],
        ),
        (
            "data-collection-and-processing",
            "Data Collection and Processing",
            &[
                "rai:dataCollection",
                "rai:dataCollectionType",
                "rai:dataCollectionRawData",
                "rai:dataCollectionTimeframe",
                "rai:dataCollectionMissingData",
                "rai:dataPreprocessingProtocol",
                "rai:dataManipulationProtocol",
                "rai:dataImputationProtocol",
            ],
        ),
        (
            "annotation-process",
            "Annotation process",
            &[
                "rai:dataAnnotationProtocol",
                "rai:dataAnnotationPlatform",
                "rai:dataAnnotationAnalysis",
                "rai:annotationsPerItem",
                "rai:annotatorDemographics",
                "rai:machineAnnotationTools",
            ],
        ),
        (
            "bias-risks-and-limitations",
            "Bias, Risks, and Limitations",
            &["rai:dataBiases", "rai:dataLimitations"],
        ),
        (
            "social-impact-of-dataset",
            "Social Impact of Dataset",
            &["rai:dataSocialImpact"],
        ),
        ("uses", "Uses", &["rai:dataUseCases"]),
        (
            "dataset-maintenance",
            "Dataset Maintenance",
            &["rai:dataReleaseMaintenancePlan"],
        ),
    ];
    for (slug, title, terms) in sections {
        for term in terms {
            if let Some((k, v)) = get(value, term) {
                let mut words = Vec::new();
                words_of(v, DESCRIPTIVE, &mut words);
                view.section(slug, title, &words, &ptr(base, &k));
            }
        }
    }

    check_rules(value, base, &mut view);
    view.finish(Flavor::Croissant)
}

/// A licence as an identifier: a string as written, an object's `@id`, `url` or `name`.
fn licence_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(o) => ["@id", "url", "name"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

fn check_rules(value: &Value, base: &str, view: &mut View) {
    if let Some((k, t)) =
        get(value, "@type").or_else(|| value.get("@type").map(|t| ("@type".into(), t)))
    {
        let names = type_names(t);
        if !names.iter().any(|n| n == "Dataset") {
            view.violation(
                format!(
                    "Croissant: the document's `@type` is {t}; a Croissant document describes an `sc:Dataset`"
                ),
                &ptr(base, &k),
            );
        }
    } else {
        view.violation(
            "Croissant: the document has no `@type`; a Croissant document is an `sc:Dataset`"
                .into(),
            base,
        );
    }

    for key in ["datePublished", "dateCreated", "dateModified"] {
        if let Some((k, d)) = get(value, key)
            && let Some(s) = d.as_str()
            && !is_date_or_date_time(s.trim())
        {
            view.violation(
                format!("Croissant: `{key}` is \"{s}\", not an ISO 8601 date (e.g. 2024-06-24)"),
                &ptr(base, &k),
            );
        }
    }

    // The distribution: FileObjects and FileSets, by `@id` (1.0) and by `name` (0.8).
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    if let Some((dk, Value::Array(items))) = get(value, "distribution") {
        for (i, item) in items.iter().enumerate() {
            let at = format!("{}/{i}", ptr(base, &dk));
            let types = item.get("@type").map(type_names).unwrap_or_default();
            if let Some(id) = item.get("@id").and_then(Value::as_str) {
                if let Some(first) = seen.insert(id.to_string(), at.clone()) {
                    view.violation(
                        format!(
                            "Croissant: `@id` \"{id}\" is used twice in the distribution (first at {first}); every resource has its own"
                        ),
                        &format!("{at}/@id"),
                    );
                }
                ids.insert(id.to_string());
            }
            if let Some(name) = item.get("name").and_then(Value::as_str) {
                ids.insert(name.to_string());
            }
            if types.iter().any(|t| t == "FileObject") && get(item, "contentUrl").is_none() {
                let name = item
                    .get("@id")
                    .or_else(|| item.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed)");
                view.violation(
                    format!(
                        "Croissant: FileObject \"{name}\" has no `contentUrl`; every FileObject says where its content is"
                    ),
                    &at,
                );
            }
        }
    }

    // Record sets: each field's source names a resource of the distribution.
    let Some((rk, Value::Array(sets))) = get(value, "cr:recordSet") else {
        return;
    };
    let mut stack: Vec<(String, &Value)> = sets
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("{}/{i}", ptr(base, &rk)), s))
        .collect();
    while let Some((at, node)) = stack.pop() {
        let Some(o) = node.as_object() else { continue };
        for (key, child) in o {
            let here = ptr(&at, key);
            match child {
                Value::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        stack.push((format!("{here}/{i}"), c));
                    }
                }
                Value::Object(_) => stack.push((here.clone(), child)),
                _ => {}
            }
        }
        let Some(src) = o.get("source") else { continue };
        for (kind, key) in [
            ("FileObject", "fileObject"),
            ("FileSet", "fileSet"),
            ("FileObject or FileSet", "distribution"),
        ] {
            let target = match src.get(key) {
                Some(Value::Object(r)) => r.get("@id").and_then(Value::as_str),
                Some(Value::String(s)) => Some(s.as_str()),
                _ => None,
            };
            if let Some(t) = target
                && !ids.contains(t)
            {
                view.violation(
                    format!(
                        "Croissant: this field's source names {kind} \"{t}\", which the distribution does not define"
                    ),
                    &format!("{}/{key}", ptr(&at, "source")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapt::{line_of as line, notice_lines};

    #[test]
    fn rai_fields_read_as_dataset_card_sections_at_their_lines() {
        let text = r#"{
  "@context": {"@vocab": "https://schema.org/", "rai": "http://mlcommons.org/croissant/RAI/"},
  "@type": "sc:Dataset",
  "name": "Support tickets",
  "license": "https://creativecommons.org/licenses/by/4.0/",
  "rai:dataCollection": "Exported monthly from the ticketing system, 2021 to 2025.",
  "rai:dataBiases": "Tickets in English only.",
  "rai:dataLimitations": "No tickets from phone support.",
  "rai:personalSensitiveInformation": "Names and emails were removed."
}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let a = adapt(&value, text);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(a.view["meta"]["pretty_name"], "Support tickets");
        assert_eq!(
            a.view["meta"]["license"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
        assert_eq!(
            a.view["sections"]["bias-risks-and-limitations"]["text"],
            "Tickets in English only.\nNo tickets from phone support."
        );
        let at = |p: &str| line(text, a.spans.locate(p).unwrap().0);
        assert_eq!(at("/sections/data-collection-and-processing"), 6);
        assert_eq!(at("/sections/personal-and-sensitive-information"), 9);
        assert_eq!(at("/meta/license"), 5);
    }

    #[test]
    fn broken_rules_of_the_format_are_found_at_their_fields() {
        let text = r#"{
  "@type": "sc:WRONG_TYPE",
  "name": "x",
  "datePublished": "June 2024",
  "distribution": [
    {"@type": "cr:FileObject", "@id": "a.csv", "contentUrl": "a.csv"},
    {"@type": "cr:FileObject", "@id": "b.csv"},
    {"@type": "cr:FileObject", "@id": "a.csv", "contentUrl": "c.csv"}
  ],
  "recordSet": [
    {"@type": "cr:RecordSet", "field": [
      {"@type": "cr:Field", "source": {"fileObject": {"@id": "missing.csv"}}}
    ]}
  ]
}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let a = adapt(&value, text);
        let got = notice_lines(text, &a);
        assert_eq!(got.len(), 5, "{got:#?}");
        assert_eq!(got[0].0, 2);
        assert!(got[0].1.contains("sc:Dataset"));
        assert_eq!(got[1].0, 4);
        assert!(got[1].1.contains("ISO 8601"));
        assert_eq!(got[2].0, 7);
        assert!(got[2].1.contains("no `contentUrl`"));
        assert_eq!(got[3].0, 8);
        assert!(got[3].1.contains("used twice"));
        assert_eq!(got[4].0, 12);
        assert!(got[4].1.contains("missing.csv"));
    }

    /// Kaggle exports a Croissant document as a JSON-LD array of one node, with the RAI terms
    /// mapped bare into the Croissant namespace; a `@graph` holds its nodes the same way.
    #[test]
    fn a_dataset_node_in_an_array_or_graph_is_the_description() {
        let node = r#"{
    "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/",
                 "dataBiases": "cr:dataBiases"},
    "@type": "sc:Dataset",
    "name": "Covertype",
    "dataBiases": "Only four wilderness areas of one national forest are sampled.",
    "distribution": [{"@type": "cr:FileObject", "@id": "a.csv"}]
  }"#;
        for (text, base) in [
            (format!("[\n  {node}\n]"), "/0"),
            (
                format!("{{\"@graph\": [\n  {{\"@type\": \"sc:Person\"}},\n  {node}\n]}}"),
                "/@graph/1",
            ),
        ] {
            let value: Value = serde_json::from_str(&text).unwrap();
            let a = adapt(&value, &text);
            assert_eq!(a.view["meta"]["pretty_name"], "Covertype", "{text}");
            assert_eq!(
                a.view["sections"]["bias-risks-and-limitations"]["text"],
                "Only four wilderness areas of one national forest are sampled."
            );
            // Its own rules are checked, at its own lines: the FileObject without a URL, only.
            let got = notice_lines(&text, &a);
            assert_eq!(got.len(), 1, "{got:#?}");
            assert!(got[0].1.contains("no `contentUrl`"));
            let file_object = text
                .lines()
                .position(|l| l.contains("cr:FileObject"))
                .unwrap()
                + 1;
            assert_eq!(got[0].0, file_object);
            let bias = text
                .lines()
                .position(|l| l.contains("\"dataBiases\": \"Only"))
                .unwrap()
                + 1;
            assert_eq!(
                line(
                    &text,
                    a.spans
                        .locate("/sections/bias-risks-and-limitations")
                        .unwrap()
                        .0
                ),
                bias,
                "{base}"
            );
        }
        // An array of two nodes neither of which is a dataset is read as a whole, and broken.
        let text = r#"[{"@type": "sc:Person"}, {"@type": "sc:Place"}]"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let a = adapt(&value, text);
        let got = notice_lines(text, &a);
        assert!(got[0].1.contains("no `@type`"), "{got:#?}");
    }
}
