use std::fmt;
use std::sync::Arc;

use globset::GlobSet;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source a pack cites for its catalogue or crosswalk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub id: String,
    pub name: String,
    pub version: semver::Version,
    pub framework: String,
    pub edition: String,
    pub description: String,
    pub optional: bool,
    pub requires_aimslint: Option<semver::VersionReq>,
    pub sources: Vec<SourceRef>,
    /// The pack this one layers on (`[extends]`), if any.
    pub extends: Option<String>,
}

/// One control, clause, subcategory, article or group of a framework's catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub pack: String,
    pub id: String,
    pub title: String,
    pub kind: String,
    pub parent: Option<String>,
    pub description: String,
    /// Artifact kinds that can show this control; empty for a process control.
    pub evidence: Vec<String>,
    pub source: Option<String>,
    pub applies_from: Option<String>,
    pub applies_source: Option<String>,
    pub applies_status: Option<String>,
}

impl Control {
    /// `iso42001:A.7.5`.
    pub fn qualified(&self) -> String {
        format!("{}:{}", self.pack, self.id)
    }

    /// A group (area, chapter, function, category) rather than a control in its own right.
    pub fn is_group(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "group" | "clause-group" | "chapter" | "function" | "category" | "annex"
        )
    }
}

/// A compiled JSON Schema.
#[derive(Debug)]
pub struct CompiledSchema {
    pub name: String,
    pub validator: jsonschema::Validator,
}

/// How files of a kind are recognised.
#[derive(Debug, Clone)]
pub struct Detect {
    pub patterns: Vec<String>,
    pub paths: Option<GlobSet>,
    pub sniff: Vec<String>,
}

/// An artifact kind a pack declares.
#[derive(Debug, Clone)]
pub struct Kind {
    pub pack: String,
    pub id: String,
    pub title: String,
    pub schema: Option<Arc<CompiledSchema>>,
    pub schema_pointer: String,
    pub detect: Vec<Detect>,
}

/// A compiled CEL expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub source: String,
    pub program: Arc<cel::Program>,
}

impl Expr {
    /// Whether the expression reads the variable `name` (`today`, `root`, …), from its syntax
    /// tree: a string or a field that merely contains the word does not count.
    pub fn reads(&self, name: &str) -> bool {
        self.program.references().has_variable(name)
    }
}

/// Normalise a heading for comparison: lower case, alphanumerics and single spaces, each word
/// reduced to its singular (`Benchmarks` → `benchmark`, `Analyses` → `analysis`, `Uses` → `use`),
/// so a heading matches a wanted title whatever number either is written in.
pub fn norm_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Where the word being written starts in `out`; each is made singular where it ends.
    let mut word: Option<usize> = None;
    let letter = |out: &mut String, word: &mut Option<usize>| {
        if word.is_none() {
            if !out.is_empty() {
                out.push(' ');
            }
            *word = Some(out.len());
        }
    };
    if s.is_ascii() {
        // Nearly every title: a byte at a time, without the Unicode tables (a character at a
        // time, decoded and encoded again, took a third longer on a history's titles).
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() {
                letter(&mut out, &mut word);
                out.push(char::from(b.to_ascii_lowercase()));
            } else if let Some(at) = word.take() {
                make_singular(&mut out, at);
            }
        }
    } else {
        for c in s.chars() {
            let is_letter = if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                c.is_alphanumeric()
            };
            if is_letter {
                letter(&mut out, &mut word);
                if c.is_ascii() {
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.extend(c.to_lowercase());
                }
            } else if let Some(at) = word.take() {
                make_singular(&mut out, at);
            }
        }
    }
    if let Some(at) = word {
        make_singular(&mut out, at);
    }
    out
}

/// A `section` check's wanted title as it is compared: normalised, and marked with a leading `=`
/// when the title was written `=Title` (the heading must be exactly that, not merely contain it:
/// `=Data` matches `## Data` but not `## Evaluation Data`).
pub fn section_title(t: &str) -> String {
    match t.strip_prefix('=') {
        Some(exact) => format!("={}", norm_title(exact)),
        None => norm_title(t),
    }
}

/// The word that starts at `at` and ends `out`, made singular for matching by the regular
/// English endings (`ies` → `y`, `yses` → `ysis`, `sses` → `ss`, `s` → ``); words that end in
/// `ss`, `us`, `is`, `as` or are short stay as they are.
fn make_singular(out: &mut String, at: usize) {
    let w = &out[at..];
    if w.len() <= 3
        || w.ends_with("ss")
        || w.ends_with("us")
        || w.ends_with("is")
        || w.ends_with("as")
    {
    } else if w.ends_with("ies") {
        out.truncate(out.len() - 3);
        out.push('y');
    } else if w.ends_with("yses") {
        out.truncate(out.len() - 2);
        out.push_str("is");
    } else if w.ends_with("sses") {
        out.truncate(out.len() - 2);
    } else if w.ends_with('s') {
        out.pop();
    }
}

impl Expr {
    /// The top-level fields the expression reads from `var` (`doc` or `root`), when it only ever
    /// reads it as `var.field…`; `None` when it uses the variable whole (`size(doc)`, `doc["x"]`).
    pub fn fields_read(&self, var: &str) -> Option<std::collections::BTreeSet<String>> {
        fields_used(&self.source, var)
    }
}

/// The top-level fields an expression reads from a variable (`doc`, or a path such as `doc.meta`),
/// when it only ever reads it as `var.field…` or tests it with `has(var)`; `None` when it uses the
/// variable any other way.
fn fields_used(src: &str, var: &str) -> Option<std::collections::BTreeSet<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut fields = std::collections::BTreeSet::new();
    let mut rest = src;
    let mut offset = 0;
    while let Some(i) = rest.find(var) {
        let at = offset + i;
        let before = src[..at].chars().next_back();
        let after_var = &src[at + var.len()..];
        let is_token =
            !before.is_some_and(|c| ident(c) || c == '.') && !after_var.starts_with(ident);
        let in_string =
            src[..at].matches('"').count() % 2 == 1 || src[..at].matches('\'').count() % 2 == 1;
        // `has(var)` asks only whether the variable is there.
        let presence =
            src[..at].trim_end().ends_with("has(") && after_var.trim_start().starts_with(')');
        if is_token && !in_string && !presence {
            let field: String = after_var
                .strip_prefix('.')?
                .chars()
                .take_while(|c| ident(*c))
                .collect();
            if field.is_empty() {
                return None;
            }
            fields.insert(field);
        }
        offset = at + var.len();
        rest = &src[offset..];
    }
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expression_reads_today_only_as_a_variable() {
        let e = |src: &str| Expr {
            source: src.to_string(),
            program: Arc::new(cel::Program::compile(src).unwrap()),
        };
        assert!(e("days_between(doc.reviewed, today) <= 365").reads("today"));
        assert!(e("today > doc.next_review").reads("today"));
        // The word in a string or a field name is no reading of the date.
        assert!(!e("doc.status != 'reviewed today'").reads("today"));
        assert!(!e("has(doc.today_count)").reads("today"));
    }

    #[test]
    fn titles_match_in_any_number() {
        assert_eq!(norm_title("Benchmarks"), norm_title("Benchmark"));
        assert_eq!(norm_title("Quantitative Analyses"), "quantitative analysis");
        assert_eq!(
            norm_title("Bias, Risks, and Limitations"),
            "bias risk and limitation"
        );
        assert_eq!(norm_title("Uses"), "use");
        assert_eq!(
            norm_title("Caveats & Recommendations"),
            "caveat recommendation"
        );
        assert_eq!(norm_title("Process"), "process");
        assert_eq!(norm_title("Status"), "status");
        assert_eq!(norm_title("Studies"), "study");
        assert_eq!(section_title("=Data"), "=data");
        // Letters of any script, lower-cased; everything else separates words.
        assert_eq!(norm_title("Análisis De Datos"), "análisis de dato");
        assert_eq!(norm_title("ÜBERSICHT—Ziele"), "übersicht ziele");
        assert_eq!(norm_title("  **Classes**  / Glasses "), "class glass");
        assert_eq!(norm_title("Data  Analyses:"), "data analysis");
        assert_eq!(norm_title("Uses"), "use");
        assert_eq!(norm_title("ABS 42s Bases"), "abs 42s base");
        assert_eq!(norm_title("!!!"), "");
        assert_eq!(norm_title(""), "");
    }

    /// The title normalised in place says what the plain reading (each word gathered, then made
    /// singular) says, on titles in several scripts.
    #[test]
    fn norm_title_matches_the_word_by_word_reading() {
        fn plain(s: &str) -> String {
            let mut words: Vec<String> = Vec::new();
            let mut word = String::new();
            for c in s.chars() {
                if c.is_alphanumeric() {
                    word.extend(c.to_lowercase());
                } else if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            if !word.is_empty() {
                words.push(word);
            }
            words
                .into_iter()
                .map(|w| {
                    let mut out = String::new();
                    out.push_str(&w);
                    make_singular(&mut out, 0);
                    out
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
        let titles = [
            "Model Details",
            "Bias, Risks, and Limitations",
            "Études et Analyses",
            "Training Data (2024)",
            "Dataset Card for `xnli`",
            "İstanbul Datası",
            "Uses & Out-of-Scope Uses",
            "Σκοποί",
            "数据集 描述",
            "x",
            "ss",
            "Classes",
        ];
        for t in titles {
            assert_eq!(norm_title(t), plain(t), "{t:?}");
        }
    }

    #[test]
    fn fields_an_expression_reads() {
        let f = |s: &str| fields_used(s, "doc").map(|f| f.into_iter().collect::<Vec<_>>());
        assert_eq!(
            f("has(doc.personal_data) && doc.personal_data == true"),
            Some(vec!["personal_data".into()])
        );
        assert_eq!(
            f("doc.approvals.all(a, has(a.name)) && docs.x"),
            Some(vec!["approvals".into()])
        );
        assert_eq!(f("size(doc) > 2"), None);
        assert_eq!(f("doc[\"x\"] == 1"), None);
        assert_eq!(f("\"doc\" == path"), Some(vec![]));
        assert_eq!(f("rootish && root.x"), Some(vec![]));
    }
}

/// Compiled path globs with their source text.
#[derive(Debug, Clone)]
pub struct GlobMatcher {
    pub patterns: Vec<String>,
    pub set: GlobSet,
}

impl GlobMatcher {
    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }
}

/// A rule, loaded and compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    pub pack: String,
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kinds: Vec<String>,
    /// Qualified control ids (`iso42001:A.7.5`).
    pub controls: Vec<String>,
    pub since: Option<semver::Version>,
    pub help: String,
    pub docs: String,
    pub when: Option<Expr>,
    pub each: Option<String>,
    /// What it checks, compiled by its check kind (`crate::check`).
    pub check: crate::Check,
    /// Rules of the same pack this one supersedes: where both find something at the same place of
    /// a file, their findings become one, this rule's (see `docs/packs.md`).
    pub supersedes: Vec<String>,
    /// The rule file, relative to its pack.
    pub file: String,
}

/// NIST IR 8278 (OLIR) relationship types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    Equal,
    SubsetOf,
    SupersetOf,
    IntersectsWith,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equal => "equal",
            Relation::SubsetOf => "subset-of",
            Relation::SupersetOf => "superset-of",
            Relation::IntersectsWith => "intersects-with",
        }
    }
}

/// One crosswalk pair, with qualified ids on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub from: String,
    pub to: String,
    pub relation: Relation,
    pub source: String,
    pub rationale: Option<String>,
    /// The rules citing the control whose findings do not count along this pair
    /// (`crosswalk/<target>.paths.toml`): their gaps are no evidence about the item. `None`: every
    /// rule citing the control counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_rules: Option<Vec<String>>,
    /// Why those rules do not count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_why: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Crosswalk {
    pub pack: String,
    pub target: String,
    pub pairs: Vec<Pair>,
}

/// A native plugin a pack declares (`[[plugins]]` in pack.toml).
#[derive(Debug, Clone, Serialize)]
pub struct PluginDecl {
    pub pack: String,
    pub id: String,
    /// The library for this platform, relative to the pack directory; `None` when the pack
    /// names none for this platform.
    pub library: Option<String>,
}

/// A loaded pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub plugins: Vec<PluginDecl>,
    pub manifest: Manifest,
    pub files: crate::PackFiles,
    pub digest: String,
    pub controls: Vec<Control>,
    pub kinds: Vec<Kind>,
    pub rules: Vec<Arc<Rule>>,
    pub crosswalks: Vec<Crosswalk>,
}
