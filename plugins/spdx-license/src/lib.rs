//! The `spdx-license` plugin: licences as machines read them.
//!
//! - **LIC-001**: every licence value at the rule's `pointers` (default `/meta/license`) is an SPDX
//!   licence expression (<https://spdx.org/licenses/>, parsed with the `spdx` crate), or one of the
//!   licence ids the Hugging Face Hub documents beside SPDX (which it writes in lower case). A value
//!   that is neither gets the closest SPDX id as a suggestion.
//! - **LIC-002**: a card whose licence is `other` names the licence (`license_name`) and links to
//!   its text (`license_link`), as the Hub asks.
//!
//! - **LIC-003**: a model card does not grant commercial use its training data's licences withhold:
//!   the provenance records of the datasets the card names (`datasets`, matched on their `dataset`)
//!   are read through the host (a declared need), and a dataset whose every licence alternative is
//!   non-commercial (`CC-BY-NC-*`, the FAIR non-commercial research licence) against a model licence
//!   that allows commercial use is a finding. A licence that cannot be classified (`other`,
//!   `proprietary`, a custom text) is left to people: the rule says nothing about it.
//!
//! A licence is what decides whether a model or dataset may be used at all (ISO/IEC 42001 A.7.3,
//! A.10.3): a value no tool can read is a licence nobody checks.

use aimslint_plugin_sdk::{CheckRequest, Hit, Need, Plugin, RuleNeeds, export_plugin};
use serde_json::Value;

/// Licence ids the Hugging Face Hub accepts that are not SPDX ids (its list of licences,
/// https://huggingface.co/docs/hub/repositories-licenses), compared in lower case. The Hub's other
/// ids are SPDX ids written in lower case, which `spdx_id_any_case` accepts.
const HUB_IDS: &[&str] = &[
    "other",
    "bsd",
    "gpl",
    "lgpl",
    "gfdl",
    "odc-by",
    "odbl",
    "pddl",
    "openrail",
    "openrail++",
    "bigscience-openrail-m",
    "creativeml-openrail-m",
    "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m",
    "cc",
    "etalab-2.0",
    "c-uda",
    "apple-ascl",
    "apple-amlr",
    "deepfloyd-if-license",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "gemma",
    "intel-research",
    "lgpl-lr",
    "h-research",
    "fair-noncommercial-research-license",
];

#[derive(Debug, Default)]
pub struct SpdxLicense;

/// An SPDX id, whatever its case (the Hub writes `apache-2.0`).
fn spdx_id_any_case(s: &str) -> Option<&'static str> {
    let s = s.trim_end_matches('+');
    spdx::identifiers::LICENSES
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(s))
        .map(|(name, _, _)| *name)
}

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

fn strings(v: &Value) -> Vec<(Option<usize>, String)> {
    match v {
        Value::String(s) => vec![(None, s.clone())],
        Value::Array(a) => a
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.as_str().map(|s| (Some(i), s.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

/// Licence ids that withhold commercial use, besides the Creative Commons `-NC` family.
const NONCOMMERCIAL: &[&str] = &["fair-noncommercial-research-license"];

/// The alternatives of a licence expression (split at `OR`), each as its licence ids.
fn alternatives(expr: &str) -> Vec<Vec<String>> {
    let cleaned = expr.replace(['(', ')'], " ");
    let mut out = vec![Vec::new()];
    for w in cleaned.split_whitespace() {
        match w.to_ascii_uppercase().as_str() {
            "OR" => out.push(Vec::new()),
            "AND" | "WITH" => {}
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(w.to_string());
                }
            }
        }
    }
    out.retain(|a| !a.is_empty());
    out
}

fn is_noncommercial(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    lower.starts_with("cc-by-nc") || NONCOMMERCIAL.contains(&lower.as_str())
}

/// Whether an alternative is known to allow commercial use: every id in it is an SPDX licence
/// (or a Hub id of a licence that allows it) and none is non-commercial. `None`: it cannot be
/// told (`other`, `proprietary`, free text).
fn allows_commercial(alternative: &[String]) -> Option<bool> {
    let mut known = true;
    for id in alternative {
        if is_noncommercial(id) {
            return Some(false);
        }
        let lower = id.to_ascii_lowercase();
        let hub_commercial = lower.starts_with("llama")
            || lower.contains("openrail")
            || lower == "gemma"
            || lower == "etalab-2.0";
        if spdx_id_any_case(id).is_none() && !hub_commercial {
            known = false;
        }
    }
    known.then_some(true)
}

impl SpdxLicense {
    fn lic003(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        let Some(license) = req.document.pointer("/meta/license") else {
            return Ok(Vec::new());
        };
        // The model allows commercial use when one of its licences (or alternatives) does.
        let model: Vec<String> = strings(license).into_iter().map(|(_, s)| s).collect();
        let allows = model.iter().find(|l| {
            alternatives(l)
                .iter()
                .any(|a| allows_commercial(a) == Some(true))
        });
        let Some(allowing) = allows else {
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
                    let alts = alternatives(&lic);
                    // Non-commercial only when no alternative allows more.
                    if !alts.is_empty()
                        && alts.iter().all(|a| a.iter().any(|id| is_noncommercial(id)))
                    {
                        hits.push(Hit {
                            pointer: "/meta/license".into(),
                            message: format!(
                                "the model's licence `{allowing}` allows commercial use, but dataset `{dataset}` it is trained on is licensed `{}` (`{}`), which does not: the model cannot grant what its data withholds",
                                lic.trim(),
                                data.path
                            ),
                        });
                    }
                }
            }
        }
        Ok(hits)
    }

    fn lic001(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
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
        vec!["LIC-001", "LIC-002", "LIC-003"]
    }

    fn needs(&self, rule: &str) -> RuleNeeds {
        let documents = if rule == "LIC-003" {
            vec![Need::Key {
                pointer: "/meta/datasets/*".into(),
                kind: "data-provenance".into(),
                by: "/dataset".into(),
            }]
        } else {
            Vec::new()
        };
        RuleNeeds::reading(rule, documents)
    }

    fn check(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        match req.rule.as_str() {
            "LIC-001" => self.lic001(req),
            "LIC-002" => self.lic002(req),
            "LIC-003" => self.lic003(req),
            other => Err(format!("no rule {other}")),
        }
    }
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

    #[test]
    fn commercial_use_as_licences_say_it() {
        let allows = |e: &str| {
            alternatives(e)
                .iter()
                .map(|a| allows_commercial(a))
                .collect::<Vec<_>>()
        };
        assert_eq!(allows("apache-2.0"), [Some(true)]);
        assert_eq!(allows("CC-BY-NC-4.0 OR MIT"), [Some(false), Some(true)]);
        assert_eq!(allows("(MIT AND CC-BY-NC-SA-4.0)"), [Some(false)]);
        assert_eq!(allows("other"), [None]);
        assert_eq!(allows("llama3.1"), [Some(true)]);
        assert!(is_noncommercial("cc-by-nc-nd-4.0"));
        assert!(!is_noncommercial("CC-BY-4.0"));
    }
}
