//! `rebase check FIXTURE_DIR... [--bless]`: fixture regression for CI. Each
//! directory holds `practices.csv`, `scenario.toml` and `expected.csv`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::calc::rebase;
use crate::cli::args::CheckArgs;
use crate::cli::files::{load_input, load_scenario, read_small};
use crate::cli::outputs::{Plan, commit};
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
    if args.bless {
        return bless(&args.fixtures, args.limits.bounds());
    }
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    for dir in &args.fixtures {
        let report = fixture_report(dir, args.limits.bounds())?;
        let expected_path = dir.join("expected.csv");
        let differences = match expected_differences(&expected_path, &report)? {
            Ok(differences) => differences,
            Err(unreadable) => {
                // SPEC §9.9: an unreadable expected.csv fails the fixture.
                failed += 1;
                let _ = writeln!(out, "FAIL {}: {unreadable}", dir.display());
                continue;
            }
        };
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

/// The largest `expected.csv` read: a fixture is small by design, and
/// 256 MiB is a million practices' rows.
const MAX_EXPECTED: u64 = 256 << 20;

/// The differences from `expected.csv`, or why it cannot be read (as a
/// sentence naming its line); a missing file is an error (66).
fn expected_differences(
    path: &Path,
    report: &Report,
) -> Result<Result<Vec<Difference>, String>, Error> {
    let bytes = read_small(path, MAX_EXPECTED, "expected file")?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(Err(format!("{} is not UTF-8 text", path.display())));
    };
    Ok(compare(&text, report).map_err(|e| csv_error(&e, &path.display().to_string()).to_string()))
}

/// Rewrites every fixture's `expected.csv`, or none: each is made and
/// written to its temporary file before the first is put in place.
fn bless(fixtures: &[PathBuf], bounds: Bounds) -> Result<Outcome, Error> {
    let mut staged = Vec::new();
    for dir in fixtures {
        let inputs = [dir.join("practices.csv"), dir.join("scenario.toml")];
        let dest = Plan::new(&inputs, true).output("expected.csv", &dir.join("expected.csv"))?;
        let report = fixture_report(dir, bounds)?;
        staged.push(dest.stage(|w| output::csv::write_report(&report, w, false))?);
    }
    commit(staged)?;
    let mut out = std::io::stdout().lock();
    for dir in fixtures {
        let _ = writeln!(out, "blessed {}", dir.join("expected.csv").display());
    }
    let _ = writeln!(out, "{} passed, 0 failed", fixtures.len());
    Ok(Outcome::Done)
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
