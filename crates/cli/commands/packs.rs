use std::sync::Arc;

use crate::args::PackOptions;
use crate::common::{CliError, load_packs};
use crate::exit;

pub fn list(opts: &PackOptions) -> Result<i32, CliError> {
    let packs = load_packs(&crate::common::config_for(opts)?, opts, true)?;
    println!(
        "{:<12} {:<8} {:<9} {:>8} {:>6} {:>6}  {:<16} framework",
        "pack", "version", "optional", "controls", "rules", "pairs", "sha256"
    );
    for p in &packs.packs {
        let pairs: usize = p.crosswalks.iter().map(|c| c.pairs.len()).sum();
        println!(
            "{:<12} {:<8} {:<9} {:>8} {:>6} {:>6}  {:<16} {} {}",
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

pub fn test(only: Option<&str>, opts: &PackOptions) -> Result<i32, CliError> {
    let packs: Arc<_> = load_packs(&crate::common::config_for(opts)?, opts, true)?;
    let results = aimslint_engine::fixtures::run_fixtures(&packs, only);
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
