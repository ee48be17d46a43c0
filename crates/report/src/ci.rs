//! Formats for CI systems and terminals that want one line per finding: concise text, SARIF 2.1.0
//! (GitHub code scanning and other viewers), GitHub workflow commands and step summary, JUnit XML
//! and GitLab Code Quality JSON.
//!
//! Every format reports the findings that stand: in a history run, a finding that was fixed, or
//! whose file was removed or can no longer be read, is history, not a result (the JSON and human
//! formats keep it, with how it ended). A waived finding is reported as suppressed where the format
//! can say so (SARIF suppressions, JUnit skipped) and left out where it cannot (annotations, GitLab).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use aimslint_engine::{Finding, Outcome};
use aimslint_packs::{Rule, Severity};
use serde_json::{Value, json};

use crate::{Meta, Reporter};

/// Where the rules of the built-in packs are published (their TOML, with docs).
const RULES_BASE: &str = "https://github.com/aimslint/aimslint/blob/main/policies";

/// GitHub code scanning's limits on one upload (docs.github.com, "SARIF support for code
/// scanning"): results per run and tags per rule.
const SARIF_MAX_RESULTS: usize = 25_000;
const SARIF_MAX_TAGS: usize = 20;

/// The findings a CI format reports, in the report's order.
fn standing(outcome: &Outcome) -> impl Iterator<Item = &Finding> {
    outcome.findings.iter().filter(|f| f.is_open())
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// `path:line:col: RULE message [controls]`, one line per finding, like ruff's concise output; a
/// rule that fires on many files is then summarised once.
#[derive(Debug)]
pub struct Concise;

impl Reporter for Concise {
    fn report(&self, outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut per_rule: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
        let mut shown = 0usize;
        for f in &outcome.findings {
            let mut line = format!(
                "{}:{}:{}: {} {}",
                aimslint_artifacts::quote_path(&f.path),
                f.line,
                f.column,
                f.rule,
                one_line(&f.message)
            );
            if f.severity != Severity::Error {
                let _ = write!(line, " ({})", f.severity.as_str());
            }
            if !f.controls.is_empty() {
                let _ = write!(line, " [{}]", f.controls.join(", "));
            }
            if let Some(c) = &f.commit {
                let _ = write!(line, " @{}", short(c));
            }
            if let Some((how, at)) = f.ended() {
                let how = match how {
                    aimslint_engine::Ended::Fixed => "fixed",
                    aimslint_engine::Ended::Removed => "removed",
                    aimslint_engine::Ended::Obscured => "obscured",
                };
                let _ = write!(line, " ({how} in {})", short(at));
            }
            if f.waived.is_some() {
                line.push_str(" (waived)");
            }
            writeln!(out, "{}", crate::human::printable_message(&line))?;
            shown += 1;
            if f.is_open() && f.waived.is_none() {
                let e = per_rule.entry(&f.rule).or_default();
                e.0 += 1;
                e.1.insert(&f.path);
            }
        }
        // Rules that fire on many files: one line each, so a pattern is not lost in the list.
        let many: Vec<_> = per_rule
            .iter()
            .filter(|(_, (_, files))| files.len() >= 5)
            .collect();
        if !many.is_empty() {
            writeln!(out)?;
            for (rule, (n, files)) in many {
                let title = meta.packs.rule(rule).map_or("", |r| r.title.as_str());
                writeln!(
                    out,
                    "{rule}: {n} findings in {} files  {title}",
                    files.len()
                )?;
            }
        }
        let s = outcome.summary();
        writeln!(
            out,
            "{}Found {} finding{} ({} error{}, {} warning{}) in {} evidence file{}.",
            if shown > 0 { "\n" } else { "" },
            s.findings,
            if s.findings == 1 { "" } else { "s" },
            s.errors,
            if s.errors == 1 { "" } else { "s" },
            s.warnings,
            if s.warnings == 1 { "" } else { "s" },
            s.artifacts,
            if s.artifacts == 1 { "" } else { "s" },
        )
    }
}

/// A message on one line: CI logs and annotations keep lines apart.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// SARIF 2.1.0, for GitHub code scanning and any SARIF viewer.
#[derive(Debug)]
pub struct Sarif;

/// What a SARIF reporting descriptor says of a rule or core code.
struct Descriptor {
    id: String,
    name: String,
    short: String,
    full: String,
    help: String,
    help_uri: Option<String>,
    level: &'static str,
    controls: Vec<String>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(r: &Rule, meta: &Meta<'_>) -> Descriptor {
    let builtin = meta
        .packs
        .pack(&r.pack)
        .is_some_and(|p| p.files.origin.starts_with("builtin:"));
    Descriptor {
        id: r.id.clone(),
        // A name is PascalCase words in SARIF's examples; the title reads better and is allowed.
        name: r.id.replace('-', ""),
        short: r.title.clone(),
        full: r.help.clone(),
        help: r.docs.trim().to_string(),
        help_uri: builtin.then(|| format!("{RULES_BASE}/{}/{}", r.pack, r.file)),
        level: level(r.severity),
        controls: r.controls.clone(),
    }
}

/// The taxonomies of the controls and framework items the reported rules cite: ISO/IEC 42001
/// always, the NIST AI RMF and the EU AI Act when their packs are loaded (through their crosswalk
/// pairs, less the rules a pair's status path excludes).
fn taxonomies(descriptors: &[Descriptor], meta: &Meta<'_>) -> (Vec<Value>, Vec<Vec<Value>>) {
    // (pack) -> taxon ids in order of first use; and per descriptor its relationships.
    let mut taxa: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rels: Vec<Vec<(String, String)>> = Vec::new();
    for d in descriptors {
        let mut mine: Vec<(String, String)> = Vec::new();
        for c in &d.controls {
            if let Some((pack, id)) = c.split_once(':') {
                taxa.entry(pack.to_string())
                    .or_default()
                    .insert(id.to_string());
                mine.push((pack.to_string(), id.to_string()));
            }
        }
        for p in &meta.packs.packs {
            for cw in &p.crosswalks {
                for pair in &cw.pairs {
                    let through = pair
                        .excluded_rules
                        .as_ref()
                        .is_none_or(|x| !x.contains(&d.id));
                    if through && d.controls.contains(&pair.to) {
                        let id = pair
                            .from
                            .split_once(':')
                            .map_or(pair.from.as_str(), |x| x.1);
                        taxa.entry(p.manifest.id.clone())
                            .or_default()
                            .insert(id.to_string());
                        mine.push((p.manifest.id.clone(), id.to_string()));
                    }
                }
            }
        }
        mine.sort();
        mine.dedup();
        rels.push(mine);
    }
    let names: Vec<String> = taxa.keys().cloned().collect();
    let index = |pack: &str| names.iter().position(|n| n == pack).unwrap_or(0);
    let components: Vec<Value> = taxa
        .iter()
        .map(|(pack, ids)| {
            let p = meta.packs.pack(pack);
            let items: Vec<Value> = ids
                .iter()
                .map(|id| {
                    let title = meta
                        .packs
                        .control(&format!("{pack}:{id}"))
                        .map_or(String::new(), |c| c.title.clone());
                    json!({ "id": id, "name": title, "shortDescription": { "text": title } })
                })
                .collect();
            json!({
                "name": p.map_or(pack.clone(), |p| p.manifest.framework.clone()),
                "version": p.map_or(String::new(), |p| p.manifest.edition.clone()),
                "organization": p.map_or(String::new(), |p| p.manifest.name.clone()),
                "shortDescription": { "text": format!("Controls and items of the {pack} policy pack") },
                "taxa": items,
            })
        })
        .collect();
    let relationships = rels
        .into_iter()
        .map(|mine| {
            mine.into_iter()
                .map(|(pack, id)| {
                    json!({
                        "target": {
                            "id": id,
                            "toolComponent": { "index": index(&pack) },
                        },
                        "kinds": ["relevant"],
                    })
                })
                .collect()
        })
        .collect();
    (components, relationships)
}

impl Reporter for Sarif {
    fn report(&self, outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        // Every rule that ran, and every core code that fired, in a stable order.
        let mut descriptors: Vec<Descriptor> = meta
            .packs
            .rules()
            .filter(|r| meta.active_rules.is_none_or(|a| a.contains(&r.id)))
            .map(|r| rule_descriptor(r, meta))
            .collect();
        let core: BTreeSet<&str> = outcome
            .findings
            .iter()
            .filter(|f| meta.packs.rule(&f.rule).is_none())
            .map(|f| f.rule.as_str())
            .collect();
        for code in core {
            let doc = meta.core.iter().find(|c| c.code == code);
            descriptors.push(Descriptor {
                id: code.to_string(),
                name: code.to_string(),
                short: doc.map_or_else(|| format!("aimslint {code}"), |d| d.title.to_string()),
                full: doc.map_or(String::new(), |d| d.what.to_string()),
                help: doc.map_or(String::new(), |d| format!("{}\n\n{}", d.what, d.fix)),
                help_uri: None,
                level: "error",
                controls: Vec::new(),
            });
        }
        let (taxonomies, relationships) = taxonomies(&descriptors, meta);
        let index: BTreeMap<&str, usize> = descriptors
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let rules: Vec<Value> = descriptors
            .iter()
            .zip(relationships)
            .map(|(d, rel)| {
                let mut r = json!({
                    "id": d.id,
                    "name": d.name,
                    "shortDescription": { "text": d.short },
                    "fullDescription": { "text": if d.full.is_empty() { &d.short } else { &d.full } },
                    "help": { "text": d.help, "markdown": d.help },
                    "defaultConfiguration": { "level": d.level },
                    "properties": {
                        "tags": d.controls.iter().take(SARIF_MAX_TAGS).collect::<Vec<_>>(),
                    },
                });
                if let Some(u) = &d.help_uri {
                    r["helpUri"] = json!(u);
                }
                if !rel.is_empty() {
                    r["relationships"] = Value::Array(rel);
                }
                r
            })
            .collect();
        let all: Vec<&Finding> = standing(outcome).collect();
        let results: Vec<Value> = all
            .iter()
            .take(SARIF_MAX_RESULTS)
            .map(|f| {
                let mut r = json!({
                    "ruleId": f.rule,
                    "level": level(f.severity),
                    "message": { "text": f.message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": crate::oscal::uri_path(&f.path), "uriBaseId": "%SRCROOT%" },
                            "region": { "startLine": f.line.max(1), "startColumn": f.column.max(1) },
                        }
                    }],
                    "partialFingerprints": { "aimslintFingerprint/v1": f.fingerprint },
                });
                if let Some(i) = index.get(f.rule.as_str()) {
                    r["ruleIndex"] = json!(i);
                }
                let mut props = serde_json::Map::new();
                if !f.controls.is_empty() {
                    props.insert("controls".into(), json!(f.controls));
                }
                if let Some(c) = &f.commit {
                    props.insert("commit".into(), json!(c));
                }
                if let Some(p) = &f.pointer {
                    props.insert("pointer".into(), json!(p));
                }
                if !props.is_empty() {
                    r["properties"] = Value::Object(props);
                }
                if let Some(w) = &f.waived {
                    r["suppressions"] = json!([{
                        "kind": "external",
                        "status": "accepted",
                        "justification": format!("{} (owner {}, until {})", w.reason, w.owner, w.expires),
                    }]);
                }
                r
            })
            .collect();
        let mut notes = Vec::new();
        if all.len() > SARIF_MAX_RESULTS {
            notes.push(json!({
                "level": "warning",
                "message": { "text": format!(
                    "{} findings; the first {SARIF_MAX_RESULTS} are reported, as GitHub code scanning accepts no more per run (the JSON format has them all)",
                    all.len()
                ) },
            }));
        }
        let mut run = json!({
            "tool": {
                "driver": {
                    "name": "aimslint",
                    "version": meta.tool_version,
                    "semanticVersion": meta.tool_version,
                    "informationUri": "https://github.com/aimslint/aimslint",
                    "rules": rules,
                    "supportedTaxonomies": taxonomies.iter().enumerate().map(|(i, t)| json!({ "name": t["name"], "index": i })).collect::<Vec<_>>(),
                }
            },
            "taxonomies": taxonomies,
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notes,
            }],
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The root of the repository checked." } } },
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": { "source": meta.source, "asOf": meta.as_of },
        });
        if let Some(obj) = run.as_object_mut()
            && taxonomies_is_empty(obj)
        {
            obj.remove("taxonomies");
            if let Some(d) = obj
                .get_mut("tool")
                .and_then(|t| t.get_mut("driver"))
                .and_then(Value::as_object_mut)
            {
                d.remove("supportedTaxonomies");
            }
        }
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

fn taxonomies_is_empty(run: &serde_json::Map<String, Value>) -> bool {
    run.get("taxonomies")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
}

/// GitHub Actions workflow commands: one `::error file=…,line=…,col=…,title=…::message` per
/// standing finding that is not waived (`::warning`, `::notice` by severity).
#[derive(Debug)]
pub struct Github;

/// A workflow command's data: `%`, CR and LF escaped (GitHub's toolkit `escapeData`).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property: its data escaping, and `:` and `,` (`escapeProperty`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn report(&self, outcome: &Outcome, _meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        for f in standing(outcome).filter(|f| f.waived.is_none()) {
            let cmd = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut title = f.rule.clone();
            if !f.controls.is_empty() {
                let _ = write!(title, " ({})", f.controls.join(", "));
            }
            let mut msg = f.message.clone();
            if !f.help.is_empty() {
                let _ = write!(msg, "\n{}", f.help);
            }
            writeln!(
                out,
                "::{cmd} file={},line={},col={},title={}::{}",
                gh_property(&f.path),
                f.line.max(1),
                f.column.max(1),
                gh_property(&title),
                gh_data(&msg)
            )?;
        }
        Ok(())
    }
}

/// The Markdown GitHub shows on a run's summary page (`$GITHUB_STEP_SUMMARY`): counts, findings
/// per control and per file, and the worst findings with links to their rules.
pub fn step_summary(outcome: &Outcome, meta: &Meta<'_>) -> String {
    let mut s = String::new();
    let open: Vec<&Finding> = standing(outcome).filter(|f| f.waived.is_none()).collect();
    let sum = outcome.summary();
    let _ = writeln!(s, "## aimslint: {}", meta.source);
    let _ = writeln!(s);
    if open.is_empty() {
        let _ = writeln!(
            s,
            "No findings in {} evidence file{} (as of {}).",
            sum.artifacts,
            if sum.artifacts == 1 { "" } else { "s" },
            meta.as_of
        );
        return s;
    }
    let count = |sev: Severity| open.iter().filter(|f| f.severity == sev).count();
    let _ = writeln!(
        s,
        "**{} error{}**, {} warning{}, {} note{} in {} evidence file{} (as of {}; {} waived).",
        count(Severity::Error),
        if count(Severity::Error) == 1 { "" } else { "s" },
        count(Severity::Warning),
        if count(Severity::Warning) == 1 {
            ""
        } else {
            "s"
        },
        count(Severity::Info),
        if count(Severity::Info) == 1 { "" } else { "s" },
        sum.artifacts,
        if sum.artifacts == 1 { "" } else { "s" },
        meta.as_of,
        sum.waived
    );
    let _ = writeln!(s);
    let mut per_control: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in &open {
        for c in f.controls.iter() {
            let e = per_control.entry(c).or_default();
            if f.severity == Severity::Error {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    if !per_control.is_empty() {
        let _ = writeln!(s, "| control | errors | warnings |");
        let _ = writeln!(s, "|---|---:|---:|");
        for (c, (e, w)) in &per_control {
            let _ = writeln!(s, "| {} | {e} | {w} |", md_cell(&meta.control_label(c)));
        }
        let _ = writeln!(s);
    }
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &open {
        *per_file.entry(&f.path).or_default() += 1;
    }
    let _ = writeln!(s, "| file | findings |");
    let _ = writeln!(s, "|---|---:|");
    for (p, n) in &per_file {
        let _ = writeln!(s, "| `{}` | {n} |", md_cell(p));
    }
    let _ = writeln!(s);
    let mut worst = open.clone();
    worst.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let shown = worst.len().min(20);
    let _ = writeln!(
        s,
        "### {} finding{}",
        if shown < worst.len() {
            "The first 20 of the"
        } else {
            "The"
        },
        if worst.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(s);
    for f in worst.iter().take(shown) {
        let rule = match meta.packs.rule(&f.rule).filter(|r| {
            meta.packs
                .pack(&r.pack)
                .is_some_and(|p| p.files.origin.starts_with("builtin:"))
        }) {
            Some(r) => format!("[{}]({RULES_BASE}/{}/{})", f.rule, r.pack, r.file),
            None => f.rule.clone(),
        };
        let _ = writeln!(
            s,
            "- **{}** {rule} `{}:{}`: {}",
            f.severity.as_str(),
            md_cell(&f.path),
            f.line,
            md_cell(&one_line(&f.message))
        );
    }
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('`', "'")
}

/// JUnit XML: one test suite per evidence file, one test case per rule that applies to its kind;
/// a finding is a failure (an error-severity one) or an error-free failure of type `warning`;
/// a waived one is skipped with the waiver's reason.
#[derive(Debug)]
pub struct Junit;

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Reporter for Junit {
    fn report(&self, outcome: &Outcome, meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        // (file) -> (rule) -> findings.
        let mut by_file: BTreeMap<&str, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
        for f in standing(outcome) {
            by_file
                .entry(&f.path)
                .or_default()
                .entry(&f.rule)
                .or_default()
                .push(f);
        }
        // Each checked file gets a case per rule of its kind, passing or not.
        for a in &outcome.artifacts {
            let Some(kind) = &a.kind else { continue };
            let cases = by_file.entry(&a.path).or_default();
            for r in meta.packs.rules().filter(|r| {
                r.kinds.contains(kind)
                    && !r.check.is_history()
                    && meta.active_rules.is_none_or(|act| act.contains(&r.id))
            }) {
                cases.entry(&r.id).or_default();
            }
        }
        let mut body = String::new();
        let (mut tests, mut failures, mut skipped) = (0usize, 0usize, 0usize);
        for (file, rules) in &by_file {
            let (mut t, mut fl, mut sk) = (0usize, 0usize, 0usize);
            let mut cases = String::new();
            for (rule, found) in rules {
                t += 1;
                let title = meta.packs.rule(rule).map_or("", |r| r.title.as_str());
                let name = if title.is_empty() {
                    rule.to_string()
                } else {
                    format!("{rule} {title}")
                };
                let _ = write!(
                    cases,
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    xml(file),
                    xml(&name)
                );
                let open: Vec<&&Finding> = found.iter().filter(|f| f.waived.is_none()).collect();
                if open.is_empty() && found.is_empty() {
                    cases.push_str("/>\n");
                    continue;
                }
                cases.push_str(">\n");
                if open.is_empty() {
                    sk += 1;
                    let why = found[0]
                        .waived
                        .as_ref()
                        .map_or(String::new(), |w| w.reason.clone());
                    let _ = writeln!(cases, "      <skipped message=\"waived: {}\"/>", xml(&why));
                } else {
                    fl += 1;
                    let worst = open
                        .iter()
                        .map(|f| f.severity)
                        .max()
                        .unwrap_or(Severity::Error);
                    let text: Vec<String> = open
                        .iter()
                        .map(|f| format!("{}:{}:{}: {}", f.path, f.line, f.column, f.message))
                        .collect();
                    let _ = writeln!(
                        cases,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        xml(&one_line(&open[0].message)),
                        worst.as_str(),
                        xml(&text.join("\n"))
                    );
                }
                cases.push_str("    </testcase>\n");
            }
            tests += t;
            failures += fl;
            skipped += sk;
            let _ = write!(
                body,
                "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{fl}\" errors=\"0\" skipped=\"{sk}\">\n{cases}  </testsuite>\n",
                xml(file)
            );
        }
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"aimslint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{body}</testsuites>\n"
        )
    }
}

/// GitLab Code Quality report (a JSON array of issues), for merge request widgets.
#[derive(Debug)]
pub struct Gitlab;

impl Reporter for Gitlab {
    fn report(&self, outcome: &Outcome, _meta: &Meta<'_>, out: &mut dyn Write) -> io::Result<()> {
        let issues: Vec<Value> = standing(outcome)
            .filter(|f| f.waived.is_none())
            .map(|f| {
                json!({
                    "description": format!("{} {}", f.rule, one_line(&f.message)),
                    "check_name": f.rule,
                    "fingerprint": f.fingerprint,
                    "severity": match f.severity {
                        Severity::Error => "major",
                        Severity::Warning => "minor",
                        Severity::Info => "info",
                    },
                    "location": { "path": f.path, "lines": { "begin": f.line.max(1) } },
                    "categories": ["Compliance"],
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(gh_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(gh_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn xml_escaping_drops_what_xml_cannot_hold() {
        assert_eq!(
            xml("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\u{FFFD}"
        );
    }
}
