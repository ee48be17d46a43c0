//! Baselines and the ratchet: adopting aimslint on a repository with known gaps without letting new
//! ones in.
//!
//! A baseline (`--write-baseline FILE`, then `--baseline FILE`) records the stable fingerprint of
//! every standing finding. A fingerprint hashes the rule, the path and a content anchor (the JSON
//! pointer, the section title, the offending text) — never a line number or the file's hash — so an
//! entry keeps matching through line shifts, edits elsewhere in the file, reformatting and rebases;
//! a renamed file is a new path. Findings in the baseline are not reported and do not fail the run;
//! entries no longer found are counted as fixed, so the baseline can be rewritten smaller.
//!
//! The ratchet (`--ratchet FILE`, FILE an earlier `--format json` report) fails the run only when
//! some control is worse than it was: failing where it was not, or warning where it was clean.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use aimslint_engine::{Finding, Outcome};
use aimslint_packs::{PackSet, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::CliError;

/// The largest baseline or ratchet file read.
const MAX_BYTES: usize = 256 << 20;

/// The format's version, first in the file.
const BASELINE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct BaselineFile {
    aimslint_baseline: u32,
    tool: String,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    path: String,
    rule: String,
    fingerprint: String,
    /// For the person reading the file; not compared.
    message: String,
}

/// The findings a baseline holds: those that stand (not fixed, removed or unreadable in a history
/// run) and are not waived (a waiver already covers them, with an expiry).
fn baselinable(f: &Finding) -> bool {
    f.is_open() && f.waived.is_none()
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    aimslint_artifacts::fsread::read_regular(path, MAX_BYTES)
        .map_err(|e| CliError::usage(format!("{what} {}: {e}", path.display())))
}

/// Write every standing finding's fingerprint to `path`.
pub fn write(path: &Path, outcome: &Outcome) -> Result<usize, CliError> {
    let mut findings: Vec<Entry> = outcome
        .findings
        .iter()
        .filter(|f| baselinable(f))
        .map(|f| Entry {
            path: f.path.clone(),
            rule: f.rule.clone(),
            fingerprint: f.fingerprint.clone(),
            message: f.message.clone(),
        })
        .collect();
    findings.sort();
    let n = findings.len();
    let file = BaselineFile {
        aimslint_baseline: BASELINE_VERSION,
        tool: format!("aimslint {}", env!("CARGO_PKG_VERSION")),
        findings,
    };
    let mut text = serde_json::to_string_pretty(&file)
        .map_err(|e| CliError::usage(format!("baseline: {e}")))?;
    text.push('\n');
    crate::run::write_output(text.as_bytes(), Some(path))?;
    Ok(n)
}

/// What applying a baseline did.
pub struct Applied {
    /// Findings the baseline holds, no longer reported.
    pub known: usize,
    /// Baseline entries that match no finding any more.
    pub fixed: usize,
}

/// Drop the standing findings the baseline at `path` holds (as many of each fingerprint as it
/// records).
pub fn apply(path: &Path, outcome: &mut Outcome) -> Result<Applied, CliError> {
    let bytes = read(path, "baseline")?;
    let file: BaselineFile = serde_json::from_slice(&bytes).map_err(|e| {
        CliError::usage(format!(
            "baseline {}: not an aimslint baseline ({e}); write one with --write-baseline",
            path.display()
        ))
    })?;
    if file.aimslint_baseline != BASELINE_VERSION {
        return Err(CliError::usage(format!(
            "baseline {}: format {} is not one this version reads ({BASELINE_VERSION})",
            path.display(),
            file.aimslint_baseline
        )));
    }
    let mut left: BTreeMap<String, usize> = BTreeMap::new();
    for e in &file.findings {
        *left.entry(e.fingerprint.clone()).or_default() += 1;
    }
    let mut known = 0;
    outcome.findings.retain(|f| {
        if !baselinable(f) {
            return true;
        }
        match left.get_mut(&f.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                known += 1;
                false
            }
            _ => true,
        }
    });
    Ok(Applied {
        known,
        fixed: left.values().sum(),
    })
}

/// How bad a control is, as the ratchet compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Clean,
    Warning,
    Failing,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Clean => "clean",
            Level::Warning => "warning",
            Level::Failing => "failing",
        }
    }
}

/// Each control's level from findings given as (controls, severity, standing and not waived).
fn levels<'a>(
    findings: impl Iterator<Item = (Vec<&'a str>, Severity, bool)>,
) -> BTreeMap<&'a str, Level> {
    let mut out = BTreeMap::new();
    for (controls, severity, open) in findings {
        if !open {
            continue;
        }
        let level = match severity {
            Severity::Error => Level::Failing,
            Severity::Warning => Level::Warning,
            Severity::Info => continue,
        };
        for c in controls {
            let e = out.entry(c).or_insert(Level::Clean);
            *e = (*e).max(level);
        }
    }
    out
}

/// What the ratchet found.
pub struct Ratchet {
    /// One line per control that got worse, naming it and a finding behind it.
    pub worse: Vec<String>,
    /// Controls that got better.
    pub better: usize,
}

/// Compare the controls' levels now with those of the JSON report at `path`.
pub fn ratchet(path: &Path, outcome: &Outcome, packs: &PackSet) -> Result<Ratchet, CliError> {
    let bytes = read(path, "ratchet")?;
    let stored: Value = serde_json::from_slice(&bytes).map_err(|e| {
        CliError::usage(format!(
            "ratchet {}: not JSON ({e}); store a run with --format json=FILE",
            path.display()
        ))
    })?;
    let Some(found) = stored.get("findings").and_then(Value::as_array) else {
        return Err(CliError::usage(format!(
            "ratchet {}: no `findings`: store a run with --format json=FILE",
            path.display()
        )));
    };
    let before = levels(found.iter().map(|f| {
        let controls = f["controls"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let severity =
            Severity::parse(f["severity"].as_str().unwrap_or("")).unwrap_or(Severity::Info);
        let ended = ["fixed_in", "removed_in", "obscured_in"]
            .iter()
            .any(|k| !f[*k].is_null());
        (controls, severity, !ended && f["waived"].is_null())
    }));
    let now = levels(outcome.findings.iter().map(|f| {
        (
            f.controls.iter().map(String::as_str).collect(),
            f.severity,
            baselinable(f),
        )
    }));
    let all: BTreeSet<&str> = before.keys().chain(now.keys()).copied().collect();
    let mut worse = Vec::new();
    let mut better = 0;
    for c in all {
        let (was, is) = (
            before.get(c).copied().unwrap_or(Level::Clean),
            now.get(c).copied().unwrap_or(Level::Clean),
        );
        if is > was {
            let example = outcome
                .findings
                .iter()
                .filter(|f| baselinable(f) && f.controls.iter().any(|x| x == c))
                .max_by_key(|f| f.severity)
                .map(|f| format!(" ({} {}:{})", f.rule, f.path, f.line))
                .unwrap_or_default();
            let title = packs
                .control(c)
                .map(|x| format!(" {}", x.title))
                .unwrap_or_default();
            worse.push(format!(
                "{c}{title}: was {}, now {}{example}",
                was.as_str(),
                is.as_str()
            ));
        } else if is < was {
            better += 1;
        }
    }
    Ok(Ratchet { worse, better })
}
