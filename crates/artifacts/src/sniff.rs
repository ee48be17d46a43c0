//! Content sniffing: what a file is, from its name and content, before any policy looks at it.

use std::fmt;

use serde_json::Value;

use crate::Parsed;

/// A recognised dialect of evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flavor {
    /// Markdown with a front-matter mapping that is no card metadata (a policy's `approved_by`, a
    /// blog post's `title`, `authors`, `thumbnail`).
    FrontMatter,
    /// Markdown whose front matter holds card metadata (`license`, `language`, `datasets`,
    /// `metrics`, …) that says neither model nor dataset (a Hugging Face repository's README with
    /// only `license:`, say).
    HfCard,
    HfModelCard,
    HfDatasetCard,
    MarkdownModelCard,
    MarkdownDatasetCard,
    /// A card template or fill-in guide: Jinja placeholders in its front matter or title, or most
    /// of its sections holding only placeholders or guidance ("Describe…", questions). It describes
    /// a card; it is not one.
    Template,
    /// A CycloneDX BOM with a machine-learning model (or, before it is read, any CycloneDX BOM).
    CycloneDx,
    /// A CycloneDX BOM whose AI content is a dataset.
    CycloneDxData,
    /// An SPDX 3 document with an AI package (or, before it is read, any SPDX 3 document).
    Spdx3,
    /// An SPDX 3 document whose AI content is a dataset package.
    Spdx3Dataset,
    /// A CycloneDX or SPDX document with no model and no dataset: a software BOM, no AI evidence.
    Sbom,
    Croissant,
    Mct,
    Dvc,
    Mlflow,
    JsonSchema,
}

impl Flavor {
    pub const ALL: &'static [Flavor] = &[
        Flavor::FrontMatter,
        Flavor::HfCard,
        Flavor::HfModelCard,
        Flavor::HfDatasetCard,
        Flavor::MarkdownModelCard,
        Flavor::MarkdownDatasetCard,
        Flavor::Template,
        Flavor::CycloneDx,
        Flavor::CycloneDxData,
        Flavor::Spdx3,
        Flavor::Spdx3Dataset,
        Flavor::Sbom,
        Flavor::Croissant,
        Flavor::Mct,
        Flavor::Dvc,
        Flavor::Mlflow,
        Flavor::JsonSchema,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::FrontMatter => "front-matter",
            Flavor::HfCard => "hf-card",
            Flavor::HfModelCard => "hf-model-card",
            Flavor::HfDatasetCard => "hf-dataset-card",
            Flavor::MarkdownModelCard => "markdown-model-card",
            Flavor::MarkdownDatasetCard => "markdown-dataset-card",
            Flavor::Template => "card-template",
            Flavor::CycloneDx => "cyclonedx",
            Flavor::CycloneDxData => "cyclonedx-data",
            Flavor::Spdx3 => "spdx3",
            Flavor::Spdx3Dataset => "spdx3-dataset",
            Flavor::Sbom => "sbom",
            Flavor::Croissant => "croissant",
            Flavor::Mct => "mct",
            Flavor::Dvc => "dvc",
            Flavor::Mlflow => "mlflow",
            Flavor::JsonSchema => "json-schema",
        }
    }

    pub fn parse(s: &str) -> Option<Flavor> {
        Flavor::ALL.iter().copied().find(|f| f.as_str() == s)
    }

    /// Whether this version reads the flavour's content into rules. The others are recognised and
    /// listed as unsupported, never dropped.
    pub fn supported(self) -> bool {
        matches!(
            self,
            Flavor::FrontMatter
                | Flavor::HfCard
                | Flavor::HfModelCard
                | Flavor::HfDatasetCard
                | Flavor::MarkdownModelCard
                | Flavor::MarkdownDatasetCard
                | Flavor::Template
                | Flavor::Mct
                | Flavor::CycloneDx
                | Flavor::CycloneDxData
                | Flavor::Spdx3
                | Flavor::Spdx3Dataset
                | Flavor::Croissant
                | Flavor::Mlflow
                | Flavor::Dvc
        )
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const MODEL_KEYS: &[&str] = &[
    "pipeline_tag",
    "library_name",
    "model-index",
    "base_model",
    "base_model_relation",
    "co2_eq_emissions",
    "widget",
    "inference",
    "model_name",
];
const DATASET_KEYS: &[&str] = &[
    "task_categories",
    "task_ids",
    "size_categories",
    "dataset_info",
    "annotations_creators",
    "language_creators",
    "source_datasets",
    "multilinguality",
    "pretty_name",
    "paperswithcode_id",
    "configs",
    "train-eval-index",
];
/// Front-matter keys any card may carry: with none of the model or dataset keys, they make a
/// card whose kind the path or the sections decide.
const CARD_KEYS: &[&str] = &[
    "license",
    "license_name",
    "license_link",
    "licenses",
    "language",
    "languages",
    "datasets",
    "metrics",
];
/// Front-matter keys of web pages and blog posts: with only these and the generic card keys, the
/// front matter is a page's, not a card's.
const PAGE_KEYS: &[&str] = &[
    "title",
    "layout",
    "date",
    "author",
    "authors",
    "permalink",
    "slug",
    "categories",
    "thumbnail",
    "description",
    "sdk",
    "emoji",
];

/// Card section titles (matched word by word at the start of a heading, singular or plural), with
/// whether one is telling on its own (`true`) or only counts towards the kind. A document is a
/// card from its sections when it has two telling ones; its title ("Model Card for …", "Data
/// Card", "Datasheet for …") counts as one.
const MODEL_SECTIONS: &[(&str, bool)] = &[
    ("model details", true),
    ("model description", true),
    ("model information", true),
    ("model summary", true),
    ("model overview", true),
    ("model architecture", true),
    ("model type", true),
    ("model use", true),
    ("model data", true),
    ("model sources", true),
    ("model examination", true),
    ("model card contact", true),
    ("model card authors", true),
    ("intended use", true),
    ("intended usage", true),
    ("primary intended use", true),
    ("out of scope use", true),
    ("downstream use", true),
    ("direct use", true),
    ("training data", true),
    ("training dataset", true),
    ("training details", true),
    ("training procedure", true),
    ("training process", true),
    ("training and evaluation data", true),
    ("evaluation data", true),
    ("evaluation dataset", true),
    ("evaluation results", true),
    ("benchmark results", true),
    ("quantitative analyses", true),
    ("ethical considerations", true),
    ("caveats and recommendations", true),
    ("bias risks and limitations", true),
    ("limitations and bias", true),
    ("environmental impact", true),
    ("technical specifications", true),
    ("how to get started with the model", true),
    ("hardware and software", true),
    ("ethics and safety", true),
    ("responsibility safety", true),
    ("usage and limitations", true),
    ("evaluation", false),
    ("metrics", false),
    ("factors", false),
    ("limitations", false),
    ("uses", false),
    ("citation", false),
    ("recommendations", false),
    ("training", false),
    ("results", false),
    ("inputs and outputs", false),
    ("license", false),
    ("benchmark", false),
];
const DATASET_SECTIONS: &[(&str, bool)] = &[
    ("dataset description", true),
    ("dataset summary", true),
    ("dataset structure", true),
    ("dataset creation", true),
    ("dataset details", true),
    ("dataset sources", true),
    ("dataset curators", true),
    ("dataset card contact", true),
    ("dataset card authors", true),
    ("data fields", true),
    ("data splits", true),
    ("data instances", true),
    ("curation rationale", true),
    ("source data", true),
    ("personal and sensitive information", true),
    ("considerations for using the data", true),
    ("social impact of dataset", true),
    ("discussion of biases", true),
    ("other known limitations", true),
    ("composition", true),
    ("collection process", true),
    ("data collection", true),
    ("preprocessing cleaning labeling", true),
    ("data description", true),
    ("data creation", true),
    ("datasheet", true),
    ("direct use", true),
    ("out of scope use", true),
    ("bias risks and limitations", true),
    ("motivation", false),
    ("distribution", false),
    ("maintenance", false),
    ("uses", false),
    ("annotations", false),
    ("languages", false),
    ("supported tasks", false),
    ("contributions", false),
    ("licensing information", false),
    ("citation information", false),
    ("additional information", false),
    ("limitations", false),
    ("citation", false),
    ("data", false),
];

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Sniff from the name and raw text only: works on files that do not parse.
pub(crate) fn sniff_raw(path: &str, text: &str) -> Option<Flavor> {
    let name = file_name(path).to_ascii_lowercase();
    if name == "mlmodel" || name.ends_with("__mlmodel") {
        return Some(Flavor::Mlflow);
    }
    if name == "dvc.yaml"
        || name == "dvc.lock"
        || name.ends_with(".dvc")
        || name.ends_with("__dvc.yaml")
        || name.ends_with("__dvc.lock")
    {
        return Some(Flavor::Dvc);
    }
    // The formats told by their text are JSON documents: a Markdown page or a YAML file that
    // quotes one in an example (a format's specification, a tutorial) is not one.
    if !looks_like_json(text) {
        return None;
    }
    let head = &text[..floor_char_boundary(text, 65536)];
    // A schema describes a format; it is not an instance of it.
    let start = &head[..floor_char_boundary(head, 512)];
    if start.contains("\"$schema\"") && start.contains("json-schema.org") {
        return Some(Flavor::JsonSchema);
    }
    if head.contains("\"bomFormat\"") && head.contains("CycloneDX") {
        return Some(Flavor::CycloneDx);
    }
    if head.contains("spdx.org/rdf/3") || head.contains("\"spdxVersion\": \"SPDX-3") {
        return Some(Flavor::Spdx3);
    }
    if head.contains("\"@context\"") && (head.contains("mlcommons.org") || head.contains("\"cr:")) {
        return Some(Flavor::Croissant);
    }
    if head.contains("\"model_details\"")
        || head.contains("\"model_parameters\"") && head.contains("\"schema_version\"")
    {
        return Some(Flavor::Mct);
    }
    None
}

/// Whether a text opens as a JSON object or array (after a byte-order mark and white space).
fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a parsed file is. `outline`: a Markdown file's headings as its parse found them (read again
/// from the body when not given).
pub(crate) fn sniff(
    path: &str,
    text: &str,
    parsed: &Parsed,
    outline: Option<Outline>,
) -> Option<Flavor> {
    if let Some(f) = sniff_raw(path, text) {
        // A task, a record set or another node of the Croissant vocabulary described on its own
        // is not a dataset description (a Croissant `TaskSolution` names its dataset by `@id`).
        if f == Flavor::Croissant && crate::croissant::describes_other_node(&parsed.value) {
            return None;
        }
        return Some(f);
    }
    if parsed.format != crate::Format::Markdown {
        return None;
    }
    markdown_flavor(text, &parsed.value, outline)
}

/// What a Markdown document is, from its content: a card by its front-matter keys or by two telling
/// card sections outside code, a template by its placeholders or guidance, or nothing (a guide, a
/// blog post, a notice, a folder's README).
fn markdown_flavor(text: &str, v: &Value, outline: Option<Outline>) -> Option<Flavor> {
    let outline = outline.unwrap_or_else(|| {
        Outline::read(v.get("body").and_then(Value::as_str).unwrap_or_default())
    });
    // The front matter as written: its keys are read off its lines when its YAML is broken, or up
    // to its first line that is no YAML when it is never closed.
    let block = match crate::markdown::front_matter(text) {
        Ok(fm) => fm.map(|fm| fm.yaml),
        Err(e) => {
            let rest = text[e.offset..].split_once('\n').map_or("", |(_, r)| r);
            let end = rest
                .split_inclusive('\n')
                .take_while(|l| {
                    l.trim().is_empty()
                        || crate::markdown::top_level_key(l).is_some()
                        || l.starts_with([' ', '\t', '#'])
                        || l.starts_with("- ")
                })
                .map(str::len)
                .sum::<usize>();
            Some(&rest[..end])
        }
    };
    if block.is_some_and(|b| has_jinja(b) || mostly_format_fields(b))
        || outline.title_jinja
        || outline.titled_template()
        || outline.mostly_unfilled()
    {
        return Some(Flavor::Template);
    }
    let keys: Vec<&str> = match v.get("meta") {
        Some(Value::Object(meta)) => meta.keys().map(String::as_str).collect(),
        Some(_) => Vec::new(),
        None => block
            .map(|b| {
                b.lines()
                    .filter_map(crate::markdown::top_level_key)
                    .collect()
            })
            .unwrap_or_default(),
    };
    let has = |list: &[&str]| keys.iter().any(|k| list.contains(k));
    if has(DATASET_KEYS) {
        return Some(Flavor::HfDatasetCard);
    }
    if has(MODEL_KEYS) {
        return Some(Flavor::HfModelCard);
    }
    // "Metric Card for BLEU": a card of another kind, whatever sections it shares with a model
    // card ("Intended Uses", "Limitations and Bias"). Its front matter may still say otherwise.
    if outline.titled_other_card() {
        return if has(CARD_KEYS) && !has(PAGE_KEYS) {
            Some(Flavor::HfCard)
        } else if matches!(v.get("meta"), Some(Value::Object(m)) if !m.is_empty()) {
            Some(Flavor::FrontMatter)
        } else {
            None
        };
    }
    let ds = outline.score(DATASET_SECTIONS, DATASET_TITLES);
    let ms = outline.score(MODEL_SECTIONS, MODEL_TITLES);
    if ds.is_card() && (!ms.is_card() || ds.total > ms.total) {
        Some(Flavor::MarkdownDatasetCard)
    } else if ms.is_card() {
        Some(Flavor::MarkdownModelCard)
    } else if has(CARD_KEYS) && !has(PAGE_KEYS) {
        Some(Flavor::HfCard)
    } else if matches!(v.get("meta"), Some(Value::Object(m)) if !m.is_empty()) {
        Some(Flavor::FrontMatter)
    } else {
        None
    }
}

/// The words of a title that call a document a card of a kind (its title counts as one telling
/// section).
const DATASET_TITLES: &[&[&str]] = &[&["dataset", "card"], &["data", "card"], &["datasheet"]];
const MODEL_TITLES: &[&[&str]] = &[&["model", "card"]];

/// Whether a Markdown text could be recognised as a card by its headings: two telling sections of
/// one kind, its title counting as one. Answered from its lines, without parsing it, and never
/// "no" where the parse would say "yes":
///
/// - every line that could hold a heading's title is looked at (`heading_lines`);
/// - a title's words are the letters and digits of its inline text, which are those of its line
///   once inline HTML and link destinations are taken out (`title_letters`); so each word of a
///   title is a run of its line's letters, whatever emphasis or code marks stood between them, and
///   a section's name counts when each of its words (by its stem: a plural is found by it) is;
/// - an entity (`&#76;`) could spell any letter, so a heading line holding one could say anything.
pub(crate) fn markdown_could_be_card(text: &str) -> bool {
    let candidates = heading_lines(text);
    let entity = |c: &str| {
        c.match_indices('&').any(|(i, _)| {
            let rest = &c[i + 1..];
            let name = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
                .count();
            name > 0 && rest.as_bytes().get(name) == Some(&b';')
        })
    };
    // A title is short: a very long one, or one full of tags and links, is left to the parse (so
    // that looking for tags and link ends stays linear in the text).
    let unusual = |c: &str| {
        c.len() > MAX_TITLE || c.bytes().filter(|b| matches!(b, b'<' | b']')).count() > 64
    };
    if candidates.iter().any(|c| unusual(c) || entity(c)) {
        return true;
    }
    // The titles' letters, a line each: a stem (which holds no line break) is in one of them when
    // it is in the whole, which is searched once per stem rather than once per title.
    let all = candidates
        .iter()
        .map(|c| title_letters(c))
        .collect::<Vec<_>>()
        .join("\n");
    // A word a title holds, or its plural, starts with the name's stem. Each stem is looked for
    // once: the names share their words ("model", "data", "training").
    let words = &*CARD_WORDS;
    let mut found: Vec<Option<bool>> = vec![None; words.stems.len()];
    let mut spelt = |stem: usize| {
        *found[stem]
            .get_or_insert_with(|| !candidates.is_empty() && all.contains(words.stems[stem]))
    };
    let mut could = |kind: &CardKindWords| {
        let mut telling = usize::from(kind.titles.iter().any(|t| t.iter().all(|&w| spelt(w))));
        for (name, is_telling) in &kind.sections {
            if *is_telling && name.iter().all(|&w| spelt(w)) {
                telling += 1;
                if telling >= 2 {
                    return true;
                }
            }
        }
        false
    };
    could(&words.dataset) || could(&words.model)
}

/// A word's stem as `markdown_could_be_card` looks for it: without a plural's `s`.
fn stem_of(word: &str) -> &str {
    word.strip_suffix('s')
        .filter(|s| !s.is_empty())
        .unwrap_or(word)
}

/// The card section names and titles of one kind, each word as the index of its stem.
struct CardKindWords {
    sections: Vec<(Vec<usize>, bool)>,
    titles: Vec<Vec<usize>>,
}

/// Every stem of the card section names and titles, and both kinds' names in those stems.
struct CardWords {
    stems: Vec<&'static str>,
    dataset: CardKindWords,
    model: CardKindWords,
}

static CARD_WORDS: std::sync::LazyLock<CardWords> = std::sync::LazyLock::new(|| {
    let mut stems: Vec<&'static str> = Vec::new();
    let mut index = |word: &'static str| {
        let stem = stem_of(word);
        match stems.iter().position(|s| *s == stem) {
            Some(i) => i,
            None => {
                stems.push(stem);
                stems.len() - 1
            }
        }
    };
    let mut kind = |sections: &[(&'static str, bool)], titles: &[&[&'static str]]| CardKindWords {
        sections: sections
            .iter()
            .map(|(name, telling)| (name.split(' ').map(&mut index).collect(), *telling))
            .collect(),
        titles: titles
            .iter()
            .map(|t| t.iter().map(|w| index(w)).collect())
            .collect(),
    };
    let dataset = kind(DATASET_SECTIONS, DATASET_TITLES);
    let model = kind(MODEL_SECTIONS, MODEL_TITLES);
    CardWords {
        stems,
        dataset,
        model,
    }
});

/// The longest heading line (or setext paragraph) read for a title without parsing.
const MAX_TITLE: usize = 4096;

/// The letters and digits of a line in lower case, without its inline HTML tags and link
/// destinations (`](…)`, `][…]`), which a heading's text leaves out.
fn title_letters(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        let skip = match c {
            '<' => html_tag_len(rest),
            ']' => [('(', ')'), ('[', ']')].iter().find_map(|&(open, close)| {
                rest[1..]
                    .strip_prefix(open)
                    .and_then(|r| r.find(close))
                    .map(|e| e + 3)
            }),
            _ => None,
        };
        if let Some(n) = skip {
            i += n;
            continue;
        }
        // An ASCII letter or digit is its own lower case (most titles are ASCII: the iterator of
        // `char::to_lowercase` was a fifth of the card prefilter).
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else {
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        }
        i += c.len_utf8();
    }
    out
}

/// The length of the inline HTML tag or comment `text` starts with (CommonMark's open and closing
/// tags), if it starts with one.
fn html_tag_len(text: &str) -> Option<usize> {
    if let Some(rest) = text.strip_prefix("<!--") {
        return rest.find("-->").map(|e| 4 + e + 3);
    }
    let b = text.as_bytes();
    let closing = b.get(1) == Some(&b'/');
    let mut i = 1 + usize::from(closing);
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-')
    {
        i += 1;
    }
    let name_char = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-');
    let space = |b: &[u8], i: usize| {
        b[i..]
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count()
    };
    loop {
        let ws = space(b, i);
        i += ws;
        match *b.get(i)? {
            b'>' => return Some(i + 1),
            b'/' if !closing && b.get(i + 1) == Some(&b'>') => return Some(i + 2),
            c if !closing && ws > 0 && (c.is_ascii_alphabetic() || matches!(c, b'_' | b':')) => {
                while b.get(i).is_some_and(name_char) {
                    i += 1;
                }
                let ws = space(b, i);
                if b.get(i + ws) != Some(&b'=') {
                    continue;
                }
                i += ws + 1;
                i += space(b, i);
                match *b.get(i)? {
                    q @ (b'"' | b'\'') => i += 1 + b[i + 1..].iter().position(|c| *c == q)? + 1,
                    _ => {
                        let n = b[i..]
                            .iter()
                            .take_while(|c| {
                                !c.is_ascii_whitespace()
                                    && !matches!(c, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
                            })
                            .count();
                        if n == 0 {
                            return None;
                        }
                        i += n;
                    }
                }
            }
            _ => return None,
        }
    }
}

/// The lines of a Markdown text that could hold a heading's title (see `markdown_could_be_card`):
/// more than the parse finds, never fewer. A setext heading's paragraph comes as one text.
///
/// The lines of a fenced code block are left out only where the fence surely opens: at the margin,
/// with no HTML block that could hold its line open (`<` starts one, which a blank line or its end
/// mark closes) and in no paragraph that could be a table or a link definition its line would
/// continue. A fence closes at any line that could close it.
fn heading_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    // Where the current paragraph started (a setext heading's title is all of it).
    let mut para: Option<usize> = None;
    // The paragraph may be a table or a link definition.
    let mut para_odd = false;
    // An open fence: its mark and length.
    let mut fence: Option<(u8, usize)> = None;
    // An HTML block may be open: until a blank line (`None`), or until its end mark.
    let mut html: Option<Option<&'static str>> = None;
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        // `memchr2`: a search for a set of chars decodes every char of the line on the way.
        let len = memchr::memchr2(b'\n', b'\r', rest.as_bytes()).unwrap_or(rest.len());
        let line = &rest[..len];
        let start = at;
        at += len
            + if rest[len..].starts_with("\r\n") {
                2
            } else {
                usize::from(len < rest.len())
            };
        if let Some((mark, n)) = fence {
            let t = line.trim_start_matches([' ', '\t']);
            let run = t.bytes().take_while(|&b| b == mark).count();
            if run >= n && t[run..].trim_matches([' ', '\t']).is_empty() {
                fence = None;
            }
            continue;
        }
        let quoted = line.trim_start_matches([' ', '\t', '>', '\u{feff}']);
        let inner = line.trim_start_matches(|c: char| {
            matches!(
                c,
                ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')' | '\u{feff}'
            ) || c.is_ascii_digit()
        });
        let blank = quoted.trim_matches([' ', '\t']).is_empty();
        if let Some(until) = html {
            let closed = match until {
                None => blank,
                Some(end) => line.to_ascii_lowercase().contains(end),
            };
            if closed {
                html = None;
            }
        } else if let Some(tag) = inner.strip_prefix('<') {
            let end = html_block_end(tag);
            if end.is_none_or(|e| !tag.to_ascii_lowercase().contains(e)) {
                html = Some(end);
            }
        }
        let mark = line.as_bytes().first().copied().unwrap_or(0);
        let run = line.bytes().take_while(|&b| b == mark).count();
        if matches!(mark, b'`' | b'~')
            && run >= 3
            && !(mark == b'`' && line[run..].contains('`'))
            && html.is_none()
            && !para_odd
        {
            fence = Some((mark, run));
            para = None;
            continue;
        }
        let underline = {
            let u = quoted.trim_end_matches([' ', '\t']);
            !u.is_empty() && (u.bytes().all(|b| b == b'=') || u.bytes().all(|b| b == b'-'))
        };
        if underline {
            // Whether or not it underlines (indented, it is the paragraph's text), no word runs
            // across a line of marks.
            if let Some(from) = para.take() {
                out.push(&text[from..start]);
            }
        } else if blank {
            para = None;
            para_odd = false;
        } else {
            if inner.starts_with('#') {
                out.push(line);
            }
            para_odd = para_odd || table_or_link_definition(line);
            para.get_or_insert(start);
        }
    }
    out
}

/// Whether a paragraph's line holds a table's `|` or a link definition's `]:`, in one pass over it
/// (two searches, one of them for a two-byte string, took as long as the rest of the line's reading).
fn table_or_link_definition(line: &str) -> bool {
    let b = line.as_bytes();
    let mut at = 0;
    while let Some(i) = memchr::memchr2(b'|', b']', &b[at..]) {
        let i = at + i;
        if b[i] == b'|' || b.get(i + 1) == Some(&b':') {
            return true;
        }
        at = i + 1;
    }
    false
}

/// The end mark of an HTML block that blank lines do not close, from what follows its `<`
/// (CommonMark's kinds 1 to 5); `None` for one a blank line closes.
fn html_block_end(tag: &str) -> Option<&'static str> {
    let lower = tag.get(..10).unwrap_or(tag).to_ascii_lowercase();
    let named = |name: &str| {
        lower
            .strip_prefix(name)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '>']))
    };
    if lower.starts_with("!--") {
        Some("-->")
    } else if lower.starts_with('?') {
        Some("?>")
    } else if lower.starts_with("![cdata[") {
        Some("]]>")
    } else if lower.starts_with('!') {
        Some(">")
    } else if named("script") {
        Some("</script>")
    } else if named("pre") {
        Some("</pre>")
    } else if named("style") {
        Some("</style>")
    } else if named("textarea") {
        Some("</textarea>")
    } else {
        None
    }
}

/// What recognising a card reads of a heading of the body: its title's words, and whether the prose
/// under it up to the next heading (code, HTML and comments left out) is a template's. Made where
/// the heading is read, so a run of a body remembered by `runs` brings its headings' facts along.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heading {
    /// The title in lower-case words, leading numbers dropped (`2.1 Training Data` → training, data).
    words: Vec<String>,
    /// Whether the title holds a Jinja expression.
    title_jinja: bool,
    /// Whether its prose is only Jinja placeholders or guidance; `None` when it has none.
    unfilled: Option<bool>,
}

impl Heading {
    pub(crate) fn of(title: &str, prose: &str) -> Heading {
        let prose = prose.trim();
        Heading {
            words: title_words(title),
            title_jinja: has_jinja(title),
            unfilled: (!prose.is_empty()).then(|| has_jinja(prose) || guidance_only(prose)),
        }
    }
}

/// The headings of a Markdown body, outside code blocks.
#[derive(Debug, Clone)]
pub(crate) struct Outline {
    /// Shared with the runs they were read in: a remembered run's headings are not copied.
    headings: Vec<std::sync::Arc<Heading>>,
    /// Whether the first heading (the document's title) holds a Jinja expression.
    title_jinja: bool,
}

/// How strongly the sections say "card" of one kind.
struct Score {
    /// Telling sections, each counted once (the title as one).
    telling: usize,
    /// Telling sections count 2, the others 1.
    total: usize,
}

impl Score {
    fn is_card(&self) -> bool {
        self.telling >= 2
    }
}

impl Outline {
    /// From each heading's facts, in order, as the Markdown parse collects them in its one pass.
    pub(crate) fn from_parts(headings: Vec<std::sync::Arc<Heading>>) -> Outline {
        Outline {
            title_jinja: headings.first().is_some_and(|h| h.title_jinja),
            headings,
        }
    }

    /// The outline of a body read on its own (a Markdown document whose parse brought none).
    fn read(body: &str) -> Outline {
        Outline::from_parts(
            crate::markdown::read_run(body)
                .outline
                .into_iter()
                .map(|(_, h)| h)
                .collect(),
        )
    }

    /// Whether most sections that hold anything hold only Jinja placeholders or guidance for
    /// whoever fills the card in: a template, not a card (a card left half-filled still has
    /// as much content as placeholders).
    fn mostly_unfilled(&self) -> bool {
        let unfilled = self
            .headings
            .iter()
            .filter(|h| h.unfilled == Some(true))
            .count();
        let filled = self
            .headings
            .iter()
            .filter(|h| h.unfilled == Some(false))
            .count();
        unfilled >= 3 && unfilled * 3 >= (unfilled + filled) * 2
    }

    /// Whether the document's title names it a card of a kind that is neither a model's nor a
    /// dataset's: the metric, measurement and comparison cards of the Hugging Face `evaluate`
    /// library, a Space's or a prompt's card.
    fn titled_other_card(&self) -> bool {
        self.headings.first().is_some_and(|h| {
            h.words
                .windows(2)
                .any(|w| w[1] == "card" && OTHER_CARDS.contains(&w[0].as_str()))
        })
    }

    /// Whether the document's title calls it a card's template ("Model Card Template", "Annotated
    /// Dataset Card Template"): a form and its directions, not a card.
    fn titled_template(&self) -> bool {
        self.headings.first().is_some_and(|h| {
            h.words.windows(2).any(|w| {
                matches!(w[0].as_str(), "card" | "cards" | "datasheet" | "datasheets")
                    && matches!(w[1].as_str(), "template" | "templates")
            })
        })
    }

    fn score(&self, sections: &[(&str, bool)], titles: &[&[&str]]) -> Score {
        let mut seen = vec![false; sections.len()];
        let mut score = Score {
            telling: 0,
            total: 0,
        };
        if let Some(first) = self.headings.first()
            && titles
                .iter()
                .any(|t| first.words.windows(t.len()).any(|w| w == *t))
        {
            score.telling += 1;
            score.total += 2;
        }
        for h in &self.headings {
            for (i, (name, telling)) in sections.iter().enumerate() {
                if !seen[i] && starts_with_words(&h.words, name) {
                    seen[i] = true;
                    score.telling += usize::from(*telling);
                    score.total += if *telling { 2 } else { 1 };
                }
            }
        }
        score
    }
}

/// What a title calls a card that is no model or dataset card ("Metric Card for BLEU").
const OTHER_CARDS: &[&str] = &[
    "metric",
    "metrics",
    "measurement",
    "measurements",
    "comparison",
    "comparisons",
    "space",
    "prompt",
];

/// A heading's words, lower case, without leading numbers (`2.1`, `4)`).
fn title_words(title: &str) -> Vec<String> {
    let words = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    words
        .skip_while(|w| w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// Whether the title's words start with `name`'s, each the same singular or plural.
fn starts_with_words(words: &[String], name: &str) -> bool {
    // Every form compared starts with the same letter, and most pairs already differ there.
    if let (Some(w), Some(&n)) = (words.first(), name.as_bytes().first())
        && n != b' '
        && w.as_bytes().first() != Some(&n)
    {
        return false;
    }
    let mut words = words.iter();
    name.split(' ').all(|n| {
        words.next().is_some_and(|w| {
            w == n
                || w.strip_suffix('s') == Some(n)
                || n.strip_suffix('s') == Some(w.as_str())
                || w.strip_suffix("es") == Some(n)
        })
    })
}

/// Words that open an instruction to whoever fills a template in.
const GUIDANCE_VERBS: &[&str] = &[
    "provide",
    "describe",
    "explain",
    "list",
    "include",
    "add",
    "specify",
    "summarize",
    "summarise",
    "give",
    "state",
    "mention",
    "document",
    "fill",
    "enter",
    "insert",
    "write",
    "outline",
    "detail",
    "identify",
    "indicate",
    "consider",
    "discuss",
];

/// Whether text is only questions and instructions ("Describe the data…", "How was it collected?").
fn guidance_only(text: &str) -> bool {
    let mut any = false;
    for sentence in text
        .split_inclusive(['.', '?', '!', '\n'])
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphabetic))
    {
        any = true;
        // "Please provide…" asks as "Provide…" does.
        let first = sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .find(|w| !w.eq_ignore_ascii_case("please"))
            .unwrap_or_default()
            .to_lowercase();
        if !sentence.ends_with('?')
            && !GUIDANCE_VERBS.contains(&first.as_str())
            && !blank_to_fill(sentence)
            && !about_the_form(sentence)
        {
            return false;
        }
    }
    any
}

/// A blank of a form, left as written: "*YOUR ANSWER HERE*", "Your Name Here", "Insert text".
fn blank_to_fill(sentence: &str) -> bool {
    let mut words = sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return false;
    };
    let (count, last) = words.fold((1, first), |(n, _), w| (n + 1, w));
    count <= 6 && first.eq_ignore_ascii_case("your") && last.eq_ignore_ascii_case("here")
}

/// A sentence about the form itself: what its questions or sections are for ("The questions in
/// this section are intended to…", "Dataset creators should read through these questions…").
fn about_the_form(sentence: &str) -> bool {
    let s = sentence.as_bytes();
    [
        "this section",
        "these questions",
        "the questions",
        "previous section",
    ]
    .iter()
    .any(|p| {
        s.windows(p.len())
            .any(|w| w.eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// Whether text holds a Jinja expression (`{{ name }}`, `{{ x | default(…) }}`) or statement
/// (`{% if … %}`) on one line. `{{BERT:}` in BibTeX is none.
pub(crate) fn has_jinja(text: &str) -> bool {
    // Most files have neither opener: one scan of the whole text, not one search per line.
    if !text.contains("{{") && !text.contains("{%") {
        return false;
    }
    text.lines().any(|line| {
        jinja_at(line, "{{", "}}", |rest| {
            let name_end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let after = rest[name_end..].trim_start();
            name_end > 0
                && rest.starts_with(|c: char| c.is_alphabetic() || c == '_')
                && (after.is_empty() || after.starts_with(['|', '(', '[']))
        }) || jinja_at(line, "{%", "%}", |rest| {
            rest.starts_with(|c: char| c.is_ascii_alphabetic())
        })
    })
}

/// Whether front matter is a form to fill in: most of its values are Python format fields
/// (`license: {license}  # Example: apache-2.0`), as in the Hub's metadata specification. YAML
/// reads each as a one-key mapping, so the values look present but say nothing.
fn mostly_format_fields(block: &str) -> bool {
    // Most front matter has no brace at all: one scan, not a walk of its lines.
    if !block.contains('{') {
        return false;
    }
    let (mut fields, mut values) = (0usize, 0usize);
    for line in block.lines() {
        let t = line.trim_start().trim_start_matches("- ");
        let value = match crate::markdown::top_level_key(t) {
            Some(key) => &t[key.len() + 1..],
            None if line.trim_start().starts_with("- ") => t,
            None => continue,
        };
        // The value without its comment.
        let value = value.split(" #").next().unwrap_or_default().trim();
        if value.is_empty() {
            continue;
        }
        values += 1;
        let field = value
            .strip_prefix('{')
            .and_then(|v| v.strip_suffix('}'))
            .is_some_and(|name| {
                name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        fields += usize::from(field);
    }
    fields >= 3 && fields * 2 >= values
}

/// Whether `line` has `open`, then text `inner` accepts (trimmed, up to `close`), then `close`.
/// Linear in the line, however many `open`s it holds: the first `close` after an `open` is looked
/// for again only once the `open` lies past the last one found.
fn jinja_at(line: &str, open: &str, close: &str, inner: impl Fn(&str) -> bool) -> bool {
    let mut from = 0;
    let mut next_close: Option<usize> = None;
    while let Some(i) = line[from..].find(open) {
        let start = from + i + open.len();
        let end = match next_close {
            Some(c) if c >= start => c,
            _ => match line[start..].find(close) {
                Some(e) => start + e,
                None => return false,
            },
        };
        next_close = Some(end);
        let body = line[start..end].trim().trim_matches('-').trim();
        if inner(body) {
            return true;
        }
        from = start;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A title's letters as the prefilter searches them: lower case, letters and digits only, in
    /// any script, with inline HTML and link destinations left out.
    #[test]
    fn title_letters_in_any_script() {
        assert_eq!(
            title_letters("## Model Card: GPT-2 (v1.0)"),
            "modelcardgpt2v10"
        );
        assert_eq!(title_letters("# Modèle — ÉTUDE Ⅻ 2"), "modèleétudeⅻ2");
        assert_eq!(title_letters("# Straße İstanbul"), "straßeistanbul");
        assert_eq!(
            title_letters("# <b>Uses</b> [link](https://example.com/x)"),
            "useslink"
        );
        for title in ["# Άλφα Beta", "# 数据集 Card", "# ÀÉÎÕÜ ascii"] {
            let slow: String = title
                .chars()
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .collect();
            assert_eq!(title_letters(title), slow, "{title}");
        }
    }

    #[test]
    fn table_or_link_definition_is_the_two_searches() {
        for line in [
            "",
            "|",
            "a | b",
            "]:",
            "[x]: http://a",
            "[x] : no",
            "a]b]:c",
            "]]",
            "text only",
            "é]|",
            "]",
            "a]",
            "a]:",
            "a ]: b",
        ] {
            assert_eq!(
                table_or_link_definition(line),
                line.contains('|') || line.contains("]:"),
                "{line:?}"
            );
        }
    }

    fn flavor(text: &str) -> Option<Flavor> {
        crate::parse_text("x.md", text, crate::Format::Markdown)
            .unwrap()
            .flavor
    }

    /// The `evaluate` library's metric cards share "Intended Uses" and "Limitations and Bias" with
    /// model cards, but say in their title what they are.
    #[test]
    fn a_card_titled_for_another_kind_is_no_model_card() {
        let sections = "## Metric Description\nScores translations.\n## Intended Uses\nComparing \
                        systems.\n## How to Use\nCall it.\n## Limitations and Bias\nShort texts \
                        score low.\n## Citation\nA paper.\n";
        assert_eq!(
            flavor(&format!("# Model Card for Scorer\n{sections}")),
            Some(Flavor::MarkdownModelCard)
        );
        assert_eq!(
            flavor(&format!("# Metric Card for Scorer\n{sections}")),
            None
        );
        assert_eq!(
            flavor(&format!(
                "---\ntitle: Scorer\nsdk: gradio\ntags:\n- metric\n---\n# Metric Card for Scorer\n{sections}"
            )),
            Some(Flavor::FrontMatter)
        );
        // Front-matter keys of a model card still make it one.
        assert_eq!(
            flavor(&format!(
                "---\npipeline_tag: translation\n---\n# Metric Card for Scorer\n{sections}"
            )),
            Some(Flavor::HfModelCard)
        );
    }

    /// A format's specification quotes its documents: the Croissant specification's Markdown holds
    /// JSON-LD examples, a tutorial a CycloneDX BOM. The page is not the document it quotes.
    #[test]
    fn a_page_quoting_a_json_document_is_not_one() {
        let croissant = "{\n  \"@context\": {\"cr\": \"http://mlcommons.org/croissant/\"},\n  \"@type\": \"sc:Dataset\",\n  \"name\": \"x\"\n}\n";
        let bom = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}\n";
        let page = format!(
            "# Croissant format specification\n\nAn example:\n\n```json\n{croissant}```\n\nAnd a BOM:\n\n```json\n{bom}```\n"
        );
        assert_eq!(flavor(&page), None);
        assert_eq!(sniff_raw("docs/spec.md", &page), None);
        assert_eq!(
            sniff_raw("notes.yaml", &format!("example: |\n  {bom}")),
            None
        );
        // The documents themselves, as files, are what they say (a byte-order mark and blank lines
        // before them included).
        assert_eq!(sniff_raw("meta.json", croissant), Some(Flavor::Croissant));
        assert_eq!(
            sniff_raw("bom.json", &format!("\u{feff}\n {bom}")),
            Some(Flavor::CycloneDx)
        );
    }

    /// The Croissant Tasks vocabulary describes problems and solutions that name a dataset by its
    /// `@id`; such a node is no dataset description. A type outside the vocabulary still reads as
    /// a broken one.
    #[test]
    fn a_croissant_task_is_no_dataset_description() {
        let doc = |t: &str| {
            format!(
                "{{\"@context\": {{\"croissant\": \"http://mlcommons.org/croissant/\", \"sc\": \"https://schema.org/\"}},\n \"@type\": {t},\n \"name\": \"x\"}}\n"
            )
        };
        let json = |t: &str| {
            crate::parse_text("t.jsonld", &doc(t), crate::Format::Json)
                .unwrap()
                .flavor
        };
        assert_eq!(json("\"croissant:TaskSolution\""), None);
        assert_eq!(json("[\"cr:TaskProblem\", \"croissant:Task\"]"), None);
        assert_eq!(json("\"http://mlcommons.org/croissant/RecordSet\""), None);
        assert_eq!(json("\"sc:Dataset\""), Some(Flavor::Croissant));
        assert_eq!(
            json("[\"sc:Dataset\", \"cr:Thing\"]"),
            Some(Flavor::Croissant)
        );
        assert_eq!(json("\"sc:WRONG_TYPE\""), Some(Flavor::Croissant));
    }

    #[test]
    fn cards_by_front_matter_keys() {
        assert_eq!(
            flavor("---\nlicense: mit\npipeline_tag: x\n---\n"),
            Some(Flavor::HfModelCard)
        );
        assert_eq!(
            flavor("---\ntask_categories: [x]\n---\n"),
            Some(Flavor::HfDatasetCard)
        );
        assert_eq!(flavor("---\nlicense: mit\n---\n"), Some(Flavor::HfCard));
        // A page's front matter is no card metadata, even with a language.
        assert_eq!(
            flavor("---\ntitle: Cards\nlanguage: en\nthumbnail: x.png\n---\n# Cards\n"),
            Some(Flavor::FrontMatter)
        );
        // Broken YAML: the keys are read off the lines.
        assert_eq!(
            flavor("---\nannotations_creators:\n  a:\n   b: x\n---\n# T\n"),
            Some(Flavor::HfDatasetCard)
        );
        // Never closed: the keys up to the first line that is no YAML.
        assert_eq!(
            flavor("---\nlicense: mit\nbase_model: x\nSome prose.\n"),
            Some(Flavor::HfModelCard)
        );
    }

    #[test]
    fn cards_by_two_telling_sections_outside_code() {
        let card = "# Router\n## Model Details\nA model.\n## Intended Use\nRouting.\n";
        assert_eq!(flavor(card), Some(Flavor::MarkdownModelCard));
        let datasheet =
            "# Tickets\n## Motivation\nx\n## Composition\nx\n## Collection process\nx\n";
        assert_eq!(flavor(datasheet), Some(Flavor::MarkdownDatasetCard));
        // The title counts as one: "Model Card for …" and one card section.
        assert_eq!(
            flavor("# Model Card for x\n## Training Data\nTickets.\n"),
            Some(Flavor::MarkdownModelCard)
        );
        // One telling section, or only weak ones (a code repository's README), is not enough.
        assert_eq!(flavor("# X\n## Model Details\nA model.\n"), None);
        assert_eq!(
            flavor("# X\n## Training\nx\n## Evaluation\nx\n## Citation\nx\n## License\nx\n"),
            None
        );
        // Headings in code fences are code; a heading that only mentions cards is no card section.
        assert_eq!(
            flavor(
                "# Guide\n```\n## Model Details\n## Intended Use\n```\n## Include Evaluation Results\nx\n## Create Model Cards\nx\n"
            ),
            None
        );
        // "Model Cards" (a topic) is no card title.
        assert_eq!(flavor("# Model Cards\n## Training Data\nx\n"), None);
    }

    #[test]
    fn templates_are_not_cards() {
        assert_eq!(
            flavor("---\n{{ card_data }}\n---\n# Model Card\n## Model Details\nx\n## Uses\ny\n"),
            Some(Flavor::Template)
        );
        assert_eq!(
            flavor("# Model Card for {{ model_id | default(\"M\", true) }}\n## Model Details\nx\n"),
            Some(Flavor::Template)
        );
        let guidance = "# Model Summary\nProvide an overview.\n## Usage\nHow is it used?\n## Training data\nDescribe the data. How was it collected?\n## Evaluation Results\nSummarize the results.\n";
        assert_eq!(flavor(guidance), Some(Flavor::Template));
        // The Hub's metadata specification: its front matter is format fields to fill in.
        let spec = "---\nlanguage:\n- {lang_0}  # Example: fr\nlicense: {license}  # Example: mit\n\
                    tags:\n- {tag_0}  # Example: audio\nmodel-index:\n- name: {model_id}\n  \
                    results:\n  - task:\n      type: {task_type}  # Required\n---\n\
                    This file holds the spec for the card metadata.\n";
        assert_eq!(flavor(spec), Some(Flavor::Template));
        // A card with one such value (a set in a citation, an example) is still a card.
        let one = "---\nlicense: mit\npipeline_tag: text-generation\ntags:\n- {tag_0}\n- chat\n\
                   base_model: x\n---\n# Model\n";
        assert_eq!(flavor(one), Some(Flavor::HfModelCard));
        // A template's annotated directions say so in their title; a card about templates does not.
        let sections = "## Model Details\nA model.\n## Uses\nRouting.\n## Training Data\nLogs.\n";
        assert_eq!(
            flavor(&format!("# Annotated Model Card Template\n{sections}")),
            Some(Flavor::Template)
        );
        assert_eq!(
            flavor(&format!("# Model Card for template-filler\n{sections}")),
            Some(Flavor::MarkdownModelCard)
        );
        // The markdown datasheet form: directions, questions and blanks in every section.
        let form = |answer: &str| {
            let mut t =
                String::from("# Datasheet: Your Dataset Name Here\n\nAuthor: Your Name Here\n\n");
            for s in [
                "Motivation",
                "Composition",
                "Collection Process",
                "Uses",
                "Distribution",
            ] {
                t.push_str(&format!(
                    "## {s}\n\n*The questions in this section are intended to encourage transparency.*\n\n\
                     1. **For what purpose was the dataset created?** Please provide a description.\n\n\
                     \t*{answer}*\n\n"
                ));
            }
            t
        };
        assert_eq!(flavor(&form("YOUR ANSWER HERE")), Some(Flavor::Template));
        assert_eq!(
            flavor(&form("To score credit applications from 2021 on.")),
            Some(Flavor::MarkdownDatasetCard)
        );
        // A card half filled in is still a card.
        let half = "# Model Card for x\n## Model Details\nA model.\n## Intended Use\nRouting.\n## Training Data\n{{ training_data }}\n## Evaluation\nAccuracy 0.9.\n";
        assert_eq!(flavor(half), Some(Flavor::MarkdownModelCard));
    }

    #[test]
    fn jinja_is_told_from_bibtex() {
        assert!(has_jinja("{{ card_data }}"));
        assert!(has_jinja("{{- x.y | default('z') -}}"));
        assert!(has_jinja("{% if a %}b{% endif %}"));
        assert!(!has_jinja(
            "title={{BERT:} Pre-training of Deep Transformers}},"
        ));
        assert!(!has_jinja("{{TRL: Transformer Reinforcement Learning}}"));
        assert!(!has_jinja("{{ \n }}"));
        assert!(has_jinja("{{ {{ x }}"));
        // Linear in the line: a long run of openers is quick.
        let long = format!("{}}}}}", "{{".repeat(1_000_000));
        assert!(!has_jinja(&long));
    }

    #[test]
    fn guidance_is_questions_and_instructions() {
        assert!(guidance_only("Describe the data. How was it collected?"));
        assert!(!guidance_only(
            "The data was collected in 2025. How? By export."
        ));
        assert!(!guidance_only(""));
        // A datasheet form: directions about its questions, the questions, the blanks.
        assert!(guidance_only(
            "*The questions in this section are intended to encourage transparency.*\n\
             1. **For what purpose was the dataset created?** Please provide a description.\n\
             \t*YOUR ANSWER HERE*\n"
        ));
        // Answered, it is content, whatever the question said.
        assert!(!guidance_only(
            "1. **For what purpose was the dataset created?** To score credit applications.\n"
        ));
        assert!(!guidance_only("Your model is trained here on our data."));
    }

    /// Whether a Markdown text is told from its lines to be no card must never be "no" where the
    /// parse recognises one: on every text the tests hold, and on the constructs that put a heading
    /// where a line scan could miss it.
    #[test]
    fn a_page_is_told_to_be_no_card_only_where_the_parse_agrees() {
        let mut no_card = 0;
        for (path, text) in crate::test_texts() {
            if !path.ends_with(".md") {
                continue;
            }
            if crate::markdown_is_no_card(&path, &text) {
                no_card += 1;
                let f = crate::parse_text(&path, &text, crate::Format::Markdown)
                    .ok()
                    .and_then(|p| p.flavor);
                assert!(matches!(f, None | Some(Flavor::Template)), "{path}: {f:?}");
            }
        }
        assert!(no_card > 0);
        // Each is a model card to the parse, and must be one the scan could not rule out.
        for text in [
            "> ## Model Details\n\n- ## Intended Use\n",
            "Model Details\n=============\n\nIntended Use\n------------\n",
            "Model Details of\n  this one\n===\n\nIntended Use\n---\n",
            "## **Model** De*tails*\n\n## Intended <span class=\"x\">Use</span>\n",
            "## Mod<b>el</b> Details\n\n## In`tended` Use\n",
            "## [Model Details](#x)\n\n## [Intended][u] Use\n\n[u]: #y\n",
            "## Model Details\r\n\r\n## Intended Use\r\n",
            "## Model Details\r## Intended Use\r",
            "<details>\n```\n</details>\n\n## Model Details\n\n## Intended Use\n",
            "<!-- a\n```\n-->\n## Model Details\n\n## Intended Use\n",
            "## Model &#68;etails\n\n## Intended Use\n",
            "```\ncode\n   ```\n## Model Details\n## Intended Use\n",
            "~~~\n```\n~~~\n## Model Details\n## Intended Use\n",
            "```a`b\n## Model Details\n## Intended Use\n",
            "1. ## Model Details\n2. ## Intended Use\n",
        ] {
            assert_eq!(flavor(text), Some(Flavor::MarkdownModelCard), "{text:?}");
            assert!(!crate::markdown_is_no_card("x.md", text), "{text:?}");
        }
        // A guide: its code and prose mention cards, its headings do not name their sections.
        let guide = "# Datasets in your browser\n\n## Installation\n\nRun this:\n\n```yaml\n\
                     ---\nmodel_details: x\nintended_use: y\n---\n```\n\n## Usage\n\n\
                     Model details and intended use are written in the card.\n";
        assert_eq!(flavor(guide), None);
        assert!(crate::markdown_is_no_card("docs/guide.md", guide));
        // A title too long or too full of tags to read cheaply is left to the parse.
        let tags = format!("## {}\n", "<a x='".repeat(100_000));
        assert!(!crate::markdown_is_no_card("x.md", &tags));
        assert!(crate::markdown_is_no_card(
            "x.md",
            "## Usage <b>x</b> [a](b)\n"
        ));
        // A section's name is spelt within one title: the end of one and the start of the next
        // spell nothing ("Mod" and "el Details" are no "Model Details").
        let split = "## Mod\n\n## el Details\n\n## Inten\n\n## ded Use\n";
        assert_eq!(flavor(split), None);
        assert!(crate::markdown_is_no_card("x.md", split));
        assert!(!crate::markdown_is_no_card(
            "x.md",
            "## Model Details\n\n## Intended Use\n"
        ));
        // Front matter, or a format told by its text, is never ruled out by the scan.
        assert!(!crate::markdown_is_no_card(
            "x.md",
            "---\na: 1\n---\n# Guide\n"
        ));
    }
}
