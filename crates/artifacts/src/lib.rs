//! Span-keeping parsers for AI governance evidence.
//!
//! Every file is turned into a [`Parsed`] value: a `serde_json::Value` plus a table that maps each JSON
//! Pointer to the byte range it was written at, so a diagnostic about `/quality/assessed` can underline
//! the exact YAML line. This crate knows nothing of policy: it reads, sniffs and locates.

mod adapt;
mod croissant;
mod cyclonedx;
mod dvc;
pub mod fsread;
mod json;
mod lines;
mod markdown;
mod mct;
pub mod memo;
mod mlflow;
mod pointer;
mod runs;
mod sniff;
mod spdx3;
mod strict_json;
mod text;
mod toml_doc;
mod yaml;

use std::fmt;

pub use adapt::FORMAT_NOTICE;
pub use dvc::tracked as dvc_tracked;
pub use lines::LineIndex;
pub use pointer::{Spans, escape_token, join_pointer, value_at};
pub use sniff::Flavor;
pub use text::{
    PLACEHOLDERS, ceil_boundary, content_words, fenced_code, fenced_code_open, floor_boundary,
    in_ranges, is_placeholder, is_placeholder_value, quote_path, truncate_chars,
};

/// The largest file read as evidence; larger files are reported, never silently dropped.
pub const DEFAULT_MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// How a file is serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Yaml,
    Json,
    Toml,
    Markdown,
}

impl Format {
    /// The format a path's name suggests, if any.
    pub fn from_path(path: &str) -> Option<Format> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e);
        match ext {
            Some("yaml" | "yml" | "dvc") => Some(Format::Yaml),
            Some("json" | "jsonld") => Some(Format::Json),
            Some("toml") => Some(Format::Toml),
            Some("md" | "markdown") => Some(Format::Markdown),
            _ if lower == "mlmodel" || lower == "dvc.lock" => Some(Format::Yaml),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Markdown => "markdown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem the parser noticed in a file that still parsed (e.g. a blank line before front matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// A stable code, e.g. `front-matter-not-first`.
    pub code: &'static str,
    pub message: String,
    /// Byte offset in the file the notice points at.
    pub offset: usize,
}

/// A file parsed into a value with its spans.
///
/// Most files have no finding, so the full pointer → span table is built only when first asked for
/// (`spans`): parts of it (YAML, JSON) are recorded here as work to do over the file's text.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub format: Format,
    pub value: serde_json::Value,
    /// Spans known at parse time (Markdown sections, the document root).
    eager: Spans,
    deferred: Vec<Deferred>,
    /// Each deferred part's table, built the first time a pointer under it is looked up.
    parts: Vec<std::sync::OnceLock<Spans>>,
    full: std::sync::OnceLock<Spans>,
    pub flavor: Option<Flavor>,
    pub notices: Vec<Notice>,
    /// For a Markdown file whose front matter does not parse as a whole: the top-level keys it
    /// could not read (`None`: it read all of them, or had none). `meta` then holds the entries
    /// that parse on their own, so a rule about another key is still judged.
    pub unread_meta: Option<std::collections::BTreeSet<String>>,
    /// A Markdown file's headings and their prose, from its parse, for recognising what it is;
    /// taken (and dropped) as soon as the file is recognised.
    pub(crate) outline: Option<Box<sniff::Outline>>,
    /// The runs a Markdown body was read in: where each starts in the body, and its text's key
    /// (`None`: read whole). The body's key is made from theirs (`body_key`), and a check whose
    /// result on the body is the union of its results on the runs may remember those by run.
    pub body_runs: Option<std::sync::Arc<[(usize, memo::TextKey)]>>,
}

/// Span work left for later: a YAML or JSON region of the file, with the pointer prefix it sits under.
#[derive(Debug, Clone)]
enum Deferred {
    Yaml {
        start: usize,
        end: usize,
        prefix: &'static str,
    },
    Json {
        start: usize,
    },
    /// Markdown sections and labels (see `markdown::Places`).
    Sections(markdown::Places),
}

impl Parsed {
    pub(crate) fn new(format: Format, value: serde_json::Value, eager: Spans) -> Parsed {
        Parsed {
            format,
            value,
            eager,
            deferred: Vec::new(),
            parts: Vec::new(),
            full: std::sync::OnceLock::new(),
            flavor: None,
            notices: Vec::new(),
            unread_meta: None,
            outline: None,
            body_runs: None,
        }
    }

    /// Drop the parsed value and every span table, keeping the format, flavour and notices: for a
    /// document nothing reads again once its findings (which hold their own places) are made.
    pub fn slim(&mut self) {
        self.value = serde_json::Value::Null;
        self.eager = Spans::default();
        self.deferred = Vec::new();
        self.parts = Vec::new();
        self.full = std::sync::OnceLock::new();
        self.body_runs = None;
    }

    /// The key of a Markdown body read in runs, made from the runs' keys (`memo::key_of_parts`)
    /// rather than by hashing the body again; `None` for a body read whole.
    pub fn body_key(&self) -> Option<memo::TextKey> {
        let runs = self.body_runs.as_deref()?;
        Some(memo::key_of_parts(runs.iter().map(|(_, k)| k)))
    }

    fn defer(mut self, d: Deferred) -> Parsed {
        self.deferred.push(d);
        self.parts.push(std::sync::OnceLock::new());
        self
    }

    /// The span of a pointer, or of its longest prefix that has one: the same answer as
    /// `spans(text).locate(pointer)`, but only the parts of the file the pointer can be in are
    /// looked at (a finding about a Markdown section never reads the front matter's YAML again).
    pub fn locate(&self, text: &str, pointer: &str) -> Option<(usize, usize)> {
        let mut best: Option<(usize, (usize, usize))> = None;
        // Of two places at the same depth the first part's wins, as in the whole table (where the
        // first place recorded for a pointer is kept, and the eager spans come last).
        let mut consider = |found: Option<(usize, (usize, usize))>| {
            if let Some((depth, span)) = found
                && best.is_none_or(|(d, _)| depth > d)
            {
                best = Some((depth, span));
            }
        };
        for (i, d) in self.deferred.iter().enumerate() {
            match d {
                Deferred::Sections(places) => consider(markdown::locate_in(places, pointer)),
                Deferred::Yaml { prefix, .. } => {
                    let Some(rest) = under(pointer, prefix) else {
                        continue;
                    };
                    let depth = prefix.split('/').count() - 1;
                    consider(self.yaml_locate(i, text, rest).map(|(d, s)| (d + depth, s)));
                }
                Deferred::Json { .. } => consider(self.part(i, text).locate_depth(pointer)),
            }
        }
        consider(self.eager.locate_depth(pointer));
        best.map(|(_, s)| s)
    }

    /// The span recorded for exactly this pointer: the same answer as `spans(text).exact(pointer)`.
    pub fn exact(&self, text: &str, pointer: &str) -> Option<(usize, usize)> {
        for (i, d) in self.deferred.iter().enumerate() {
            let found = match d {
                Deferred::Sections(places) => markdown::locate_in(places, pointer)
                    .filter(|(d, _)| *d == pointer.split('/').count() - 1)
                    .map(|(_, s)| s),
                Deferred::Yaml { prefix, .. } => {
                    under(pointer, prefix).and_then(|rest| self.part(i, text).exact(rest))
                }
                Deferred::Json { .. } => self.part(i, text).exact(pointer),
            };
            if found.is_some() {
                return found;
            }
        }
        self.eager.exact(pointer)
    }

    /// `self.part(i, text).locate_depth(pointer)` for a YAML part, without building its table
    /// when the pointer's own place comes before its end.
    fn yaml_locate(&self, i: usize, text: &str, pointer: &str) -> Option<(usize, (usize, usize))> {
        if let Some(table) = self.parts[i].get() {
            return table.locate_depth(pointer);
        }
        let Deferred::Yaml { start, end, .. } = &self.deferred[i] else {
            return self.part(i, text).locate_depth(pointer);
        };
        match yaml::locate(text.get(*start..*end).unwrap_or_default(), *start, pointer) {
            yaml::Located::Place(place) => place,
            yaml::Located::Whole(place, table) => {
                let _ = self.parts[i].set(table);
                place
            }
        }
    }

    /// The table of deferred part `i`, as it is before being nested under its prefix.
    fn part(&self, i: usize, text: &str) -> &Spans {
        self.parts[i].get_or_init(|| match &self.deferred[i] {
            Deferred::Yaml { start, end, .. } => {
                yaml::spans(text.get(*start..*end).unwrap_or_default(), *start)
            }
            Deferred::Json { start } => json::spans(text.get(*start..).unwrap_or_default(), *start),
            Deferred::Sections(sections) => markdown::section_spans(sections),
        })
    }

    /// Where each JSON Pointer was written. `text` is the whole file the value was parsed from.
    pub fn spans(&self, text: &str) -> &Spans {
        self.full.get_or_init(|| {
            // What the YAML or JSON says about a pointer is more precise than the eager fallbacks.
            let mut all = Spans::default();
            for d in &self.deferred {
                let more = match d {
                    Deferred::Yaml { start, end, prefix } => {
                        let s = yaml::spans(text.get(*start..*end).unwrap_or_default(), *start);
                        if prefix.is_empty() { s } else { s.nest(prefix) }
                    }
                    Deferred::Json { start } => {
                        json::spans(text.get(*start..).unwrap_or_default(), *start)
                    }
                    Deferred::Sections(sections) => markdown::section_spans(sections),
                };
                all.extend(more);
            }
            all.extend(self.eager.clone());
            all
        })
    }
}

/// `pointer` relative to `prefix` (`/meta/license` under `/meta` is `/license`; `/meta` itself is
/// ``), or `None` when it is not under it.
fn under<'p>(pointer: &'p str, prefix: &str) -> Option<&'p str> {
    let rest = pointer.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Why a file could not be read as evidence. Always carries the place, so it can be shown at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub message: String,
    /// Byte offset of the problem in the file (0 when the whole file is concerned).
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The syntax of YAML, JSON, TOML or front matter is broken.
    Syntax,
    /// A resource budget (aliases, nesting, events) was exceeded.
    Budget,
    /// The file is larger than the configured limit.
    TooLarge,
    /// The file holds NUL bytes: it is binary.
    Binary,
    /// The bytes are not UTF-8.
    Encoding,
    /// The file is a Git LFS pointer: the real content is not in the repository.
    LfsPointer,
}

impl ParseErrorKind {
    /// The core diagnostic code this problem is reported under.
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::Syntax => "AL001",
            ParseErrorKind::Budget => "AL002",
            ParseErrorKind::TooLarge => "AL003",
            ParseErrorKind::Binary => "AL004",
            ParseErrorKind::Encoding => "AL005",
            ParseErrorKind::LfsPointer => "AL006",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Limits applied while reading untrusted files.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// The prefix of every Git LFS pointer file.
pub const LFS_POINTER_PREFIX: &str = "version https://git-lfs.github.com/spec/";

/// Check the raw bytes of a file and give back its text, or the reason it cannot be read as text.
pub fn decode<'b>(bytes: &'b [u8], limits: &Limits) -> Result<&'b str, ParseError> {
    size_and_binary(bytes, limits)?;
    match std::str::from_utf8(bytes) {
        Ok(text) => not_a_pointer(text),
        Err(e) => Err(ParseError {
            kind: ParseErrorKind::Encoding,
            message: format!(
                "file is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8",
                e.valid_up_to()
            ),
            offset: e.valid_up_to(),
        }),
    }
}

/// `decode` of a text already known to be UTF-8 (read as text from git): the same checks but the
/// encoding's, which would read it all again.
pub fn decode_text<'t>(text: &'t str, limits: &Limits) -> Result<&'t str, ParseError> {
    size_and_binary(text.as_bytes(), limits)?;
    not_a_pointer(text)
}

/// An error for a file over the size limit, or one that holds a NUL byte near its start.
fn size_and_binary(bytes: &[u8], limits: &Limits) -> Result<(), ParseError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ParseError {
            kind: ParseErrorKind::TooLarge,
            message: format!(
                "file is larger than the {}-byte limit for evidence files (raise [files] max_file_bytes in aimslint.toml if it is real evidence)",
                limits.max_file_bytes
            ),
            offset: 0,
        });
    }
    if let Some(pos) = memchr::memchr(0, &bytes[..bytes.len().min(8192)]) {
        return Err(ParseError {
            kind: ParseErrorKind::Binary,
            message: "file is binary (it contains NUL bytes), not a text evidence file".into(),
            offset: pos,
        });
    }
    Ok(())
}

/// A text, unless it is a Git LFS pointer.
fn not_a_pointer(text: &str) -> Result<&str, ParseError> {
    if text.starts_with(LFS_POINTER_PREFIX) {
        return Err(ParseError {
            kind: ParseErrorKind::LfsPointer,
            message: "file is a Git LFS pointer; its content is not in the repository (run `git lfs pull` to lint it)".into(),
            offset: 0,
        });
    }
    Ok(text)
}

/// Parse a file's text in the given format.
pub fn parse_text(path: &str, text: &str, format: Format) -> Result<Parsed, ParseError> {
    let mut parsed = match format {
        Format::Yaml => yaml::parse(text, 0)?,
        Format::Json => json::parse(text)?,
        Format::Toml => toml_doc::parse(text)?,
        Format::Markdown => markdown::parse(text)?,
    };
    let outline = parsed.outline.take();
    parsed.flavor = sniff::sniff(path, text, &parsed, outline.map(|o| *o));
    // A format with an adapter is read as the view of its kind, placed at its own lines.
    if let Some(flavor) = parsed.flavor
        && let Some(a) = adapt::adapt(flavor, format, &parsed.value, text)
    {
        let mut notices = std::mem::take(&mut parsed.notices);
        notices.extend(a.notices);
        parsed = Parsed::new(format, a.view, a.spans);
        parsed.flavor = Some(a.flavor);
        parsed.notices = notices;
    }
    Ok(parsed)
}

/// Whether a Markdown file is surely no card, told without parsing it: nothing in its name or text
/// says a format (`sniff_text`), it has no front matter, and no two of the lines that could be its
/// headings could name a card's telling sections. Parsed, such a file is recognised as a template
/// at most, or as nothing.
pub fn markdown_is_no_card(path: &str, text: &str) -> bool {
    sniff::sniff_raw(path, text).is_none()
        && matches!(markdown::front_matter(text), Ok(None))
        && !sniff::markdown_could_be_card(text)
}

/// Guess a file's flavour from its name and raw text alone, for files that could not be parsed.
pub fn sniff_text(path: &str, text: &str) -> Option<Flavor> {
    sniff::sniff_raw(path, text)
}

/// The text files of the packs, the example, the templates and (when `AIMSLINT_CORPUS` names it)
/// the real-world corpus, by path: what tests of the readers run over.
#[cfg(test)]
pub(crate) fn test_texts() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stack = vec![
        root.join("policies"),
        root.join("examples"),
        root.join("crates/cli/templates"),
    ];
    if let Some(c) = std::env::var_os("AIMSLINT_CORPUS") {
        stack.push(c.into());
    }
    let mut out = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                out.push((p.display().to_string(), t));
            }
        }
    }
    out
}

#[cfg(test)]
mod locate_tests {
    use super::*;

    /// Each pointer of the whole table, one level deeper, and its parent.
    fn probes(spans: &Spans) -> Vec<String> {
        let mut out = Vec::new();
        for p in spans.pointers() {
            out.push(format!("{p}/zz"));
            out.push(format!("{p}/0"));
            if let Some((parent, _)) = p.rsplit_once('/') {
                out.push(parent.to_string());
            }
            out.push(p);
        }
        out.extend([
            "/meta/x".into(),
            "/sections/x/text".into(),
            "/labels".into(),
        ]);
        out
    }

    fn agree(name: &str, path: &str, text: &str) {
        for f in [Format::Yaml, Format::Json, Format::Toml, Format::Markdown] {
            let Ok(p) = parse_text(path, text, f) else {
                continue;
            };
            let whole = p.spans(text);
            for ptr in probes(whole) {
                assert_eq!(p.locate(text, &ptr), whole.locate(&ptr), "{name} {f} {ptr}");
                assert_eq!(p.exact(text, &ptr), whole.exact(&ptr), "{name} {f} {ptr}");
            }
            // A lookup into a YAML part whose table is not built reads only as far as the
            // pointer's place, and keeps nothing when it finds it: on a fresh parse, pointers of
            // the table (up to about 200, spread over it) are looked up that way, and land where
            // the table says.
            let fresh = parse_text(path, text, f).expect("parsed once already");
            let all = whole.pointers();
            for ptr in all.iter().step_by((all.len() / 200).max(1)) {
                assert_eq!(
                    fresh.locate(text, ptr),
                    whole.locate(ptr),
                    "{name} {f} {ptr}"
                );
            }
        }
    }

    /// Looking a pointer up part by part gives what the whole table gives: on cards with front
    /// matter (whole, and broken so its entries are read one by one), YAML, JSON, and every file
    /// of the example, the policies and the corpus.
    #[test]
    fn part_lookups_agree_with_the_whole_table() {
        for (name, text) in [
            (
                "card",
                "---\nlicense: mit\ntags: [a, b]\n---\n# Title\n## Uses\nTODO\n**License:** MIT\n",
            ),
            (
                "broken",
                "---\nlicense: mit\nbad: [x\nmodel-index:\n  - name: a\n---\n# T\n## A/B ~x\ntext\n",
            ),
            ("yaml", "a:\n  b: [1, {c: d}]\nmeta: x\n"),
            ("json", "{\"a\": {\"b\": [1, {\"c/d\": 2}]}}"),
        ] {
            agree(name, "models/x/README.md", text);
        }
        let mut n = 0;
        for (name, t) in crate::test_texts() {
            if t.len() < 512 * 1024 {
                agree(&name, &name, &t);
                n += 1;
            }
        }
        assert!(n > 20, "{n} files");
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    /// A text read as such from git is judged as its bytes would be: too large, binary, a Git LFS
    /// pointer, or a text.
    #[test]
    fn a_text_is_decoded_as_its_bytes_are() {
        let limits = Limits { max_file_bytes: 64 };
        let lfs = format!("{LFS_POINTER_PREFIX}\noid sha256:00\nsize 1\n");
        for text in [
            "model: x\n",
            "",
            "a\0b",
            &lfs,
            &"x".repeat(65),
            &"é".repeat(32),
            &"é".repeat(33),
        ] {
            let (a, b) = (decode(text.as_bytes(), &limits), decode_text(text, &limits));
            assert_eq!(a, b, "{text:?}");
        }
    }
}
