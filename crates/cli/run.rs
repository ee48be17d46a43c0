//! A lint run set up from a repository's configuration and the command line: the part of `check`
//! that the reports share. Reports run exactly this lint, then derive statuses from its outcome.

use std::collections::{BTreeSet, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aimslint_engine::{Config, Engine, EngineOptions, FileInput, Outcome, Selection, Snapshot};
use aimslint_packs::PackSet;

use crate::args::PackOptions;
use crate::common::{CliError, load_packs, parse_date, today};

/// Packs, configuration and engine for one repository.
pub struct Lint {
    pub root: PathBuf,
    pub config: Config,
    pub packs: Arc<PackSet>,
    pub engine: Engine,
    pub as_of: jiff::civil::Date,
    pub read: aimslint_git::ReadOptions,
}

impl Lint {
    /// Set up a run at `root` with `config`. `frameworks` are optional packs to enable on top of
    /// those the configuration and `--frameworks` name.
    pub fn new(
        root: &Path,
        config: Config,
        opts: &PackOptions,
        frameworks: &[String],
        as_of: Option<jiff::civil::Date>,
    ) -> Result<Lint, CliError> {
        let mut with = opts.frameworks.clone();
        for f in frameworks {
            if !with.contains(f) {
                with.push(f.clone());
            }
        }
        let opts = PackOptions {
            config: opts.config.clone(),
            packs: opts.packs.clone(),
            frameworks: with,
        };
        let packs = load_packs(&config, &opts, false)?;
        aimslint_engine::check_rule_refs(&packs, &config, &[])?;
        let limits = aimslint_artifacts::Limits {
            max_file_bytes: config
                .max_file_bytes
                .unwrap_or(aimslint_artifacts::DEFAULT_MAX_FILE_BYTES),
        };
        let as_of = as_of.unwrap_or_else(today);
        let engine = Engine::new(
            packs.clone(),
            &config,
            EngineOptions {
                as_of,
                selection: Selection {
                    select: config.select.clone(),
                    ignore: config.ignore.clone(),
                },
                limits,
                plugins: crate::plugins::runner(root, &packs)?,
                shard: None,
            },
        );
        let read = aimslint_git::ReadOptions {
            exclude: crate::common::read_excludes(&config, root),
            max_file_bytes: limits.max_file_bytes,
            ..Default::default()
        };
        Ok(Lint {
            root: root.to_path_buf(),
            config,
            packs,
            engine,
            as_of,
            read,
        })
    }

    /// Ids of the rules that run (after `[rules] select` and `ignore`).
    pub fn active_rules(&self) -> BTreeSet<String> {
        self.engine
            .active_rules()
            .map(|(r, _)| r.id.clone())
            .collect()
    }

    /// Lint the working tree, as `check` does.
    pub fn worktree(&self) -> Result<Outcome, CliError> {
        let want = |p: &str| self.engine.is_candidate(p);
        let tree = aimslint_git::worktree(&self.root, &self.read, &want)
            .map_err(|e| CliError::usage(e.to_string()))?;
        Ok(self.engine.check(&to_snapshot(tree, &HashSet::new())))
    }

    /// Lint the tree of a commit, judged as of `as_of` (the commit's date when `None`).
    pub fn revision(
        &self,
        meta: &aimslint_git::CommitMeta,
        as_of: Option<jiff::civil::Date>,
    ) -> Result<Outcome, CliError> {
        let want = |p: &str| self.engine.is_candidate(p);
        let read = self.read.clone().within(&self.root);
        let tree = aimslint_git::revision(&self.root, &meta.id, &read, &want)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let mut snapshot = to_snapshot(tree, &HashSet::new());
        snapshot.commit = Some(meta.id.clone());
        snapshot.as_of = as_of.or_else(|| jiff::civil::Date::strptime("%Y-%m-%d", &meta.date).ok());
        Ok(self.engine.check(&snapshot))
    }
}

/// A source tree as the engine takes it; `explicit` are files named on the command line.
pub fn to_snapshot(tree: aimslint_git::Tree, explicit: &HashSet<String>) -> Snapshot {
    Snapshot {
        files: tree
            .files
            .into_iter()
            .map(|f| FileInput {
                text: None,
                explicit: explicit.contains(&f.path),
                path: f.path,
                blob_id: f.blob_id,
                content: f.content,
            })
            .collect(),
        paths: tree.paths,
        commit: None,
        as_of: None,
    }
}

/// Write a report to `--output` or standard output as it is made: a report of a hundred thousand
/// findings is tens of MB, never held whole in memory. A closed pipe is not an error.
pub fn stream_output(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match output {
        Some(path) => {
            let cannot = |e: std::io::Error| {
                CliError::usage(format!("cannot write {}: {e}", path.display()))
            };
            let file = std::fs::File::create(path).map_err(cannot)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut w).and_then(|()| w.flush()).map_err(cannot)
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write(&mut w).and_then(|()| w.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}

/// Write a report to `--output` or standard output (a closed pipe is not an error).
pub fn write_output(buf: &[u8], output: Option<&Path>) -> Result<(), CliError> {
    stream_output(output, |out| out.write_all(buf))
}

/// One history run: what `check` and the reports share of `--all-history`, `--range`, `--since`.
pub struct HistoryRun<'a> {
    pub root: &'a Path,
    pub engine: &'a Engine,
    pub read: &'a aimslint_git::ReadOptions,
    pub walk: &'a aimslint_git::Walk,
    /// Which paths are read (the engine's candidates, narrowed by `--path`).
    pub want: &'a (dyn Fn(&str) -> bool + Sync),
    /// What else the result depends on, for the history cache key (the `--path` globs).
    pub cache_key: String,
    pub no_cache: bool,
    pub no_progress: bool,
    /// The walk's commits, being resolved on a thread of their own (`resolve_early`); `None`:
    /// resolved here.
    pub early: Option<EarlyCommits>,
}

/// A history walk's commits, resolved on a thread of their own while the packs load: the revision
/// walk needs no rules, and on a long history it takes as long as loading the packs.
pub struct EarlyCommits(
    std::thread::JoinHandle<Result<Option<aimslint_git::Commits>, aimslint_git::SourceError>>,
);

/// Start resolving the commits of `walk` in `root` (`None`: no thread could be started; they are
/// then resolved when the walk starts).
pub fn resolve_early(root: &Path, walk: aimslint_git::Walk) -> Option<EarlyCommits> {
    let root = root.to_path_buf();
    std::thread::Builder::new()
        .name("commits".into())
        .spawn(move || aimslint_git::commits(&root, &walk))
        .ok()
        .map(EarlyCommits)
}

/// Walk the history and judge it, or read the result from the history cache when the same walk
/// was judged before with the same packs, configuration and options.
pub fn check_history(h: HistoryRun<'_>) -> Result<Outcome, CliError> {
    let git_err = |e: aimslint_git::SourceError| CliError::usage(e.to_string());
    // Git sources see the whole repository; a directory below its root narrows them to that folder.
    let git_read = h.read.clone().within(h.root);
    let commits = match h.early {
        Some(EarlyCommits(thread)) => thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        None => aimslint_git::commits(h.root, h.walk),
    };
    let history = aimslint_git::walk_commits(commits.map_err(git_err)?, &git_read, h.want)
        .map_err(git_err)?;
    if let Some(at) = &history.truncated_at {
        eprintln!(
            "warning: this is a shallow clone: history is truncated at {at}; findings before it are reported as found there (fetch more history with `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
        );
    }
    if history.commit_ids.is_empty() && history.base.is_none() {
        eprintln!("note: no commits to check (the repository or range is empty)");
    }
    let reader = aimslint_git::BlobReader::new(h.root, h.read).map_err(git_err)?;
    let cache = (!h.no_cache).then(|| {
        let mut parts = h.engine.fingerprint();
        parts.push(walk_label(h.walk));
        parts.push(format!("{git_read:?}"));
        parts.push(h.cache_key.clone());
        parts.extend(history.base.as_ref().map(|b| b.id.clone()));
        parts.push(history.truncated_at.clone().unwrap_or_default());
        parts.push(history.commit_ids.join("\n"));
        aimslint_engine::HistoryCache::new(history.git_dir(), &parts)
    });
    if let Some(kept) = cache.as_ref().and_then(aimslint_engine::HistoryCache::load) {
        return Ok(kept);
    }
    let bar = progress_bar(h.no_progress);
    let outcome = h
        .engine
        .check_history(&history, &reader, &|stage, n, total| {
            if let Some(b) = &bar {
                b.set_length(total);
                b.set_position(n);
                b.set_message(stage.to_string());
            }
        })
        .map_err(git_err)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(c) = &cache
        && let Err(e) = c.store(&outcome)
    {
        eprintln!("note: could not keep the result in the history cache: {e}");
    }
    Ok(outcome)
}

/// The history walk that `--range`, `--since`, `--all-history` or `--pre-push` ask for, if any.
pub fn walk_of(
    range: Option<&str>,
    since: Option<&str>,
    all_history: bool,
    pre_push: bool,
) -> Result<Option<aimslint_git::Walk>, CliError> {
    use aimslint_git::Walk;
    if let Some(r) = range {
        if r.contains("...") {
            return Err(CliError::usage(format!(
                "`{r}`: write the range with two dots (BASE..HEAD); history is judged along HEAD's first-parent line from BASE"
            )));
        }
        let (base, head) = match r.split_once("..") {
            Some((b, h)) => (
                b.trim_end_matches('.'),
                if h.is_empty() { "HEAD" } else { h },
            ),
            None => (r, "HEAD"),
        };
        if base.is_empty() {
            return Err(CliError::usage(format!("`{r}`: a range is BASE..HEAD")));
        }
        return Ok(Some(Walk::Range {
            base: base.to_string(),
            head: head.to_string(),
        }));
    }
    if let Some(d) = since {
        parse_date(d)?;
        return Ok(Some(Walk::Since {
            date: d.to_string(),
            head: "HEAD".into(),
        }));
    }
    if all_history {
        return Ok(Some(Walk::All {
            head: "HEAD".into(),
        }));
    }
    if pre_push {
        let to = std::env::var("PRE_COMMIT_TO_REF").unwrap_or_else(|_| "HEAD".into());
        let from = std::env::var("PRE_COMMIT_FROM_REF").unwrap_or_default();
        if from.is_empty() || from.chars().all(|c| c == '0') {
            // A new branch: no remote base to compare with; walk what is not on any remote.
            return Ok(Some(Walk::All { head: to }));
        }
        return Ok(Some(Walk::Range {
            base: from,
            head: to,
        }));
    }
    Ok(None)
}

pub fn walk_label(w: &aimslint_git::Walk) -> String {
    match w {
        aimslint_git::Walk::Range { base, head } => format!("range {base}..{head}"),
        aimslint_git::Walk::Since { date, head } => format!("since {date} to {head}"),
        aimslint_git::Walk::All { head } => format!("all history to {head}"),
    }
}

/// A progress bar on stderr, only on a terminal and never in CI.
fn progress_bar(disabled: bool) -> Option<indicatif::ProgressBar> {
    if disabled || std::env::var_os("CI").is_some() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg:16} {bar:40} {pos}/{len} {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// Check a command's outputs: every format one it writes, and at most one to standard output (or
/// `--output`).
pub fn check_outputs(
    specs: &[crate::args::OutputSpec],
    command: aimslint_report::Command,
    name: &str,
) -> Result<(), CliError> {
    let supported = aimslint_report::Format::for_command(command);
    for s in specs {
        if !supported.contains(&s.format) {
            return Err(CliError::usage(format!(
                "{name} does not write {} (it writes {})",
                s.format.as_str(),
                supported
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let to_stdout: Vec<&str> = specs
        .iter()
        .filter(|o| o.file.is_none())
        .map(|o| o.format.as_str())
        .collect();
    if to_stdout.len() > 1 {
        return Err(CliError::usage(format!(
            "formats {} all go to standard output: give all but one a file (`--format {}=FILE`)",
            to_stdout.join(", "),
            to_stdout[1]
        )));
    }
    Ok(())
}
