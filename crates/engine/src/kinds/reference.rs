//! `reference`: values at a pointer name files of the tree (or, `by`, documents of `kind` holding
//! the value at that pointer), of the right kind.

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Dependence, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, at, key_dep, key_name, resolve_path, strings_at};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "reference",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.reference]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointer: String,
    kind: Option<String>,
    by: Option<String>,
    optional: Option<bool>,
}

#[derive(Debug)]
struct Reference {
    pointer: String,
    kind: Option<String>,
    by: Option<String>,
    optional: bool,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    if let Some(b) = &raw.by {
        cx.pointer(b);
    }
    if let Some(k) = &raw.kind {
        cx.kind_ref(k);
    }
    Some(Box::new(Reference {
        pointer: raw.pointer,
        kind: raw.kind,
        by: raw.by,
        optional: raw.optional.unwrap_or(true),
    }))
}

impl Kind for Reference {
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Tree
    }

    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let (pointer, kind, by, optional) = (&self.pointer, &self.kind, &self.by, self.optional);
        let mut hits = Vec::new();
        let values = strings_at(subject, pointer);
        if values.is_empty() {
            if !optional {
                hits.push(Hit::at(
                    format!("{base}{pointer}"),
                    format!("`{}` is missing", key_name(pointer)),
                ));
            }
            return hits;
        }
        for (i, value) in values {
            if aimslint_artifacts::is_placeholder(&value) {
                if !optional {
                    hits.push(Hit::at(
                        at(base, pointer, i),
                        format!("`{}` holds no content", key_name(pointer)),
                    ));
                }
                continue;
            }
            if let (Some(k), Some(b)) = (kind, by) {
                ctx.deps.borrow_mut().push(key_dep(k, b, value.trim()));
                if ctx
                    .keys
                    .get(&(k.clone(), b.clone()))
                    .is_some_and(|s| s.contains(value.trim()))
                {
                    continue;
                }
            }
            let target = resolve_path(ctx.path, value.trim());
            if let Some(t) = &target {
                ctx.deps.borrow_mut().push(t.clone());
            }
            let exists = target.as_deref().is_some_and(|t| ctx.paths.contains(t));
            match (exists, kind) {
                (false, _) => {
                    let what = match (kind, by) {
                        (Some(k), Some(b)) => format!(
                            "\"{value}\" names no file and no {k} document with `{}` = \"{value}\"",
                            key_name(b)
                        ),
                        _ => format!("\"{value}\" does not exist in the repository"),
                    };
                    hits.push(Hit::at(at(base, pointer, i), what));
                }
                (true, Some(k)) => {
                    let t = target.unwrap_or_default();
                    if let Some(Some(actual)) = ctx.kinds.get(&t)
                        && actual != k
                    {
                        hits.push(Hit::at(
                            at(base, pointer, i),
                            format!("\"{value}\" is a {actual}, not a {k}"),
                        ));
                    }
                }
                (true, None) => {}
            }
        }
        hits
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }

    fn key_lookup(&self) -> Option<(&str, &str)> {
        Some((self.kind.as_deref()?, self.by.as_deref()?))
    }
}
