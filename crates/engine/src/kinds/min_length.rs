//! `min-length`: a value at a pointer holds at least so many characters, words of content, or
//! list items.

use aimslint_artifacts::content_words;
use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Anchor, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, key_name};

pub(crate) static KIND: Entry = Entry {
    name: "min-length",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.min-length]`: exactly one of the three minimums.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointer: String,
    min_chars: Option<usize>,
    min_words: Option<usize>,
    min_items: Option<usize>,
}

#[derive(Debug)]
enum Min {
    Chars(usize),
    Words(usize),
    Items(usize),
}

#[derive(Debug)]
struct MinLength {
    pointer: String,
    min: Min,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    let min = match (raw.min_chars, raw.min_words, raw.min_items) {
        (Some(n), None, None) => Min::Chars(n),
        (None, Some(n), None) => Min::Words(n),
        (None, None, Some(n)) => Min::Items(n),
        _ => {
            cx.error("min-length needs exactly one of min_chars, min_words, min_items");
            return None;
        }
    };
    Some(Box::new(MinLength {
        pointer: raw.pointer,
        min,
    }))
}

impl Kind for MinLength {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, _ctx: &Ctx<'_>) -> Vec<Hit> {
        let pointer = &self.pointer;
        let Some(v) = aimslint_artifacts::value_at(subject, pointer) else {
            return Vec::new();
        };
        let (have, need, unit) = match (&self.min, v) {
            (Min::Chars(n), Value::String(s)) => (s.trim().chars().count(), *n, "characters"),
            (Min::Words(n), Value::String(s)) => (content_words(s), *n, "words"),
            (Min::Items(n), Value::Array(a)) => (a.len(), *n, "items"),
            (Min::Items(n), _) => (0, *n, "items"),
            (Min::Chars(n) | Min::Words(n), _) => (0, *n, "words of text"),
        };
        if have >= need {
            return Vec::new();
        }
        vec![Hit::at(
            format!("{base}{pointer}"),
            format!(
                "`{}` has {have} {unit}; at least {need} needed",
                key_name(pointer)
            ),
        )]
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }

    /// A length finding is about the place, not its text: adding words is no new finding.
    fn anchor(&self, _hit: &Hit, _value: Option<&Value>) -> Anchor {
        Anchor::Pointer
    }
}
