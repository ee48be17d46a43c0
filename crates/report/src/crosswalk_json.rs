//! The crosswalk report as JSON; its shape is `schemas/crosswalk-report.schema.json`.

use std::io::{self, Write};

use serde::Serialize;

use crate::posture::{ControlPosture, Counts, FrameworkPosture, Posture};
use crate::{PackInfo, RunInfo, Tool, pack_infos};

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

pub fn write(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        report: "crosswalk",
        tool: Tool::new(info.tool_version),
        as_of: &info.as_of,
        head: info.head.as_deref(),
        packs: pack_infos(info.packs),
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
