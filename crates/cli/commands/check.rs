use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::Path;

use aimslint_engine::{Engine, EngineOptions, Selection, load_config};

use crate::run::{to_snapshot, walk_label};
use aimslint_packs::Severity;

use crate::args::{CheckArgs, FailOn};
use crate::common::{CliError, find_root, load_packs, parse_date, today};
use crate::exit;

pub fn run(args: CheckArgs) -> Result<i32, CliError> {
    let root = find_root(&args.paths, args.root.as_deref())?;
    let config = load_config(&root, args.packs.config.as_deref())?;
    let walk = history_walk(&args)?;
    let early = walk
        .clone()
        .and_then(|w| crate::run::resolve_early(&root, w));
    let packs = load_packs(&config, &args.packs, false)?;
    let as_of = match &args.as_of {
        Some(d) => parse_date(d)?,
        None => today(),
    };
    let cli_refs: Vec<(String, &'static str)> = args
        .select
        .iter()
        .map(|s| (s.clone(), "--select"))
        .chain(args.ignore.iter().map(|s| (s.clone(), "--ignore")))
        .collect();
    aimslint_engine::check_rule_refs(&packs, &config, &cli_refs)?;
    if let Some(kind) = &args.kind
        && packs.kind(kind).is_none()
    {
        return Err(CliError::usage(format!(
            "--kind {kind}: not an evidence kind of the loaded packs (kinds: {})",
            kind_list(&packs)
        )));
    }
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
            plugins: crate::plugins::runner(&root, &packs)?,
            shard: args.shard,
        },
    )
    .with_explicit_kind(args.kind.clone());
    let read = aimslint_git::ReadOptions {
        exclude: crate::common::read_excludes(&config, &root),
        max_file_bytes: limits.max_file_bytes,
        subdir: None,
    };
    let filter = path_filter(&args.path_filter)?;
    let want = |p: &str| engine.is_candidate(p) && filter.as_ref().is_none_or(|f| f.is_match(p));
    let git_err = |e: aimslint_git::SourceError| CliError::usage(e.to_string());
    let explicit = if args.staged || args.rev.is_some() || walk.is_some() {
        HashSet::new()
    } else {
        explicit_paths(&root, &args.paths)?
    };
    if args.kind.is_some() && explicit.is_empty() {
        return Err(CliError::usage(
            "--kind applies to files named on the command line: name the files, or map paths to kinds in aimslint.toml [artifacts]",
        ));
    }
    // Git sources see the whole repository; a directory below its root narrows them to that folder.
    let git_read = read.clone().within(&root);
    let (mut outcome, source) = if let Some(walk) = walk {
        let outcome = crate::run::check_history(crate::run::HistoryRun {
            root: &root,
            engine: &engine,
            read: &read,
            walk: &walk,
            want: &want,
            cache_key: args.path_filter.join("\n"),
            no_cache: args.no_cache,
            no_progress: args.no_progress,
            early,
        })?;
        (outcome, walk_label(&walk))
    } else if let Some(rev) = &args.rev
        && !aimslint_git::has_commits(&root).map_err(git_err)?
    {
        // `git init` and nothing committed: no revision exists, and nothing is wrong.
        eprintln!("note: no commits to check (the repository has no commits yet)");
        (Default::default(), format!("rev {rev}"))
    } else if let Some(rev) = &args.rev {
        let meta = aimslint_git::commit_meta(&root, rev).map_err(git_err)?;
        let tree = aimslint_git::revision(&root, rev, &git_read, &want).map_err(git_err)?;
        let mut snapshot = to_snapshot(tree, &HashSet::new());
        snapshot.commit = Some(meta.id.clone());
        if args.as_of.is_none() {
            snapshot.as_of = jiff::civil::Date::strptime("%Y-%m-%d", &meta.date).ok();
        }
        (engine.check(&snapshot), format!("rev {}", meta.id))
    } else if args.staged {
        // The index as the next commit: HEAD against it is the change commit rules judge, and
        // (without --all-files) what decides which findings are the change's.
        let staged = aimslint_git::staged(&root, &git_read, &want).map_err(git_err)?;
        let change = aimslint_engine::StagedChange {
            changes: staged.changes,
            before: to_snapshot(
                aimslint_git::Tree {
                    files: staged.before,
                    paths: HashSet::new(),
                },
                &HashSet::new(),
            )
            .files,
            all_files: args.all_files,
        };
        (
            engine.check_staged(&to_snapshot(staged.tree, &HashSet::new()), &change),
            "index".to_string(),
        )
    } else {
        // Named files are judged in the context of their repository (references resolve against
        // the other evidence), but only their findings are reported.
        let mut tree =
            aimslint_git::worktree(&root, &read, &|p: &str| explicit.contains(p) || want(p))
                .map_err(git_err)?;
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
        (
            engine.check(&to_snapshot(tree, &explicit)),
            "worktree".to_string(),
        )
    };
    if !explicit.is_empty() {
        outcome.findings.retain(|f| explicit.contains(&f.path));
        outcome.artifacts.retain(|a| explicit.contains(&a.path));
    }
    if let Some(f) = &filter {
        // History rules and sources see every path; what is reported is what the filter names
        // (and the configuration's own findings).
        let cfg = config.file.clone().unwrap_or_default();
        outcome
            .findings
            .retain(|x| f.is_match(&x.path) || x.path == cfg);
        outcome.artifacts.retain(|a| f.is_match(&a.path));
    }
    // A baseline is written from every standing finding; one that is read hides those it holds.
    let mut baseline_written = None;
    if let Some(path) = &args.write_baseline {
        baseline_written = Some(crate::baseline::write(path, &outcome)?);
    }
    if let Some(path) = &args.baseline {
        let applied = crate::baseline::apply(path, &mut outcome)?;
        if applied.known > 0 || applied.fixed > 0 {
            eprintln!(
                "note: {} finding{} recorded in the baseline {} not reported{}",
                applied.known,
                if applied.known == 1 { "" } else { "s" },
                path.display(),
                if applied.fixed > 0 {
                    format!(
                        "; {} of its entries no longer found (fixed: rewrite it with --write-baseline)",
                        applied.fixed
                    )
                } else {
                    String::new()
                }
            );
        }
    }
    let filtered_out = filter.is_some() && outcome.artifacts.is_empty();
    if let Some(f) = &filter
        && filtered_out
        && !matched_in_history(f, &outcome)
    {
        eprintln!(
            "warning: no evidence file matches --path {}",
            f.patterns.join(", ")
        );
    }
    // Named files that are no evidence are said to be so, with how to check them anyway.
    let human = args
        .format
        .iter()
        .any(|o| o.format == aimslint_report::Format::Human);
    if human {
        for a in outcome
            .artifacts
            .iter()
            .filter(|a| a.status == aimslint_engine::ArtifactStatus::Unclassified)
        {
            eprintln!("note: {}", unrecognised_note(a, &packs));
        }
    }
    let no_evidence = !outcome.artifacts.iter().any(|a| a.kind.is_some());
    let require_evidence = args.fail_on_no_evidence || config.require_evidence;
    if no_evidence && (require_evidence || (human && !filtered_out)) {
        eprintln!(
            "{}: no evidence found: no file was recognised as {}; name files with `--kind KIND`, or map paths to kinds in aimslint.toml [artifacts]{}",
            if require_evidence { "error" } else { "note" },
            if explicit.is_empty() {
                "a model card, dataset card or other evidence kind"
            } else {
                "evidence among the files named"
            },
            if require_evidence {
                if args.fail_on_no_evidence {
                    " (--fail-on-no-evidence)"
                } else {
                    " ([files] require_evidence in aimslint.toml)"
                }
            } else {
                ""
            }
        );
    }

    // Each output to its file; at most one to standard output (or --output).
    crate::run::check_outputs(&args.format, aimslint_report::Command::Check, "check")?;
    let active = engine
        .active_rules()
        .map(|(r, _)| r.id.clone())
        .collect::<std::collections::BTreeSet<String>>();
    let core = crate::commands::explain::core_docs();
    for spec in &args.format {
        let file = spec.file.as_deref().or(args.output.as_deref());
        let color = file.is_none()
            && spec.format == aimslint_report::Format::Human
            && !args.no_color
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stdout().is_terminal();
        let meta = aimslint_report::Meta {
            tool_version: env!("CARGO_PKG_VERSION"),
            packs: &packs,
            as_of: as_of.to_string(),
            source: source.clone(),
            color,
            active_rules: Some(&active),
            core: &core,
            shard: args.shard.map(|s| (s.index, s.count)),
        };
        crate::run::stream_output(file, |out| match spec.format.reporter() {
            Some(reporter) => reporter.report(&outcome, &meta, out),
            None => Ok(()),
        })?;
        // GitHub shows this Markdown on the run's page; the variable is set only in Actions.
        if spec.format == aimslint_report::Format::Github
            && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty())
        {
            append_summary(
                std::path::Path::new(&summary),
                &aimslint_report::step_summary(&outcome, &meta),
            )?;
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    // In history mode a finding that no longer stands at the head (fixed, or its file deleted or
    // no longer parsing — which is a finding of its own) does not fail the run.
    let mut failing = threshold.is_some_and(|t| {
        outcome
            .findings
            .iter()
            .any(|f| f.waived.is_none() && f.is_open() && f.severity >= t)
    });
    if let Some(n) = baseline_written {
        eprintln!(
            "note: {n} finding{} recorded in the baseline {}",
            if n == 1 { "" } else { "s" },
            args.write_baseline
                .as_deref()
                .unwrap_or(Path::new(""))
                .display()
        );
        failing = false;
    }
    // With a ratchet the verdict is whether any control got worse.
    if let Some(path) = &args.ratchet {
        let r = crate::baseline::ratchet(path, &outcome, &packs)?;
        for w in &r.worse {
            eprintln!("error: ratchet: {w}");
        }
        if r.worse.is_empty() && r.better > 0 {
            eprintln!(
                "note: ratchet: {} control{} better than in {}; store this run's JSON as the new ratchet",
                r.better,
                if r.better == 1 { " is" } else { "s are" },
                path.display()
            );
        }
        failing = !r.worse.is_empty();
    }
    // A file aimslint itself failed on (AL013) was not checked: the run is incomplete whatever else it found.
    let internal = outcome
        .findings
        .iter()
        .any(|f| f.rule == aimslint_engine::codes::INTERNAL);
    // The process ends when this returns: the findings, the engine (with what it remembered of
    // the documents) and the packs go back to the system with it rather than being freed one by
    // one (those of a long history took 10 ms to free).
    std::mem::forget(outcome);
    std::mem::forget(engine);
    std::mem::forget(packs);
    Ok(if internal {
        exit::INTERNAL
    } else if failing || (no_evidence && require_evidence) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// Append to the step summary file GitHub gives the step (it collects what every step appends).
fn append_summary(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| CliError::usage(format!("GITHUB_STEP_SUMMARY {}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.write_all(b"\n"))
        .map_err(|e| CliError::usage(format!("GITHUB_STEP_SUMMARY {}: {e}", path.display())))
}

/// The loaded packs' evidence kinds, for messages.
fn kind_list(packs: &aimslint_packs::PackSet) -> String {
    packs
        .kinds()
        .map(|k| k.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a file named on the command line was not checked, and how to check it anyway.
fn unrecognised_note(a: &aimslint_engine::Artifact, packs: &aimslint_packs::PackSet) -> String {
    let why = match (a.flavor.as_deref(), a.format.as_deref()) {
        (Some("card-template"), _) => {
            "it is a card template or fill-in guide (Jinja placeholders, or sections that hold only guidance), not a card"
        }
        (Some("front-matter"), _) | (None, Some("markdown")) => {
            "it has neither card metadata in its front matter nor two card sections outside code (a guide, a post, a notice or a folder's README is no card)"
        }
        _ => "its name and content match no evidence kind",
    };
    format!(
        "{} is not recognised as evidence: {why}. To check it anyway, name its kind: `aimslint check --kind KIND {}`, or add its path to a kind in aimslint.toml [artifacts] (kinds: {})",
        aimslint_artifacts::quote_path(&a.path),
        aimslint_artifacts::quote_path(&a.path),
        kind_list(packs)
    )
}

/// Whether a history run read evidence at a path the filter matches at some commit it walked (the
/// head may no longer hold it).
fn matched_in_history(
    filter: &aimslint_packs::GlobMatcher,
    outcome: &aimslint_engine::Outcome,
) -> bool {
    outcome
        .history
        .as_ref()
        .is_some_and(|h| h.paths.iter().any(|p| filter.is_match(p)))
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

/// The history walk the arguments ask for, if any.
fn history_walk(args: &CheckArgs) -> Result<Option<aimslint_git::Walk>, CliError> {
    crate::run::walk_of(
        args.range.as_deref(),
        args.since.as_deref(),
        args.all_history,
        args.pre_push,
    )
}

fn path_filter(globs: &[String]) -> Result<Option<aimslint_packs::GlobMatcher>, CliError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::GlobBuilder::new(g)
            .literal_separator(false)
            .build()
            .map_err(|e| CliError::usage(format!("--path {g}: {e}")))?;
        b.add(glob);
    }
    let set = b.build().map_err(|e| CliError::usage(e.to_string()))?;
    Ok(Some(aimslint_packs::GlobMatcher {
        patterns: globs.to_vec(),
        set,
    }))
}
