//! The seam between a rule and the check kind that judges it.
//!
//! A pack knows a rule's `[check.<kind>]` table only as TOML: the kind's own module, in the
//! engine's registry (`aimslint_engine::kinds`), holds its shape, compiles it here (through
//! [`Compile`], which puts every error at its TOML span) and runs it. Loading a pack takes the
//! registry as [`CheckKinds`]; a rule holds the result as [`Check`].

use std::any::Any;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::load::Ctx;
use crate::model::{CompiledSchema, GlobMatcher, PluginDecl};

/// A rule's check, compiled by its kind.
pub trait CompiledCheck: fmt::Debug + Send + Sync + Any {
    /// The kind's name, as a rule writes it: `[check.<name>]`.
    fn name(&self) -> &'static str;
    /// Whether it judges commits (what a commit changes, its trailers) rather than documents.
    fn is_history(&self) -> bool {
        false
    }
    /// The compiled check itself, for its kind to find again.
    fn as_any(&self) -> &dyn Any;
}

/// A rule's compiled check.
pub type Check = Arc<dyn CompiledCheck>;

/// The check kinds a pack's rules may use.
pub trait CheckKinds: Sync {
    /// Every kind's name.
    fn names(&self) -> Vec<&'static str>;
    /// Whether the rules of kind `name` may leave `kinds` empty (a commit kind that looks at paths,
    /// not documents). `None` for a kind the registry does not have.
    fn kinds_optional(&self, name: &str) -> Option<bool>;
    /// Compile the `[check.<name>]` table of the rule `cx` reads; `None` when the kind is unknown
    /// or the table has errors (each reported through `cx`).
    fn compile(&self, name: &str, cx: &mut Compile<'_, '_>) -> Option<Check>;
}

/// What a check kind's compiler has at hand: the rule file's text, and where to report.
pub struct Compile<'c, 'a> {
    pub(crate) ctx: &'c mut Ctx<'a>,
    pub(crate) rel: &'c str,
    pub(crate) span: Range<usize>,
    pub(crate) plugins: &'c [PluginDecl],
    pub(crate) kind_refs: &'c mut Vec<(String, Range<usize>, String)>,
}

impl fmt::Debug for Compile<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compile")
            .field("rule", &self.rel)
            .field("span", &self.span)
            .finish_non_exhaustive()
    }
}

impl Compile<'_, '_> {
    /// The `[check.<kind>]` table read as the kind's shape `R` (`deny_unknown_fields`, spans with
    /// `toml::Spanned`); every mistake in it is reported at its line.
    pub fn raw<R: DeserializeOwned>(&mut self) -> Option<R> {
        let text = self.ctx.files.text(self.rel)?;
        match crate::diag::from_toml_all::<Wrap<R>>(text) {
            Ok(w) => Some(w.check.0),
            Err(errors) => {
                for (span, message) in errors {
                    self.ctx.err(self.rel, span, message);
                }
                None
            }
        }
    }

    /// An error about the check as a whole, at its table.
    pub fn error(&mut self, message: impl Into<String>) {
        let span = self.span.clone();
        self.ctx.err(self.rel, Some(span), message);
    }

    /// An error at a span of the rule file (from a `toml::Spanned` field).
    pub fn error_at(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.ctx.err(self.rel, Some(span), message);
    }

    /// Report `p` unless it is a JSON Pointer.
    pub fn pointer(&mut self, p: &str) {
        if !crate::load::valid_pointer(p) {
            self.error(format!(
                "`{p}` is not a JSON Pointer (it must start with `/`)"
            ));
        }
    }

    /// The schema `name` from the pack's `schemas/` or the built-in ones, compiled once.
    pub fn schema(&mut self, name: &str) -> Option<Arc<CompiledSchema>> {
        match self.ctx.schemas.get(self.ctx.files, name) {
            Ok(s) => Some(s),
            Err(e) => {
                self.error(e);
                None
            }
        }
    }

    /// Path globs, or an error naming the bad one.
    pub fn globs(&mut self, patterns: &[String]) -> Option<GlobMatcher> {
        match crate::load::glob_matcher(patterns) {
            Ok(g) => Some(g),
            Err(e) => {
                self.error(e);
                None
            }
        }
    }

    /// A CEL expression, compiled within the limits every expression has.
    pub fn expr(&mut self, src: &str) -> Option<crate::Expr> {
        match crate::load::compile_expr(src) {
            Ok(e) => Some(e),
            Err(e) => {
                self.error(e);
                None
            }
        }
    }

    /// Record that the check names an artifact kind, for the pack set to check it exists.
    pub fn kind_ref(&mut self, kind: &str) {
        self.kind_refs
            .push((self.rel.to_string(), self.span.clone(), kind.to_string()));
    }

    /// Whether the pack's `pack.toml` declares the plugin `id`.
    pub fn declares_plugin(&self, id: &str) -> bool {
        self.plugins.iter().any(|p| p.id == id)
    }
}

/// A rule file read for its check alone: `check` is a table of one entry, `<kind> = { … }`.
#[derive(Deserialize)]
struct Wrap<R> {
    check: One<R>,
}

/// The value of a one-entry table.
struct One<R>(R);

impl<'de, R: Deserialize<'de>> Deserialize<'de> for One<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<R>(std::marker::PhantomData<R>);
        impl<'de, R: Deserialize<'de>> Visitor<'de> for V<R> {
            type Value = One<R>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one `[check.<kind>]` table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<One<R>, A::Error> {
                let Some((_, value)) = map.next_entry::<IgnoredAny, R>()? else {
                    return Err(serde::de::Error::custom("the check names no kind"));
                };
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(One(value))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// The kind a rule file's `check` names, and the span of its table; errors (no check, several
/// kinds, not a table) are reported through `ctx`.
pub(crate) fn kind_of(ctx: &mut Ctx<'_>, rel: &str) -> Option<(String, Range<usize>)> {
    #[derive(Deserialize)]
    struct Head {
        check: Option<toml::Spanned<toml::Table>>,
    }
    let text = ctx.files.text(rel)?;
    // The rule's own parse reports a file that is not TOML.
    let head: Head = toml::from_str(text).ok()?;
    // A rule without one: its own parse says so.
    let check = head.check?;
    let span = check.span();
    let names: Vec<&String> = check.get_ref().keys().collect();
    match names.as_slice() {
        [one] => Some(((*one).clone(), span)),
        [] => {
            ctx.err(rel, Some(span), "`check` names no check kind");
            None
        }
        several => {
            let listed: Vec<String> = several.iter().map(|n| format!("`{n}`")).collect();
            ctx.err(
                rel,
                Some(span),
                format!(
                    "a rule has one check; this one names {}",
                    listed.join(" and ")
                ),
            );
            None
        }
    }
}

/// The error for a kind the registry does not have, listing the ones it has.
pub(crate) fn unknown_kind(name: &str, kinds: &dyn CheckKinds) -> String {
    let known: Vec<String> = kinds.names().iter().map(|n| format!("`{n}`")).collect();
    format!(
        "unknown check kind `{name}`, expected one of {}",
        known.join(", ")
    )
}
