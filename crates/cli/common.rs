use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aimslint_engine::Config;
use aimslint_packs::{LoadRequest, PackErrors, PackSet};

use crate::args::PackOptions;
use crate::exit;

/// An error that ends the run, with its exit code.
pub enum CliError {
    /// Bad usage, config or pack: exit 2. Shown with every diagnostic.
    Usage(miette::Report),
    /// A bug or failed I/O: exit 3.
    Internal(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Internal(_) => exit::INTERNAL,
        }
    }

    pub fn usage(msg: impl Into<String>) -> CliError {
        CliError::Usage(miette::miette!("{}", msg.into()))
    }
}

impl fmt::Debug for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(r) => write!(f, "{r:?}"),
            CliError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl From<PackErrors> for CliError {
    fn from(e: PackErrors) -> Self {
        CliError::Usage(miette::Report::new(e))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Internal(e.to_string())
    }
}

pub fn tool_version() -> semver::Version {
    semver::Version::parse(env!("CARGO_PKG_VERSION"))
        .unwrap_or_else(|_| semver::Version::new(0, 0, 0))
}

/// Load the packs the config and options ask for: built-in non-optional packs, the optional ones
/// enabled by `[packs]` or `--frameworks`, and pack directories.
/// A problem with a pack named in aimslint.toml, shown at its entry.
fn pack_error(config: &Config, span: &std::ops::Range<usize>, message: String) -> CliError {
    match &config.file {
        Some(file) => PackErrors(vec![aimslint_packs::PackDiagnostic::new(
            file,
            &config.text,
            Some(span.clone()),
            message,
        )])
        .into(),
        None => CliError::usage(message),
    }
}

/// The packs aimslint.toml takes from git: each read from the user's cache (fetched there the first
/// time), at the commit aimslint.lock pins when it pins one.
fn git_packs(
    config: &Config,
) -> Result<Vec<(aimslint_packs::PackFiles, Option<semver::VersionReq>)>, CliError> {
    if config.pack_git.is_empty() {
        return Ok(Vec::new());
    }
    let cache = aimslint_git::user_cache_dir().ok_or_else(|| {
        CliError::usage(
            "packs from git are cached under the user's cache directory, and none is known: set AIMSLINT_CACHE_DIR (or HOME)",
        )
    })?;
    let lock = crate::plugins::read_lock(&config.dir)?;
    let mut out = Vec::new();
    for g in &config.pack_git {
        let pinned = lock
            .as_ref()
            .and_then(|l| l.packs.iter().find(|p| p.id == g.id))
            .filter(|p| p.rev.as_deref() == Some(g.rev.as_str()))
            .and_then(|p| p.commit.clone());
        let pack = aimslint_git::fetch_pack(
            &cache,
            &g.url,
            &g.rev,
            g.folder.as_deref(),
            pinned.as_deref(),
        )
        .map_err(|e| pack_error(config, &g.span, format!("pack {}: {e}", g.id)))?;
        let short = &pack.commit[..12];
        let origin = format!("git:{}@{} ({short})", g.url, g.rev);
        out.push((
            aimslint_packs::PackFiles::from_git(origin, g.rev.clone(), pack.commit, pack.files),
            g.version.clone(),
        ));
    }
    Ok(out)
}

pub fn load_packs(
    config: &Config,
    opts: &PackOptions,
    all_builtin: bool,
) -> Result<Arc<PackSet>, CliError> {
    let mut optional: Vec<String> = config.packs.iter().map(|(id, _)| id.clone()).collect();
    optional.extend(opts.frameworks.iter().cloned());
    let mut req = if all_builtin {
        LoadRequest::all_builtin()
    } else {
        LoadRequest::defaults_with(&optional)
    };
    let known = aimslint_packs::builtin_pack_ids();
    let has_dirs = !config.pack_dirs.is_empty() || !opts.packs.is_empty();
    // An id that is neither built in nor possibly a directory pack is a typo: say so before loading.
    let unknown = |id: &str, extra: String| -> CliError {
        let message = format!(
            "unknown pack `{id}`; built-in packs: {}{extra}",
            known.join(", ")
        );
        // Named in aimslint.toml: shown at its line.
        match (&config.file, config.pack_spans.get(id)) {
            (Some(file), Some(span)) => PackErrors(vec![aimslint_packs::PackDiagnostic::new(
                file,
                &config.text,
                Some(span.clone()),
                message,
            )])
            .into(),
            _ => CliError::usage(message),
        }
    };
    for id in &optional {
        if !known.contains(id) && !has_dirs {
            return Err(unknown(id, String::new()));
        }
    }
    for (id, v) in &config.packs {
        if let Some(entry) = req.builtin.iter_mut().find(|(b, _)| b == id) {
            entry.1 = v.clone();
        }
    }
    req.dirs.extend(config.pack_dirs.iter().cloned());
    req.dirs.extend(opts.packs.iter().cloned());
    req.read = git_packs(config)?;
    let set = PackSet::load(&req, &tool_version(), &aimslint_engine::kinds::REGISTRY)?;
    for g in &config.pack_git {
        if set.pack(&g.id).is_none() {
            return Err(pack_error(
                config,
                &g.span,
                format!(
                    "the pack at {} `{}` is not called `{}` (its pack.toml says another id)",
                    g.url, g.rev, g.id
                ),
            ));
        }
    }
    if let Some(id) = optional.iter().find(|id| set.pack(id).is_none()) {
        let loaded: Vec<&str> = set.packs.iter().map(|p| p.manifest.id.as_str()).collect();
        return Err(unknown(id, format!("; loaded: {}", loaded.join(", "))));
    }
    Ok(Arc::new(set))
}

/// The configuration for commands that work without a repository (`explain`, `packs`): the file
/// named by `--config` when given, else the current directory's aimslint.toml as `check` reads it
/// (its packs and pack directories then count: `explain` knows the rules `check` runs), else none.
pub fn config_for(opts: &PackOptions) -> Result<Config, CliError> {
    match &opts.config {
        Some(file) => {
            let root = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Ok(aimslint_engine::load_config(root, Some(file))?)
        }
        None if Path::new("aimslint.toml").is_file() => {
            Ok(aimslint_engine::load_config(Path::new("."), None)?)
        }
        None => Ok(Config::default()),
    }
}

/// The repository root for a set of paths: `--root`, the directory given, or the nearest ancestor
/// holding aimslint.toml or .git.
pub fn find_root(paths: &[PathBuf], explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    if let Some(r) = explicit {
        return Ok(r.to_path_buf());
    }
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if !first.exists() {
        return Err(CliError::usage(format!(
            "{}: no such file or directory",
            first.display()
        )));
    }
    if first.is_dir() {
        return Ok(first);
    }
    let abs = first.canonicalize()?;
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if d.join("aimslint.toml").exists() || d.join(".git").exists() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Ok(abs
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf))
}

pub fn today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}

pub fn parse_date(s: &str) -> Result<jiff::civil::Date, CliError> {
    jiff::civil::Date::strptime("%Y-%m-%d", s)
        .map_err(|_| CliError::usage(format!("`{s}` is not a date (YYYY-MM-DD)")))
}

/// The globs of files never read as evidence: `[files] exclude`, and every pack directory inside the
/// repository (a pack's rules, schemas and fixtures are no evidence, and its fail fixtures hold
/// gaps on purpose).
pub fn read_excludes(config: &aimslint_engine::Config, root: &Path) -> Vec<String> {
    let mut out = config.exclude.clone();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for dir in &config.pack_dirs {
        let canon = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        if let Ok(rel) = canon.strip_prefix(&canon_root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !rel.is_empty() {
                out.push(format!("{rel}/**"));
            }
        }
    }
    out
}
