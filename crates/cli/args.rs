use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Policy-as-code linter for AI governance evidence: ISO/IEC 42001, NIST AI RMF, EU AI Act.
#[derive(Debug, Parser)]
#[command(name = "aimslint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn jobs(&self) -> Option<usize> {
        match &self.command {
            Command::Check(c) => c.jobs.map(usize::from),
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check evidence files (model cards, provenance, change records, …) against the policy packs.
    Check(CheckArgs),
    /// Show a rule's documentation, or what a control asks for and which rules check it.
    Explain(ExplainArgs),
    /// List or test policy packs.
    Packs {
        #[command(subcommand)]
        command: PacksCommand,
    },
    /// Write aimslint.toml and a template for each evidence kind.
    Init(InitArgs),
    /// Reports over one lint run: the crosswalk to NIST AI RMF and the EU AI Act, the Statement of
    /// Applicability, the posture change between two revisions.
    Report(crate::report_args::ReportArgs),
    /// Join the JSON reports of the shards of one run (`check --shard I/N --format json=FILE`) into
    /// the unsharded result, in any format of `check`; exits as `check` would.
    Merge(MergeArgs),
    /// Print the JSON Schema of an evidence kind (for editors and other validators), or list the
    /// kinds and their schemas.
    Schema {
        /// The evidence kind (model-card, data-provenance, change-record, …); none to list them.
        kind: Option<String>,
        #[command(flatten)]
        packs: PackOptions,
    },
    /// Install aimslint as a plain git hook (for teams without the pre-commit framework).
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
}

/// One output of `check`: a format, and the file it goes to (`sarif=aimslint.sarif`), or standard
/// output (or `--output`) when none is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: aimslint_report::Format,
    pub file: Option<PathBuf>,
}

impl std::str::FromStr for OutputSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<OutputSpec, String> {
        let (name, file) = match s.split_once('=') {
            Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
            Some((n, _)) => return Err(format!("`{n}=`: name the file after `=`")),
            None => (s, None),
        };
        let format = aimslint_report::Format::parse(name).ok_or_else(|| {
            let all: Vec<&str> = aimslint_report::Format::ALL
                .iter()
                .map(|f| f.as_str())
                .collect();
            format!("unknown format `{name}` (one of: {})", all.join(", "))
        })?;
        Ok(OutputSpec { format, file })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Args)]
pub struct PackOptions {
    /// Configuration file (default: aimslint.toml at the repository root).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Load an extra policy pack from a directory (repeatable).
    #[arg(long = "pack", value_name = "DIR", global = true)]
    pub packs: Vec<PathBuf>,
    /// Enable optional crosswalk packs for this run (comma-separated: nist-ai-rmf,eu-ai-act).
    #[arg(long, value_delimiter = ',', global = true)]
    pub frameworks: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Directory (a repository) or files to check. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Check exactly what is staged in the git index, not the working tree, as the next commit: the
    /// findings on the staged files, those the staged change breaks elsewhere (a reference to a file
    /// it deletes), and the commit rules that need no commit message (CH-001, CH-002).
    #[arg(long, group = "source")]
    pub staged: bool,
    /// With --staged: report every finding of the index, not only the staged change's.
    #[arg(long, requires = "staged")]
    pub all_files: bool,
    /// Check the tree of one revision (judged as of the commit's date).
    #[arg(long, value_name = "REV", group = "source")]
    pub rev: Option<String>,
    /// Check the commits of a range (`base..head`; `base` alone means `base..HEAD`). Only findings the
    /// range introduced are reported, each with the commit that introduced it: the pull-request mode.
    #[arg(long, value_name = "BASE..HEAD", group = "source")]
    pub range: Option<String>,
    /// Check the commits since a date (YYYY-MM-DD); findings already present before it are not reported.
    #[arg(long, value_name = "DATE", group = "source")]
    pub since: Option<String>,
    /// Check every commit of HEAD's first-parent history: every finding with where it was introduced and fixed.
    #[arg(long, group = "source")]
    pub all_history: bool,
    /// Check the range a pre-push hook is given (PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, as pre-commit sets them).
    #[arg(long, group = "source")]
    pub pre_push: bool,
    /// Only consider evidence files matching these globs (repeatable).
    #[arg(long = "path", value_name = "GLOB")]
    pub path_filter: Vec<String>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// History modes: neither read nor write the result cache under `.git/aimslint/` (a run over
    /// the same commits with the same packs, configuration and options reads its result from there).
    #[arg(long)]
    pub no_cache: bool,
    /// Output format: human, concise, json, sarif, github (workflow annotations, and the step
    /// summary when $GITHUB_STEP_SUMMARY is set), junit or gitlab. Repeatable, each with its own
    /// file: `--format human --format sarif=aimslint.sarif --format junit=junit.xml`.
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "human")]
    pub format: Vec<OutputSpec>,
    /// Write the report to a file instead of standard output (the format given without `=FILE`).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Judge and report one part of the files, `I/N` (1 ≤ I ≤ N): run N jobs with --format
    /// json=FILE and join them with `aimslint merge`. Each shard reads every file (cross-file rules
    /// need the whole tree) but judges only its own, chosen by a hash of the path.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<aimslint_engine::Shard>,
    /// Record every standing finding in FILE (their stable fingerprints), to adopt aimslint on a
    /// repository with known gaps; the run then exits 0. Use the file with --baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Do not report, nor fail on, findings FILE records (written with --write-baseline); it keeps
    /// matching through line shifts, edits elsewhere in a file and rebases.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail (exit 1) only when a control is worse than in FILE, an earlier `--format json` report:
    /// failing where it was not, or warning where it was clean. Names the controls.
    #[arg(long, value_name = "FILE")]
    pub ratchet: Option<PathBuf>,
    /// Fail (exit 1) when the run finds no evidence at all: no file of any evidence kind
    /// (also `[files] require_evidence = true` in aimslint.toml).
    #[arg(long)]
    pub fail_on_no_evidence: bool,
    /// Judge the files named on the command line as this evidence kind (model-card, dataset-card,
    /// …), whatever their content says.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Threads to use, 1 to 256 (default: all cores). The output is the same whatever the number.
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Rules to run: rule id, id prefix, pack id, control glob (iso42001:A.7.*) or severity (repeatable, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules not to run, in the same forms as --select.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Judge dates (max-age, waiver expiry) as of this day instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", env = "AIMSLINT_AS_OF")]
    pub as_of: Option<String>,
    /// The repository root, when checking single files (default: found from the first path).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Never colour the output.
    #[arg(long)]
    pub no_color: bool,
    #[command(flatten)]
    pub packs: PackOptions,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (MC-003) or a control id (iso42001:A.7.5, A.7.5, GOVERN-1.1, eu-ai-act:Art.10).
    pub id: String,
    #[command(flatten)]
    pub packs: PackOptions,
}

#[derive(Debug, Subcommand)]
pub enum PacksCommand {
    /// List the loaded packs, their versions, digests and rule counts.
    List {
        /// List instead the rules newer than the pack versions aimslint.toml pins (`iso42001 =
        /// "1.0"`), which do not run until selected by their id.
        #[arg(long)]
        new: bool,
        #[command(flatten)]
        packs: PackOptions,
    },
    /// Run every rule's pass and fail fixtures (all built-in packs, plus --pack directories); with
    /// DIR, only the pack in that directory.
    Test {
        /// A pack directory to test on its own (the packs it extends or cites are loaded beside it).
        #[arg(value_name = "DIR", conflicts_with = "only")]
        dir: Option<std::path::PathBuf>,
        /// Test only this pack.
        #[arg(long = "only", value_name = "PACK")]
        only: Option<String>,
        #[command(flatten)]
        packs: PackOptions,
    },
    /// Pin the packs this repository runs (version and content digest) and each native plugin
    /// library (sha256) in aimslint.lock at the repository root.
    Lock {
        #[command(flatten)]
        packs: PackOptions,
    },
    /// Check the packs and plugin libraries against aimslint.lock (exit 1 on any difference).
    Verify {
        #[command(flatten)]
        packs: PackOptions,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write .git/hooks/pre-commit (checks the staged files), or pre-push with --pre-push.
    Install {
        /// Install the pre-push hook (checks the pushed commits) instead.
        #[arg(long)]
        pre_push: bool,
        /// Replace a hook that exists.
        #[arg(long)]
        force: bool,
        /// The repository (default: the current directory).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write (default: the current directory).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite files that exist.
    #[arg(long)]
    pub force: bool,
}

fn parse_shard(s: &str) -> Result<aimslint_engine::Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: write the shard as I/N, e.g. 2/4"))?;
    let (i, n): (u32, u32) = (
        i.trim()
            .parse()
            .map_err(|_| format!("`{s}`: I is not a number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("`{s}`: N is not a number"))?,
    );
    if n == 0 || n > 1024 || i == 0 || i > n {
        return Err(format!("`{s}`: need 1 ≤ I ≤ N ≤ 1024"));
    }
    Ok(aimslint_engine::Shard { index: i, count: n })
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' JSON reports, all N of them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format, as for `check` (default json).
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "json")]
    pub format: Vec<OutputSpec>,
    /// Write the result to a file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the merge fail (exit 1).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub packs: PackOptions,
}
