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

pub fn run(args: InitArgs) -> Result<i32, CliError> {
    let mut wrote = 0;
    for (rel, text) in FILES {
        let path = args.dir.join(rel);
        if path.exists() && !args.force {
            println!("kept    {rel} (exists; --force overwrites)");
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Internal(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| CliError::Internal(format!("{}: {e}", path.display())))?;
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
