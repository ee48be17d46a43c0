//! `aimslint merge`: join the JSON reports of the N shards of one run (`check --shard I/N --format
//! json=FILE`) into the report the unsharded run gives, in any format.
//!
//! Each shard reports the findings and files of its own paths, and the configuration's findings
//! (an expired waiver, a waiver that matched nothing in that shard, a Statement of Applicability
//! problem). The merge keeps every finding of a file and, of the configuration's, those every shard
//! has: a waiver unused in one shard may have been used in another.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use aimslint_engine::{Artifact, Finding, HistoryInfo, Outcome};
use aimslint_packs::Severity;
use serde_json::Value;

use crate::args::{FailOn, MergeArgs};
use crate::common::{CliError, find_root, load_packs};
use crate::exit;

/// Findings about the configuration rather than a file, which every shard reports.
const CONFIG_CODES: [&str; 3] = ["AL010", "AL011", "AL012"];

struct ShardReport {
    file: PathBuf,
    index: u32,
    count: u32,
    value: Value,
}

fn read(file: &std::path::Path) -> Result<ShardReport, CliError> {
    let bytes = aimslint_artifacts::fsread::read_regular(file, 1 << 30)
        .map_err(|e| CliError::usage(format!("{}: {e}", file.display())))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::usage(format!("{}: not a JSON report: {e}", file.display())))?;
    let shard = &value["shard"];
    let (Some(index), Some(count)) = (shard["index"].as_u64(), shard["count"].as_u64()) else {
        return Err(CliError::usage(format!(
            "{}: not the report of a shard (run `aimslint check --shard I/N --format json=FILE`)",
            file.display()
        )));
    };
    Ok(ShardReport {
        file: file.to_path_buf(),
        index: u32::try_from(index).unwrap_or(u32::MAX),
        count: u32::try_from(count).unwrap_or(u32::MAX),
        value,
    })
}

pub fn run(args: MergeArgs) -> Result<i32, CliError> {
    crate::run::check_outputs(&args.format, aimslint_report::Command::Check, "merge")?;
    let reports: Vec<ShardReport> = args
        .files
        .iter()
        .map(|f| read(f))
        .collect::<Result<_, _>>()?;
    let first = &reports[0];
    let n = first.count;
    let mut seen = BTreeSet::new();
    for r in &reports {
        for key in ["tool", "as_of", "source", "packs"] {
            if r.value[key] != first.value[key] {
                return Err(CliError::usage(format!(
                    "{} and {} are not shards of one run: their `{key}` differs",
                    first.file.display(),
                    r.file.display()
                )));
            }
        }
        if r.count != n {
            return Err(CliError::usage(format!(
                "{} is shard {}/{}, {} is of {n}",
                r.file.display(),
                r.index,
                r.count,
                first.file.display()
            )));
        }
        if !seen.insert(r.index) {
            return Err(CliError::usage(format!(
                "shard {}/{n} is given twice ({})",
                r.index,
                r.file.display()
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|i| !seen.contains(i))
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(CliError::usage(format!(
            "shard{} {} {} missing: the merge of some shards is not the run's result",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
        )));
    }
    if first.value["tool"]["version"].as_str() != Some(env!("CARGO_PKG_VERSION")) {
        return Err(CliError::usage(format!(
            "the shards were made by aimslint {}, this is {}",
            first.value["tool"]["version"],
            env!("CARGO_PKG_VERSION")
        )));
    }

    let parse = |v: &Value, what: &str, file: &std::path::Path| -> Result<Value, CliError> {
        v.get(what)
            .cloned()
            .ok_or_else(|| CliError::usage(format!("{}: no `{what}`", file.display())))
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut config: BTreeMap<String, (Finding, u32)> = BTreeMap::new();
    let mut artifacts: BTreeMap<String, Artifact> = BTreeMap::new();
    let mut history: Option<HistoryInfo> = None;
    for r in &reports {
        let these: Vec<Finding> = serde_json::from_value(parse(&r.value, "findings", &r.file)?)
            .map_err(|e| CliError::usage(format!("{}: findings: {e}", r.file.display())))?;
        for f in these {
            if CONFIG_CODES.contains(&f.rule.as_str()) {
                config
                    .entry(f.fingerprint.clone())
                    .or_insert_with(|| (f.clone(), 0))
                    .1 += 1;
            } else {
                findings.push(f);
            }
        }
        let arts: Vec<Artifact> = serde_json::from_value(parse(&r.value, "artifacts", &r.file)?)
            .map_err(|e| CliError::usage(format!("{}: artifacts: {e}", r.file.display())))?;
        for a in arts {
            artifacts.entry(a.path.clone()).or_insert(a);
        }
        if let Some(h) = r.value.get("history").filter(|h| !h.is_null()) {
            let h: HistoryInfo = serde_json::from_value(h.clone())
                .map_err(|e| CliError::usage(format!("{}: history: {e}", r.file.display())))?;
            match &mut history {
                None => history = Some(h),
                Some(all) => all.commits_named.extend(h.commits_named),
            }
        }
    }
    findings.extend(
        config
            .into_values()
            .filter(|(_, shards)| *shards == n)
            .map(|(f, _)| f),
    );
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.ended() == b.ended());
    let outcome = Outcome {
        findings,
        artifacts: artifacts.into_values().collect(),
        sources: BTreeMap::new(),
        history,
    };

    // The packs of the repository render the result; they must be the ones the shards ran.
    let root = find_root(&[PathBuf::from(".")], None)?;
    let config = aimslint_engine::load_config(&root, args.packs.config.as_deref())?;
    let packs = load_packs(&config, &args.packs, false)?;
    let meta_packs: Value = serde_json::to_value(
        packs
            .packs
            .iter()
            .map(|p| p.digest.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let shard_packs: Value = first.value["packs"]
        .as_array()
        .map(|a| a.iter().map(|p| p["sha256"].clone()).collect())
        .unwrap_or_default();
    if meta_packs != shard_packs {
        return Err(CliError::usage(
            "the shards ran other packs than this repository loads (run merge where the shards ran, with the same --pack and --frameworks)",
        ));
    }
    let core = crate::commands::explain::core_docs();
    let meta = aimslint_report::Meta {
        tool_version: env!("CARGO_PKG_VERSION"),
        packs: &packs,
        as_of: first.value["as_of"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        source: first.value["source"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        color: false,
        active_rules: None,
        core: &core,
        shard: None,
    };
    for spec in &args.format {
        let mut buf = Vec::new();
        if let Some(reporter) = spec.format.reporter() {
            reporter.report(&outcome, &meta, &mut buf)?;
        }
        crate::run::write_output(&buf, spec.file.as_deref().or(args.output.as_deref()))?;
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
            .any(|f| f.waived.is_none() && f.is_open() && f.severity >= t)
    });
    Ok(if failing { exit::FINDINGS } else { exit::CLEAN })
}
