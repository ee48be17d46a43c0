//! `aimslint report crosswalk|soa|diff`: one lint run, then each control's and framework item's
//! status (see `aimslint_report::posture`), written as Markdown, HTML, CSV, JSON or OSCAL.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aimslint_engine::{Config, Outcome, load_config};
use aimslint_report::RunInfo;
use aimslint_report::posture::{self, BASE_PACK, Posture, Stamps};

use crate::common::{CliError, find_root, parse_date};
use crate::exit;
use crate::report_args::{
    CrosswalkArgs, DiffArgs, ReportArgs, ReportCommand, ReportCommon, ReportFailOn, ReportSource,
    SoaArgs,
};
use crate::run::{Lint, write_output};

/// The crosswalk packs reported when neither `--frameworks` nor `[packs]` names one.
const DEFAULT_FRAMEWORKS: [&str; 2] = ["nist-ai-rmf", "eu-ai-act"];

pub fn run(args: ReportArgs) -> Result<i32, CliError> {
    match args.command {
        ReportCommand::Crosswalk(a) => crosswalk(a),
        ReportCommand::Soa(a) => soa(a),
        ReportCommand::Diff(a) => diff(a),
    }
}

fn root_of(common: &ReportCommon) -> Result<PathBuf, CliError> {
    let paths: Vec<PathBuf> = common.path.iter().cloned().collect();
    find_root(&paths, None)
}

fn as_of(common: &ReportCommon) -> Result<Option<jiff::civil::Date>, CliError> {
    common.as_of.as_deref().map(parse_date).transpose()
}

/// Optional packs to enable: the defaults, unless the command line or `[packs]` names a framework.
fn default_frameworks(common: &ReportCommon, config: &Config) -> Vec<String> {
    let named = !common.packs.frameworks.is_empty()
        || config
            .packs
            .iter()
            .any(|(id, _)| DEFAULT_FRAMEWORKS.contains(&id.as_str()));
    if named {
        Vec::new()
    } else {
        DEFAULT_FRAMEWORKS.iter().map(|s| s.to_string()).collect()
    }
}

/// The loaded packs that crosswalk to the base pack, in the order they were asked for.
fn frameworks(lint: &Lint, common: &ReportCommon) -> Vec<String> {
    let mut order: Vec<String> = common.packs.frameworks.clone();
    order.extend(lint.config.packs.iter().map(|(id, _)| id.clone()));
    order.extend(DEFAULT_FRAMEWORKS.iter().map(|s| s.to_string()));
    let mut found: Vec<String> = lint
        .packs
        .packs
        .iter()
        .filter(|p| p.crosswalks.iter().any(|c| c.target == BASE_PACK))
        .map(|p| p.manifest.id.clone())
        .collect();
    found.sort_by_key(|id| {
        (
            order.iter().position(|o| o == id).unwrap_or(usize::MAX),
            id.clone(),
        )
    });
    found
}

fn fail_on(common: &ReportCommon) -> aimslint_packs::Severity {
    match common.fail_on {
        ReportFailOn::Error => aimslint_packs::Severity::Error,
        ReportFailOn::Warning => aimslint_packs::Severity::Warning,
        ReportFailOn::Info => aimslint_packs::Severity::Info,
    }
}

fn derive(
    lint: &Lint,
    outcome: &Outcome,
    frameworks: &[String],
    stamps: &Stamps,
    as_of: &str,
    common: &ReportCommon,
) -> Posture {
    posture::derive(&posture::Input {
        outcome,
        packs: &lint.packs,
        exclusions: &lint.config.soa_exclude,
        declared: &lint.config.soa_controls,
        active_rules: &lint.active_rules(),
        stamps,
        frameworks,
        as_of,
        fail_on: fail_on(common),
    })
}

/// HEAD's short id and which evidence files are exactly as HEAD has them.
fn stamps(lint: &Lint, outcome: &Outcome) -> Stamps {
    let head = aimslint_git::head_commit(&lint.root);
    let clean = if head.is_some() {
        let paths: Vec<&str> = outcome.artifacts.iter().map(|a| a.path.as_str()).collect();
        aimslint_git::clean_paths(&lint.root, &paths)
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    Stamps { head, clean }
}

/// Lint what the report judges: the working tree, one revision, or a history walk.
fn lint_source(
    common: &ReportCommon,
    source: &ReportSource,
    with_frameworks: bool,
) -> Result<(Lint, Outcome), CliError> {
    let root = root_of(common)?;
    let config = load_config(&root, common.packs.config.as_deref())?;
    let extra = if with_frameworks {
        default_frameworks(common, &config)
    } else {
        Vec::new()
    };
    let lint = Lint::new(&root, config, &common.packs, &extra, as_of(common)?)?;
    let walk = crate::run::walk_of(
        source.range.as_deref(),
        source.since.as_deref(),
        source.all_history,
        false,
    )?;
    let outcome = if let Some(walk) = walk {
        let want = |p: &str| lint.engine.is_candidate(p);
        crate::run::check_history(crate::run::HistoryRun {
            root: &lint.root,
            engine: &lint.engine,
            read: &lint.read,
            walk: &walk,
            want: &want,
            cache_key: String::new(),
            no_cache: source.no_cache,
            no_progress: true,
            early: None,
        })?
    } else if let Some(rev) = &source.rev {
        let meta = aimslint_git::commit_meta(&lint.root, rev)
            .map_err(|e| CliError::usage(format!("{rev}: {e}")))?;
        lint.revision(&meta, as_of(common)?)?
    } else {
        lint.worktree()?
    };
    Ok((lint, outcome))
}

/// The posture of a working-tree run, and what a report says about the run itself.
fn posture_of_worktree<'a>(
    lint: &'a Lint,
    outcome: &Outcome,
    frameworks: &[String],
    common: &ReportCommon,
) -> (Posture, RunInfo<'a>) {
    let stamps = stamps(lint, outcome);
    let as_of = lint.as_of.to_string();
    let posture = derive(lint, outcome, frameworks, &stamps, &as_of, common);
    let info = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION"),
        packs: &lint.packs,
        as_of,
        head: stamps.head,
    };
    (posture, info)
}

fn crosswalk(args: CrosswalkArgs) -> Result<i32, CliError> {
    crate::run::check_outputs(
        &args.format,
        aimslint_report::Command::Crosswalk,
        "report crosswalk",
    )?;
    let (lint, outcome) = lint_source(&args.common, &args.source, true)?;
    let frameworks = frameworks(&lint, &args.common);
    if frameworks.is_empty() {
        return Err(CliError::usage(format!(
            "no loaded pack has a crosswalk to {BASE_PACK}; name one with --frameworks (built-in: {})",
            DEFAULT_FRAMEWORKS.join(", ")
        )));
    }
    let (posture, info) = posture_of_worktree(&lint, &outcome, &frameworks, &args.common);
    for spec in &args.format {
        let mut buf = Vec::new();
        aimslint_report::write_crosswalk(&posture, &info, spec.format, &mut buf)?;
        write_output(&buf, spec.file.as_deref().or(args.common.output.as_deref()))?;
    }
    Ok(exit::CLEAN)
}

fn soa(args: SoaArgs) -> Result<i32, CliError> {
    crate::run::check_outputs(&args.format, aimslint_report::Command::Soa, "report soa")?;
    let (lint, outcome) = lint_source(&args.common, &args.source, false)?;
    let (posture, info) = posture_of_worktree(&lint, &outcome, &[], &args.common);
    for spec in &args.format {
        let mut buf = Vec::new();
        aimslint_report::write_soa(&posture, &info, spec.format, &mut buf)?;
        write_output(&buf, spec.file.as_deref().or(args.common.output.as_deref()))?;
    }
    Ok(exit::CLEAN)
}

/// The posture at one revision, judged with that revision's own aimslint.toml (unless `--config`).
fn posture_at(
    root: &std::path::Path,
    rev: &str,
    common: &ReportCommon,
    as_of: Option<jiff::civil::Date>,
) -> Result<(Posture, aimslint_report::Revision), CliError> {
    let git_err = |e: aimslint_git::SourceError| CliError::usage(format!("{rev}: {e}"));
    let meta = aimslint_git::commit_meta(root, rev).map_err(git_err)?;
    let config = match &common.packs.config {
        Some(file) => load_config(root, Some(file))?,
        None => config_at(root, &meta.id)?,
    };
    let extra = default_frameworks(common, &config);
    let lint = Lint::new(root, config, &common.packs, &extra, as_of)?;
    let outcome = lint.revision(&meta, as_of)?;
    let frameworks = frameworks(&lint, common);
    let judged = as_of.map_or_else(|| meta.date.clone(), |d| d.to_string());
    let posture = derive(
        &lint,
        &outcome,
        &frameworks,
        &Stamps::default(),
        &judged,
        common,
    );
    let short: String = meta.id.chars().take(7).collect();
    Ok((
        posture,
        aimslint_report::Revision {
            rev: rev.to_string(),
            commit: short,
            as_of: judged,
        },
    ))
}

/// The aimslint.toml a commit holds at the report's root, parsed; the defaults if it has none.
fn config_at(root: &std::path::Path, commit: &str) -> Result<Config, CliError> {
    let git_err = |e: aimslint_git::SourceError| CliError::usage(format!("{commit}: {e}"));
    let read = aimslint_git::ReadOptions::default().within(root);
    let tree =
        aimslint_git::revision(root, commit, &read, &|p| p == "aimslint.toml").map_err(git_err)?;
    let Some(file) = tree.files.into_iter().find(|f| f.path == "aimslint.toml") else {
        return Ok(Config::default());
    };
    let short: String = commit.chars().take(7).collect();
    let bytes = file
        .content
        .map_err(|e| CliError::usage(format!("aimslint.toml at {short}: {e}")))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(aimslint_engine::parse_config(
        &format!("aimslint.toml at {short}"),
        &text,
        root,
    )?)
}

fn diff(args: DiffArgs) -> Result<i32, CliError> {
    crate::run::check_outputs(&args.format, aimslint_report::Command::Diff, "report diff")?;
    let root = root_of(&args.common)?;
    let as_of = as_of(&args.common)?;
    let (before, from) = posture_at(&root, &args.from, &args.common, as_of)?;
    let (after, to) = posture_at(&root, &args.to, &args.common, as_of)?;
    for spec in &args.format {
        let mut buf = Vec::new();
        aimslint_report::write_diff(
            &before,
            &after,
            &from,
            &to,
            env!("CARGO_PKG_VERSION"),
            spec.format,
            &mut buf,
        )?;
        write_output(&buf, spec.file.as_deref().or(args.common.output.as_deref()))?;
    }
    Ok(exit::CLEAN)
}
