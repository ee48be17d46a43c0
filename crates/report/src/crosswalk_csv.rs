//! The crosswalk report as CSV (RFC 4180): one row per crosswalk pair, and one per framework item
//! that maps to no control, so a spreadsheet can filter and pivot it.

use std::io::{self, Write};

use crate::posture::{Posture, Status};

const HEADER: [&str; 16] = [
    "framework",
    "item",
    "item_title",
    "group",
    "applies_from",
    "applies_status",
    "in_effect",
    "item_status",
    "control",
    "control_title",
    "relation",
    "source",
    "control_status",
    "failing_rules",
    "findings",
    "evidence",
];

pub fn write(p: &Posture, out: &mut dyn Write) -> io::Result<()> {
    row(out, &HEADER.map(str::to_string))?;
    for f in &p.frameworks {
        for i in &f.items {
            let item = [
                f.id.clone(),
                i.id.clone(),
                i.title.clone(),
                i.group.clone(),
                i.applies_from.clone().unwrap_or_default(),
                i.applies_status.clone().unwrap_or_default(),
                i.in_effect.map(|b| b.to_string()).unwrap_or_default(),
                i.status.to_string(),
            ];
            if i.controls.is_empty() {
                let mut r = item.to_vec();
                r.extend(std::iter::repeat_n(String::new(), 8));
                row(out, &r)?;
            }
            for m in &i.controls {
                let c = p.control(&m.control);
                let mut r = item.to_vec();
                r.extend([
                    m.control.clone(),
                    m.title.clone(),
                    m.relation.as_str().to_string(),
                    m.source.clone(),
                    m.status.to_string(),
                    c.map(|c| c.failing_rules.join("; ")).unwrap_or_default(),
                    // The findings behind a failing or warning control, each `RULE path:line`.
                    c.filter(|c| matches!(c.status, Status::Failing | Status::Warning))
                        .map(|c| {
                            c.findings
                                .iter()
                                .filter(|f| !f.waived)
                                .map(|f| format!("{} {}", f.rule, f.place()))
                                .collect::<Vec<_>>()
                                .join("; ")
                        })
                        .unwrap_or_default(),
                    // No evidence for a control whose status says there is none.
                    c.filter(|c| c.status != Status::NoEvidence)
                        .map(|c| c.evidence.join("; "))
                        .unwrap_or_default(),
                ]);
                row(out, &r)?;
            }
        }
    }
    Ok(())
}

/// One CSV record, CRLF-terminated as RFC 4180 says.
pub(crate) fn row(out: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    let cells: Vec<String> = fields.iter().map(|f| quote(f)).collect();
    write!(out, "{}\r\n", cells.join(","))
}

fn quote(s: &str) -> String {
    // A leading = + - @ would be read as a formula by spreadsheets: quote and prefix it.
    let guarded = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded != s {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting() {
        assert_eq!(quote("A.7.5"), "A.7.5");
        assert_eq!(quote("a, b"), "\"a, b\"");
        assert_eq!(quote("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(quote("=1+1"), "\"'=1+1\"");
    }
}
