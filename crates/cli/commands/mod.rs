mod check;
mod explain;
mod hook;
mod init;
mod merge;
mod packs;
mod report;

use crate::args::{Cli, Command, HookCommand, PacksCommand};
use crate::common::CliError;

pub fn run(cli: Cli) -> Result<i32, CliError> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Packs { command } => match command {
            PacksCommand::List { new: false, packs } => packs::list(&packs),
            PacksCommand::List { new: true, packs } => packs::list_new(&packs),
            PacksCommand::Test { dir, only, packs } => packs::test(dir, only.as_deref(), packs),
            PacksCommand::Lock { packs } => packs::lock(&packs),
            PacksCommand::Verify { packs } => packs::verify(&packs),
        },
        Command::Init(args) => init::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Schema { kind, packs } => packs::schema(kind.as_deref(), &packs),
        Command::Report(args) => report::run(args),
        Command::Hook { command } => match command {
            HookCommand::Install {
                pre_push,
                force,
                dir,
            } => hook::install(&dir, pre_push, force),
        },
    }
}
