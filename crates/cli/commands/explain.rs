use crate::args::ExplainArgs;
use crate::common::{CliError, load_packs};
use crate::exit;

/// A core diagnostic as `aimslint explain` describes it.
struct Core {
    code: &'static str,
    title: &'static str,
    severity: &'static str,
    what: &'static str,
    fix: &'static str,
}

/// The core diagnostics: reported whatever packs are loaded (README.md, "Core diagnostics").
const CORE: &[Core] = &[
    Core {
        code: "AL001",
        title: "Syntax error",
        severity: "error",
        what: "A YAML, JSON or TOML file, or a Markdown file's front matter, does not parse: the finding is at the line where reading stopped and says what was expected there. Front matter opened with `---` and never closed is one too. Nothing else is checked on the file, since none of it could be read.",
        fix: "Fix the syntax at that line (an unclosed quote or bracket, a tab used for indentation, a key written twice in one mapping, a missing `---` after front matter), or run the file through your editor's YAML or JSON validator.",
    },
    Core {
        code: "AL002",
        title: "Parser budget exceeded",
        severity: "error",
        what: "The file asks more of the parser than evidence ever needs: YAML aliases that expand past the budget (an \"alias bomb\"), nesting deeper than 64 levels, or too many YAML events. aimslint stops reading rather than run out of memory or time.",
        fix: "Write the values out instead of chaining anchors and aliases, and flatten deeply nested structures; a governance record needs neither.",
    },
    Core {
        code: "AL003",
        title: "File too large",
        severity: "error",
        what: "The file is larger than `max_file_bytes` (default 8 MiB, set in aimslint.toml `[files]`). It is reported without being read further.",
        fix: "Keep evidence files small (split them, keep data out of them), raise `[files] max_file_bytes` (at most 1 GiB), or exclude the file in `[files] exclude`.",
    },
    Core {
        code: "AL004",
        title: "Binary file",
        severity: "error",
        what: "The file holds NUL bytes where a text evidence file was expected (a path that matches an evidence kind, or a file named on the command line).",
        fix: "Replace it with the text document it should be, or exclude the path in `[files] exclude` if it is not evidence.",
    },
    Core {
        code: "AL005",
        title: "Not UTF-8",
        severity: "error",
        what: "The file is not valid UTF-8 (Latin-1 or UTF-16 text, for instance); the finding is at the first byte that is not.",
        fix: "Save the file as UTF-8 (`iconv -f latin1 -t utf-8`, or your editor's \"save with encoding\").",
    },
    Core {
        code: "AL006",
        title: "Git LFS pointer",
        severity: "warning",
        what: "The file is a Git LFS pointer: its content is stored outside the repository and was not fetched, so there is nothing to check.",
        fix: "Fetch LFS content before linting (`git lfs pull`; in CI, `lfs: true` on actions/checkout), or keep evidence files out of LFS.",
    },
    Core {
        code: "AL007",
        title: "Unreadable file",
        severity: "error",
        what: "The file could not be read: no permission, not a regular file (a FIFO, device or socket is never waited on), or a symlink that points outside the repository (never followed).",
        fix: "Make the file readable inside the repository, or exclude it in aimslint.toml `[files] exclude`.",
    },
    Core {
        code: "AL008",
        title: "Front matter misplaced or not a mapping",
        severity: "warning (error when the front matter is not a mapping)",
        what: "A Markdown file's front matter comes after blank lines (Hugging Face then ignores it), or it is not `key: value` pairs (a list, a bare string).",
        fix: "Start the file with `---` on line 1, then `key: value` lines, then `---`.",
    },
    Core {
        code: "AL009",
        title: "Rule could not be judged",
        severity: "error",
        what: "A rule's expression (its `when` or its check) failed on this document, for instance because a field holds a value of another type than the rule expects, or it spent its evaluation budget. The finding names the rule: a rule is never silently taken as \"not applicable\".",
        fix: "Fix the field the message names if the document is wrong. If the rule is wrong (a pack of your own), make its expression accept that type, and visit each value a fixed number of times.",
    },
    Core {
        code: "AL010",
        title: "Waiver expired",
        severity: "error",
        what: "A `[[waivers]]` entry of aimslint.toml is past its `expires` date (as of today, `--as-of` or the commit's date). The findings it covered are reported again.",
        fix: "Fix the findings, or renew the waiver with a new `expires` date and a reason that still holds.",
    },
    Core {
        code: "AL011",
        title: "Waiver unused",
        severity: "warning",
        what: "A `[[waivers]]` entry matches no finding: the gap was fixed, or its `rule` or `paths` are mistyped.",
        fix: "Delete the waiver if the gap is fixed; otherwise correct its `rule` or `paths`.",
    },
    Core {
        code: "AL012",
        title: "Statement of Applicability entry that cannot stand",
        severity: "error",
        what: "A `[soa.exclude]` entry of aimslint.toml has no justification, or names no Annex A control that can be excluded (an unknown id, a group such as `A.7`, or a clause, which is never optional); or a `[soa.control]` table names no control of the catalogue, a group, or a control that `[soa.exclude]` also excludes.",
        fix: "Name one Annex A control (`\"iso42001:A.10.4\" = \"…\"`) and say why it does not apply to your AI management system; declare owner and state only for controls that apply.",
    },
    Core {
        code: "AL013",
        title: "Internal error",
        severity: "error",
        what: "aimslint itself failed while checking this file (a bug). The other files were still checked; the run exits 3, and stderr has one line about it (the full report with RUST_BACKTRACE=1).",
        fix: "Please report it, with the file (or a small copy that fails the same way) and the output of `RUST_BACKTRACE=1 aimslint check …`.",
    },
    Core {
        code: "AL014",
        title: "Plugin could not judge the file",
        severity: "error",
        what: "A native plugin's rule was not judged on this file: the plugin panicked, refused its parameters, was given a rule it does not implement, crashed, or gave no answer within its time limit. It runs in a worker process of its own, so the rest of the run is complete; a plugin that crashed or hung is not called again in the run.",
        fix: "Read the message for what the plugin said; check that the pack's `[check.plugin] params` are what the plugin expects and that its library is built for this platform; report a crash or a panic to the plugin's authors. `AIMSLINT_PLUGIN_TIMEOUT` (seconds) gives slow plugins more time.",
    },
    Core {
        code: "AL015",
        title: "Evidence file breaks a rule of its format",
        severity: "error",
        what: "A CycloneDX BOM, an SPDX 3 document or a Croissant description parses as JSON but breaks a rule of its own specification: two elements with one id (`bom-ref`, `spdxId`, `@id`), a reference to an element the document does not define, a timestamp that is no RFC 3339 date-time, a Croissant FileObject without `contentUrl`, a document of the wrong `@type`, a `modelCard` in a BOM older than CycloneDX 1.5. The message names the format's rule; the finding is at the field. The rules of aimslint's packs still judge the rest of the document.",
        fix: "Correct the field as the message says, then validate the file with the format's own tool (`cyclonedx validate`, `spdx3-validate`, `mlcroissant validate`).",
    },
    Core {
        code: "AL016",
        title: "Evidence file is empty",
        severity: "error",
        what: "A file taken as evidence (by its path, or because it was named) holds nothing but white space: a `MODELCARD.md` created as a placeholder and never written. It is one finding, not one per rule: every rule of its kind would only say that something is missing. In a history, findings of the file's earlier content end as obscured when it is emptied, not as fixed.",
        fix: "Write the evidence the file is for, or remove it (or exclude it in `aimslint.toml` `[files] exclude`) if it is no evidence.",
    },
];

/// `aimslint explain AL001`: what a core diagnostic means and how to clear it.
/// The core diagnostics as reports describe them.
pub(crate) fn core_docs() -> Vec<aimslint_report::CoreDoc> {
    CORE.iter()
        .map(|c| aimslint_report::CoreDoc {
            code: c.code,
            title: c.title,
            what: c.what,
            fix: c.fix,
        })
        .collect()
}

fn explain_core(c: &Core) {
    println!("{}: {}", c.code, c.title);
    println!();
    println!("core diagnostic (reported whatever packs are loaded)");
    println!("severity:  {}", c.severity);
    println!("fix:       {}", c.fix);
    println!();
    println!("## What it means");
    println!("{}", c.what);
}

pub fn run(args: ExplainArgs) -> Result<i32, CliError> {
    let id = args.id.trim();
    if let Some(c) = CORE.iter().find(|c| c.code.eq_ignore_ascii_case(id)) {
        explain_core(c);
        return Ok(exit::CLEAN);
    }
    let packs = load_packs(&crate::common::config_for(&args.packs)?, &args.packs, true)?;
    if let Some(rule) = packs.rule(id) {
        println!("{}: {}", rule.id, rule.title);
        println!();
        println!("pack:      {} ({})", rule.pack, rule.file);
        println!("severity:  {}", rule.severity);
        println!("applies to: {}", rule.kinds.join(", "));
        println!("check:     {}", rule.check.name());
        if let Some(section) = aimslint_engine::kinds::section_of(rule) {
            // Every title the check accepts (the message names only the first few).
            println!(
                "titles:    {} (at least {} words)",
                section.any.join(" | "),
                section.min_words
            );
        }
        if let Some(s) = &rule.since {
            println!("since:     {s}");
        }
        println!("controls:");
        for c in &rule.controls {
            let title = packs.control(c).map(|c| c.title.as_str()).unwrap_or("");
            println!("  {c}  {title}");
        }
        if !rule.help.is_empty() {
            println!("fix:       {}", rule.help);
        }
        println!();
        println!("{}", rule.docs);
        return Ok(exit::CLEAN);
    }
    let Some(control) = packs.find_control(id) else {
        return Err(CliError::usage(format!(
            "`{id}` is not a core diagnostic (AL001…AL016), nor a rule or control of the loaded packs (try `aimslint packs list`)"
        )));
    };
    let q = control.qualified();
    println!("{q}: {}", control.title);
    println!();
    if let Some(pack) = packs.pack(&control.pack) {
        println!(
            "framework: {} {}",
            pack.manifest.framework, pack.manifest.edition
        );
    }
    println!("kind:      {}", control.kind);
    if let Some(p) = &control.parent {
        let title = packs
            .control(&format!("{}:{p}", control.pack))
            .map(|c| c.title.as_str())
            .unwrap_or("");
        println!("part of:   {}:{p} {title}", control.pack);
    }
    if let Some(d) = &control.applies_from {
        println!(
            "applies from: {d} ({}{})",
            control.applies_source.as_deref().unwrap_or(""),
            control
                .applies_status
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default()
        );
    }
    println!();
    println!("{}", control.description);
    println!();
    let children: Vec<_> = packs
        .controls()
        .filter(|c| c.pack == control.pack && c.parent.as_deref() == Some(control.id.as_str()))
        .collect();
    if !children.is_empty() {
        println!("contains:");
        for c in children {
            println!("  {}  {}", c.qualified(), c.title);
        }
        println!();
    }
    let rules = packs.rules_for_control(&q);
    if control.evidence.is_empty() && !control.is_group() && rules.is_empty() {
        println!("evidence:  process control: no file evidence (shown as `manual` in reports)");
    } else if control.evidence.is_empty() && !control.is_group() {
        println!("evidence:  mostly a process; the rules below check what files can show of it");
    } else if !control.evidence.is_empty() {
        println!("evidence:  {}", control.evidence.join(", "));
    }
    if rules.is_empty() {
        if !control.is_group() {
            println!("rules:     none check this control");
            // What no rule reads is a matter of how the organisation works: say so, and where
            // to record it.
            println!(
                "           a process control for aimslint: its evidence is how the organisation \
                 works (decisions, reviews, training), which no rule reads from files{}; record \
                 how it is implemented in aimslint.toml `[soa.control.\"{}\"]`, and the \
                 Statement of Applicability shows it as {}",
                if control.evidence.is_empty() {
                    ""
                } else {
                    " (the files above are listed with it, not judged)"
                },
                control.qualified(),
                if control.evidence.is_empty() {
                    "manual"
                } else {
                    "evidence-present where those files exist"
                }
            );
        }
    } else {
        println!("rules:");
        for r in rules {
            println!("  {:<8} {}", r.id, r.title);
        }
    }
    let mut mapped: Vec<String> = Vec::new();
    for cw in packs.crosswalks() {
        for p in &cw.pairs {
            if p.to == q {
                mapped.push(format!(
                    "  {} {} ({})",
                    p.from,
                    p.relation.as_str(),
                    p.source
                ));
            } else if p.from == q {
                mapped.push(format!(
                    "  {} {} {} ({})",
                    q,
                    p.relation.as_str(),
                    p.to,
                    p.source
                ));
            }
        }
    }
    if !mapped.is_empty() {
        println!("crosswalk:");
        for m in mapped {
            println!("{m}");
        }
    }
    Ok(exit::CLEAN)
}
