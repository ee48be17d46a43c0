//! Markdown documents, with optional YAML front matter (Hugging Face cards).
//!
//! The document value is `{ "meta": <front matter>, "sections": { <slug>: { title, level, text } },
//! "body": <text after the front matter> }`, so a front-matter key can never collide with a section.
//! `meta` is absent when the file has no front matter.

use std::collections::HashMap;

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
}

fn is_delim(line: &str, d: &str) -> bool {
    line.trim_end_matches(['\r', '\n']).trim_end() == d
}

/// Find the front matter block, if the file has one.
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
        if !is_delim(line, "---") {
            return Ok(None);
        }
        let open = pos;
        let yaml_start = pos + line_end;
        let mut cur = yaml_start;
        while cur < text.len() {
            let r = &text[cur..];
            let le = r.find('\n').map_or(r.len(), |i| i + 1);
            let l = &r[..le];
            if is_delim(l, "---") || is_delim(l, "...") {
                if cur - yaml_start > MAX_FRONT_MATTER {
                    break;
                }
                return Ok(Some(FrontMatter {
                    yaml: &text[yaml_start..cur],
                    yaml_start,
                    open,
                    body_start: cur + le,
                    not_first,
                }));
            }
            cur += le;
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

pub(crate) fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut value = Map::new();
    let mut spans = Spans::default();
    let mut notices = Vec::new();
    let mut deferred = None;
    spans.insert(String::new(), 0, 0);
    let body_start = match front_matter(text)? {
        Some(fm) => {
            let meta = crate::yaml::parse_value(fm.yaml, fm.yaml_start)?;
            deferred = Some(crate::Deferred::Yaml {
                start: fm.yaml_start,
                end: fm.yaml_start + fm.yaml.len(),
                prefix: "/meta",
            });
            spans.insert("/meta".into(), fm.open, fm.open + 3);
            if fm.not_first {
                notices.push(Notice {
                    code: "front-matter-not-first",
                    message: "blank lines precede the front matter: Hugging Face reads such a card as having no metadata; make `---` the first line".into(),
                    offset: fm.open,
                });
            }
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
            fm.body_start
        }
        None => 0,
    };
    let body = &text[body_start..];
    let (sections, places) = sections(body, body_start);
    spans.insert("/sections".into(), body_start, body_start);
    spans.insert("/body".into(), body_start, body_start);
    value.insert("sections".into(), Value::Object(sections));
    value.insert("body".into(), Value::String(body.to_string()));
    let mut parsed = Parsed::new(Format::Markdown, Value::Object(value), spans)
        .defer(crate::Deferred::Sections(places));
    if let Some(d) = deferred {
        parsed = parsed.defer(d);
    }
    parsed.notices = notices;
    Ok(parsed)
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

/// Where sections were, as `sections` records them: made into spans only when a finding needs a line.
type Places = Vec<(String, usize, usize, usize, usize)>;

pub(crate) fn section_spans(places: &Places) -> Spans {
    let mut spans = Spans::default();
    let sections = spans.child(ROOT, "sections");
    for (key, start, end, text_start, text_end) in places {
        let section = spans.child(sections, key);
        let title = spans.child(section, "title");
        spans.set(title, *start, *end);
        let text = spans.child(section, "text");
        spans.set(text, *text_start, *text_end);
        spans.set(section, *start, *end);
    }
    spans
}

fn sections(body: &str, base: usize) -> (Map<String, Value>, Places) {
    let mut headings: Vec<Heading> = Vec::new();
    let mut current: Option<Heading> = None;
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
                    headings.push(h);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.title.push_str(&t);
                }
            }
            _ => {}
        }
    }
    let mut map = Map::new();
    let mut places = Vec::with_capacity(headings.len());
    // The next number to try after each slug that was taken: `-1`, `-2`, … are tried once per
    // slug, not once per heading, so a thousand equal headings cost a thousand steps, not a
    // million. Every key below that number is taken (keys are never removed), so the first free
    // one is the same as counting up from 1.
    let mut next: HashMap<String, usize> = HashMap::new();
    for (i, h) in headings.iter().enumerate() {
        let text_end = headings[i + 1..]
            .iter()
            .find(|n| n.level <= h.level)
            .map_or(body.len(), |n| n.start);
        let text = body[h.end.min(text_end)..text_end].trim();
        let title = h.title.trim().to_string();
        let base_slug = slug(&title);
        let base_slug = if base_slug.is_empty() {
            "section".to_string()
        } else {
            base_slug
        };
        let key = if map.contains_key(&base_slug) {
            let n = next.entry(base_slug.clone()).or_insert(1);
            loop {
                let key = format!("{base_slug}-{n}");
                *n += 1;
                if !map.contains_key(&key) {
                    break key;
                }
            }
        } else {
            base_slug
        };
        places.push((
            key.clone(),
            base + h.start,
            base + h.end,
            base + h.end.min(text_end),
            base + text_end,
        ));
        let mut sec = Map::new();
        sec.insert("title".into(), Value::String(title));
        sec.insert("level".into(), Value::from(h.level));
        sec.insert("text".into(), Value::String(text.to_string()));
        map.insert(key, Value::Object(sec));
    }
    (map, places)
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

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = parse("---\nlicense: mit\n# T\n").unwrap_err();
        assert_eq!(e.offset, 0);
    }

    #[test]
    fn yaml_error_in_front_matter_is_placed_in_the_file() {
        let text = "---\nlicense: mit\nbad: [x\n---\n";
        let e = parse(text).unwrap_err();
        assert!(LineIndex::new(text).line_col(text, e.offset).0 >= 3);
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
        assert_eq!(
            slug("  Intended uses & limitations "),
            "intended-uses-limitations"
        );
    }
}
