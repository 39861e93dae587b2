//! `rebase run`: re-base and print each practice's income and the savings.

use std::path::Path;

use crate::calc::rebase;
use crate::cli::args::{FormatArg, RunArgs};
use crate::cli::files::{Destination, load_input, load_scenario, write_stdout};
use crate::cli::{Outcome, calc_error, print_warnings};
use crate::error::Error;
use crate::output::{self, Format};
use crate::report::Report;
use crate::report::practice_rows::practice_rows;
use crate::report::savings::savings;

/// Runs `rebase run`.
pub fn run(args: &RunArgs) -> Result<Outcome, Error> {
    let format = choose_format(args.output.format, args.output.output.as_deref())?;
    if format == Format::Xlsx && args.output.output.is_none() {
        return Err(Error::Usage(
            "-f xlsx needs -o FILE.xlsx (a workbook is not text for a terminal)".to_owned(),
        ));
    }
    let savings_format = args.savings.as_deref().map(savings_format).transpose()?;
    let scenario = load_scenario(
        args.scenario.scenario.as_deref(),
        &args.scenario.overrides(),
    )?;
    let input = load_input(&args.input, args.limits.bounds())?;
    // Check every destination before any work is written.
    let scenario_path = args.scenario.file();
    let inputs = [args.input.as_str(), scenario_path];
    if let (Some(a), Some(b)) = (&args.output.output, &args.savings)
        && (a == b
            || std::fs::canonicalize(a)
                .ok()
                .is_some_and(|c| std::fs::canonicalize(b).ok() == Some(c)))
    {
        return Err(Error::Usage(format!(
            "-o and --savings both name {}; give them different files",
            a.display()
        )));
    }
    let out = args
        .output
        .output
        .as_deref()
        .map(|p| Destination::check(p, args.output.force, &inputs))
        .transpose()?;
    let savings_out = args
        .savings
        .as_deref()
        .map(|p| Destination::check(p, args.output.force, &inputs))
        .transpose()?;

    let rebasing = rebase(&input.practices, &scenario).map_err(|e| calc_error(&e, &args.input))?;
    // CSV streams the rows from the trace; the other formats need the table.
    let rows = if format == Format::Csv {
        Report {
            columns: Vec::new(),
            rows: Vec::new(),
        }
    } else {
        practice_rows(&input.practices, &rebasing, scenario.years())
    };
    let savings = savings(&input.practices, &rebasing, &scenario);
    let mut warnings = input.warnings.clone();
    warnings.extend(rebasing.warnings.iter().cloned());
    print_warnings(&warnings, args.verbose);

    let bom = args.output.bom;
    let body = |w: &mut dyn std::io::Write| match format {
        Format::Table => {
            output::table::write_practices(&rows, args.wide, scenario.price.per, &mut *w)?;
            writeln!(w)?;
            output::table::write_savings(&savings, &warnings, &mut *w)
        }
        Format::Csv => {
            output::csv::write_practice_rows(&input.practices, &rebasing, scenario.years(), w, bom)
        }
        Format::Json => output::json::write_run(&scenario, &rows, &savings, &warnings, w),
        Format::Xlsx => output::xlsx::write_run_workbook(&rows, &savings, &scenario, w),
    };
    match &out {
        Some(d) => d.write(body)?,
        None => write_stdout(body)?,
    }
    if let (Some(d), Some(f)) = (&savings_out, savings_format) {
        d.write(|w| match f {
            Format::Json => output::json::write_savings(&savings, w),
            _ => output::csv::write_savings(&savings, w, bom),
        })?;
    }
    let goal_missed = savings
        .iter()
        .filter_map(|s| s.goal.as_ref())
        .any(|g| !g.met);
    Ok(if goal_missed {
        Outcome::No
    } else {
        Outcome::Done
    })
}

/// `-f` wins; else the `-o` extension; else a table.
pub fn choose_format(flag: Option<FormatArg>, output: Option<&Path>) -> Result<Format, Error> {
    Ok(match (flag, output) {
        (Some(FormatArg::Csv), _) => Format::Csv,
        (Some(FormatArg::Json), _) => Format::Json,
        (Some(FormatArg::Xlsx), _) => Format::Xlsx,
        (None, Some(path)) => Format::from_extension(path).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format of {} from its extension: use -f csv, -f json, -f xlsx or -f table",
                path.display()
            ))
        })?,
        (Some(FormatArg::Table), _) | (None, None) => Format::Table,
    })
}

fn savings_format(path: &Path) -> Result<Format, Error> {
    match Format::from_extension(path) {
        Some(f @ (Format::Csv | Format::Json)) => Ok(f),
        _ => Err(Error::Usage(format!(
            "--savings {} must end in .csv or .json",
            path.display()
        ))),
    }
}
