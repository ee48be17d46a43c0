//! Parse one pack's files into a draft; every problem becomes a diagnostic at its TOML span.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::PackDiagnostic;
use crate::model::*;
use crate::{Check, PackFiles};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: Spanned<String>,
    name: String,
    version: Spanned<String>,
    framework: String,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    requires: RawRequires,
    #[serde(default)]
    sources: Vec<SourceRef>,
    #[serde(default)]
    plugins: Vec<RawPluginDecl>,
    extends: Option<Spanned<RawExtends>>,
}

/// `[extends]`: the pack this one layers on (see `Extends`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtends {
    pack: Spanned<String>,
    version: Option<Spanned<String>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
}

/// `[[plugins]]`: a native plugin library, one file for every platform or one per platform
/// (`{ linux-x86_64 = "lib/libx.so", macos-aarch64 = "lib/libx.dylib" }`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPluginDecl {
    id: Spanned<String>,
    library: Spanned<RawLibrary>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLibrary {
    One(String),
    PerPlatform(BTreeMap<String, String>),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRequires {
    aimslint: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControls {
    #[serde(default)]
    control: Vec<RawControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: Spanned<String>,
    title: String,
    kind: String,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    evidence: Vec<Spanned<String>>,
    source: Option<Spanned<String>>,
    applies_from: Option<Spanned<String>>,
    applies_source: Option<String>,
    applies_status: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    id: Spanned<String>,
    title: String,
    schema: Option<Spanned<String>>,
    #[serde(default)]
    schema_pointer: String,
    #[serde(default)]
    detect: Vec<RawDetect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetect {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    sniff: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    id: Spanned<String>,
    title: String,
    severity: Spanned<String>,
    #[serde(default)]
    kinds: Vec<Spanned<String>>,
    #[serde(default)]
    controls: Vec<Spanned<String>>,
    since: Option<Spanned<String>>,
    #[serde(default)]
    help: String,
    #[serde(default)]
    docs: String,
    when: Option<Spanned<String>>,
    each: Option<Spanned<String>>,
    /// Rules of the same pack whose finding at the same place this rule's finding replaces.
    #[serde(default)]
    supersedes: Vec<Spanned<String>>,
    /// `[check.<kind>]`: read by the kind (`crate::check`).
    check: Spanned<toml::Table>,
}

pub(crate) fn glob_matcher(patterns: &[String]) -> Result<GlobMatcher, String> {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        let g = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{p}`: {e}"))?;
        b.add(g);
    }
    Ok(GlobMatcher {
        patterns: patterns.to_vec(),
        set: b.build().map_err(|e| e.to_string())?,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrosswalk {
    target: Spanned<String>,
    #[serde(default)]
    pair: Vec<RawPair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    from: Spanned<String>,
    to: Spanned<String>,
    relation: Relation,
    source: Spanned<String>,
    rationale: Option<String>,
}

/// `crosswalk/<target>.paths.toml`: which rules citing a pair's control do not carry status along
/// the pair (their gaps are no evidence about the item).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    target: Spanned<String>,
    source: Spanned<String>,
    #[serde(default)]
    path: Vec<RawPath>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    from: Spanned<String>,
    to: Spanned<String>,
    exclude: Vec<Spanned<String>>,
    why: String,
}

/// An organisation pack's layer on another pack: which rules of the base it turns off and which it
/// runs at another severity (its own rules with a base rule's id replace that rule). Spans are in
/// the extending pack's `pack.toml`.
pub(crate) struct Extends {
    pub base: String,
    pub base_span: std::ops::Range<usize>,
    pub version: Option<(semver::VersionReq, std::ops::Range<usize>)>,
    pub disable: Vec<(String, std::ops::Range<usize>)>,
    pub severity: Vec<(String, Severity, std::ops::Range<usize>)>,
}

/// A pack parsed on its own; references to other packs are checked by the set.
pub(crate) struct Draft {
    pub pack: Pack,
    /// What the pack changes in the pack it extends, for the set to apply.
    pub extends: Option<Extends>,
    /// Rules named in status paths, for the set to check: (file, span, rule id, the qualified
    /// control the rule must cite).
    pub rule_refs: Vec<(String, std::ops::Range<usize>, String, String)>,
    /// Control references of rules and crosswalks, for the set to check: (file, span, qualified id).
    pub control_refs: Vec<(String, std::ops::Range<usize>, String)>,
    /// Kind references of rules: (file, span, kind id).
    pub kind_refs: Vec<(String, std::ops::Range<usize>, String)>,
}

pub(crate) struct Ctx<'a> {
    pub files: &'a PackFiles,
    pub kinds: &'a dyn crate::CheckKinds,
    pub errors: &'a mut Vec<PackDiagnostic>,
    pub schemas: &'a mut SchemaStore,
}

impl Ctx<'_> {
    pub(crate) fn err(
        &mut self,
        rel: &str,
        span: Option<std::ops::Range<usize>>,
        msg: impl Into<String>,
    ) {
        let text = self.files.text(rel).unwrap_or_default().to_string();
        self.errors.push(PackDiagnostic::new(
            &self.files.display_path(rel),
            &text,
            span,
            msg,
        ));
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, rel: &str) -> Option<T> {
        let Some(text) = self.files.text(rel) else {
            self.err(rel, None, "not valid UTF-8");
            return None;
        };
        match crate::diag::from_toml_all::<T>(text) {
            Ok(v) => Some(v),
            Err(errors) => {
                for (span, message) in errors {
                    self.err(rel, span, message);
                }
                None
            }
        }
    }
}

/// Compiles JSON Schemas on first use: the pack's own `schemas/`, then the tool's built-in ones.
#[derive(Debug, Default)]
pub(crate) struct SchemaStore {
    compiled: HashMap<(String, String), Arc<CompiledSchema>>,
}

impl SchemaStore {
    pub fn get(&mut self, files: &PackFiles, name: &str) -> Result<Arc<CompiledSchema>, String> {
        let key = (files.origin.clone(), name.to_string());
        if let Some(s) = self.compiled.get(&key) {
            return Ok(s.clone());
        }
        let builtin = crate::builtin_schemas();
        let bytes: &[u8] = match files.files.get(&format!("schemas/{name}")) {
            Some(b) => b,
            None => builtin.get(name).copied().ok_or_else(|| {
                format!("no schema named `{name}` in the pack's schemas/ or the built-in schemas")
            })?,
        };
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("schema `{name}` is not valid JSON: {e}"))?;
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&value)
            .map_err(|e| format!("schema `{name}` does not compile: {e}"))?;
        let compiled = Arc::new(CompiledSchema {
            name: name.to_string(),
            validator,
        });
        self.compiled.insert(key, compiled.clone());
        Ok(compiled)
    }
}

pub(crate) fn valid_pointer(p: &str) -> bool {
    p.is_empty() || p.starts_with('/')
}

/// The longest CEL expression a rule may hold.
pub(crate) const MAX_EXPR_BYTES: usize = 16 * 1024;
/// How deeply brackets — `(…)`, `[…]`, `{…}` — may nest in an expression.
pub(crate) const MAX_EXPR_NESTING: usize = 32;
/// How deep the text of an expression may spell its tree, counted before parsing: along the way
/// from the whole expression down to any operand, each enclosing bracket and every operator chained
/// beside it (`+`, `==`, `in`, `.`, `?`, a call or an index; not `&&` and `||`, which the parser
/// balances) counts one. A chain `1 + 1 + … + 1` of n terms counts n - 1.
pub(crate) const MAX_EXPR_CHAIN: usize = 64;
/// How deep the parsed expression tree may be. Evaluation recurses once per level: 32 levels (and
/// the few the engine adds to count its work) fit in 1.25 MiB of stack in a debug build, and in a
/// fraction of that in a release build, within the 2 MiB of a worker thread; no rule of the bundled
/// packs is deeper than 12.
pub(crate) const MAX_EXPR_DEPTH: usize = 32;
/// The stack the CEL parser runs on. Its generated parser recurses ~10 frames per bracket (about
/// 170 KiB per bracket in a debug build); within the limits above it needs a few MiB at most.
const COMPILE_STACK: usize = 64 * 1024 * 1024;

/// Refuse an expression the CEL parser must not be given: too long, nested too deeply, or chaining
/// too many operators. The parser recurses (and frees its parse tree recursively) once per nesting
/// level and per chained operator, so `((((…` or `1 + 1 + …` 100,000 long overflows any stack;
/// this scan is linear and uses no recursion. String literals and `//` comments are skipped, never
/// trusting them further than the CEL lexer would (a one-line string ends at the line's end).
pub(crate) fn scan_expr(src: &str) -> Result<(), String> {
    if src.len() > MAX_EXPR_BYTES {
        return Err(format!(
            "the expression is {} bytes long; at most {MAX_EXPR_BYTES} are allowed (split the rule)",
            src.len()
        ));
    }
    let b = src.as_bytes();
    // One entry per open bracket (and one for the whole expression).
    let mut levels: Vec<Level> = vec![Level::default()];
    let chain_error = || {
        format!(
            "the expression chains or nests more than {MAX_EXPR_CHAIN} operators deep (e.g. a long `a + b + …`); split it, or use `&&`/`||`, `all()` or `exists()`"
        )
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let top = levels.len() - 1;
        match c {
            b'"' | b'\'' => {
                // A string prefix (`r`, `b`, `rb`, …) right before the quote: raw when it has `r`.
                let ident_start = src[..i]
                    .bytes()
                    .rev()
                    .take_while(|x| x.is_ascii_alphanumeric() || *x == b'_')
                    .count();
                let prefix = &src[i - ident_start..i];
                let raw = prefix.len() <= 2
                    && !prefix.is_empty()
                    && prefix
                        .bytes()
                        .all(|x| matches!(x, b'r' | b'R' | b'b' | b'B'))
                    && prefix.bytes().any(|x| matches!(x, b'r' | b'R'));
                i = string_end(b, i, raw);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                levels[top].links += 1;
                levels.push(Level::default());
                if levels.len() - 1 > MAX_EXPR_NESTING {
                    return Err(format!(
                        "brackets nest more than {MAX_EXPR_NESTING} deep in the expression; split it"
                    ));
                }
            }
            b')' | b']' | b'}' => {
                if top > 0
                    && let Some(inner) = levels.pop()
                {
                    levels[top - 1].nested(inner.depth());
                }
            }
            // The operands of `&&`, `||` and of a list of arguments are side by side, not chained.
            b'&' | b'|' if b.get(i + 1) == Some(&c) => {
                levels[top].next_operand();
                i += 1;
            }
            b',' => levels[top].next_operand(),
            // `!` alone does not deepen the tree (the parser folds `!!x`); `!=` does.
            b'!' if b.get(i + 1) != Some(&b'=') => {}
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'=' | b'!' | b'?' | b'.' => {
                levels[top].links += 1;
                // Two-character operators count once.
                if matches!(c, b'<' | b'>' | b'=' | b'!') && b.get(i + 1) == Some(&b'=') {
                    i += 1;
                }
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if &src[start..i] == "in" {
                    levels[top].links += 1;
                }
                continue;
            }
            _ => {}
        }
        if levels.last().is_some_and(|l| l.links > MAX_EXPR_CHAIN) {
            return Err(chain_error());
        }
        i += 1;
    }
    while levels.len() > 1 {
        if let Some(inner) = levels.pop() {
            let top = levels.len() - 1;
            levels[top].nested(inner.depth());
        }
    }
    if levels[0].depth() > MAX_EXPR_CHAIN {
        return Err(chain_error());
    }
    Ok(())
}

/// One bracket level of [`scan_expr`]: operators chained in the operand being read, the deepest
/// bracket closed inside it, and the deepest operand already read.
#[derive(Default)]
struct Level {
    links: usize,
    inner: usize,
    done: usize,
}

impl Level {
    fn nested(&mut self, depth: usize) {
        self.inner = self.inner.max(depth);
    }

    fn next_operand(&mut self) {
        self.done = self.depth();
        self.links = 0;
        self.inner = 0;
    }

    fn depth(&self) -> usize {
        self.done.max(self.links + self.inner)
    }
}

/// The end of the string literal whose opening quote is at `at`: after its closing quote, or at the
/// end of its line for a one-line string left open (where the CEL lexer ends it too).
fn string_end(b: &[u8], at: usize, raw: bool) -> usize {
    let q = b[at];
    let triple = b.get(at + 1) == Some(&q) && b.get(at + 2) == Some(&q);
    let mut i = at + if triple { 3 } else { 1 };
    while i < b.len() {
        match b[i] {
            b'\n' if !triple => return i,
            b'\\' if !raw && b.get(i + 1).is_some_and(|n| triple || *n != b'\n') => i += 2,
            x if x == q => {
                if !triple {
                    return i + 1;
                }
                if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// The depth of a parsed expression tree, walked with a stack of its own.
fn expr_depth(root: &cel::IdedExpr) -> usize {
    let mut deepest = 0;
    let mut todo = vec![(root, 1)];
    while let Some((e, d)) = todo.pop() {
        deepest = deepest.max(d);
        todo.extend(children(e).into_iter().map(|c| (c, d + 1)));
    }
    deepest
}

fn entry_children(entries: &[cel::common::ast::IdedEntryExpr]) -> Vec<&cel::IdedExpr> {
    use cel::common::ast::EntryExpr;
    entries
        .iter()
        .flat_map(|entry| match &entry.expr {
            EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
            EntryExpr::StructField(f) => vec![&f.value],
        })
        .collect()
}

fn children(e: &cel::IdedExpr) -> Vec<&cel::IdedExpr> {
    use cel::common::ast::Expr as E;
    let entries = entry_children;
    match &e.expr {
        E::Call(c) => c.target.as_deref().into_iter().chain(&c.args).collect(),
        E::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        E::List(l) => l.elements.iter().collect(),
        E::Map(m) => entries(&m.entries),
        E::Struct(s) => entries(&s.entries),
        E::Select(s) => vec![&*s.operand],
        E::Ident(_) | E::Literal(_) | E::Unspecified => Vec::new(),
    }
}

/// What the parser thread answers: the program or the parser's error, or `Err(())` when the
/// parser panicked.
type Parsed = Result<Result<cel::Program, String>, ()>;

/// A request to the parser thread: the expression, and where to send its answer.
type ParseJob = (String, std::sync::mpsc::SyncSender<Parsed>);

/// Parse an expression on the parser thread: one thread for the whole process, with a stack that
/// fits the limits above in every build, started on first use. A pack holds dozens of expressions,
/// and a thread of its own for each (a 64 MiB stack mapped, touched and unmapped every time) was
/// most of the time it took to load the bundled packs.
fn parse_on_compiler(src: String) -> Result<Parsed, String> {
    static COMPILER: std::sync::OnceLock<Result<std::sync::mpsc::Sender<ParseJob>, String>> =
        std::sync::OnceLock::new();
    let compiler = COMPILER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<ParseJob>();
        std::thread::Builder::new()
            .name("cel-compile".into())
            .stack_size(COMPILE_STACK)
            .spawn(move || {
                for (src, reply) in rx {
                    // The parser is a generated one: a panic inside it is that expression's error,
                    // and the thread goes on serving the next one.
                    let parsed = std::panic::catch_unwind(|| {
                        cel::Program::compile(&src).map_err(|e| e.to_string())
                    })
                    .map_err(drop);
                    let _ = reply.send(parsed);
                }
            })
            .map(|_| tx)
            .map_err(|e| format!("invalid CEL expression (could not start its parser: {e})"))
    });
    let compiler = compiler.as_ref().map_err(Clone::clone)?;
    let (reply, answer) = std::sync::mpsc::sync_channel(1);
    compiler
        .send((src, reply))
        .map_err(|_| "invalid CEL expression (its parser has stopped)".to_string())?;
    answer
        .recv()
        .map_err(|_| "invalid CEL expression (its parser has stopped)".to_string())
}

/// Compile a rule's CEL expression, within the limits above: every problem is an error message for
/// the rule's TOML line, never a crash.
pub(crate) fn compile_expr(src: &str) -> Result<Expr, String> {
    scan_expr(src).map_err(|e| format!("invalid CEL expression: {e}"))?;
    let program = match parse_on_compiler(src.to_string())? {
        Ok(Ok(program)) => program,
        Ok(Err(e)) => return Err(format!("invalid CEL expression: {e}")),
        Err(()) => return Err("invalid CEL expression (the parser failed)".into()),
    };
    let depth = expr_depth(program.expression());
    if depth > MAX_EXPR_DEPTH {
        return Err(format!(
            "invalid CEL expression: its tree is {depth} levels deep; at most {MAX_EXPR_DEPTH} are allowed (split the rule)"
        ));
    }
    Ok(Expr {
        source: src.to_string(),
        program: Arc::new(program),
    })
}

/// Parse one pack. Problems go to `ctx.errors`; whatever parsed is returned so later checks can run.
pub(crate) fn load_pack(ctx: &mut Ctx<'_>, tool_version: &semver::Version) -> Option<Draft> {
    let (manifest, plugins, extends) = load_manifest(ctx, tool_version)?;
    let id = manifest.id.clone();
    let source_ids: Vec<String> = manifest.sources.iter().map(|s| s.id.clone()).collect();
    let mut control_refs = Vec::new();
    let mut kind_refs = Vec::new();
    let controls = load_controls(ctx, &id, &source_ids, &mut kind_refs);
    let kinds = load_kinds(ctx, &id);
    let rules = load_rules(ctx, &id, &plugins, &mut control_refs, &mut kind_refs);
    let (crosswalks, rule_refs) = load_crosswalks(ctx, &id, &source_ids, &mut control_refs);
    let digest = ctx.files.digest();
    Some(Draft {
        pack: Pack {
            plugins,
            manifest,
            files: ctx.files.clone(),
            digest,
            controls,
            kinds,
            rules,
            crosswalks,
        },
        extends,
        rule_refs,
        control_refs,
        kind_refs,
    })
}

/// `pack.toml`: the manifest, the plugins it declares, and the pack it extends.
fn load_manifest(
    ctx: &mut Ctx<'_>,
    tool_version: &semver::Version,
) -> Option<(Manifest, Vec<PluginDecl>, Option<Extends>)> {
    let raw: RawManifest = ctx.parse("pack.toml")?;
    let id = raw.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        ctx.err(
            "pack.toml",
            Some(raw.id.span()),
            format!("pack id `{id}` must be lower-case letters, digits and `-`"),
        );
    }
    let version = match semver::Version::parse(raw.version.get_ref()) {
        Ok(v) => v,
        Err(e) => {
            ctx.err(
                "pack.toml",
                Some(raw.version.span()),
                format!("version is not semver: {e}"),
            );
            semver::Version::new(0, 0, 0)
        }
    };
    let requires_aimslint = match &raw.requires.aimslint {
        Some(req) => match semver::VersionReq::parse(req.get_ref()) {
            Ok(r) => {
                if !r.matches(tool_version) {
                    ctx.err(
                        "pack.toml",
                        Some(req.span()),
                        format!("pack {id} requires aimslint {r}, this is {tool_version}"),
                    );
                }
                Some(r)
            }
            Err(e) => {
                ctx.err(
                    "pack.toml",
                    Some(req.span()),
                    format!("invalid version requirement: {e}"),
                );
                None
            }
        },
        None => None,
    };
    // Native plugins: only a pack read from a directory can carry a library.
    let platform = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
    let mut plugins = Vec::new();
    for p in raw.plugins {
        if ctx.files.dir.is_none() {
            ctx.err(
                "pack.toml",
                Some(p.id.span()),
                "only a pack read from a directory can carry a native plugin (not a built-in pack, nor one from git)",
            );
            continue;
        }
        let span = p.library.span();
        let library = match p.library.into_inner() {
            RawLibrary::One(l) => Some(l),
            RawLibrary::PerPlatform(m) => m.get(&platform).cloned(),
        };
        if let Some(l) = &library {
            let rel = std::path::Path::new(l);
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                ctx.err(
                    "pack.toml",
                    Some(span),
                    format!("plugin library `{l}` is outside the pack directory"),
                );
                continue;
            }
        }
        if plugins.iter().any(|x: &PluginDecl| x.id == *p.id.get_ref()) {
            ctx.err(
                "pack.toml",
                Some(p.id.span()),
                format!("plugin `{}` is declared twice", p.id.get_ref()),
            );
        }
        plugins.push(PluginDecl {
            pack: id.to_string(),
            id: p.id.into_inner(),
            library,
        });
    }
    let extends = raw.extends.map(|e| {
        let e = e.into_inner();
        let version = e
            .version
            .and_then(|v| match semver::VersionReq::parse(v.get_ref()) {
                Ok(r) => Some((r, v.span())),
                Err(err) => {
                    ctx.err(
                        "pack.toml",
                        Some(v.span()),
                        format!("invalid version requirement: {err}"),
                    );
                    None
                }
            });
        let mut severity = Vec::new();
        for (rule, level) in e.severity {
            match Severity::parse(level.get_ref()) {
                Some(s) => severity.push((rule, s, level.span())),
                None => ctx.err(
                    "pack.toml",
                    Some(level.span()),
                    format!(
                        "`{}` is no severity (error, warning or info)",
                        level.get_ref()
                    ),
                ),
            }
        }
        Extends {
            base: e.pack.get_ref().clone(),
            base_span: e.pack.span(),
            version,
            disable: e
                .disable
                .into_iter()
                .map(|d| {
                    let span = d.span();
                    (d.into_inner(), span)
                })
                .collect(),
            severity,
        }
    });
    if extends.as_ref().is_some_and(|e| e.base == id) {
        ctx.err(
            "pack.toml",
            extends.as_ref().map(|e| e.base_span.clone()),
            format!("pack {id} cannot extend itself"),
        );
    }
    let manifest = Manifest {
        extends: extends.as_ref().map(|e| e.base.clone()),
        id: id.clone(),
        name: raw.name,
        version,
        framework: raw.framework,
        edition: raw.edition,
        description: raw.description,
        optional: raw.optional,
        requires_aimslint,
        sources: raw.sources,
    };
    Some((manifest, plugins, extends))
}

/// `controls.toml`.
fn load_controls(
    ctx: &mut Ctx<'_>,
    id: &str,
    source_ids: &[String],
    kind_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
) -> Vec<Control> {
    let mut controls = Vec::new();
    if ctx.files.files.contains_key("controls.toml")
        && let Some(rc) = ctx.parse::<RawControls>("controls.toml")
    {
        let mut seen: HashMap<String, ()> = HashMap::new();
        for c in &rc.control {
            if seen.insert(c.id.get_ref().clone(), ()).is_some() {
                ctx.err(
                    "controls.toml",
                    Some(c.id.span()),
                    format!("duplicate control id `{}`", c.id.get_ref()),
                );
            }
        }
        for c in rc.control {
            if let Some(p) = &c.parent
                && !seen.contains_key(p.get_ref())
            {
                ctx.err(
                    "controls.toml",
                    Some(p.span()),
                    format!("parent `{}` is not a control of this pack", p.get_ref()),
                );
            }
            if let Some(s) = &c.source
                && !source_ids.contains(s.get_ref())
            {
                ctx.err(
                    "controls.toml",
                    Some(s.span()),
                    format!(
                        "source `{}` is not declared in pack.toml [[sources]]",
                        s.get_ref()
                    ),
                );
            }
            if let Some(d) = &c.applies_from
                && jiff::civil::Date::strptime("%Y-%m-%d", d.get_ref()).is_err()
            {
                ctx.err(
                    "controls.toml",
                    Some(d.span()),
                    "applies_from must be a date YYYY-MM-DD",
                );
            }
            if let Some(s) = &c.applies_status
                && !["in-force", "amended", "pending"].contains(&s.get_ref().as_str())
            {
                ctx.err(
                    "controls.toml",
                    Some(s.span()),
                    "applies_status must be in-force, amended or pending",
                );
            }
            for e in &c.evidence {
                kind_refs.push(("controls.toml".to_string(), e.span(), e.get_ref().clone()));
            }
            controls.push(Control {
                pack: id.to_string(),
                id: c.id.into_inner(),
                title: c.title,
                kind: c.kind,
                parent: c.parent.map(Spanned::into_inner),
                description: c.description.trim().to_string(),
                evidence: c.evidence.into_iter().map(Spanned::into_inner).collect(),
                source: c.source.map(Spanned::into_inner),
                applies_from: c.applies_from.map(Spanned::into_inner),
                applies_source: c.applies_source,
                applies_status: c.applies_status.map(Spanned::into_inner),
            });
        }
    }

    controls
}

/// `kinds/<kind>.toml`.
fn load_kinds(ctx: &mut Ctx<'_>, id: &str) -> Vec<Kind> {
    let mut kinds = Vec::new();
    let kind_files: Vec<String> = ctx
        .files
        .under("kinds/")
        .map(|(p, _)| format!("kinds/{p}"))
        .collect();
    for rel in kind_files {
        if !rel.ends_with(".toml") {
            continue;
        }
        let Some(rk) = ctx.parse::<RawKind>(&rel) else {
            continue;
        };
        let stem = rel.trim_start_matches("kinds/").trim_end_matches(".toml");
        if rk.id.get_ref() != stem {
            ctx.err(
                &rel,
                Some(rk.id.span()),
                format!(
                    "kind id `{}` must match its file name `{stem}.toml`",
                    rk.id.get_ref()
                ),
            );
        }
        let schema = match &rk.schema {
            Some(s) => match ctx.schemas.get(ctx.files, s.get_ref()) {
                Ok(c) => Some(c),
                Err(e) => {
                    ctx.err(&rel, Some(s.span()), e);
                    None
                }
            },
            None => None,
        };
        let mut detect = Vec::new();
        for d in rk.detect {
            let mut builder = globset::GlobSetBuilder::new();
            for p in &d.paths {
                match globset::GlobBuilder::new(p.get_ref())
                    .literal_separator(true)
                    .build()
                {
                    Ok(g) => {
                        builder.add(g);
                    }
                    Err(e) => ctx.err(&rel, Some(p.span()), format!("invalid glob: {e}")),
                }
            }
            for s in &d.sniff {
                if aimslint_artifacts::Flavor::parse(s.get_ref()).is_none() {
                    ctx.err(
                        &rel,
                        Some(s.span()),
                        format!("unknown sniff `{}`", s.get_ref()),
                    )
                }
            }
            detect.push(Detect {
                patterns: d.paths.iter().map(|p| p.get_ref().clone()).collect(),
                paths: if d.paths.is_empty() {
                    None
                } else {
                    builder.build().ok()
                },
                sniff: d.sniff.into_iter().map(Spanned::into_inner).collect(),
            });
        }
        kinds.push(Kind {
            pack: id.to_string(),
            id: rk.id.into_inner(),
            title: rk.title,
            schema,
            schema_pointer: rk.schema_pointer,
            detect,
        });
    }

    kinds
}

/// `rules/<ID>.toml`, each check compiled by its kind; and the fixture folders, which must name a
/// rule.
fn load_rules(
    ctx: &mut Ctx<'_>,
    id: &str,
    plugins: &[PluginDecl],
    control_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
    kind_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
) -> Vec<Arc<Rule>> {
    let mut rules = Vec::new();
    // Per rule, the ids its `supersedes` names, each with its file and span.
    let mut supersede_refs = Vec::new();
    let rule_files: Vec<String> = ctx
        .files
        .under("rules/")
        .map(|(p, _)| format!("rules/{p}"))
        .collect();
    for rel in rule_files {
        if !rel.ends_with(".toml") {
            continue;
        }
        let first_error = ctx.errors.len();
        let rr = ctx.parse::<RawRule>(&rel);
        // The check is compiled even when the rest of the rule has errors, so they all show.
        let check = compile_check(ctx, &rel, plugins, kind_refs);
        if let Some(rr) = rr {
            let refs: Vec<(String, std::ops::Range<usize>, String)> = rr
                .supersedes
                .iter()
                .map(|s| (rel.clone(), s.span(), s.get_ref().clone()))
                .collect();
            if let Some(rule) = compile_rule(ctx, id, &rel, rr, check, control_refs, kind_refs) {
                supersede_refs.push((rule.id.clone(), refs));
                rules.push(Arc::new(rule));
            }
        }
        // The file's problems in the order of its lines, whichever pass found them.
        ctx.errors[first_error..].sort_by_key(|e| e.span.map_or(0, |s| s.offset()));
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    check_supersedes(ctx, &rules, &supersede_refs);

    // Fixture folders must name a rule.
    let fixture_rules: std::collections::BTreeSet<String> = ctx
        .files
        .under("tests/")
        .filter_map(|(p, _)| p.split('/').next().map(str::to_string))
        .collect();
    for f in fixture_rules {
        if !rules.iter().any(|r| r.id == f) {
            ctx.err(
                "pack.toml",
                None,
                format!("tests/{f}/ holds fixtures for `{f}`, which is not a rule of this pack"),
            );
        }
    }

    rules
}

/// `crosswalk/<target>.toml` and the status paths of `crosswalk/<target>.paths.toml`, with the rules
/// those name (for the set to check).
#[allow(clippy::type_complexity)]
fn load_crosswalks(
    ctx: &mut Ctx<'_>,
    id: &str,
    source_ids: &[String],
    control_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
) -> (
    Vec<Crosswalk>,
    Vec<(String, std::ops::Range<usize>, String, String)>,
) {
    let mut crosswalks = Vec::new();
    let cw_files: Vec<String> = ctx
        .files
        .under("crosswalk/")
        .map(|(p, _)| format!("crosswalk/{p}"))
        .collect();
    for rel in &cw_files {
        if !rel.ends_with(".toml") || rel.ends_with(".paths.toml") {
            continue;
        }
        let rel = rel.clone();
        let Some(rc) = ctx.parse::<RawCrosswalk>(&rel) else {
            continue;
        };
        let target = rc.target.get_ref().clone();
        let mut pairs = Vec::new();
        let mut seen = BTreeMap::new();
        for p in rc.pair {
            if !source_ids.contains(p.source.get_ref()) {
                ctx.err(
                    &rel,
                    Some(p.source.span()),
                    format!(
                        "source `{}` is not declared in pack.toml [[sources]]",
                        p.source.get_ref()
                    ),
                );
            }
            if p.source.get_ref() == "aimslint-editorial"
                && p.rationale.as_deref().is_none_or(str::is_empty)
            {
                ctx.err(
                    &rel,
                    Some(p.source.span()),
                    "an editorial pair needs a rationale",
                );
            }
            let from = format!("{id}:{}", p.from.get_ref());
            let to = format!("{target}:{}", p.to.get_ref());
            if seen.insert((from.clone(), to.clone()), ()).is_some() {
                ctx.err(
                    &rel,
                    Some(p.from.span()),
                    format!("duplicate pair {from} → {to}"),
                );
            }
            control_refs.push((rel.clone(), p.from.span(), from.clone()));
            control_refs.push((rel.clone(), p.to.span(), to.clone()));
            pairs.push(Pair {
                from,
                to,
                relation: p.relation,
                source: p.source.into_inner(),
                rationale: p.rationale,
                excluded_rules: None,
                excluded_why: None,
                excluded_source: None,
            });
        }
        crosswalks.push(Crosswalk {
            pack: id.to_string(),
            target,
            pairs,
        });
    }
    // Status paths: which rules' findings do not count along each pair.
    let mut rule_refs = Vec::new();
    for rel in cw_files.iter().filter(|r| r.ends_with(".paths.toml")) {
        let Some(rp) = ctx.parse::<RawPaths>(rel) else {
            continue;
        };
        if !source_ids.contains(rp.source.get_ref()) {
            ctx.err(
                rel,
                Some(rp.source.span()),
                format!(
                    "source `{}` is not declared in pack.toml [[sources]]",
                    rp.source.get_ref()
                ),
            );
        }
        let target = rp.target.get_ref().clone();
        let mut seen = BTreeMap::new();
        for path in rp.path {
            let from = format!("{id}:{}", path.from.get_ref());
            let to = format!("{target}:{}", path.to.get_ref());
            let pair = crosswalks
                .iter_mut()
                .filter(|c| c.target == target)
                .flat_map(|c| c.pairs.iter_mut())
                .find(|p| p.from == from && p.to == to);
            let Some(pair) = pair else {
                ctx.err(
                    rel,
                    Some(path.from.span()),
                    format!("no crosswalk pair {from} → {to} for this status path"),
                );
                continue;
            };
            if seen.insert((from.clone(), to.clone()), ()).is_some() {
                ctx.err(
                    rel,
                    Some(path.from.span()),
                    format!("duplicate status path {from} → {to}"),
                );
            }
            if path.why.trim().is_empty() {
                ctx.err(rel, Some(path.from.span()), "a status path needs its `why`");
            }
            for r in &path.exclude {
                rule_refs.push((rel.clone(), r.span(), r.get_ref().clone(), to.clone()));
            }
            pair.excluded_rules = Some(path.exclude.into_iter().map(Spanned::into_inner).collect());
            pair.excluded_why = Some(path.why);
            pair.excluded_source = Some(rp.source.get_ref().clone());
        }
    }

    (crosswalks, rule_refs)
}

/// Compile a rule file's `[check.<kind>]` with the kind's own compiler.
fn compile_check(
    ctx: &mut Ctx<'_>,
    rel: &str,
    plugins: &[PluginDecl],
    kind_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
) -> Option<Check> {
    let (name, span) = crate::check::kind_of(ctx, rel)?;
    let kinds = ctx.kinds;
    if !kinds.names().contains(&name.as_str()) {
        let message = crate::check::unknown_kind(&name, kinds);
        ctx.err(rel, Some(span), message);
        return None;
    }
    let mut cx = crate::check::Compile {
        ctx,
        rel,
        span,
        plugins,
        kind_refs,
    };
    kinds.compile(&name, &mut cx)
}

fn compile_rule(
    ctx: &mut Ctx<'_>,
    pack: &str,
    rel: &str,
    rr: RawRule,
    check: Option<Check>,
    control_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
    kind_refs: &mut Vec<(String, std::ops::Range<usize>, String)>,
) -> Option<Rule> {
    let mut ok = true;
    let stem = rel.trim_start_matches("rules/").trim_end_matches(".toml");
    let id = rr.id.get_ref().clone();
    if id != stem {
        ctx.err(
            rel,
            Some(rr.id.span()),
            format!("rule id `{id}` must match its file name `{stem}.toml`"),
        );
    }
    let severity = match Severity::parse(rr.severity.get_ref()) {
        Some(s) => s,
        None => {
            ctx.err(
                rel,
                Some(rr.severity.span()),
                "severity must be error, warning or info",
            );
            ok = false;
            Severity::Error
        }
    };
    // A kind the registry does not have is reported as such, not as a rule without `kinds`.
    let kinds_optional = rr
        .check
        .get_ref()
        .keys()
        .next()
        .is_none_or(|k| ctx.kinds.kinds_optional(k).unwrap_or(true));
    if rr.kinds.is_empty() && !kinds_optional {
        ctx.err(
            rel,
            Some(rr.id.span()),
            "a rule needs `kinds`: the artifact kinds it applies to",
        );
        ok = false;
    }
    for k in &rr.kinds {
        kind_refs.push((rel.to_string(), k.span(), k.get_ref().clone()));
    }
    let mut controls = Vec::new();
    for c in &rr.controls {
        let q = if c.get_ref().contains(':') {
            c.get_ref().clone()
        } else {
            format!("{pack}:{}", c.get_ref())
        };
        control_refs.push((rel.to_string(), c.span(), q.clone()));
        controls.push(q);
    }
    let since = match &rr.since {
        Some(s) => match semver::Version::parse(s.get_ref()) {
            Ok(v) => Some(v),
            Err(e) => {
                ctx.err(rel, Some(s.span()), format!("since is not semver: {e}"));
                None
            }
        },
        None => None,
    };
    let when = match &rr.when {
        Some(w) => match compile_expr(w.get_ref()) {
            Ok(e) => Some(e),
            Err(e) => {
                ctx.err(rel, Some(w.span()), e);
                ok = false;
                None
            }
        },
        None => None,
    };
    let each = match &rr.each {
        Some(e) if !valid_pointer(e.get_ref()) => {
            ctx.err(
                rel,
                Some(e.span()),
                "`each` must be a JSON Pointer starting with `/`",
            );
            None
        }
        Some(e) => Some(e.get_ref().clone()),
        None => None,
    };
    let check = check?;
    if !ok {
        return None;
    }
    Some(Rule {
        pack: pack.to_string(),
        id,
        title: rr.title,
        severity,
        kinds: rr.kinds.into_iter().map(Spanned::into_inner).collect(),
        controls,
        since,
        help: rr.help.trim().to_string(),
        docs: rr.docs.trim().to_string(),
        when,
        each,
        check,
        supersedes: rr.supersedes.into_iter().map(Spanned::into_inner).collect(),
        file: rel.to_string(),
    })
}

/// `supersedes` names other rules of the same pack, never the rule itself, each sharing a kind with
/// it (else their findings never meet), and without a cycle (which rule would win?).
#[allow(clippy::type_complexity)]
fn check_supersedes(
    ctx: &mut Ctx<'_>,
    rules: &[Arc<Rule>],
    refs: &[(String, Vec<(String, std::ops::Range<usize>, String)>)],
) {
    let by_id: HashMap<&str, &Rule> = rules.iter().map(|r| (r.id.as_str(), &**r)).collect();
    for (from, named) in refs {
        let Some(rule) = by_id.get(from.as_str()) else {
            continue;
        };
        for (rel, span, to) in named {
            let msg = match by_id.get(to.as_str()) {
                _ if to == from => format!("`{from}` cannot supersede itself"),
                None => format!("`{to}` in `supersedes` is not a rule of this pack"),
                Some(other)
                    if !rule.kinds.is_empty()
                        && !other.kinds.is_empty()
                        && !other.kinds.iter().any(|k| rule.kinds.contains(k)) =>
                {
                    format!(
                        "`{to}` applies to {}, `{from}` to {}: their findings never meet on one file",
                        other.kinds.join(", "),
                        rule.kinds.join(", ")
                    )
                }
                Some(other) if other.supersedes.iter().any(|s| s == from) => {
                    format!("`{from}` and `{to}` supersede each other: say which one wins")
                }
                Some(_) => continue,
            };
            ctx.err(rel, Some(span.clone()), msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compile on a thread with the default 2 MiB stack, as a test or worker thread has.
    fn compile_small_stack(src: String) -> Result<usize, String> {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || compile_expr(&src).map(|e| expr_depth(e.program.expression())))
            .unwrap()
            .join()
            .expect("compiling must not crash")
    }

    fn refused(src: String, why: &str) {
        let len = src.len();
        match compile_small_stack(src) {
            Ok(d) => panic!("a {len}-byte expression compiled (depth {d}); expected: {why}"),
            Err(e) => assert!(e.contains(why), "{e}"),
        }
    }

    #[test]
    fn deep_and_long_expressions_are_pack_errors_not_crashes() {
        let n = 100_000;
        let nest = "brackets nest more than";
        let chain = "chains or nests more than";
        // Past the byte limit.
        refused(format!("{}1{}", "(".repeat(n), ")".repeat(n)), "bytes long");
        refused(vec!["1"; n].join("+"), "bytes long");
        refused(format!("'{}'", "x".repeat(MAX_EXPR_BYTES)), "bytes long");
        // Within it: the nesting and chain limits decide.
        refused(format!("{}1{}", "(".repeat(8_000), ")".repeat(8_000)), nest);
        refused(format!("{}1{}", "[".repeat(8_000), "]".repeat(8_000)), nest);
        refused(format!("{}1", "(".repeat(16_000)), nest);
        refused(format!("{}1{}", "(".repeat(33), ")".repeat(33)), nest);
        // Long, but within the byte limit: the chain limit decides.
        refused(vec!["1"; 8_000].join("+"), chain);
        refused(format!("a{}", ".b".repeat(8_000)), chain);
        refused(format!("a{}", "[0]".repeat(4_000)), chain);
        refused(format!("{}1", "true ? 1 : ".repeat(1_000)), chain);
        refused(vec!["1"; 1_000].join(" in "), chain);
        refused(format!("{}1", "1 - ".repeat(1_000)), chain);
        // Chains inside brackets add up along the way down.
        let mut e = "1".to_string();
        for _ in 0..8 {
            e = format!("{}({e})", "1 + ".repeat(9));
        }
        refused(e, chain);
        // … but not across `&&`, `||` and arguments, whose operands sit side by side.
        let mut e = "true".to_string();
        for _ in 0..4 {
            e = format!("{}({e})", "x + 1 + 1 > 2 && ".repeat(20));
        }
        assert_eq!(scan_expr(&e), Ok(()));
    }

    /// Brackets inside string literals and comments do not count, and no literal can hide real
    /// brackets from the scan.
    #[test]
    fn strings_and_comments_neither_count_nor_hide() {
        let deep = format!("{}1{}", "(".repeat(40), ")".repeat(40));
        assert!(scan_expr(&deep).is_err());
        for ok in [
            format!("'{}' == x", "(".repeat(200)),
            format!("\"{}\" == x", "[".repeat(200)),
            format!("'''{}\n''' == x", "{".repeat(200)),
            format!("r'{}' == x", "(\\".repeat(200)),
            format!("x // {}\n && y", "(".repeat(200)),
            format!("x.matches('^\\\\({}$')", "(".repeat(100)),
        ] {
            assert_eq!(scan_expr(&ok), Ok(()), "{ok}");
        }
        for hidden in [
            // A raw string ends at its quote, whatever precedes it.
            format!("r'\\' == {deep}"),
            format!("R\"\\\" == {deep}"),
            format!("rb'\\' == {deep}"),
            // A one-line string ends at the end of its line, as the lexer ends it.
            format!("'open\n{deep}"),
            format!("'open \\\n{deep}"),
            // A comment ends at the end of its line.
            format!("x // it's\n || {deep}"),
            format!("\"\"\"x\"\"\" == {deep}"),
        ] {
            assert!(scan_expr(&hidden).is_err(), "{hidden:?}");
        }
    }

    #[test]
    fn expressions_within_the_limits_compile() {
        // 32 nested brackets: within the limit, and the parser needs far more than 2 MiB of stack
        // for them in a debug build, so this also shows it runs on a stack of its own.
        let nested = format!(
            "{}1{} == 1",
            "(".repeat(MAX_EXPR_NESTING),
            ")".repeat(MAX_EXPR_NESTING)
        );
        assert_eq!(compile_small_stack(nested), Ok(2));
        let lists = format!(
            "{}1{}",
            "[".repeat(MAX_EXPR_DEPTH - 1),
            "]".repeat(MAX_EXPR_DEPTH - 1)
        );
        assert_eq!(compile_small_stack(lists), Ok(MAX_EXPR_DEPTH));
        let sum = vec!["1"; MAX_EXPR_DEPTH].join(" + ");
        assert_eq!(compile_small_stack(sum), Ok(MAX_EXPR_DEPTH));
        let long_and = vec!["x == 1"; 1_000].join(" && ");
        assert!(compile_small_stack(long_and).is_ok());
        let bundled = "doc.systems.all(s, !has(s.id) || size(doc.systems.filter(t, has(t.id) && t.id == s.id)) == 1)";
        assert_eq!(compile_small_stack(bundled.into()), Ok(11));
    }

    /// The worst shapes the scan lets through reach the parser and come back as an answer.
    #[test]
    fn the_parser_survives_what_the_scan_lets_through() {
        let n = MAX_EXPR_NESTING;
        let c = MAX_EXPR_CHAIN;
        let mut shapes = vec![
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}1{}", "size(".repeat(n), ")".repeat(n)),
            format!(
                "{}{}1{}",
                "(".repeat(n),
                "1 + ".repeat(c - n),
                ")".repeat(n)
            ),
            format!("a{}", ".b".repeat(c)),
            format!("a{}", "[0]".repeat(c / 2)),
            format!("{}1", "true ? 1 : ".repeat(c)),
            format!("{}1", "-".repeat(c)),
            format!("{}true", "!".repeat(8_000)),
            vec!["1"; c + 1].join(" < "),
        ];
        let mut comprehension = "true".to_string();
        for i in 0..n / 2 {
            comprehension = format!("[1].all(x{i}, {comprehension})");
        }
        shapes.push(comprehension);
        for shape in shapes {
            assert_eq!(scan_expr(&shape), Ok(()), "{shape}");
            let _ = compile_small_stack(shape);
        }
    }

    /// Past the tree depth limit, but within what the scan lets through: refused after parsing.
    #[test]
    fn trees_deeper_than_the_limit_are_refused() {
        refused(
            vec!["1"; MAX_EXPR_DEPTH + 1].join(" + "),
            "levels deep; at most 32",
        );
        refused(
            format!(
                "{}1{}",
                "[".repeat(MAX_EXPR_DEPTH),
                "]".repeat(MAX_EXPR_DEPTH)
            ),
            "levels deep",
        );
        refused(vec!["1"; MAX_EXPR_CHAIN + 2].join(" + "), "chains or nests");
    }
}
