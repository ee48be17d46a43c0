//! `approval`: a change record's approvals name a role the pack demands, dated no later than the
//! judgement date (the commit's date in history).

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Dependence, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, parse_date};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "approval",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.approval]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default = "default_approvals")]
    pointer: String,
    roles: Vec<String>,
}

fn default_approvals() -> String {
    "/approvals".into()
}

#[derive(Debug)]
struct Approval {
    pointer: String,
    roles: Vec<String>,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    if raw.roles.is_empty() {
        cx.error("approval needs at least one role");
    }
    Some(Box::new(Approval {
        pointer: raw.pointer,
        roles: raw.roles,
    }))
}

impl Kind for Approval {
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Date
    }

    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let (pointer, roles) = (&self.pointer, &self.roles);
        let at = format!("{base}{pointer}");
        let mut hits = Vec::new();
        match aimslint_artifacts::value_at(subject, pointer) {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut has_role = false;
                for (i, a) in items.iter().enumerate() {
                    let role = a.get("role").and_then(Value::as_str).unwrap_or_default();
                    let name = a.get("name").and_then(Value::as_str).unwrap_or_default();
                    if roles.iter().any(|r| r == role) && !aimslint_artifacts::is_placeholder(name)
                    {
                        has_role = true;
                    }
                    if let Some(d) = a.get("date").and_then(Value::as_str).and_then(parse_date)
                        && d > ctx.today
                    {
                        hits.push(Hit::at(
                            format!("{at}/{i}/date"),
                            format!(
                                "approval by {} is dated {d}, after the change was made ({})",
                                if name.is_empty() { "?" } else { name },
                                ctx.today
                            ),
                        ));
                    }
                }
                if !has_role {
                    hits.push(Hit::at(
                        at,
                        format!("no approval by a named {}", roles.join(" or ")),
                    ));
                }
            }
            _ => hits.push(Hit::at(
                at,
                format!(
                    "no approvals; one by a named {} is required",
                    roles.join(" or ")
                ),
            )),
        }
        hits
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }
}
