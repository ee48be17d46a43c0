//! Licence ids and expressions as cards, licence files and BOMs write them: which are SPDX ids
//! (<https://spdx.org/licenses/>) or licence ids of the Hugging Face Hub
//! (<https://huggingface.co/docs/hub/repositories-licenses>), which withhold commercial use, and
//! when two statements of one model's licence contradict each other.

use serde_json::Value;

/// Licence ids the Hugging Face Hub accepts that are not SPDX ids (its list of licences,
/// https://huggingface.co/docs/hub/repositories-licenses), compared in lower case. The Hub's other
/// ids are SPDX ids written in lower case, which `spdx_id_any_case` accepts.
pub(crate) const HUB_IDS: &[&str] = &[
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

/// The SPDX licences the Hub's licence list offers (same page as `HUB_IDS`), as comparison keys
/// (lower case, GNU licences without `-only`/`-or-later`). A card whose licence is `other` says
/// its licence is none of these, nor of `HUB_IDS`.
const HUB_LISTED_SPDX: &[&str] = &[
    "apache-2.0",
    "mit",
    "afl-3.0",
    "artistic-2.0",
    "bsl-1.0",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "cc0-1.0",
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    "cc-by-nc-2.0",
    "cc-by-nc-3.0",
    "cc-by-nc-4.0",
    "cc-by-nd-4.0",
    "cc-by-nc-nd-3.0",
    "cc-by-nc-nd-4.0",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0",
    "cdla-sharing-1.0",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "wtfpl",
    "ecl-2.0",
    "epl-1.0",
    "epl-2.0",
    "eupl-1.1",
    "eupl-1.2",
    "agpl-3.0",
    "gpl-2.0",
    "gpl-3.0",
    "lgpl-2.1",
    "lgpl-3.0",
    "isc",
    "lppl-1.3c",
    "ms-pl",
    "mpl-2.0",
    "osl-3.0",
    "postgresql",
    "ofl-1.1",
    "ncsa",
    "unlicense",
    "zlib",
];

/// Licence ids that withhold commercial use, besides the Creative Commons `-NC` family.
const NONCOMMERCIAL: &[&str] = &["fair-noncommercial-research-license"];

/// An SPDX id, whatever its case (the Hub writes `apache-2.0`).
pub(crate) fn spdx_id_any_case(s: &str) -> Option<&'static str> {
    let s = s.trim_end_matches('+');
    spdx::identifiers::LICENSES
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(s))
        .map(|(name, _, _)| *name)
}

/// A licence value as a string or a list of strings, with the index of each in the list.
pub(crate) fn strings(v: &Value) -> Vec<(Option<usize>, String)> {
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

/// The alternatives of a licence expression (split at `OR`), each as its licence ids.
pub(crate) fn alternatives(expr: &str) -> Vec<Vec<String>> {
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

pub(crate) fn is_noncommercial(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    lower.starts_with("cc-by-nc") || NONCOMMERCIAL.contains(&lower.as_str())
}

/// Whether an alternative is known to allow commercial use: every id in it is an SPDX licence
/// (or a Hub id of a licence that allows it) and none is non-commercial. `None`: it cannot be
/// told (`other`, `proprietary`, free text).
pub(crate) fn allows_commercial(alternative: &[String]) -> Option<bool> {
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

/// The licence of a card's `license` that allows commercial use (one alternative of one value is
/// enough), if one does.
pub(crate) fn commercial_licence(card: &Value) -> Option<String> {
    let license = card.pointer("/meta/license")?;
    strings(license).into_iter().map(|(_, s)| s).find(|l| {
        alternatives(l)
            .iter()
            .any(|a| allows_commercial(a) == Some(true))
    })
}

/// Whether a licence withholds commercial use in every alternative it offers.
pub(crate) fn withholds_commercial(licence: &str) -> bool {
    let alts = alternatives(licence);
    !alts.is_empty() && alts.iter().all(|a| a.iter().any(|id| is_noncommercial(id)))
}

/// The finding of LIC-003 and LIC-005: a model licensed `allowing` (which allows commercial use)
/// trained on `dataset`, whose licence `licence` (stated where `source` says) withholds it.
pub(crate) fn commercial_conflict(
    allowing: &str,
    dataset: &str,
    licence: &str,
    source: &str,
) -> Option<aimslint_plugin_sdk::Hit> {
    withholds_commercial(licence).then(|| aimslint_plugin_sdk::Hit {
        pointer: "/meta/license".into(),
        message: format!(
            "the model's licence `{allowing}` allows commercial use, but dataset `{dataset}` it is trained on is licensed `{}` ({source}), which does not: the model cannot grant what its data withholds",
            licence.trim()
        ),
    })
}

/// The key two licence ids are compared by: an SPDX id in lower case (`apache-2.0`), a GNU licence
/// without `-only` or `-or-later` (a licence text is the same for both: the notice says which), or
/// a Hub id. `None` for what names no licence one can compare: `other`, a `LicenseRef-` of the
/// author's own, free text, `NOASSERTION`.
pub(crate) fn key(id: &str) -> Option<String> {
    let id = id.trim();
    let lower = id.to_ascii_lowercase();
    if matches!(lower.as_str(), "other" | "noassertion" | "none")
        || lower.starts_with("licenseref-")
        || lower.starts_with("documentref-")
    {
        return None;
    }
    if HUB_IDS.contains(&lower.as_str()) {
        return Some(lower);
    }
    let spdx = spdx_id_any_case(id)?.to_ascii_lowercase();
    let gnu = ["gpl-", "lgpl-", "agpl-", "gfdl-"]
        .iter()
        .any(|p| spdx.starts_with(p));
    if gnu {
        for suffix in ["-or-later", "-only"] {
            if let Some(base) = spdx.strip_suffix(suffix) {
                return Some(base.to_string());
            }
        }
    }
    Some(spdx)
}

/// The comparison keys of a licence expression's ids (`Apache-2.0 OR MIT`: both).
pub(crate) fn expression_keys(expr: &str) -> Vec<String> {
    alternatives(expr)
        .iter()
        .flatten()
        .filter_map(|id| key(id))
        .collect()
}

/// The comparison keys of a licence value as cards and BOMs write it: an id or an expression (one
/// word, or words joined by `OR`, `AND`, `WITH`), or else a licence's name, which names an id only
/// when it is one (`MIT License` is a name, not `MIT`).
pub(crate) fn value_keys(value: &str) -> Vec<String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let operator = words
        .iter()
        .any(|w| matches!(w.to_ascii_uppercase().as_str(), "OR" | "AND" | "WITH"));
    if operator || words.len() == 1 {
        expression_keys(value)
    } else {
        key(value).into_iter().collect()
    }
}

/// Whether two keys name the same licence, or one is a Hub family id (`bsd`, `gpl`, `cc`,
/// `openrail`, …) of the other.
pub(crate) fn agrees(a: &str, b: &str) -> bool {
    a == b || family(a, b) || family(b, a)
}

fn family(generic: &str, specific: &str) -> bool {
    match generic {
        "bsd" => specific.starts_with("bsd-") || specific == "0bsd",
        "gpl" => specific.starts_with("gpl-"),
        "lgpl" => specific.starts_with("lgpl-"),
        "gfdl" => specific.starts_with("gfdl-"),
        "cc" => specific.starts_with("cc-by") || specific == "cc0-1.0",
        "openrail" => specific.contains("openrail") || specific.contains("-rail-"),
        _ => false,
    }
}

/// Whether the Hub lists a licence (so that a card would name it, not write `other`).
pub(crate) fn hub_listed(key: &str) -> bool {
    HUB_IDS.contains(&key) || HUB_LISTED_SPDX.contains(&key)
}

/// What a card declares as its licence, for comparison with another statement of it.
#[derive(Debug)]
pub(crate) struct Declared {
    /// The keys of the licences it names (`license`, every alternative of every value).
    keys: Vec<String>,
    /// `license` is (or holds) `other`: a licence the Hub does not list.
    other: bool,
    /// The key of `license_name`, when it is an id.
    name: Option<String>,
    /// `license` as written, and `license_name` beside an `other`, for messages.
    written: String,
    license_name: Option<String>,
}

impl Declared {
    /// The card's declared licence, if its `license` names one that can be compared.
    pub(crate) fn of(card: &Value) -> Option<Declared> {
        let values: Vec<String> = strings(card.pointer("/meta/license")?)
            .into_iter()
            .map(|(_, s)| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let other = values.iter().any(|v| v.eq_ignore_ascii_case("other"));
        let keys: Vec<String> = values.iter().flat_map(|v| value_keys(v)).collect();
        if keys.is_empty() && !other {
            return None;
        }
        let license_name = card
            .pointer("/meta/license_name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty());
        Some(Declared {
            keys,
            other,
            name: license_name.and_then(key),
            written: values.join(", "),
            license_name: license_name.map(str::to_string),
        })
    }

    /// The card's licence as a message shows it: `` `apache-2.0` ``, or
    /// `` `other` (`license_name: acme`) ``.
    pub(crate) fn shown(&self) -> String {
        match &self.license_name {
            Some(n) if self.other => format!("`{}` (`license_name: {n}`)", self.written),
            _ => format!("`{}`", self.written),
        }
    }

    /// Whether another statement of the licence, which names the licences `found` (keys), says
    /// something the card does not: none of them is one the card names (or of its family, or its
    /// `license_name`), and none can be the unlisted licence an `other` card has. An empty `found`
    /// (nothing identified) contradicts nothing.
    pub(crate) fn contradicted_by(&self, found: &[String]) -> bool {
        let explained = |f: &String| {
            self.keys.iter().any(|c| agrees(c, f))
                || self.name.as_deref().is_some_and(|n| agrees(n, f))
                || (self.other && !hub_listed(f))
        };
        !found.is_empty() && !found.iter().any(explained)
    }

    /// Whether every licence the card names (and its `license_name`, when that is an id) is one
    /// `known` accepts.
    pub(crate) fn names_only(&self, known: impl Fn(&str) -> bool) -> bool {
        self.keys.iter().all(|k| known(k)) && self.name.as_deref().is_none_or(&known)
    }

    /// Whether the card's licence is (only) `other`.
    pub(crate) fn is_other(&self) -> bool {
        self.other && self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card(meta: Value) -> Declared {
        Declared::of(&json!({ "meta": meta })).unwrap()
    }

    fn keys(ids: &[&str]) -> Vec<String> {
        ids.iter().filter_map(|i| key(i)).collect()
    }

    #[test]
    fn keys_compare_spdx_and_hub_ids() {
        assert_eq!(key("apache-2.0").as_deref(), Some("apache-2.0"));
        assert_eq!(key("Apache-2.0").as_deref(), Some("apache-2.0"));
        assert_eq!(key("GPL-3.0-or-later").as_deref(), Some("gpl-3.0"));
        assert_eq!(key("GPL-3.0-only").as_deref(), Some("gpl-3.0"));
        assert_eq!(key("gpl-3.0").as_deref(), Some("gpl-3.0"));
        assert_eq!(key("LGPL-2.1+").as_deref(), Some("lgpl-2.1"));
        assert_eq!(key("llama3.1").as_deref(), Some("llama3.1"));
        assert_eq!(
            key("CreativeML-OpenRAIL-M"),
            Some("creativeml-openrail-m".into())
        );
        for none in [
            "other",
            "LicenseRef-acme",
            "NOASSERTION",
            "Apache License 2.0",
            "",
        ] {
            assert_eq!(key(none), None, "{none}");
        }
        assert!(agrees("bsd", "bsd-3-clause"));
        assert!(agrees("openrail", "creativeml-openrail-m"));
        assert!(agrees("bigscience-bloom-rail-1.0", "openrail"));
        assert!(agrees("cc", "cc-by-nc-4.0"));
        assert!(!agrees("cc-by-4.0", "cc-by-nc-4.0"));
        assert!(!agrees("llama3", "llama3.1"));
        assert!(!agrees("gpl", "lgpl-3.0"));
    }

    #[test]
    fn a_card_and_another_statement_of_its_licence() {
        let apache = card(json!({"license": "apache-2.0"}));
        assert!(apache.contradicted_by(&keys(&["MIT"])));
        assert!(!apache.contradicted_by(&keys(&["Apache-2.0"])));
        assert!(!apache.contradicted_by(&keys(&["MIT", "Apache-2.0"])));
        // Nothing identified contradicts nothing.
        assert!(!apache.contradicted_by(&keys(&["LicenseRef-x"])));
        let dual = card(json!({"license": ["mit", "apache-2.0"]}));
        assert!(!dual.contradicted_by(&keys(&["MIT"])));
        let either = card(json!({"license": "Apache-2.0 OR MIT"}));
        assert!(!either.contradicted_by(&keys(&["MIT"])));
        let gpl = card(json!({"license": "gpl-3.0"}));
        assert!(!gpl.contradicted_by(&keys(&["GPL-3.0-or-later"])));
        assert!(gpl.contradicted_by(&keys(&["LGPL-3.0"])));
        let nc = card(json!({"license": "cc-by-nc-4.0"}));
        assert!(nc.contradicted_by(&keys(&["CC-BY-4.0"])));
        // `other`: a licence the Hub does not list. A listed one contradicts it, an unlisted one
        // may be it, and `license_name` may name the one found.
        let other = card(json!({"license": "other", "license_name": "acme-model-licence"}));
        assert!(other.is_other());
        assert!(other.contradicted_by(&keys(&["Apache-2.0"])));
        assert!(!other.contradicted_by(&keys(&["X11"])));
        assert!(!other.contradicted_by(&keys(&["LicenseRef-acme"])));
        let named = card(json!({"license": "other", "license_name": "MIT-0"}));
        assert!(!named.contradicted_by(&keys(&["MIT-0"])));
        assert!(
            Declared::of(&json!({"meta": {"license": "LicenseRef-acme"}})).is_none(),
            "a licence of the author's own is compared with nothing"
        );
        assert!(Declared::of(&json!({"meta": {}})).is_none());
        // A licence's name is no id, though it holds one.
        assert!(Declared::of(&json!({"meta": {"license": "MIT License"}})).is_none());
        assert_eq!(value_keys("(MIT OR Apache-2.0)"), ["mit", "apache-2.0"]);
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
        assert!(withholds_commercial("CC-BY-NC-4.0"));
        assert!(!withholds_commercial(
            "CC-BY-NC-4.0 OR LicenseRef-Commercial"
        ));
        assert!(!withholds_commercial(""));
    }
}
