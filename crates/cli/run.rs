//! A lint run set up from a repository's configuration and the command line: the part of `check`
//! that the reports share. Reports run exactly this lint, then derive statuses from its outcome.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aimslint_engine::{Config, Engine, EngineOptions, FileInput, Outcome, Selection, Snapshot};
use aimslint_packs::PackSet;

use crate::args::PackOptions;
use crate::common::{CliError, load_packs, today};

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
            },
        );
        let read = aimslint_git::ReadOptions {
            exclude: config.exclude.clone(),
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

/// Write a report to `--output` or standard output (a closed pipe is not an error).
pub fn write_output(buf: &[u8], output: Option<&Path>) -> Result<(), CliError> {
    match output {
        Some(path) => std::fs::write(path, buf)
            .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display()))),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(buf).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}
