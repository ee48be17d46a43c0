//! JSON with a JSON Pointer → span table. serde_json gives the value (and line/column of syntax errors);
//! a small structural scanner records where each member and element starts. The scanner runs only on
//! text serde_json has accepted, and uses an explicit stack, so it cannot be driven into recursion.

use serde_json::Value;

use crate::lines::LineIndex;
use crate::pointer::{ROOT, Spans};
use crate::{Format, ParseError, ParseErrorKind, Parsed};

pub(crate) fn parse(text: &str) -> Result<Parsed, ParseError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let base = text.len() - body.len();
    let value: Value = crate::strict_json::from_str(body).map_err(|e| {
        let idx = LineIndex::new(body);
        let offset = idx
            .line_start(e.line().max(1))
            .map(|s| {
                let line = &body[s..];
                s + line
                    .chars()
                    .take(e.column().saturating_sub(1))
                    .map(char::len_utf8)
                    .sum::<usize>()
            })
            .unwrap_or(0);
        let msg = e.to_string();
        let msg = msg.find(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
        let kind = if msg.contains("recursion limit") {
            ParseErrorKind::Budget
        } else {
            ParseErrorKind::Syntax
        };
        ParseError {
            kind,
            message: format!("invalid JSON: {}", plain_words(msg)),
            offset: base + offset.min(body.len()),
        }
    })?;
    Ok(Parsed::new(Format::Json, value, Spans::default())
        .defer(crate::Deferred::Json { start: base }))
}

/// serde_json's message as a person editing the file needs it: what is missing or extra, in the
/// file's terms. Budget messages keep the word "limit".
fn plain_words(m: &str) -> String {
    let said = match m {
        "EOF while parsing an object" => "the file ends inside an object: a `}` is missing",
        "EOF while parsing a list" => "the file ends inside an array: a `]` is missing",
        "EOF while parsing a string" => "the file ends inside a string: a closing `\"` is missing",
        "EOF while parsing a value" => "the file ends where a value was expected",
        "trailing comma" => "a comma after the last member or element (JSON allows none there)",
        "trailing characters" => "text after the end of the JSON value",
        "key must be a string" => "a key must be a string in double quotes",
        "expected `,` or `}`" => {
            "expected `,` (before the next member) or `}` (the end of the object)"
        }
        "expected `,` or `]`" => {
            "expected `,` (before the next element) or `]` (the end of the array)"
        }
        "recursion limit exceeded" => "nesting deeper than the limit of 128 levels",
        m if m.starts_with("control character") => {
            "a control character (a raw tab or line break) inside a string: write it as `\\t` or `\\n`"
        }
        m => return m.replace("any JSON value", "a JSON value"),
    };
    said.to_string()
}

enum Frame {
    Obj {
        node: usize,
        key: Option<(String, usize)>,
    },
    Arr {
        node: usize,
        idx: usize,
    },
}

/// The node of the value now starting, and where its entry began (its key, for a member).
fn target(stack: &mut [Frame], spans: &mut Spans, start: usize) -> Option<(usize, usize)> {
    match stack.last_mut() {
        None => Some((ROOT, start)),
        Some(Frame::Obj { node, key }) => key.take().map(|(k, ks)| (spans.child(*node, &k), ks)),
        Some(Frame::Arr { node, idx }) => {
            let c = spans.element(*node, *idx);
            *idx += 1;
            Some((c, start))
        }
    }
}

pub(crate) fn spans(text: &str, base: usize) -> Spans {
    let bytes = text.as_bytes();
    let mut spans = Spans::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => i += 1,
            b'{' | b'[' => {
                if let Some((node, from)) = target(&mut stack, &mut spans, i) {
                    spans.set(node, base + from, base + i + 1);
                    stack.push(if b == b'{' {
                        Frame::Obj { node, key: None }
                    } else {
                        Frame::Arr { node, idx: 0 }
                    });
                }
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i);
                let is_key = matches!(stack.last(), Some(Frame::Obj { key: None, .. }));
                if is_key {
                    let raw = &text[i..end];
                    let key: String = serde_json::from_str(raw).unwrap_or_default();
                    if let Some(Frame::Obj { key: k, .. }) = stack.last_mut() {
                        *k = Some((key, i));
                    }
                } else if let Some((node, from)) = target(&mut stack, &mut spans, i) {
                    spans.set(node, base + from, base + end);
                }
                i = end;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    i += 1;
                }
                if let Some((node, from)) = target(&mut stack, &mut spans, start) {
                    spans.set(node, base + from, base + i);
                }
            }
        }
    }
    spans
}

fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_pointers_resolve() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\\\"y\"}]},\n  \"d/e\": true\n}";
        let p = parse(text).unwrap();
        let idx = LineIndex::new(text);
        let line = |ptr: &str| idx.line_col(text, p.spans(text).locate(ptr).unwrap().0).0;
        assert_eq!(line("/a/b/1/c"), 2);
        assert_eq!(line("/d~1e"), 3);
        assert_eq!(
            &text[p.spans(text).exact("/a/b/1/c").unwrap().0
                ..p.spans(text).exact("/a/b/1/c").unwrap().1],
            "\"c\": \"x\\\"y\""
        );
    }

    /// A 7 MB file whose one 1 MB key holds 5,000 members: the span table keeps the key once
    /// (it used to keep it in every member's pointer: 5 GB).
    #[test]
    fn a_long_key_over_many_members() {
        let key = "k".repeat(1 << 20);
        let mut text = format!("{{\"{key}\": {{\n");
        let filler = "v".repeat(1_200);
        for i in 0..5_000 {
            let sep = if i == 0 { "" } else { ",\n" };
            text.push_str(&format!("{sep}  \"m{i}\": [\"{filler}\", {i}]"));
        }
        text.push_str("\n}}\n");
        assert!(text.len() > 7_000_000, "{}", text.len());
        let p = parse(&text).unwrap();
        let spans = p.spans(&text);
        assert_eq!(spans.len(), 1 + 1 + 5_000 * 3);
        assert!(
            spans.token_bytes() < (1 << 20) + 5_000 * 8,
            "{}",
            spans.token_bytes()
        );
        let idx = LineIndex::new(&text);
        let at = spans.exact(&format!("/{key}/m4999/1")).unwrap();
        assert_eq!(&text[at.0..at.1], "4999");
        assert_eq!(idx.line_col(&text, at.0).0, 5_001);
        let missing = spans.locate(&format!("/{key}/m4999/7/x")).unwrap();
        assert_eq!(idx.line_col(&text, missing.0).0, 5_001);
    }

    #[test]
    fn trailing_comma_has_a_line() {
        let text = "{\n  \"a\": 1,\n}\n";
        let e = parse(text).unwrap_err();
        assert_eq!(LineIndex::new(text).line_col(text, e.offset).0, 3);
        assert!(e.message.starts_with("invalid JSON"));
    }
}
