use std::io::{self, Write};

use aimslint_engine::{Artifact, Finding, HistoryInfo, Outcome, Summary};
use serde::Serialize;

use crate::{Meta, PackInfo, Reporter, Tool};

/// The JSON report; its shape is `schemas/report.schema.json`.
#[derive(Debug)]
pub struct Json;

#[derive(Serialize, Clone)]
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

#[derive(Serialize, Clone, Copy)]
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
            findings: &[],
            artifacts: &outcome.artifacts,
            shard: meta.shard.map(|(index, count)| Shard { index, count }),
        };
        write_report(&report, &outcome.findings, out)
    }
}

/// How the pretty printer writes the report's empty list of findings (a top-level key, two spaces
/// in, `artifacts` always after it): where the findings, serialised apart, go instead.
const NO_FINDINGS: &[u8] = b"\n  \"findings\": [],";

/// Findings per piece serialised on one thread, and pieces serialised before they are written.
const PIECE: usize = 256;
const PIECES_IN_FLIGHT: usize = 16;

/// Write the report, its findings serialised in parallel: a history report holds thousands of
/// findings, and serialising them one after the other was the last thing a run did on one core.
/// The bytes are those `serde_json::to_writer_pretty` writes for the whole report: the rest of the
/// report is written with an empty list, which is then filled in, each finding serialised at the
/// top level and indented to its place (a JSON string holds no raw line break, so every line
/// break is between tokens).
fn write_report(empty: &Report<'_>, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    let rest = serde_json::to_vec_pretty(empty)?;
    let at = match rest
        .windows(NO_FINDINGS.len())
        .position(|w| w == NO_FINDINGS)
    {
        Some(at) if !findings.is_empty() => at,
        _ => {
            let whole = Report {
                findings,
                ..empty.clone()
            };
            serde_json::to_writer_pretty(&mut *out, &whole)?;
            return writeln!(out);
        }
    };
    out.write_all(&rest[..at])?;
    out.write_all(b"\n  \"findings\": [\n")?;
    let piece = |(i, chunk): (usize, &[Finding])| -> io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(chunk.len() * 1024);
        let mut one = Vec::with_capacity(2048);
        for (j, f) in chunk.iter().enumerate() {
            if i > 0 || j > 0 {
                buf.extend_from_slice(b",\n");
            }
            one.clear();
            serde_json::to_writer_pretty(&mut one, f)?;
            buf.extend_from_slice(b"    ");
            for line in one.split_inclusive(|&b| b == b'\n') {
                buf.extend_from_slice(line);
                if line.ends_with(b"\n") {
                    buf.extend_from_slice(b"    ");
                }
            }
        }
        Ok(buf)
    };
    let pieces: Vec<(usize, &[Finding])> = findings.chunks(PIECE).enumerate().collect();
    for group in pieces.chunks(PIECES_IN_FLIGHT) {
        let written: Vec<io::Result<Vec<u8>>> = group.par_iter().copied().map(piece).collect();
        for w in written {
            out.write_all(&w?)?;
        }
    }
    out.write_all(b"\n  ],")?;
    out.write_all(&rest[at + NO_FINDINGS.len()..])?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimslint_packs::Severity;

    fn finding(i: usize) -> Finding {
        Finding {
            rule: format!("DC-{:03}", i % 7),
            severity: if i.is_multiple_of(2) {
                Severity::Error
            } else {
                Severity::Warning
            },
            // Line breaks, quotes, backslashes and text in other scripts inside strings.
            message: format!("line one\nline \"two\" \\ {i} – données\t{{}}"),
            controls: (0..i % 3).map(|c| format!("iso42001:A.{c}")).collect(),
            path: format!("datasets/d{i}/README.md"),
            line: i + 1,
            column: 1,
            commit: i.is_multiple_of(5).then(|| format!("{i:040x}")),
            fixed_in: i.is_multiple_of(11).then(|| "f".repeat(40)),
            removed_in: None,
            obscured_in: None,
            pointer: i.is_multiple_of(3).then(|| format!("/sections/s{i}/text")),
            help: "Write the section.\n\n```yaml\nlicense: mit\n```".into(),
            fingerprint: format!("{i:016x}"),
            waived: i.is_multiple_of(13).then(|| aimslint_engine::WaiverState {
                reason: "accepted".into(),
                owner: "team".into(),
                expires: "2027-01-01".into(),
            }),
            span: None,
            blob: None,
            identity: None,
        }
    }

    /// The findings written in pieces on several threads are byte for byte what serialising the
    /// whole report at once writes, across piece boundaries and for an empty list.
    #[test]
    fn findings_written_in_pieces_are_the_whole_report() {
        for n in [
            0,
            1,
            2,
            PIECE - 1,
            PIECE,
            PIECE + 1,
            PIECE * PIECES_IN_FLIGHT + 3,
        ] {
            let findings: Vec<Finding> = (0..n).map(finding).collect();
            let empty = Report {
                tool: Tool::new("9.9.9"),
                as_of: "2026-12-04",
                source: "all history to HEAD",
                packs: Vec::new(),
                summary: Summary::default(),
                history: None,
                findings: &[],
                artifacts: &[],
                shard: Some(Shard { index: 1, count: 2 }),
            };
            let mut pieces = Vec::new();
            write_report(&empty, &findings, &mut pieces).unwrap();
            let whole = Report {
                findings: &findings,
                ..empty.clone()
            };
            let mut expected = serde_json::to_vec_pretty(&whole).unwrap();
            expected.push(b'\n');
            assert!(
                pieces == expected,
                "{n} findings: the report differs from the one serialised whole"
            );
        }
    }
}
