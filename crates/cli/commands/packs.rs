use std::sync::Arc;

use crate::args::PackOptions;
use std::path::PathBuf;

use crate::common::{CliError, find_root, load_packs};
use crate::exit;

pub fn list(opts: &PackOptions) -> Result<i32, CliError> {
    let packs = load_packs(&crate::common::config_for(opts)?, opts, true)?;
    println!(
        "{:<12} {:<8} {:<9} {:>8} {:>6} {:>6}  {:<16} framework",
        "pack", "version", "optional", "controls", "rules", "pairs", "sha256"
    );
    for p in &packs.packs {
        let pairs: usize = p.crosswalks.iter().map(|c| c.pairs.len()).sum();
        let layer = p
            .manifest
            .extends
            .as_ref()
            .map(|b| format!(" (extends {b})"))
            .unwrap_or_default();
        println!(
            "{:<12} {:<8} {:<9} {:>8} {:>6} {:>6}  {:<16} {} {}{layer}",
            p.manifest.id,
            p.manifest.version.to_string(),
            if p.manifest.optional { "yes" } else { "no" },
            p.controls.iter().filter(|c| !c.is_group()).count(),
            p.rules.len(),
            pairs,
            &p.digest[..16],
            p.manifest.framework,
            p.manifest.edition
        );
    }
    Ok(exit::CLEAN)
}

pub fn test(
    dir: Option<PathBuf>,
    only: Option<&str>,
    mut opts: PackOptions,
) -> Result<i32, CliError> {
    // `packs test DIR`: that pack's fixtures, with what it needs loaded beside it.
    let mut only = only.map(str::to_string);
    if let Some(d) = dir {
        let files = aimslint_packs::PackFiles::from_dir(&d).map_err(CliError::usage)?;
        let id = files
            .text("pack.toml")
            .and_then(|t| toml::from_str::<toml::Table>(t).ok())
            .and_then(|t| t.get("id").and_then(|v| v.as_str()).map(str::to_string))
            // A pack.toml that does not say its id is reported at its line by the load below.
            .unwrap_or_default();
        opts.packs.push(d);
        only = Some(id);
    }
    let (only, opts) = (only.as_deref(), &opts);
    let packs: Arc<_> = load_packs(&crate::common::config_for(opts)?, opts, true)?;
    let root = find_root(&[PathBuf::from(".")], None)?;
    let runner = crate::plugins::runner(&root, &packs)?;
    let results = aimslint_engine::fixtures::run_fixtures(&packs, only, runner);
    let mut failed = 0;
    for r in &results {
        if r.ok() {
            println!("ok    {} {} {}", r.pack, r.rule, r.case);
        } else {
            failed += 1;
            println!("FAIL  {} {} {}", r.pack, r.rule, r.case);
            for p in &r.problems {
                println!("        {p}");
            }
        }
    }
    let passed = results.len() - failed;
    println!("fixtures: {passed} passed, {failed} failed");
    Ok(if failed == 0 {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}

/// The packs a repository runs: its aimslint.toml, plus --pack and --frameworks.
fn repository_packs(
    opts: &PackOptions,
) -> Result<(PathBuf, Arc<aimslint_packs::PackSet>), CliError> {
    let root = find_root(&[PathBuf::from(".")], None)?;
    let config = aimslint_engine::load_config(&root, opts.config.as_deref())?;
    let packs = load_packs(&config, opts, false)?;
    Ok((root, packs))
}

/// `aimslint packs lock`: pin the loaded packs and plugin libraries in aimslint.lock.
pub fn lock(opts: &PackOptions) -> Result<i32, CliError> {
    let (root, packs) = repository_packs(opts)?;
    let now = crate::plugins::current_lock(&packs)?;
    let before = crate::plugins::read_lock(&root)?;
    crate::plugins::write_lock(&root, &now)?;
    let changed = before.map_or_else(Vec::new, |b| crate::plugins::differences(&b, &now));
    println!(
        "{}: {} pack{}, {} plugin librar{}",
        crate::plugins::LOCKFILE,
        now.packs.len(),
        if now.packs.len() == 1 { "" } else { "s" },
        now.plugins.len(),
        if now.plugins.len() == 1 { "y" } else { "ies" }
    );
    for c in changed {
        println!("  was: {c}");
    }
    Ok(exit::CLEAN)
}

/// `aimslint packs verify`: the loaded packs and plugin libraries are those aimslint.lock pins.
pub fn verify(opts: &PackOptions) -> Result<i32, CliError> {
    let (root, packs) = repository_packs(opts)?;
    let Some(pinned) = crate::plugins::read_lock(&root)? else {
        eprintln!(
            "error: no {} at {}: run `aimslint packs lock`",
            crate::plugins::LOCKFILE,
            root.display()
        );
        return Ok(exit::FINDINGS);
    };
    let now = crate::plugins::current_lock(&packs)?;
    let diffs = crate::plugins::differences(&pinned, &now);
    for d in &diffs {
        eprintln!("error: {d}");
    }
    if diffs.is_empty() {
        println!(
            "{} matches: {} pack{}, {} plugin librar{}",
            crate::plugins::LOCKFILE,
            now.packs.len(),
            if now.packs.len() == 1 { "" } else { "s" },
            now.plugins.len(),
            if now.plugins.len() == 1 { "y" } else { "ies" }
        );
        Ok(exit::CLEAN)
    } else {
        Ok(exit::FINDINGS)
    }
}

/// `aimslint packs list --new`: the rules of a later pack version than aimslint.toml pins, off
/// until selected by their id.
pub fn list_new(opts: &PackOptions) -> Result<i32, CliError> {
    let root = find_root(&[PathBuf::from(".")], None)?;
    let config = aimslint_engine::load_config(&root, opts.config.as_deref())?;
    let packs = load_packs(&config, opts, false)?;
    let newer: Vec<_> = packs
        .rules()
        .filter(|r| aimslint_engine::newer_than_pinned(r, &config))
        .collect();
    if newer.is_empty() {
        println!("no rule is newer than the pack versions aimslint.toml pins");
        return Ok(exit::CLEAN);
    }
    println!(
        "{:<10} {:<12} {:<8} {:<8} title",
        "rule", "pack", "since", "pinned"
    );
    for r in newer {
        let pinned = config
            .pack_as_of
            .get(&r.pack)
            .map_or(String::new(), ToString::to_string);
        println!(
            "{:<10} {:<12} {:<8} {:<8} {}",
            r.id,
            r.pack,
            r.since.as_ref().map_or(String::new(), ToString::to_string),
            pinned,
            r.title
        );
    }
    println!(
        "Select a rule by its id ([rules] select or --select) to run it, or raise the version in [packs]."
    );
    Ok(exit::CLEAN)
}

/// The raw JSON Schema a kind validates with: the tool's own `schemas/`, or the pack's.
fn schema_text(packs: &aimslint_packs::PackSet, kind: &aimslint_packs::Kind) -> Option<String> {
    let name = &kind.schema.as_ref()?.name;
    let builtin = aimslint_packs::builtin_schemas();
    if let Some(bytes) = builtin.get(name.as_str()) {
        return String::from_utf8(bytes.to_vec()).ok();
    }
    let pack = packs.pack(&kind.pack)?;
    pack.files
        .text(&format!("schemas/{name}"))
        .or_else(|| pack.files.text(name))
        .map(str::to_string)
}

/// `aimslint schema [KIND]`.
pub fn schema(kind: Option<&str>, opts: &PackOptions) -> Result<i32, CliError> {
    let packs = load_packs(&crate::common::config_for(opts)?, opts, true)?;
    let Some(kind) = kind else {
        println!("{:<20} {:<34} $id", "kind", "schema");
        for k in packs.kinds() {
            let name = k
                .schema
                .as_ref()
                .map_or("(none: Markdown only)", |s| s.name.as_str());
            let id = schema_text(&packs, k)
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| v["$id"].as_str().map(str::to_string))
                .unwrap_or_default();
            println!("{:<20} {:<34} {id}", k.id, name);
        }
        return Ok(exit::CLEAN);
    };
    let Some(k) = packs.kind(kind) else {
        let known: Vec<&str> = packs.kinds().map(|k| k.id.as_str()).collect();
        return Err(CliError::usage(format!(
            "`{kind}` is not an evidence kind of the loaded packs (kinds: {})",
            known.join(", ")
        )));
    };
    match schema_text(&packs, k) {
        Some(text) => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Ok(exit::CLEAN)
        }
        None => Err(CliError::usage(format!(
            "the kind {kind} has no JSON Schema (its rules read Markdown sections)"
        ))),
    }
}
