use std::io::{self, Write};

use aimslint_engine::{Artifact, Finding, HistoryInfo, Outcome, Summary};
use serde::Serialize;

use crate::{Meta, PackInfo, Reporter, Tool};

/// The JSON report; its shape is `schemas/report.schema.json`.
#[derive(Debug)]
pub struct Json;

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool<'a>,
    as_of: &'a str,
    source: &'a str,
    packs: Vec<PackInfo>,
    summary: Summary,
    history: Option<&'a HistoryInfo>,
    findings: &'a [Finding],
    artifacts: &'a [Artifact],
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<Shard>,
}

#[derive(Serialize)]
struct Shard {
    index: u32,
    count: u32,
}

impl Reporter for Json {
    fn report(&self, outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        let report = Report {
            tool: Tool::new(meta.tool_version),
            as_of: &meta.as_of,
            source: &meta.source,
            packs: meta.pack_infos(),
            summary: outcome.summary(),
            history: outcome.history.as_ref(),
            findings: &outcome.findings,
            artifacts: &outcome.artifacts,
            shard: meta.shard.map(|(index, count)| Shard { index, count }),
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)
    }
}
