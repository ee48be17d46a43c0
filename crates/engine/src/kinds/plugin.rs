//! `plugin`: a rule a native plugin implements (`[check.plugin]`). The document goes to the
//! plugin with the rule's parameters, and the other documents the plugin declared it reads; its
//! hits are the findings. The plugin's declarations decide what the result depends on.

use std::collections::HashSet;

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use super::{Dependence, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, PLUGIN_ERROR, key_dep, resolve_path};
use crate::run::Engine;

pub(crate) static KIND: Entry = Entry {
    name: "plugin",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.plugin]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    plugin: toml::Spanned<String>,
    #[serde(default)]
    params: serde_json::Value,
}

/// A compiled `plugin` check.
#[derive(Debug)]
pub(crate) struct Plugin {
    /// The plugin's id in its pack's `[[plugins]]`.
    pub plugin: String,
    params: serde_json::Value,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    if !cx.declares_plugin(raw.plugin.get_ref()) {
        cx.error_at(
            raw.plugin.span(),
            format!(
                "plugin `{}` is not declared in this pack's pack.toml [[plugins]]",
                raw.plugin.get_ref()
            ),
        );
        return None;
    }
    Some(Box::new(Plugin {
        plugin: raw.plugin.into_inner(),
        params: raw.params,
    }))
}

impl Kind for Plugin {
    /// A rule that declared other documents reads the tree; one that declared the date, the date.
    fn dependence(&self, engine: &Engine, rule: &Rule) -> Dependence {
        match engine.plugin_needs.get(&rule.id) {
            Some(n) if !n.documents.is_empty() => Dependence::Tree,
            Some(n) if n.date => Dependence::Date,
            _ => Dependence::Document,
        }
    }

    fn run(&self, rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let (plugin, params) = (&self.plugin, &self.params);
        let mut hits = Vec::new();
        // The whole document, converted once for all the plugin rules on it, under one key
        // (so a plugin is sent it once); an element of an `each` rule goes on its own.
        let (document, document_key) = if std::ptr::eq(subject, ctx.root) {
            let (key, doc) = ctx.plugin_document.get_or_init(|| {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                (
                    format!("document:{n}:{}", ctx.path),
                    std::sync::Arc::new(subject.clone()),
                )
            });
            (doc.clone(), Some(key.clone()))
        } else {
            (std::sync::Arc::new(subject.clone()), None)
        };
        let request = aimslint_plugin_abi::CheckRequest {
            rule: rule.id.clone(),
            params: params.clone(),
            document,
            document_key,
            path: ctx.path.to_string(),
            kind: ctx.kind.to_string(),
            as_of: ctx.today.to_string(),
            related: Vec::new(),
            forget: Vec::new(),
        };
        let mut request = request;
        let mut named = 0;
        let mut refused = Vec::new();
        if let Some(needs) = ctx.plugin_needs.and_then(|n| n.get(&rule.id)) {
            (request.related, named, refused) = related_documents(needs, ctx);
        }
        for why in refused {
            hits.push(Hit {
                at_top: true,
                core: Some(PLUGIN_ERROR),
                ..Hit::at(
                    base.to_string(),
                    format!(
                        "{}: plugin `{plugin}` declares a need aimslint does not follow: {why}; the rule is judged without it",
                        rule.id
                    ),
                )
            });
        }
        if named > request.related.len() {
            hits.push(Hit {
                at_top: true,
                core: Some(PLUGIN_ERROR),
                ..Hit::at(
                    base.to_string(),
                    format!(
                        "{}: the document names {}{named} files for plugin `{plugin}` to read; it was given the first {MAX_RELATED} and judged without the others",
                        rule.id,
                        if named >= MAX_NAMED { "at least " } else { "" }
                    ),
                )
            });
        }
        let answer = match ctx.plugins {
            Some(runner) => runner.check(&rule.pack, plugin, request),
            None => Err("no plugin host runs in this mode".to_string()),
        };
        match answer {
            Ok(found) => hits.extend(found.into_iter().map(|h| {
                let pointer = if h.pointer.is_empty()
                    || aimslint_artifacts::value_at(subject, &h.pointer).is_none()
                {
                    base.to_string()
                } else {
                    format!("{base}{}", h.pointer)
                };
                Hit::at(pointer, h.message)
            })),
            Err(why) => hits.push(Hit {
                at_top: true,
                core: Some(PLUGIN_ERROR),
                ..Hit::at(
                    base.to_string(),
                    format!(
                        "{}: plugin `{plugin}` could not judge this file: {why}",
                        rule.id
                    ),
                )
            }),
        }
        hits
    }

    /// A plugin is given the whole document.
    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Whole
    }
}

/// The most files one plugin request carries: a card naming ten thousand results files is judged
/// with the first of them, and says so.
const MAX_RELATED: usize = 64;

/// The most segments of a pointer a plugin declares.
const MAX_NEED_SEGMENTS: usize = 64;

/// The most paths read from a document for one need (what is past them is not even counted).
const MAX_NAMED: usize = 1000;

/// The most bytes of file content one plugin request carries; files past it are passed with the
/// reason they were not read.
const MAX_RELATED_BYTES: usize = 32 << 20;

/// The documents a plugin rule declared it reads, as the tree holds them (at most `MAX_RELATED`),
/// and how many distinct files the document named. Each path passed is recorded in `ctx.deps`
/// (found or not), so history mode judges the rule again when one changes.
fn related_documents(
    needs: &aimslint_plugin_abi::RuleNeeds,
    ctx: &Ctx<'_>,
) -> (Vec<aimslint_plugin_abi::Related>, usize, Vec<String>) {
    use aimslint_plugin_abi::Need;
    let mut wanted: Vec<(String, Option<String>)> = Vec::new();
    let mut refused = Vec::new();
    for need in &needs.documents {
        // A pointer is walked one segment per level: a plugin's declaration cannot make that deep.
        let bad = |p: &str| !p.starts_with('/') || p.matches('/').count() > MAX_NEED_SEGMENTS;
        match need {
            Need::Pointer { pointer } | Need::Key { pointer, .. } if bad(pointer) => {
                refused.push(format!(
                    "`{}` is no JSON Pointer of at most {MAX_NEED_SEGMENTS} segments",
                    pointer.chars().take(80).collect::<String>()
                ));
                continue;
            }
            Need::Key { by, .. } if bad(by) => {
                refused.push(format!(
                    "`{}` is no JSON Pointer of at most {MAX_NEED_SEGMENTS} segments",
                    by.chars().take(80).collect::<String>()
                ));
                continue;
            }
            Need::Path { path } if need_path(ctx.path, path).is_none_or(|p| p.is_empty()) => {
                refused.push(format!(
                    "`{}` is no path from the repository root or the document's folder without `..`",
                    path.chars().take(80).collect::<String>()
                ));
                continue;
            }
            _ => {}
        }
        match need {
            Need::Path { path } => {
                if let Some(p) = need_path(ctx.path, path) {
                    wanted.push((p, None));
                }
            }
            Need::Key { pointer, kind, by } => {
                for (at, value) in strings_under(ctx.root, pointer) {
                    let value = value.trim();
                    if value.is_empty() {
                        continue;
                    }
                    // A document that comes to hold the value (or stops holding it) re-judges.
                    ctx.deps.borrow_mut().push(key_dep(kind, by, value));
                    let holders = ctx
                        .key_paths
                        .get(&(kind.clone(), by.clone(), value.to_string()));
                    for p in holders.into_iter().flatten() {
                        if p != ctx.path {
                            wanted.push((p.clone(), Some(at.clone())));
                        }
                    }
                }
            }
            Need::Pointer { pointer } => {
                for (at, value) in strings_under(ctx.root, pointer) {
                    let value = value.trim();
                    if value.is_empty() || aimslint_artifacts::is_placeholder(value) {
                        continue;
                    }
                    if let Some(p) = resolve_path(ctx.path, value) {
                        wanted.push((p, Some(at)));
                    }
                }
            }
        }
    }
    let mut seen = HashSet::new();
    wanted.retain(|(p, _)| !p.is_empty() && seen.insert(p.clone()));
    let named = wanted.len();
    wanted.truncate(MAX_RELATED);
    let mut bytes_passed = 0usize;
    let related = wanted
        .into_iter()
        .map(|(path, named_at)| {
            ctx.deps.borrow_mut().push(path.clone());
            let mut r = aimslint_plugin_abi::Related {
                path: path.clone(),
                named_at,
                found: ctx.paths.contains(&path),
                document: std::sync::Arc::new(Value::Null),
                key: None,
                kind: ctx.kinds.get(&path).cloned().flatten(),
                error: None,
            };
            match ctx.contents.get(&path) {
                None if r.found => {
                    r.error = Some(
                        "aimslint reads only YAML, JSON, TOML and Markdown files, the paths of evidence kinds and the names plugins declare by path; this file is not given to plugins"
                            .into(),
                    );
                }
                None => {}
                Some(Err(why)) => {
                    r.found = true;
                    r.error = Some(why);
                }
                Some(Ok(bytes)) if bytes_passed.saturating_add(bytes.len()) > MAX_RELATED_BYTES => {
                    r.found = true;
                    r.error = Some(format!(
                        "not passed: the files of this request already hold {} MiB, the most one request carries",
                        MAX_RELATED_BYTES >> 20
                    ));
                }
                Some(Ok(bytes)) => {
                    r.found = true;
                    bytes_passed += bytes.len();
                    // A name the plugin declared by path, in no format aimslint parses, is
                    // passed as its text (a `LICENSE`).
                    let name = path.rsplit('/').next().unwrap_or(&path);
                    let as_text = needs.documents.iter().any(|n| {
                        matches!(n, Need::Path { path: p } if p.rsplit('/').next() == Some(name))
                    });
                    let parsed = ctx.contents.parse(&path, &bytes, ctx.limits, as_text);
                    match &parsed.1 {
                        Ok(v) => {
                            r.document = v.clone();
                            r.key = Some(parsed.0.clone());
                        }
                        Err(e) => r.error = Some(e.clone()),
                    }
                }
            }
            r
        })
        .collect();
    (related, named, refused)
}

/// The file a `Need::Path` names for the document at `doc_path`: `./name` beside the document,
/// any other path from the repository root. `None` for a path that would leave the repository, or
/// climbs out of the document's folder (`../`): a plugin reads beside its document or from the
/// root, nowhere else.
fn need_path(doc_path: &str, path: &str) -> Option<String> {
    if path.split('/').any(|s| s == "..") {
        return None;
    }
    if path.starts_with("./") {
        resolve_path(doc_path, path)
    } else {
        resolve_path("", path)
    }
}

/// Every string at `pointer` in `v` (and each string of a list there), with the pointer it is at:
/// at most `MAX_NAMED`.
fn strings_under<'v>(v: &'v Value, pointer: &str) -> Vec<(String, &'v str)> {
    let mut out = Vec::new();
    for (at, found) in crate::run::values_at(v, pointer, true) {
        match found {
            Value::String(s) => out.push((at, s.as_str())),
            Value::Array(items) => out.extend(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.as_str().map(|s| (format!("{at}/{i}"), s))),
            ),
            _ => {}
        }
        if out.len() >= MAX_NAMED {
            out.truncate(MAX_NAMED);
            break;
        }
    }
    out
}
