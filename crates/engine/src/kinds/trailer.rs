//! `trailer` (commits): a commit touching `when` (or any commit) carries these trailers.

use aimslint_packs::{Compile, GlobMatcher, Rule};
use serde::Deserialize;

use super::{ChangeView, Dependence, Entry, Event, Kind, Source};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "trailer",
    history: true,
    kinds_optional: true,
    compile,
};

/// `[check.trailer]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    when: Vec<String>,
    trailers: Vec<String>,
}

#[derive(Debug)]
struct Trailer {
    when: Option<GlobMatcher>,
    trailers: Vec<String>,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    let when = if raw.when.is_empty() {
        None
    } else {
        Some(cx.globs(&raw.when)?)
    };
    Some(Box::new(Trailer {
        when,
        trailers: raw.trailers,
    }))
}

impl Kind for Trailer {
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Commit
    }

    /// The staged change has no message yet: only a commit is judged.
    fn on_change(&self, _rule: &Rule, change: &ChangeView<'_>) -> Option<Event> {
        let Source::Commit { meta, .. } = &change.source else {
            return None;
        };
        let first = match &self.when {
            Some(w) => change.changed.iter().copied().find(|p| w.is_match(p)),
            None => change.changed.first().copied(),
        }?;
        let missing: Vec<&str> = self
            .trailers
            .iter()
            .filter(|t| {
                !meta
                    .trailers
                    .iter()
                    .any(|(k, v)| k.eq_ignore_ascii_case(t) && !v.is_empty())
            })
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            return None;
        }
        Some(Event {
            message: format!(
                "commit \"{}\" changes {first} but has no {} trailer",
                meta.summary,
                missing.join(", ")
            ),
            about: vec![first.to_string()],
            line: None,
        })
    }
}
