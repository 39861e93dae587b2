//! `rebase chart INPUT -o chart.svg`: every practice's price per patient now
//! and after re-basing, sorted, with the target and the floor marked
//! (issue 4). The figures are the calculation's own, rounded as the CSV
//! shows them (`price_now`, `price_rebased`); `output::chart` draws them.
//!
//! Practices with a zero list have no price and are left out. With
//! `by = "group"` there is one target per group: when every group's target
//! is the same price (a fixed value) it is drawn; otherwise no target line
//! is drawn (dozens of lines would hide the practices) and the title gives
//! their range instead. Banding has no single target, so no line.

use std::path::Path;

use crate::calc::{Rebasing, rebase};
use crate::cli::args::ChartArgs;
use crate::cli::files::{load_input, load_scenario};
use crate::cli::outputs::Plan;
use crate::cli::{Outcome, calc_error, print_warnings};
use crate::error::{DataError, Error};
use crate::money::Money;
use crate::output::chart::{chart_points, price_chart_svg};
use crate::scenario::Scenario;

/// Runs `rebase chart`.
pub fn run(args: &ChartArgs) -> Result<Outcome, Error> {
    if !is_svg(&args.output) {
        return Err(Error::Usage(format!(
            "-o {} must end in .svg (the chart is an SVG image)",
            args.output.display()
        )));
    }
    // Check the destination before any work is written.
    let mut inputs = vec![Path::new(&args.input)];
    inputs.extend(args.scenario.scenario.as_deref());
    let out = Plan::new(&inputs, args.force).output("-o", &args.output)?;
    let scenario = load_scenario(
        args.scenario.scenario.as_deref(),
        &args.scenario.overrides(),
    )?;
    let input = load_input(&args.input, args.limits.bounds())?;

    let rebasing = rebase(&input.practices, &scenario).map_err(|e| calc_error(&e, &args.input))?;
    let mut warnings = input.warnings.clone();
    warnings.extend(rebasing.warnings.iter().cloned());
    print_warnings(&warnings, false);

    let points = chart_points(&input.practices, &rebasing);
    if points.is_empty() {
        return Err(Error::Data(DataError::file(
            args.input.as_str(),
            "no practice has a list, so there is no price per patient to chart",
        )));
    }
    let unit = match scenario.price().per {
        crate::scenario::Per::Registered => "patient",
        crate::scenario::Per::Weighted => "weighted patient",
    };
    let mut title = if scenario.name() == Scenario::default().name() {
        format!("Price per {unit} now and after re-basing")
    } else {
        format!("Price per {unit}: {}", scenario.name())
    };
    let target = match targets(&rebasing) {
        Targets::One(price) => price,
        Targets::Range(lo, hi) => {
            title = format!("{title} (targets by group £{lo} to £{hi})");
            None
        }
    };
    let svg = price_chart_svg(
        &points,
        target,
        scenario.price().floor,
        &title,
        scenario.price().per,
    )
    .map_err(|reason| Error::Output {
        path: args.output.clone(),
        reason,
    })?;
    out.write(|w| w.write_all(svg.as_bytes()))?;
    Ok(Outcome::Done)
}

/// Whether a path ends in `.svg` (any case).
pub fn is_svg(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// The target line to draw.
#[derive(Debug, PartialEq, Eq)]
enum Targets {
    /// One price (or none, e.g. banding).
    One(Option<Money>),
    /// Groups with different targets: lowest and highest.
    Range(Money, Money),
}

fn targets(rebasing: &Rebasing) -> Targets {
    let mut prices = rebasing.targets.iter().filter_map(|t| t.price);
    let Some(first) = prices.next() else {
        return Targets::One(None);
    };
    let (lo, hi) = prices.fold((first, first), |(lo, hi), p| (lo.min(p), hi.max(p)));
    if lo == hi {
        Targets::One(Some(lo))
    } else {
        Targets::Range(lo, hi)
    }
}
