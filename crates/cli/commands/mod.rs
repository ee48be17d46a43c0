mod check;
mod explain;
mod init;
mod packs;

use crate::args::{Cli, Command, PacksCommand};
use crate::common::CliError;

pub fn run(cli: Cli) -> Result<i32, CliError> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Packs { command } => match command {
            PacksCommand::List { packs } => packs::list(&packs),
            PacksCommand::Test { only, packs } => packs::test(only.as_deref(), &packs),
        },
        Command::Init(args) => init::run(args),
    }
}
