//! Reporters: one file per format behind one trait. Reporters see findings and metadata, never the
//! engine.

mod ci;
mod crosswalk_csv;
mod crosswalk_json;
mod crosswalk_md;
mod diff;
mod html;
mod human;
mod json;
mod oscal;
pub mod posture;
mod soa;

use std::io::{self, Write};

use aimslint_engine::Outcome;
use aimslint_packs::PackSet;
use serde::Serialize;

pub use ci::{Concise, Github, Gitlab, Junit, Sarif, step_summary};
pub use diff::{Revision, StatusChange, status_changes, write_diff};
pub use human::Human;
pub use json::Json;
pub use posture::{Posture, Status};

/// A loaded pack as reports show it.
#[derive(Debug, Clone, Serialize)]
pub struct PackInfo {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub origin: String,
}

/// What a report needs besides the findings.
#[derive(Debug, Clone)]
pub struct Meta<'a> {
    pub tool_version: &'a str,
    pub packs: &'a PackSet,
    /// The date rules were judged at.
    pub as_of: String,
    /// What was checked: `worktree`, `index`, or a revision range.
    pub source: String,
    pub color: bool,
    /// The rules that ran (after `select` and `ignore`); `None`: every rule of the packs.
    pub active_rules: Option<&'a std::collections::BTreeSet<String>>,
    /// The core diagnostics (AL001…), for formats that describe every code they report.
    pub core: &'a [CoreDoc],
    /// `(index, count)` when the run judged one shard (`--shard`).
    pub shard: Option<(u32, u32)>,
}

/// A core diagnostic code as `aimslint explain` describes it.
#[derive(Debug, Clone, Copy)]
pub struct CoreDoc {
    pub code: &'static str,
    pub title: &'static str,
    pub what: &'static str,
    pub fix: &'static str,
}

/// The loaded packs as every JSON report lists them.
pub(crate) fn pack_infos(packs: &PackSet) -> Vec<PackInfo> {
    packs
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

/// The tool as every JSON report names it.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Tool<'a> {
    pub name: &'static str,
    pub version: &'a str,
}

impl<'a> Tool<'a> {
    pub(crate) fn new(version: &'a str) -> Tool<'a> {
        Tool {
            name: "aimslint",
            version,
        }
    }
}

impl Meta<'_> {
    pub fn pack_infos(&self) -> Vec<PackInfo> {
        pack_infos(self.packs)
    }

    /// `iso42001:A.7.5 (Data provenance)`.
    pub fn control_label(&self, id: &str) -> String {
        match self.packs.control(id) {
            Some(c) => format!("{id} ({})", c.title),
            None => id.to_string(),
        }
    }
}

/// A report format.
pub trait Reporter {
    fn report(&self, outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// Every output format, for every command: each command writes the subset [`Format::for_command`]
/// names, and refuses the others with the list it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with snippets (`check`).
    Human,
    /// One line per finding (`check`).
    Concise,
    /// The JSON of each command's schema.
    Json,
    /// SARIF 2.1.0 (`check`).
    Sarif,
    /// GitHub Actions workflow commands (annotations) (`check`).
    Github,
    /// JUnit XML (`check`).
    Junit,
    /// GitLab Code Quality JSON (`check`).
    Gitlab,
    /// Markdown (reports).
    Md,
    /// One self-contained HTML page (reports).
    Html,
    /// CSV, RFC 4180 (reports).
    Csv,
    /// OSCAL 1.1.2 assessment results (`report soa`).
    Oscal,
}

/// The commands that write output, for [`Format::for_command`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Check,
    Crosswalk,
    Soa,
    Diff,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
        Format::Md,
        Format::Html,
        Format::Csv,
        Format::Oscal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
            Format::Md => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Oscal => "oscal",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The formats a command writes, its default first.
    pub fn for_command(command: Command) -> &'static [Format] {
        match command {
            Command::Check => &[
                Format::Human,
                Format::Concise,
                Format::Json,
                Format::Sarif,
                Format::Github,
                Format::Junit,
                Format::Gitlab,
            ],
            Command::Crosswalk => &[Format::Md, Format::Html, Format::Csv, Format::Json],
            Command::Soa => &[
                Format::Md,
                Format::Html,
                Format::Csv,
                Format::Json,
                Format::Oscal,
            ],
            Command::Diff => &[Format::Md, Format::Json],
        }
    }

    /// The reporter of a `check` format; `None` for a format only reports write.
    pub fn reporter(self) -> Option<Box<dyn Reporter>> {
        Some(match self {
            Format::Human => Box::new(Human),
            Format::Concise => Box::new(Concise),
            Format::Json => Box::new(Json),
            Format::Sarif => Box::new(Sarif),
            Format::Github => Box::new(Github),
            Format::Junit => Box::new(Junit),
            Format::Gitlab => Box::new(Gitlab),
            Format::Md | Format::Html | Format::Csv | Format::Oscal => return None,
        })
    }
}

fn unsupported(what: &str, format: Format) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("the {what} is not written as {}", format.as_str()),
    )
}

/// What a posture report (crosswalk, Statement of Applicability, OSCAL) says about its run.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    pub tool_version: &'a str,
    pub packs: &'a PackSet,
    /// The date rules were judged at, `YYYY-MM-DD`.
    pub as_of: String,
    /// HEAD's short commit id, when the root is in a git repository.
    pub head: Option<String>,
}

impl RunInfo<'_> {
    /// "the working tree at 1a2b3c4" or "the working tree" outside git.
    pub fn source(&self) -> String {
        match &self.head {
            Some(h) => format!("the working tree at {h}"),
            None => "the working tree".to_string(),
        }
    }

    pub fn pack_list(&self) -> String {
        self.packs
            .packs
            .iter()
            .map(|p| format!("{} {}", p.manifest.id, p.manifest.version))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Write the crosswalk report.
pub fn write_crosswalk(
    posture: &Posture,
    info: &RunInfo<'_>,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Md => crosswalk_md::write(posture, info, out),
        Format::Html => html::write_crosswalk(posture, info, out),
        Format::Csv => crosswalk_csv::write(posture, out),
        Format::Json => crosswalk_json::write(posture, info, out),
        other => Err(unsupported("crosswalk report", other)),
    }
}

/// Write the Statement of Applicability.
pub fn write_soa(
    posture: &Posture,
    info: &RunInfo<'_>,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Md => soa::write_md(posture, info, out),
        Format::Html => html::write_soa(posture, info, out),
        Format::Csv => soa::write_csv(posture, out),
        Format::Json => soa::write_json(posture, info, out),
        Format::Oscal => oscal::write(posture, info, out),
        other => Err(unsupported("Statement of Applicability", other)),
    }
}
