//! YAML with a JSON Pointer → span table.
//!
//! Values come from a line reader for the plainest YAML (most evidence), else a one-pass reader over
//! granit-parser's events, else serde-saphyr (budgets on: alias bombs, deep nesting and event storms
//! are errors); the first two give up on anything they are not sure of, so the answer is always
//! serde-saphyr's.
//! Positions come from a second, cheap walk over granit-parser's event stream, which never expands
//! aliases, so the span table is linear in the text whatever the document does.

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser};

use crate::lines::LineIndex;
use crate::pointer::{ROOT, Spans};
use crate::{Format, ParseError, ParseErrorKind, Parsed};

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 500_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_documents = 1;
    budget.max_nodes = 250_000;
    let mut opts = serde_saphyr::Options::default();
    opts.budget = Some(budget);
    opts.alias_limits.max_total_replayed_events = 100_000;
    opts.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    opts.with_snippet = false;
    opts
}

/// Parse YAML text. `base` is added to every span (the text's offset inside its file).
pub(crate) fn parse(text: &str, base: usize) -> Result<Parsed, ParseError> {
    let value = parse_value(text, base)?;
    Ok(
        Parsed::new(Format::Yaml, value, Spans::default()).defer(crate::Deferred::Yaml {
            start: base,
            end: base + text.len(),
            prefix: "",
        }),
    )
}

pub(crate) fn parse_value(text: &str, base: usize) -> Result<Value, ParseError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    if let Some(v) = lines::value(text).or_else(|| fast::value(text)) {
        return Ok(v);
    }
    full_value(text, base)
}

/// serde-saphyr, with its budgets: for everything the fast reader leaves to it, and for every error.
pub(crate) fn full_value(text: &str, base: usize) -> Result<Value, ParseError> {
    match serde_saphyr::from_str_with_options::<Value>(text, options()) {
        Ok(v) => Ok(v),
        Err(err) => Err(to_parse_error(text, base, &err)),
    }
}

fn to_parse_error(text: &str, base: usize, err: &serde_saphyr::Error) -> ParseError {
    let rendered = err.to_string();
    let message = clean_message(&rendered);
    let lower = message.to_lowercase();
    let kind = if lower.contains("budget") || lower.contains("limit") || lower.contains("depth") {
        ParseErrorKind::Budget
    } else {
        ParseErrorKind::Syntax
    };
    let offset = err
        .location()
        .and_then(|loc| {
            let idx = LineIndex::new(text);
            let line = usize::try_from(loc.line()).ok()?;
            let col = usize::try_from(loc.column()).ok()?;
            let start = idx.line_start(line.max(1))?;
            let line_text = &text[start..];
            let byte_col: usize = line_text
                .chars()
                .take(col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            Some(start + byte_col)
        })
        .unwrap_or(0);
    // The parser says where it gave up, often the `:` of a later key; an unclosed `[` or `{` on
    // an earlier line is the cause, so the finding is placed there.
    if kind == ParseErrorKind::Syntax
        && let Some((at, open)) = unclosed_flow(text, offset)
    {
        let close = if open == '[' { ']' } else { '}' };
        return ParseError {
            kind,
            message: format!(
                "invalid YAML: this `{open}` is never closed (add its `{close}`; the parser gave up further on: {message})"
            ),
            offset: base + at,
        };
    }
    ParseError {
        kind,
        message: format!("invalid YAML: {message}"),
        offset: base + offset.min(text.len()),
    }
}

/// Where a flow collection still open at `upto` was opened, when that is on an earlier line than
/// `upto`: the `[` or `{` that no `]` or `}` closes. Only a value opens one (after `key:`, after
/// `- `, or at the start of a line); quoted text, comments and block scalars are skipped. A quote
/// left open gives up (the parser already places that at its start).
fn unclosed_flow(text: &str, upto: usize) -> Option<(usize, char)> {
    let upto = crate::floor_boundary(text, upto.min(text.len()));
    let line_start = text[..upto].rfind('\n').map_or(0, |i| i + 1);
    let mut open: Vec<(usize, char)> = Vec::new();
    // Inside a block scalar (`|`, `>`): the lines indented more than its key.
    let mut block: Option<usize> = None;
    let mut at = 0;
    for line in text[..line_start].split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\r', '\n']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        if let Some(b) = block {
            if body.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let from = if open.is_empty() {
            let v = value_start(body);
            match body[v..].chars().next() {
                Some('[' | '{') => v,
                Some('|' | '>') => {
                    block = Some(indent);
                    continue;
                }
                _ => continue,
            }
        } else {
            0
        };
        let bytes = body.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                q @ (b'"' | b'\'') => {
                    let mut j = i + 1;
                    loop {
                        match bytes.get(j) {
                            None => return None,
                            Some(b'\\') if q == b'"' => j += 2,
                            Some(&c) if c == q => {
                                if q == b'\'' && bytes.get(j + 1) == Some(&b'\'') {
                                    j += 2;
                                } else {
                                    break;
                                }
                            }
                            Some(_) => j += 1,
                        }
                    }
                    i = j;
                }
                b'#' if i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' => break,
                c @ (b'[' | b'{') => open.push((start + i, char::from(c))),
                b']' | b'}' => {
                    open.pop();
                    if open.is_empty() {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    open.first().copied()
}

/// Where the value of a YAML line starts: after its indentation, any `- ` markers and a `key:`.
fn value_start(line: &str) -> usize {
    let mut s = line.trim_start();
    while let Some(rest) = s.strip_prefix("- ") {
        s = rest.trim_start();
    }
    if !s.starts_with(['[', '{', '"', '\''])
        && let Some(colon) = s.find(": ").or_else(|| s.find(":\t"))
    {
        s = s[colon + 1..].trim_start();
    }
    line.len() - s.len()
}

/// serde-saphyr's messages end with " at line X column Y"; we place the error ourselves. Messages
/// that speak of the parser's own settings are said in the file's terms instead.
fn clean_message(s: &str) -> String {
    let first = s.lines().next().unwrap_or(s).trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    plain_words(cut.trim_end_matches(':'))
}

/// A parser message as a person editing the file needs it: no option, policy or type names of
/// the parser. Budget messages keep the word "limit" (they are AL002, not AL001).
fn plain_words(m: &str) -> String {
    // The number after `prefix`, up to the next non-digit.
    let number = |prefix: &str| -> Option<&str> {
        let i = m.find(prefix)? + prefix.len();
        let rest = &m[i..];
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    };
    if let Some(rest) = m.strip_prefix("duplicate mapping key") {
        let key = rest
            .strip_prefix(": ")
            .and_then(|k| k.split(", set ").next())
            .filter(|k| !k.is_empty());
        return match key {
            Some(k) => format!(
                "the key `{k}` appears twice in the same mapping (keep one: readers disagree on which counts)"
            ),
            None => "a key appears twice in the same mapping (keep one: readers disagree on which counts)"
                .into(),
        };
    }
    if let Some(breach) = m.strip_prefix("budget breached: ") {
        let n = |field: &str| number(&format!("{field}: ")).unwrap_or("too many");
        return match breach.split([' ', '{']).next().unwrap_or_default() {
            "Documents" => "more than one YAML document (a second `---` line starts another; evidence is one document: the limit is 1)".into(),
            "Depth" => "nesting deeper than the limit of 64 levels".into(),
            "Aliases" => format!("{} aliases (`*name`): more than the limit of 1000", n("aliases")),
            "Anchors" => format!("{} anchors (`&name`): more than the limit of 1000", n("anchors")),
            "Events" => "more YAML than the limit of 500000 parser events: the file is far larger or more complex than evidence needs".into(),
            "Nodes" => "more than the limit of 250000 values".into(),
            _ => "the file exceeds a reading limit (nesting, aliases, anchors or size)".into(),
        };
    }
    if m.starts_with("alias replay limit exceeded")
        || m.starts_with("alias expansion limit exceeded")
    {
        return "aliases (`*name`) expand to more values than the limit of 100000: an \"alias bomb\"; write the values out instead".into();
    }
    if m.starts_with("alias replay stack depth exceeded") {
        return "aliases (`*name`) nested in each other deeper than the limit".into();
    }
    if m.starts_with("multiple YAML documents detected") {
        return "more than one YAML document (a second `---` line starts another; evidence is one document)".into();
    }
    if let Some(rest) = m.strip_prefix("non-finite float ") {
        let v = rest.split(" rejected").next().unwrap_or(rest);
        return format!("{v} is not a finite number: write a number, or quote it if it is text");
    }
    if m.starts_with("YAML merge keys are not allowed") {
        return "merge keys (`<<:`) are not supported: write the keys out".into();
    }
    if m.contains("by configured policy") || m.contains("by the configured policy") {
        return m
            .replace(" by configured policy", "")
            .replace(" by the configured policy", "")
            .replace("is not allowed", "is not supported")
            .replace("rejected", "not supported");
    }
    if m.contains("; use ") || m.starts_with("internal ") || m.contains("cannot deserialize") {
        return "a value this reader cannot take (a null, tag or binary value where text was expected)"
            .into();
    }
    if m == "expected string scalar" {
        return "a key must be plain text (complex keys such as `? [a, b]` are not supported)"
            .into();
    }
    if let Some(c) = m.strip_prefix("unexpected character: `") {
        let c = c.strip_suffix('\'').unwrap_or(c);
        return format!("unexpected character '{c}' (quote the value if it is text)");
    }
    if m == "alias references unknown anchor" {
        return "an alias (`*name`) names no anchor (`&name`) defined before it".into();
    }
    if m.ends_with("found a tab") {
        return format!("{m}: YAML indents with spaces, never tabs");
    }
    m.to_string()
}

#[path = "yaml_lines.rs"]
mod lines;

/// A one-pass reader for the plain YAML evidence files are made of: mappings, sequences and
/// scalars, without anchors, aliases, tags, merge keys, complex keys or several documents. It builds
/// the value straight from the parser's events; whenever it meets anything else — or anything whose
/// type it is not sure of — it gives up and serde-saphyr reads the text, so its answer is always
/// serde-saphyr's. A test checks the two agree on every YAML file the project and its corpus hold.
mod fast {
    use serde_json::{Map, Number, Value};
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

    enum Frame {
        Map(Map<String, Value>, Option<String>),
        Seq(Vec<Value>),
    }

    const MAX_DEPTH: usize = 64;

    pub(crate) fn value(text: &str) -> Option<Value> {
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Value> = None;
        let mut documents = 0;
        while let Some(next) = parser.next_event() {
            let (event, _) = next.ok()?;
            let node = match event {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return None;
                    }
                    continue;
                }
                Event::MappingStart(_, anchor, tag) | Event::SequenceStart(_, anchor, tag)
                    if anchor != 0 || tag.is_some() =>
                {
                    return None;
                }
                Event::MappingStart(..) | Event::SequenceStart(..)
                    if stack.len() >= MAX_DEPTH
                        || matches!(stack.last(), Some(Frame::Map(_, None))) =>
                {
                    // Too deep, or a collection used as a key.
                    return None;
                }
                Event::MappingStart(..) => {
                    stack.push(Frame::Map(Map::new(), None));
                    continue;
                }
                Event::SequenceStart(..) => {
                    stack.push(Frame::Seq(Vec::new()));
                    continue;
                }
                Event::MappingEnd => match stack.pop()? {
                    Frame::Map(m, None) => Value::Object(m),
                    _ => return None,
                },
                Event::SequenceEnd => match stack.pop()? {
                    Frame::Seq(v) => Value::Array(v),
                    Frame::Map(..) => return None,
                },
                Event::Scalar(s, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    if let Some(Frame::Map(_, key @ None)) = stack.last_mut() {
                        if style == ScalarStyle::Plain && !matches!(plain(&s)?, Value::String(_)) {
                            return None;
                        }
                        if s.as_ref() == "<<" {
                            return None;
                        }
                        *key = Some(s.into_owned());
                        continue;
                    }
                    if style == ScalarStyle::Plain {
                        plain(&s)?
                    } else {
                        Value::String(s.into_owned())
                    }
                }
                Event::Alias(_) => return None,
                _ => continue,
            };
            match stack.last_mut() {
                None => {
                    if root.replace(node).is_some() {
                        return None;
                    }
                }
                Some(Frame::Seq(v)) => v.push(node),
                Some(Frame::Map(m, key)) => {
                    let k = key.take()?;
                    if m.insert(k, node).is_some() {
                        // A duplicate key: serde-saphyr says where.
                        return None;
                    }
                }
            }
        }
        if !stack.is_empty() {
            return None;
        }
        Some(root.unwrap_or(Value::Null))
    }

    /// The type of a plain scalar, where it is certain; `None` leaves the call to serde-saphyr.
    pub(super) fn plain(s: &str) -> Option<Value> {
        match s {
            "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
            "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
            _ => {}
        }
        if s.len() <= 8
            && ["y", "n", "yes", "no", "on", "off", "nan", "inf", "infinity"]
                .iter()
                .any(|w| s.eq_ignore_ascii_case(w))
        {
            return None;
        }
        let b = s.as_bytes();
        let first = b[0];
        if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
            if is_date(b) {
                return Some(Value::String(s.to_string()));
            }
            // No number has a space in it, and the one timestamp form that does starts with a date:
            // `1.2% of records` is text.
            if b.contains(&b' ') && !(b.len() > 10 && is_date(&b[..10])) {
                return Some(Value::String(s.to_string()));
            }
            // Nor has any number, date or time of YAML 1.1 or 1.2 one of these: a dataset card's
            // `1K<n<10K` or `100K<n<1M` is text.
            if b.iter().any(|c| b"<>/%()=;@".contains(c) || !c.is_ascii()) {
                return Some(Value::String(s.to_string()));
            }
            return number(s);
        }
        Some(Value::String(s.to_string()))
    }

    fn is_date(b: &[u8]) -> bool {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    }

    /// `0`, `-12`, `3.25`: the plain decimal forms; anything else (exponents, leading zeros, hex,
    /// underscores, versions) is left to serde-saphyr.
    fn number(s: &str) -> Option<Value> {
        // `5e-5`, `1.5E+10`: a decimal with an exponent is a float.
        if let Some((mantissa, exp)) = s.split_once(['e', 'E']) {
            let exp_digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
            let plain_mantissa = mantissa.strip_prefix('-').unwrap_or(mantissa);
            let ok = !exp_digits.is_empty()
                && exp_digits.len() <= 3
                && exp_digits.bytes().all(|c| c.is_ascii_digit())
                && !plain_mantissa.is_empty()
                && !plain_mantissa.starts_with('.')
                && !plain_mantissa.ends_with('.')
                && plain_mantissa.len() <= 17
                && plain_mantissa.bytes().filter(|c| *c == b'.').count() <= 1
                && plain_mantissa
                    .bytes()
                    .all(|c| c.is_ascii_digit() || c == b'.');
            if !ok {
                return None;
            }
            return s
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(Number::from_f64)
                .map(Value::Number);
        }
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let int_ok = int == "0" || (!int.is_empty() && !int.starts_with('0') && int.len() <= 17);
        if !int_ok || !int.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        match frac {
            None => s.parse::<i64>().ok().map(Value::from),
            Some(f) if !f.is_empty() && f.len() <= 15 && f.bytes().all(|c| c.is_ascii_digit()) => s
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number),
            Some(_) => None,
        }
    }
}

enum Frame {
    Map {
        node: usize,
        key: Option<(String, usize)>,
        /// Depth of a complex (non-scalar) key being skipped.
        skip: usize,
    },
    Seq {
        node: usize,
        idx: usize,
    },
}

/// Record where each pointer was written: from its key (or sequence dash) to the end of its scalar,
/// or to the end of its key for a nested collection.
pub(crate) fn spans(text: &str, base: usize) -> Spans {
    match walk_spans(text, base, None) {
        Walked::Whole(spans) => spans,
        Walked::Found(..) => unreachable!("nothing was looked for"),
    }
}

/// What `walk_spans` ends with: the whole table, or the place of the pointer it looked for, found
/// before the end.
pub(crate) enum Walked {
    Whole(Spans),
    Found(usize, (usize, usize)),
}

/// `spans(text, base).locate_depth(pointer)`, reading the text only as far as the pointer's own
/// place when it has one (the first place recorded is the one kept, so nothing after it could
/// change the answer): a front-matter key a finding points at is usually near the top, above the
/// long generated blocks. When the text was read to its end, the whole table as well, for the
/// caller to keep and answer other pointers from.
///
/// The answer is remembered by the text and the pointer, found or not: a history holds the same
/// front matter in many versions of a card, and each version's findings are placed in it again
/// (a finding about a key the card lacks most of all, which would read the text to its end).
pub(crate) fn locate(text: &str, base: usize, pointer: &str) -> Located {
    let key = (
        crate::memo::text_key(text),
        crate::memo::text_key(pointer),
        0u8,
    );
    // Kept at offsets from the text's start, given at the file's.
    let moved = |place: Place, by: &dyn Fn(usize) -> usize| {
        place.map(|(depth, (start, end))| (depth, (by(start), by(end))))
    };
    if let Some(place) = PLACES.get(&key, |_| PLACE_WEIGHT) {
        return Located::Place(moved(place, &|at| at + base));
    }
    let (place, table) = match walk_spans(text, base, Some(pointer)) {
        Walked::Found(depth, span) => (Some((depth, span)), None),
        Walked::Whole(table) => (table.locate_depth(pointer), Some(table)),
    };
    PLACES.insert(
        key,
        moved(place, &|at| at.saturating_sub(base)),
        PLACE_WEIGHT,
    );
    match table {
        None => Located::Place(place),
        Some(table) => Located::Whole(place, table),
    }
}

/// What `locate` found: the place, and the whole table when it read the text to its end.
pub(crate) enum Located {
    Place(Place),
    Whole(Place, Spans),
}

/// A pointer's place: the depth of the pointer it is the place of, and its span.
pub(crate) type Place = Option<(usize, (usize, usize))>;

/// Places found by `locate` (or that there is none), by text and pointer, at offsets from the
/// text's start.
type Places = crate::memo::Memo<(crate::memo::TextKey, crate::memo::TextKey, u8), Place>;
static PLACES: Places = crate::memo::Memo::new(1 << 20);

/// What a remembered place counts against its memo's budget.
const PLACE_WEIGHT: usize = 80;

fn walk_spans(text: &str, base: usize, target: Option<&str>) -> Walked {
    // The pointer looked for, and its depth: its place can only be recorded when a node of that
    // depth is.
    let target = target.map(|p| (p, p.split('/').count() - 1));
    let mut spans = Spans::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let byte = |m: &serde_saphyr::granit_parser::Marker| -> usize {
        m.byte_offset()
            .unwrap_or_else(|| char_to_byte(text, m.index()))
    };
    while let Some(Ok((event, span))) = parser.next_event() {
        let (start, end) = (byte(&span.start), byte(&span.end));
        let is_open = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        let is_close = matches!(event, Event::MappingEnd | Event::SequenceEnd);
        let is_node = is_open || matches!(event, Event::Scalar(..) | Event::Alias(..));
        if is_close {
            match stack.last_mut() {
                Some(Frame::Map { skip, .. }) if *skip > 0 => {
                    *skip -= 1;
                    continue;
                }
                _ => {}
            }
            stack.pop();
            advance(&mut stack);
            continue;
        }
        if !is_node {
            continue;
        }
        // A node: a key, a value, or the root.
        let (node, from) = match stack.last_mut() {
            None => (ROOT, start),
            Some(Frame::Map { node, key, skip }) => {
                if *skip > 0 {
                    if is_open {
                        *skip += 1;
                    }
                    continue;
                }
                match key.take() {
                    None => {
                        if let Event::Scalar(s, ..) = &event {
                            *key = Some((s.to_string(), start));
                        } else if is_open {
                            *skip = 1;
                            *key = Some(("?".into(), start));
                        } else {
                            *key = Some(("*".into(), start));
                        }
                        continue;
                    }
                    Some((k, kstart)) => (spans.child(*node, &k), kstart),
                }
            }
            Some(Frame::Seq { node, idx }) => (spans.element(*node, *idx), start),
        };
        let depth = stack.len();
        if is_open {
            let key_end = if node == ROOT { end } else { end.max(from) };
            spans.set(node, base + from, base + key_end);
            if let Some((p, d)) = target
                && d == depth
                && let Some(found) = spans.exact(p)
            {
                return Walked::Found(d, found);
            }
            stack.push(match event {
                Event::MappingStart(..) => Frame::Map {
                    node,
                    key: None,
                    skip: 0,
                },
                _ => Frame::Seq { node, idx: 0 },
            });
        } else {
            spans.set(node, base + from, base + end.max(from));
            if let Some((p, d)) = target
                && d == depth
                && let Some(found) = spans.exact(p)
            {
                return Walked::Found(d, found);
            }
            advance(&mut stack);
        }
    }
    Walked::Whole(spans)
}

fn advance(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Seq { idx, .. }) => *idx += 1,
        Some(Frame::Map { key, .. }) => *key = None,
        None => {}
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_remembered_is_placed_at_each_texts_own_offset() {
        let text = "a: 1\nb:\n  c: 2\n  d: [3, 4]\n";
        let at = |base| match locate(text, base, "/b/d/1") {
            Located::Place(Some(place)) => place,
            _ => panic!("not found"),
        };
        let (depth, (start, end)) = at(7);
        assert_eq!(&text[start - 7..end - 7], "4");
        // The second time from the memo, placed from its own base.
        assert_eq!(at(1000), (depth, (start - 7 + 1000, end - 7 + 1000)));
        assert_eq!(at(7), (depth, (start, end)));
    }

    fn line_of(text: &str, parsed: &Parsed, ptr: &str) -> usize {
        let (s, _) = parsed.spans(text).locate(ptr).unwrap();
        LineIndex::new(text).line_col(text, s).0
    }

    #[test]
    fn pointers_resolve_to_lines() {
        let text = "dataset: credit\nsource:\n  name: Core\n  origin: internal\nprocessing:\n  - dedup\n  - pseudonymise\nquality: { assessed: 2026-02-20 }\n";
        let p = parse(text, 0).unwrap();
        assert_eq!(p.value["source"]["name"], "Core");
        assert_eq!(line_of(text, &p, "/dataset"), 1);
        assert_eq!(line_of(text, &p, "/source"), 2);
        assert_eq!(line_of(text, &p, "/source/origin"), 4);
        assert_eq!(line_of(text, &p, "/processing/1"), 7);
        assert_eq!(line_of(text, &p, "/quality/assessed"), 8);
        assert_eq!(line_of(text, &p, "/source/missing"), 2);
    }

    /// A long key over many children is kept once in the span table, not once per child.
    #[test]
    fn a_long_key_over_many_children() {
        let key = "k".repeat(1 << 20);
        // An implicit key is at most 1024 characters long: a longer one is written explicitly.
        let mut text = format!("? {key}\n:\n");
        for i in 0..5_000 {
            text.push_str(&format!("  - item {i}\n"));
        }
        let p = parse(&text, 0).unwrap();
        assert_eq!(p.value[&key][4_999], "item 4999");
        let spans = p.spans(&text);
        assert_eq!(spans.len(), 1 + 1 + 5_000);
        assert!(
            spans.token_bytes() < (1 << 20) + 5_000 * 8,
            "{}",
            spans.token_bytes()
        );
        assert_eq!(line_of(&text, &p, &format!("/{key}/4999")), 5_002);
        assert_eq!(line_of(&text, &p, &format!("/{key}/5000")), 1);
    }

    #[test]
    fn alias_bomb_is_an_error_not_a_hang() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text, 0).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::Budget, "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&text, 0).is_err());
    }

    #[test]
    fn syntax_error_has_position() {
        let text = "a: 1\nb: [unclosed\nc: 3\n";
        let err = parse(text, 0).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::Syntax);
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        let (line, _) = LineIndex::new(text).line_col(text, err.offset);
        assert!(line >= 2, "line {line}");
    }

    /// An unclosed `[` or `{` is the error's place, not the later line where the parser gave up;
    /// brackets inside quotes, comments, plain scalars and block scalars open nothing.
    #[test]
    fn unclosed_flow_is_placed_at_its_bracket() {
        let at = |text: &str| {
            let e = parse(text, 0).unwrap_err();
            let (line, col) = LineIndex::new(text).line_col(text, e.offset);
            (line, col, e.message)
        };
        let (line, col, message) = at("a: 1\nb: [x, y\nc: 3\n");
        assert_eq!((line, col), (2, 4));
        assert!(message.contains("this `[` is never closed"), "{message}");
        assert_eq!(at("a: {x: 1\nb: 2\nc: 3\n").0, 1);
        assert_eq!(at("- a\n- [b, {c: 1}\n- d: e\n  f: g\n").0, 2);
        // Closed, quoted, commented, plain or block-scalar brackets: the parser's place stands.
        for text in [
            "a: [x]\nb: \"[\"\nc: '{'\nd: x [y\ne: |\n  [z\nf: 1 # [\ng: [h, i\n",
            "a: \"[x\nb: 1\n",
        ] {
            let e = parse(text, 0).unwrap_err();
            let first_bracket = text.find(['[', '{']).unwrap();
            if text.starts_with("a: [x]") {
                assert_eq!(&text[e.offset..e.offset + 1], "[", "{text:?}");
                assert_eq!(LineIndex::new(text).line_col(text, e.offset).0, 8);
            } else {
                assert_ne!(e.offset, first_bracket, "{text:?}");
            }
        }
    }

    /// The fast reader and serde-saphyr agree on every YAML file (and front matter) of the
    /// repository, and on a sample of tricky scalars.
    #[test]
    fn fast_reader_agrees_with_serde_saphyr() {
        let mut texts: Vec<(String, String)> = Vec::new();
        for (name, t) in crate::test_texts() {
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                texts.push((name, t));
            } else if name.ends_with(".md")
                && let Ok(Some(fm)) = crate::markdown::front_matter(&t)
            {
                texts.push((name, fm.yaml.to_string()));
            }
        }
        // Each on its own, so one that the fast reader leaves alone does not hide the others.
        for tricky in [
            "a: 1.10",
            "b: 0755",
            "c: yes",
            "d: 1e3",
            "e: 0x1F",
            "f: .inf",
            "g: 1_000",
            "h: -0",
            "i: 0",
            "j: -12",
            "k: 3.25",
            "l: 2026-01-05T10:00:00Z",
            "m: 2026-01-05",
            "n: 2026.1",
            "o: \"2026.1\"",
            "p: ~",
            "q: Null",
            "r: 12345678901234567890",
            "s: [a, {b: c}, [d]]",
            "t: |\n  text\n",
            "u: >-\n  folded\n  text\n",
            "v: 'single'",
            "w: http://x.y/z",
            "x: a # comment",
            "y:",
            "z: -",
            "aa: +1",
            "ab: .5",
            "ac: 00",
            "ad: 0.0",
            "size: 1K<n<10K",
            "size: [100K<n<1M, n<1K, 10M<n<100M]",
            "size:\n- 1K<n<10K\n- n>1T\n",
            "r1: 1/2",
            "r2: 10%",
            "r3: 3(4)",
            "r4: 1=1",
            "r5: 2026-01-05T10:00:00+01:00",
            "r6: 1,000",
            "r7: 12:30:00",
            "ae: -0.5",
            "af: 1.",
            "ag: TRUE",
            "ah: off",
            "ai: NaN",
            "aj: 9007199254740993",
            "ak: 1.000000000000001",
            "al: '@x'",
            "am: \"\\u00e9\"",
            "an: key: value",
            "ao: 5e-5",
            "ap: 1.5E+10",
            "aq: 1e3",
            "ar: -2.5e-3",
            "as: 05e2",
            "at: 1.2% of early records",
            "au: 3 days",
            "av: 2026-01-05 10:00:00",
            "aw: -1 day",
            "ax: 1e400",
            "ay: 1.e3",
            "az: [5e-5, 2 weeks, 0.5]",
        ] {
            texts.push(("tricky".into(), tricky.to_string()));
        }
        for block in [
            "a: |\n  one\n  two\n",
            "a: |-\n  one\n\n  two\n\n\nb: 1\n",
            "a: >\n  one\n  two\n\n  three\n",
            "a: >-\n  folded\n  text\n# after\nb: x\n",
            "a: |\n    indented\n      more\n    back\n",
            "a: >\n  one\n    more\n",
            "a: |+\n  keep\n\n",
            "a: |2\n   x\n",
            "a: |\n  # not a comment\n  x\n",
            "- |\n  in a list\n- >-\n  folded\n  item\n",
            "a:\n- x\n- z\nb: z\n",
            "a:\n  - b: 1\n    c: [x, 'y', \"z\"]\n  - d\n",
            "a:\n  plain below\n",
            "a: multi\n  line plain\n",
            "a: 'multi\n  line quoted'\n",
            "a: \"esc \\\" \\\\ \\n \\t\"\n",
            "a: \"\\u00e9\"\n",
            "a: 'it''s'\n",
            "a: { name: Dana Whit, role: model-owner, date: 2026-01-09 }\n",
            "a: {}\nb: []\n",
            "a: [a, b,]\n",
            "a: [[x]]\n",
            "a: {b: {c: d}}\n",
            "a: sha256:abc\nb: http://x.y/z # c\nc: a#b\n",
            "a: b: c\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 1\n a2: 2\n",
            "a: 1\na: 2\n",
            "\"q\": 1\n",
            "? a\n: b\n",
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: 1\n...\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "- - a\n",
            "-\n  a: 1\n",
            "- \n- x\n",
            "a:\tb\n",
            "plain scalar\n",
            "a: 1\r\nb: 2\r\n",
            "a:\n\n  # comment\n  b: 1\n",
            "a: - b\n",
            "a: @x\n",
            "a: yes\n",
            "a: -1 day\nb: -x\n",
            "a: [1, -2, 3.5, true, null, ~]\n",
            "a: [2026-01-05, \"x, y\"]\n",
            "a: { k: [x] }\n",
            "a: [a: b]\n",
            "a:   spaced   # c\nb:\n",
            "list:\n  - one # c\n  -   two\n",
            "a: |\n  x\n\nb: 1\n",
            "a: >\n\n  leading blank\n",
        ] {
            texts.push(("block".into(), block.to_string()));
        }
        // Common in evidence, and read without falling back.
        for common in [
            "lr: 5e-5",
            "i: 1.2% of early records",
            "w: 3 days",
            "s: [DE, FR]",
        ] {
            assert!(fast::value(common).is_some(), "{common}");
            assert!(lines::value(common).is_some(), "{common}");
        }
        assert!(texts.len() > 100, "found {} YAML texts", texts.len());
        let mut fast_count = 0;
        let mut lines_count = 0;
        for (name, t) in &texts {
            if let Some(v) = lines::value(t) {
                lines_count += 1;
                let full = full_value(t, 0).unwrap_or_else(|e| {
                    panic!(
                        "{name}: the line reader read what serde-saphyr rejects: {}\n{t}",
                        e.message
                    )
                });
                assert_eq!(v, full, "{name}\n{t}");
            }
            if let Some(v) = fast::value(t) {
                fast_count += 1;
                let full = full_value(t, 0).unwrap_or_else(|e| {
                    panic!("{name}: fast read what serde-saphyr rejects: {}", e.message)
                });
                assert_eq!(v, full, "{name}");
            }
        }
        assert!(
            fast_count * 2 > texts.len(),
            "the fast reader took {fast_count} of {}",
            texts.len()
        );
        assert!(
            lines_count * 2 > texts.len(),
            "the line reader took {lines_count} of {}",
            texts.len()
        );
    }

    /// The quick readers must never answer differently from serde-saphyr: on the example evidence,
    /// damaged a few thousand ways (characters that mean something to YAML put anywhere, characters
    /// and lines taken out or doubled), whenever one gives an answer, it is serde-saphyr's.
    #[test]
    fn quick_readers_agree_on_damaged_evidence() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut seeds = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                    && let Ok(t) = std::fs::read_to_string(&p)
                {
                    seeds.push(t);
                }
            }
        }
        seeds.sort();
        assert!(seeds.len() >= 5, "found {} seeds", seeds.len());
        const BITS: [&str; 26] = [
            ":", " ", "#", "- ", "\n", "  ", "'", "\"", "|", ">", "[", "]", "{", "}", ",", "&a ",
            "*a", "!t ", "? ", "\t", "---\n", "y", "0", "1e3", ".", "\\",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % 1_000_003).unwrap_or(0)
        };
        let (mut tried, mut taken) = (0, 0);
        for seed in &seeds {
            for _ in 0..300 {
                let mut t = seed.clone();
                for _ in 0..1 + next() % 3 {
                    let mut at = next() % (t.len() + 1);
                    while !t.is_char_boundary(at) {
                        at -= 1;
                    }
                    match next() % 4 {
                        0 | 1 => t.insert_str(at, BITS[next() % BITS.len()]),
                        2 => {
                            let end = t[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                            t.replace_range(at..end, "");
                        }
                        _ => {
                            let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
                            let end = t[at..].find('\n').map_or(t.len(), |i| at + i + 1);
                            let line = t[start..end].to_string();
                            t.insert_str(start, &line);
                        }
                    }
                }
                tried += 1;
                for (reader, read) in [("line", lines::value(&t)), ("event", fast::value(&t))] {
                    let Some(v) = read else { continue };
                    taken += usize::from(reader == "line");
                    match full_value(&t, 0) {
                        Ok(full) => assert_eq!(v, full, "{reader} reader\n{t}"),
                        Err(e) => panic!(
                            "the {reader} reader read what serde-saphyr rejects ({}):\n{t}",
                            e.message
                        ),
                    }
                }
            }
        }
        // Most damage is still plain YAML: the comparison is not vacuous.
        assert!(taken * 4 > tried, "the line reader took {taken} of {tried}");
    }

    /// An implicit key longer than YAML allows is an error, whichever reader would take the text.
    #[test]
    fn overlong_implicit_keys_are_errors() {
        for len in [1_030, 5_000] {
            let key = "k".repeat(len);
            for text in [format!("{key}: 1\n"), format!("a: {{ {key}: 1 }}\n")] {
                assert!(lines::value(&text).is_none(), "{len}");
                assert!(parse(&text, 0).is_err(), "{len}");
            }
        }
        let key = "k".repeat(900);
        assert!(lines::value(&format!("{key}: 1\n")).is_some());
        assert!(parse(&format!("{key}: 1\n"), 0).is_ok());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(parse("a: 1\na: 2\n", 0).is_err());
    }
}
