//! Reporters: one file per format behind one trait. Reporters see findings and metadata, never the
//! engine.

mod human;
mod json;

use std::io::{self, Write};

use aimslint_engine::Outcome;
use aimslint_packs::PackSet;
use serde::Serialize;

pub use human::Human;
pub use json::Json;

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
}

impl Meta<'_> {
    pub fn pack_infos(&self) -> Vec<PackInfo> {
        self.packs
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
    Human,
    Json,
}

impl Format {
    pub fn reporter(self) -> Box<dyn Reporter> {
        match self {
            Format::Human => Box::new(Human),
            Format::Json => Box::new(Json),
        }
    }
}
