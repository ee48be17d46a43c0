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
pub use diff::{DiffFormat, Revision, StatusChange, status_changes, write_diff};
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
#[derive(Debug, Serialize)]
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

/// The formats `check` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with snippets.
    Human,
    /// One line per finding.
    Concise,
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
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
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn reporter(self) -> Box<dyn Reporter> {
        match self {
            Format::Human => Box::new(Human),
            Format::Concise => Box::new(Concise),
            Format::Json => Box::new(Json),
            Format::Sarif => Box::new(Sarif),
            Format::Github => Box::new(Github),
            Format::Junit => Box::new(Junit),
            Format::Gitlab => Box::new(Gitlab),
        }
    }
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

/// The formats of `report crosswalk` and `report soa`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostureFormat {
    Md,
    Html,
    Csv,
    Json,
    /// OSCAL 1.1.2 assessment results (Statement of Applicability only).
    Oscal,
}

/// Write the crosswalk report.
pub fn write_crosswalk(
    posture: &Posture,
    info: &RunInfo<'_>,
    format: PostureFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        PostureFormat::Md => crosswalk_md::write(posture, info, out),
        PostureFormat::Html => html::write_crosswalk(posture, info, out),
        PostureFormat::Csv => crosswalk_csv::write(posture, out),
        PostureFormat::Json => crosswalk_json::write(posture, info, out),
        PostureFormat::Oscal => oscal::write(posture, info, out),
    }
}

/// Write the Statement of Applicability.
pub fn write_soa(
    posture: &Posture,
    info: &RunInfo<'_>,
    format: PostureFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        PostureFormat::Md => soa::write_md(posture, info, out),
        PostureFormat::Html => html::write_soa(posture, info, out),
        PostureFormat::Csv => soa::write_csv(posture, out),
        PostureFormat::Json => soa::write_json(posture, info, out),
        PostureFormat::Oscal => oscal::write(posture, info, out),
    }
}
