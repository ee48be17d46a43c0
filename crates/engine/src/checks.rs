//! The declarative check kinds. Each takes the subject (the document or one `each` element) and
//! returns the places where the rule does not hold, as (pointer, message).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use aimslint_artifacts::{content_words, is_placeholder_value};
use aimslint_packs::{Check, Expr, MinLength, Rule, norm_title};
use serde_json::Value;

/// Where a rule does not hold: a pointer (absolute in the document) and what is wrong.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub pointer: String,
    pub message: String,
    /// Place the finding at the top of the file rather than at the pointer.
    pub at_top: bool,
    /// A byte offset inside the string value, where the value is the file's text verbatim (`/body`).
    pub offset: Option<usize>,
}

impl Hit {
    fn at(pointer: String, message: String) -> Hit {
        Hit {
            pointer,
            message,
            at_top: false,
            offset: None,
        }
    }
}

/// What a check may look at beyond its subject.
pub(crate) struct Ctx<'a> {
    pub root: &'a Value,
    pub path: &'a str,
    pub kind: &'a str,
    pub today: jiff::civil::Date,
    pub schema_pointer: &'a str,
    /// Every file path of the tree, for `reference`.
    pub paths: &'a HashSet<String>,
    /// Kind of each parsed document by path.
    pub kinds: &'a HashMap<String, Option<String>>,
    /// (kind, pointer) → values documents of that kind hold there, for `reference … by`.
    pub keys: &'a HashMap<(String, String), HashSet<String>>,
    /// The CEL context of the document (`doc`, `root`, `path`, `kind`, `today`), built on first use
    /// and shared by every expression on the document: converting the document is the costly part.
    pub cel: std::cell::OnceCell<DocVars<'a>>,
    /// The top-level fields the expressions of this kind read (`None`: all of them).
    pub cel_fields: Option<&'a std::collections::BTreeSet<String>>,
    /// Paths `reference` checks looked for, and key values they looked up (`key_dep`): what the
    /// results depend on, so history mode re-runs them only when one of those changes.
    pub deps: std::cell::RefCell<Vec<String>>,
    /// The document's Markdown sections as `section` checks see them, worked out on first use and
    /// shared by every such check on the document.
    pub sections: std::cell::OnceCell<Vec<SectionView<'a>>>,
}

/// A Markdown section as `section` checks compare it: the title normalised once, the words of
/// content counted on first need.
pub(crate) struct SectionView<'a> {
    slug: &'a str,
    title: &'a str,
    norm: String,
    text: &'a str,
    words: std::cell::OnceCell<usize>,
}

impl SectionView<'_> {
    fn words(&self) -> usize {
        *self.words.get_or_init(|| content_words(self.text))
    }
}

fn section_views(subject: &Value) -> Vec<SectionView<'_>> {
    let Some(Value::Object(sections)) = subject.get("sections") else {
        return Vec::new();
    };
    sections
        .iter()
        .map(|(slug, sec)| {
            let title = sec.get("title").and_then(Value::as_str).unwrap_or_default();
            SectionView {
                slug,
                title,
                norm: norm_title(title),
                text: sec.get("text").and_then(Value::as_str).unwrap_or_default(),
                words: std::cell::OnceCell::new(),
            }
        })
        .collect()
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let s = s.trim();
            if s.chars().count() > 60 {
                format!("\"{}…\"", s.chars().take(57).collect::<String>())
            } else {
                format!("\"{s}\"")
            }
        }
        Value::Null => "null".into(),
        Value::Array(a) if a.is_empty() => "an empty list".into(),
        Value::Object(o) if o.is_empty() => "an empty mapping".into(),
        other => {
            let s = other.to_string();
            if s.len() > 60 {
                format!("{}…", &s[..57.min(s.len())])
            } else {
                s
            }
        }
    }
}

fn key_name(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or(pointer)
        .replace("~1", "/")
        .replace("~0", "~")
}

/// Strings at a pointer: the value itself, or each string of a list, with its pointer.
/// The scalar values at `pointer`, each with its index when the pointer holds a list. Pointers are
/// formatted only for values that fail (`at`), not for every value read.
fn strings_at<'v>(subject: &'v Value, pointer: &str) -> Vec<(Option<usize>, Cow<'v, str>)> {
    let scalar = |v: &'v Value| -> Option<Cow<'v, str>> {
        match v {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    };
    match subject.pointer(pointer) {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_boolean())
            .filter_map(|(i, v)| scalar(v).map(|s| (Some(i), s)))
            .collect(),
        Some(v) => scalar(v).map(|s| (None, s)).into_iter().collect(),
        None => Vec::new(),
    }
}

/// How a reference's dependency on a key value is recorded beside the paths it looked for: a
/// document of `kind` holding `value` at `by` appearing or disappearing can change its result.
pub(crate) fn key_dep(kind: &str, by: &str, value: &str) -> String {
    format!("\0{kind}\0{by}\0{value}")
}

/// The pointer of a value `strings_at` returned.
fn at(base: &str, pointer: &str, index: Option<usize>) -> String {
    match index {
        Some(i) => format!("{base}{pointer}/{i}"),
        None => format!("{base}{pointer}"),
    }
}

pub(crate) fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    let head = s.get(..10)?;
    jiff::civil::Date::strptime("%Y-%m-%d", head).ok()
}

/// The CEL standard environment, built once: building it per evaluation dominated rule time.
fn cel_env() -> std::sync::Arc<cel::Env> {
    static ENV: std::sync::OnceLock<std::sync::Arc<cel::Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| std::sync::Arc::new(cel::Env::stdlib()))
        .clone()
}

type Val<'v> = Box<dyn cel::common::value::Val + 'v>;

/// A JSON value as CEL sees it, built straight from the value and borrowing its strings. Numbers
/// as serde would hand them to CEL: non-negative integers unsigned, negative ones signed, the
/// rest doubles.
fn cel_val(v: &Value) -> Val<'_> {
    use cel::common::types::{
        CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
    };
    match v {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Box::new(CelUInt::from(u)),
            (None, Some(i)) => Box::new(CelInt::from(i)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Value::String(s) => Box::new(CelString::from(s.as_str())),
        Value::Array(a) => Box::new(CelList::from(a.iter().map(cel_val).collect::<Vec<_>>())),
        Value::Object(m) => Box::new(CelMap::from(
            m.iter()
                .map(|(k, x)| (CelMapKey::String(CelString::from(k.as_str())), cel_val(x)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// A document as CEL sees it: only the fields its kind's expressions read, when that is known. A
/// Markdown document's body and section texts are left out (text is what `section` and `pattern`
/// checks are for); CEL still sees `meta` and each section's `title` and `level`.
fn cel_document<'v>(v: &'v Value, fields: Option<&std::collections::BTreeSet<String>>) -> Val<'v> {
    use cel::common::types::{CelMap, CelMapKey, CelString};
    let Value::Object(m) = v else {
        return cel_val(v);
    };
    let markdown = m.contains_key("body") && m.contains_key("sections");
    if fields.is_none() && !markdown {
        return cel_val(v);
    }
    let key = |k: &'v str| CelMapKey::String(CelString::from(k));
    let mut out = HashMap::new();
    for (k, x) in m {
        if fields.is_some_and(|f| !f.contains(k)) {
            continue;
        }
        let converted: Val<'v> = match (k.as_str(), x) {
            ("body", _) if markdown => continue,
            ("sections", Value::Object(secs)) if markdown => Box::new(CelMap::from(
                secs.iter()
                    .map(|(slug, sec)| {
                        let fields: Val<'v> = match sec {
                            Value::Object(o) => Box::new(CelMap::from(
                                o.iter()
                                    .filter(|(f, _)| f.as_str() != "text")
                                    .map(|(f, y)| (key(f), cel_val(y)))
                                    .collect::<HashMap<_, _>>(),
                            )),
                            other => cel_val(other),
                        };
                        (key(slug), fields)
                    })
                    .collect::<HashMap<_, _>>(),
            )),
            _ => cel_val(x),
        };
        out.insert(key(k), converted);
    }
    Box::new(CelMap::from(out))
}

/// A document's CEL variables, converted once and lent to every expression on it: `doc` and
/// `root` are the same value, so it is converted once, not once per name.
pub(crate) struct DocVars<'v> {
    doc: Val<'v>,
    path: Val<'v>,
    kind: Val<'v>,
    today: Val<'v>,
}

impl<'v> DocVars<'v> {
    fn new(ctx: &Ctx<'v>) -> DocVars<'v> {
        use cel::common::types::CelString;
        DocVars {
            doc: cel_document(ctx.root, ctx.cel_fields),
            path: Box::new(CelString::from(ctx.path)),
            kind: Box::new(CelString::from(ctx.kind)),
            today: Box::new(CelString::from(ctx.today.to_string())),
        }
    }
}

impl cel::context::VariableResolver for DocVars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        let v = match variable {
            "doc" | "root" => &self.doc,
            "path" => &self.path,
            "kind" => &self.kind,
            "today" => &self.today,
            _ => return None,
        };
        Some(cel::common::value::CowVal::Borrowed(v.as_ref()))
    }
}

/// Evaluate a CEL expression to a boolean. The document is converted for CEL once and shared by
/// every expression on it (converting it per expression, even a few fields of it, cost more).
pub(crate) fn eval_bool<'v>(
    expr: &Expr,
    subject: &'v Value,
    ctx: &'v Ctx<'_>,
) -> Result<bool, String> {
    let vars = ctx.cel.get_or_init(|| DocVars::new(ctx));
    let mut base = cel::Context::with_env(cel_env());
    base.set_variable_resolver(vars);
    let result = if std::ptr::eq(subject, ctx.root) {
        expr.program.execute(&base)
    } else {
        // An `each` element is `doc`; `root` stays the document.
        let mut inner = base.new_inner_scope();
        inner.add_variable_as_val("doc", cel_val(subject));
        expr.program.execute(&inner)
    };
    match result {
        Ok(cel::Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!("expression yields {other:?}, not a boolean")),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn run_check(rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    match &rule.check {
        Check::Schema { schema } => {
            let sp = ctx.schema_pointer;
            let Some(instance) = subject.pointer(sp) else {
                return hits;
            };
            for e in schema.validator.iter_errors(instance) {
                let ip = e.instance_path().to_string();
                hits.push(Hit::at(
                    format!("{base}{sp}{ip}"),
                    format!("does not match {}: {}", schema.name, e.masked()),
                ));
            }
            if hits.is_empty() {
                return hits;
            }
            // One finding per distinct place is enough.
            let mut seen = HashSet::new();
            hits.retain(|h| seen.insert(h.pointer.clone()));
        }
        Check::Required { pointers } => {
            for p in pointers {
                match subject.pointer(p) {
                    None => hits.push(Hit::at(
                        format!("{base}{p}"),
                        format!("`{}` is missing", key_name(p)),
                    )),
                    Some(v) if is_placeholder_value(v) => hits.push(Hit::at(
                        format!("{base}{p}"),
                        format!("`{}` holds no content ({})", key_name(p), describe(v)),
                    )),
                    Some(_) => {}
                }
            }
        }
        Check::Pattern {
            pointer,
            regex,
            message,
            forbid: true,
        } => {
            for (i, s) in strings_at(subject, pointer) {
                let found: Vec<regex::Match<'_>> = regex.find_iter(&s).collect();
                if let Some(first) = found.first() {
                    let m = message
                        .clone()
                        .unwrap_or_else(|| format!("matches /{}/", regex.as_str()));
                    let more = if found.len() > 1 {
                        format!(" ({} places; the first is shown)", found.len())
                    } else {
                        String::new()
                    };
                    hits.push(Hit {
                        pointer: at(base, pointer, i),
                        message: format!("{m}{more}"),
                        at_top: false,
                        offset: Some(first.start()),
                    });
                }
            }
        }
        Check::Pattern {
            pointer,
            regex,
            message,
            forbid: false,
        } => {
            for (i, s) in strings_at(subject, pointer) {
                if !regex.is_match(&s) {
                    let m = message
                        .clone()
                        .unwrap_or_else(|| format!("does not match /{}/", regex.as_str()));
                    hits.push(Hit::at(
                        at(base, pointer, i),
                        format!("`{}` = \"{s}\": {m}", key_name(pointer)),
                    ));
                }
            }
        }
        Check::Enum { pointer, values } => {
            for (i, s) in strings_at(subject, pointer) {
                if !values.iter().any(|v| v.as_str() == s) {
                    hits.push(Hit::at(
                        at(base, pointer, i),
                        format!(
                            "`{}` = \"{s}\" is not one of: {}",
                            key_name(pointer),
                            values.join(", ")
                        ),
                    ));
                }
            }
        }
        Check::MinLength { pointer, min } => {
            if let Some(v) = subject.pointer(pointer) {
                let (have, need, unit) = match (min, v) {
                    (MinLength::Chars(n), Value::String(s)) => {
                        (s.trim().chars().count(), *n, "characters")
                    }
                    (MinLength::Words(n), Value::String(s)) => (content_words(s), *n, "words"),
                    (MinLength::Items(n), Value::Array(a)) => (a.len(), *n, "items"),
                    (MinLength::Items(n), _) => (0, *n, "items"),
                    (MinLength::Chars(n) | MinLength::Words(n), _) => (0, *n, "words of text"),
                };
                if have < need {
                    hits.push(Hit::at(
                        format!("{base}{pointer}"),
                        format!(
                            "`{}` has {have} {unit}; at least {need} needed",
                            key_name(pointer)
                        ),
                    ));
                }
            }
        }
        Check::MaxAge { pointer, days } => {
            if let Some(v) = subject.pointer(pointer) {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match parse_date(&text) {
                    None => hits.push(Hit::at(
                        format!("{base}{pointer}"),
                        format!(
                            "`{}` = {} is not a date (YYYY-MM-DD)",
                            key_name(pointer),
                            describe(v)
                        ),
                    )),
                    Some(d) => {
                        let age = (ctx.today - d).get_days();
                        if age > i32::try_from(*days).unwrap_or(i32::MAX) {
                            hits.push(Hit::at(
                                format!("{base}{pointer}"),
                                format!(
                                    "`{}` is {d}, {age} days before {}; it may be at most {days} days old",
                                    key_name(pointer),
                                    ctx.today
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Check::Section {
            any,
            titles: wanted,
            min_words,
            or_pointers,
        } => {
            if or_pointers
                .iter()
                .any(|p| subject.pointer(p).is_some_and(|v| !is_placeholder_value(v)))
            {
                return hits;
            }
            let own;
            let views: &[SectionView<'_>] = if std::ptr::eq(subject, ctx.root) {
                ctx.sections.get_or_init(|| section_views(ctx.root))
            } else {
                own = section_views(subject);
                &own
            };
            let mut best: Option<(usize, &str, &str)> = None;
            for v in views {
                let matched = wanted
                    .iter()
                    .any(|w| v.norm == *w || (!w.is_empty() && contains_words(&v.norm, w)));
                if !matched {
                    continue;
                }
                let words = v.words();
                if best.as_ref().is_none_or(|b| words > b.0) {
                    best = Some((words, v.slug, v.title));
                }
            }
            match best {
                Some((words, _, _)) if words >= *min_words => {}
                Some((words, slug, title)) => hits.push(Hit::at(
                    format!("{base}/sections/{}", aimslint_artifacts::escape_token(slug)),
                    format!("section \"{title}\" has {words} words of content; at least {min_words} needed (placeholders and template comments do not count)"),
                )),
                None => hits.push(Hit {
                    pointer: base.to_string(),
                    message: format!("no section titled {}", quote_list(any)),
                    at_top: true,
                    offset: None,
                }),
            }
        }
        Check::Reference {
            pointer,
            kind,
            by,
            optional,
        } => {
            let values = strings_at(subject, pointer);
            if values.is_empty() {
                if !optional {
                    hits.push(Hit::at(
                        format!("{base}{pointer}"),
                        format!("`{}` is missing", key_name(pointer)),
                    ));
                }
                return hits;
            }
            for (i, value) in values {
                if aimslint_artifacts::is_placeholder(&value) {
                    if !optional {
                        hits.push(Hit::at(
                            at(base, pointer, i),
                            format!("`{}` holds no content", key_name(pointer)),
                        ));
                    }
                    continue;
                }
                if let (Some(k), Some(b)) = (kind, by) {
                    ctx.deps.borrow_mut().push(key_dep(k, b, value.trim()));
                }
                if let (Some(k), Some(b)) = (kind, by)
                    && ctx
                        .keys
                        .get(&(k.clone(), b.clone()))
                        .is_some_and(|s| s.contains(value.trim()))
                {
                    continue;
                }
                let target = resolve_path(ctx.path, value.trim());
                if let Some(t) = &target {
                    ctx.deps.borrow_mut().push(t.clone());
                }
                let exists = target.as_deref().is_some_and(|t| ctx.paths.contains(t));
                match (exists, kind) {
                    (false, _) => {
                        let what = match (kind, by) {
                            (Some(k), Some(b)) => format!(
                                "\"{value}\" names no file and no {k} document with `{}` = \"{value}\"",
                                key_name(b)
                            ),
                            _ => format!("\"{value}\" does not exist in the repository"),
                        };
                        hits.push(Hit::at(at(base, pointer, i), what));
                    }
                    (true, Some(k)) => {
                        let t = target.unwrap_or_default();
                        if let Some(Some(actual)) = ctx.kinds.get(&t)
                            && actual != k
                        {
                            hits.push(Hit::at(
                                at(base, pointer, i),
                                format!("\"{value}\" is a {actual}, not a {k}"),
                            ));
                        }
                    }
                    (true, None) => {}
                }
            }
        }
        Check::Approval { pointer, roles } => {
            let at = format!("{base}{pointer}");
            match subject.pointer(pointer) {
                Some(Value::Array(items)) if !items.is_empty() => {
                    let mut has_role = false;
                    for (i, a) in items.iter().enumerate() {
                        let role = a.get("role").and_then(Value::as_str).unwrap_or_default();
                        let name = a.get("name").and_then(Value::as_str).unwrap_or_default();
                        if roles.iter().any(|r| r == role)
                            && !aimslint_artifacts::is_placeholder(name)
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
        }
        Check::CoChange { .. } | Check::Trailer { .. } | Check::NoDelete { .. } => {}
        Check::Expr {
            expr,
            pointer,
            message,
        } => {
            let at = format!("{base}{}", pointer.as_deref().unwrap_or(""));
            match eval_bool(expr, subject, ctx) {
                Ok(true) => {}
                Ok(false) => hits.push(Hit::at(at, message.clone())),
                Err(e) => hits.push(Hit::at(
                    at,
                    format!("{message} (the check could not be evaluated: {e})"),
                )),
            }
        }
    }
    hits
}

/// Whether `needle`'s words appear in a row in `haystack` (both normalised by `norm_title`).
fn contains_words(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let mut at = 0;
    while h.len() - at >= n.len() {
        let end = at + n.len();
        if &h[at..end] == n && (end == h.len() || h[end] == b' ') {
            return true;
        }
        match h[at..].iter().position(|c| *c == b' ') {
            Some(sp) => at += sp + 1,
            None => return false,
        }
    }
    false
}

fn quote_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        _ => format!("{} or {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

/// A repository path from a reference: `./x` and `../x` are relative to the document.
pub(crate) fn resolve_path(doc_path: &str, value: &str) -> Option<String> {
    if value.contains("://") {
        return None;
    }
    let joined = if value.starts_with("./") || value.starts_with("../") {
        let dir = doc_path.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{value}")
    } else {
        value.trim_start_matches('/').to_string()
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve() {
        assert_eq!(
            resolve_path("models/a/README.md", "../../data/x.yaml").as_deref(),
            Some("data/x.yaml")
        );
        assert_eq!(
            resolve_path("aims/systems.yaml", "models/a/README.md").as_deref(),
            Some("models/a/README.md")
        );
        assert_eq!(resolve_path("a.yaml", "../../etc/passwd"), None);
        assert!(contains_words("intended uses limitations", "intended uses"));
        assert_eq!(
            norm_title("Bias, Risks, and Limitations"),
            "bias risks and limitations"
        );
    }
}
