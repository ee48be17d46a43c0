//! TOML evidence files, with spans from toml's own spanned document tree.

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::pointer::{Spans, join_pointer};
use crate::{Format, ParseError, ParseErrorKind, Parsed};

pub(crate) fn parse(text: &str) -> Result<Parsed, ParseError> {
    let table = DeTable::parse(text).map_err(|e| ParseError {
        kind: ParseErrorKind::Syntax,
        message: format!("invalid TOML: {}", e.message().trim()),
        offset: e.span().map_or(0, |s| s.start),
    })?;
    let mut spans = Spans::default();
    spans.insert(String::new(), 0, 0);
    let value = table_to_json(table.get_ref(), "", &mut spans);
    Ok(Parsed::new(Format::Toml, value, spans))
}

fn table_to_json(table: &DeTable<'_>, ptr: &str, spans: &mut Spans) -> Value {
    let mut map = Map::new();
    for (k, v) in table {
        let p = join_pointer(ptr, k.get_ref());
        let (ks, ve) = (k.span().start, v.span().end);
        spans.insert(p.clone(), ks, ve.max(ks));
        map.insert(k.get_ref().to_string(), to_json(v, &p, spans));
    }
    Value::Object(map)
}

fn to_json(v: &Spanned<DeValue<'_>>, ptr: &str, spans: &mut Spans) -> Value {
    match v.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(i.as_str().to_string())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(f.as_str().to_string()), Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, item)| {
                    let p = format!("{ptr}/{i}");
                    spans.insert(p.clone(), item.span().start, item.span().end);
                    to_json(item, &p, spans)
                })
                .collect(),
        ),
        DeValue::Table(t) => table_to_json(t, ptr, spans),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LineIndex;

    #[test]
    fn toml_spans() {
        let text = "dataset = \"x\"\n[quality]\nassessed = 2026-02-20\nscore = 0.9\n";
        let p = parse(text).unwrap();
        assert_eq!(p.value["quality"]["assessed"], "2026-02-20");
        let s = p.spans(text).locate("/quality/assessed").unwrap().0;
        assert_eq!(LineIndex::new(text).line_col(text, s).0, 3);
        let e = parse("a = \n").unwrap_err();
        assert!(e.message.starts_with("invalid TOML"));
    }
}
