//! Arguments of `aimslint report`: the crosswalk, the Statement of Applicability, and the posture
//! change between two revisions.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::args::{OutputSpec, PackOptions};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// ISO/IEC 42001 controls mapped to NIST AI RMF subcategories and EU AI Act obligations, with
    /// each one's status, evidence (path@commit) and failing rules.
    Crosswalk(CrosswalkArgs),
    /// The Statement of Applicability: all 38 Annex A controls, applicable or excluded with the
    /// justification, implementation status, evidence and rules.
    Soa(SoaArgs),
    /// Which controls and framework items changed status between two revisions.
    Diff(DiffArgs),
}

/// What every report reads: the repository, the date of judgement, where to write.
#[derive(Debug, Args)]
pub struct ReportCommon {
    /// The repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// Write the report to a file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Judge dates (max-age, waiver expiry, EU dates of application) as of this day (YYYY-MM-DD).
    /// Default: today; for `diff`, each revision's commit date.
    #[arg(long, value_name = "DATE", env = "AIMSLINT_AS_OF")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub packs: PackOptions,
    /// Lowest severity of an open finding that makes a control failing, as `check --fail-on`;
    /// open findings below it, down to warnings, make it `warning`.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: ReportFailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFailOn {
    Error,
    Warning,
    Info,
}

/// What the report judges: the working tree (default), one revision, or a history walked as
/// `check` walks it, with the findings of history rules and of past versions still standing at
/// its last commit.
#[derive(Debug, Args)]
pub struct ReportSource {
    /// Judge the tree of one revision (as of the commit's date unless --as-of).
    #[arg(long, value_name = "REV", group = "source")]
    pub rev: Option<String>,
    /// Judge the commits of a range (BASE..HEAD): what the range introduced and left standing.
    #[arg(long, value_name = "BASE..HEAD", group = "source")]
    pub range: Option<String>,
    /// Judge the commits since a date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", group = "source")]
    pub since: Option<String>,
    /// Judge every commit of HEAD's first-parent history.
    #[arg(long, group = "source")]
    pub all_history: bool,
    /// History modes: neither read nor write the result cache under `.git/aimslint/`.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct CrosswalkArgs {
    /// Output format: md, html, csv or json. Repeatable, each with its own file
    /// (`--format html=crosswalk.html --format csv=crosswalk.csv`).
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "md")]
    pub format: Vec<OutputSpec>,
    #[command(flatten)]
    pub source: ReportSource,
    #[command(flatten)]
    pub common: ReportCommon,
}

#[derive(Debug, Args)]
pub struct SoaArgs {
    /// Output format: md, html, csv, json or oscal (OSCAL 1.1.2 assessment results). Repeatable,
    /// each with its own file.
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "md")]
    pub format: Vec<OutputSpec>,
    #[command(flatten)]
    pub source: ReportSource,
    #[command(flatten)]
    pub common: ReportCommon,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier revision (a commit, tag or branch).
    pub from: String,
    /// The later revision.
    pub to: String,
    /// Output format: md or json. Repeatable, each with its own file.
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "md")]
    pub format: Vec<OutputSpec>,
    #[command(flatten)]
    pub common: ReportCommon,
}
