//! `co-change` (commits): a commit touching `when` also touches one of `require_any`'s paths
//! (`changed:<glob>`), or carries a trailer naming a change record that covers the change
//! (`trailer:<Name>-><kind>`).

use aimslint_packs::{Compile, GlobMatcher, Rule};
use serde::Deserialize;

use super::{
    ChangeView, Dependence, Entry, Event, Kind, Source, changed_named, covers_all, path_list,
    pinned_line,
};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "co-change",
    history: true,
    kinds_optional: true,
    compile,
};

/// `[check.co-change]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    when: Vec<String>,
    require_any: Vec<String>,
}

#[derive(Debug)]
struct CoChange {
    when: GlobMatcher,
    require_changed: Option<GlobMatcher>,
    /// (trailer name, kind of the record it names)
    require_trailer: Option<(String, String)>,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    let mut require_changed = Vec::new();
    let mut require_trailer = None;
    for r in &raw.require_any {
        if let Some(g) = r.strip_prefix("changed:") {
            require_changed.push(g.to_string());
        } else if let Some(t) = r.strip_prefix("trailer:") {
            match t.split_once("->") {
                Some((name, kind)) => {
                    cx.kind_ref(kind.trim());
                    require_trailer = Some((name.trim().to_string(), kind.trim().to_string()));
                }
                None => cx.error(format!("`{r}`: write trailer:<Name>-><kind>")),
            }
        } else {
            cx.error(format!(
                "`{r}`: a requirement is changed:<glob> or trailer:<Name>-><kind>"
            ));
        }
    }
    let when = cx.globs(&raw.when)?;
    let require_changed = if require_changed.is_empty() {
        None
    } else {
        Some(cx.globs(&require_changed)?)
    };
    Some(Box::new(CoChange {
        when,
        require_changed,
        require_trailer,
    }))
}

impl Kind for CoChange {
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Commit
    }

    fn on_change(&self, _rule: &Rule, change: &ChangeView<'_>) -> Option<Event> {
        let triggered: Vec<(&str, Option<&str>)> =
            crate::dvc::with_outputs(change.changed.iter().copied(), change.outputs)
                .filter(|(p, _)| self.when.is_match(p))
                .collect();
        let (first, _) = triggered.first()?;
        if self
            .require_changed
            .as_ref()
            .is_some_and(|g| change.changed.iter().any(|p| g.is_match(p)))
        {
            return None;
        }
        let mut note = String::new();
        if let Some((name, kind)) = &self.require_trailer {
            match &change.source {
                Source::Commit { meta, find } => {
                    let mut ok = false;
                    for (_, v) in meta
                        .trailers
                        .iter()
                        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                    {
                        match find(kind, v) {
                            Some(d) if covers_all(d, &triggered) => ok = true,
                            Some(_) => {
                                note = format!(
                                    "; the `{name}: {v}` record's `paths` do not cover {first}"
                                )
                            }
                            None => {
                                note =
                                    format!("; `{name}: {v}` names no {kind} in the commit's tree")
                            }
                        }
                    }
                    if ok {
                        return None;
                    }
                }
                Source::Staged => {
                    let mut records = change
                        .written
                        .iter()
                        .filter(|d| d.kind.as_deref() == Some(kind.as_str()))
                        .peekable();
                    let first_record = records.peek().map(|d| d.path.clone());
                    if records.any(|d| covers_all(d, &triggered)) {
                        return None;
                    }
                    if let Some(path) = first_record {
                        note = format!(
                            "; the staged {kind} {path}'s `paths` do not cover {}",
                            triggered[0].0
                        );
                    }
                }
            }
        }
        let wanted = match &change.source {
            Source::Commit { .. } => match (&self.require_changed, &self.require_trailer) {
                (Some(g), Some((name, _))) => format!(
                    "a change to {} or a `{name}:` trailer",
                    g.patterns.join(", ")
                ),
                (Some(g), None) => format!("a change to {}", g.patterns.join(", ")),
                (None, Some((name, _))) => format!("a `{name}:` trailer"),
                (None, None) => "an accompanying change".into(),
            },
            Source::Staged => {
                let it = if triggered.len() == 1 { "it" } else { "them" };
                let record = |kind: &str, name: &str| {
                    format!(
                        "a staged {kind} whose `paths` cover {it} (a `{name}:` trailer is judged once the commit exists)"
                    )
                };
                match (&self.require_changed, &self.require_trailer) {
                    (Some(g), Some((name, kind))) => format!(
                        "a change to {}, or {}",
                        g.patterns.join(", "),
                        record(kind, name)
                    ),
                    (Some(g), None) => format!("a change to {}", g.patterns.join(", ")),
                    (None, Some((name, kind))) => record(kind, name),
                    (None, None) => "an accompanying change".into(),
                }
            }
        };
        let (listed, about) = changed_named(&triggered);
        Some(Event {
            message: format!(
                "{} changes {} without {wanted}{note}",
                change.named(),
                path_list(&listed)
            ),
            line: pinned_line(&triggered, change.outputs),
            about: about.into_iter().map(str::to_string).collect(),
        })
    }

    fn consults(&self) -> Option<&str> {
        self.require_trailer.as_ref().map(|(_, kind)| kind.as_str())
    }
}
