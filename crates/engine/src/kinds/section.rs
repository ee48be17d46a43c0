//! `section`: a Markdown document has a section (or bold label) titled one of `any`, holding at
//! least `min_words` words of content; or a value at one of `or_pointers` says the same.

use aimslint_artifacts::{content_words, is_placeholder_value};
use aimslint_packs::{Compile, Rule, norm_title};
use serde::Deserialize;
use serde_json::Value;

use super::{Anchor, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit};

pub(crate) static KIND: Entry = Entry {
    name: "section",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.section]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    any: Vec<String>,
    min_words: Option<usize>,
    #[serde(default)]
    or_pointers: Vec<String>,
}

/// A compiled `section` check.
#[derive(Debug, Clone)]
pub struct Section {
    /// The titles looked for, as the rule (and `aimslint.toml`) write them.
    pub any: Vec<String>,
    /// `any`, each title normalised as `norm_title` does, for comparison.
    pub(crate) titles: Vec<String>,
    pub min_words: usize,
    or_pointers: Vec<String>,
    /// The word-start bit of each of `titles` (`word_bit`), and all of them together: a heading
    /// none of whose words starts as one of them does cannot match.
    bits: Vec<u64>,
    mask: u64,
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    if raw.any.is_empty() {
        cx.error("section needs at least one title in `any`");
    }
    for p in &raw.or_pointers {
        cx.pointer(p);
    }
    let titles: Vec<String> = raw
        .any
        .iter()
        .map(|t| aimslint_packs::section_title(t))
        .collect();
    let bits = title_bits(&titles);
    Some(Box::new(Section {
        mask: bits.iter().fold(0, |m, b| m | b),
        bits,
        titles,
        any: raw.any,
        min_words: raw.min_words.unwrap_or(1),
        or_pointers: raw.or_pointers,
    }))
}

/// A rule's `section` check with more titles, as a check a rule can hold; `None` when its check is
/// of another kind.
pub(crate) fn with_titles(rule: &Rule, extra: &[String]) -> Option<aimslint_packs::Check> {
    let s = super::as_kind::<Section>(rule)?;
    Some(super::wrap(&KIND, Box::new(s.add_titles(extra))))
}

impl Section {
    /// The check with more titles (`aimslint.toml`'s `[rules.sections]`).
    fn add_titles(&self, extra: &[String]) -> Section {
        let mut s = self.clone();
        for t in extra {
            s.any.push(t.clone());
            s.titles.push(aimslint_packs::section_title(t));
        }
        s.bits = title_bits(&s.titles);
        s.mask = s.bits.iter().fold(0, |m, b| m | b);
        s
    }
}

impl Kind for Section {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        if self.or_pointers.iter().any(|p| {
            aimslint_artifacts::value_at(subject, p).is_some_and(|v| !is_placeholder_value(v))
        }) {
            return Vec::new();
        }
        if std::ptr::eq(subject, ctx.root) {
            self.judge(
                ctx.sections.get_or_init(|| section_views(ctx.root)),
                base,
                ctx,
            )
        } else {
            self.judge(&section_views(subject), base, ctx)
        }
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(self.or_pointers.iter().map(String::as_str).collect())
    }

    /// Sections and labels come from the body; `or_pointers` may read the front matter.
    fn reads_only_body(&self) -> bool {
        self.or_pointers.is_empty()
    }

    /// A section finding is about the section, not its text.
    fn anchor(&self, _hit: &Hit, _value: Option<&Value>) -> Anchor {
        Anchor::Pointer
    }

    /// A card that lacks a section's content is one gap whether it has no such section or a thin
    /// one, and whichever of several matching sections is the fullest.
    fn identity_at_subject(&self) -> bool {
        true
    }
}

impl Section {
    /// The finding on a document (or a part of one) whose sections are `all`, if any.
    fn judge<'a>(&self, all: &Views<'a>, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let (wanted, min_words) = (&self.titles, self.min_words);
        let views = &all.list;
        let mut best: Option<(usize, &SectionView<'_>)> = None;
        for v in views {
            if v.initials & self.mask == 0
                || !title_matches_initials(&v.norm, v.initials, wanted, &self.bits)
            {
                continue;
            }
            let words = judged_words(all, v, (wanted, &self.bits), ctx.section_vocab);
            // One section with enough content settles it: the others' counts would only matter
            // for naming the fullest of several thin ones.
            if words >= min_words {
                return Vec::new();
            }
            if best.as_ref().is_none_or(|b| words > b.0) {
                best = Some((words, v));
            }
        }
        match best {
            Some((words, _)) if words >= min_words => Vec::new(),
            Some((words, v)) => vec![Hit::at(
                format!(
                    "{base}/{}/{}",
                    v.collection,
                    aimslint_artifacts::escape_token(v.slug)
                ),
                format!(
                    "section \"{}\" has {words} words of content; at least {min_words} needed (placeholders and template comments do not count)",
                    v.title
                ),
            )],
            None => {
                let closest = closest_heading(views, wanted)
                    .map(|t| format!(" (closest heading: \"{t}\")"))
                    .unwrap_or_default();
                vec![Hit {
                    at_top: true,
                    ..Hit::at(
                        base.to_string(),
                        format!("no section titled {}{closest}", title_list(&self.any)),
                    )
                }]
            }
        }
    }
}

/// A document's sections as `section` checks see them, with the words of content of each text
/// they have counted: sections nest, so a subsection's text is also part of its parent's and of
/// every check that looks under either, and is counted once.
pub(crate) struct Views<'a> {
    list: Vec<SectionView<'a>>,
    /// By where the text is (its address and length): the texts are the document's own, and
    /// hashing their place is cheaper than hashing long sections.
    counted: std::cell::RefCell<
        std::collections::HashMap<(usize, usize), usize, foldhash::fast::RandomState>,
    >,
}

impl<'a> Views<'a> {
    /// `content_words(text)`, worked out once per distinct text of the document.
    fn words(&self, text: &'a str) -> usize {
        let at = (text.as_ptr() as usize, text.len());
        if let Some(n) = self.counted.borrow().get(&at) {
            return *n;
        }
        let n = content_words(text);
        self.counted.borrow_mut().insert(at, n);
        n
    }
}

/// A Markdown section as `section` checks compare it: the title normalised once, the words of
/// content counted on first need.
pub(crate) struct SectionView<'a> {
    /// `sections` (a heading) or `labels` (a bold label or definition line).
    collection: &'static str,
    slug: &'a str,
    title: &'a str,
    norm: String,
    /// The first letters of `norm`'s words.
    initials: u64,
    text: &'a str,
    words: std::cell::OnceCell<usize>,
    /// Its subsections as `judged_words` reads them, worked out on first need and shared by every
    /// section check on the document (they all have the same vocabulary).
    subsections: std::cell::OnceCell<Option<Subsections>>,
}

/// What a section holds under its own text: the words of that text, and each subsection.
struct Subsections {
    own_words: usize,
    /// The own text is a placeholder ("[More Information Needed]").
    own_placeholder: bool,
    blocks: Vec<Block>,
}

/// A subsection: its heading's level and normalised title, whether that title is one some section
/// check of the document looks for, and the words of content from its heading to the next one.
struct Block {
    level: usize,
    norm: String,
    /// `norm`'s word starts (`initials`).
    initials: u64,
    in_vocab: bool,
    start: usize,
    end: usize,
    words: std::cell::OnceCell<usize>,
}

impl<'a> SectionView<'a> {
    fn words(&self, all: &Views<'a>) -> usize {
        *self.words.get_or_init(|| all.words(self.text))
    }

    /// `None` when the section has no subsection.
    fn subsections(&self, all: &Views<'a>, vocab: &[String]) -> Option<&Subsections> {
        self.subsections
            .get_or_init(|| {
                let mut own_end = None;
                let mut heads: Vec<(usize, &str, usize)> = Vec::new();
                let mut fence: Option<&str> = None;
                let mut at = 0;
                for line in self.text.split_inclusive('\n') {
                    let t = line.trim_start();
                    if let Some(open) = fence {
                        if t.starts_with(open) {
                            fence = None;
                        }
                    } else if t.starts_with("```") || t.starts_with("~~~") {
                        fence = Some(&t[..3]);
                    } else if let Some(level) = atx_level(t) {
                        own_end.get_or_insert(at);
                        heads.push((level, t[level..].trim(), at));
                    }
                    at += line.len();
                }
                let own = &self.text[..own_end?];
                let own_words = all.words(own);
                let vocab_bits = title_bits(vocab);
                let blocks = heads
                    .iter()
                    .enumerate()
                    .map(|(i, (level, title, start))| {
                        let norm = norm_title(title);
                        let initials = initials(&norm);
                        Block {
                            level: *level,
                            in_vocab: title_matches_initials(&norm, initials, vocab, &vocab_bits),
                            norm,
                            initials,
                            start: *start,
                            end: heads.get(i + 1).map_or(self.text.len(), |b| b.2),
                            words: std::cell::OnceCell::new(),
                        }
                    })
                    .collect();
                Some(Subsections {
                    own_words,
                    own_placeholder: own_words == 0
                        && !own.trim().is_empty()
                        && aimslint_artifacts::is_placeholder(own.trim()),
                    blocks,
                })
            })
            .as_ref()
    }
}

/// The sections under headings, then the labels (bold labels and definition lines), as section
/// checks see them: a card may state its licence as `## License` or as `**License:** MIT`.
fn section_views(subject: &Value) -> Views<'_> {
    let mut out = Vec::new();
    for collection in ["sections", "labels"] {
        let Some(Value::Object(items)) = subject.get(collection) else {
            continue;
        };
        out.extend(items.iter().map(|(slug, sec)| {
            let title = sec.get("title").and_then(Value::as_str).unwrap_or_default();
            let norm = norm_title(title);
            SectionView {
                collection,
                slug,
                title,
                initials: initials(&norm),
                norm,
                text: sec.get("text").and_then(Value::as_str).unwrap_or_default(),
                words: std::cell::OnceCell::new(),
                subsections: std::cell::OnceCell::new(),
            }
        }));
    }
    Views {
        list: out,
        counted: std::cell::RefCell::default(),
    }
}

/// Whether a normalised title is one of `wanted` (`=Title`: exactly; otherwise equal or containing
/// its words).
#[cfg(test)]
fn title_matches(norm: &str, wanted: &[String]) -> bool {
    title_matches_initials(norm, initials(norm), wanted, &title_bits(wanted))
}

/// `title_matches`, given the title's `initials` and the wanted titles' `title_bits`: a title can
/// only hold a wanted one whose first two letters start one of its words, which rules out most
/// before any comparison.
fn title_matches_initials(norm: &str, initials: u64, wanted: &[String], bits: &[u64]) -> bool {
    wanted.iter().zip(bits).any(|(w, &b)| {
        initials & b != 0
            && match w.strip_prefix('=') {
                Some(exact) => norm == exact,
                None => norm == w || (!w.is_empty() && contains_words(norm, w)),
            }
    })
}

/// The starts of a normalised title's words (`word_bit`), as bits (all bits for an empty title,
/// which only an empty wanted title matches).
fn initials(norm: &str) -> u64 {
    let h = norm.as_bytes();
    if h.is_empty() {
        return u64::MAX;
    }
    let mut out = word_bit(h);
    for (i, &b) in h.iter().enumerate() {
        if b == b' ' {
            out |= word_bit(&h[i + 1..]);
        }
    }
    out
}

/// A bit for the first two bytes of the word `word` starts with (the second is 0 when the word
/// has one): a title holds a wanted one's words only if a word of it starts as the wanted one's
/// first does.
fn word_bit(word: &[u8]) -> u64 {
    let first = word.first().copied().unwrap_or(0);
    let second = match word.get(1) {
        None | Some(b' ') => 0,
        Some(&b) => b,
    };
    1u64 << ((u32::from(first) * 31 + u32::from(second)) & 63)
}

/// The word-start bit of each title (all bits for an empty one: it matches an empty title).
fn title_bits(titles: &[String]) -> Vec<u64> {
    titles
        .iter()
        .map(|t| {
            let t = t.trim_start_matches('=');
            if t.is_empty() {
                u64::MAX
            } else {
                word_bit(t.as_bytes())
            }
        })
        .collect()
}

/// The words of content a section holds for a check that looks for `wanted`: its own text, and
/// its subsections' except those titled for another check's concept (the "Personal and Sensitive
/// Information" under "Dataset Creation" says nothing of how the data was collected). A section
/// whose own text is a placeholder ("[More Information Needed]") holds none, whatever
/// subsections follow: its author marked it as not filled in. Labels have no subsections.
/// `wanted` comes with its titles' `title_bits`.
fn judged_words<'a>(
    all: &Views<'a>,
    v: &SectionView<'a>,
    (wanted, bits): (&[String], &[u64]),
    vocab: &[String],
) -> usize {
    if v.collection != "sections" {
        return v.words(all);
    }
    let Some(subs) = v.subsections(all, vocab) else {
        return v.words(all);
    };
    if subs.own_placeholder {
        return 0;
    }
    let mut words = subs.own_words;
    let mut skip_below: Option<usize> = None;
    for b in &subs.blocks {
        if skip_below.is_some_and(|l| b.level > l) {
            continue;
        }
        skip_below = None;
        if b.in_vocab && !title_matches_initials(&b.norm, b.initials, wanted, bits) {
            skip_below = Some(b.level);
            continue;
        }
        words += *b.words.get_or_init(|| all.words(&v.text[b.start..b.end]));
    }
    words
}

/// The level of an ATX heading line (`### Title` → 3).
fn atx_level(line: &str) -> Option<usize> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    ((1..=6).contains(&level) && line[level..].starts_with([' ', '\t'])).then_some(level)
}

/// Whether `needle`'s words appear in a row in `haystack` (both normalised by `norm_title`).
/// The heading nearest to one of the wanted titles, when one is near enough to be worth naming: the
/// user's own title for the thing the rule asks for, a few edits away.
fn closest_heading<'v>(views: &'v [SectionView<'_>], wanted: &[String]) -> Option<&'v str> {
    let mut best: Option<(usize, &str)> = None;
    // A title seen already is as far as it was (the first heading of it is named), and a title
    // whose length differs by more than the edits allowed is never near: a card of ninety
    // thousand equal headings costs one comparison per wanted title, not ninety thousand.
    let mut seen = std::collections::HashSet::new();
    for v in views.iter().filter(|v| v.collection == "sections") {
        if !seen.insert(v.norm.as_str()) {
            continue;
        }
        let len = v.norm.chars().count();
        for w in wanted {
            let w = w.trim_start_matches('=');
            // Near: a few edits away (a typo, another spelling), not a heading that merely
            // shares a word with the title.
            let allowed = 2.max(w.len() / 4);
            if len.abs_diff(w.chars().count()) > allowed {
                continue;
            }
            if let Some(d) = edits_within(&v.norm, w, allowed)
                && best.is_none_or(|(bd, _)| d < bd)
            {
                best = Some((d, v.title));
            }
        }
    }
    best.map(|(_, t)| t)
}

/// The Levenshtein distance of `a` and `b` in chars when it is at most `max`: the rows of the
/// table stop as soon as every cell of one is over `max`, as the distance can then only be larger.
/// Most headings are far from most wanted titles, and a card is compared with every one of them.
fn edits_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut least = row[0];
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
            least = least.min(row[j + 1]);
        }
        if least > max {
            return None;
        }
    }
    let d = row[b.len()];
    (d <= max).then_some(d)
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let mut at = 0;
    while h.len() - at >= n.len() {
        let end = at + n.len();
        // Titles are a few words: a byte compared at each word is cheaper than a substring
        // search, and most words differ from the needle's first letter.
        if (n.is_empty() || h[at] == n[0]) && &h[at..end] == n && (end == h.len() || h[end] == b' ')
        {
            return true;
        }
        match h[at..].iter().position(|c| *c == b' ') {
            Some(sp) => at += sp + 1,
            None => return false,
        }
    }
    false
}

/// The titles a section check looks for, as a message shows them: the first few, then how many
/// more (`aimslint explain RULE` lists them all).
fn title_list(titles: &[String]) -> String {
    const SHOWN: usize = 5;
    let take = if titles.len() <= SHOWN + 1 {
        titles.len()
    } else {
        SHOWN
    };
    let shown: Vec<String> = titles
        .iter()
        .take(take)
        .map(|t| t.trim_start_matches('=').to_string())
        .collect();
    if titles.len() <= SHOWN + 1 {
        return quote_list(&shown);
    }
    let q: Vec<String> = shown.iter().map(|s| format!("\"{s}\"")).collect();
    format!(
        "{} or one of {} more titles (see `aimslint explain`)",
        q.join(", "),
        titles.len() - SHOWN
    )
}

fn quote_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        _ => format!("{} or {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounded distance is strsim's wherever that is within the bound, and none elsewhere.
    #[test]
    fn edits_within_is_levenshtein_up_to_the_bound() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "uses",
            "usage",
            "intended uses",
            "intended use",
            "limitations",
            "limitation",
            "bias risks and limitations",
            "risks and limitations",
            "données",
            "donnees",
            "training data",
            "training details",
            "evaluation",
            "évaluation",
            "licence",
            "license",
        ];
        for a in words {
            for b in words {
                let d = strsim::levenshtein(a, b);
                for max in 0..6 {
                    assert_eq!(
                        edits_within(a, b, max),
                        (d <= max).then_some(d),
                        "{a:?} {b:?} within {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn titles_compare_by_words() {
        assert!(contains_words("intended uses limitations", "intended uses"));
        assert!(!contains_words("intended usesx", "intended uses"));
        let w = |t: &[&str]| t.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        // Found at the start, inside, at the end; not across a word, nor when only the initial
        // letters agree; `=` wants the whole title.
        assert!(title_matches(
            "bias risk and limitation",
            &w(&["x", "bias"])
        ));
        assert!(title_matches("bias risk and limitation", &w(&["risk and"])));
        assert!(title_matches(
            "bias risk and limitation",
            &w(&["limitation"])
        ));
        assert!(!title_matches(
            "bias risk and limitation",
            &w(&["risks", "limit"])
        ));
        assert!(!title_matches(
            "bias risk and limitation",
            &w(&["ask", "dataset"])
        ));
        assert!(!title_matches("bias risk", &w(&["=bias"])));
        assert!(title_matches("bias", &w(&["=bias"])));
        assert!(title_matches("données personnel", &w(&["personnel"])));
        assert!(!title_matches("données", &w(&[""])));
        assert_eq!(
            norm_title("Bias, Risks, and Limitations"),
            "bias risk and limitation"
        );
    }

    /// The word-start bits only rule out titles the full comparison would reject too.
    #[test]
    fn word_starts_rule_out_only_titles_that_do_not_match() {
        let titles = [
            "",
            "a",
            "a b",
            "b a",
            "ab",
            "x a",
            "bias risk and limitation",
            "données personnel",
            "é",
            "out of scope use",
            "use",
            "uses",
            "1 2",
            "intended uses limitations",
        ];
        let wanted = [
            "",
            "a",
            "b",
            "a b",
            "ab",
            "é",
            "use",
            "uses",
            "scope use",
            "of",
            "o",
            "1",
            "2",
            "personnel",
            "risk and",
            "=use",
            "=a",
            "=",
            "intended uses",
            "limitation",
        ];
        let mut matched = 0;
        for t in titles {
            for w in wanted {
                let ws = vec![w.to_string()];
                let full = match w.strip_prefix('=') {
                    Some(exact) => t == exact,
                    None => t == w || contains_words(t, w),
                };
                let filtered = title_matches_initials(t, initials(t), &ws, &title_bits(&ws));
                assert_eq!(filtered, full, "{t:?} ~ {w:?}");
                matched += usize::from(full);
            }
        }
        assert!(matched > 20, "{matched}");
    }
}
