//! The crosswalk report in Markdown: a summary, coverage per function or chapter, one row per
//! framework item, then every ISO/IEC 42001 control.

use std::io::{self, Write};

use aimslint_packs::Relation;

use crate::RunInfo;
use crate::posture::{ControlPosture, Counts, FrameworkPosture, ItemPosture, Posture, Status};

pub fn write(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let names: Vec<&str> = p.frameworks.iter().map(|f| f.framework.as_str()).collect();
    writeln!(
        out,
        "# Crosswalk: ISO/IEC 42001 to {}",
        if names.is_empty() {
            "no framework".to_string()
        } else {
            names.join(" and ")
        }
    )?;
    writeln!(out)?;
    header(info, out)?;
    writeln!(out, "## Summary")?;
    writeln!(out)?;
    summary_table(p, out)?;
    writeln!(out)?;
    legend(out)?;
    for f in &p.frameworks {
        framework(f, out)?;
    }
    writeln!(out, "## ISO/IEC 42001 controls")?;
    writeln!(out)?;
    writeln!(
        out,
        "| control | title | status | rules | findings | evidence |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for c in &p.controls {
        control_row(c, out)?;
    }
    Ok(())
}

/// The lines under the title: what was judged, when, by what.
pub(crate) fn header(info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Derived from one lint run of {}, judged as of {}, by aimslint {} (packs: {}).",
        info.source(),
        info.as_of,
        info.tool_version,
        info.pack_list()
    )?;
    writeln!(
        out,
        "A status says what the evidence in the repository shows; it is not a statement of conformity."
    )?;
    writeln!(out)
}

pub(crate) fn legend(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Statuses, most severe first:")?;
    writeln!(out)?;
    for s in Status::ALL {
        writeln!(out, "- `{s}`: {}", s.meaning())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "A framework item takes the most severe status of the ISO/IEC 42001 controls it maps to; an item that maps to none is `manual`. Relations (NIST IR 8278): `=` equal, `⊂` subset-of, `⊃` superset-of, `∩` intersects-with. Evidence is `path@commit`, or `path@worktree` for a file not committed as it is; a finding is `RULE path:line`, with `@commit` (the commit that introduced it) when the report judged history."
    )?;
    writeln!(out)
}

fn summary_table(p: &Posture, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "| | items")?;
    for s in Status::ALL {
        write!(out, " | {s}")?;
    }
    writeln!(out, " |")?;
    writeln!(out, "|---|---:{}|", "|---:".repeat(Status::ALL.len()))?;
    counts_row(
        "ISO/IEC 42001 controls (clauses and Annex A)",
        &p.counts,
        out,
    )?;
    for f in &p.frameworks {
        counts_row(&format!("{} items", f.framework), &f.counts, out)?;
    }
    Ok(())
}

fn counts_row(label: &str, c: &Counts, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "| {label} | {}", c.total())?;
    for s in Status::ALL {
        write!(out, " | {}", c.get(s))?;
    }
    writeln!(out, " |")
}

fn framework(f: &FrameworkPosture, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## {}", f.framework)?;
    writeln!(out)?;
    writeln!(
        out,
        "{} {}, pack `{}` {}: {} items, {} crosswalk pairs to `{}`.",
        f.framework,
        f.edition,
        f.id,
        f.version,
        f.items.len(),
        f.pairs,
        f.target
    )?;
    writeln!(out)?;
    writeln!(out, "### Coverage")?;
    writeln!(out)?;
    write!(out, "| group | items | mapped")?;
    for s in Status::ALL {
        write!(out, " | {s}")?;
    }
    writeln!(out, " |")?;
    writeln!(out, "|---|---:|---:{}|", "|---:".repeat(Status::ALL.len()))?;
    for g in &f.coverage {
        write!(
            out,
            "| {} {} | {} | {}",
            g.id,
            cell(&g.title),
            g.items,
            g.mapped
        )?;
        for s in Status::ALL {
            write!(out, " | {}", g.counts.get(s))?;
        }
        writeln!(out, " |")?;
    }
    writeln!(out)?;
    writeln!(out, "### Items")?;
    writeln!(out)?;
    let dated = f.items.iter().any(|i| i.applies_from.is_some());
    if dated {
        writeln!(
            out,
            "| item | title | applies from | status | ISO/IEC 42001 controls | findings | evidence |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
    } else {
        writeln!(
            out,
            "| item | title | status | ISO/IEC 42001 controls | findings | evidence |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
    }
    for i in &f.items {
        item_row(i, dated, out)?;
    }
    writeln!(out)
}

fn item_row(i: &ItemPosture, dated: bool, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "| {} | {} |", short(&i.id), cell(&i.title))?;
    if dated {
        write!(out, " {} |", applies(i))?;
    }
    let controls: Vec<String> = i
        .controls
        .iter()
        .map(|m| {
            format!(
                "{} {} {}",
                relation_symbol(m.relation),
                short(&m.control),
                m.status
            )
        })
        .collect();
    writeln!(
        out,
        " {} | {} | {} | {} |",
        status_cell(i.status),
        if controls.is_empty() {
            "none mapped".to_string()
        } else {
            controls.join("<br>")
        },
        findings_cell(&i.findings),
        code_list(&i.evidence)
    )
}

fn control_row(c: &ControlPosture, out: &mut dyn Write) -> io::Result<()> {
    let status = match &c.justification {
        Some(j) => format!("{}: {}", status_cell(c.status), cell(j)),
        None => status_cell(c.status),
    };
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        short(&c.id),
        cell(&c.title),
        status,
        rules_cell(&c.rules, c.status),
        findings_cell(&c.findings),
        code_list(&c.evidence)
    )
}

/// The rules citing a control; a control no rule reads says so.
pub(crate) fn rules_cell(rules: &[String], status: Status) -> String {
    if rules.is_empty() && status == Status::EvidencePresent {
        "none: not verified".into()
    } else {
        list(rules, ", ")
    }
}

/// Each open finding as `RULE path:line` (`@commit` from history), with its severity when it is
/// not an error; waived ones marked.
pub(crate) fn findings_cell(findings: &[crate::posture::FindingRef]) -> String {
    let shown: Vec<String> = findings
        .iter()
        .map(|f| {
            let mut s = format!(
                "{} `{}`",
                f.rule,
                f.place().replace('`', "'").replace('|', "\\|")
            );
            if f.severity != aimslint_packs::Severity::Error {
                s.push_str(&format!(" ({})", f.severity.as_str()));
            }
            if f.waived {
                s.push_str(" (waived)");
            }
            s
        })
        .collect();
    if shown.is_empty() {
        "–".into()
    } else {
        shown.join("<br>")
    }
}

/// "2027-12-02 (amended, not yet in effect)".
pub(crate) fn applies(i: &ItemPosture) -> String {
    match &i.applies_from {
        Some(d) => {
            let mut notes = Vec::new();
            if let Some(s) = &i.applies_status {
                notes.push(s.clone());
            }
            if i.in_effect == Some(false) {
                notes.push("not yet in effect".into());
            }
            if notes.is_empty() {
                d.clone()
            } else {
                format!("{d} ({})", notes.join(", "))
            }
        }
        None => "–".into(),
    }
}

pub(crate) fn status_cell(s: Status) -> String {
    match s {
        Status::Failing | Status::NoEvidence => format!("**{s}**"),
        Status::Warning | Status::EvidencePresent => format!("*{s}*"),
        _ => s.to_string(),
    }
}

pub(crate) fn relation_symbol(r: Relation) -> &'static str {
    match r {
        Relation::Equal => "=",
        Relation::SubsetOf => "⊂",
        Relation::SupersetOf => "⊃",
        Relation::IntersectsWith => "∩",
    }
}

/// `iso42001:A.7.5` → `A.7.5`.
pub(crate) fn short(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, s)| s)
}

/// Text safe inside a Markdown table cell.
pub(crate) fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub(crate) fn list(items: &[String], sep: &str) -> String {
    if items.is_empty() {
        "–".into()
    } else {
        items.iter().map(|s| cell(s)).collect::<Vec<_>>().join(sep)
    }
}

pub(crate) fn code_list(items: &[String]) -> String {
    if items.is_empty() {
        "–".into()
    } else {
        items
            .iter()
            .map(|s| format!("`{}`", s.replace('`', "'").replace('|', "\\|")))
            .collect::<Vec<_>>()
            .join("<br>")
    }
}
