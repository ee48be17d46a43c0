//! `schema`: the document (at the kind's schema pointer) validates against a JSON Schema.

use std::collections::HashSet;
use std::sync::Arc;

use aimslint_packs::{Compile, CompiledSchema, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, did_you_mean};

pub(crate) static KIND: Entry = Entry {
    name: "schema",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.schema]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    /// A file of the pack's `schemas/`, or a built-in schema.
    schema: String,
}

#[derive(Debug)]
struct Schema {
    schema: Arc<CompiledSchema>,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    let schema = cx.schema(&raw.schema)?;
    Some(Box::new(Schema { schema }))
}

impl Kind for Schema {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let sp = ctx.schema_pointer;
        let Some(instance) = aimslint_artifacts::value_at(subject, sp) else {
            return hits;
        };
        for e in self.schema.validator.iter_errors(instance) {
            let ip = e.instance_path().to_string();
            // An enum error lists every allowed value and names the one probably meant.
            let what = match (e.kind(), e.instance().as_ref()) {
                (jsonschema::error::ValidationErrorKind::Enum { options }, Value::String(s)) => {
                    let allowed: Vec<&str> = options
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    format!(
                        "\"{s}\" is not one of: {}{}",
                        allowed.join(", "),
                        did_you_mean(s, &allowed)
                    )
                }
                (
                    jsonschema::error::ValidationErrorKind::Type { .. }
                    | jsonschema::error::ValidationErrorKind::AnyOf { .. }
                    | jsonschema::error::ValidationErrorKind::OneOfNotValid { .. },
                    v,
                ) if holds_bool(v) => format!(
                    "{}; an unquoted `yes`, `no`, `on`, `off`, `y` or `n` is a boolean in YAML: quote it (`'no'`) to mean the text",
                    e.masked()
                ),
                _ => e.masked().to_string(),
            };
            hits.push(Hit::at(
                format!("{base}{sp}{ip}"),
                format!("does not match {}: {what}", self.schema.name),
            ));
        }
        // One finding per distinct place is enough.
        let mut seen = HashSet::new();
        hits.retain(|h| seen.insert(h.pointer.clone()));
        hits
    }

    fn reads<'a>(&'a self, schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![schema_pointer])
    }
}

/// Whether a value is a boolean or a list holding one: what YAML makes of an unquoted `no` (the
/// language code of Norwegian, in a card's `language`).
fn holds_bool(v: &Value) -> bool {
    v.is_boolean()
        || v.as_array()
            .is_some_and(|a| a.iter().any(Value::is_boolean))
}
