//! `expr`: a CEL expression over the document holds.

use aimslint_packs::{Compile, Expr as Cel, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Dependence, Entry, Kind, Reads};
use crate::checks::{Ctx, EvalError, Hit, eval_bool};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "expr",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.expr]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    expr: String,
    pointer: Option<String>,
    message: String,
}

#[derive(Debug)]
struct Expr {
    expr: Cel,
    pointer: Option<String>,
    message: String,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    if let Some(p) = &raw.pointer {
        cx.pointer(p);
    }
    let expr = cx.expr(&raw.expr)?;
    Some(Box::new(Expr {
        expr,
        pointer: raw.pointer,
        message: raw.message,
    }))
}

impl Kind for Expr {
    /// The judgement date is the `today` variable: an expression that reads it changes its result
    /// as the date moves.
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        if self.expr.reads("today") {
            Dependence::Date
        } else {
            Dependence::Document
        }
    }

    fn run(&self, rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let at = format!("{base}{}", self.pointer.as_deref().unwrap_or(""));
        match eval_bool(&self.expr, subject, ctx) {
            Ok(true) | Err(EvalError::Reported) => Vec::new(),
            Ok(false) => vec![Hit::at(at, self.message.clone())],
            Err(EvalError::Failed(e)) => {
                vec![Hit::expr_error(rule, at, "its check expression", &e)]
            }
        }
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        let expr = &self.expr;
        if crate::run::reads_meta(expr) {
            // Which keys of `doc.meta` it reads, when it reads them by name.
            let read = expr.fields_read("doc.meta");
            let Some(read) = read.filter(|_| expr.fields_read("doc").is_some()) else {
                return Reads::Whole;
            };
            let mut keys: Vec<String> = read.into_iter().collect();
            keys.extend(
                self.pointer
                    .as_deref()
                    .and_then(crate::run::meta_key)
                    .flatten()
                    .map(str::to_string),
            );
            return Reads::MetaKeys(keys);
        }
        Reads::Pointers(self.pointer.as_deref().into_iter().collect())
    }

    fn expression(&self) -> Option<&Cel> {
        Some(&self.expr)
    }
}

/// An `expr` check made in a test, without a pack.
#[cfg(test)]
pub(crate) fn check(expr: Cel, pointer: Option<&str>, message: &str) -> aimslint_packs::Check {
    super::wrap(
        &KIND,
        Box::new(Expr {
            expr,
            pointer: pointer.map(str::to_string),
            message: message.into(),
        }),
    )
}
