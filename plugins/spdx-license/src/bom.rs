//! What a bill of materials says about one model: its licence, and the datasets it lists for it
//! with theirs.
//!
//! Read from:
//! - an **SPDX 2.x** JSON document (<https://spdx.github.io/spdx-spec/v2.3/package-information/>):
//!   the package named as the model (not one its `primaryPackagePurpose` or package URL shows to
//!   be software), its `licenseDeclared` (else `licenseConcluded`; `NOASSERTION` and `NONE` say
//!   nothing), and as datasets the packages named as the card's `datasets` or that the model is
//!   `GENERATED_FROM`;
//! - the **model-card view** aimslint reads a CycloneDX ML-BOM or an SPDX 3 AI BOM as (what the
//!   host passes for those formats, <https://cyclonedx.org/docs/1.6/json/>): the model's name and
//!   licence (`meta.model_name`, `meta.license`), and for CycloneDX the BOM's `data` components
//!   (`datasets[]`: name, licences, whether the model links them). The datasets are those the
//!   model links and those the card names, or every one when the model links none.
//!
//! A BOM whose model has another name than the card's describes another model, and is not read.

use serde_json::Value;

/// A licence as the BOM states it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stated {
    pub value: String,
    /// Where in the BOM, as a JSON Pointer (`None` for a view, which is no file's text).
    pub at: Option<String>,
    pub kind: Written,
}

/// What a BOM's licence field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// An SPDX expression or id.
    Expression,
    /// An id, a name or an expression, as the value shows (a view holds them alike).
    AsIs,
}

impl Stated {
    /// The comparison keys of the licence.
    pub(crate) fn keys(&self) -> Vec<String> {
        match self.kind {
            Written::Expression => crate::licence::expression_keys(&self.value),
            Written::AsIs => crate::licence::value_keys(&self.value),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dataset {
    pub name: String,
    pub licences: Vec<Stated>,
}

/// The model a BOM describes, as the card names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Model {
    pub name: String,
    pub licences: Vec<Stated>,
    pub datasets: Vec<Dataset>,
}

/// A name as BOMs and cards write it, compared loosely: `Org/Credit_Scoring` is `credit-scoring`.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.rsplit('/')
            .next()
            .unwrap_or(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

fn named(name: &str, names: &[String]) -> bool {
    names.iter().any(|n| same_name(n, name))
}

/// Whether a document is a view aimslint read a BOM as.
pub(crate) fn is_view(doc: &Value) -> bool {
    matches!(
        doc.get("adapter").and_then(Value::as_str),
        Some("cyclonedx" | "spdx3")
    )
}

/// The model named `names` in a BOM (SPDX 2 JSON, or the view of a CycloneDX or SPDX 3 BOM), with the
/// datasets it lists for it. `datasets`: the dataset names the card gives.
pub(crate) fn model(doc: &Value, names: &[String], datasets: &[String]) -> Option<Model> {
    if is_view(doc) {
        return view_model(doc, names, datasets);
    }
    if doc
        .get("spdxVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("SPDX-2"))
    {
        return spdx2_model(doc, names, datasets);
    }
    None
}

fn view_model(doc: &Value, names: &[String], datasets: &[String]) -> Option<Model> {
    let name = doc.pointer("/meta/model_name")?.as_str()?;
    if !named(name, names) {
        return None;
    }
    let as_is = |values: Vec<(Option<usize>, String)>| -> Vec<Stated> {
        values
            .into_iter()
            // The view holds ids, names and expressions alike.
            .map(|(_, value)| Stated {
                at: None,
                kind: Written::AsIs,
                value,
            })
            .collect()
    };
    let licences = as_is(
        doc.pointer("/meta/license")
            .map(crate::licence::strings)
            .unwrap_or_default(),
    );
    // The BOM's data components: those the model links, and those the card names; when the model
    // links none, every one (the BOM describes this one model).
    let all: Vec<&Value> = match doc.get("datasets") {
        Some(Value::Array(items)) => items.iter().collect(),
        _ => Vec::new(),
    };
    let links_some = all.iter().any(|d| d["linked"] == Value::Bool(true));
    let data = all
        .into_iter()
        .filter_map(|d| {
            let dname = d.get("name")?.as_str()?;
            let keep = !links_some || d["linked"] == Value::Bool(true) || named(dname, datasets);
            keep.then(|| Dataset {
                name: dname.to_string(),
                licences: as_is(
                    d.get("licenses")
                        .map(crate::licence::strings)
                        .unwrap_or_default(),
                ),
            })
        })
        .collect();
    Some(Model {
        name: name.to_string(),
        licences,
        datasets: data,
    })
}

fn name_of(c: &Value) -> Option<&str> {
    c.get("name").and_then(Value::as_str)
}

/// An SPDX 2 package's licence: declared by its authors, else concluded by the document's
/// creator; `NOASSERTION` and `NONE` state nothing.
fn spdx2_licence(at: &str, p: &Value) -> Vec<Stated> {
    for k in ["licenseDeclared", "licenseConcluded"] {
        if let Some(v) = p
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "NOASSERTION" && *v != "NONE")
        {
            return vec![Stated {
                value: v.to_string(),
                at: Some(format!("{at}/{k}")),
                kind: Written::Expression,
            }];
        }
    }
    Vec::new()
}

/// Whether an SPDX 2 package is software, by its purpose or its package URL: an SBOM of a model's
/// repository lists the libraries it uses, and a library named as the model (`clip`, `whisper`)
/// is not the model.
fn is_software(p: &Value) -> bool {
    const SOFTWARE: &[&str] = &[
        "APPLICATION",
        "FRAMEWORK",
        "LIBRARY",
        "CONTAINER",
        "OPERATING-SYSTEM",
        "DEVICE",
        "FIRMWARE",
        "INSTALL",
        "SOURCE",
    ];
    const ECOSYSTEMS: &[&str] = &[
        "pypi",
        "npm",
        "cargo",
        "maven",
        "golang",
        "gem",
        "nuget",
        "deb",
        "rpm",
        "apk",
        "conda",
        "composer",
        "cocoapods",
        "swift",
        "hex",
        "pub",
        "cran",
        "github",
    ];
    let purpose = p.get("primaryPackagePurpose").and_then(Value::as_str);
    if purpose.is_some_and(|v| SOFTWARE.contains(&v)) {
        return true;
    }
    let Some(Value::Array(refs)) = p.get("externalRefs") else {
        return false;
    };
    refs.iter()
        .filter(|r| r.get("referenceType").and_then(Value::as_str) == Some("purl"))
        .filter_map(|r| r.get("referenceLocator").and_then(Value::as_str))
        .any(|purl| {
            purl.strip_prefix("pkg:")
                .and_then(|rest| rest.split('/').next())
                .is_some_and(|t| ECOSYSTEMS.contains(&t.to_ascii_lowercase().as_str()))
        })
}

fn spdx2_model(doc: &Value, names: &[String], datasets: &[String]) -> Option<Model> {
    let Some(Value::Array(packages)) = doc.get("packages") else {
        return None;
    };
    let (i, model) = packages
        .iter()
        .enumerate()
        .find(|(_, p)| !is_software(p) && name_of(p).is_some_and(|n| named(n, names)))?;
    let me = model
        .get("SPDXID")
        .and_then(Value::as_str)
        .unwrap_or_default();
    // What the model is generated from, as either end of the relationship says it.
    let mut from: std::collections::HashSet<&str> = std::collections::HashSet::new();
    if let Some(Value::Array(rels)) = doc.get("relationships") {
        for r in rels {
            let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
            match field("relationshipType") {
                "GENERATED_FROM" if field("spdxElementId") == me => {
                    from.insert(field("relatedSpdxElement"));
                }
                "GENERATES" if field("relatedSpdxElement") == me => {
                    from.insert(field("spdxElementId"));
                }
                _ => {}
            }
        }
    }
    let data = packages
        .iter()
        .enumerate()
        .filter(|(j, p)| *j != i && !is_software(p))
        .filter(|(_, p)| {
            name_of(p).is_some_and(|n| named(n, datasets))
                || p.get("SPDXID")
                    .and_then(Value::as_str)
                    .is_some_and(|id| !me.is_empty() && from.contains(id))
        })
        .map(|(j, p)| Dataset {
            name: name_of(p).unwrap_or("(unnamed)").to_string(),
            licences: spdx2_licence(&format!("/packages/{j}"), p),
        })
        .collect();
    Some(Model {
        name: name_of(model).unwrap_or_default().to_string(),
        licences: spdx2_licence(&format!("/packages/{i}"), model),
        datasets: data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_spdx2_document_lists_the_model_and_its_data() {
        let doc = json!({
            "spdxVersion": "SPDX-2.3",
            "packages": [
                {"SPDXID": "SPDXRef-repo", "name": "risk-models", "licenseDeclared": "NOASSERTION"},
                {"SPDXID": "SPDXRef-m", "name": "credit-scoring", "licenseDeclared": "NOASSERTION", "licenseConcluded": "Apache-2.0"},
                {"SPDXID": "SPDXRef-a", "name": "applications", "licenseDeclared": "LicenseRef-internal"},
                {"SPDXID": "SPDXRef-b", "name": "bureau", "licenseDeclared": "CC-BY-NC-4.0"},
                {"SPDXID": "SPDXRef-c", "name": "other-data", "licenseDeclared": "CC-BY-NC-4.0"}
            ],
            "relationships": [
                {"spdxElementId": "SPDXRef-m", "relationshipType": "GENERATED_FROM", "relatedSpdxElement": "SPDXRef-b"}
            ]
        });
        let m = model(&doc, &names(&["credit-scoring"]), &names(&["applications"])).unwrap();
        assert_eq!(m.licences[0].value, "Apache-2.0");
        assert_eq!(
            m.licences[0].at.as_deref(),
            Some("/packages/1/licenseConcluded")
        );
        let data: Vec<&str> = m.datasets.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(data, ["applications", "bureau"]);
        // A library named as the model, in the SBOM of the model's repository, is not the model.
        let sbom = json!({
            "spdxVersion": "SPDX-2.3",
            "packages": [
                {"SPDXID": "SPDXRef-a", "name": "clip", "licenseDeclared": "MIT",
                 "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/clip@1.0"}]},
                {"SPDXID": "SPDXRef-b", "name": "clip", "licenseDeclared": "MIT", "primaryPackagePurpose": "LIBRARY"}
            ]
        });
        assert!(model(&sbom, &names(&["clip"]), &[]).is_none());
    }

    #[test]
    fn a_view_names_the_model_and_its_licence() {
        let view = json!({"adapter": "cyclonedx", "meta": {"model_name": "m", "license": ["MIT", "Acme Licence"]}});
        let m = model(&view, &names(&["M"]), &[]).unwrap();
        let keys: Vec<Vec<String>> = m.licences.iter().map(Stated::keys).collect();
        assert_eq!(keys, [vec!["mit".to_string()], vec![]]);
        assert!(m.datasets.is_empty());
        assert!(model(&json!({"meta": {"model_name": "m"}}), &names(&["m"]), &[]).is_none());
        assert!(model(&json!("text"), &names(&["m"]), &[]).is_none());
    }
}
