//! What counts as content: placeholders left from templates are not evidence.

use serde_json::Value;

/// Strings that templates leave behind. Compared case-insensitively after trimming.
pub const PLACEHOLDERS: &[&str] = &[
    "[more information needed]",
    "more information needed",
    "[needs more information]",
    "todo",
    "tbd",
    "tbc",
    "n/a",
    "na",
    "fixme",
    "xxx",
    "...",
    "…",
    "lorem ipsum",
    "none",
    "unknown",
    "-",
];

/// Is this string, on its own, a placeholder rather than content?
pub fn is_placeholder(s: &str) -> bool {
    // Ordinary text, without comments, template markup or "more information needed": longer than
    // any placeholder, it is one only by its opening words. Most values are decided here, without
    // the allocations below.
    let plain = !s.bytes().any(|b| b == b'<' || b == b'{') && !has_word(s, b"information");
    if plain {
        let t = s
            .trim()
            .trim_matches(|c: char| c == '"' || c == '\'' || c == '*' || c == '_');
        if t.len() > 32 {
            let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
            return starts("lorem ipsum") || starts("todo:") || starts("tbd:");
        }
    }
    let t = strip_noise(s);
    let t = t
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '*' || c == '_');
    if t.is_empty() {
        return true;
    }
    let lower = t.to_lowercase();
    PLACEHOLDERS.contains(&lower.as_str())
        || lower.starts_with("lorem ipsum")
        || lower.starts_with("todo:")
        || lower.starts_with("tbd:")
}

/// Is this JSON value missing in substance: null, empty, or a placeholder string?
pub fn is_placeholder_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => is_placeholder(s),
        Value::Array(a) => a.is_empty() || a.iter().all(is_placeholder_value),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Whether `s` holds `word` (ASCII, lower case), in any case.
fn has_word(s: &str, word: &[u8]) -> bool {
    s.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// Remove HTML comments, Jinja expressions and placeholder phrases from a text.
fn strip_noise(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("<!--") && !s.contains("{{") && !s.contains("{%") && !has_word(s, b"information")
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let next_comment = rest.find("<!--");
        let next_jinja = rest.find("{{").into_iter().chain(rest.find("{%")).min();
        let (start, close) = match (next_comment, next_jinja) {
            (Some(c), Some(j)) if j < c => (
                j,
                if rest[j..].starts_with("{{") {
                    "}}"
                } else {
                    "%}"
                },
            ),
            (Some(c), _) => (c, "-->"),
            (None, Some(j)) => (
                j,
                if rest[j..].starts_with("{{") {
                    "}}"
                } else {
                    "%}"
                },
            ),
            (None, None) => {
                out.push_str(rest);
                break;
            }
        };
        out.push_str(&rest[..start]);
        match rest[start..].find(close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => break,
        }
    }
    let lower = out.to_lowercase();
    if lower.contains("more information needed") || lower.contains("needs more information") {
        let mut cleaned = String::with_capacity(out.len());
        for line in out.lines() {
            let l = line.to_lowercase();
            if !(l.contains("more information needed") || l.contains("needs more information")) {
                cleaned.push_str(line);
                cleaned.push('\n');
            }
        }
        return std::borrow::Cow::Owned(cleaned);
    }
    std::borrow::Cow::Owned(out)
}

/// The words of real content in a Markdown text: comments, Jinja, placeholders, markup and
/// headings removed.
pub fn content_words(s: &str) -> usize {
    let cleaned = strip_noise(s);
    cleaned
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with('#') && !is_placeholder(t)
        })
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_content() {
        assert!(is_placeholder("[More Information Needed]"));
        assert!(is_placeholder("  TBD "));
        assert!(is_placeholder("<!-- Provide a summary -->"));
        assert!(is_placeholder("{{ model_summary | default(\"\", true) }}"));
        assert!(!is_placeholder("Retail credit scoring"));
        // Longer than any placeholder: decided by the opening words, or by the noise stripped.
        assert!(is_placeholder(
            "TODO: describe the training data and its licences here"
        ));
        assert!(is_placeholder(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit"
        ));
        assert!(!is_placeholder(
            "A gradient-boosted scorecard for retail credit decisions"
        ));
        assert!(is_placeholder(
            "A long line that still says [More Information Needed] in it"
        ));
        assert!(is_placeholder(
            "<!-- a template comment that is long enough to be skipped -->"
        ));
        assert_eq!(
            content_words("<!-- hi there -->\n[More Information Needed]\n"),
            0
        );
        assert_eq!(
            content_words("### Sub\nThe model is biased against thin files."),
            7
        );
        assert!(is_placeholder_value(&serde_json::json!([])));
        assert!(is_placeholder_value(&serde_json::json!(["TODO"])));
        assert!(!is_placeholder_value(&serde_json::json!(false)));
    }
}

/// The largest char boundary of `s` at or before byte `i` (clamped to the text): a safe place to cut.
pub fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or after byte `i` (clamped to the text).
pub fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `s` cut to at most `max` characters, with `…` appended when something was cut. The one way text
/// is shortened for display: it never cuts inside a character.
pub fn truncate_chars(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

#[cfg(test)]
mod cut_tests {
    use super::*;

    #[test]
    fn cuts_never_split_a_character() {
        let s = "Zoë Müller-Łukasiewicz 🙂 Ünal";
        for i in 0..=s.len() + 2 {
            let f = floor_boundary(s, i);
            let c = ceil_boundary(s, i);
            assert!(s.is_char_boundary(f) && f <= i.min(s.len()));
            assert!(s.is_char_boundary(c) && c >= i.min(s.len()));
        }
        for max in 0..40 {
            let t = truncate_chars(s, max);
            assert!(t.chars().count() <= max.max(1), "{max}: {t}");
        }
        assert_eq!(truncate_chars(s, 100), s);
        assert_eq!(truncate_chars("Zoë Müller", 4), "Zoë…");
    }
}

/// A path as it may be printed: unchanged when it holds no control character; otherwise quoted
/// and escaped the way git's `core.quotePath` does (`"a\nb"`, `"\033[31m"`), so a file name can
/// never inject a line, a terminal escape or a CI workflow command into what aimslint prints.
pub fn quote_path(p: &str) -> std::borrow::Cow<'_, str> {
    if !p.chars().any(|c| c.is_control()) {
        return std::borrow::Cow::Borrowed(p);
    }
    let mut out = String::with_capacity(p.len() + 8);
    out.push('"');
    for c in p.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod quote_tests {
    use super::quote_path;

    #[test]
    fn control_characters_are_escaped_as_git_does() {
        assert_eq!(quote_path("models/a/README.md"), "models/a/README.md");
        assert_eq!(quote_path("Zoë/ü.md"), "Zoë/ü.md");
        assert_eq!(quote_path("a\nb.md"), "\"a\\nb.md\"");
        assert_eq!(quote_path("x\u{1b}[31m\"y\\"), "\"x\\033[31m\\\"y\\\\\"");
        assert_eq!(quote_path("::error::x\r"), "\"::error::x\\r\"");
    }
}
