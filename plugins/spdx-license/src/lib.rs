//! The `spdx-license` plugin: licences as machines read them.
//!
//! - **LIC-001**: every licence value at the rule's `pointers` (default `/meta/license`) is an SPDX
//!   licence expression (<https://spdx.org/licenses/>, parsed with the `spdx` crate), or one of the
//!   licence ids the Hugging Face Hub documents beside SPDX (which it writes in lower case). A value
//!   that is neither gets the closest SPDX id as a suggestion.
//! - **LIC-002**: a card whose licence is `other` names the licence (`license_name`) and links to
//!   its text (`license_link`), as the Hub asks.
//! - **LIC-003**: a model card does not grant commercial use its training data's licences withhold:
//!   the provenance records of the datasets the card names (`datasets`, matched on their `dataset`)
//!   are read through the host (a declared need), and a dataset whose every licence alternative is
//!   non-commercial (`CC-BY-NC-*`, the FAIR non-commercial research licence) against a model licence
//!   that allows commercial use is a finding. A licence that cannot be classified (`other`,
//!   `proprietary`, a custom text) is left to people: the rule says nothing about it.
//! - **LIC-004**: the card's `license` and the licence file that applies to it (the file its
//!   `license_link` names in the repository, else `LICENSE`, `LICENSE.md`, `LICENSE.txt`,
//!   `LICENCE`, `LICENCE.md` or `COPYING` in the card's folder) name one licence. The file's
//!   licence is identified from its text ([`text`]); a text that cannot be identified is no
//!   finding.
//! - **LIC-005**: the card's `license` and the licence a CycloneDX or SPDX BOM records for the
//!   model (the component or package named as the card names the model; [`bom`]) name one licence,
//!   and no dataset the BOM lists for the model withholds commercial use the model's licence
//!   grants (LIC-003's judgement, on the BOM's datasets).
//!
//! Licences are compared as SPDX ids (the Hub's lower case read as SPDX's, `GPL-3.0-only` and
//! `GPL-3.0-or-later` as the one text `GPL-3.0`) or Hub ids, a Hub family id (`bsd`, `cc`,
//! `openrail`) agreeing with each of its members ([`licence`]).
//!
//! A licence is what decides whether a model or dataset may be used at all (ISO/IEC 42001 A.7.3,
//! A.10.3): a value no tool can read is a licence nobody checks, and two statements of one licence
//! that differ leave the user to guess which binds.

mod bom;
mod licence;
mod text;

use aimslint_plugin_sdk::{CheckRequest, Hit, Need, Plugin, Related, RuleNeeds, export_plugin};
use serde_json::Value;

use crate::licence::{
    Declared, HUB_IDS, commercial_conflict, commercial_licence, key, spdx_id_any_case, strings,
};

/// The licence files a card's folder may hold, in the order one applies when there are several
/// (the names GitHub and the Hub look for, and the British spelling).
const LICENCE_FILES: &[&str] = &[
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
    "LICENCE",
    "LICENCE.md",
    "COPYING",
];

/// Where a card names its licence file.
const LICENSE_LINK: &str = "/meta/license_link";

/// The names BOMs conventionally have at a repository's root: CycloneDX's `bom.json` and
/// `*.cdx.json` (<https://cyclonedx.org/specification/overview/>), SPDX's `*.spdx.json`
/// (<https://spdx.github.io/spdx-spec/v2.3/conformance/>).
const BOM_FILES: &[&str] = &[
    "bom.json",
    "bom.cdx.json",
    "sbom.json",
    "sbom.cdx.json",
    "bom.spdx.json",
    "sbom.spdx.json",
];

/// Where cards and BOM views name the model: a BOM anywhere in the repository whose model has the
/// name the card gives is found by it.
const MODEL_NAMES: &[&str] = &["/meta/model-index/*/name", "/meta/model_name"];

#[derive(Debug, Default)]
pub struct SpdxLicense;

/// Whether a licence value can be read, and if not, what to write instead.
fn judge(value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("is empty".into());
    }
    let lower = v.to_ascii_lowercase();
    if lower == "unknown" || lower == "none" || lower == "n/a" {
        return Err(format!(
            "`{v}` names no licence: name it (an SPDX id such as `CC-BY-4.0`), or `other` with `license_name` and `license_link`"
        ));
    }
    if HUB_IDS.contains(&lower.as_str()) || spdx_id_any_case(v).is_some() {
        return Ok(());
    }
    if spdx::Expression::parse(v).is_ok() {
        return Ok(());
    }
    // The form early Hub dataset cards used, `other-<name>`: the Hub now reads `other` with the
    // licence's name beside it.
    if let Some(name) = v.strip_prefix("other-").filter(|n| !n.trim().is_empty()) {
        return Err(format!(
            "`{v}` is the old `other-<name>` form, which the Hub and licence tools do not read: write `license: other` with `license_name: {name}` and a `license_link` to its text"
        ));
    }
    // An expression in the Hub's lower case (`apache-2.0 or mit`): its operators and ids in the
    // case SPDX writes them.
    let canonical: Vec<String> = v
        .split_whitespace()
        .map(|w| match w.to_ascii_lowercase().as_str() {
            "or" | "and" | "with" => w.to_ascii_uppercase(),
            _ => spdx_id_any_case(w).map_or_else(|| w.to_string(), str::to_string),
        })
        .collect();
    if spdx::Expression::parse(&canonical.join(" ")).is_ok() {
        return Ok(());
    }
    let hint = spdx::imprecise_license_id(v)
        .map(|(id, _)| format!("; did you mean `{}`?", id.name))
        .unwrap_or_default();
    Err(format!(
        "`{v}` is neither an SPDX licence expression nor a licence id of the Hugging Face Hub{hint}"
    ))
}

impl SpdxLicense {
    fn lic003(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        let Some(allowing) = commercial_licence(&req.document) else {
            return Ok(Vec::new());
        };
        let mut hits = Vec::new();
        for data in &req.related {
            let Some(dataset) = data.document.get("dataset").and_then(Value::as_str) else {
                continue;
            };
            for pointer in ["/license", "/source/license"] {
                let Some(v) = data.document.pointer(pointer) else {
                    continue;
                };
                for (_, lic) in strings(v) {
                    let source = format!("`{}`", data.path);
                    hits.extend(commercial_conflict(&allowing, dataset, &lic, &source));
                }
            }
        }
        Ok(hits)
    }

    fn lic004(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        // A card whose licence the matcher cannot recognise may well have it in its file.
        let Some(declared) =
            Declared::of(&req.document).filter(|d| d.names_only(text::recognisable))
        else {
            return Ok(Vec::new());
        };
        // The file the card links to, else the first licence file of its own folder. A root
        // licence does not reach a card in a subfolder: in a repository of many cards it is the
        // code's licence, and each model has its own (a card that shares it links to it).
        let folder = req.path.rsplit_once('/').map(|(d, _)| d);
        // A bare name (`license_link: LICENSE`, as the Hub writes it for a repository of one
        // model) is the card's own folder: the host looks it up from the root, so for a card in
        // a folder the file of that name beside it is the one linked.
        let bare = req
            .document
            .pointer(LICENSE_LINK)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.contains('/') && !l.contains(':'));
        let linked = match (bare, folder) {
            (Some(name), Some(dir)) => {
                let own = format!("{dir}/{name}");
                req.related.iter().find(|r| r.found && r.path == own)
            }
            _ => req
                .related
                .iter()
                .find(|r| r.found && r.named_at.as_deref() == Some(LICENSE_LINK)),
        };
        let beside = LICENCE_FILES.iter().find_map(|name| {
            let path = folder.map_or_else(|| (*name).to_string(), |d| format!("{d}/{name}"));
            req.related.iter().find(|r| r.found && r.path == path)
        });
        let Some(file) = linked.or(beside) else {
            return Ok(Vec::new());
        };
        // A file the host could not hand over as text is not judged: its licence is unknown.
        let Some(text) = text_of(file) else {
            return Ok(Vec::new());
        };
        let found: Vec<text::Found> = text::identify(text)
            .into_iter()
            .filter(|f| key(&f.id).is_some())
            .collect();
        let keys: Vec<String> = found.iter().filter_map(|f| key(&f.id)).collect();
        if !declared.contradicted_by(&keys) {
            return Ok(Vec::new());
        }
        let ids = quoted(found.iter().map(|f| f.id.as_str()));
        let holds = if found.iter().all(|f| f.source == text::Source::Identifier) {
            format!("declares {ids} (`SPDX-License-Identifier`)")
        } else {
            format!("is the text of {ids}")
        };
        let which = if linked.is_some() {
            format!("`{}` (its `license_link`)", file.path)
        } else {
            format!("`{}` beside it", file.path)
        };
        Ok(vec![Hit {
            pointer: "/meta/license".into(),
            message: contradiction(
                &declared,
                &format!("the licence file that applies to it, {which}, {holds}"),
                "the card and its licence file must name one licence",
            ),
        }])
    }

    fn lic005(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        // A BOM read as a card is the other side of this comparison, not a card to compare.
        if bom::is_view(&req.document) {
            return Ok(Vec::new());
        }
        let names = model_names(&req.document);
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let datasets: Vec<String> = req
            .document
            .pointer("/meta/datasets")
            .map(strings)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        let declared = Declared::of(&req.document);
        let allowing = commercial_licence(&req.document);
        let mut hits = Vec::new();
        for file in req.related.iter().filter(|r| r.found && r.error.is_none()) {
            let Some(model) = bom::model(&file.document, &names, &datasets) else {
                continue;
            };
            let keys: Vec<String> = model.licences.iter().flat_map(bom::Stated::keys).collect();
            if let Some(declared) = &declared
                && declared.contradicted_by(&keys)
            {
                let stated: Vec<&bom::Stated> = model
                    .licences
                    .iter()
                    .filter(|l| !l.keys().is_empty())
                    .collect();
                let mut records = format!(
                    "the BOM `{}` records model `{}` under {}",
                    file.path,
                    model.name,
                    quoted(stated.iter().map(|l| l.value.as_str()))
                );
                if let Some(at) = stated.first().and_then(|l| l.at.as_deref()) {
                    records.push_str(&format!(" (`{at}`)"));
                }
                hits.push(Hit {
                    pointer: "/meta/license".into(),
                    message: contradiction(
                        declared,
                        &records,
                        "the card and the BOM must name one licence",
                    ),
                });
            }
            let Some(allowing) = &allowing else {
                continue;
            };
            for d in &model.datasets {
                for l in &d.licences {
                    let source = match &l.at {
                        Some(at) => format!("the BOM `{}`, `{at}`", file.path),
                        None => format!("the BOM `{}`", file.path),
                    };
                    hits.extend(commercial_conflict(allowing, &d.name, &l.value, &source));
                }
            }
        }
        Ok(hits)
    }

    fn lic001(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        // A BOM read as a card names licences its own way: CycloneDX's `license.name` is free text
        // by its specification, and an `id` or expression is checked by the BOM's schema.
        if bom::is_view(&req.document) {
            return Ok(Vec::new());
        }
        let pointers: Vec<String> = match &req.params["pointers"] {
            Value::Null => vec!["/meta/license".into()],
            Value::Array(a) => a
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| "`pointers` must be a list of JSON Pointers".to_string())
                })
                .collect::<Result<_, _>>()?,
            _ => return Err("`pointers` must be a list of JSON Pointers".into()),
        };
        let mut hits = Vec::new();
        for p in &pointers {
            let Some(v) = req.document.pointer(p) else {
                continue;
            };
            for (i, s) in strings(v) {
                // Data acquired under a contract: a provenance record says so with `proprietary`
                // (a card says `other` and names the licence, as the Hub asks).
                if req.kind == "data-provenance" && s.trim().eq_ignore_ascii_case("proprietary") {
                    continue;
                }
                if let Err(why) = judge(&s) {
                    let pointer = match i {
                        Some(i) => format!("{p}/{i}"),
                        None => p.clone(),
                    };
                    let key = p.rsplit('/').next().unwrap_or(p);
                    hits.push(Hit {
                        pointer,
                        message: format!("`{key}`: {why}"),
                    });
                }
            }
        }
        Ok(hits)
    }

    fn lic002(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        let Some(license) = req.document.pointer("/meta/license") else {
            return Ok(Vec::new());
        };
        let other = strings(license)
            .iter()
            .any(|(_, s)| s.trim().eq_ignore_ascii_case("other"));
        if !other {
            return Ok(Vec::new());
        }
        let mut hits = Vec::new();
        for (key, what) in [
            ("license_name", "names the licence"),
            ("license_link", "links to the licence text"),
        ] {
            let given = req
                .document
                .pointer(&format!("/meta/{key}"))
                .and_then(Value::as_str)
                .is_some_and(|s| !s.trim().is_empty());
            if !given {
                hits.push(Hit {
                    pointer: "/meta/license".into(),
                    message: format!("`license` is `other`, but no `{key}` {what}"),
                });
            }
        }
        Ok(hits)
    }
}

impl Plugin for SpdxLicense {
    fn name(&self) -> &'static str {
        "spdx-license"
    }

    fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    fn rules(&self) -> Vec<&'static str> {
        vec!["LIC-001", "LIC-002", "LIC-003", "LIC-004", "LIC-005"]
    }

    fn needs(&self, rule: &str) -> RuleNeeds {
        let at_root = |names: &[&str]| -> Vec<Need> {
            names
                .iter()
                .map(|p| Need::Path {
                    path: (*p).to_string(),
                })
                .collect()
        };
        let documents = match rule {
            "LIC-003" => vec![Need::Key {
                pointer: "/meta/datasets/*".into(),
                kind: "data-provenance".into(),
                by: "/dataset".into(),
            }],
            // The link first (a file it names is then passed as named by it), then the card's
            // folder (`./`).
            "LIC-004" => std::iter::once(Need::Pointer {
                pointer: LICENSE_LINK.into(),
            })
            .chain(LICENCE_FILES.iter().map(|p| Need::Path {
                path: format!("./{p}"),
            }))
            .collect(),
            "LIC-005" => at_root(BOM_FILES)
                .into_iter()
                .chain(MODEL_NAMES.iter().map(|p| Need::Key {
                    pointer: (*p).to_string(),
                    kind: "model-card".into(),
                    by: "/meta/model_name".into(),
                }))
                .collect(),
            _ => Vec::new(),
        };
        RuleNeeds::reading(rule, documents)
    }

    fn check(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        match req.rule.as_str() {
            "LIC-001" => self.lic001(req),
            "LIC-002" => self.lic002(req),
            "LIC-003" => self.lic003(req),
            "LIC-004" => self.lic004(req),
            "LIC-005" => self.lic005(req),
            other => Err(format!("no rule {other}")),
        }
    }
}

/// A related file's text: a Markdown file's body, or a file passed as a string.
fn text_of(file: &Related) -> Option<&str> {
    if file.error.is_some() {
        return None;
    }
    match &*file.document {
        Value::String(s) => Some(s),
        d => d.get("body").and_then(Value::as_str),
    }
}

/// `` `a`, `b` ``
fn quoted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message of LIC-004 and LIC-005: the card's licence, what the other statement of it says,
/// and what to do.
fn contradiction(declared: &Declared, other: &str, fix: &str) -> String {
    if declared.is_other() {
        format!(
            "`license` is {}, a licence the Hugging Face Hub does not list, but {other}, which it lists: {fix}",
            declared.shown()
        )
    } else {
        format!("`license` is {}, but {other}: {fix}", declared.shown())
    }
}

/// The names a card gives its model: `model_name`, the `model-index` names, and its title when it
/// is "Model Card for <name>" or "<name> Model Card".
fn model_names(card: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(n) = card.pointer("/meta/model_name").and_then(Value::as_str) {
        out.push(n.to_string());
    }
    if let Some(Value::Array(models)) = card.pointer("/meta/model-index") {
        out.extend(
            models
                .iter()
                .filter_map(|m| m.get("name").and_then(Value::as_str))
                .map(str::to_string),
        );
    }
    let title = card
        .get("body")
        .and_then(Value::as_str)
        .and_then(|b| b.lines().find_map(|l| l.strip_prefix("# ")))
        .map(str::trim);
    if let Some(t) = title {
        let lower = t.to_lowercase();
        let name = if lower.starts_with("model card for ") {
            Some(&t["model card for ".len()..])
        } else if lower.ends_with(" model card") {
            Some(&t[..t.len() - " model card".len()])
        } else {
            None
        };
        out.extend(name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()));
    }
    out.retain(|n| !n.trim().is_empty());
    out
}

export_plugin!(SpdxLicense);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_as_written_in_the_wild() {
        for ok in [
            "MIT",
            "apache-2.0",
            "cc-by-nc-sa-4.0",
            "Apache-2.0 OR MIT",
            "apache-2.0 or mit",
            "GPL-3.0-or-later",
            "llama3.1",
            "openrail++",
            "other",
        ] {
            assert_eq!(judge(ok), Ok(()), "{ok}");
        }
        let bad = judge("CC BY 4.0").unwrap_err();
        assert!(bad.contains("neither an SPDX"), "{bad}");
        assert!(
            judge("Apache License 2.0")
                .unwrap_err()
                .contains("did you mean `Apache-2.0`")
        );
        assert!(judge("unknown").unwrap_err().contains("names no licence"));
        // Hub ids that are no SPDX ids, as dataset cards write them.
        for ok in [
            "gfdl", "odc-by", "odbl", "bsd", "gpl", "lgpl", "pddl", "c-uda",
        ] {
            assert_eq!(judge(ok), Ok(()), "{ok}");
        }
        assert!(
            judge("other-C-UDA")
                .unwrap_err()
                .contains("write `license: other` with `license_name: C-UDA`")
        );
        assert!(judge("").is_err());
    }

    use serde_json::json;
    use std::sync::Arc;

    const APACHE_NOTICE: &str = "Licensed under the Apache License, Version 2.0 (the \"License\");\nyou may not use this file except in compliance with the License.\n";

    fn card(meta: Value) -> Value {
        json!({"meta": meta, "sections": {}, "body": "\n# Model Card for m\n"})
    }

    fn file(path: &str, named_at: Option<&str>, document: Value) -> Related {
        Related {
            path: path.into(),
            named_at: named_at.map(str::to_string),
            found: true,
            document: Arc::new(document),
            key: None,
            kind: None,
            error: None,
        }
    }

    /// A CycloneDX BOM's free-text `license.name` is no SPDX id by the BOM's own specification:
    /// LIC-001 judges cards, not BOMs read as cards.
    #[test]
    fn a_boms_free_text_licence_name_is_no_finding() {
        let mut view = card(json!({"license": "Apache License 2.0"}));
        assert_eq!(check("LIC-001", view.clone(), Vec::new()).len(), 1);
        view["adapter"] = json!("cyclonedx");
        assert_eq!(check("LIC-001", view, Vec::new()), Vec::<String>::new());
    }

    /// A Markdown file as the host passes it.
    fn markdown(text: &str) -> Value {
        json!({"sections": {}, "labels": {}, "body": text})
    }

    fn check(rule: &str, document: Value, related: Vec<Related>) -> Vec<String> {
        let req = CheckRequest {
            rule: rule.into(),
            params: Value::Null,
            document: Arc::new(document),
            document_key: None,
            path: "models/m/README.md".into(),
            kind: "model-card".into(),
            as_of: "2026-11-01".into(),
            related,
            forget: Vec::new(),
        };
        SpdxLicense
            .check(&req)
            .unwrap()
            .into_iter()
            .map(|h| format!("{} {}", h.pointer, h.message))
            .collect()
    }

    #[test]
    fn lic004_compares_the_card_with_its_licence_file() {
        let apache = card(json!({"license": "apache-2.0"}));
        let mit_file = || {
            file(
                "models/m/LICENSE.md",
                None,
                markdown("SPDX-License-Identifier: MIT\n"),
            )
        };
        assert_eq!(
            check("LIC-004", apache.clone(), vec![mit_file()]),
            [
                "/meta/license `license` is `apache-2.0`, but the licence file that applies to it, `models/m/LICENSE.md` beside it, declares `MIT` (`SPDX-License-Identifier`): the card and its licence file must name one licence"
            ]
        );
        let mit = card(json!({"license": "mit"}));
        assert!(check("LIC-004", mit, vec![mit_file()]).is_empty());
        // The file the card links to applies before the one beside it.
        let linked = card(json!({"license": "apache-2.0", "license_link": "./LICENSE.md"}));
        let own = file(
            "models/m/LICENSE.md",
            Some(LICENSE_LINK),
            markdown(APACHE_NOTICE),
        );
        assert!(check("LIC-004", linked.clone(), vec![own, mit_file()]).is_empty());
        let own = file(
            "models/m/LICENSE.md",
            Some(LICENSE_LINK),
            markdown("SPDX-License-Identifier: CC-BY-NC-4.0"),
        );
        assert_eq!(
            check("LIC-004", linked, vec![own, mit_file()]),
            [
                "/meta/license `license` is `apache-2.0`, but the licence file that applies to it, `models/m/LICENSE.md` (its `license_link`), declares `CC-BY-NC-4.0` (`SPDX-License-Identifier`): the card and its licence file must name one licence"
            ]
        );
        // The folder's first licence file applies; one the host could not pass as text is unknown.
        let mut plain = file("models/m/LICENSE", None, Value::Null);
        plain.error = Some("not valid UTF-8".into());
        assert!(check("LIC-004", apache.clone(), vec![plain, mit_file()]).is_empty());
        // Missing, unidentifiable, empty: no finding.
        let mut missing = mit_file();
        missing.found = false;
        assert!(check("LIC-004", apache.clone(), vec![missing]).is_empty());
        for text in ["Acme Model Licence\n\nUse inside Acme only.", "", "   \n"] {
            let f = file("models/m/LICENSE.md", None, markdown(text));
            assert!(
                check("LIC-004", apache.clone(), vec![f]).is_empty(),
                "{text:?}"
            );
        }
        // A file passed as text (a string) is read as well.
        let f = file(
            "models/m/LICENSE.txt",
            None,
            Value::String(APACHE_NOTICE.into()),
        );
        assert_eq!(
            check("LIC-004", card(json!({"license": "mit"})), vec![f]).len(),
            1
        );
        // `other`: contradicted by a licence the Hub lists.
        let other = card(json!({"license": "other", "license_name": "acme-licence"}));
        let f = file("models/m/LICENSE.md", None, markdown(APACHE_NOTICE));
        assert_eq!(
            check("LIC-004", other, vec![f.clone()]),
            [
                "/meta/license `license` is `other` (`license_name: acme-licence`), a licence the Hugging Face Hub does not list, but the licence file that applies to it, `models/m/LICENSE.md` beside it, is the text of `Apache-2.0`, which it lists: the card and its licence file must name one licence"
            ]
        );
        // A licence the matcher cannot recognise may be the file's: not compared.
        let sleepycat = card(json!({"license": "Sleepycat"}));
        assert!(check("LIC-004", sleepycat, vec![f]).is_empty());
        // No licence on the card: nothing to compare (MC-007 asks for one).
        assert!(check("LIC-004", card(json!({})), vec![mit_file()]).is_empty());
    }

    /// `license_link: LICENSE` in a card in a folder is the file beside it, not the root's.
    #[test]
    fn lic004_reads_a_bare_link_beside_the_card() {
        let linked = card(json!({"license": "apache-2.0", "license_link": "LICENSE"}));
        let root_mit = file(
            "LICENSE",
            Some(LICENSE_LINK),
            Value::String("SPDX-License-Identifier: MIT\n".into()),
        );
        let own_apache = file(
            "models/m/LICENSE",
            None,
            Value::String(APACHE_NOTICE.into()),
        );
        assert!(
            check(
                "LIC-004",
                linked.clone(),
                vec![root_mit.clone(), own_apache]
            )
            .is_empty()
        );
        let own_mit = file(
            "models/m/LICENSE",
            None,
            Value::String("SPDX-License-Identifier: MIT\n".into()),
        );
        assert_eq!(
            check("LIC-004", linked.clone(), vec![root_mit.clone(), own_mit]),
            [
                "/meta/license `license` is `apache-2.0`, but the licence file that applies to it, `models/m/LICENSE` (its `license_link`), declares `MIT` (`SPDX-License-Identifier`): the card and its licence file must name one licence"
            ]
        );
        // Nothing beside it: the root's file is the repository's, not the model's.
        assert!(check("LIC-004", linked, vec![root_mit]).is_empty());
    }

    /// A root licence is the repository's: it does not reach a card in a subfolder.
    #[test]
    fn lic004_leaves_a_root_licence_to_the_root_card() {
        let root_mit = || {
            file(
                "LICENSE",
                None,
                Value::String("SPDX-License-Identifier: MIT\n".into()),
            )
        };
        let apache = card(json!({"license": "apache-2.0"}));
        assert!(check("LIC-004", apache, vec![root_mit()]).is_empty());
    }

    #[test]
    fn lic005_compares_the_card_with_the_bom() {
        let spdx = json!({
            "spdxVersion": "SPDX-2.3",
            "packages": [
                {"SPDXID": "SPDXRef-m", "name": "m", "licenseDeclared": "MIT"},
                {"SPDXID": "SPDXRef-d", "name": "reviews", "licenseDeclared": "CC-BY-NC-4.0"}
            ]
        });
        let apache = card(json!({"license": "apache-2.0", "datasets": ["reviews"]}));
        assert_eq!(
            check(
                "LIC-005",
                apache,
                vec![file("sbom.spdx.json", None, spdx.clone())]
            ),
            [
                "/meta/license `license` is `apache-2.0`, but the BOM `sbom.spdx.json` records model `m` under `MIT` (`/packages/0/licenseDeclared`): the card and the BOM must name one licence",
                "/meta/license the model's licence `apache-2.0` allows commercial use, but dataset `reviews` it is trained on is licensed `CC-BY-NC-4.0` (the BOM `sbom.spdx.json`, `/packages/1/licenseDeclared`), which does not: the model cannot grant what its data withholds"
            ]
        );
        let mit = card(json!({"license": "mit"}));
        assert_eq!(
            check(
                "LIC-005",
                mit,
                vec![file("sbom.spdx.json", None, spdx.clone())]
            )
            .len(),
            0,
            "the model's licence agrees, and `reviews` is no dataset of the card's"
        );
        // A BOM of another model says nothing about this one; a card with no name is matched
        // to no BOM.
        let other_model = card(json!({"license": "apache-2.0", "model-index": [{"name": "n"}]}));
        let mut named = other_model.clone();
        named["body"] = json!("# Model Card for n\n");
        assert!(check("LIC-005", named, vec![file("bom.json", None, spdx.clone())]).is_empty());
        let nameless = json!({"meta": {"license": "apache-2.0"}, "body": ""});
        assert!(check("LIC-005", nameless, vec![file("bom.json", None, spdx)]).is_empty());
        // A CycloneDX ML-BOM as the host passes it (its view): the model's licence only.
        let view =
            json!({"adapter": "cyclonedx", "meta": {"model_name": "m", "license": "CC-BY-NC-4.0"}});
        assert_eq!(
            check(
                "LIC-005",
                card(json!({"license": "cc-by-4.0"})),
                vec![file(
                    "models/m/bom.cdx.json",
                    Some("/meta/model-index/0/name"),
                    view.clone()
                )]
            ),
            [
                "/meta/license `license` is `cc-by-4.0`, but the BOM `models/m/bom.cdx.json` records model `m` under `CC-BY-NC-4.0`: the card and the BOM must name one licence"
            ]
        );
        // The BOM judged as a card is not compared with itself or other BOMs.
        assert!(check("LIC-005", view.clone(), vec![file("bom.json", None, view)]).is_empty());
    }
}
