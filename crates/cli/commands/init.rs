use std::path::Path;

use crate::args::InitArgs;
use crate::common::CliError;
use crate::exit;

const FILES: &[(&str, &str)] = &[
    ("aimslint.toml", include_str!("../templates/aimslint.toml")),
    (
        "aims/templates/model-card.md",
        include_str!("../templates/model-card.md"),
    ),
    (
        "aims/templates/provenance.yaml",
        include_str!("../templates/provenance.yaml"),
    ),
    (
        "aims/templates/change-record.yaml",
        include_str!("../templates/change-record.yaml"),
    ),
    (
        "aims/templates/systems.yaml",
        include_str!("../templates/systems.yaml"),
    ),
    (
        "aims/templates/risk-assessment.yaml",
        include_str!("../templates/risk-assessment.yaml"),
    ),
    (
        "aims/templates/impact-assessment.yaml",
        include_str!("../templates/impact-assessment.yaml"),
    ),
    (
        "aims/templates/ai-policy.md",
        include_str!("../templates/ai-policy.md"),
    ),
];

/// What `init` does with one file.
enum Action {
    /// It exists (as a regular file, or a symlink to one) and `--force` was not given.
    Keep,
    Create,
    /// A regular file, overwritten with `--force`.
    Replace,
}

fn refuse(path: &Path, why: &str) -> CliError {
    CliError::usage(format!(
        "refusing to write {}: {why}; init never writes through a symlink or to anything but a regular file (remove it, or run init in another directory)",
        path.display()
    ))
}

/// What a path is, for a refusal.
fn what(m: &std::fs::Metadata) -> String {
    format!("it is {}", aimslint_artifacts::fsread::kind_of(m))
}

/// Check the folders of `rel` below `dir` that exist: each must be a real folder, not a symlink.
fn check_folders(dir: &Path, rel: &str) -> Result<(), CliError> {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refuse(
                    &dir.join(rel),
                    &format!("{} is a symlink", at.display()),
                ));
            }
            Ok(m) if !m.is_dir() => {
                return Err(refuse(
                    &dir.join(rel),
                    &format!("{} is not a directory", at.display()),
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(CliError::Internal(format!("{}: {e}", at.display()))),
        }
    }
    Ok(())
}

/// What to do with `path`, refusing a symlink or a file that is not regular wherever a file would
/// be written.
fn plan(dir: &Path, rel: &str, force: bool) -> Result<Action, CliError> {
    let path = dir.join(rel);
    let action = match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            // Kept as it is without --force when it leads to a regular file; never written through.
            match std::fs::metadata(&path) {
                Ok(t) if t.is_file() && !force => return Ok(Action::Keep),
                Ok(t) if t.is_file() => return Err(refuse(&path, "it is a symlink")),
                Ok(t) => return Err(refuse(&path, &format!("{} behind a symlink", what(&t)))),
                Err(_) => return Err(refuse(&path, "it is a dangling symlink")),
            }
        }
        Ok(m) if !m.is_file() => return Err(refuse(&path, &what(&m))),
        Ok(_) if !force => return Ok(Action::Keep),
        Ok(_) => Action::Replace,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Action::Create,
        Err(e) => return Err(CliError::Internal(format!("{}: {e}", path.display()))),
    };
    check_folders(dir, rel)?;
    Ok(action)
}

/// Create the folders of `rel` below `dir` one at a time (`create_dir` fails on anything already
/// there, a dangling symlink included) and write the file as a new file (`create_new` never
/// follows a symlink).
fn write_new(dir: &Path, rel: &str, text: &str, replace: bool) -> Result<(), CliError> {
    use std::io::Write;
    let io = |p: &Path, e: std::io::Error| CliError::Internal(format!("{}: {e}", p.display()));
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(refuse(
                    &dir.join(rel),
                    &format!("{} is not a directory", at.display()),
                ));
            }
            Err(_) => std::fs::create_dir(&at).map_err(|e| io(&at, e))?,
        }
    }
    let path = dir.join(rel);
    if replace {
        std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                refuse(&path, "something appeared there while init ran")
            } else {
                io(&path, e)
            }
        })?;
    f.write_all(text.as_bytes()).map_err(|e| io(&path, e))?;
    f.flush().map_err(|e| io(&path, e))
}

pub fn run(args: InitArgs) -> Result<i32, CliError> {
    // Every path is checked before anything is written: a refusal leaves the directory as it was.
    let mut actions = Vec::new();
    for (rel, text) in FILES {
        actions.push((*rel, *text, plan(&args.dir, rel, args.force)?));
    }
    // The directory named on the command line is the user's choice, symlink or not.
    if !args.dir.exists() {
        std::fs::create_dir_all(&args.dir)
            .map_err(|e| CliError::Internal(format!("{}: {e}", args.dir.display())))?;
    }
    let mut wrote = 0;
    for (rel, text, action) in actions {
        match action {
            Action::Keep => {
                println!("kept    {rel} (exists; --force overwrites)");
                continue;
            }
            Action::Create => write_new(&args.dir, rel, text, false)?,
            Action::Replace => write_new(&args.dir, rel, text, true)?,
        }
        println!("wrote   {}", Path::new(rel).display());
        wrote += 1;
    }
    println!();
    println!(
        "{wrote} file(s) written. Copy a template from aims/templates/ to where the evidence lives"
    );
    println!(
        "(models/<name>/README.md, data/<name>/provenance.yaml, changes/CR-….yaml, aims/systems.yaml),"
    );
    println!("then run `aimslint check`.");
    Ok(exit::CLEAN)
}
