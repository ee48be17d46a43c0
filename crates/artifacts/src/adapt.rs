//! The adapter seam: a structured format (Model Card Toolkit, CycloneDX, SPDX 3, Croissant) read as
//! the normalised view of the evidence kind it documents, so that one set of rules serves every
//! format.
//!
//! The views are the ones the Markdown parser produces for cards:
//! - `meta`: the machine-readable metadata a card's front matter would hold (`license`,
//!   `model_name`, `pretty_name`, …);
//! - `sections`: `slug → {title, level, text}`, one per concept the format has a field for, titled as
//!   a card would title it ("Intended Use", "Personal and Sensitive Information"), its text the
//!   field's words;
//! - `labels` and `body` (empty: a structured document has no prose outside its fields);
//! - `adapter`: which format the view was read from, so rules about one format's conventions (a
//!   Hugging Face Hub licence id) can stand aside;
//! - `results`: the evaluation results the format states as data (`{metric, value, slice}`, the
//!   value a number), and `energy`: the energy figures (`{activity, quantity, unit}`): the
//!   structured equivalent of a card's `model-index` and `co2_eq_emissions`, which the evaluation
//!   and environmental-impact rules accept as they accept those.
//!
//! A finding about something the document lacks is placed at the element the view was read from
//! (the model component, the AI package), not at the top of the file.
//!
//! Every field of a view is placed at the span of the field it comes from in the original file, so
//! a finding about `/sections/limitations` points at the line of `considerations.limitations`.
//!
//! A document that claims a format and breaks one of its rules (a Croissant `FileObject` without
//! `contentUrl`, two SPDX elements with one `spdxId`, a malformed timestamp) yields a `format`
//! notice at the offending field: the engine reports it as AL015, naming the format's rule.
//!
//! Adding a format is one module with an `adapt` function that builds a [`View`] (or, for a format
//! whose fields are already the kind's, keeps them and checks the format's rules, as MLflow's does),
//! and one arm in [`adapt`].

use serde_json::{Map, Value};

use crate::pointer::{Spans, escape_token};
use crate::{Flavor, Notice};

/// The notice code of a broken rule of a document's format.
pub const FORMAT_NOTICE: &str = "format";

/// The most format violations reported one by one for a document.
pub(crate) const MAX_VIOLATIONS: usize = 50;

/// A document read through an adapter.
pub(crate) struct Adapted {
    pub view: Value,
    pub spans: Spans,
    pub notices: Vec<Notice>,
    /// What the document turned out to be: the kind detection reads this flavour (a CycloneDX BOM
    /// with a model is `cyclonedx`, one with only datasets `cyclonedx-data`, one with neither
    /// `sbom`).
    pub flavor: Flavor,
}

/// Read a parsed JSON document of a recognised format as its kind's view. `None`: the flavour has
/// no adapter, and the document is left as it was parsed.
pub(crate) fn adapt(
    flavor: Flavor,
    format: crate::Format,
    value: &Value,
    text: &str,
) -> Option<Adapted> {
    use crate::Format::{Json, Yaml};
    match (flavor, format) {
        (Flavor::Mlflow, Yaml) => Some(crate::mlflow::adapt(value, text)),
        (Flavor::Dvc, Yaml) => Some(crate::dvc::adapt(value, text)),
        (_, Yaml) => None,
        (_, Json) => adapt_json(flavor, value, text),
        _ => None,
    }
}

fn adapt_json(flavor: Flavor, value: &Value, text: &str) -> Option<Adapted> {
    match flavor {
        Flavor::Mct => {
            let (view, spans) = crate::mct::adapt(value, text);
            Some(Adapted {
                view,
                spans,
                notices: Vec::new(),
                flavor,
            })
        }
        Flavor::Croissant => Some(crate::croissant::adapt(value, text)),
        Flavor::CycloneDx => Some(crate::cyclonedx::adapt(value, text)),
        Flavor::Spdx3 => Some(crate::spdx3::adapt(value, text)),
        _ => None,
    }
}

/// A view under construction, with the original document's spans to place its fields.
pub(crate) struct View {
    adapter: &'static str,
    original: Spans,
    spans: Spans,
    meta: Map<String, Value>,
    sections: Map<String, Value>,
    data: Map<String, Value>,
    notices: Vec<Notice>,
    /// Format violations found, reported or not.
    broken: usize,
}

impl View {
    pub fn new(adapter: &'static str, text: &str) -> View {
        let original = crate::json::spans(text, 0);
        View {
            adapter,
            original,
            spans: Spans::default(),
            meta: Map::new(),
            sections: Map::new(),
            data: Map::new(),
            notices: Vec::new(),
            broken: 0,
        }
    }

    /// The element of the original document the view is read from: what the document lacks is
    /// reported there.
    pub fn subject(&mut self, from: &str) {
        self.place(String::new(), from);
    }

    /// Append `item` to the structured list `key` of the view (`results`, `energy`), placed at
    /// `from`.
    pub fn push(&mut self, key: &str, item: Value, from: &str) {
        let list = self
            .data
            .entry(key.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(items) = list else { return };
        let i = items.len();
        items.push(item);
        if i == 0 {
            self.place(format!("/{key}"), from);
        }
        self.place(format!("/{key}/{i}"), from);
    }

    /// Where a pointer of the original document was written (or its nearest written parent).
    pub fn offset(&self, from: &str) -> usize {
        self.original.locate(from).map_or(0, |(s, _)| s)
    }

    fn place(&mut self, view: String, from: &str) {
        if let Some((s, e)) = self.original.locate(from) {
            self.spans.insert(view, s, e);
        }
    }

    /// Set `meta.<key>`, placed at `from`; the first field placed under `meta` places `meta` too.
    pub fn meta(&mut self, key: &str, value: Value, from: &str) {
        if self.meta.is_empty() {
            self.place("/meta".into(), from);
        }
        if let Value::Array(items) = &value {
            for i in 0..items.len() {
                self.place(format!("/meta/{}/{i}", escape_token(key)), from);
            }
        }
        self.meta.insert(key.to_string(), value);
        self.place(format!("/meta/{}", escape_token(key)), from);
    }

    /// Add a section from the words of `texts`, placed at `from`. Nothing is added when there are
    /// no words: a missing field is a missing section. A text that is a question is a template's
    /// prompt left in the field, and is not the section's content.
    pub fn section(&mut self, slug: &str, title: &str, texts: &[String], from: &str) {
        // A field whose value is a question holds the template's prompt, not an answer
        // ("Who are the intended users of the model?").
        let words: Vec<&str> = texts
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty() && !t.ends_with('?'))
            .collect();
        if words.is_empty() {
            return;
        }
        let text = words.join("\n");
        let mut sec = Map::new();
        sec.insert("title".into(), Value::String(title.into()));
        sec.insert("level".into(), Value::from(2));
        match self.sections.get_mut(slug) {
            // A second source of one concept adds its words to the first.
            Some(Value::Object(existing)) => {
                let before = existing
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                existing.insert("text".into(), Value::String(format!("{before}\n{text}")));
                return;
            }
            _ => {
                sec.insert("text".into(), Value::String(text));
            }
        }
        self.sections.insert(slug.into(), Value::Object(sec));
        let view = format!("/sections/{}", escape_token(slug));
        self.place(format!("{view}/title"), from);
        self.place(format!("{view}/text"), from);
        self.place(view, from);
    }

    /// A rule of the format that the document breaks, at `from`. A document that breaks them by
    /// the thousand (a generated BOM with every `bom-ref` twice) gets the first
    /// [`MAX_VIOLATIONS`] and one notice that counts the rest, not a finding for each.
    pub fn violation(&mut self, message: String, from: &str) {
        self.broken += 1;
        if self.notices.len() >= MAX_VIOLATIONS {
            return;
        }
        let offset = self.offset(from);
        self.notices.push(Notice {
            code: FORMAT_NOTICE,
            message,
            offset,
        });
    }

    pub fn finish(mut self, flavor: Flavor) -> Adapted {
        self.spans.insert(String::new(), 0, 0);
        order_notices(&mut self.notices, self.broken);
        let mut out = Map::new();
        out.insert("meta".into(), Value::Object(self.meta));
        out.insert("sections".into(), Value::Object(self.sections));
        out.insert("labels".into(), Value::Object(Map::new()));
        out.insert("body".into(), Value::String(String::new()));
        out.insert("adapter".into(), Value::String(self.adapter.into()));
        out.extend(self.data);
        Adapted {
            view: Value::Object(out),
            spans: self.spans,
            notices: self.notices,
            flavor,
        }
    }
}

/// Put a document's format notices in the order of the file, one per place and message; when more
/// rules were broken than reported (see [`MAX_VIOLATIONS`]), add one notice that counts the rest.
pub(crate) fn order_notices(notices: &mut Vec<Notice>, broken: usize) {
    notices.sort_by(|a, b| a.offset.cmp(&b.offset).then(a.message.cmp(&b.message)));
    notices.dedup_by(|a, b| a.offset == b.offset && a.message == b.message);
    if broken > notices.len() {
        let (shown, more) = (notices.len(), broken - notices.len());
        notices.push(Notice {
            code: FORMAT_NOTICE,
            message: format!(
                "{more} more violations of the format after these {shown} are not listed one by one; fix these and run again"
            ),
            offset: 0,
        });
    }
}

/// The words of a value: a string as it is, a number as written, each element of a list, and of an
/// object the values of the keys in `fields` (in that order) — descriptive fields, not ids or urls.
pub(crate) fn words_of(v: &Value, fields: &[&str], out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(a) => a.iter().for_each(|x| words_of(x, fields, out)),
        Value::Object(o) => {
            for f in fields {
                if let Some(x) = o.get(*f) {
                    words_of(x, fields, out);
                }
            }
        }
        _ => {}
    }
}

/// A figure: a number, or a string that reads as one (`0.91`, `91%`, `1,234.5`).
pub(crate) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = s.trim().trim_end_matches('%').replace(',', "");
            t.parse::<f64>().ok().filter(|x| x.is_finite())
        }
        _ => None,
    }
}

/// How a format names a performance metric's parts: `(type, value, slice, confidence interval,
/// lower bound, upper bound)`.
pub(crate) type MetricKeys = [&'static str; 6];

/// A performance metric as a sentence: `accuracy is 0.98 on the slice cats (confidence interval
/// 0.96 to 1.00)`, so that a metric with its value, slice and interval reads as the result it is.
pub(crate) fn metric_sentence(m: &Value, keys: MetricKeys) -> Option<(String, String)> {
    let [kind, value, slice, ci, lo, hi] = keys;
    let kind = m.get(kind).and_then(scalar)?;
    let value = m.get(value).and_then(scalar)?;
    let mut s = format!("{kind} is {value}");
    if let Some(slice) = m.get(slice).and_then(scalar) {
        s.push_str(&format!(" on the slice {slice}"));
    }
    if let Some(ci) = m.get(ci)
        && let (Some(lo), Some(hi)) = (ci.get(lo).and_then(scalar), ci.get(hi).and_then(scalar))
    {
        s.push_str(&format!(" (confidence interval {lo} to {hi})"));
    }
    Some((s, value))
}

/// A scalar as text.
pub(crate) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether `s` is an RFC 3339 date-time (`2024-06-24T05:30:00Z`), as CycloneDX and SPDX require.
pub(crate) fn is_date_time(s: &str) -> bool {
    s.parse::<jiff::Timestamp>().is_ok()
}

/// Whether `s` is an ISO 8601 date or date-time (`2024-06-24`, `2024-06-24T05:30:00Z`), as
/// schema.org's `Date` and `DateTime` are written.
pub(crate) fn is_date_or_date_time(s: &str) -> bool {
    is_date_time(s)
        || s.parse::<jiff::civil::Date>().is_ok()
        || s.parse::<jiff::civil::DateTime>().is_ok()
        // A year, or a year and month (schema.org allows reduced precision).
        || {
            let b = s.as_bytes();
            (b.len() == 4 && b.iter().all(u8::is_ascii_digit))
                || (b.len() == 7
                    && b[..4].iter().all(u8::is_ascii_digit)
                    && b[4] == b'-'
                    && b[5..].iter().all(u8::is_ascii_digit)
                    && matches!(&s[5..], "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"))
        }
}

/// The line of a byte offset, for the adapters' tests.
#[cfg(test)]
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// The notices of an adaptation as (line, message).
#[cfg(test)]
pub(crate) fn notice_lines<'a>(text: &str, a: &'a Adapted) -> Vec<(usize, &'a str)> {
    a.notices
        .iter()
        .map(|n| (line_of(text, n.offset), n.message.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_violations_is_counted_not_listed() {
        let text = "{\"a\": 1}";
        let mut view = View::new("test", text);
        for i in 0..10_000 {
            view.violation(format!("violation {i}"), "/a");
        }
        let a = view.finish(Flavor::Sbom);
        assert_eq!(a.notices.len(), MAX_VIOLATIONS + 1);
        let last = a.notices.last().unwrap();
        assert!(
            last.message
                .starts_with("9950 more violations of the format after these 50"),
            "{last:?}"
        );
    }

    #[test]
    fn dates_as_the_formats_write_them() {
        assert!(is_date_time("2024-06-24T05:30:00Z"));
        assert!(is_date_time("2024-06-24T05:30:00+02:00"));
        assert!(!is_date_time("2024-06-24"));
        assert!(!is_date_time("24/06/2024"));
        assert!(is_date_or_date_time("1990-02-01"));
        assert!(is_date_or_date_time("2024"));
        assert!(is_date_or_date_time("2024-06"));
        assert!(!is_date_or_date_time("2024-13"));
        assert!(!is_date_or_date_time("June 2024"));
    }
}
