//! `rebase sweep INPUT -s S --target FROM:TO:STEP` (SPEC §8.5): one full
//! run per target price over one reading of the input and the scenario, in
//! parallel; rows gathered in price order, so the output is byte-identical
//! whatever the threads. Each price's scenario is built as `run --target P`
//! builds it and each row is read from `run`'s own savings report
//! (`report::sweep`), so a row cannot differ from `run` at that price.

use std::io::{IsTerminal, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::cli::args::SweepArgs;
use crate::cli::chart::is_svg;
use crate::cli::files::{load_input, load_scenario, write_stdout};
use crate::cli::outputs::{Plan, commit, file_output};
use crate::cli::run::choose_format;
use crate::cli::terminal::fit_width;
use crate::cli::{Outcome, calc_error, print_warnings, worker_threads};
use crate::error::{Error, Warning};
use crate::model::Practice;
use crate::money::Money;
use crate::output::sweep_chart::{GoalLine, sweep_chart_svg, sweep_points};
use crate::output::{self, Format};
use crate::report::savings::Spread;
use crate::report::sweep::{
    PriceRange, SweepRow, chart_year, scenario_at, sweep_report, sweep_row,
};
use crate::scenario::Scenario;
use crate::scenario::overrides::ScenarioOverrides;

/// Runs `rebase sweep`.
pub fn run(args: &SweepArgs) -> Result<Outcome, Error> {
    let text = args.scenario.target.as_str();
    let range: PriceRange = text
        .parse()
        .map_err(|e| Error::Usage(format!("--target `{text}` {e}")))?;
    let out_path = file_output(args.output.as_deref());
    let format = sweep_format(args, out_path)?;
    // The scenario file is read once; each price lays the flags and its
    // target over it, as `run` lays them over the file.
    let base = load_scenario(
        args.scenario.scenario.as_deref(),
        &ScenarioOverrides::default(),
    )?;
    let overrides = args.scenario.flags.overrides();
    let prices = range.prices();
    let scenarios = prices
        .iter()
        .map(|p| scenario_at(&base, &overrides, *p))
        .collect::<Result<Vec<Scenario>, _>>()?;
    let (Some(first), Some(_)) = (scenarios.first(), prices.first()) else {
        return Err(Error::Usage(format!("--target `{text}` gives no price")));
    };
    let input = load_input(&args.input, args.limits.bounds())?;
    // Check every output before any work is written.
    let mut inputs = vec![Path::new(&args.input)];
    inputs.extend(args.scenario.scenario.as_deref());
    let mut plan = Plan::new(&inputs, args.force);
    let table_or_csv = args.chart.is_none() || args.output.is_some() || args.format.is_some();
    let out = out_path.map(|p| plan.output("-o", p)).transpose()?;
    let chart_out = args
        .chart
        .as_deref()
        .map(|p| plan.output("--chart", p))
        .transpose()?;

    let (rows, warnings) = run_prices(
        args,
        &input.practices,
        &scenarios,
        &prices,
        input.warnings.clone(),
    )?;
    print_warnings(&warnings, args.verbose);

    let years = first.years();
    // Everything is drawn before anything is written, so a failure leaves no file.
    let chart = args
        .chart
        .as_deref()
        .map(|path| chart_svg(&rows, first, path))
        .transpose()?;
    let width = fit_width(args.fit, out.is_none());
    let body = |w: &mut dyn Write| match format {
        Format::Csv => output::csv::write_report(&sweep_report(&rows, years), w, args.bom),
        Format::Xlsx => output::xlsx::write_sweep_workbook(&rows, first, w),
        _ => output::table::write_sweep(first.name(), &rows, (years, width), w),
    };
    // Files are staged, then put in place together: all or none.
    let mut staged = Vec::new();
    if let (Some(d), Some(svg)) = (&chart_out, chart) {
        staged.push(d.stage(|w| w.write_all(svg.as_bytes()))?);
    }
    if table_or_csv {
        match &out {
            Some(d) => staged.push(d.stage(body)?),
            None => write_stdout(body)?,
        }
    }
    commit(staged)?;
    Ok(Outcome::Done)
}

/// The format of the table, CSV or workbook (sweep writes no other), after
/// checking that a chart is an SVG.
fn sweep_format(args: &SweepArgs, out_path: Option<&Path>) -> Result<Format, Error> {
    let format = choose_format(args.format.map(Into::into), out_path)?;
    if format == Format::Json {
        return Err(Error::Usage(
            "sweep writes a table, CSV or a workbook: -o FILE.csv, FILE.txt or FILE.xlsx"
                .to_owned(),
        ));
    }
    if format == Format::Xlsx && out_path.is_none() {
        return Err(Error::Usage(
            "-f xlsx needs -o FILE.xlsx (a workbook is not text for a terminal)".to_owned(),
        ));
    }
    if let Some(chart) = &args.chart {
        if !is_svg(chart) {
            return Err(Error::Usage(format!(
                "--chart {} must end in .svg (the chart is an SVG image)",
                chart.display()
            )));
        }
    }
    Ok(format)
}

/// Runs every price, in parallel, and gathers the rows in price order;
/// each warning not already in `warnings` is added once.
fn run_prices(
    args: &SweepArgs,
    practices: &[Practice],
    scenarios: &[Scenario],
    prices: &[Money],
    mut warnings: Vec<Warning>,
) -> Result<(Vec<SweepRow>, Vec<Warning>), Error> {
    let (Some(first), Some(first_price)) = (scenarios.first(), prices.first().copied()) else {
        return Ok((Vec::new(), warnings));
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(worker_threads(args.threads, prices.len()))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the worker threads: {e}")))?;
    // The first price runs alone: its warnings (exclusions, reconciled
    // lists) are those of nearly every price, and the other runs keep only
    // warnings it did not give, so 10,000 copies of the same named
    // practices are never held at once. Warnings stay in price order.
    let mut first_run = sweep_row(practices, first, first_price, Spread::Threads)
        .map_err(|e| calc_error(&e, &args.input))?;
    let common: Vec<String> = first_run
        .warnings
        .iter()
        .map(|w| w.message.clone())
        .collect();
    let progress = progress_bar(prices.len().saturating_sub(1));
    let rest: Vec<_> = pool.install(|| {
        scenarios
            .par_iter()
            .zip(prices)
            .skip(1)
            .map(|(scenario, price)| {
                let mut run = sweep_row(practices, scenario, *price, Spread::Calling);
                if let Ok(r) = &mut run {
                    r.warnings.retain(|w| !common.contains(&w.message));
                }
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                run
            })
            .collect()
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut rows: Vec<SweepRow> = Vec::with_capacity(prices.len());
    warnings.append(&mut first_run.warnings);
    rows.push(first_run.row);
    for run in rest {
        let run = run.map_err(|e| calc_error(&e, &args.input))?;
        for w in run.warnings {
            // A warning that recurs at other prices is printed once.
            if !warnings
                .iter()
                .any(|seen: &Warning| seen.message == w.message)
            {
                warnings.push(w);
            }
        }
        rows.push(run.row);
    }
    Ok((rows, warnings))
}

/// The chart of saving against price in the goal's year (else the last).
fn chart_svg(rows: &[SweepRow], scenario: &Scenario, path: &Path) -> Result<String, Error> {
    let year = chart_year(scenario);
    let goal = scenario.goal().map(|g| GoalLine {
        saving: g.saving,
        basis: g.basis,
    });
    let title = format!("Saving by target price: {}", scenario.name());
    sweep_chart_svg(&sweep_points(rows, year), year, goal, &title).map_err(|reason| Error::Output {
        path: path.to_owned(),
        reason,
    })
}

fn progress_bar(n: usize) -> Option<indicatif::ProgressBar> {
    // A bar is worth drawing only for a sweep that takes a while.
    if n < 50 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} prices {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}
