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

/// Sentences the Hugging Face model card template (huggingface_hub
/// `src/huggingface_hub/templates/modelcard_template.md`) writes into every card, whether or not
/// anything was filled in around them: no content of the card's own. Each is (a case-sensitive
/// probe that every copy holds, the sentence's distinctive part in lower case); a line holding
/// one is dropped.
const TEMPLATE_SENTENCES: &[(&str, &str)] = &[
    (
        "can be estimated using the",
        "carbon emissions can be estimated using the",
    ),
    (
        "to get started with the model",
        "use the code below to get started with the model",
    ),
];

/// `TEMPLATE_SENTENCES`' probes, each searched for with a finder built once.
fn template_probes() -> &'static [memchr::memmem::Finder<'static>] {
    static PROBES: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| {
            TEMPLATE_SENTENCES
                .iter()
                .map(|(probe, _)| memchr::memmem::Finder::new(probe))
                .collect()
        });
    &PROBES
}

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
    let mut t = t
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '*' || c == '_');
    // One layer of brackets around the whole (`[TBD]`, `(TODO)`, `<None>`), and a closing stop.
    for (open, close) in [('[', ']'), ('(', ')'), ('<', '>')] {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close))
            && !inner.contains([open, close])
        {
            t = inner.trim();
            break;
        }
    }
    let t = t
        .strip_suffix('.')
        .filter(|r| !r.ends_with('.'))
        .unwrap_or(t);
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

/// Whether `s` holds `word` (ASCII, lower case), in any case. Candidates are found by the word's
/// last byte (a quick scan), and only they are compared whole: every section's text passes here.
fn has_word(s: &str, word: &[u8]) -> bool {
    let b = s.as_bytes();
    let Some((&last, head)) = word.split_last() else {
        return true;
    };
    let mut from = head.len();
    while from < b.len() {
        let Some(p) = b[from..]
            .iter()
            .position(|&c| c.to_ascii_lowercase() == last)
        else {
            return false;
        };
        let end = from + p;
        if b[end - head.len()..end].eq_ignore_ascii_case(head) {
            return true;
        }
        from = end + 1;
    }
    false
}

/// The byte ranges of the fenced code blocks of a Markdown text (from the opening fence line to
/// the end of the closing one). Code is not prose: what it holds (`{{BERT:}` in BibTeX, a Jinja
/// chat template, `# TODO` in a script) is no placeholder of the card. A fence that is never closed
/// is taken for a mistake, not for code to the end of the file: its lines stay prose.
pub fn fenced_code(text: &str) -> Vec<(usize, usize)> {
    fenced_code_open(text).0
}

/// `fenced_code`, and whether a fence is still open at the end of `text` (its lines, to the end,
/// are then not in a range: an unclosed fence is not code).
pub fn fenced_code_open(text: &str) -> (Vec<(usize, usize)>, bool) {
    let mut out = Vec::new();
    if !text.contains("```") && !text.contains("~~~") {
        return (out, false);
    }
    // (fence character, fence length, where the block starts)
    let mut open: Option<(u8, usize, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let t = line.trim_start_matches([' ', '\t']).trim_end();
        let fence = |c: u8| t.bytes().take_while(|&b| b == c).count();
        match open {
            None => {
                for c in [b'`', b'~'] {
                    let n = fence(c);
                    // A backtick fence's info string holds no backtick.
                    if n >= 3 && !(c == b'`' && t[n..].contains('`')) {
                        open = Some((c, n, start));
                        break;
                    }
                }
            }
            Some((c, n, from)) => {
                if fence(c) >= n && t.bytes().all(|b| b == c) {
                    out.push((from, at));
                    open = None;
                }
            }
        }
    }
    (out, open.is_some())
}

/// Whether byte `at` lies inside one of `ranges` (sorted, as `fenced_code` returns them).
pub fn in_ranges(ranges: &[(usize, usize)], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.1 <= at);
    ranges.get(i).is_some_and(|r| r.0 <= at)
}

/// Remove HTML comments, Jinja expressions and placeholder phrases from a text. Jinja is only
/// `{{ … }}` or `{% … %}` closed on the same line, and never inside fenced code (BibTeX writes
/// `{{BERT:} …}`).
fn strip_noise(s: &str) -> std::borrow::Cow<'_, str> {
    // One pass for the openers (a comment, Jinja), one for each phrase: nearly every text holds
    // none of them and is returned as it is.
    let (mut comment, mut jinja) = (false, false);
    for i in memchr::memchr2_iter(b'<', b'{', s.as_bytes()) {
        let r = &s.as_bytes()[i..];
        comment |= r.starts_with(b"<!--");
        jinja |= r.starts_with(b"{{") || r.starts_with(b"{%");
        if comment && jinja {
            break;
        }
    }
    if !comment
        && !jinja
        && !has_word(s, b"information")
        && !template_probes()
            .iter()
            .any(|probe| probe.find(s.as_bytes()).is_some())
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let code = if jinja { fenced_code(s) } else { Vec::new() };
    let mut out = String::with_capacity(s.len());
    // `s[copied..]` is still to be copied; `at` is where the scan for the next opener goes on.
    let (mut copied, mut at) = (0, 0);
    // The next "}}", "%}" and line end at or after a position, remembered so that the scan stays
    // linear however many openers a line holds.
    // Each entry: (searched from, first found at or after it); queries come in rising order.
    let mut next: [Option<(usize, Option<usize>)>; 3] = [None; 3];
    let mut find_from = |which: usize, from: usize, pat: &str| -> Option<usize> {
        if let Some((searched, pos)) = next[which]
            && from >= searched
            && pos.is_none_or(|p| p >= from)
        {
            return pos;
        }
        let pos = s[from..].find(pat).map(|i| from + i);
        next[which] = Some((from, pos));
        pos
    };
    while let Some(i) = memchr::memchr2(b'<', b'{', &s.as_bytes()[at..]).map(|i| at + i) {
        let r = &s[i..];
        if r.starts_with("<!--") {
            out.push_str(&s[copied..i]);
            match s[i + 4..].find("-->") {
                Some(e) => copied = i + 4 + e + 3,
                // An unclosed comment hides the rest.
                None => return std::borrow::Cow::Owned(out),
            }
            at = copied;
            continue;
        }
        let close = if r.starts_with("{{") {
            Some((0, "}}"))
        } else if r.starts_with("{%") {
            Some((1, "%}"))
        } else {
            None
        };
        if let Some((which, close)) = close
            && !in_ranges(&code, i)
        {
            let line_end = find_from(2, i, "\n").unwrap_or(s.len());
            if let Some(c) = find_from(which, i + 2, close).filter(|&c| c < line_end) {
                out.push_str(&s[copied..i]);
                copied = c + 2;
                at = copied;
                continue;
            }
        }
        at = i + 1;
    }
    out.push_str(&s[copied..]);
    let lower = out.to_lowercase();
    let template_line = |l: &str| {
        l.contains("more information needed")
            || l.contains("needs more information")
            || TEMPLATE_SENTENCES
                .iter()
                .any(|(_, sentence)| l.contains(sentence))
    };
    if template_line(&lower) {
        let mut cleaned = String::with_capacity(out.len());
        for line in out.lines() {
            if !template_line(&line.to_lowercase()) {
                cleaned.push_str(line);
                cleaned.push('\n');
            }
        }
        return std::borrow::Cow::Owned(cleaned);
    }
    std::borrow::Cow::Owned(out)
}

static WORDS: crate::memo::TextMemo<usize> = crate::memo::TextMemo::new(4 << 20);

/// The words of real content in a Markdown text: comments, Jinja, placeholders, markup and
/// headings removed.
pub fn content_words(s: &str) -> usize {
    // A history judges the same sections in version after version; short ones too (a section
    // left as "[More Information Needed]" takes longer to count than to look up).
    WORDS.get_or(s, |_| 64, || count_content_words(s))
}

fn count_content_words(s: &str) -> usize {
    let cleaned = strip_noise(s);
    cleaned
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            // A list item or quote that holds only a placeholder (`- TBD`) is one too.
            let item = ["- ", "* ", "+ ", "> "]
                .iter()
                .find_map(|b| t.strip_prefix(b))
                .unwrap_or(t);
            !t.starts_with('#') && !is_placeholder(item)
        })
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template's own sentences are no content: an Environmental Impact section left as the
    /// template wrote it holds no words, one with figures holds the figures.
    #[test]
    fn template_sentences_are_not_content() {
        let left = "Carbon emissions can be estimated using the [Machine Learning Impact calculator](https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)](https://arxiv.org/abs/1910.09700).\n\n- **Hardware Type:** [More Information Needed]\n- **Hours used:** [More Information Needed]\n";
        assert_eq!(content_words(left), 0);
        let filled = format!("{left}- **Carbon Emitted:** 12 kg CO2eq on 8 A100 for 40 hours\n");
        assert_eq!(content_words(&filled), 11);
        assert_eq!(
            content_words("Use the code below to get started with the model.\n"),
            0
        );
    }

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

    /// The placeholders of cards in the wild, in brackets and with a closing stop.
    #[test]
    fn wild_placeholders_are_not_content() {
        for p in [
            "[Needs More Information]",
            "More information needed.",
            "[TBD]",
            "(TODO)",
            "TBD.",
            "[None]",
            "...",
            "{{ model_summary | default(\"\", true) }}",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for c in [
            "[Apache-2.0](LICENSE)",
            "(see below)",
            "Acme Bank.",
            "TBD is a tokenizer",
        ] {
            assert!(!is_placeholder(c), "{c}");
        }
        assert_eq!(
            content_words("- **Developed by:** [More Information Needed]\n- TBD\n{{ x }}\n"),
            0
        );
    }

    /// BibTeX braces are not Jinja: a citation keeps its words, in a code fence or out of one.
    #[test]
    fn bibtex_braces_are_not_jinja() {
        let fenced = "```bibtex\n@article{x,\n  title = {{BERT:} Pre-training of Transformers},\n  note = {{TRL: a library}}\n}\n```\n";
        assert_eq!(
            content_words(fenced),
            content_words(&fenced.replace('{', "("))
        );
        let bare = "title = {{BERT:} Pre-training of Deep Bidirectional Transformers\nfor Language Understanding}";
        assert_eq!(content_words(bare), 10);
        // Jinja closes on its own line; outside code it is stripped.
        assert_eq!(content_words("Model {{ model_id }} scores well"), 3);
        assert_eq!(content_words("a {% if x %}b{% endif %} c"), 3);
    }

    #[test]
    fn fences_are_found_and_an_unclosed_one_is_prose() {
        let t = "a\n```python\nx = 1\n```\nb\n  ~~~~\n~~~\n~~~~\nc\n```\nnever closed\n";
        let r = fenced_code(t);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(&t[r[0].0..r[0].1], "```python\nx = 1\n```\n");
        assert_eq!(&t[r[1].0..r[1].1], "  ~~~~\n~~~\n~~~~\n");
        assert!(in_ranges(&r, t.find("x = 1").unwrap()));
        assert!(!in_ranges(&r, t.find('b').unwrap()));
        assert!(!in_ranges(&r, t.find("never").unwrap()));
        // A backtick fence's info string holds no backtick: that is inline code.
        assert!(fenced_code("```a``` b\ntext\n```\n").is_empty());
    }

    /// Many openers that never close on their line cost linear time, not quadratic.
    #[test]
    fn unclosed_openers_stay_linear() {
        let s = "{{ a ".repeat(200_000) + "\n" + &"{% b ".repeat(200_000);
        let t = std::time::Instant::now();
        assert!(content_words(&s) > 0);
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
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

#[cfg(test)]
mod has_word_tests {
    use super::has_word;

    #[test]
    fn finds_the_word_anywhere_in_any_case() {
        assert!(has_word("More INFORMATION needed", b"information"));
        assert!(has_word("information", b"information"));
        assert!(has_word("xinformation", b"information"));
        assert!(!has_word("informatio", b"information"));
        assert!(!has_word("", b"information"));
        assert!(!has_word("nnnnnnnnnnnnnnnnn", b"information"));
        assert!(has_word("Zoë information", b"information"));
        assert!(!has_word("Zoë", b"information"));
    }
}
