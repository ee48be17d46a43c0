//! `max-age`: a date at a pointer is at most so many days before the judgement date.

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Dependence, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, describe, key_name, parse_date};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "max-age",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.max-age]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointer: String,
    days: u32,
}

#[derive(Debug)]
struct MaxAge {
    pointer: String,
    days: u32,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    Some(Box::new(MaxAge {
        pointer: raw.pointer,
        days: raw.days,
    }))
}

impl Kind for MaxAge {
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Date
    }

    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let (pointer, days) = (&self.pointer, self.days);
        let Some(v) = aimslint_artifacts::value_at(subject, pointer) else {
            return Vec::new();
        };
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match parse_date(&text) {
            None => vec![Hit::at(
                format!("{base}{pointer}"),
                format!(
                    "`{}` = {} is not a date (YYYY-MM-DD)",
                    key_name(pointer),
                    describe(v)
                ),
            )],
            Some(d) => {
                let age = (ctx.today - d).get_days();
                if age > i32::try_from(days).unwrap_or(i32::MAX) {
                    vec![Hit::at(
                        format!("{base}{pointer}"),
                        format!(
                            "`{}` is {d}, {age} days before {}; it may be at most {days} days old",
                            key_name(pointer),
                            ctx.today
                        ),
                    )]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }

    /// The day after the date it reads grows too old (for a rule over each element of a list, any
    /// date of the document may be one it reads).
    fn critical_dates(
        &self,
        value: &Value,
        each: bool,
        dates: &[jiff::civil::Date],
    ) -> Vec<jiff::civil::Date> {
        let span = jiff::Span::new().days(i64::from(self.days) + 1);
        let read: Vec<jiff::civil::Date> = if each {
            dates.to_vec()
        } else {
            aimslint_artifacts::value_at(value, &self.pointer)
                .and_then(Value::as_str)
                .and_then(parse_date)
                .into_iter()
                .collect()
        };
        read.iter()
            .filter_map(|x| x.checked_add(span).ok())
            .collect()
    }
}
