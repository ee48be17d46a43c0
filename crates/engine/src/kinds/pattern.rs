//! `pattern`: strings at a pointer match a regular expression, or (`forbid`) do not contain it.

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Anchor, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, at, key_name, strings_at};

pub(crate) static KIND: Entry = Entry {
    name: "pattern",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.pattern]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointer: String,
    regex: String,
    message: Option<String>,
    #[serde(default)]
    forbid: bool,
}

#[derive(Debug)]
struct Pattern {
    pointer: String,
    regex: regex::Regex,
    message: Option<String>,
    /// Report a match instead of a mismatch (text that must not appear).
    forbid: bool,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    // A placeholder pattern is a long alternation, case-insensitive, over every card body: a
    // larger lazy-DFA cache than the default keeps it from being rebuilt state by state on each
    // document (the cache is per thread; the limit is per regex).
    match regex::RegexBuilder::new(&raw.regex)
        .dfa_size_limit(16 << 20)
        .build()
    {
        Ok(regex) => Some(Box::new(Pattern {
            pointer: raw.pointer,
            regex,
            message: raw.message,
            forbid: raw.forbid,
        })),
        Err(e) => {
            cx.error(format!("invalid regex: {e}"));
            None
        }
    }
}

impl Kind for Pattern {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let (pointer, regex) = (&self.pointer, &self.regex);
        for (i, s) in strings_at(subject, pointer) {
            if self.forbid {
                let mut found: Vec<regex::Match<'_>> = regex.find_iter(&s).collect();
                // The Markdown body's fenced code is not the document's prose.
                if pointer == "/body" && !found.is_empty() {
                    let own;
                    let code = if std::ptr::eq(subject, ctx.root) {
                        ctx.body_code
                            .get_or_init(|| aimslint_artifacts::fenced_code(&s))
                    } else {
                        own = aimslint_artifacts::fenced_code(&s);
                        &own
                    };
                    found.retain(|m| !aimslint_artifacts::in_ranges(code, m.start()));
                }
                if let Some(first) = found.first() {
                    let m = self
                        .message
                        .clone()
                        .unwrap_or_else(|| format!("matches /{}/", regex.as_str()));
                    let more = if found.len() > 1 {
                        format!(" ({} places; the first is shown)", found.len())
                    } else {
                        String::new()
                    };
                    hits.push(Hit {
                        offset: Some(first.start()),
                        ..Hit::at(at(base, pointer, i), format!("{m}{more}"))
                    });
                }
            } else if !regex.is_match(&s) {
                let m = self
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("does not match /{}/", regex.as_str()));
                hits.push(Hit::at(
                    at(base, pointer, i),
                    format!("`{}` = \"{s}\": {m}", key_name(pointer)),
                ));
            }
        }
        hits
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }

    fn reads_only_body(&self) -> bool {
        self.pointer == "/body"
            || ["/sections", "/labels"].iter().any(|p| {
                self.pointer
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
    }

    /// A forbidden pattern in a one-line value: the text it matched (in a block of text, such as
    /// the Markdown body, one finding however many places hold it: nothing beyond the pointer, so
    /// filling one placeholder of several is no fix).
    fn anchor(&self, hit: &Hit, value: Option<&Value>) -> Anchor {
        match value {
            Some(Value::String(s)) if self.forbid && hit.core.is_none() => {
                if s.trim().contains('\n') {
                    return Anchor::Pointer;
                }
                let at = hit.offset.unwrap_or(0);
                let matched = s
                    .get(at..)
                    .and_then(|_| self.regex.find_at(s, at))
                    .filter(|m| m.start() == at)
                    .map(|m| m.as_str());
                // No match where the hit says (it cannot happen): the rest of that line.
                let text = matched.unwrap_or_else(|| {
                    let rest = s.get(at..).unwrap_or("");
                    rest.split('\n').next().unwrap_or("")
                });
                Anchor::Text(crate::run::normalise_text(text))
            }
            _ => Anchor::Value,
        }
    }
}
