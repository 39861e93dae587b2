//! `rebase completions bash|zsh|fish|...`: generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::Outcome;
use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::files::write_stdout;
use crate::error::Error;

/// Prints the completion script for the shell.
pub fn run(args: &CompletionsArgs) -> Result<Outcome, Error> {
    let mut command = Cli::command();
    write_stdout(|w| {
        clap_complete::generate(args.shell, &mut command, "rebase", w);
        Ok(())
    })?;
    Ok(Outcome::Done)
}
