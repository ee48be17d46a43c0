//! Rule selection as ruff does it: by rule id, id prefix, pack, control glob or severity.

use aimslint_packs::Rule;

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

fn matches(rule: &Rule, sel: &str) -> bool {
    let s = sel.trim();
    if s.eq_ignore_ascii_case("all") || s == "*" {
        return true;
    }
    if s == rule.pack || s.eq_ignore_ascii_case(&rule.id) || s == rule.severity.as_str() {
        return true;
    }
    if s.contains(':') {
        // A control or control glob: iso42001:A.7.*
        return rule.controls.iter().any(|c| glob_match(s, c));
    }
    if s.contains(['*', '?', '[']) {
        return glob_match(&s.to_ascii_uppercase(), &rule.id.to_ascii_uppercase());
    }
    let up = s.to_ascii_uppercase();
    rule.id.to_ascii_uppercase().starts_with(&up)
}

/// Whether a selector names anything in the loaded packs.
pub(crate) fn selector_is_known(packs: &aimslint_packs::PackSet, sel: &str) -> bool {
    let s = sel.trim();
    s.eq_ignore_ascii_case("all")
        || s == "*"
        || aimslint_packs::Severity::parse(s).is_some()
        || packs.pack(s).is_some()
        || (s.starts_with("AL") && s.len() == 5 && s[2..].chars().all(|c| c.is_ascii_digit()))
        || packs.rules().any(|r| matches(r, s))
}

fn glob_match(pattern: &str, text: &str) -> bool {
    globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher().is_match(text))
        .unwrap_or(false)
}

impl Selection {
    /// Whether `select` names this rule by its id (not by a prefix, pack, control or severity).
    pub fn names(&self, id: &str) -> bool {
        self.select.iter().any(|s| s.eq_ignore_ascii_case(id))
    }

    pub fn is_selected(&self, rule: &Rule) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| matches(rule, s));
        selected && !self.ignore.iter().any(|s| matches(rule, s))
    }
}

/// The candidate nearest to a mistyped name, when one is near enough to be what was meant.
pub fn closest<'a>(typo: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let t = typo.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&t, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}
