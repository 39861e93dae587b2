//! `rebase check FIXTURE_DIR... [--bless]`: fixture regression for CI. Each
//! directory holds `practices.csv`, `scenario.toml` and `expected.csv`.

use std::io::Write;
use std::path::Path;

use crate::calc::rebase;
use crate::cli::args::CheckArgs;
use crate::cli::files::{Destination, load_input, load_scenario};
use crate::cli::{Outcome, calc_error};
use crate::error::Error;
use crate::input::bounds::Bounds;
use crate::input::practices::csv_error;
use crate::output;
use crate::report::Report;
use crate::report::check::{Difference, compare};
use crate::report::practice_rows::practice_rows;
use crate::scenario::overrides::ScenarioOverrides;

/// Runs `rebase check`.
pub fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    for dir in &args.fixtures {
        let report = fixture_report(dir, args.limits.bounds())?;
        let expected_path = dir.join("expected.csv");
        if args.bless {
            Destination::check(&expected_path, true, &[])?
                .write(|w| output::csv::write_report(&report, w, false))?;
            let _ = writeln!(out, "blessed {}", expected_path.display());
            continue;
        }
        let expected =
            std::fs::read_to_string(&expected_path).map_err(|e| Error::open(&expected_path, &e))?;
        let differences = compare(&expected, &report)
            .map_err(|e| Error::Data(csv_error(&e, &expected_path.display().to_string())))?;
        if differences.is_empty() {
            let _ = writeln!(
                out,
                "ok {} ({} practices)",
                dir.display(),
                report.rows.len()
            );
        } else {
            failed += 1;
            let _ = writeln!(
                out,
                "FAIL {} ({} differences)",
                dir.display(),
                differences.len()
            );
            print_differences(&mut out, &differences);
        }
    }
    let _ = writeln!(
        out,
        "{} passed, {failed} failed",
        args.fixtures.len() - failed
    );
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::No
    })
}

fn print_differences(out: &mut impl Write, differences: &[Difference]) {
    for d in differences {
        let practice = if d.practice.is_empty() {
            "-"
        } else {
            d.practice.as_str()
        };
        let _ = writeln!(
            out,
            "  {practice}  {}  expected `{}`  actual `{}`",
            d.column, d.expected, d.actual
        );
    }
}

/// The per-practice report of one fixture directory, as `run` makes it.
pub fn fixture_report(dir: &Path, bounds: Bounds) -> Result<Report, Error> {
    let practices = dir.join("practices.csv");
    let scenario = dir.join("scenario.toml");
    let shown = practices.display().to_string();
    let input = load_input(&shown, bounds)?;
    let scenario = load_scenario(Some(&scenario), &ScenarioOverrides::default())?;
    let rebasing = rebase(&input.practices, &scenario).map_err(|e| calc_error(&e, &shown))?;
    Ok(practice_rows(&input.practices, &rebasing, scenario.years()))
}
