//! `rebase solve INPUT --saving £ [--year N]`: the highest penny target
//! price whose saving meets the required saving, proved by the saving one
//! penny higher.

use crate::calc::Plan;
use crate::calc::solve::{SolveAnswer, SolveError, SolveRequest, solve, with_price};
use crate::cli::args::SolveArgs;
use crate::cli::files::{load_input, load_scenario, write_stdout};
use crate::cli::{Outcome, calc_error, print_warnings};
use crate::error::Error;
use crate::model::Practice;
use crate::money::Money;
use crate::output;
use crate::report::savings::{Spread, planned_savings};
use crate::report::solve::{SolveReport, one_penny_higher};
use crate::scenario::overrides::ScenarioOverrides;
use crate::scenario::{Basis, Scenario};

/// Runs `rebase solve`.
pub fn run(args: &SolveArgs) -> Result<Outcome, Error> {
    let saving: Money = args
        .saving
        .parse()
        .map_err(|e| Error::Usage(format!("--saving `{}` {e}", args.saving)))?;
    let scenario = load_scenario(
        args.scenario.scenario.as_deref(),
        &args.scenario.overrides(),
    )?;
    let input = load_input(&args.input, args.limits.bounds())?;
    print_warnings(&input.warnings, false);
    let request = SolveRequest {
        saving,
        year: args
            .year
            .or_else(|| scenario.goal_year())
            .unwrap_or_else(|| scenario.years()),
        basis: if args.net {
            Basis::Net
        } else {
            scenario.goal().map_or(Basis::Gross, |g| g.basis)
        },
        group: args.group.clone(),
    };
    let answer = solve(&input.practices, &scenario, &request).map_err(|e| match e {
        SolveError::Calc(c) => calc_error(&c, &args.input),
        other => Error::Usage(format!("cannot solve: {other}")),
    })?;
    prove(&input.practices, &scenario, &request, &args.input, &answer)?;
    let report = SolveReport { request, answer };
    write_stdout(|w| {
        if args.json {
            output::solve::write_json(&report, w)
        } else {
            output::solve::write_text(&report, w)
        }
    })?;
    Ok(if report.met() {
        Outcome::Done
    } else {
        Outcome::No
    })
}

/// The proof comes from the full calculation, not the search's shortcut:
/// the savings at a found price and one penny higher must be the search's.
fn prove(
    practices: &[Practice],
    scenario: &Scenario,
    request: &SolveRequest,
    source: &str,
    answer: &SolveAnswer,
) -> Result<(), Error> {
    let SolveAnswer::Price {
        price,
        saving,
        saving_one_penny_higher,
    } = answer
    else {
        return Ok(());
    };
    let at = full_saving(practices, scenario, request, *price, source)?;
    let above = full_saving(
        practices,
        scenario,
        request,
        one_penny_higher(*price),
        source,
    )?;
    if at != *saving || above != *saving_one_penny_higher {
        return Err(Error::Usage(format!(
            "internal check failed: the search found {saving}/{saving_one_penny_higher} but the calculation gives {at}/{above}"
        )));
    }
    Ok(())
}

/// The saving the full calculation gives at a fixed price.
fn full_saving(
    practices: &[Practice],
    scenario: &Scenario,
    request: &SolveRequest,
    price: Money,
    source: &str,
) -> Result<Money, Error> {
    let mut s = with_price(scenario, price);
    if request.group.is_some() {
        // One block per group, so the group's own saving can be read off.
        let by_group = ScenarioOverrides {
            by: Some(crate::scenario::Scope::Group),
            ..ScenarioOverrides::default()
        };
        s = s.with(&by_group)?;
    }
    let fail = |e: crate::calc::CalcError| calc_error(&e, source);
    let plan = Plan::new(practices, &s).map_err(fail)?;
    let all = planned_savings(practices, &plan, &s, Spread::Threads).map_err(fail)?;
    let scope = all
        .iter()
        .find(|x| x.group == request.group)
        .ok_or_else(|| Error::Usage("the group has no practices".to_owned()))?;
    let year = scope
        .years
        .get(request.year.saturating_sub(1))
        .ok_or_else(|| Error::Usage(format!("year {} is outside the taper", request.year)))?;
    Ok(match request.basis {
        Basis::Gross => year.saving,
        Basis::Net => year.net_saving,
    })
}
