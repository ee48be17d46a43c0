//! A line-based reader for the plainest YAML: block mappings and sequences indented with spaces,
//! one-line scalars (plain, single- or double-quoted), `|` and `>` block scalars, and one-line flow
//! lists and maps of scalars. That is what nearly every evidence file is, and reading it line by
//! line costs a fraction of a full YAML parser's scanner.
//!
//! Whenever it meets anything else — anchors, tags, multi-line plain or quoted scalars, explicit
//! keys, directives, tabs, a plain scalar whose type it is not sure of — it returns `None` and the
//! caller hands the text to a full parser, so its answer is always the full parser's. A test checks
//! the two agree on every YAML file of the packs, the examples and the corpus.

use serde_json::{Map, Value};

/// Deeper than this is left to the full parser (and its depth budget).
const MAX_DEPTH: usize = 48;

/// YAML allows an implicit key (`key: value`) of at most 1024 characters up to its `:`; a longer
/// one is an error to a YAML parser. Keys longer than this many bytes are left to the full parser,
/// so the answer stays its answer.
const MAX_KEY_BYTES: usize = 1000;

#[derive(Clone, Copy)]
struct Line<'t> {
    indent: usize,
    /// The line after its indentation, without a trailing `\r`.
    body: &'t str,
}

/// Read `text`, or `None` when it is not of the plain form this reader knows.
pub(crate) fn value(text: &str) -> Option<Value> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let mut lines = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let body = raw.trim_start_matches(' ');
        if body.starts_with('\t') || body.contains('\t') && !body.trim_start().starts_with('#') {
            return None;
        }
        lines.push(Line {
            indent: raw.len() - body.len(),
            body,
        });
    }
    let mut r = Reader { lines, at: 0 };
    r.skip_blank();
    let first = r.peek()?;
    if first.indent != 0
        || first.body.starts_with("---")
        || first.body.starts_with("...")
        || first.body.starts_with('%')
    {
        return None;
    }
    let v = r.node(first, None, 0)?;
    r.skip_blank();
    if r.at < r.lines.len() {
        return None;
    }
    Some(v)
}

struct Reader<'t> {
    lines: Vec<Line<'t>>,
    at: usize,
}

fn is_blank(l: &Line<'_>) -> bool {
    l.body.is_empty() || l.body.starts_with('#')
}

/// A block sequence entry: `-` alone or followed by a space.
fn is_dash(body: &str) -> bool {
    body == "-" || body.starts_with("- ")
}

impl<'t> Reader<'t> {
    fn skip_blank(&mut self) {
        while self.lines.get(self.at).is_some_and(is_blank) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<Line<'t>> {
        self.lines.get(self.at).copied()
    }

    /// The node that starts on `line` (the current line, possibly the rest of a `- ` entry). `parent`
    /// is the indentation of the node that holds it (`None` at the top).
    fn node(&mut self, line: Line<'t>, parent: Option<usize>, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        if is_dash(line.body) {
            return self.seq(line, depth);
        }
        if split_key(line.body)?.is_some() {
            return self.map(line, depth);
        }
        // A scalar on its own line (a mapping value written below its key).
        self.at += 1;
        self.scalar(line.body, parent.unwrap_or(0))
    }

    fn seq(&mut self, first: Line<'t>, depth: usize) -> Option<Value> {
        let indent = first.indent;
        let mut items = Vec::new();
        let mut line = first;
        loop {
            let rest = &line.body[1..];
            let content = rest.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                self.at += 1;
                items.push(self.below(indent, depth)?);
            } else {
                if is_dash(content) {
                    return None;
                }
                // The entry's content as a line of its own, indented where it starts.
                let inner = Line {
                    indent: indent + 1 + (rest.len() - content.len()),
                    body: content,
                };
                if split_key(content)?.is_some() {
                    self.lines[self.at] = inner;
                    items.push(self.map(inner, depth + 1)?);
                } else {
                    self.at += 1;
                    items.push(self.scalar(content, indent)?);
                }
            }
            self.skip_blank();
            match self.peek() {
                Some(l) if l.indent == indent && is_dash(l.body) => line = l,
                Some(l) if l.indent > indent => return None,
                _ => return Some(Value::Array(items)),
            }
        }
    }

    fn map(&mut self, first: Line<'t>, depth: usize) -> Option<Value> {
        let indent = first.indent;
        let mut m = Map::new();
        let mut line = first;
        loop {
            let (key, rest) = split_key(line.body)??;
            let rest = rest.trim_start_matches(' ');
            self.at += 1;
            let v = if rest.is_empty() || rest.starts_with('#') {
                self.skip_blank();
                match self.peek() {
                    // A sequence may sit at its key's own indentation.
                    Some(l) if l.indent == indent && is_dash(l.body) => self.seq(l, depth + 1)?,
                    _ => self.below(indent, depth)?,
                }
            } else {
                self.scalar(rest, indent)?
            };
            if m.insert(key, v).is_some() {
                return None;
            }
            self.skip_blank();
            match self.peek() {
                Some(l) if l.indent == indent => {
                    if is_dash(l.body) || split_key(l.body)?.is_none() {
                        return None;
                    }
                    line = l;
                }
                Some(l) if l.indent > indent => return None,
                _ => return Some(Value::Object(m)),
            }
        }
    }

    /// The node below a `key:` or `-` with nothing after it: more indented, or null.
    fn below(&mut self, indent: usize, depth: usize) -> Option<Value> {
        self.skip_blank();
        match self.peek() {
            Some(l) if l.indent > indent => self.node(l, Some(indent), depth + 1),
            _ => Some(Value::Null),
        }
    }

    /// A scalar (or one-line flow collection) in a node indented `parent`. The current line has
    /// been consumed; block scalars read the lines after it.
    fn scalar(&mut self, s: &str, parent: usize) -> Option<Value> {
        let v = match s.as_bytes()[0] {
            b'|' | b'>' => return self.block(s, parent),
            b'"' => {
                let (v, after) = double_quoted(s)?;
                end_of_value(after)?;
                Value::String(v)
            }
            b'\'' => {
                let (v, after) = single_quoted(s)?;
                end_of_value(after)?;
                Value::String(v)
            }
            b'[' => {
                let (v, after) = flow_seq(s)?;
                end_of_value(after)?;
                v
            }
            b'{' => {
                let (v, after) = flow_map(s)?;
                end_of_value(after)?;
                v
            }
            _ => {
                let text = plain_block(s)?;
                super::fast::plain(text)?
            }
        };
        // A more indented line after a one-line scalar would continue it: not for this reader.
        self.skip_blank();
        if self.peek().is_some_and(|l| l.indent > parent) {
            return None;
        }
        Some(v)
    }

    /// `|` and `>` block scalars, with clip (default) or strip (`-`) chomping.
    fn block(&mut self, header: &str, parent: usize) -> Option<Value> {
        let folded = header.starts_with('>');
        let rest = &header[1..];
        let (strip, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        // Nothing more, or a comment after a space.
        let trimmed = rest.trim_start_matches(' ');
        if !(rest.is_empty()
            || (trimmed.len() < rest.len() && (trimmed.is_empty() || trimmed.starts_with('#'))))
        {
            return None;
        }
        // Content lines: more indented than the parent, blank lines within.
        let start = self.at;
        let mut content_indent = None;
        let mut end = start;
        while let Some(l) = self.lines.get(end) {
            if l.body.is_empty() {
                end += 1;
                continue;
            }
            if l.indent <= parent {
                break;
            }
            match content_indent {
                None => content_indent = Some(l.indent),
                Some(ci) if l.indent < ci => return None,
                Some(_) => {}
            }
            end += 1;
        }
        let ci = content_indent?;
        // Trailing blank lines belong to the chomping, not the content.
        let mut last = end;
        while last > start && self.lines[last - 1].body.is_empty() {
            last -= 1;
        }
        // Literal: lines kept as they are. Folded: lines joined by a space, each blank line a
        // line break. Either way a line's indentation beyond the first line's is content.
        let mut out = String::new();
        let mut blanks = 0;
        for (n, l) in self.lines[start..last].iter().enumerate() {
            if l.body.is_empty() {
                if n == 0 || l.indent > ci {
                    return None;
                }
                blanks += 1;
                continue;
            }
            if l.indent > ci && folded {
                return None;
            }
            if n > 0 {
                if folded {
                    if blanks == 0 {
                        out.push(' ');
                    }
                } else {
                    out.push('\n');
                }
                for _ in 0..blanks {
                    out.push('\n');
                }
            }
            blanks = 0;
            out.extend(std::iter::repeat_n(' ', l.indent - ci));
            out.push_str(l.body);
        }
        self.at = end;
        if !strip && !out.is_empty() {
            out.push('\n');
        }
        Some(Value::String(out))
    }
}

/// `key: rest` → `Some(Some((key, rest)))`; `Some(None)` when the line is not a mapping entry;
/// `None` when it is one this reader does not take (quoted, explicit, merge or non-string keys).
#[allow(clippy::option_option)]
fn split_key(body: &str) -> Option<Option<(String, &str)>> {
    let b = body.as_bytes();
    // No plain scalar starts with these, nor with `-` or `:` and a space.
    if matches!(b.first(), Some(b']' | b'}' | b',' | b'#'))
        || (matches!(b.first(), Some(b'-' | b':')) && b.get(1).is_none_or(|c| *c == b' '))
    {
        return None;
    }
    if matches!(
        b.first(),
        Some(
            b'"' | b'\''
                | b'?'
                | b'&'
                | b'*'
                | b'!'
                | b'['
                | b'{'
                | b'|'
                | b'>'
                | b'%'
                | b'@'
                | b'`'
        )
    ) {
        // A quoted or flow key, or a scalar that starts with an indicator.
        return if b.first() == Some(&b'"') || b.first() == Some(&b'\'') {
            // A quoted scalar line: only a key if a `:` follows the closing quote.
            let (_, after) = if b[0] == b'"' {
                double_quoted(body)?
            } else {
                single_quoted(body)?
            };
            if after.trim_start_matches(' ').starts_with(':') {
                None
            } else {
                Some(None)
            }
        } else if matches!(b[0], b'[' | b'{' | b'|' | b'>') {
            Some(None)
        } else {
            None
        };
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b':' if i + 1 == b.len() || b[i + 1] == b' ' => {
                if i > MAX_KEY_BYTES {
                    return None;
                }
                let key = &body[..i];
                if key.is_empty() || key.ends_with(' ') || key == "<<" || key.contains(" #") {
                    return None;
                }
                match super::fast::plain(key)? {
                    Value::String(k) => return Some(Some((k, &body[i + 1..]))),
                    _ => return None,
                }
            }
            b'#' if i > 0 && b[i - 1] == b' ' => return Some(None),
            _ => {}
        }
        i += 1;
    }
    Some(None)
}

/// Whether a plain scalar may start `s`: not with an indicator, nor with `-`, `?` or `:` before a
/// space (or, in a flow collection, before a flow indicator).
fn plain_start(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        None => false,
        Some(b'-' | b'?' | b':') => b
            .get(1)
            .is_some_and(|n| !matches!(n, b' ' | b',' | b'[' | b']' | b'{' | b'}')),
        Some(c) => !matches!(
            c,
            b'&' | b'*'
                | b'!'
                | b'%'
                | b'@'
                | b'`'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
        ),
    }
}

/// After a quoted scalar or flow collection: nothing, or a comment.
fn end_of_value(after: &str) -> Option<()> {
    let t = after.trim_start_matches(' ');
    if t.is_empty() || (t.starts_with('#') && t.len() < after.len()) {
        Some(())
    } else {
        None
    }
}

/// A plain scalar in block context, up to a comment; `None` for the forms this reader leaves alone.
fn plain_block(s: &str) -> Option<&str> {
    if !plain_start(s) {
        return None;
    }
    let end = s.find(" #").unwrap_or(s.len());
    let text = s[..end].trim_end_matches(' ');
    if text.contains(": ") || text.ends_with(':') {
        return None;
    }
    Some(text)
}

/// `"…"` on one line with the common escapes; the text after the closing quote.
fn double_quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[1 + i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'n' => '\n',
                    't' => '\t',
                    _ => return None,
                });
            }
            _ => out.push(c),
        }
    }
    None
}

/// `'…'` on one line (`''` is a quote); the text after the closing quote.
fn single_quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let body = &s[1..];
    let mut i = 0;
    let b = body.as_bytes();
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            return Some((out, &body[i + 1..]));
        }
        let c = body[i..].chars().next()?;
        out.push(c);
        i += c.len_utf8();
    }
    None
}

/// One flow scalar (quoted or plain) at the start of `s`, up to `,` or the closing bracket.
fn flow_scalar(s: &str) -> Option<(Value, &str)> {
    let s = s.trim_start_matches(' ');
    match s.as_bytes().first()? {
        b'"' => double_quoted(s).map(|(v, r)| (Value::String(v), r)),
        b'\'' => single_quoted(s).map(|(v, r)| (Value::String(v), r)),
        b'[' | b'{' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'#' | b'|' | b'>' | b'?' => None,
        _ => {
            let end = s.find([',', ']', '}']).unwrap_or(s.len());
            let text = s[..end].trim_end_matches(' ');
            // Flow indicators end a plain scalar in a flow collection: one inside is not plain.
            if !plain_start(text) || text.contains([':', '[', '{']) || text.contains(" #") {
                return None;
            }
            Some((super::fast::plain(text)?, &s[end..]))
        }
    }
}

/// `[a, b]` on one line.
fn flow_seq(s: &str) -> Option<(Value, &str)> {
    let mut rest = s[1..].trim_start_matches(' ');
    let mut items = Vec::new();
    if let Some(r) = rest.strip_prefix(']') {
        return Some((Value::Array(items), r));
    }
    loop {
        let (v, r) = flow_scalar(rest)?;
        items.push(v);
        let r = r.trim_start_matches(' ');
        if let Some(r) = r.strip_prefix(']') {
            return Some((Value::Array(items), r));
        }
        rest = r.strip_prefix(',')?.trim_start_matches(' ');
        if rest.starts_with(']') {
            return None;
        }
    }
}

/// `{ k: v, k2: v2 }` on one line.
fn flow_map(s: &str) -> Option<(Value, &str)> {
    let mut rest = s[1..].trim_start_matches(' ');
    let mut m = Map::new();
    if let Some(r) = rest.strip_prefix('}') {
        return Some((Value::Object(m), r));
    }
    loop {
        let colon = rest.find(": ")?;
        if colon > MAX_KEY_BYTES {
            return None;
        }
        let key = rest[..colon].trim_end_matches(' ');
        if !plain_start(key) || key.contains([',', '{', '}', '[', ']', '"', '\'', '#', ':']) {
            return None;
        }
        let Value::String(k) = super::fast::plain(key)? else {
            return None;
        };
        let (v, r) = flow_scalar(&rest[colon + 2..])?;
        if m.insert(k, v).is_some() {
            return None;
        }
        let r = r.trim_start_matches(' ');
        if let Some(r) = r.strip_prefix('}') {
            return Some((Value::Object(m), r));
        }
        rest = r.strip_prefix(',')?.trim_start_matches(' ');
        if rest.starts_with('}') {
            return None;
        }
    }
}
