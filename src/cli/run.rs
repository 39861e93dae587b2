//! `rebase run`: re-base and print each practice's income and the savings.

use std::path::Path;

use crate::calc::{self, CalcError, Rebasing, Results};
use crate::cli::args::{FormatArg, RunArgs};
use crate::cli::files::{load_input, load_scenario, write_stdout};
use crate::cli::outputs::{Plan, commit, file_output};
use crate::cli::terminal::table_width;
use crate::cli::{Outcome, calc_error, print_warnings};
use crate::error::Error;
use crate::model::Practice;
use crate::output::{self, Format};
use crate::report::practice_rows::practice_rows;
use crate::report::savings::{Savings, Spread, planned_savings, savings};

/// Runs `rebase run`.
pub fn run(args: &RunArgs) -> Result<Outcome, Error> {
    let out_path = file_output(args.output.output.as_deref());
    let format = choose_format(args.output.format, out_path)?;
    if format == Format::Xlsx && out_path.is_none() {
        return Err(Error::Usage(
            "-f xlsx needs -o FILE.xlsx (a workbook is not text for a terminal)".to_owned(),
        ));
    }
    let savings_format = args.savings.as_deref().map(savings_format).transpose()?;
    // Check every output before anything is read or written.
    let mut inputs = vec![Path::new(&args.input)];
    inputs.extend(args.scenario.scenario.as_deref());
    let mut files = Plan::new(&inputs, args.output.force);
    let out = out_path.map(|p| files.output("-o", p)).transpose()?;
    let savings_out = args
        .savings
        .as_deref()
        .map(|p| files.output("--savings", p))
        .transpose()?;
    let scenario = load_scenario(
        args.scenario.scenario.as_deref(),
        &args.scenario.overrides(),
    )?;
    let input = load_input(&args.input, args.limits.bounds())?;

    let practices = &input.practices;
    let fail = |e: CalcError| calc_error(&e, &args.input);
    let plan = calc::Plan::new(practices, &scenario).map_err(fail)?;
    let (held, savings) = work_out(practices, &plan, format).map_err(fail)?;
    let results = held.as_ref().map_or(Results::Planned(&plan), Results::Held);
    let mut warnings = input.warnings.clone();
    warnings.extend(plan.warnings().iter().cloned());
    print_warnings(&warnings, args.verbose);

    let bom = args.output.bom;
    let width = table_width(args.fit.width, out.is_none());
    let body = |w: &mut dyn std::io::Write| match format {
        Format::Table => {
            let per = scenario.price().per;
            let rows = practice_rows(practices, rebasing_of(held.as_ref())?, scenario.years());
            output::table::write_practices(&rows, args.fit.wide, per, width, &mut *w)?;
            writeln!(w)?;
            output::table::write_savings(&savings, width, &mut *w)
        }
        Format::Csv => {
            output::csv::write_practice_rows(practices, results, scenario.years(), w, bom)
        }
        Format::Json => {
            output::json::write_run_streaming(&scenario, practices, results, &savings, &warnings, w)
        }
        Format::Xlsx => {
            let rebasing = rebasing_of(held.as_ref())?;
            output::xlsx::write_run_workbook(practices, rebasing, &savings, &scenario, w)
        }
    };
    // The files are staged, standard output written, then the files put in
    // place together: a failure anywhere leaves none of them.
    let mut staged = Vec::new();
    if let (Some(d), Some(f)) = (&savings_out, savings_format) {
        staged.push(d.stage(|w| match f {
            Format::Json => output::json::write_savings(&savings, w),
            _ => output::csv::write_savings(&savings, w, bom),
        })?);
    }
    match &out {
        Some(d) => staged.push(d.stage(body)?),
        None => write_stdout(body)?,
    }
    commit(staged)?;
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

/// The savings and, for the formats that need every result at once (the
/// table sorts and fits, the workbook totals), the results held. CSV and
/// JSON are written a practice at a time from the plan, holding no result
/// (SPEC §9.5).
fn work_out(
    practices: &[Practice],
    plan: &calc::Plan<'_>,
    format: Format,
) -> Result<(Option<Rebasing>, Vec<Savings>), CalcError> {
    let scenario = plan.scenario();
    if matches!(format, Format::Csv | Format::Json) {
        let savings = planned_savings(practices, plan, scenario, Spread::Threads)?;
        return Ok((None, savings));
    }
    let rebasing = plan.rebasing(practices)?;
    let savings = savings(practices, &rebasing, scenario);
    Ok((Some(rebasing), savings))
}

/// The held results a table or workbook is written from.
fn rebasing_of(held: Option<&Rebasing>) -> std::io::Result<&Rebasing> {
    held.ok_or_else(|| std::io::Error::other("the results were not kept for this format"))
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
