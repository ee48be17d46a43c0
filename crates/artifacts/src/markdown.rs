//! Markdown documents, with optional YAML front matter (Hugging Face cards).
//!
//! The document value is `{ "meta": <front matter>, "sections": { <slug>: { title, level, text } },
//! "labels": { <slug>: { title, level: 0, text } }, "body": <text after the front matter> }`, so a
//! front-matter key can never collide with a section. Labels are bold labels and definition lines
//! (`**License:** MIT`, `License: MIT`).
//! `meta` is absent when the file has no front matter.

use std::collections::{BTreeSet, HashMap};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use crate::pointer::{ROOT, Spans};
use crate::{Format, Notice, ParseError, ParseErrorKind, Parsed};

/// Front matter larger than this is refused (a real card's is a few KiB).
const MAX_FRONT_MATTER: usize = 1024 * 1024;

pub(crate) struct FrontMatter<'t> {
    /// The YAML text between the delimiters.
    pub yaml: &'t str,
    /// Byte offset of `yaml` in the file.
    pub yaml_start: usize,
    /// Byte offset of the opening `---`.
    pub open: usize,
    /// Byte offset of the body (after the closing delimiter line).
    pub body_start: usize,
    /// Whether blank lines preceded the opening delimiter.
    pub not_first: bool,
    /// A delimiter line written other than `---` (`--`, `----`): its offset and its text. The
    /// block is still read as front matter, and the notice says no other tool will.
    pub wrong_delimiter: Option<(usize, &'t str)>,
}

fn is_delim(line: &str, d: &str) -> bool {
    line.trim_end_matches(['\r', '\n']).trim_end() == d
}

/// A line of dashes only that is not `---`: a mistyped delimiter (`--`, `----`).
fn dash_line(line: &str) -> bool {
    let l = line.trim_end_matches(['\r', '\n']).trim_end();
    l.len() >= 2 && l.len() != 3 && l.bytes().all(|b| b == b'-')
}

/// The key of a top-level YAML `key: value` line (a plain key at the start of the line, then `:`
/// and a space or the end of the line), if the line is one.
pub(crate) fn top_level_key(line: &str) -> Option<&str> {
    let line = line.trim_end_matches(['\r', '\n']);
    let colon = line.find(':')?;
    let key = &line[..colon];
    let after = &line[colon + 1..];
    let plain = key.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (plain && (after.is_empty() || after.starts_with([' ', '\t']))).then_some(key)
}

/// Whether a block reads as YAML metadata rather than Markdown: its first line that is neither
/// blank nor a comment is a top-level `key:` line, and every other such line is one, an indented
/// line or a list item.
pub(crate) fn yaml_like(block: &str) -> bool {
    let mut lines = block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    lines.next().is_some_and(|l| top_level_key(l).is_some())
        && lines.all(|l| {
            top_level_key(l).is_some() || l.starts_with([' ', '\t']) || l.starts_with("- ")
        })
}

/// Lines from `from`: (offset, line with its end).
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    text[from..].split_inclusive('\n').scan(from, |at, l| {
        let here = *at;
        *at += l.len();
        Some((here, l))
    })
}

/// Find the front matter block, if the file has one.
///
/// A block opened or closed with a line of two or four or more dashes around YAML-looking lines is
/// front matter written with the wrong delimiter: it is returned with `wrong_delimiter` set (no
/// tool reads it as metadata, so a card would silently have none). Dashes around anything else are
/// Markdown thematic breaks.
pub(crate) fn front_matter(text: &str) -> Result<Option<FrontMatter<'_>>, ParseError> {
    let mut pos = usize::from(text.starts_with('\u{feff}')) * 3;
    let mut not_first = false;
    // Blank lines before the opening delimiter: Hugging Face then ignores the metadata; we read it and say so.
    loop {
        let rest = &text[pos..];
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = &rest[..line_end];
        if line.trim().is_empty() && line_end > 0 && line_end < rest.len() {
            not_first = true;
            pos += line_end;
            continue;
        }
        let open = pos;
        let yaml_start = pos + line_end;
        if dash_line(line) {
            return Ok(wrongly_delimited(text, open, yaml_start, not_first));
        }
        if !is_delim(line, "---") {
            return Ok(None);
        }
        let mut cur = yaml_start;
        // The first line of dashes that is not `---`: a mistyped closing delimiter, if no right one follows.
        let mut dashes: Option<(usize, usize)> = None;
        while cur < text.len() {
            let le =
                memchr::memchr(b'\n', &text.as_bytes()[cur..]).map_or(text.len() - cur, |i| i + 1);
            // Only a line that starts with a dash or a dot can close the metadata (or be a
            // mistyped delimiter): the others are passed over on their first byte.
            if !matches!(text.as_bytes()[cur], b'-' | b'.') {
                cur += le;
                continue;
            }
            let l = &text[cur..cur + le];
            if is_delim(l, "---") || is_delim(l, "...") {
                if cur - yaml_start > MAX_FRONT_MATTER {
                    break;
                }
                // `---`, metadata, `--`, Markdown, then a thematic break: the `--` closed it.
                if let Some((at, _)) = dashes
                    && !yaml_like(&text[yaml_start..cur])
                    && yaml_like(&text[yaml_start..at])
                {
                    break;
                }
                return Ok(Some(FrontMatter {
                    yaml: &text[yaml_start..cur],
                    yaml_start,
                    open,
                    body_start: cur + le,
                    not_first,
                    wrong_delimiter: None,
                }));
            }
            if dashes.is_none() && dash_line(l) {
                dashes = Some((cur, le));
            }
            cur += le;
        }
        if let Some((at, le)) = dashes
            && at - yaml_start <= MAX_FRONT_MATTER
            && yaml_like(&text[yaml_start..at])
        {
            return Ok(Some(FrontMatter {
                yaml: &text[yaml_start..at],
                yaml_start,
                open,
                body_start: at + le,
                not_first,
                wrong_delimiter: Some((at, text[at..at + le].trim_end())),
            }));
        }
        if cur - yaml_start > MAX_FRONT_MATTER {
            return Err(ParseError {
                kind: ParseErrorKind::TooLarge,
                message: format!("front matter is larger than {MAX_FRONT_MATTER} bytes"),
                offset: open,
            });
        }
        return Err(ParseError {
            kind: ParseErrorKind::Syntax,
            message: "front matter opened with `---` is never closed (add a `---` line after the metadata)".into(),
            offset: open,
        });
    }
}

/// A front matter's value, remembered by its text when it parses: a history's versions of a card
/// share it whenever an edit left the metadata alone (nearly half of them on huggingface/datasets),
/// and taking a copy of the value costs a fraction of reading the YAML again. An error is made
/// again each time (its offset is the file's own).
fn front_matter_value(yaml: &str, base: usize) -> Result<Value, ParseError> {
    if yaml.len() < REMEMBER_FRONT_MATTER_FROM {
        return crate::yaml::parse_value(yaml, base);
    }
    let key = crate::memo::text_key(yaml);
    let weight = 4 * yaml.len() + 64;
    if let Some(v) = FRONT_MATTERS.get(&key, |_| weight) {
        return Ok(Value::clone(&v));
    }
    let v = crate::yaml::parse_value(yaml, base)?;
    FRONT_MATTERS.insert(key, std::sync::Arc::new(v.clone()), weight);
    Ok(v)
}

/// Front matters shorter than this are read again rather than looked up.
const REMEMBER_FRONT_MATTER_FROM: usize = 256;

/// The most front matter (counted as four times its text, about what its value holds) remembered
/// at a time.
static FRONT_MATTERS: crate::memo::TextMemo<std::sync::Arc<Value>> =
    crate::memo::TextMemo::new(2 << 20);

/// A block opened with a line of dashes other than `---` (at `open`): front matter with the wrong
/// delimiter when YAML-looking lines follow up to a closing line of dashes (or `...`).
fn wrongly_delimited(
    text: &str,
    open: usize,
    yaml_start: usize,
    not_first: bool,
) -> Option<FrontMatter<'_>> {
    let (close, line) = lines_from(text, yaml_start)
        .take_while(|(at, _)| at - yaml_start <= MAX_FRONT_MATTER)
        .find(|(_, l)| dash_line(l) || is_delim(l, "---") || is_delim(l, "..."))?;
    let yaml = &text[yaml_start..close];
    yaml_like(yaml).then(|| FrontMatter {
        yaml,
        yaml_start,
        open,
        body_start: close + line.len(),
        not_first,
        wrong_delimiter: Some((open, text[open..yaml_start].trim_end())),
    })
}

pub(crate) fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut value = Map::new();
    let mut spans = Spans::default();
    let mut notices = Vec::new();
    let mut deferred = Vec::new();
    let mut unread = None;
    spans.insert(String::new(), 0, 0);
    let body_start = read_front_matter(
        text,
        &mut value,
        &mut spans,
        &mut notices,
        &mut deferred,
        &mut unread,
    )?;
    let body = &text[body_start..];
    let ((sections, labels, places, outline), runs) = sections(body, body_start);
    spans.insert("/sections".into(), body_start, body_start);
    spans.insert("/labels".into(), body_start, body_start);
    spans.insert("/body".into(), body_start, body_start);
    value.insert("sections".into(), Value::Object(sections));
    value.insert("labels".into(), Value::Object(labels));
    value.insert("body".into(), Value::String(body.to_string()));
    let mut parsed = Parsed::new(Format::Markdown, Value::Object(value), spans)
        .defer(crate::Deferred::Sections(places));
    for d in deferred {
        parsed = parsed.defer(d);
    }
    parsed.notices = notices;
    parsed.unread_meta = unread;
    if !runs.is_empty() {
        parsed.body_runs = Some(runs.into());
    }
    parsed.outline = Some(Box::new(crate::sniff::Outline::from_parts(outline)));
    Ok(parsed)
}

/// Read the front matter into `value["meta"]`, and say where the Markdown body starts. A front
/// matter that cannot be read does not hide the body: a syntax error in its YAML, or a front matter
/// never closed, becomes a notice (the file's syntax finding, at its line), and the body is still
/// read, from after the block (or from inside it, when the block is Markdown between two thematic
/// breaks rather than metadata). Of such a front matter, `meta` holds the top-level entries that
/// parse on their own, and `unread` names the keys of those that do not; when it is no list of
/// `key:` entries at all, `meta` is left out. Only a budget or size problem fails the file.
fn read_front_matter(
    text: &str,
    value: &mut Map<String, Value>,
    spans: &mut Spans,
    notices: &mut Vec<Notice>,
    deferred: &mut Vec<crate::Deferred>,
    unread: &mut Option<BTreeSet<String>>,
) -> Result<usize, ParseError> {
    let fm = match front_matter(text) {
        Ok(Some(fm)) => fm,
        Ok(None) => return Ok(0),
        Err(e) if e.kind == ParseErrorKind::Syntax => {
            // Never closed: everything after the opening line is the body; the metadata is what
            // reads as YAML entries up to the first line that does not.
            let body_start = text[e.offset..]
                .find('\n')
                .map_or(text.len(), |i| e.offset + i + 1);
            let block_len = text[body_start..]
                .split_inclusive('\n')
                .take_while(|l| {
                    l.trim().is_empty()
                        || top_level_key(l).is_some()
                        || l.starts_with([' ', '\t', '#'])
                        || l.starts_with("- ")
                })
                .map(str::len)
                .sum::<usize>();
            let block = &text[body_start..body_start + block_len];
            let read = recover_entries(block, body_start)?;
            let what = match &read {
                Some(r) if r.entries.is_empty() => "; it holds no metadata, and the Markdown after it is still checked".to_string(),
                Some(_) => "; the entries up to the first line that is no YAML are read as its metadata, and the Markdown after it is still checked".to_string(),
                None => "; the Markdown after it is still checked".to_string(),
            };
            notices.push(Notice {
                code: "front-matter-unclosed",
                message: format!("{}{what}", e.message),
                offset: e.offset,
            });
            if let Some(r) = read {
                r.apply(value, spans, deferred, unread, e.offset);
            }
            return Ok(body_start);
        }
        Err(e) => return Err(e),
    };
    let open_end = text[fm.open..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| fm.open + i);
    if let Some((at, line)) = fm.wrong_delimiter {
        let which = if at == fm.open { "opened" } else { "closed" };
        notices.push(Notice {
            code: "front-matter-delimiter",
            message: format!(
                "front matter {which} with `{line}` instead of `---`: Hugging Face and other tools read no metadata from it (aimslint reads it as if it were right); write the line as exactly `---`"
            ),
            offset: at,
        });
    }
    if fm.not_first {
        notices.push(Notice {
            code: "front-matter-not-first",
            message: "blank lines precede the front matter: Hugging Face reads such a card as having no metadata; make `---` the first line".into(),
            offset: fm.open,
        });
    }
    let meta = match front_matter_value(fm.yaml, fm.yaml_start) {
        Ok(meta) => meta,
        Err(e) if e.kind == ParseErrorKind::Syntax => {
            let what = e
                .message
                .strip_prefix("invalid YAML: ")
                .unwrap_or(&e.message);
            // Markdown between two thematic breaks is body text, not metadata.
            if !yaml_like(fm.yaml) {
                notices.push(Notice {
                    code: "front-matter-syntax",
                    message: format!(
                        "front matter is not valid YAML: {what}; its metadata cannot be read (the Markdown after it is still checked)"
                    ),
                    offset: e.offset,
                });
                return Ok(fm.yaml_start);
            }
            let read = recover_entries(fm.yaml, fm.yaml_start)?;
            let what = match &read {
                Some(r) => format!(
                    "front matter is not valid YAML: {what}; {} cannot be read and rules that read {} were not judged (its other entries and the Markdown after it are still checked)",
                    plural_keys(&r.failed),
                    if r.failed.len() == 1 { "it" } else { "them" }
                ),
                None => format!(
                    "front matter is not valid YAML: {what}; its metadata cannot be read (the Markdown after it is still checked)"
                ),
            };
            notices.push(Notice {
                code: "front-matter-syntax",
                message: what,
                offset: e.offset,
            });
            if let Some(r) = read {
                r.apply(value, spans, deferred, unread, fm.open);
            }
            return Ok(fm.body_start);
        }
        Err(e) => return Err(e),
    };
    deferred.push(crate::Deferred::Yaml {
        start: fm.yaml_start,
        end: fm.yaml_start + fm.yaml.len(),
        prefix: "/meta",
    });
    spans.insert("/meta".into(), fm.open, open_end);
    let meta = match meta {
        Value::Null => Value::Object(Map::new()),
        Value::Object(m) => Value::Object(m),
        other => {
            notices.push(Notice {
                code: "front-matter-not-mapping",
                message: format!(
                    "front matter is a {}, not a mapping of keys to values; its metadata cannot be read",
                    type_name(&other)
                ),
                offset: fm.open,
            });
            other
        }
    };
    value.insert("meta".into(), meta);
    Ok(fm.body_start)
}

/// The top-level entries of a front matter that does not parse as a whole, each read on its own.
struct Recovered {
    entries: Map<String, Value>,
    /// Where each entry that parsed was written (start, end), for its spans.
    regions: Vec<(usize, usize)>,
    /// The keys of the entries that did not parse, and every key written inside them.
    unread: BTreeSet<String>,
    /// The keys of the entries that did not parse, for the message.
    failed: BTreeSet<String>,
}

impl Recovered {
    fn apply(
        self,
        value: &mut Map<String, Value>,
        spans: &mut Spans,
        deferred: &mut Vec<crate::Deferred>,
        unread: &mut Option<BTreeSet<String>>,
        open: usize,
    ) {
        for (start, end) in self.regions {
            deferred.push(crate::Deferred::Yaml {
                start,
                end,
                prefix: "/meta",
            });
        }
        spans.insert("/meta".into(), open, open);
        value.insert("meta".into(), Value::Object(self.entries));
        *unread = Some(self.unread);
    }
}

/// Read a front matter entry by entry: a broken entry (a mis-indented line, an unclosed quote)
/// hides only its own key, not the licence written three lines further on. `None` when the block
/// is no list of top-level `key:` entries (text before the first key that is neither blank nor a
/// comment); a budget error fails the file as a whole parse would.
fn recover_entries(yaml: &str, start: usize) -> Result<Option<Recovered>, ParseError> {
    let mut chunks: Vec<(usize, usize, &str)> = Vec::new();
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        if let Some(key) = top_level_key(line) {
            if let Some(last) = chunks.last_mut() {
                last.1 = at;
            }
            chunks.push((at, yaml.len(), key));
        } else if chunks.is_empty() && !(line.trim().is_empty() || line.trim().starts_with('#')) {
            return Ok(None);
        }
        at += line.len();
    }
    let mut out = Recovered {
        entries: Map::new(),
        regions: Vec::new(),
        unread: BTreeSet::new(),
        failed: BTreeSet::new(),
    };
    for (from, to, key) in chunks {
        let text = &yaml[from..to];
        let parsed = match crate::yaml::parse_value(text, start + from) {
            Ok(Value::Object(m)) if m.len() == 1 && m.contains_key(key) => Some(m),
            Ok(_) => None,
            Err(e) if e.kind == ParseErrorKind::Syntax => None,
            Err(e) => return Err(e),
        };
        match parsed {
            Some(m) if !out.entries.contains_key(key) && !out.unread.contains(key) => {
                out.entries.extend(m);
                out.regions.push((start + from, start + to));
            }
            _ => {
                // A key written twice is unread too: which value a reader takes is not ours to say.
                out.entries.remove(key);
                out.unread.insert(key.to_string());
                out.failed.insert(key.to_string());
                for l in text.lines() {
                    let l = l.trim_start();
                    if let Some(k) = top_level_key(l.strip_prefix("- ").unwrap_or(l)) {
                        out.unread.insert(k.to_string());
                    }
                }
            }
        }
    }
    Ok(Some(out))
}

/// `` `a` `` or `` the entries `a`, `b` and `c` `` for a message.
fn plural_keys(keys: &BTreeSet<String>) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [] => "no entry".to_string(),
        [one] => format!("the entry {one}"),
        [rest @ .., last] => format!("the entries {} and {last}", rest.join(", ")),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "list",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        _ => "value",
    }
}

/// `Bias, Risks, and Limitations` → `bias-risks-and-limitations`.
pub fn slug(title: &str) -> String {
    // Most titles are ASCII, where lower-casing is a byte's.
    if title.is_ascii() {
        let mut s = String::with_capacity(title.len());
        let mut dash = false;
        for b in title.bytes() {
            if b.is_ascii_alphanumeric() {
                s.push(char::from(b.to_ascii_lowercase()));
                dash = false;
            } else if !dash && !s.is_empty() {
                s.push('-');
                dash = true;
            }
        }
        while s.ends_with('-') {
            s.pop();
        }
        return s;
    }
    slug_chars(title)
}

/// `slug`, a character at a time.
fn slug_chars(title: &str) -> String {
    let mut s = String::with_capacity(title.len());
    let mut dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
            dash = false;
        } else if !dash && !s.is_empty() {
            s.push('-');
            dash = true;
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    s
}

struct Heading {
    title: String,
    level: usize,
    start: usize,
    end: usize,
}

/// Where sections and labels were, as `sections` records them (collection, key, title start and
/// end, text start and end): made into spans only when a finding needs a line.
pub(crate) type Places = Vec<(&'static str, String, usize, usize, usize, usize)>;

pub(crate) fn section_spans(places: &Places) -> Spans {
    let mut spans = Spans::default();
    let sections = spans.child(ROOT, "sections");
    let labels = spans.child(ROOT, "labels");
    for (collection, key, start, end, text_start, text_end) in places {
        let parent = if *collection == "labels" {
            labels
        } else {
            sections
        };
        let section = spans.child(parent, key);
        let title = spans.child(section, "title");
        spans.set(title, *start, *end);
        let text = spans.child(section, "text");
        spans.set(text, *text_start, *text_end);
        spans.set(section, *start, *end);
    }
    spans
}

/// `section_spans(places).locate_depth(pointer)`, without building the table: the place of a
/// section or label, its title or its text, with the depth of the pointer it is the place of.
pub(crate) fn locate_in(places: &Places, pointer: &str) -> Option<(usize, (usize, usize))> {
    let mut tokens = pointer.strip_prefix('/')?.split('/');
    let collection = tokens.next()?;
    let key = crate::pointer::unescape_token(tokens.next()?);
    let (_, _, start, end, text_start, text_end) = places
        .iter()
        .find(|(c, k, ..)| *c == collection && *k == key)?;
    Some(match tokens.next() {
        Some("title") => (3, (*start, *end)),
        Some("text") => (3, (*text_start, *text_end)),
        _ => (2, (*start, *end)),
    })
}

/// A key for `title` not yet in `map`, and `value` put there under it: its slug, or the slug with
/// the first free `-N`. The key is returned for the place.
fn insert_unique(
    map: &mut Map<String, Value>,
    next: &mut HashMap<String, usize>,
    title: &str,
    value: impl FnOnce() -> Value,
) -> String {
    let base_slug = slug(title);
    let base_slug = if base_slug.is_empty() {
        "section".to_string()
    } else {
        base_slug
    };
    let base_slug = match map.entry(base_slug) {
        serde_json::map::Entry::Vacant(v) => {
            let key = v.key().clone();
            v.insert(value());
            return key;
        }
        serde_json::map::Entry::Occupied(o) => o.key().clone(),
    };
    // The next number to try after each slug that was taken: `-1`, `-2`, … are tried once per
    // slug, not once per heading, so a thousand equal headings cost a thousand steps, not a
    // million. Every key below that number is taken (keys are never removed), so the first free
    // one is the same as counting up from 1.
    let n = next.entry(base_slug.clone()).or_insert(1);
    loop {
        let key = format!("{base_slug}-{n}");
        *n += 1;
        if !map.contains_key(&key) {
            map.insert(key.clone(), value());
            break key;
        }
    }
}

fn section_value(title: String, level: usize, text: &str) -> Value {
    let mut sec = Map::new();
    sec.insert("title".into(), Value::String(title));
    sec.insert("level".into(), Value::from(level));
    sec.insert("text".into(), Value::String(text.to_string()));
    Value::Object(sec)
}

/// The sections under headings, and the labels: a paragraph or list item that opens with a bold
/// label (`**Out-of-scope:** Use in…`, `- **License:** MIT`) or a definition line
/// (`License: MIT`), which real cards use as often as headings. Code blocks hold neither.
/// What one pass over a Markdown body finds: its sections, its labels, where both are, and each
/// heading's title and own prose outside code (what recognising a card reads: `sniff::Outline`).
type SectionsPass = (
    Map<String, Value>,
    Map<String, Value>,
    Places,
    Vec<std::sync::Arc<crate::sniff::Heading>>,
);

/// The sections and labels of a Markdown body, and (from the same pass) each heading's own prose
/// outside code. The body is read a run at a time (`runs`): a run a version already had is not
/// read again.
///
/// Also the runs it was read in (where each starts, and its key), none when it was read whole.
fn sections(body: &str, base: usize) -> (SectionsPass, Vec<(usize, crate::memo::TextKey)>) {
    let mut runs = Vec::new();
    let pass = sections_in_runs_keyed(body, base, crate::runs::MIN_RUN, &mut runs);
    (pass, runs)
}

#[cfg(test)]
fn sections_in_runs(body: &str, base: usize, min_run: usize) -> SectionsPass {
    sections_in_runs_keyed(body, base, min_run, &mut Vec::new())
}

/// `sections`, the body cut into runs of at least `min_run` bytes; each run's start in the body
/// and key go to `keys`.
fn sections_in_runs_keyed(
    body: &str,
    base: usize,
    min_run: usize,
    keys: &mut Vec<(usize, crate::memo::TextKey)>,
) -> SectionsPass {
    // (level, start, end) per heading.
    let mut headings: Vec<(usize, usize, usize)> = Vec::new();
    // Each run and where it starts: their titles and labels are read from them, not copied.
    let mut runs: Vec<(usize, std::sync::Arc<crate::runs::Run>)> = Vec::new();
    let cuts = crate::runs::cuts(body, min_run);
    let starts = std::iter::once(0).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(body.len()));
    for (start, end) in starts.zip(ends) {
        let text = &body[start..end];
        // A body read whole is not remembered: nothing else is likely to have all of it.
        let run = if cuts.is_empty() {
            std::sync::Arc::new(read_run(text))
        } else {
            let (key, run) = crate::runs::run_of(text, read_run);
            keys.push((start, key));
            run
        };
        // Prose before a later run's first heading would be its last heading's (never so: a run
        // after a cut starts at a heading); then the body is read whole.
        if run.lead && !headings.is_empty() {
            keys.clear();
            return sections_in_runs_keyed(body, base, usize::MAX, keys);
        }
        headings.extend(
            run.headings
                .iter()
                .map(|(level, s, e)| (*level, start + s, start + e)),
        );
        runs.push((start, run));
    }
    let titles: Vec<&str> = runs
        .iter()
        .flat_map(|(_, r)| r.outline.iter().map(|(t, _)| t.as_str()))
        .collect();
    let found: Vec<Label<'_>> = runs
        .iter()
        .flat_map(|(start, r)| {
            r.labels
                .iter()
                .map(move |(a, e, rest, t)| (start + a, start + e, start + rest, t.as_str()))
        })
        .collect();
    let facts = runs
        .iter()
        .flat_map(|(_, r)| r.outline.iter().map(|(_, h)| h.clone()))
        .collect();
    combine(body, base, &headings, &found, &titles, facts)
}

/// A label: where its block starts, where the label ends, where its text starts, and the label.
type Label<'a> = (usize, usize, usize, &'a str);

/// One run of a body read on its own: its headings, labels and prose (see `runs::Run`).
pub(crate) fn read_run(body: &str) -> crate::runs::Run {
    let mut run = crate::runs::Run::default();
    let mut current: Option<Heading> = None;
    // (title, prose) per heading: the prose is its own text up to the next heading, code left out.
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut lead = String::new();
    // Where paragraphs and list items start (outside headings and code), in order.
    let mut blocks: Vec<usize> = Vec::new();
    let mut in_code = 0usize;
    let parser = Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Heading {
                    title: String::new(),
                    level: heading_level(level),
                    start: range.start,
                    end: range.end,
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = current.take() {
                    run.headings.push((h.level, h.start, h.end));
                    parts.push((h.title, String::new()));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.title.push_str(&t);
                } else if in_code == 0 {
                    match parts.last_mut() {
                        Some((_, prose)) => prose.push_str(&t),
                        None => lead.push_str(&t),
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item)
                if current.is_none() =>
            {
                match parts.last_mut() {
                    Some((_, prose)) => prose.push('\n'),
                    None => lead.push('\n'),
                }
            }
            // A loose list item's paragraph starts on the item's own line: one block, not two.
            Event::Start(Tag::Paragraph | Tag::Item)
                if current.is_none()
                    && blocks.last().is_none_or(|&prev| {
                        body.get(prev..range.start).is_none_or(|s| s.contains('\n'))
                    }) =>
            {
                blocks.push(range.start);
            }
            _ => {}
        }
    }
    run.labels = blocks
        .iter()
        .filter_map(|&at| label_at(body, at).map(|(end, rest, t)| (at, end, rest, t)))
        .collect();
    run.outline = parts
        .into_iter()
        .map(|(title, prose)| {
            let facts = std::sync::Arc::new(crate::sniff::Heading::of(&title, &prose));
            (title, facts)
        })
        .collect();
    run.lead = !lead.is_empty();
    run
}

/// The sections and labels of a body from its headings ((level, start, end), their `titles`, and
/// what recognising a card reads of each, `facts`) and labels.
fn combine(
    body: &str,
    base: usize,
    headings: &[(usize, usize, usize)],
    found: &[Label<'_>],
    titles: &[&str],
    facts: Vec<std::sync::Arc<crate::sniff::Heading>>,
) -> SectionsPass {
    let mut map = Map::new();
    let mut places = Vec::with_capacity(headings.len());
    let mut next: HashMap<String, usize> = HashMap::new();
    for (i, &(level, start, end)) in headings.iter().enumerate() {
        let text_end = headings[i + 1..]
            .iter()
            .find(|n| n.0 <= level)
            .map_or(body.len(), |n| n.1);
        let text = body[end.min(text_end)..text_end].trim();
        let title = titles[i].trim();
        let key = insert_unique(&mut map, &mut next, title, || {
            section_value(title.to_string(), level, text)
        });
        places.push((
            "sections",
            key,
            base + start,
            base + end,
            base + end.min(text_end),
            base + text_end,
        ));
    }
    // Labels: each runs to the next label or heading.
    let mut labels = Map::new();
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut h = 0;
    for (i, (start, end, rest, title)) in found.iter().enumerate() {
        while h < headings.len() && headings[h].1 <= *start {
            h += 1;
        }
        let stop = found
            .get(i + 1)
            .map_or(body.len(), |n| n.0)
            .min(headings.get(h).map_or(body.len(), |n| n.1));
        let text = body[(*rest).min(stop)..stop].trim();
        let key = insert_unique(&mut labels, &mut next, title, || {
            section_value((*title).to_string(), 0, text)
        });
        places.push((
            "labels",
            key,
            base + start,
            base + end,
            base + (*rest).min(stop),
            base + stop,
        ));
    }
    (map, labels, places, facts)
}

/// The label a block opens with, if any: (end of the label, where its text starts, the label).
fn label_at(body: &str, at: usize) -> Option<(usize, usize, String)> {
    let line_end = body[at..].find('\n').map_or(body.len(), |i| at + i);
    let line = &body[at..line_end];
    // A list item's marker (`- `, `* `, `+ `, `1. `, `1) `), when the block is the item.
    let indented = line.trim_start_matches([' ', '\t']);
    let after_marker = indented
        .strip_prefix(['-', '*', '+'])
        .or_else(|| {
            let digits = indented.trim_start_matches(|c: char| c.is_ascii_digit());
            (digits.len() < indented.len())
                .then(|| digits.strip_prefix(['.', ')']))
                .flatten()
        })
        .filter(|r| r.starts_with([' ', '\t']));
    let marker = line.len()
        - after_marker
            .unwrap_or(indented)
            .trim_start_matches([' ', '\t'])
            .len();
    let from = at + marker;
    let l = &body[from..line_end];
    for strong in ["**", "__"] {
        if let Some(inner) = l.strip_prefix(strong)
            && let Some(close) = inner.find(strong)
        {
            let label = inner[..close].trim().trim_end_matches(':').trim();
            // A datasheet's questions run long ("Will the dataset be distributed under a
            // copyright or other intellectual property (IP) license, and/or under applicable
            // terms of use (ToU)?"); a name is short.
            let longest = if label.ends_with('?') { 400 } else { 120 };
            if label.is_empty() || label.len() > longest {
                return None;
            }
            // A sentence set in bold ("***Please cite our paper in any work that uses it.***") is
            // emphasis, not the name of what follows. A question is a label: a datasheet's
            // questions head their answers.
            let plain = label.trim_matches(['*', '_']).trim();
            if plain.ends_with(['.', '!']) && plain.split_whitespace().count() > 4 {
                return None;
            }
            let end = from + strong.len() * 2 + close;
            let rest = body[end..line_end]
                .trim_start_matches([' ', '\t'])
                .trim_start_matches(':');
            return Some((end, line_end - rest.len(), label.to_string()));
        }
    }
    // `License: MIT`: a short name (at most six words, starting with a letter), a colon, a value.
    let colon = l.find(':')?;
    let label = &l[..colon];
    let value = &l[colon + 1..];
    let short = label.split_whitespace().count() <= 6 && label.len() <= 60;
    if !short
        || !label.starts_with(|c: char| c.is_alphabetic())
        || !label
            .chars()
            .all(|c| c.is_alphanumeric() || " ()/&,'’-".contains(c))
        || !value.starts_with([' ', '\t'])
        || value.trim().is_empty()
    {
        return None;
    }
    let end = from + colon;
    Some((end, end + 1, label.trim().to_string()))
}

fn heading_level(l: HeadingLevel) -> usize {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A front matter met again (remembered) reads as it did the first time, and one that does not
    /// parse is said to be wrong at its own file's line each time.
    #[test]
    fn a_front_matter_met_again_reads_as_it_did() {
        let tags: String = (0..40).map(|i| format!("- tag{i}\n")).collect();
        let fm = format!("---\nlicense: mit\ntags:\n{tags}---\n");
        let a = parse(&format!("{fm}# A\ntext\n")).unwrap();
        let b = parse(&format!("{fm}# B\nother\n")).unwrap();
        assert_eq!(a.value["meta"], b.value["meta"]);
        assert_eq!(a.value["meta"]["tags"][39], "tag39");
        let bad = format!(
            "---\nlicense: mit\ntags: [a\n{}---\n# A\n",
            "x: 1\n".repeat(60)
        );
        let offsets: Vec<Vec<usize>> = [bad.clone(), format!("\n\n{bad}"), bad]
            .iter()
            .map(|t| parse(t).unwrap().notices.iter().map(|n| n.offset).collect())
            .collect();
        assert!(!offsets[0].is_empty());
        assert_eq!(offsets[0], offsets[2]);
        assert_ne!(offsets[0], offsets[1]);
    }

    /// A body read in runs is keyed by its runs' keys: the same body has the same key, a change to
    /// any run changes it, and a body read whole is keyed by its text.
    #[test]
    fn a_body_read_in_runs_is_keyed_by_its_runs() {
        let card = |usage: &str| {
            format!(
                "---\nlicense: mit\n---\n# Card\n\nIntro.\n\n## Uses\n\n{usage}\n\n## Limits\n\nFew.\n"
            )
        };
        let key = |text: &str| parse(text).unwrap().body_key();
        let a = key(&card("Routing tickets."));
        assert!(a.is_some());
        assert_eq!(a, key(&card("Routing tickets.")));
        assert_ne!(a, key(&card("Routing letters.")));
        assert_ne!(a, key(&card("Routing tickets.").replace("Few.", "Many.")));
        // Prose before the first heading and no heading after it: read whole, keyed by its text.
        assert_eq!(key("Just prose.\n"), None);
    }
    use crate::LineIndex;

    fn line(text: &str, p: &Parsed, ptr: &str) -> usize {
        LineIndex::new(text)
            .line_col(text, p.spans(text).locate(ptr).unwrap().0)
            .0
    }

    #[test]
    fn card_with_front_matter_and_sections() {
        let text = "---\nlicense: mit\ndatasets:\n  - credit\n---\n# Card\n\n## Uses\n\n### Direct Use\nScoring.\n\n## Bias, Risks, and Limitations\nThin files.\n";
        let p = parse(text).unwrap();
        assert_eq!(p.value["meta"]["license"], "mit");
        assert_eq!(line(text, &p, "/meta/datasets/0"), 4);
        assert_eq!(line(text, &p, "/meta/missing"), 2);
        assert_eq!(
            p.value["sections"]["uses"]["text"],
            "### Direct Use\nScoring."
        );
        assert_eq!(line(text, &p, "/sections/bias-risks-and-limitations"), 13);
        assert!(p.notices.is_empty());
    }

    #[test]
    fn crlf_bom_and_leading_blank_line() {
        let text = "\u{feff}\r\n---\r\nlicense: mit\r\n---\r\n## Uses\r\nText here.\r\n";
        let p = parse(text).unwrap();
        assert_eq!(p.value["meta"]["license"], "mit");
        assert_eq!(p.notices[0].code, "front-matter-not-first");
        assert_eq!(line(text, &p, "/meta/license"), 3);
        assert_eq!(p.value["sections"]["uses"]["text"], "Text here.");
    }

    #[test]
    fn empty_and_list_front_matter() {
        let p = parse("---\n---\n# T\n").unwrap();
        assert_eq!(p.value["meta"], serde_json::json!({}));
        let p = parse("---\n- a\n- b\n---\nbody\n").unwrap();
        assert_eq!(p.notices[0].code, "front-matter-not-mapping");
        let p = parse("# Only a body\n").unwrap();
        assert!(p.value.get("meta").is_none());
    }

    fn notice_line(text: &str, p: &Parsed, code: &str) -> Option<usize> {
        let n = p.notices.iter().find(|n| n.code == code)?;
        Some(LineIndex::new(text).line_col(text, n.offset).0)
    }

    /// A front matter never closed is a notice at its opening line; the rest is still Markdown.
    #[test]
    fn unclosed_front_matter_still_reads_the_body() {
        let text = "---\nlicense: mit\n# T\n## Uses\nScoring.\n";
        let p = parse(text).unwrap();
        assert_eq!(notice_line(text, &p, "front-matter-unclosed"), Some(1));
        // Its metadata is the YAML entries up to the first line that is none (`# T` is a comment
        // to YAML): `license`, read at its line.
        assert_eq!(p.value["meta"], serde_json::json!({"license": "mit"}));
        assert_eq!(line(text, &p, "/meta/license"), 2);
        assert_eq!(p.unread_meta, Some(BTreeSet::new()));
        assert_eq!(p.value["sections"]["uses"]["text"], "Scoring.");
        assert_eq!(line(text, &p, "/sections/uses"), 4);
        // A `---` that opens no entries at all (a card that starts with a thematic break): no
        // metadata, none hidden either.
        let text = "---\n# MODEL CARD\n\nThis model detects anemia.\n## Uses\nScoring.\n";
        let p = parse(text).unwrap();
        assert_eq!(p.value["meta"], serde_json::json!({}));
        assert!(
            p.notices[0].message.contains("holds no metadata"),
            "{}",
            p.notices[0].message
        );
    }

    /// A broken entry hides its own key only: the others are read, at their lines, and the
    /// notice names what could not be read.
    #[test]
    fn a_broken_front_matter_entry_hides_only_its_own_keys() {
        let text = "---\nannotations_creators:\n  auto:\n  - machine\n   manual:\n  - crowd\nlicenses:\n- cc-by-sa-3.0\nlicense: mit\n---\n# Card\n";
        let p = parse(text).unwrap();
        assert_eq!(notice_line(text, &p, "front-matter-syntax"), Some(5));
        assert!(
            p.notices[0]
                .message
                .contains("the entry `annotations_creators` cannot be read"),
            "{}",
            p.notices[0].message
        );
        assert_eq!(
            p.value["meta"],
            serde_json::json!({"licenses": ["cc-by-sa-3.0"], "license": "mit"})
        );
        assert_eq!(line(text, &p, "/meta/licenses"), 7);
        assert_eq!(line(text, &p, "/meta/license"), 9);
        let unread: Vec<&str> = p
            .unread_meta
            .as_ref()
            .unwrap()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(unread, ["annotations_creators", "auto", "manual"]);
        // A key written twice is read as neither.
        let p = parse("---\nlicense: mit\ntags: [a\nlicense: apache-2.0\n---\n").unwrap();
        assert_eq!(p.value["meta"], serde_json::json!({}));
        let unread: Vec<&str> = p
            .unread_meta
            .as_ref()
            .unwrap()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(unread, ["license", "tags"]);
    }

    /// Broken YAML in the front matter is a notice at the unclosed `[` (line 3), not where the
    /// parser gave up (the `:` on line 4); the sections after it are read.
    #[test]
    fn yaml_error_in_front_matter_is_placed_at_its_cause_and_the_body_is_read() {
        let text =
            "---\nlicense: mit\ntags: [a, b\npipeline_tag: x\n---\n# Card\n## Uses\nScoring.\n";
        let p = parse(text).unwrap();
        let n = &p.notices[0];
        assert_eq!(n.code, "front-matter-syntax");
        assert_eq!(&text[n.offset..n.offset + 1], "[");
        assert_eq!(notice_line(text, &p, "front-matter-syntax"), Some(3));
        assert!(n.message.contains("never closed"), "{}", n.message);
        assert_eq!(
            p.value["meta"],
            serde_json::json!({"license": "mit", "pipeline_tag": "x"})
        );
        assert_eq!(p.value["sections"]["uses"]["text"], "Scoring.");
        assert_eq!(line(text, &p, "/sections/uses"), 7);
    }

    /// `---` lines around Markdown (not YAML): the block is body text, still reported.
    #[test]
    fn markdown_between_thematic_breaks_is_body() {
        let text = "---\n## Basic Info\n- **Card:** [x](y)\n---\n## Uses\nText.\n";
        let p = parse(text).unwrap();
        assert_eq!(p.notices[0].code, "front-matter-syntax");
        let sections = p.value["sections"].as_object().unwrap();
        assert!(sections.contains_key("basic-info"), "{sections:?}");
        assert!(sections.contains_key("uses"));
    }

    /// `--` or `----` around YAML: read as front matter, with a notice at the wrong line.
    #[test]
    fn wrong_delimiters_are_read_and_noticed() {
        for (text, at) in [
            ("--\nlicense: mit\ntags:\n- a\n--\n# T\n", 1),
            ("----\nlicense: mit\n----\n# T\n", 1),
            ("\n--\nlicense: mit\n---\n# T\n", 2),
            ("---\nlicense: mit\n--\n# T\n", 3),
            ("---\nlicense: mit\n--\n# T\n\n---\n\nMore.\n", 3),
        ] {
            let p = parse(text).unwrap();
            assert_eq!(p.value["meta"]["license"], "mit", "{text:?}");
            assert_eq!(
                notice_line(text, &p, "front-matter-delimiter"),
                Some(at),
                "{text:?}"
            );
            assert!(p.value["sections"].get("t").is_some(), "{text:?}");
        }
        // Dashes around Markdown are thematic breaks: no front matter, nothing to say.
        for text in [
            "--\nSome text: here and there\n--\n",
            "----\n## Basic Info\n----\n",
            "----\n",
            "Title\n--\n",
        ] {
            let p = parse(text).unwrap();
            assert!(p.value.get("meta").is_none(), "{text:?}");
            assert!(p.notices.is_empty(), "{text:?}");
        }
    }

    fn keys(p: &Parsed) -> Vec<String> {
        let mut places: Vec<(usize, String)> = p.value["sections"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| {
                let text = p.value["body"].as_str().unwrap();
                (
                    p.spans(text).exact(&format!("/sections/{k}")).unwrap().0,
                    k.clone(),
                )
            })
            .collect();
        places.sort();
        places.into_iter().map(|(_, k)| k).collect()
    }

    /// Equal headings get `-1`, `-2`, … in order, skipping any key an earlier heading already has.
    #[test]
    fn equal_headings_are_numbered() {
        let p = parse("# A\n# A\n# A 1\n# A\n# A 3\n# A\n# A\n#\n#\n").unwrap();
        assert_eq!(
            keys(&p),
            [
                "a",
                "a-1",
                "a-1-1",
                "a-2",
                "a-3",
                "a-4",
                "a-5",
                "section",
                "section-1"
            ]
        );
        let p = parse("# A 2\n# A\n# A\n# A\n# A 2\n").unwrap();
        assert_eq!(keys(&p), ["a-2", "a", "a-1", "a-3", "a-2-1"]);
    }

    /// What `sections` makes of a body, reading it whole.
    fn sections_whole(body: &str) -> SectionsPass {
        let run = read_run(body);
        let found: Vec<Label<'_>> = run
            .labels
            .iter()
            .map(|(a, e, r, t)| (*a, *e, *r, t.as_str()))
            .collect();
        let titles: Vec<&str> = run.outline.iter().map(|(t, _)| t.as_str()).collect();
        let facts = run.outline.iter().map(|(_, h)| h.clone()).collect();
        combine(body, 7, &run.headings, &found, &titles, facts)
    }

    /// Reading a body in runs changes nothing: on every text the tests have (the packs, the
    /// example, the templates, the real-world corpus) and on the constructs a cut must respect.
    #[test]
    fn a_body_read_in_runs_reads_as_it_does_whole() {
        let mut texts: Vec<(String, String)> = crate::test_texts();
        for (i, t) in [
            "# A\n| a | b |\n|---|---|\n| 1 | 2 |\n# B\ntext\n",
            "# A\n- item\n  continued\n# B\n- **License:** MIT\n",
            "# A\n> quote\n# B\n    indented code\n# C\n",
            "Title\n=====\n# A\npara\n## B\n---\n### C\n",
            "intro before any heading\n# A\nx\n# A\ny\n## A\n",
            "# A\n```\n# in code\n```\n# B\n~~~~\n~~~\n# in code\n~~~~\n# C\n",
            "# A\r\n**Out-of-scope:** x\r\n# B\r\nLicense: MIT\r\n",
            "# A\n1. one\n\n   two\n# B\n",
            "# A\n```\nnever closed\n# B\n",
            "# A\nsee ```code```\n> ```\n# B\n- ```\n  # in code\n# C\n~~~\n```\n# in code\n~~~\n",
            "# A\n> <!--\n# B\n-->\n- <details>\n# C\n",
        ]
        .iter()
        .enumerate()
        {
            texts.push((format!("case {i}"), (*t).to_string()));
        }
        let (mut cut, mut markdown) = (0, 0);
        for (name, text) in &texts {
            let is_md = name.ends_with(".md") || name.starts_with("case");
            markdown += usize::from(is_md);
            let body = front_matter(text)
                .ok()
                .flatten()
                .map_or(text.as_str(), |f| &text[f.body_start..]);
            if is_md && !crate::runs::cuts(body, 0).is_empty() {
                cut += 1;
            }
            // Cut at every heading it may be: the most there is to get wrong.
            let (a, b) = (sections_in_runs(body, 7, 0), sections_whole(body));
            assert_eq!(a.0, b.0, "{name}: sections");
            assert_eq!(a.1, b.1, "{name}: labels");
            assert_eq!(a.2, b.2, "{name}: places");
            assert_eq!(a.3, b.3, "{name}: outline");
        }
        // The comparison is not empty: most Markdown texts are cut.
        assert!(cut * 2 > markdown, "{cut} of {markdown}");
    }

    /// Thirty thousand equal headings each get their own key (numbering them used to take a
    /// number of steps growing with the square of their count).
    #[test]
    fn thirty_thousand_equal_headings() {
        let text = "## Same\n".repeat(30_000);
        let p = parse(&text).unwrap();
        let sections = p.value["sections"].as_object().unwrap();
        assert_eq!(sections.len(), 30_000);
        assert!(sections.contains_key("same"));
        assert!(sections.contains_key("same-1"));
        assert!(sections.contains_key("same-29999"));
        assert!(!sections.contains_key("same-30000"));
        assert_eq!(line(&text, &p, "/sections/same-29999"), 30_000);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Bias, Risks, and Limitations"),
            "bias-risks-and-limitations"
        );
        assert_eq!(slug("Out-of-Scope Use"), "out-of-scope-use");
        // The byte-wise path for ASCII titles is the character-wise one.
        let ascii: String = (0u8..128).map(char::from).collect();
        for t in [ascii.as_str(), "A-b__C  d9-", "--x--", "", "Ünïcode Title"] {
            assert_eq!(slug(t), slug_chars(t), "{t:?}");
        }
        for (_, text) in crate::test_texts() {
            for line in text.lines().filter(|l| l.starts_with('#')) {
                assert_eq!(slug(line), slug_chars(line), "{line:?}");
            }
        }
        assert_eq!(
            slug("  Intended uses & limitations "),
            "intended-uses-limitations"
        );
    }
}

#[cfg(test)]
mod label_tests {
    use super::parse;

    fn labels(text: &str) -> Vec<(String, String)> {
        let p = parse(text).unwrap();
        let mut out: Vec<(String, String)> = p.value["labels"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| {
                (
                    v["title"].as_str().unwrap().to_string(),
                    v["text"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn bold_labels_list_labels_and_definition_lines() {
        let text = "# Card\n\n**Model developers** Meta\n\n**Out-of-scope:** Use in any manner that violates laws.\nMore of the same.\n\n- **License**: MIT\n- **Developed by:** Acme\n\nLicense: Apache 2.0\n\n## Uses\nA sentence that runs on for more than six words: not a label.\n";
        assert_eq!(
            labels(text),
            vec![
                ("Developed by".into(), "Acme".into()),
                ("License".into(), "Apache 2.0".into()),
                ("License".into(), "MIT".into()),
                ("Model developers".into(), "Meta".into()),
                (
                    "Out-of-scope".into(),
                    "Use in any manner that violates laws.\nMore of the same.".into()
                ),
            ]
        );
    }

    /// The datasheet's questions head their answers, however long the question.
    #[test]
    fn a_long_question_is_a_label() {
        let q = "Will the dataset be distributed under a copyright or other intellectual property \
                 (IP) license, and/or under applicable terms of use (ToU)?";
        let text = format!(
            "# Datasheet\n\n4. **{q}** If so, please describe this license.\n\n    All data is free to use under CC BY 4.0.\n"
        );
        assert_eq!(
            labels(&text),
            vec![(
                q.to_string(),
                "If so, please describe this license.\n\n    All data is free to use under CC BY 4.0."
                    .into()
            )]
        );
        // A statement that long is emphasis, not a name.
        let long = "A".repeat(130);
        assert!(labels(&format!("# T\n\n**{long}** text\n")).is_empty());
    }

    #[test]
    fn nothing_in_code_or_headings_or_urls_is_a_label() {
        let text = "# **Bold heading**\n\n```\n**License:** MIT\nLicense: MIT\n```\n\nSee https://example.com: a link.\n\n**\n\n***Please cite our paper in any published work that uses any of these resources.***\n\n~~~\n@article{a, title={B}}\n~~~\n";
        assert!(labels(text).is_empty(), "{:?}", labels(text));
    }

    #[test]
    fn labels_have_lines() {
        let text = "---\nlicense: mit\n---\n# Card\n\n**Out-of-scope** Not for credit decisions.\n";
        let p = parse(text).unwrap();
        let at = p.spans(text).locate("/labels/out-of-scope").unwrap().0;
        assert_eq!(&text[at..at + 2], "**");
    }
}
