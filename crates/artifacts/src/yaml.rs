//! YAML with a JSON Pointer → span table.
//!
//! Values come from serde-saphyr (budgets on: alias bombs, deep nesting and event storms are errors).
//! Positions come from a second, cheap walk over granit-parser's event stream, which never expands
//! aliases, so the span table is linear in the text whatever the document does.

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Parser};

use crate::lines::LineIndex;
use crate::pointer::{Spans, join_pointer};
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
    ParseError {
        kind,
        message: format!("invalid YAML: {message}"),
        offset: base + offset.min(text.len()),
    }
}

/// serde-saphyr's messages end with " at line X column Y"; we place the error ourselves.
fn clean_message(s: &str) -> String {
    let first = s.lines().next().unwrap_or(s).trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    cut.trim_end_matches(':').to_string()
}

enum Frame {
    Map {
        ptr: String,
        key: Option<(String, usize)>,
        /// Depth of a complex (non-scalar) key being skipped.
        skip: usize,
    },
    Seq {
        ptr: String,
        idx: usize,
    },
}

/// Record where each pointer was written: from its key (or sequence dash) to the end of its scalar,
/// or to the end of its key for a nested collection.
pub(crate) fn spans(text: &str, base: usize) -> Spans {
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
        let (ptr, from) = match stack.last_mut() {
            None => (String::new(), start),
            Some(Frame::Map { ptr, key, skip }) => {
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
                    Some((k, kstart)) => (join_pointer(ptr, &k), kstart),
                }
            }
            Some(Frame::Seq { ptr, idx }) => (format!("{ptr}/{idx}"), start),
        };
        if is_open {
            let key_end = if ptr.is_empty() { end } else { end.max(from) };
            spans.insert(ptr.clone(), base + from, base + key_end);
            stack.push(match event {
                Event::MappingStart(..) => Frame::Map {
                    ptr,
                    key: None,
                    skip: 0,
                },
                _ => Frame::Seq { ptr, idx: 0 },
            });
        } else {
            spans.insert(ptr, base + from, base + end.max(from));
            advance(&mut stack);
        }
    }
    spans
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

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(parse("a: 1\na: 2\n", 0).is_err());
    }
}
