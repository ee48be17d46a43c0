use crate::args::ExplainArgs;
use crate::common::{CliError, load_packs};
use crate::exit;

pub fn run(args: ExplainArgs) -> Result<i32, CliError> {
    let packs = load_packs(&crate::common::config_for(&args.packs)?, &args.packs, true)?;
    let id = args.id.trim();
    if let Some(rule) = packs.rule(id) {
        println!("{}: {}", rule.id, rule.title);
        println!();
        println!("pack:      {} ({})", rule.pack, rule.file);
        println!("severity:  {}", rule.severity);
        println!("applies to: {}", rule.kinds.join(", "));
        println!("check:     {}", rule.check.name());
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
            "`{id}` is neither a rule nor a control of the loaded packs (try `aimslint packs list`)"
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
