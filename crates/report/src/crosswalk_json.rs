//! The crosswalk report as JSON; its shape is `schemas/crosswalk-report.schema.json`.

use std::io::{self, Write};

use serde::Serialize;

use crate::posture::{ControlPosture, Counts, FrameworkPosture, Posture};
use crate::{PackInfo, RunInfo};

#[derive(Serialize)]
pub(crate) struct Tool<'a> {
    pub name: &'static str,
    pub version: &'a str,
}

#[derive(Serialize)]
struct Report<'a> {
    report: &'static str,
    tool: Tool<'a>,
    as_of: &'a str,
    head: Option<&'a str>,
    packs: Vec<PackInfo>,
    summary: Summary<'a>,
    controls: &'a [ControlPosture],
    frameworks: &'a [FrameworkPosture],
}

#[derive(Serialize)]
struct Summary<'a> {
    controls: &'a Counts,
    frameworks: Vec<FrameworkSummary<'a>>,
}

#[derive(Serialize)]
struct FrameworkSummary<'a> {
    id: &'a str,
    items: usize,
    pairs: usize,
    counts: &'a Counts,
}

pub(crate) fn tool<'a>(info: &RunInfo<'a>) -> Tool<'a> {
    Tool {
        name: "aimslint",
        version: info.tool_version,
    }
}

pub(crate) fn packs(info: &RunInfo<'_>) -> Vec<PackInfo> {
    info.packs
        .packs
        .iter()
        .map(|p| PackInfo {
            id: p.manifest.id.clone(),
            version: p.manifest.version.to_string(),
            sha256: p.digest.clone(),
            origin: p.files.origin.clone(),
        })
        .collect()
}

pub fn write(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        report: "crosswalk",
        tool: tool(info),
        as_of: &info.as_of,
        head: info.head.as_deref(),
        packs: packs(info),
        summary: Summary {
            controls: &p.counts,
            frameworks: p
                .frameworks
                .iter()
                .map(|f| FrameworkSummary {
                    id: &f.id,
                    items: f.items.len(),
                    pairs: f.pairs,
                    counts: &f.counts,
                })
                .collect(),
        },
        controls: &p.controls,
        frameworks: &p.frameworks,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
