//! `required`: values at these pointers exist and hold content.

use aimslint_artifacts::is_placeholder_value;
use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, describe, key_name};

pub(crate) static KIND: Entry = Entry {
    name: "required",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.required]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointers: Vec<String>,
}

#[derive(Debug)]
struct Required {
    pointers: Vec<String>,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    for p in &raw.pointers {
        cx.pointer(p);
    }
    Some(Box::new(Required {
        pointers: raw.pointers,
    }))
}

impl Kind for Required {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, _ctx: &Ctx<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        for p in &self.pointers {
            match aimslint_artifacts::value_at(subject, p) {
                None => hits.push(Hit::at(
                    format!("{base}{p}"),
                    format!("`{}` is missing", key_name(p)),
                )),
                Some(v) if is_placeholder_value(v) => hits.push(Hit::at(
                    format!("{base}{p}"),
                    format!("`{}` holds no content ({})", key_name(p), describe(v)),
                )),
                Some(_) => {}
            }
        }
        hits
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(self.pointers.iter().map(String::as_str).collect())
    }
}
