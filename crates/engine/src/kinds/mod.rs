//! The check kinds: one module each, holding the kind's shape in a rule file (`[check.<kind>]`),
//! its compiler (every error at its TOML span), what its result depends on, and how it judges.
//!
//! A pack is loaded with [`REGISTRY`]; a rule's compiled check comes back to its kind through
//! [`of`]. Adding a kind is one module here and its line in [`KINDS`]: history mode, staged mode,
//! the working tree and the pack loader ask the kind, never its name.

use std::any::Any;
use std::fmt;

use aimslint_packs::{Check, CheckKinds, Compile, CompiledCheck, Rule};
use serde_json::Value;

use crate::checks::{Ctx, Hit};
use crate::run::{Doc, Engine};

mod approval;
mod co_change;
mod enum_;
pub(crate) mod expr;
mod max_age;
mod min_length;
mod no_delete;
mod pattern;
pub(crate) mod plugin;
mod reference;
mod required;
mod schema;
pub(crate) mod section;
mod trailer;

pub use section::Section;

/// Every check kind, in the order `docs/packs.md` describes them.
static KINDS: [&Entry; 14] = [
    &schema::KIND,
    &required::KIND,
    &pattern::KIND,
    &enum_::KIND,
    &min_length::KIND,
    &max_age::KIND,
    &section::KIND,
    &reference::KIND,
    &expr::KIND,
    &approval::KIND,
    &plugin::KIND,
    &co_change::KIND,
    &trailer::KIND,
    &no_delete::KIND,
];

/// One check kind: its name as rules write it, and its compiler.
pub(crate) struct Entry {
    pub name: &'static str,
    /// Judges commits, not documents.
    pub history: bool,
    /// Its rules may leave `kinds` empty: it looks at the paths a commit changes, not at documents.
    pub kinds_optional: bool,
    pub compile: fn(&mut Compile<'_, '_>) -> Option<Box<dyn Kind>>,
}

/// The check kinds, for loading packs.
#[derive(Debug)]
pub struct Registry;

/// The registry packs are loaded with: `PackSet::load(&request, &version, &REGISTRY)`.
pub static REGISTRY: Registry = Registry;

impl CheckKinds for Registry {
    fn names(&self) -> Vec<&'static str> {
        KINDS.iter().map(|k| k.name).collect()
    }

    fn kinds_optional(&self, name: &str) -> Option<bool> {
        KINDS
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.kinds_optional)
    }

    fn compile(&self, name: &str, cx: &mut Compile<'_, '_>) -> Option<Check> {
        let entry = KINDS.iter().find(|k| k.name == name)?;
        Some(wrap(entry, (entry.compile)(cx)?))
    }
}

/// A compiled check as a rule holds it.
fn wrap(entry: &Entry, kind: Box<dyn Kind>) -> Check {
    std::sync::Arc::new(Compiled {
        name: entry.name,
        history: entry.history,
        kind,
    })
}

/// What a compiled check is to the pack that holds it.
#[derive(Debug)]
struct Compiled {
    name: &'static str,
    history: bool,
    kind: Box<dyn Kind>,
}

impl CompiledCheck for Compiled {
    fn name(&self) -> &'static str {
        self.name
    }
    fn is_history(&self) -> bool {
        self.history
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A check no kind of this registry compiled (a pack cannot make one): it finds nothing.
#[derive(Debug)]
struct Foreign;
impl Kind for Foreign {}

/// The kind that judges `rule`.
pub(crate) fn of(rule: &Rule) -> &dyn Kind {
    // Through the trait object: `Arc` itself is `Any` too.
    match CompiledCheck::as_any(&*rule.check).downcast_ref::<Compiled>() {
        Some(c) => c.kind.as_ref(),
        None => &Foreign,
    }
}

/// A rule's check as its kind's own type, when it is of that kind.
pub(crate) fn as_kind<T: Kind>(rule: &Rule) -> Option<&T> {
    AsAny::as_any(of(rule)).downcast_ref::<T>()
}

/// The `section` check of a rule, if it has one (for `aimslint.toml`'s `[rules.sections]` and
/// `explain`).
pub fn section_of(rule: &Rule) -> Option<&Section> {
    as_kind::<Section>(rule)
}

/// What a rule's result depends on beyond the document it judges: history mode re-runs it when
/// that changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dependence {
    /// The document alone: judged once per blob.
    Document,
    /// The date of judgement too (ages, approvals dated after the change).
    Date,
    /// Other files of the tree (by path or by key value).
    Tree,
    /// A commit: what it changes, its trailers. Judged per commit, not per document.
    Commit,
}

/// Which top-level front-matter keys of a Markdown document a check reads.
#[derive(Debug)]
pub(crate) enum Reads<'a> {
    /// Values at these pointers.
    Pointers(Vec<&'a str>),
    /// These keys of `/meta`.
    MetaKeys(Vec<String>),
    /// All of the document.
    Whole,
}

/// How the content anchor of a finding's fingerprint is taken (see `run::anchor`).
#[derive(Debug)]
pub(crate) enum Anchor {
    /// The value at the finding's pointer, when it is a scalar.
    Value,
    /// Nothing beyond the pointer.
    Pointer,
    /// This text.
    Text(String),
}

/// A check kind, compiled from one rule's `[check.<kind>]`.
pub(crate) trait Kind: fmt::Debug + Send + Sync + AsAny {
    /// What the result depends on besides the document (and the rule's `when`).
    fn dependence(&self, _engine: &Engine, _rule: &Rule) -> Dependence {
        Dependence::Document
    }

    /// The places where the rule does not hold on `subject` (the document, or the `each` element
    /// at `base`).
    fn run(&self, _rule: &Rule, _subject: &Value, _base: &str, _ctx: &Ctx<'_>) -> Vec<Hit> {
        Vec::new()
    }

    /// A commit kind's finding about one change.
    fn on_change(&self, _rule: &Rule, _change: &ChangeView<'_>) -> Option<Event> {
        None
    }

    /// The pointers of the document the check reads (so a card's front matter is parsed only as
    /// far as needed).
    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(Vec::new())
    }

    /// Whether what the check finds on a Markdown document is a function of its body alone (its
    /// text, sections and labels), whatever its front matter and path: so it is remembered per
    /// body (`Engine::eval_doc_deps`).
    fn reads_only_body(&self) -> bool {
        false
    }

    /// The content anchor of a finding's fingerprint (`value`: the value at its pointer).
    fn anchor(&self, _hit: &Hit, _value: Option<&Value>) -> Anchor {
        Anchor::Value
    }

    /// Whether a finding's identity stops at the document (or `each` element) rather than its
    /// pointer.
    fn identity_at_subject(&self) -> bool {
        false
    }

    /// Dates at which the result on `value` may change (the rule is over each element of a list
    /// when `each`; `dates`: every date the document holds).
    fn critical_dates(
        &self,
        _value: &Value,
        _each: bool,
        _dates: &[jiff::civil::Date],
    ) -> Vec<jiff::civil::Date> {
        Vec::new()
    }

    /// The (kind, pointer) pair the check looks documents up by.
    fn key_lookup(&self) -> Option<(&str, &str)> {
        None
    }

    /// The artifact kind of the documents the check reads when judging a commit.
    fn consults(&self) -> Option<&str> {
        None
    }

    /// The check's CEL expression.
    fn expression(&self) -> Option<&aimslint_packs::Expr> {
        None
    }
}

/// Lets a kind be found again as its own type.
pub(crate) trait AsAny: Any {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One change as a commit kind sees it: a commit of the history, or the staged change.
pub(crate) struct ChangeView<'a> {
    /// The paths it adds, modifies, renames or deletes, in order.
    pub changed: Vec<&'a str>,
    /// The outputs it re-pins in DVC files (`crate::dvc`).
    pub outputs: &'a [(String, crate::dvc::Pin)],
    /// The evidence files it deletes (moves excepted), with their kinds.
    pub deleted: Vec<(&'a str, &'a str)>,
    /// The documents it adds or modifies, as they are after it.
    pub written: Vec<&'a Doc>,
    pub source: Source<'a>,
}

/// Where a change comes from.
pub(crate) enum Source<'a> {
    /// A commit, and the documents of its tree by kind and `/id` or path.
    Commit {
        meta: &'a aimslint_git::CommitMeta,
        find: &'a dyn Fn(&str, &str) -> Option<&'a Doc>,
    },
    /// The staged change: its message and trailers do not exist yet.
    Staged,
}

impl ChangeView<'_> {
    /// How a message names the change.
    fn named(&self) -> String {
        match &self.source {
            Source::Commit { meta, .. } => format!("commit \"{}\"", meta.summary),
            Source::Staged => "the staged change".into(),
        }
    }
}

/// A commit kind's finding: the paths it is about (the first places it), its message, and the
/// line it is placed at when not the first.
#[derive(Debug)]
pub(crate) struct Event {
    pub about: Vec<String>,
    pub message: String,
    pub line: Option<usize>,
}

/// Whether a change record's `paths` cover a path (a record without `paths` covers every path).
pub(crate) fn covers(doc: &Doc, path: &str) -> bool {
    let Ok(p) = &doc.parsed.result else {
        return false;
    };
    match p.value.get("paths") {
        Some(Value::Array(globs)) => globs.iter().filter_map(Value::as_str).any(|g| {
            globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(path))
        }),
        _ => true,
    }
}

/// Whether a change record's `paths` cover every changed path (an output DVC re-pinned is
/// covered by its own path or by its DVC file's).
fn covers_all(doc: &Doc, changed: &[(&str, Option<&str>)]) -> bool {
    changed
        .iter()
        .all(|(p, f)| covers(doc, p) || f.is_some_and(|f| covers(doc, f)))
}

/// The changed paths a commit rule is about, for its message (an output DVC re-pinned is named with
/// the file that pins it), and the files the finding is about (the DVC file for an output: a
/// finding is placed in the repository).
fn changed_named<'a>(triggered: &[(&'a str, Option<&'a str>)]) -> (Vec<String>, Vec<&'a str>) {
    let listed = triggered
        .iter()
        .map(|(p, f)| match f {
            Some(f) => format!("{p} (pinned in {f})"),
            None => p.to_string(),
        })
        .collect();
    let mut about: Vec<&str> = Vec::new();
    for (p, f) in triggered {
        let at = f.unwrap_or(p);
        if !about.contains(&at) {
            about.push(at);
        }
    }
    (listed, about)
}

/// The line a commit finding is placed at when its first path is an output DVC re-pinned: the
/// line of the output's entry in the DVC file.
fn pinned_line(
    triggered: &[(&str, Option<&str>)],
    outputs: &[(String, crate::dvc::Pin)],
) -> Option<usize> {
    let (p, Some(f)) = triggered.first()? else {
        return None;
    };
    outputs
        .iter()
        .find(|(o, (file, _))| o == p && file == f)
        .map(|(_, (_, line))| *line)
}

/// Paths for a message: all of them up to a dozen, then how many more.
pub(crate) fn path_list(paths: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut out = paths
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        out.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule of the built-in packs comes back to the kind that compiled it, under its name.
    #[test]
    fn each_rule_finds_its_kind() {
        let packs = aimslint_packs::PackSet::load(
            &aimslint_packs::LoadRequest::all_builtin(),
            &semver::Version::new(0, 1, 0),
            &REGISTRY,
        )
        .unwrap();
        let mut used = std::collections::BTreeSet::new();
        for rule in packs.rules() {
            let kind = of(rule);
            assert!(
                AsAny::as_any(kind).downcast_ref::<Foreign>().is_none(),
                "{}: its check is not one of the registry's",
                rule.id
            );
            used.insert(rule.check.name());
        }
        let names = REGISTRY.names();
        assert_eq!(
            names
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            KINDS.len()
        );
        // The built-in packs use most kinds (plugins and commit kinds aside).
        for name in [
            "schema",
            "required",
            "pattern",
            "section",
            "reference",
            "expr",
        ] {
            assert!(used.contains(name), "no built-in rule uses `{name}`");
        }
        assert!(section_of(packs.rule("DC-001").unwrap()).is_some());
        assert!(section_of(packs.rule("CH-001").unwrap()).is_none());
    }
}
