//! The Statement of Applicability: every ISO/IEC 42001 Annex A control, applicable or excluded with
//! its justification, its implementation status as the evidence shows it, the evidence and the rules.
//! Markdown, CSV and JSON here; HTML in `html.rs`, OSCAL in `oscal.rs`.

use std::io::{self, Write};

use serde::Serialize;

use crate::crosswalk_csv::row;
use crate::crosswalk_md::{cell, code_list, findings_cell, header, rules_cell, short, status_cell};
use crate::posture::{ControlPosture, Counts, FindingRef, Posture, Status};
use crate::{PackInfo, RunInfo, Tool, pack_infos};
use aimslint_engine::ImplementationState;

/// One row of the Statement of Applicability.
#[derive(Debug, Serialize)]
pub(crate) struct SoaRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub area: &'a str,
    pub area_title: String,
    pub applicable: bool,
    pub justification: Option<&'a str>,
    /// Why it is included (applicable controls): declared, or the control's description.
    pub inclusion: Option<&'a str>,
    pub inclusion_default: bool,
    pub owner: Option<&'a str>,
    pub declared_state: Option<ImplementationState>,
    pub declared_date: Option<&'a str>,
    /// The verdict: what the evidence shows.
    pub status: Status,
    /// A declared state the verdict contradicts.
    pub claim_gap: Option<&'a str>,
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
    /// Controls whose declared state the verdict contradicts.
    pub claim_gaps: usize,
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
        inclusion: c.inclusion.as_deref(),
        inclusion_default: c.inclusion_default,
        owner: c.owner.as_deref(),
        declared_state: c.declared_state,
        declared_date: c.declared_date.as_deref(),
        status: c.status,
        claim_gap: c.claim_gap.as_deref(),
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
        claim_gaps: rows.iter().filter(|r| r.claim_gap.is_some()).count(),
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
        "{} Annex A controls: {} applicable, {} excluded; {} with a declared state the evidence contradicts.",
        sum.controls, sum.applicable, sum.excluded, sum.claim_gaps
    )?;
    writeln!(out)?;
    writeln!(out, "| verdict | controls | meaning |")?;
    writeln!(out, "|---|---:|---|")?;
    for s in Status::ALL {
        writeln!(out, "| {s} | {} | {} |", sum.counts.get(s), s.meaning())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "A control is applicable unless `[soa.exclude]` in aimslint.toml excludes it with a justification. Its inclusion justification, owner and declared implementation state come from `[soa.control.\"<id>\"]` (`justification`, `owner`, `state` = implemented, partial, planned or not-implemented, `date`); without a declared justification the control's description stands in, marked *(default)*. The verdict is what the evidence shows; ⚠ marks a declared state it contradicts. Evidence is `path@commit`, or `path@worktree` for a file not committed as it is; a finding is `RULE path:line`."
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
                "| control | title | applicable | owner | declared state | verdict | findings | rules | evidence |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
        }
        let applicable = match (r.justification, r.inclusion) {
            (Some(j), _) => format!("no: {}", cell(j)),
            (None, Some(i)) if r.inclusion_default => format!("yes: {} *(default)*", cell(i)),
            (None, Some(i)) => format!("yes: {}", cell(i)),
            (None, None) => "yes".into(),
        };
        let declared = match (r.declared_state, r.declared_date) {
            (Some(s), Some(d)) => format!("{} ({d})", s.as_str()),
            (Some(s), None) => s.as_str().to_string(),
            _ => "–".into(),
        };
        let verdict = match r.claim_gap {
            Some(gap) => format!("{} ⚠ {}", status_cell(r.status), cell(gap)),
            None => status_cell(r.status),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            short(r.id),
            cell(r.title),
            applicable,
            r.owner.map_or_else(|| "–".to_string(), cell),
            declared,
            verdict,
            findings_cell(r.findings),
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
        "inclusion",
        "owner",
        "declared_state",
        "declared_date",
        "status",
        "claim_gap",
        "rules",
        "failing_rules",
        "findings",
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
                c.inclusion.clone().unwrap_or_default(),
                c.owner.clone().unwrap_or_default(),
                c.declared_state
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                c.declared_date.clone().unwrap_or_default(),
                c.status.to_string(),
                c.claim_gap.clone().unwrap_or_default(),
                c.rules.join("; "),
                c.failing_rules.join("; "),
                c.findings
                    .iter()
                    .map(|f| format!("{} {}", f.rule, f.place()))
                    .collect::<Vec<_>>()
                    .join("; "),
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
