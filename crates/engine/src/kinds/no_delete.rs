//! `no-delete` (commits): files of the rule's kinds may not disappear without a change record of
//! type `unless`, in the same change, whose `paths` cover them. One finding per change, however
//! many files it deletes.

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{ChangeView, Dependence, Entry, Event, Kind, covers, path_list};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "no-delete",
    history: true,
    kinds_optional: false,
    compile,
};

/// `[check.no-delete]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    unless: String,
}

#[derive(Debug)]
struct NoDelete {
    unless: String,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    Some(Box::new(NoDelete { unless: raw.unless }))
}

impl Kind for NoDelete {
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Commit
    }

    fn on_change(&self, rule: &Rule, change: &ChangeView<'_>) -> Option<Event> {
        let unless = &self.unless;
        let retires = |path: &str| {
            change.written.iter().any(|d| {
                d.parsed.result.as_ref().is_ok_and(|p| {
                    p.value.get("type").and_then(Value::as_str) == Some(unless.as_str())
                }) && covers(d, path)
            })
        };
        let unretired: Vec<(&str, &str)> = change
            .deleted
            .iter()
            .filter(|(path, kind)| rule.kinds.iter().any(|k| k == kind) && !retires(path))
            .copied()
            .collect();
        if unretired.is_empty() {
            return None;
        }
        let named: Vec<String> = unretired
            .iter()
            .map(|(p, k)| format!("{p} ({k})"))
            .collect();
        let message = match named.as_slice() {
            [one] => format!(
                "{} deletes {one} without a `type: {unless}` change record covering it",
                change.named()
            ),
            _ => format!(
                "{} deletes {} evidence files without a `type: {unless}` change record covering them: {}",
                change.named(),
                named.len(),
                path_list(&named)
            ),
        };
        Some(Event {
            about: unretired.iter().map(|(p, _)| p.to_string()).collect(),
            message,
            line: None,
        })
    }
}
