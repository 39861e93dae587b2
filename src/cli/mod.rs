//! The command-line edge: parses arguments, runs one command, prints errors
//! once and chooses the exit code (SPEC §6). One file per command.

pub mod args;
pub mod batch;
pub mod chart;
pub mod check;
pub mod cleanup;
pub mod completions;
pub mod explain;
pub mod files;
pub mod import;
pub mod outputs;
pub mod run;
pub mod solve;
pub mod sweep;
pub mod terminal;
pub mod variation;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::calc::CalcError;
use crate::error::{DataError, Error, Warning};
use args::{Cli, Command};

/// Exit codes of SPEC §6.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// `check` found a difference; a goal is not met.
    pub const NO: u8 = 1;
    /// Usage error (bad flag or scenario).
    pub const USAGE: u8 = 2;
    /// Data error in an input file.
    pub const DATA: u8 = 65;
    /// An input file cannot be opened.
    pub const NO_INPUT: u8 = 66;
    /// An output file cannot be created.
    pub const CANT_CREATE: u8 = 73;
}

/// The exit code for an error.
#[must_use]
pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Data(_) => exit::DATA,
        Error::Scenario(_) | Error::Usage(_) => exit::USAGE,
        Error::Open { .. } => exit::NO_INPUT,
        Error::Output { .. } => exit::CANT_CREATE,
        Error::Batch(code) => *code,
    }
}

/// What a command reports when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Done,
    /// Done, and the answer is "no" (goal not met, fixture differs): exit 1.
    No,
}

/// Runs the program: the binary's whole `main`.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // A flag value that cannot be read is one line naming the flag;
            // otherwise clap prints help and version to stdout (exit 0) and
            // errors to stderr (exit 2).
            match bad_flag_value(&e) {
                Some(line) => {
                    let _ = writeln!(std::io::stderr(), "error: {line}");
                }
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE));
        }
    };
    cleanup::watch_signals();
    let result = match cli.command {
        Command::Run(a) => run::run(&a),
        Command::Solve(a) => solve::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Batch(a) => batch::run(&a),
        Command::Variation(a) => variation::run(&a),
        Command::Import(a) => import::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Chart(a) => chart::run(&a),
        Command::Sweep(a) => sweep::run(&a),
        Command::Completions(a) => completions::run(&a),
    };
    // A command that failed leaves no output and no temporary (SPEC §9.4).
    if result.is_ok() {
        cleanup::lock().keep_all();
    } else {
        cleanup::lock().delete_all();
    }
    match result {
        Ok(Outcome::Done) => ExitCode::from(exit::OK),
        Ok(Outcome::No) => ExitCode::from(exit::NO),
        // Each failed scenario was reported as it failed.
        Err(e @ Error::Batch(_)) => ExitCode::from(exit_code(&e)),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {}", one_line(&e.to_string()));
            ExitCode::from(exit_code(&e))
        }
    }
}

/// A flag value clap could not read (a parser's reason, or a choice not
/// offered) as the scenario's flag errors read: ``option `--floor`: ...``.
fn bad_flag_value(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ContextValue::String(arg) = e.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let flag = arg.split_whitespace().next()?;
    let reason = match e.kind() {
        ErrorKind::ValueValidation => std::error::Error::source(e)?.to_string(),
        ErrorKind::InvalidValue => {
            let value = match e.get(ContextKind::InvalidValue) {
                Some(ContextValue::String(v)) => v.as_str(),
                _ => "",
            };
            let choices = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => v.join(" or "),
                _ => return None,
            };
            format!("is `{value}`; write {choices}")
        }
        _ => return None,
    };
    Some(crate::error::ScenarioError::new(flag, reason).to_string())
}

/// A message as one line: control characters a value or header may carry
/// (line breaks, tabs, escape sequences) are written as escapes, never raw.
pub use crate::error::one_line;

/// Prints warnings to standard error, each once, control characters
/// escaped; on a terminal each is wrapped to its width.
pub fn print_warnings(warnings: &[Warning], verbose: bool) {
    let width = terminal::stderr_width();
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let text = if verbose && !w.practices.is_empty() {
            format!("{} (practices: {})", w.message, w.practices.join(", "))
        } else {
            w.message.clone()
        };
        let line = format!("warning: {}", one_line(&text));
        let shown = width.map_or_else(|| line.clone(), |n| crate::output::table::wrap(&line, n, 9));
        let _ = writeln!(err, "{shown}");
    }
}

/// A calculation error as a data error naming the input file as the
/// reader does (`<stdin>` for `-`).
#[must_use]
pub fn calc_error(e: &CalcError, source: &str) -> Error {
    let source = files::shown_name(source);
    let data = match e {
        CalcError::NoBand {
            line,
            practice_code,
            ..
        } => DataError::file(source, format!("practice {practice_code}: {e}")).at_line(*line),
        CalcError::UnknownService { line, name, .. } => DataError::file(source, e.to_string())
            .at_line(*line)
            .in_column("premium")
            .with_value(name.clone()),
        CalcError::ImplausibleListChange {
            line, list_funded, ..
        } => DataError::file(source, e.to_string())
            .at_line(*line)
            .in_column("list_funded")
            .with_value(list_funded.to_string()),
        CalcError::Overflow { .. } => DataError::file(source, e.to_string()),
    };
    Error::Data(data)
}

/// `--threads`, capped at the jobs and the cores (SPEC §9.5); 0 or none is
/// one per core.
pub(crate) fn worker_threads(asked: Option<usize>, jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    asked
        .filter(|n| *n > 0)
        .unwrap_or(cores)
        .min(cores)
        .min(jobs)
        .max(1)
}

#[cfg(test)]
mod worker_tests {
    use super::worker_threads;

    #[test]
    fn threads_are_capped_at_the_jobs_and_the_cores() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        assert_eq!(worker_threads(Some(20_000), 1_000), cores.min(1_000));
        assert_eq!(worker_threads(Some(20_000), 1), 1);
        assert_eq!(worker_threads(None, 3), cores.min(3));
        assert_eq!(worker_threads(Some(0), 0), 1);
    }
}
