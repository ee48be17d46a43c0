//! The Statement of Applicability: every ISO/IEC 42001 Annex A control, applicable or excluded with
//! its justification, its implementation status as the evidence shows it, the evidence and the rules.
//! Markdown, CSV and JSON here; HTML in `html.rs`, OSCAL in `oscal.rs`.

use std::io::{self, Write};

use serde::Serialize;

use crate::crosswalk_csv::row;
use crate::crosswalk_md::{cell, code_list, header, list, rules_cell, short, status_cell};
use crate::posture::{ControlPosture, Counts, FindingRef, Posture, Status};
use crate::{PackInfo, RunInfo, Tool, pack_infos};

/// One row of the Statement of Applicability.
#[derive(Debug, Serialize)]
pub(crate) struct SoaRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub area: &'a str,
    pub area_title: String,
    pub applicable: bool,
    pub justification: Option<&'a str>,
    pub status: Status,
    pub rules: &'a [String],
    pub failing_rules: &'a [String],
    pub evidence: &'a [String],
    pub findings: &'a [FindingRef],
}

#[derive(Debug, Serialize)]
pub(crate) struct SoaSummary {
    pub controls: usize,
    pub applicable: usize,
    pub excluded: usize,
    /// Implementation status of every control (excluded ones are `not-applicable`).
    pub counts: Counts,
}

pub(crate) fn rows<'a>(p: &'a Posture, info: &RunInfo<'_>) -> Vec<SoaRow<'a>> {
    p.annex_a().map(|c| soa_row(c, info)).collect()
}

fn soa_row<'a>(c: &'a ControlPosture, info: &RunInfo<'_>) -> SoaRow<'a> {
    let area = c.parent.as_deref().unwrap_or("");
    let pack = c.id.split_once(':').map_or("", |(p, _)| p);
    SoaRow {
        id: &c.id,
        title: &c.title,
        area,
        area_title: info
            .packs
            .control(&format!("{pack}:{area}"))
            .map(|a| a.title.clone())
            .unwrap_or_default(),
        applicable: c.justification.is_none(),
        justification: c.justification.as_deref(),
        status: c.status,
        rules: &c.rules,
        failing_rules: &c.failing_rules,
        evidence: &c.evidence,
        findings: &c.findings,
    }
}

pub(crate) fn summary(rows: &[SoaRow<'_>]) -> SoaSummary {
    let applicable = rows.iter().filter(|r| r.applicable).count();
    SoaSummary {
        controls: rows.len(),
        applicable,
        excluded: rows.len() - applicable,
        counts: Counts::of(rows.iter().map(|r| r.status)),
    }
}

pub fn write_md(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rows = rows(p, info);
    let sum = summary(&rows);
    writeln!(
        out,
        "# Statement of Applicability: ISO/IEC 42001:2023 Annex A"
    )?;
    writeln!(out)?;
    header(info, out)?;
    writeln!(
        out,
        "{} Annex A controls: {} applicable, {} excluded.",
        sum.controls, sum.applicable, sum.excluded
    )?;
    writeln!(out)?;
    writeln!(out, "| implementation status | controls | meaning |")?;
    writeln!(out, "|---|---:|---|")?;
    for s in Status::ALL {
        writeln!(out, "| {s} | {} | {} |", sum.counts.get(s), s.meaning())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "A control is applicable unless `[soa.exclude]` in aimslint.toml excludes it with a justification. Evidence is `path@commit`, or `path@worktree` for a file not committed as it is."
    )?;
    let mut area = None;
    for r in &rows {
        if area != Some(r.area) {
            area = Some(r.area);
            writeln!(out)?;
            writeln!(out, "## {} {}", r.area, r.area_title)?;
            writeln!(out)?;
            writeln!(
                out,
                "| control | title | applicable | implementation status | rules | evidence |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|")?;
        }
        let applicable = match r.justification {
            Some(j) => format!("no: {}", cell(j)),
            None => "yes".into(),
        };
        let status = if r.failing_rules.is_empty() {
            status_cell(r.status)
        } else {
            format!(
                "{} ({})",
                status_cell(r.status),
                list(r.failing_rules, ", ")
            )
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            short(r.id),
            cell(r.title),
            applicable,
            status,
            rules_cell(r.rules, r.status),
            code_list(r.evidence)
        )?;
    }
    Ok(())
}

pub fn write_csv(p: &Posture, out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "control",
        "title",
        "area",
        "applicable",
        "justification",
        "status",
        "rules",
        "failing_rules",
        "evidence",
    ];
    row(out, &header.map(str::to_string))?;
    for c in p.annex_a() {
        row(
            out,
            &[
                c.id.clone(),
                c.title.clone(),
                c.parent.clone().unwrap_or_default(),
                c.justification.is_none().to_string(),
                c.justification.clone().unwrap_or_default(),
                c.status.to_string(),
                c.rules.join("; "),
                c.failing_rules.join("; "),
                c.evidence.join("; "),
            ],
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Report<'a> {
    report: &'static str,
    tool: Tool<'a>,
    as_of: &'a str,
    head: Option<&'a str>,
    packs: Vec<PackInfo>,
    summary: SoaSummary,
    controls: Vec<SoaRow<'a>>,
}

pub fn write_json(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let controls = rows(p, info);
    let report = Report {
        report: "soa",
        tool: Tool::new(info.tool_version),
        as_of: &info.as_of,
        head: info.head.as_deref(),
        packs: pack_infos(info.packs),
        summary: summary(&controls),
        controls,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
