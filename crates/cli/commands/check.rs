use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;

use aimslint_engine::{Engine, EngineOptions, FileInput, Selection, Snapshot, load_config};
use aimslint_packs::Severity;

use crate::args::{CheckArgs, FailOn, OutputFormat};
use crate::common::{CliError, find_root, load_packs, parse_date, today};
use crate::exit;

pub fn run(args: CheckArgs) -> Result<i32, CliError> {
    let root = find_root(&args.paths, args.root.as_deref())?;
    let config = load_config(&root, args.packs.config.as_deref())?;
    let packs = load_packs(&config, &args.packs, false)?;
    let as_of = match &args.as_of {
        Some(d) => parse_date(d)?,
        None => today(),
    };
    let mut select = config.select.clone();
    if !args.select.is_empty() {
        select = args.select.clone();
    }
    let mut ignore = config.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    let limits = aimslint_artifacts::Limits {
        max_file_bytes: config
            .max_file_bytes
            .unwrap_or(aimslint_artifacts::DEFAULT_MAX_FILE_BYTES),
    };
    let engine = Engine::new(
        packs.clone(),
        &config,
        EngineOptions {
            as_of,
            selection: Selection { select, ignore },
            limits,
        },
    );
    let read = aimslint_git::ReadOptions {
        exclude: config.exclude.clone(),
        max_file_bytes: limits.max_file_bytes,
    };
    let want = |p: &str| engine.is_candidate(p);
    let explicit = if args.staged {
        HashSet::new()
    } else {
        explicit_paths(&root, &args.paths)?
    };
    let (snapshot, source) = if args.staged {
        let tree =
            aimslint_git::index(&root, &read, &want).map_err(|e| CliError::usage(e.to_string()))?;
        (to_snapshot(tree, &HashSet::new()), "index".to_string())
    } else {
        // Named files are judged in the context of their repository (references resolve against
        // the other evidence), but only their findings are reported.
        let mut tree =
            aimslint_git::worktree(&root, &read, &|p: &str| explicit.contains(p) || want(p))
                .map_err(|e| CliError::usage(e.to_string()))?;
        // Files named on the command line are read even if .gitignore or the excludes hide them.
        for p in &explicit {
            if !tree.files.iter().any(|f| &f.path == p) {
                let bytes = std::fs::read(root.join(p))
                    .map_err(|e| CliError::usage(format!("{p}: {e}")))?;
                tree.files.push(aimslint_git::SourceFile {
                    path: p.clone(),
                    blob_id: aimslint_git::blob_id(&bytes),
                    content: Ok(bytes.into()),
                });
                tree.paths.insert(p.clone());
            }
        }
        (to_snapshot(tree, &explicit), "worktree".to_string())
    };
    let mut outcome = engine.check(&snapshot);
    if !explicit.is_empty() {
        outcome.findings.retain(|f| explicit.contains(&f.path));
        outcome.artifacts.retain(|a| explicit.contains(&a.path));
    }

    let color = args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let meta = aimslint_report::Meta {
        tool_version: env!("CARGO_PKG_VERSION"),
        packs: &packs,
        as_of: as_of.to_string(),
        source,
        color,
    };
    let format = match args.format {
        OutputFormat::Human => aimslint_report::Format::Human,
        OutputFormat::Json => aimslint_report::Format::Json,
    };
    let mut buf = Vec::new();
    format.reporter().report(&outcome, &meta, &mut buf)?;
    match &args.output {
        Some(path) => std::fs::write(path, &buf)
            .map_err(|e| CliError::Internal(format!("{}: {e}", path.display())))?,
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(&buf).and_then(|()| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| {
        outcome
            .findings
            .iter()
            .any(|f| f.waived.is_none() && f.severity >= t)
    });
    Ok(if failing { exit::FINDINGS } else { exit::CLEAN })
}

fn to_snapshot(tree: aimslint_git::Tree, explicit: &HashSet<String>) -> Snapshot {
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

/// Files named on the command line, relative to the root. Empty when a directory was given.
fn explicit_paths(root: &Path, paths: &[std::path::PathBuf]) -> Result<HashSet<String>, CliError> {
    let mut out = HashSet::new();
    let canon_root = root.canonicalize()?;
    for p in paths {
        if p.is_dir() {
            if paths.len() > 1 {
                return Err(CliError::usage(
                    "give either one directory or a list of files",
                ));
            }
            continue;
        }
        let abs = p
            .canonicalize()
            .map_err(|e| CliError::usage(format!("{}: {e}", p.display())))?;
        let rel = abs.strip_prefix(&canon_root).map_err(|_| {
            CliError::usage(format!(
                "{} is outside the repository root {}",
                p.display(),
                root.display()
            ))
        })?;
        out.insert(rel.to_string_lossy().replace('\\', "/"));
    }
    Ok(out)
}
