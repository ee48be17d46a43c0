//! Which ISO/IEC 42001 controls and framework items changed status between two revisions: what a
//! release did to the posture. Markdown and JSON.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde::Serialize;

use crate::crosswalk_md::{cell, list, short, status_cell};
use crate::posture::{Counts, Posture, Status};

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// As given on the command line.
    pub rev: String,
    /// The commit's short id.
    pub commit: String,
    /// The date it was judged at.
    pub as_of: String,
}

/// A control or item whose status differs between the revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The pack: `iso42001`, `nist-ai-rmf`, `eu-ai-act`.
    pub framework: String,
    pub id: String,
    pub title: String,
    /// `null` when the control or item is not in that revision's packs.
    pub from: Option<Status>,
    pub to: Option<Status>,
    /// Rules failing before and not after.
    pub fixed: Vec<String>,
    /// Rules failing after and not before.
    pub new: Vec<String>,
}

struct Entry {
    framework: String,
    id: String,
    title: String,
    status: Status,
    failing: BTreeSet<String>,
}

fn entries(p: &Posture) -> Vec<Entry> {
    let mut out: Vec<Entry> = p
        .controls
        .iter()
        .map(|c| Entry {
            framework: p.base.clone(),
            id: c.id.clone(),
            title: c.title.clone(),
            status: c.status,
            failing: c.failing_rules.iter().cloned().collect(),
        })
        .collect();
    for f in &p.frameworks {
        out.extend(f.items.iter().map(|i| Entry {
            framework: f.id.clone(),
            id: i.id.clone(),
            title: i.title.clone(),
            status: i.status,
            failing: i.failing_rules.iter().cloned().collect(),
        }));
    }
    out
}

/// Every control and item whose status or failing rules differ, in catalogue order (the later
/// revision's, then what only the earlier one had).
pub fn status_changes(before: &Posture, after: &Posture) -> Vec<StatusChange> {
    let old = entries(before);
    let new = entries(after);
    let mut out = Vec::new();
    for n in &new {
        let o = old.iter().find(|o| o.id == n.id);
        let empty = BTreeSet::new();
        let o_failing = o.map_or(&empty, |o| &o.failing);
        if o.map(|o| o.status) != Some(n.status) || *o_failing != n.failing {
            out.push(StatusChange {
                framework: n.framework.clone(),
                id: n.id.clone(),
                title: n.title.clone(),
                from: o.map(|o| o.status),
                to: Some(n.status),
                fixed: o_failing.difference(&n.failing).cloned().collect(),
                new: n.failing.difference(o_failing).cloned().collect(),
            });
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| n.id == o.id)) {
        out.push(StatusChange {
            framework: o.framework.clone(),
            id: o.id.clone(),
            title: o.title.clone(),
            from: Some(o.status),
            to: None,
            fixed: o.failing.iter().cloned().collect(),
            new: Vec::new(),
        });
    }
    out
}

#[derive(Serialize)]
struct Report<'a> {
    report: &'static str,
    tool: crate::Tool<'a>,
    from: &'a Revision,
    to: &'a Revision,
    summary: Vec<SummaryRow<'a>>,
    changes: &'a [StatusChange],
}

#[derive(Serialize)]
struct SummaryRow<'a> {
    framework: &'a str,
    from: &'a Counts,
    to: &'a Counts,
}

fn summary<'a>(before: &'a Posture, after: &'a Posture) -> Vec<SummaryRow<'a>> {
    let mut rows = vec![SummaryRow {
        framework: &after.base,
        from: &before.counts,
        to: &after.counts,
    }];
    for f in &after.frameworks {
        if let Some(b) = before.frameworks.iter().find(|b| b.id == f.id) {
            rows.push(SummaryRow {
                framework: &f.id,
                from: &b.counts,
                to: &f.counts,
            });
        }
    }
    rows
}

/// Write the comparison of `before` (at `from`) and `after` (at `to`).
pub fn write_diff(
    before: &Posture,
    after: &Posture,
    from: &Revision,
    to: &Revision,
    tool_version: &str,
    format: crate::Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    let changes = status_changes(before, after);
    match format {
        crate::Format::Json => {
            let report = Report {
                report: "diff",
                tool: crate::Tool::new(tool_version),
                from,
                to,
                summary: summary(before, after),
                changes: &changes,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        crate::Format::Md => write_md(before, after, from, to, tool_version, &changes, out),
        other => Err(crate::unsupported("posture diff", other)),
    }
}

fn write_md(
    before: &Posture,
    after: &Posture,
    from: &Revision,
    to: &Revision,
    tool_version: &str,
    changes: &[StatusChange],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "# Posture change: {} → {}", from.rev, to.rev)?;
    writeln!(out)?;
    writeln!(
        out,
        "From {} (judged as of {}) to {} (judged as of {}), by aimslint {tool_version}.",
        from.commit, from.as_of, to.commit, to.as_of
    )?;
    writeln!(out)?;
    write!(out, "| | ")?;
    let heads: Vec<String> = Status::ALL.iter().map(|s| s.to_string()).collect();
    writeln!(out, "{} |", heads.join(" | "))?;
    writeln!(out, "|---{}|", "|---:".repeat(Status::ALL.len()))?;
    for r in summary(before, after) {
        write!(out, "| {} |", r.framework)?;
        for s in Status::ALL {
            let (a, b) = (r.from.get(s), r.to.get(s));
            if a == b {
                write!(out, " {b} |")?;
            } else {
                write!(out, " {a} → {b} |")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    if changes.is_empty() {
        writeln!(out, "No control or framework item changed status.")?;
        return Ok(());
    }
    let st = |s: Option<Status>| s.map_or("–".to_string(), status_cell);
    for group in changes.chunk_by(|a, b| a.framework == b.framework) {
        writeln!(out, "## {}", group[0].framework)?;
        writeln!(out)?;
        writeln!(out, "| id | title | before | after | fixed | new |")?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for c in group {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                short(&c.id),
                cell(&c.title),
                st(c.from),
                st(c.to),
                list(&c.fixed, ", "),
                list(&c.new, ", ")
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
