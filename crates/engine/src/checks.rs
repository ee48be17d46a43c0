//! What every check kind shares: the context a check judges in, its hits, expression evaluation
//! and its budget, and judging a rule (its `when`, then its kind, `crate::kinds`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use aimslint_artifacts::content_words;
use aimslint_packs::{Expr, Rule};
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
    /// Report under this core code (with its help) rather than the rule's id: the rule could not
    /// be judged on the document.
    pub core: Option<CoreCode>,
}

/// A core diagnostic a rule's evaluation can raise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CoreCode {
    pub code: &'static str,
    pub help: &'static str,
}

/// AL009: a rule's expression could not be evaluated on the document.
pub(crate) const EXPR_ERROR: CoreCode = CoreCode {
    code: crate::codes::EXPR_ERROR,
    help: "Fix the rule's expression (a field it reads may hold a value of another type than it expects), or, if the budget was exceeded, make the expression visit each value a fixed number of times: no `all()`/`exists()`/`filter()`/`map()` over the document inside another, no `in` over a list of the document inside one (`distinct()` tells whether values repeat).",
};

/// AL014: a native plugin could not judge the document.
pub(crate) const PLUGIN_ERROR: CoreCode = CoreCode {
    code: crate::codes::PLUGIN,
    help: "The plugin's rules were not judged on this file. Check that its library is built for this platform and pinned (`aimslint packs lock`), and report the message to the plugin's authors; the rest of the run is complete.",
};

impl Hit {
    pub(crate) fn at(pointer: String, message: String) -> Hit {
        Hit {
            pointer,
            message,
            at_top: false,
            offset: None,
            core: None,
        }
    }

    /// AL009 about `rule`: its `what` could not be evaluated.
    pub(crate) fn expr_error(rule: &Rule, pointer: String, what: &str, error: &str) -> Hit {
        Hit {
            core: Some(EXPR_ERROR),
            ..Hit::at(
                pointer,
                format!("{}: {what} could not be evaluated: {error}", rule.id),
            )
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
    /// (kind, pointer, value) → the documents that hold it, for plugin rules' `Need::Key`.
    pub key_paths: &'a HashMap<(String, String, String), std::collections::BTreeSet<String>>,
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
    pub sections: std::cell::OnceCell<crate::kinds::section::Views<'a>>,
    /// Where the document's Markdown body has fenced code, worked out on first use and shared by
    /// every pattern check on the body.
    pub body_code: std::cell::OnceCell<Vec<(usize, usize)>>,
    /// The runs the document's Markdown body was read in, if it was (`Parsed::body_runs`).
    pub body_runs: Option<&'a [(usize, aimslint_artifacts::memo::TextKey)]>,
    /// The normalised titles every section check of the document's kind looks for.
    pub section_vocab: &'a [String],
    /// Runs native plugins' rules, when the run has a plugin host.
    pub plugins: Option<&'a dyn crate::PluginRunner>,
    /// What each plugin rule declared it reads beyond its document, by rule id.
    pub plugin_needs: Option<&'a HashMap<String, aimslint_plugin_abi::RuleNeeds>>,
    /// The content of the tree's files, for the documents plugin rules declared.
    pub contents: &'a crate::run::Contents,
    /// The run's limits, applied to those documents as to any file.
    pub limits: &'a aimslint_artifacts::Limits,
    /// The document as plugin requests carry it, and its key: made on the first plugin rule.
    pub plugin_document: std::cell::OnceCell<(String, std::sync::Arc<Value>)>,
}

pub(crate) fn describe(v: &Value) -> String {
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
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(57).collect::<String>())
            } else {
                s
            }
        }
    }
}

pub(crate) fn key_name(pointer: &str) -> String {
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
pub(crate) fn strings_at<'v>(
    subject: &'v Value,
    pointer: &str,
) -> Vec<(Option<usize>, Cow<'v, str>)> {
    let scalar = |v: &'v Value| -> Option<Cow<'v, str>> {
        match v {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    };
    match aimslint_artifacts::value_at(subject, pointer) {
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
pub(crate) fn at(base: &str, pointer: &str, index: Option<usize>) -> String {
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

/// The CEL environment, built once: building it per evaluation dominated rule time. The standard
/// one, with `list.distinct()` and the functions the budget is charged through.
fn cel_env() -> std::sync::Arc<cel::Env> {
    static ENV: std::sync::OnceLock<std::sync::Arc<cel::Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        use cel::common::types::{DYN_TYPE, INT_TYPE, LIST_TYPE, STRING_TYPE};
        let mut env = cel::Env::stdlib();
        let added = [
            env.add_overload(
                budget::STEP,
                "aimslint_step",
                vec![DYN_TYPE, INT_TYPE],
                budget::step,
            ),
            env.add_overload(
                budget::CHARGE,
                "aimslint_charge",
                vec![DYN_TYPE],
                budget::charge,
            ),
            env.add_overload(
                budget::CHARGE_TOP,
                "aimslint_charge_top",
                vec![DYN_TYPE],
                budget::charge_top,
            ),
            env.add_member_overload(
                "distinct",
                "aimslint_list_distinct",
                LIST_TYPE,
                vec![],
                budget::distinct,
            ),
            env.add_overload(
                "days_between",
                "aimslint_days_between",
                vec![STRING_TYPE, STRING_TYPE],
                days_between,
            ),
        ];
        debug_assert!(added.iter().all(Result::is_ok), "{added:?}");
        std::sync::Arc::new(env)
    })
    .clone()
}

/// `days_between(from, to)`: the number of days from one `YYYY-MM-DD` date to another (negative
/// when `to` is earlier), for deadlines such as "reported within 15 days of detection". A string
/// that is no date is an evaluation error (AL009), never a silent pass.
fn days_between<'b, 'v>(
    args: Vec<cel::common::value::CowVal<'b, 'v>>,
) -> Result<cel::common::value::CowVal<'b, 'v>, cel::ExecutionError> {
    use cel::common::types::{CelInt, CelString};
    let date = |i: usize| {
        let s = args
            .get(i)
            .and_then(|v| v.downcast_ref::<CelString>())
            .map(|s| s.inner().to_string())
            .ok_or_else(|| {
                cel::ExecutionError::function_error("days_between", "expects two strings")
            })?;
        parse_date(&s).ok_or_else(|| {
            cel::ExecutionError::function_error(
                "days_between",
                format!("\"{s}\" is not a date (YYYY-MM-DD)"),
            )
        })
    };
    let (from, to) = (date(0)?, date(1)?);
    let days = (to - from).get_days();
    Ok(cel::common::value::CowVal::owned(CelInt::from(i64::from(
        days,
    ))))
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
            ("sections" | "labels", Value::Object(secs)) if markdown => Box::new(CelMap::from(
                secs.iter()
                    .map(|(slug, sec)| {
                        let fields: Val<'v> = match sec {
                            // Title and level, and how many words of content the text holds (the
                            // text itself stays out of reach: `section` and `pattern` judge text).
                            Value::Object(o) => Box::new(CelMap::from(
                                o.iter()
                                    .filter(|(f, _)| f.as_str() != "text")
                                    .map(|(f, y)| (key(f), cel_val(y)))
                                    .chain(o.get("text").and_then(Value::as_str).map(|t| {
                                        let words = content_words(t) as u64;
                                        let n: Val<'v> =
                                            Box::new(cel::common::types::CelUInt::from(words));
                                        (key("words"), n)
                                    }))
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
/// `root` are the same value, so it is converted once, not once per name. It also keeps what each
/// expression has spent of its budget on the document.
pub(crate) struct DocVars<'v> {
    doc: Val<'v>,
    path: Val<'v>,
    kind: Val<'v>,
    today: Val<'v>,
    /// What one expression may spend on this document, over all its evaluations.
    allowance: u64,
    /// Per expression (by its program's address): units spent, and whether it ran out.
    /// (The resolver must be `Sync`; the lock is never contended: a document is judged on one
    /// thread.)
    spent: std::sync::Mutex<HashMap<usize, (u64, bool)>>,
}

impl<'v> DocVars<'v> {
    fn new(ctx: &Ctx<'v>) -> DocVars<'v> {
        use cel::common::types::CelString;
        DocVars {
            doc: cel_document(ctx.root, ctx.cel_fields),
            path: Box::new(CelString::from(ctx.path)),
            kind: Box::new(CelString::from(ctx.kind)),
            today: Box::new(CelString::from(ctx.today.to_string())),
            allowance: budget::allowance(ctx.root),
            spent: std::sync::Mutex::new(HashMap::new()),
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

/// Why an expression gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EvalError {
    /// It failed: a type error, a missing field, or its budget ran out just now.
    Failed(String),
    /// Its budget on this document ran out at an earlier evaluation, which was reported.
    Reported,
}

/// Evaluate a CEL expression to a boolean, within its budget on the document (see [`budget`]).
/// The document is converted for CEL once and shared by every expression on it (converting it per
/// expression, even a few fields of it, cost more).
pub(crate) fn eval_bool<'v>(
    expr: &Expr,
    subject: &'v Value,
    ctx: &'v Ctx<'_>,
) -> Result<bool, EvalError> {
    let vars = ctx.cel.get_or_init(|| DocVars::new(ctx));
    let key = std::sync::Arc::as_ptr(&expr.program) as usize;
    let spent_table = || {
        vars.spent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let (spent, exhausted) = spent_table().get(&key).copied().unwrap_or((0, false));
    if exhausted {
        return Err(EvalError::Reported);
    }
    let prepared = budget::prepared(&expr.program).map_err(EvalError::Failed)?;
    let mut base = cel::Context::with_env(cel_env());
    base.set_variable_resolver(vars);
    let allowance = vars.allowance.saturating_sub(spent);
    let (result, used, ran_out) = budget::metered(allowance, || {
        if std::ptr::eq(subject, ctx.root) {
            base.resolve(&prepared)
        } else {
            // An `each` element is `doc`; `root` stays the document.
            let mut inner = base.new_inner_scope();
            inner.add_variable_as_val("doc", cel_val(subject));
            inner.resolve(&prepared)
        }
    });
    spent_table().insert(key, (spent + used, ran_out));
    if ran_out {
        return Err(EvalError::Failed(format!(
            "it did more work than its budget on this document allows ({} units: {} plus {} per value of the document); the expression likely compares every element with every other, which grows with the square of the document",
            vars.allowance,
            budget::BASE,
            budget::PER_VALUE
        )));
    }
    match result {
        Ok(cel::Value::Bool(b)) => Ok(b),
        Ok(other) => Err(EvalError::Failed(format!(
            "expression yields {other:?}, not a boolean"
        ))),
        Err(e) => Err(EvalError::Failed(e.to_string())),
    }
}

/// Judge one subject (the document, or one `each` element at `base`): the rule's `when`, then its
/// check. A `when` that cannot be evaluated is an AL009 finding, not a rule that does not apply.
pub(crate) fn judge(rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
    if let Some(when) = &rule.when {
        match eval_bool(when, subject, ctx) {
            Ok(true) => {}
            Ok(false) | Err(EvalError::Reported) => return Vec::new(),
            Err(EvalError::Failed(e)) => {
                // About the whole document, or the `each` element.
                let hit = Hit::expr_error(rule, base.to_string(), "its `when` condition", &e);
                return vec![Hit {
                    at_top: base.is_empty(),
                    ..hit
                }];
            }
        }
    }
    crate::kinds::of(rule).run(rule, subject, base, ctx)
}

/// The evaluation budget of CEL expressions.
///
/// The `cel` crate evaluates a tree with no step counter, so the engine counts the work itself: each
/// program is rewritten once (per thread) so that evaluating it charges a budget through two
/// functions of its own, which no expression can name (`@…` is not CEL syntax):
///
/// - every iteration of a comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) charges
///   the size of its loop body (one unit per node, literals by their length), before the body runs;
/// - every value read from a variable (`doc.systems`, `s.id`, `root`, an iteration variable) charges
///   its full size: one unit per value in it and one per 16 bytes of text (only its top, for
///   `size()` and `type()`, which look no further).
///
/// What is bounded, and why that is enough: the work of an evaluation is the nodes it evaluates plus
/// what the operators at those nodes do with their operands. Nodes outside loops are evaluated once
/// (at most the expression's size, itself limited at load); nodes inside loops are paid for by the
/// iteration charge. An operator takes time at most linear in its operands (`in` on a list,
/// equality, concatenation, `size`, string search), and every operand is a literal of the
/// expression, a value read from a variable (charged in full when read), or a value built by the
/// expression from those (whose size its building paid for). So the work is at most a constant
/// times the units charged, plus the expression's size. The one exception is `matches` with a
/// pattern taken from the document, which the regex engine runs in time proportional to the pattern
/// times the text; pack patterns are literals.
///
/// An expression may spend [`BASE`] plus [`PER_VALUE`] units per value of the document on it, summed
/// over all its evaluations there (`when` and check are separate expressions; `each` elements
/// share one budget): linear in the document, and many passes over it for any expression that
/// visits each value a fixed number of times. One that compares every element with every other
/// runs out on a large document and is reported (AL009) once, instead of running for hours.
pub(crate) mod budget {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;
    use std::sync::Arc;

    use cel::ExecutionError;
    use cel::common::ast::{CallExpr, Expr as E, IdedExpr, ListExpr, LiteralValue, operators};
    use cel::common::types::{CelBytes, CelList, CelMap, CelString};
    use cel::common::value::{CowVal, Val};

    /// Units any expression may spend on a document, whatever its size.
    pub(crate) const BASE: u64 = 1_000_000;
    /// Units an expression may spend per value of the document (and per 16 bytes of its text).
    pub(crate) const PER_VALUE: u64 = 16;
    /// Text bytes one unit stands for.
    const BYTES_PER_UNIT: u64 = 16;
    /// The deepest program the rewrite takes (the loader allows 32; this is a backstop).
    const MAX_DEPTH: usize = 64;

    pub(crate) const STEP: &str = "@aimslint_step";
    pub(crate) const CHARGE: &str = "@aimslint_charge";
    pub(crate) const CHARGE_TOP: &str = "@aimslint_charge_top";

    thread_local! {
        /// Units left in the evaluation running on this thread, and whether it ran out.
        static LEFT: Cell<u64> = const { Cell::new(0) };
        static RAN_OUT: Cell<bool> = const { Cell::new(false) };
        /// Rewritten programs, by the address of the program (kept alive here, so the address is
        /// never reused while the entry exists).
        static PREPARED: RefCell<HashMap<usize, Prepared>> = RefCell::new(HashMap::new());
    }

    /// A program (kept, so its address is not reused) and its rewriting, or why there is none.
    type Prepared = (Arc<cel::Program>, Result<Rc<IdedExpr>, String>);

    /// What one expression may spend on `doc`.
    pub(crate) fn allowance(doc: &serde_json::Value) -> u64 {
        BASE.saturating_add(PER_VALUE.saturating_mul(json_units(doc)))
    }

    /// The size of a JSON value in units: one per value, one per 16 bytes of text.
    fn json_units(v: &serde_json::Value) -> u64 {
        use serde_json::Value as J;
        let mut units = 0u64;
        let mut todo = vec![v];
        while let Some(v) = todo.pop() {
            units = units.saturating_add(1);
            match v {
                J::String(s) => units = units.saturating_add(text_units(s.len())),
                J::Array(a) => todo.extend(a),
                J::Object(m) => {
                    for (k, x) in m {
                        units = units.saturating_add(text_units(k.len()));
                        todo.push(x);
                    }
                }
                _ => {}
            }
        }
        units
    }

    fn text_units(bytes: usize) -> u64 {
        u64::try_from(bytes).unwrap_or(u64::MAX) / BYTES_PER_UNIT
    }

    /// Run `f` with `allowance` units: its result, the units it used, and whether it ran out.
    pub(crate) fn metered<T>(allowance: u64, f: impl FnOnce() -> T) -> (T, u64, bool) {
        LEFT.set(allowance);
        RAN_OUT.set(false);
        let out = f();
        let left = LEFT.replace(0);
        (out, allowance - left.min(allowance), RAN_OUT.replace(false))
    }

    fn spend(units: u64) -> Result<(), ExecutionError> {
        let left = LEFT.get();
        if RAN_OUT.get() || units > left {
            LEFT.set(0);
            RAN_OUT.set(true);
            return Err(ExecutionError::function_error(
                "budget",
                "evaluation budget exceeded",
            ));
        }
        LEFT.set(left - units);
        Ok(())
    }

    /// `@aimslint_step(x, n)`: one iteration of a loop whose body is `n` units; yields `x`.
    pub(crate) fn step<'b, 'v>(
        mut args: Vec<CowVal<'b, 'v>>,
    ) -> Result<CowVal<'b, 'v>, ExecutionError> {
        let weight = args
            .get(1)
            .and_then(|w| w.downcast_ref::<cel::common::types::CelInt>())
            .map_or(1, |w| u64::try_from(*w.inner()).unwrap_or(1));
        spend(weight)?;
        args.truncate(1);
        args.pop()
            .ok_or_else(|| ExecutionError::function_error("budget", "no argument"))
    }

    /// `@aimslint_charge(x)`: `x`, read from a variable, paid for in full.
    pub(crate) fn charge<'b, 'v>(
        mut args: Vec<CowVal<'b, 'v>>,
    ) -> Result<CowVal<'b, 'v>, ExecutionError> {
        let v = args
            .pop()
            .ok_or_else(|| ExecutionError::function_error("budget", "no argument"))?;
        spend_size(v.as_ref())?;
        Ok(v)
    }

    /// `@aimslint_charge_top(x)`: `x`, read from a variable for `size()` or `type()`, which look at
    /// its top only: one unit, and its text.
    pub(crate) fn charge_top<'b, 'v>(
        mut args: Vec<CowVal<'b, 'v>>,
    ) -> Result<CowVal<'b, 'v>, ExecutionError> {
        let v = args
            .pop()
            .ok_or_else(|| ExecutionError::function_error("budget", "no argument"))?;
        let text = v
            .downcast_ref::<CelString>()
            .map(|s| s.inner().len())
            .or_else(|| v.downcast_ref::<CelBytes>().map(|b| b.inner().len()))
            .unwrap_or(0);
        spend(1 + text_units(text))?;
        Ok(v)
    }

    /// Charge the size of `v`, walking it no further than the units left.
    fn spend_size(v: &dyn Val) -> Result<(), ExecutionError> {
        let mut todo = vec![v];
        while let Some(v) = todo.pop() {
            let mut units = 1;
            if let Some(s) = v.downcast_ref::<CelString>() {
                units += text_units(s.inner().len());
            } else if let Some(b) = v.downcast_ref::<CelBytes>() {
                units += text_units(b.inner().len());
            } else if let Some(l) = v.downcast_ref::<CelList>() {
                todo.extend(l.inner().iter().map(AsRef::as_ref));
            } else if let Some(m) = v.downcast_ref::<CelMap>() {
                for (k, x) in m.inner() {
                    todo.push(k.inner());
                    todo.push(x.as_ref());
                }
            }
            spend(units)?;
        }
        Ok(())
    }

    /// `list.distinct()`: the elements of a list without repeats (the first of equal ones, in
    /// order), as cel-go's list extension has it, in linear time: the way to ask whether values are
    /// unique without comparing each with every other. Equality is CEL's: `1`, `1u` and `1.0` are
    /// equal, NaN equals nothing.
    pub(crate) fn distinct<'b, 'v>(
        args: Vec<CowVal<'b, 'v>>,
    ) -> Result<CowVal<'b, 'v>, ExecutionError> {
        let list = args
            .first()
            .and_then(|l| l.downcast_ref::<CelList>())
            .ok_or_else(|| ExecutionError::function_error("distinct", "not a list"))?;
        spend_size(list)?;
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<Box<dyn Val + 'v>> = Vec::new();
        for item in list.inner() {
            let fresh = match canonical(item.as_ref()) {
                Some(key) => seen.insert(key),
                None => true,
            };
            if fresh {
                out.push(item.clone_as_boxed());
            }
        }
        Ok(CowVal::owned(CelList::from(out)))
    }

    /// A string equal for values CEL calls equal, and different otherwise; `None` for a value
    /// equal to nothing (holding NaN).
    fn canonical(v: &dyn Val) -> Option<String> {
        use cel::common::types::{CelBool, CelDouble, CelInt, CelNull, CelUInt};
        use std::fmt::Write;
        let mut out = String::new();
        let mut todo: Vec<Result<&dyn Val, &'static str>> = vec![Ok(v)];
        while let Some(next) = todo.pop() {
            let v = match next {
                Err(text) => {
                    out.push_str(text);
                    continue;
                }
                Ok(v) => v,
            };
            if v.downcast_ref::<CelNull>().is_some() {
                out.push('n');
            } else if let Some(b) = v.downcast_ref::<CelBool>() {
                out.push(if *b.inner() { 'T' } else { 'F' });
            } else if let Some(i) = v.downcast_ref::<CelInt>() {
                let _ = write!(out, "i{};", i.inner());
            } else if let Some(u) = v.downcast_ref::<CelUInt>() {
                let _ = write!(out, "i{};", u.inner());
            } else if let Some(d) = v.downcast_ref::<CelDouble>() {
                let d = *d.inner();
                if d.is_nan() {
                    return None;
                }
                #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
                if d.fract() == 0.0 && d.abs() < 1e30 {
                    let _ = write!(out, "i{};", d as i128);
                } else {
                    let _ = write!(out, "d{};", d.to_bits());
                }
            } else if let Some(s) = v.downcast_ref::<CelString>() {
                let _ = write!(out, "s{}:{}", s.inner().len(), s.inner());
            } else if let Some(b) = v.downcast_ref::<CelBytes>() {
                let _ = write!(out, "b{}:{:?}", b.inner().len(), b.inner());
            } else if let Some(l) = v.downcast_ref::<CelList>() {
                let _ = write!(out, "l{}[", l.inner().len());
                todo.push(Err("]"));
                todo.extend(l.inner().iter().rev().map(|x| Ok(x.as_ref())));
            } else if let Some(m) = v.downcast_ref::<CelMap>() {
                let mut entries = Vec::with_capacity(m.inner().len());
                for (k, x) in m.inner() {
                    let mut entry = canonical(k.inner())?;
                    entry.push('=');
                    entry.push_str(&canonical(x.as_ref())?);
                    entries.push(entry);
                }
                entries.sort();
                let _ = write!(out, "m{}{{{}}}", entries.len(), entries.join(","));
            } else {
                let _ = write!(out, "o{v:?};");
            }
        }
        Some(out)
    }

    /// The program rewritten to charge the budget, made once per thread.
    pub(crate) fn prepared(program: &Arc<cel::Program>) -> Result<Rc<IdedExpr>, String> {
        let key = Arc::as_ptr(program) as usize;
        if let Some(p) = PREPARED.with_borrow(|m| m.get(&key).map(|(_, p)| p.clone())) {
            return p;
        }
        let made = rewrite(program.expression(), Pos::Value, &mut Vec::new(), 0).map(Rc::new);
        PREPARED.with_borrow_mut(|m| {
            m.insert(key, (program.clone(), made.clone()));
        });
        made
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Pos {
        /// The value itself is used.
        Value,
        /// Only its top is looked at: the operand of `size()` and `type()`.
        Top,
        /// Only navigated through: `x` of `x.y`, `x[i]`, `has(x.y)`.
        Nav,
    }

    /// The variables a program can read: the document's, and those its loops bind.
    fn is_variable(name: &str, bound: &[String]) -> bool {
        matches!(name, "doc" | "root" | "path" | "kind" | "today")
            || bound.iter().any(|b| b == name)
    }

    /// Whether `e` reads a variable (`v`, `v.a.b`, `v[i].c`).
    fn reads_variable(e: &IdedExpr, bound: &[String]) -> bool {
        let mut at = e;
        loop {
            match &at.expr {
                E::Ident(name) => return is_variable(name, bound),
                E::Select(s) if !s.test => at = &s.operand,
                E::Call(c)
                    if c.target.is_none()
                        && c.args.len() == 2
                        && (c.func_name == operators::INDEX
                            || c.func_name == operators::OPT_INDEX) =>
                {
                    at = &c.args[0];
                }
                _ => return false,
            }
        }
    }

    fn call(id: u64, func: &str, args: Vec<IdedExpr>) -> IdedExpr {
        IdedExpr {
            id,
            expr: E::Call(CallExpr {
                func_name: func.to_string(),
                target: None,
                args,
            }),
        }
    }

    /// `e`, charging the iteration of a loop whose body weighs `weight`.
    fn stepped(e: IdedExpr, weight: u64) -> IdedExpr {
        let w = IdedExpr {
            id: e.id,
            expr: E::Literal(LiteralValue::Int(
                i64::try_from(weight).unwrap_or(i64::MAX).into(),
            )),
        };
        call(e.id, STEP, vec![e, w])
    }

    /// The units one evaluation of `e` stands for: one per node, literals by their length.
    fn weight(e: &IdedExpr) -> u64 {
        let mut units = 0u64;
        let mut todo = vec![e];
        while let Some(e) = todo.pop() {
            units = units.saturating_add(1);
            match &e.expr {
                E::Literal(LiteralValue::String(s)) => {
                    units = units.saturating_add(text_units(s.inner().len()));
                }
                E::Literal(LiteralValue::Bytes(b)) => {
                    units = units.saturating_add(text_units(b.inner().len()));
                }
                E::Call(c) => {
                    todo.extend(c.target.as_deref());
                    todo.extend(&c.args);
                }
                E::Comprehension(c) => {
                    todo.extend([
                        &c.iter_range,
                        &c.accu_init,
                        &c.loop_cond,
                        &c.loop_step,
                        &c.result,
                    ]);
                }
                E::List(l) => todo.extend(&l.elements),
                E::Select(s) => todo.push(&s.operand),
                E::Map(m) => todo.extend(m.entries.iter().flat_map(entry_parts)),
                E::Struct(s) => todo.extend(s.entries.iter().flat_map(entry_parts)),
                _ => {}
            }
        }
        units
    }

    fn entry_parts(entry: &cel::common::ast::IdedEntryExpr) -> Vec<&IdedExpr> {
        use cel::common::ast::EntryExpr;
        match &entry.expr {
            EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
            EntryExpr::StructField(f) => vec![&f.value],
        }
    }

    /// `e` rewritten to charge the budget: reads of variables are wrapped in `@aimslint_charge`,
    /// each loop's iteration in `@aimslint_step`. Where a loop steps is chosen so that the
    /// interpreter's fast path for `map` and `filter` (a literal loop condition, a step appending
    /// `[x]`) still applies, and so that running out stops the loop at once (a loop condition or
    /// an appended element fails the loop; a failing `all()` step would be deferred).
    fn rewrite(
        e: &IdedExpr,
        pos: Pos,
        bound: &mut Vec<String>,
        depth: usize,
    ) -> Result<IdedExpr, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "the expression is deeper than {MAX_DEPTH} levels and is not evaluated"
            ));
        }
        let d = depth + 1;
        let id = e.id;
        let charged = |x: IdedExpr| match pos {
            Pos::Value => call(id, CHARGE, vec![x]),
            Pos::Top => call(id, CHARGE_TOP, vec![x]),
            Pos::Nav => x,
        };
        Ok(match &e.expr {
            E::Ident(name) if is_variable(name, bound) => charged(e.clone()),
            E::Ident(_) | E::Literal(_) | E::Unspecified => e.clone(),
            E::Select(s) => {
                let mut s2 = s.clone();
                *s2.operand = rewrite(&s.operand, Pos::Nav, bound, d)?;
                let out = IdedExpr {
                    id,
                    expr: E::Select(s2),
                };
                if !s.test && reads_variable(e, bound) {
                    charged(out)
                } else {
                    out
                }
            }
            E::Call(c)
                if c.target.is_none()
                    && c.args.len() == 2
                    && (c.func_name == operators::INDEX || c.func_name == operators::OPT_INDEX) =>
            {
                let mut c2 = c.clone();
                c2.args[0] = rewrite(&c.args[0], Pos::Nav, bound, d)?;
                c2.args[1] = rewrite(&c.args[1], Pos::Value, bound, d)?;
                let out = IdedExpr {
                    id,
                    expr: E::Call(c2),
                };
                if reads_variable(e, bound) {
                    charged(out)
                } else {
                    out
                }
            }
            E::Call(c) => {
                let mut c2 = c.clone();
                let operand = if matches!(c.func_name.as_str(), "size" | "type") {
                    Pos::Top
                } else {
                    Pos::Value
                };
                if let Some(t) = &c.target {
                    // A target that names no variable may be a namespace (`optional.of(x)`).
                    let tpos = if reads_variable(t, bound) || !is_name(t) {
                        operand
                    } else {
                        Pos::Nav
                    };
                    c2.target = Some(Box::new(rewrite(t, tpos, bound, d)?));
                }
                for (a, out) in c.args.iter().zip(c2.args.iter_mut()) {
                    *out = rewrite(a, operand, bound, d)?;
                }
                IdedExpr {
                    id,
                    expr: E::Call(c2),
                }
            }
            E::List(l) => {
                let mut elements = Vec::with_capacity(l.elements.len());
                for x in &l.elements {
                    elements.push(rewrite(x, Pos::Value, bound, d)?);
                }
                IdedExpr {
                    id,
                    expr: E::List(ListExpr {
                        elements,
                        optional_indices: l.optional_indices.clone(),
                    }),
                }
            }
            E::Map(_) | E::Struct(_) => {
                use cel::common::ast::EntryExpr;
                let mut out = e.clone();
                let entries = match &mut out.expr {
                    E::Map(m) => &mut m.entries,
                    E::Struct(s) => &mut s.entries,
                    _ => unreachable!(),
                };
                for entry in entries.iter_mut() {
                    match &mut entry.expr {
                        EntryExpr::MapEntry(me) => {
                            me.key = rewrite(&me.key, Pos::Value, bound, d)?;
                            me.value = rewrite(&me.value, Pos::Value, bound, d)?;
                        }
                        EntryExpr::StructField(f) => {
                            f.value = rewrite(&f.value, Pos::Value, bound, d)?;
                        }
                    }
                }
                out
            }
            E::Comprehension(c) => {
                let weight = weight(&c.loop_cond).saturating_add(weight(&c.loop_step));
                let mut c2 = (**c).clone();
                c2.iter_range = rewrite(&c.iter_range, Pos::Value, bound, d)?;
                c2.accu_init = rewrite(&c.accu_init, Pos::Value, bound, d)?;
                let pushed = 1 + usize::from(c.iter_var2.is_some());
                bound.push(c.iter_var.clone());
                bound.extend(c.iter_var2.clone());
                let inner = (|| -> Result<_, String> {
                    Ok((
                        rewrite(&c.loop_cond, Pos::Value, bound, d)?,
                        rewrite(&c.loop_step, Pos::Value, bound, d)?,
                        rewrite(&c.result, Pos::Value, bound, d)?,
                    ))
                })();
                bound.truncate(bound.len() - pushed);
                let (cond, step, result) = inner?;
                c2.result = result;
                if matches!(cond.expr, E::Literal(_)) {
                    // `map` / `filter`: step inside the appended element (or the filter's guard).
                    c2.loop_cond = cond;
                    c2.loop_step = step_append(step, &c.accu_var, weight);
                } else {
                    c2.loop_cond = stepped(cond, weight);
                    c2.loop_step = step;
                }
                IdedExpr {
                    id,
                    expr: E::Comprehension(Box::new(c2)),
                }
            }
        })
    }

    /// Whether `e` spells a qualified name (`a`, `a.b.c`).
    fn is_name(e: &IdedExpr) -> bool {
        match &e.expr {
            E::Ident(_) => true,
            E::Select(s) => !s.test && is_name(&s.operand),
            _ => false,
        }
    }

    /// A `map` / `filter` loop step charging `weight` per iteration: in `[x]` of `@result + [x]`,
    /// in the guard of `g ? @result + [x] : @result`; anything else is made to step by a loop
    /// condition (losing only the fast path of a shape that has none).
    fn step_append(step: IdedExpr, accu: &str, weight: u64) -> IdedExpr {
        fn is_accu(e: &IdedExpr, accu: &str) -> bool {
            matches!(&e.expr, E::Ident(n) if n == accu)
        }
        fn appended<'e>(e: &'e mut IdedExpr, accu: &str) -> Option<&'e mut IdedExpr> {
            match &mut e.expr {
                E::Call(c)
                    if c.func_name == operators::ADD
                        && c.target.is_none()
                        && c.args.len() == 2
                        && is_accu(&c.args[0], accu) =>
                {
                    match &mut c.args[1].expr {
                        E::List(l) if l.elements.len() == 1 => l.elements.first_mut(),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        let mut step = step;
        let guarded = match &mut step.expr {
            E::Call(c)
                if c.func_name == operators::CONDITIONAL
                    && c.target.is_none()
                    && c.args.len() == 3
                    && is_accu(&c.args[2], accu) =>
            {
                let guard = std::mem::take(&mut c.args[0]);
                c.args[0] = stepped(guard, weight);
                true
            }
            _ => false,
        };
        if guarded {
            return step;
        }
        if let Some(x) = appended(&mut step, accu) {
            let item = std::mem::take(x);
            *x = stepped(item, weight);
            return step;
        }
        // No known shape: step before the whole loop step (the condition is a literal, so the
        // interpreter evaluates the step on every iteration).
        stepped(step, weight)
    }
}

/// ` (did you mean `x`?)` naming the allowed value `s` was probably meant to be: the same but for
/// case, spaces or underscores, or a typo away; empty when none is near.
pub(crate) fn did_you_mean(s: &str, allowed: &[&str]) -> String {
    let canon = |v: &str| v.trim().to_lowercase().replace([' ', '_'], "-");
    let meant = allowed
        .iter()
        .copied()
        .find(|v| canon(v) == canon(s))
        .or_else(|| crate::select::closest(&canon(s), allowed.iter().copied()));
    meant.map_or_else(String::new, |m| format!(" (did you mean `{m}`?)"))
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
    }
}

/// What the tests' contexts point at where a run would give its own.
#[cfg(test)]
mod test_ctx {
    use std::collections::{BTreeSet, HashMap};
    use std::sync::LazyLock;

    pub(super) static LIMITS: LazyLock<aimslint_artifacts::Limits> =
        LazyLock::new(aimslint_artifacts::Limits::default);
    pub(super) static CONTENTS: LazyLock<crate::run::Contents> =
        LazyLock::new(crate::run::Contents::default);
    pub(super) static KEY_PATHS: LazyLock<HashMap<(String, String, String), BTreeSet<String>>> =
        LazyLock::new(HashMap::new);
}

#[cfg(test)]
mod cel_tests {
    use super::*;
    use serde_json::json;

    use super::test_ctx::{CONTENTS, KEY_PATHS, LIMITS};

    fn expr(src: &str) -> Expr {
        Expr {
            source: src.to_string(),
            program: std::sync::Arc::new(cel::Program::compile(src).unwrap()),
        }
    }

    struct World {
        paths: HashSet<String>,
        kinds: HashMap<String, Option<String>>,
        keys: HashMap<(String, String), HashSet<String>>,
    }

    impl World {
        fn new() -> World {
            World {
                paths: HashSet::new(),
                kinds: HashMap::new(),
                keys: HashMap::new(),
            }
        }

        fn ctx<'a>(&'a self, root: &'a Value) -> Ctx<'a> {
            Ctx {
                root,
                path: "aims/systems.yaml",
                kind: "ai-system",
                today: jiff::civil::date(2026, 11, 1),
                schema_pointer: "",
                paths: &self.paths,
                kinds: &self.kinds,
                keys: &self.keys,
                key_paths: &KEY_PATHS,
                cel: std::cell::OnceCell::new(),
                cel_fields: None,
                deps: std::cell::RefCell::new(Vec::new()),
                sections: std::cell::OnceCell::new(),
                body_code: std::cell::OnceCell::new(),
                body_runs: None,
                section_vocab: &[],
                plugins: None,
                plugin_needs: None,
                contents: &CONTENTS,
                limits: &LIMITS,
                plugin_document: std::cell::OnceCell::new(),
            }
        }
    }

    /// What the plain interpreter says, with no budget.
    fn plain(e: &Expr, doc: &Value) -> Result<bool, String> {
        let mut c = cel::Context::with_env(cel_env());
        c.add_variable("doc", doc.clone()).unwrap();
        c.add_variable("root", doc.clone()).unwrap();
        c.add_variable("path", "aims/systems.yaml").unwrap();
        c.add_variable("kind", "ai-system").unwrap();
        c.add_variable("today", "2026-11-01").unwrap();
        // Unmetered: `distinct()` spends from the thread's budget, so give it all there is.
        match budget::metered(u64::MAX, || e.program.execute(&c)).0 {
            Ok(cel::Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("{other:?}")),
            Err(e) => Err(e.to_string()),
        }
    }

    fn inventory(n: usize, duplicate: bool) -> Value {
        let mut systems: Vec<Value> = (0..n)
            .map(|i| json!({"id": format!("system-{i}"), "owner": "team", "risk_tier": "low"}))
            .collect();
        if duplicate {
            // The last id again: `all()` over the systems goes through every one.
            systems.push(json!({"id": format!("system-{}", n - 1), "owner": "other"}));
        }
        systems.push(json!({"owner": "no id"}));
        json!({ "systems": systems, "owners": ["team", "other"] })
    }

    /// The metered program answers as the plain one does, on every shape the rewrite touches:
    /// each macro, nested loops, `in`, indexing, `has`, literals, namespaces, errors.
    #[test]
    fn metering_does_not_change_answers() {
        let docs = [
            inventory(3, false),
            inventory(3, true),
            json!({"systems": [], "owners": []}),
            json!({"systems": "not a list"}),
            json!({"meta": ["a", "b"]}),
        ];
        let bundled: Vec<String> = std::fs::read_dir(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/iso42001/rules"),
        )
        .unwrap()
        .flatten()
        .filter_map(|f| {
            let t: toml::Value = toml::from_str(&std::fs::read_to_string(f.path()).ok()?).ok()?;
            let mut out = Vec::new();
            if let Some(w) = t.get("when").and_then(toml::Value::as_str) {
                out.push(w.to_string());
            }
            if let Some(e) = t
                .get("check")
                .and_then(|c| c.get("expr"))
                .and_then(|c| c.get("expr"))
                .and_then(toml::Value::as_str)
            {
                out.push(e.to_string());
            }
            Some(out)
        })
        .flatten()
        .collect();
        assert!(bundled.len() >= 20, "{}", bundled.len());
        let mine = [
            "doc.systems.all(s, has(s.id))",
            "doc.systems.exists(s, s.owner == 'other')",
            "doc.systems.exists_one(s, has(s.id) && s.id == 'system-1')",
            "doc.systems.existsOne(s, s.owner == 'team')",
            "size(doc.systems.map(s, s.owner)) > 2",
            "size(doc.systems.map(s, has(s.id), s.id)) == 3",
            "doc.systems.filter(s, s.owner in doc.owners).size() > 0",
            "doc.systems.map(s, s.owner).filter(o, o == 'team').all(o, o in ['team'])",
            "doc.systems.all(s, doc.systems.exists(t, t.owner == s.owner))",
            "doc.systems[0].owner == 'team' && doc['owners'][1] == 'other'",
            "[1, 2, 3].map(x, [x, x * 2]).all(p, p[1] == p[0] * 2)",
            "{'a': doc.owners}.a.size() == 2",
            "doc.owners.distinct().size() == 2",
            "doc.systems.map(s, s.owner).distinct() == ['team', 'other'] || doc.systems.size() < 3",
            "has(doc.meta) ? doc.meta.size() > 0 : true",
            "path.endsWith('.yaml') && kind == 'ai-system' && today > '2026'",
            "doc.systems.all(s, s.missing == 1)",
            "doc.systems.exists(s, 1 / 0 == 1) || true",
            "type(doc.owners) == list",
            "size(doc.owners.filter(o, o.startsWith('t'))) == 1",
            "optional.of(1).hasValue()",
            "doc.systems.map(s, s.owner).exists(o, o == 'other')",
            "doc",
        ];
        let w = World::new();
        let mut compared = 0;
        for src in bundled.iter().map(String::as_str).chain(mine) {
            let e = expr(src);
            for doc in &docs {
                let want = plain(&e, doc);
                let ctx = w.ctx(doc);
                let got = eval_bool(&e, doc, &ctx);
                match (&want, &got) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{src} on {doc}"),
                    (Err(_), Err(EvalError::Failed(_))) => {}
                    _ => panic!("{src} on {doc}: plain {want:?}, metered {got:?}"),
                }
                compared += 1;
            }
        }
        assert!(compared > 200);
    }

    #[test]
    fn distinct_uses_cel_equality() {
        let w = World::new();
        let doc = json!({});
        let ctx = w.ctx(&doc);
        for (src, want) in [
            (
                "[1, 1u, 1.0, 2, '1', null, null].distinct() == [1, 2, '1', null]",
                true,
            ),
            (
                "[[1], [1.0], {'a': 1}, {'a': 1.0}, {'a': 2}].distinct().size() == 3",
                true,
            ),
            (
                "[double('nan'), double('nan')].distinct().size() == 2",
                true,
            ),
            (
                "['b', 'a', 'b', 'c', 'a'].distinct() == ['b', 'a', 'c']",
                true,
            ),
            ("[].distinct() == []", true),
            ("[-0.0, 0.0, 0].distinct().size() == 1", true),
            ("[true, 'true', 1].distinct().size() == 3", true),
        ] {
            assert_eq!(eval_bool(&expr(src), &doc, &ctx), Ok(want), "{src}");
        }
    }

    /// A pairwise expression runs out of budget on a large document (once: later evaluations of
    /// the same expression on it are not reported again), while a linear one over the same
    /// document, and the pairwise one on a small document, are judged.
    #[test]
    fn pairwise_expressions_run_out_on_large_documents() {
        let pairwise = expr(
            "doc.systems.all(s, !has(s.id) || size(doc.systems.filter(t, has(t.id) && t.id == s.id)) == 1)",
        );
        let linear = expr(
            "size(doc.systems.filter(s, has(s.id)).map(s, s.id).distinct()) == size(doc.systems.filter(s, has(s.id)))",
        );
        let membership = expr("doc.systems.all(s, s.owner in doc.big)");
        // `size()` looks at the top of a list only: not pairwise.
        let sized = expr("doc.systems.all(s, size(doc.systems) > 0 && doc.systems.size() > 0)");
        let w = World::new();
        for dup in [false, true] {
            let small = inventory(50, dup);
            let ctx = w.ctx(&small);
            assert_eq!(eval_bool(&pairwise, &small, &ctx), Ok(!dup));
            assert_eq!(eval_bool(&linear, &small, &ctx), Ok(!dup));

            let large = inventory(20_000, dup);
            let ctx = w.ctx(&large);
            match eval_bool(&pairwise, &large, &ctx) {
                Err(EvalError::Failed(e)) => assert!(e.contains("budget"), "{e}"),
                other => panic!("{other:?}"),
            }
            assert_eq!(eval_bool(&pairwise, &large, &ctx), Err(EvalError::Reported));
            assert_eq!(eval_bool(&linear, &large, &ctx), Ok(!dup));
            assert_eq!(
                eval_bool(&linear, &large, &ctx),
                Ok(!dup),
                "a second pass fits"
            );
            assert_eq!(eval_bool(&sized, &large, &ctx), Ok(true));
        }
        // Quadratic through an operator rather than a nested loop.
        let mut doc = inventory(20_000, false);
        doc["big"] = Value::Array((0..20_000).map(|i| json!(format!("o{i}"))).collect());
        doc["big"].as_array_mut().unwrap().push(json!("team"));
        let ctx = w.ctx(&doc);
        assert!(
            matches!(eval_bool(&membership, &doc, &ctx), Err(EvalError::Failed(e)) if e.contains("budget"))
        );
    }

    /// `each` elements share their expression's budget on the document.
    #[test]
    fn each_elements_share_one_budget() {
        let per_element =
            expr("size(root.systems.filter(t, has(t.id) && has(doc.id) && t.id == doc.id)) <= 1");
        let w = World::new();
        let doc = inventory(20_000, false);
        let ctx = w.ctx(&doc);
        let systems = doc["systems"].as_array().unwrap();
        let mut outcomes = Vec::new();
        for s in systems {
            outcomes.push(eval_bool(&per_element, s, &ctx));
        }
        let failed = outcomes
            .iter()
            .filter(|o| matches!(o, Err(EvalError::Failed(_))))
            .count();
        assert_eq!(failed, 1, "reported once");
        assert!(
            outcomes.contains(&Ok(true)),
            "the first elements are judged"
        );
        assert_eq!(outcomes.last(), Some(&Err(EvalError::Reported)));
    }

    /// A failing `when` is an AL009 finding naming the rule, as is a failing check; a `when` that
    /// is false is not.
    #[test]
    fn expression_errors_are_al009() {
        let mut rule = Rule {
            pack: "t".into(),
            id: "T-001".into(),
            title: "t".into(),
            severity: aimslint_packs::Severity::Error,
            kinds: vec!["ai-system".into()],
            controls: vec![],
            since: None,
            help: String::new(),
            docs: String::new(),
            when: Some(expr("doc.systems.size() > 0")),
            each: None,
            check: crate::kinds::expr::check(
                expr("doc.systems.all(s, s.id != '')"),
                Some("/systems"),
                "ids are empty",
            ),
            supersedes: Vec::new(),
            file: "rules/T-001.toml".into(),
        };
        let w = World::new();
        let broken = json!({"systems": 3});
        let ctx = w.ctx(&broken);
        let hits = judge(&rule, &broken, "", &ctx);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].core.map(|c| c.code), Some("AL009"));
        assert!(
            hits[0]
                .message
                .starts_with("T-001: its `when` condition could not be evaluated"),
            "{}",
            hits[0].message
        );

        let fine = json!({"systems": []});
        let ctx = w.ctx(&fine);
        assert!(judge(&rule, &fine, "", &ctx).is_empty());

        let missing_ids = json!({"systems": [{"owner": "x"}]});
        let ctx = w.ctx(&missing_ids);
        let hits = judge(&rule, &missing_ids, "", &ctx);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].core.map(|c| c.code), Some("AL009"));
        assert_eq!(hits[0].pointer, "/systems");
        assert!(
            hits[0]
                .message
                .contains("check expression could not be evaluated"),
            "{}",
            hits[0].message
        );

        rule.when = Some(expr("false"));
        assert!(judge(&rule, &missing_ids, "", &w.ctx(&missing_ids)).is_empty());
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;
    use serde_json::json;

    use super::test_ctx::{CONTENTS, KEY_PATHS, LIMITS};

    fn depth(e: &cel::IdedExpr) -> usize {
        use cel::common::ast::Expr as E;
        1 + match &e.expr {
            E::Call(c) => c
                .target
                .as_deref()
                .into_iter()
                .chain(&c.args)
                .map(depth)
                .max()
                .unwrap_or(0),
            E::Comprehension(c) => [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ]
            .into_iter()
            .map(depth)
            .max()
            .unwrap_or(0),
            E::List(l) => l.elements.iter().map(depth).max().unwrap_or(0),
            E::Select(s) => depth(&s.operand),
            _ => 0,
        }
    }

    /// The deepest trees the loader lets through (32 levels), rewritten to meter them, evaluate on
    /// a worker's default 2 MiB stack even in a debug build.
    #[test]
    fn the_deepest_allowed_expressions_evaluate_on_a_small_stack() {
        let mut shapes = Vec::new();
        let mut all = "doc.a == 1".to_string();
        let mut map = "doc.a".to_string();
        let mut filter = "doc.a == 1".to_string();
        for i in 0..16 {
            all = format!("doc.l.all(x{i}, {all})");
            map = format!("doc.l.map(y{i}, {map})");
            filter = format!("doc.l.filter(z{i}, {filter}).size() > 0");
            shapes.push(all.clone());
            shapes.push(format!("size({map}) > 0"));
            shapes.push(filter.clone());
        }
        for n in 1..40 {
            shapes.push(format!("{} == 1", vec!["doc.a"; n].join(" + ")));
            shapes.push(format!("{}doc.a{} != []", "[".repeat(n), "]".repeat(n)));
            shapes.push(format!("doc.m{} != 2", ".m".repeat(n)));
        }
        let mut m = json!(1);
        for _ in 0..40 {
            m = json!({ "m": m });
        }
        let doc = json!({"a": 1, "l": [1], "m": m});
        // The loader parses on a large stack of its own; so does this test.
        let at_limit: Vec<Expr> = std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                shapes
                    .into_iter()
                    .filter_map(|src| {
                        let program = cel::Program::compile(&src).ok()?;
                        (depth(program.expression()) <= 32).then(|| Expr {
                            source: src,
                            program: std::sync::Arc::new(program),
                        })
                    })
                    .collect()
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(at_limit.len() > 60, "{}", at_limit.len());
        let deepest = at_limit.iter().map(|e| depth(e.program.expression())).max();
        assert_eq!(deepest, Some(32));
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let (paths, kinds, keys) = (HashSet::new(), HashMap::new(), HashMap::new());
                let ctx = Ctx {
                    root: &doc,
                    path: "x.yaml",
                    kind: "k",
                    today: jiff::civil::date(2026, 11, 1),
                    schema_pointer: "",
                    paths: &paths,
                    kinds: &kinds,
                    keys: &keys,
                    key_paths: &KEY_PATHS,
                    cel: std::cell::OnceCell::new(),
                    cel_fields: None,
                    deps: std::cell::RefCell::new(Vec::new()),
                    sections: std::cell::OnceCell::new(),
                    body_code: std::cell::OnceCell::new(),
                    body_runs: None,
                    section_vocab: &[],
                    plugins: None,
                    plugin_needs: None,
                    contents: &CONTENTS,
                    limits: &LIMITS,
                    plugin_document: std::cell::OnceCell::new(),
                };
                for e in &at_limit {
                    let r = eval_bool(e, &doc, &ctx);
                    assert!(r.is_ok(), "{}: {r:?}", e.source);
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
