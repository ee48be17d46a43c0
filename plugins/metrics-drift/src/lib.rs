//! The `metrics-drift` plugin: what a model card says it measured, against what was measured.
//!
//! A card's `model-index` (the Hugging Face model card metadata,
//! <https://huggingface.co/docs/hub/model-cards#evaluation-results>) lists results, each with the
//! metrics claimed (`type`, `value`) and, in `source.url`, where they come from. When that source is
//! a file of the repository (`evals/credit-scoring/2026-09.json`), the plugin reads it through the
//! host (a declared need: history mode re-judges the card when the file changes) and:
//!
//! - **MD-001**: each claimed metric must be a value the file reports under the metric's name,
//!   equal as written (a claim of `0.81` matches `0.8123`: it is rounded to the digits it shows)
//!   or within the rule's `tolerance`; a percentage (`81.2`) matches a fraction (`0.812`). A cited
//!   file that is missing or unreadable is a finding too: the claim has nothing behind it.
//! - **MD-002**: each metric the file reports with an acceptance threshold (`{"value": 0.0281,
//!   "max": 0.0287}`), or that the rule's `thresholds` parameter names, must meet it: a model whose
//!   own evaluation fails its requirement is not one to describe as validated.
//!
//! Both serve ISO/IEC 42001 A.6.2.4 (verification and validation, with acceptance criteria) and
//! A.6.2.2 (the requirements a system is built and accepted against).

use aimslint_plugin_sdk::{CheckRequest, Hit, Need, Plugin, Related, RuleNeeds, export_plugin};
use serde_json::{Map, Value};

/// Where a card cites the source of each result.
const SOURCE_POINTER: &str = "/meta/model-index/*/results/*/source/url";

/// How deep the results file is searched for a metric's name.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Default)]
pub struct MetricsDrift;

/// A metric a card claims: where, its name and value.
struct Claim {
    pointer: String,
    name: String,
    value: f64,
    /// The digits after the decimal point as written (`0.81` → 2): a claim is rounded to them.
    decimals: u32,
}

/// One result of a card's model-index that cites a file: the claims and the file.
struct Cited<'r> {
    claims: Vec<Claim>,
    file: &'r Related,
}

/// A metric's name as results files and cards write it, compared loosely: `ROC AUC`, `roc_auc`
/// and `roc-auc` are one name.
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn decimals(v: &serde_json::Number) -> u32 {
    let s = v.to_string();
    if s.contains(['e', 'E']) {
        return 12;
    }
    s.split_once('.')
        .map_or(0, |(_, d)| u32::try_from(d.len()).unwrap_or(12))
}

/// The results of the card that cite a file of the repository, with their claims.
fn cited<'r>(req: &'r CheckRequest) -> Vec<Cited<'r>> {
    let mut out = Vec::new();
    let Some(Value::Array(models)) = req.document.pointer("/meta/model-index") else {
        return out;
    };
    for (m, model) in models.iter().enumerate() {
        let Some(Value::Array(results)) = model.get("results") else {
            continue;
        };
        for (r, result) in results.iter().enumerate() {
            let at = format!("/meta/model-index/{m}/results/{r}");
            let named_at = format!("{at}/source/url");
            let Some(file) = req
                .related
                .iter()
                .find(|f| f.named_at.as_deref() == Some(named_at.as_str()))
            else {
                continue;
            };
            let mut claims = Vec::new();
            if let Some(Value::Array(metrics)) = result.get("metrics") {
                for (k, metric) in metrics.iter().enumerate() {
                    let name = metric
                        .get("type")
                        .or_else(|| metric.get("name"))
                        .and_then(Value::as_str);
                    let value = metric.get("value");
                    if let (Some(name), Some(Value::Number(n))) = (name, value)
                        && let Some(v) = n.as_f64()
                    {
                        claims.push(Claim {
                            pointer: format!("{at}/metrics/{k}/value"),
                            name: name.to_string(),
                            value: v,
                            decimals: decimals(n),
                        });
                    }
                }
            }
            out.push(Cited { claims, file });
        }
    }
    out
}

/// Every value a results file reports under a metric's name, at any depth: `{"roc_auc": 0.81}`,
/// `{"metrics": {"roc_auc": {"value": 0.81}}}`, `{"eval_roc_auc": 0.81}` (as the Hugging Face
/// Trainer writes it), a row of a table (`[{"threshold": 0.3, "recall": 0.78}]`), or a list of
/// `{type, value}` entries as in a model-index.
fn reported(doc: &Value, name: &str) -> Vec<f64> {
    let want = norm(name);
    let mut out = Vec::new();
    walk(doc, &want, 0, &mut out);
    out
}

/// (content key, metric name) → the values reported.
type Reported = std::collections::HashMap<(String, String), Vec<f64>>;

/// What a cited file reports under a name, remembered by the file's content key: a results file
/// a hundred cards cite is searched once per metric, not once per card.
fn reported_in(file: &Related, name: &str) -> Vec<f64> {
    static SEEN: std::sync::Mutex<Option<Reported>> = std::sync::Mutex::new(None);
    let Some(key) = &file.key else {
        return reported(&file.document, name);
    };
    let k = (key.clone(), norm(name));
    if let Some(hit) = SEEN
        .lock()
        .ok()
        .and_then(|m| m.as_ref().and_then(|m| m.get(&k).cloned()))
    {
        return hit;
    }
    let found = reported(&file.document, name);
    if let Ok(mut m) = SEEN.lock() {
        let m = m.get_or_insert_with(Default::default);
        if m.len() >= 4096 {
            m.clear();
        }
        m.insert(k, found.clone());
    }
    found
}

/// `norm(s)`'s characters, without building the string (results files have many keys).
fn norm_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// Whether `norm(s) == want` (`want` normalised already).
fn norm_is(s: &str, want: &str) -> bool {
    norm_chars(s).eq(want.chars())
}

fn matches_name(key: &str, want: &str) -> bool {
    norm_is(key, want)
        || ["eval", "test", "validation", "val"].iter().any(|p| {
            let mut k = norm_chars(key);
            p.chars().all(|c| k.next() == Some(c)) && k.eq(want.chars())
        })
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Object(m) => m.get("value").and_then(Value::as_f64),
        _ => None,
    }
}

fn walk(v: &Value, want: &str, depth: usize, out: &mut Vec<f64>) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(m) => {
            // A `{type|name, value}` entry.
            let named = m
                .get("type")
                .or_else(|| m.get("name"))
                .and_then(Value::as_str)
                .is_some_and(|n| norm_is(n, want));
            if named && let Some(x) = m.get("value").and_then(Value::as_f64) {
                out.push(x);
            }
            for (k, item) in m {
                if matches_name(k, want)
                    && let Some(x) = number(item)
                {
                    out.push(x);
                }
                walk(item, want, depth + 1, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, want, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Whether a claim is one of the measured values: as written (rounded to its digits), within the
/// tolerance, or as a percentage of a fraction.
fn agrees(claim: &Claim, measured: f64, tolerance: f64) -> bool {
    let half_digit = 0.5 * 10f64.powi(-i32::try_from(claim.decimals).unwrap_or(12));
    let slack = tolerance.max(half_digit) + 1e-12;
    (claim.value - measured).abs() <= slack || (claim.value - 100.0 * measured).abs() <= slack
}

fn show(x: f64) -> String {
    let s = format!("{x}");
    if s.len() > 12 { format!("{x:.6}") } else { s }
}

/// Why a cited file gives nothing to compare against, if it does not.
fn unusable(file: &Related) -> Option<String> {
    if !file.found {
        return Some(format!(
            "cites `{}` as the source of its results, and the repository has no such file",
            file.path
        ));
    }
    if let Some(e) = &file.error {
        return Some(format!(
            "cites `{}` as the source of its results, and it cannot be read: {e}",
            file.path
        ));
    }
    None
}

fn tolerance(req: &CheckRequest) -> Result<f64, String> {
    match &req.params["tolerance"] {
        Value::Null => Ok(0.0),
        v => v
            .as_f64()
            .filter(|t| *t >= 0.0 && t.is_finite())
            .ok_or_else(|| "`tolerance` must be a number, 0 or more".to_string()),
    }
}

/// A measured value held to a threshold: the metric, its value, `min`, `max`, and whose
/// threshold it is.
struct Bound {
    name: String,
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    whose: &'static str,
}

/// A threshold pair (`min`, `max`) read from a mapping.
fn bounds(m: &Map<String, Value>) -> (Option<f64>, Option<f64>) {
    (
        m.get("min").and_then(Value::as_f64),
        m.get("max").and_then(Value::as_f64),
    )
}

impl MetricsDrift {
    fn md001(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        let tol = tolerance(req)?;
        let mut hits = Vec::new();
        for c in cited(req) {
            if let Some(why) = unusable(c.file) {
                hits.push(Hit {
                    pointer: c.file.named_at.clone().unwrap_or_default(),
                    message: why,
                });
                continue;
            }
            for claim in &c.claims {
                let measured = reported_in(c.file, &claim.name);
                if measured.is_empty() {
                    hits.push(Hit {
                        pointer: claim.pointer.clone(),
                        message: format!(
                            "claims `{}` = {}, which `{}` (the source it cites) does not report",
                            claim.name,
                            show(claim.value),
                            c.file.path
                        ),
                    });
                } else if !measured.iter().any(|m| agrees(claim, *m, tol)) {
                    let mut shown: Vec<String> = measured.iter().map(|m| show(*m)).collect();
                    shown.dedup();
                    hits.push(Hit {
                        pointer: claim.pointer.clone(),
                        message: format!(
                            "claims `{}` = {}, but `{}` (the source it cites) measured {}",
                            claim.name,
                            show(claim.value),
                            c.file.path,
                            shown.join(" or ")
                        ),
                    });
                }
            }
        }
        Ok(hits)
    }

    fn md002(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        let required = match &req.params["thresholds"] {
            Value::Null => Map::new(),
            Value::Object(m) => m.clone(),
            _ => {
                return Err(
                    "`thresholds` must map metric names to `{ min = …, max = … }`".to_string(),
                );
            }
        };
        for (name, t) in &required {
            if !t.is_object() {
                return Err(format!(
                    "`thresholds.{name}` must be a table with `min` and/or `max`"
                ));
            }
        }
        let mut hits = Vec::new();
        let mut seen_files = std::collections::HashSet::new();
        for c in cited(req) {
            if unusable(c.file).is_some() || !seen_files.insert(c.file.path.clone()) {
                continue;
            }
            // The file's own thresholds: a metric written as `{value, min|max}` anywhere under a
            // `metrics` mapping or at the top.
            let mut checks: Vec<Bound> = Vec::new();
            let mut tables: Vec<&Map<String, Value>> = Vec::new();
            if let Some(Value::Object(m)) = c.file.document.get("metrics") {
                tables.push(m);
            }
            if let Value::Object(m) = &*c.file.document {
                tables.push(m);
            }
            for table in tables {
                for (name, v) in table {
                    if let Value::Object(m) = v
                        && let Some(value) = m.get("value").and_then(Value::as_f64)
                    {
                        let (min, max) = bounds(m);
                        if min.is_some() || max.is_some() {
                            checks.push(Bound {
                                name: name.clone(),
                                value,
                                min,
                                max,
                                whose: "its acceptance threshold",
                            });
                        }
                    }
                }
            }
            for (name, t) in &required {
                let Value::Object(t) = t else { continue };
                let (min, max) = bounds(t);
                for value in reported_in(c.file, name) {
                    checks.push(Bound {
                        name: name.clone(),
                        value,
                        min,
                        max,
                        whose: "the threshold this rule requires",
                    });
                }
            }
            for Bound {
                name,
                value,
                min,
                max,
                whose: what,
            } in checks
            {
                let failed = match (min, max) {
                    (Some(lo), _) if value < lo => {
                        Some(format!("below {what}, a minimum of {}", show(lo)))
                    }
                    (_, Some(hi)) if value > hi => {
                        Some(format!("above {what}, a maximum of {}", show(hi)))
                    }
                    _ => None,
                };
                let Some(failed) = failed else { continue };
                // The claim about the metric, where the card makes one; else the citation.
                let pointer = c
                    .claims
                    .iter()
                    .find(|cl| norm(&cl.name) == norm(&name))
                    .map(|cl| cl.pointer.clone())
                    .or_else(|| c.file.named_at.clone())
                    .unwrap_or_default();
                hits.push(Hit {
                    pointer,
                    message: format!(
                        "`{name}` measured {} in `{}`, {failed}",
                        show(value),
                        c.file.path
                    ),
                });
            }
        }
        Ok(hits)
    }
}

impl Plugin for MetricsDrift {
    fn name(&self) -> &'static str {
        "metrics-drift"
    }

    fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    fn rules(&self) -> Vec<&'static str> {
        vec!["MD-001", "MD-002"]
    }

    fn needs(&self, rule: &str) -> RuleNeeds {
        RuleNeeds::reading(
            rule,
            vec![Need::Pointer {
                pointer: SOURCE_POINTER.to_string(),
            }],
        )
    }

    fn check(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
        match req.rule.as_str() {
            "MD-001" => self.md001(req),
            "MD-002" => self.md002(req),
            other => Err(format!("no rule {other}")),
        }
    }
}

export_plugin!(MetricsDrift);
