//! `rebase batch INPUT SCENARIO... --out DIR`: every scenario over one
//! reading of the input, in parallel; `DIR/<stem>.csv` per scenario and
//! `DIR/comparison.csv` with one row per scenario. Results are gathered in
//! argument order, so the files are byte-identical whatever the threads.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::calc::{self, Results};
use crate::cli::args::{BatchArgs, FormatArg};
use crate::cli::cleanup;
use crate::cli::files::{load_input, load_scenario};
use crate::cli::outputs::{Afterwards, Destination, Plan, Staged, commit_then, sync_together};
use crate::cli::{Outcome, calc_error, exit_code, print_warnings, worker_threads};
use crate::error::Error;
use crate::model::Practice;
use crate::output;
use crate::report::comparison::{ScenarioSavings, comparison};
use crate::report::savings::{Savings, SavingsFold, Spread, planned_savings, savings};
use crate::scenario::Scenario;
use crate::scenario::overrides::ScenarioOverrides;

/// Runs `rebase batch`.
pub fn run(args: &BatchArgs) -> Result<Outcome, Error> {
    let xlsx = match args.format {
        None | Some(FormatArg::Csv) => false,
        Some(FormatArg::Xlsx) => true,
        Some(other) => {
            return Err(Error::Usage(
                format!("batch writes csv or xlsx, not {other:?}").to_lowercase(),
            ));
        }
    };
    let stems = stems(&args.scenarios)?;
    let outputs = plan_outputs(args, &stems, xlsx)?;
    let input = load_input(&args.input, args.limits.bounds())?;
    print_warnings(&input.warnings, false);

    let threads = worker_threads(args.threads, args.scenarios.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;
    let progress = progress_bar(args.scenarios.len());
    let results: Vec<Result<Ran, Error>> = pool.install(|| {
        args.scenarios
            .par_iter()
            .enumerate()
            .map(|(i, path)| {
                let dest = outputs.scenarios.get(i);
                let result = one(&input.practices, path, dest, args, xlsx);
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                result
            })
            .collect()
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let results = put_in_place(results)?;

    let mut first_failure: Option<u8> = None;
    let mut done = Vec::new();
    let mut stderr = std::io::stderr().lock();
    for (result, path) in results.into_iter().zip(&args.scenarios) {
        match result {
            Ok(d) => done.push(Ok(d)),
            Err(e) => {
                // A scenario error names its file already; others are told whose they are.
                if matches!(e, Error::Scenario(_)) {
                    let _ = writeln!(stderr, "error: {e}");
                } else {
                    let _ = writeln!(stderr, "error: scenario {}: {e}", path.display());
                }
                first_failure.get_or_insert(exit_code(&e));
                done.push(Err(e));
            }
        }
    }
    let table = comparison(&done, &stems);
    let staged = outputs
        .comparison
        .stage(|w| output::csv::write_report(&table, w, false))?;
    commit_then(vec![staged], Afterwards::Kept)?;
    let ok = done.iter().filter(|d| d.is_ok()).count();
    let _ = writeln!(
        stderr,
        "{ok} of {} scenarios {} {}",
        args.scenarios.len(),
        if args.comparison_only {
            "compared in"
        } else {
            "written to"
        },
        args.out.display()
    );
    match first_failure {
        Some(code) => Err(Error::Batch(code)),
        None => Ok(Outcome::Done),
    }
}

/// Scenarios run side by side, one per thread: each runs its practices
/// on its own thread (see [`Spread::Calling`]).
const SPREAD: Spread = Spread::Calling;

/// Output names: each scenario file's stem, which must be unique.
fn stems(paths: &[PathBuf]) -> Result<Vec<String>, Error> {
    let mut stems: Vec<String> = Vec::with_capacity(paths.len());
    for p in paths {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem.is_empty() || stem == "comparison" {
            return Err(Error::Usage(format!(
                "scenario {} cannot name an output file",
                p.display()
            )));
        }
        if stems.contains(&stem) {
            return Err(Error::Usage(format!(
                "two scenarios are named `{stem}`; their outputs would collide"
            )));
        }
        stems.push(stem);
    }
    Ok(stems)
}

/// Every output of the batch: one per scenario, then `comparison.csv`.
struct Outputs {
    scenarios: Vec<Destination>,
    comparison: Destination,
}

/// Creates the output folder and checks every output before the first is
/// written: none may be the practice file or a scenario file (SPEC §9.4).
fn plan_outputs(args: &BatchArgs, stems: &[String], xlsx: bool) -> Result<Outputs, Error> {
    if std::fs::symlink_metadata(&args.out).is_err() {
        std::fs::create_dir_all(&args.out).map_err(|e| Error::output(&args.out, &e))?;
        // Removed again if the batch stops before writing into it.
        cleanup::lock().add_folder(&args.out);
    }
    let mut inputs = vec![PathBuf::from(&args.input)];
    inputs.extend(args.scenarios.iter().cloned());
    let mut plan = Plan::new(&inputs, args.force);
    let ext = if xlsx { "xlsx" } else { "csv" };
    // With --comparison-only, no scenario has an output of its own.
    let scenarios = stems
        .iter()
        .filter(|_| !args.comparison_only)
        .map(|stem| {
            let path = args.out.join(format!("{stem}.{ext}"));
            plan.output(&format!("the output of scenario {stem}"), &path)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let comparison = plan.output("comparison.csv", &args.out.join("comparison.csv"))?;
    Ok(Outputs {
        scenarios,
        comparison,
    })
}

/// A scenario that ran: its savings, and its output staged (none with
/// `--comparison-only`), not yet in place.
type Ran = (ScenarioSavings, Option<Staged>);

/// Runs one scenario and stages its output.
fn one(
    practices: &[Practice],
    path: &Path,
    dest: Option<&Destination>,
    args: &BatchArgs,
    xlsx: bool,
) -> Result<Ran, Error> {
    let scenario: Scenario = load_scenario(Some(path), &ScenarioOverrides::default())?;
    let fail = |e: calc::CalcError| calc_error(&e, &args.input);
    let plan = calc::Plan::new(practices, &scenario).map_err(fail)?;
    let (savings, staged) = match dest {
        Some(dest) if xlsx => {
            // The workbook needs every result at once.
            let rebasing = plan.rebasing(practices).map_err(fail)?;
            let savings = savings(practices, &rebasing, &scenario);
            let staged = dest.stage(|w| {
                output::xlsx::write_run_workbook(practices, &rebasing, &savings, &scenario, w)
            })?;
            (savings, Some(staged))
        }
        Some(dest) => {
            let (savings, staged) = write_csv(dest, practices, &plan, &scenario, &args.input)?;
            (savings, Some(staged))
        }
        None => (
            planned_savings(practices, &plan, &scenario, SPREAD).map_err(fail)?,
            None,
        ),
    };
    let name = scenario.name().to_owned();
    Ok((ScenarioSavings { name, savings }, staged))
}

/// Makes every staged scenario output durable at once, then puts each in
/// place for good: a batch keeps the scenarios that succeeded whatever
/// happens to the others. Failing to make them durable fails the batch.
fn put_in_place(
    results: Vec<Result<Ran, Error>>,
) -> Result<Vec<Result<ScenarioSavings, Error>>, Error> {
    let (mut staged, mut owners, mut slots) = (Vec::new(), Vec::new(), Vec::new());
    for (i, result) in results.into_iter().enumerate() {
        slots.push(result.map(|(done, file)| {
            if let Some(file) = file {
                staged.push(file);
                owners.push(i);
            }
            done
        }));
    }
    sync_together(&mut staged)?;
    for (file, i) in staged.into_iter().zip(owners) {
        if let (Err(e), Some(slot)) = (commit_then(vec![file], Afterwards::Kept), slots.get_mut(i))
        {
            *slot = Err(e);
        }
    }
    Ok(slots)
}

/// Stages one scenario's CSV and adds up its savings on the way, so that
/// each practice is worked out once for both.
fn write_csv(
    dest: &Destination,
    practices: &[Practice],
    plan: &calc::Plan<'_>,
    scenario: &Scenario,
    input: &str,
) -> Result<(Vec<Savings>, Staged), Error> {
    let fold = SavingsFold::new(plan, scenario);
    let (mut tally, mut refused) = (None, None);
    let staged = dest.stage(|w| {
        let results = Results::Planned(plan);
        let years = scenario.years();
        match output::csv::write_practice_rows_summing(practices, results, years, w, false, &fold) {
            Ok(sum) => tally = Some(sum),
            Err(e) => {
                refused = refused_by_calc(&e);
                return Err(e);
            }
        }
        Ok(())
    });
    // A practice the calculation refuses is a data error, not the file's.
    if let Some(e) = refused {
        return Err(calc_error(&e, input));
    }
    let staged = staged?;
    let savings = tally.map(|t| fold.finish(t)).ok_or_else(|| Error::Output {
        path: dest.path().to_owned(),
        reason: "the savings were not added up".to_owned(),
    })?;
    Ok((savings, staged))
}

/// The calculation's error behind a failed write, if that is what it was.
fn refused_by_calc(e: &std::io::Error) -> Option<calc::CalcError> {
    e.get_ref()?.downcast_ref::<calc::CalcError>().cloned()
}

fn progress_bar(n: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}
