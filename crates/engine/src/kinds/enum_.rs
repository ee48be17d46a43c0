//! `enum`: strings at a pointer are one of the listed values.

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, at, did_you_mean, key_name, strings_at};

pub(crate) static KIND: Entry = Entry {
    name: "enum",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.enum]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointer: String,
    values: Vec<String>,
}

#[derive(Debug)]
struct Enum {
    pointer: String,
    values: Vec<String>,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    Some(Box::new(Enum {
        pointer: raw.pointer,
        values: raw.values,
    }))
}

impl Kind for Enum {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, _ctx: &Ctx<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (i, s) in strings_at(subject, &self.pointer) {
            if !self.values.iter().any(|v| v.as_str() == s) {
                let allowed: Vec<&str> = self.values.iter().map(String::as_str).collect();
                let hint = did_you_mean(&s, &allowed);
                hits.push(Hit::at(
                    at(base, &self.pointer, i),
                    format!(
                        "`{}` = \"{s}\" is not one of: {}{hint}",
                        key_name(&self.pointer),
                        self.values.join(", ")
                    ),
                ));
            }
        }
        hits
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }
}
