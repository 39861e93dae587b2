//! `solve`: the highest penny target price whose saving in a chosen year
//! meets a required saving (SPEC §6, §7). The saving never rises as the
//! target rises (a higher target caps fewer practices and, with `level_up`,
//! lifts more), so the price is found by bisection over whole pennies,
//! evaluating only the re-based practices with the same step-5 and step-6
//! functions as the full calculation; the answer is then proved by running
//! the full calculation at the price and one penny above.

use rust_decimal::Decimal;
use serde::Serialize;

use rayon::prelude::*;

use crate::calc::{CalcError, Plan, Status, rebase, rebased};
use crate::model::Practice;
use crate::money::{Money, round_penny};
use crate::scenario::{Basis, Gains, PriceMethod, Scenario};

/// What to solve for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolveRequest {
    /// The saving required.
    pub saving: Money,
    /// The year (1-based) whose saving counts.
    pub year: usize,
    /// Gross, or net of premium services.
    pub basis: Basis,
    /// Count only this group's practices.
    pub group: Option<String>,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum SolveAnswer {
    /// The highest penny price meeting the saving, and its proof.
    Price {
        /// The target price.
        price: Money,
        /// The saving at that price (at least the required saving).
        saving: Money,
        /// The saving one penny higher (less than the required saving).
        saving_one_penny_higher: Money,
    },
    /// Even a target of £0.00 does not save enough.
    Unreachable {
        /// The saving at a target of £0.00 (the most any price saves).
        saving_at_zero: Money,
    },
    /// Every target meets it: above `from` the price caps no practice.
    AnyPrice {
        /// The highest corrected price of a re-based practice, rounded up to the penny.
        from: Money,
        /// The saving at any price from there on.
        saving: Money,
    },
}

/// Why `solve` cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// Banding has no single price to find.
    #[error("solve finds one target price, and banding has none (use another price method)")]
    Banding,
    /// The year is outside the taper.
    #[error("year {year} is outside the taper, which has {years} years")]
    Year {
        /// Asked for.
        year: usize,
        /// The taper's length.
        years: usize,
    },
    /// No practice of the group is re-based.
    #[error("no practice of group `{0}` is re-based, so no price changes its saving")]
    EmptyGroup(String),
    /// A data problem the calculation found.
    #[error(transparent)]
    Calc(#[from] CalcError),
}

/// The scenario with its target replaced by a fixed price.
#[must_use]
pub fn with_price(scenario: &Scenario, price: Money) -> Scenario {
    scenario.with_fixed_price(price)
}

/// One re-based practice, as the saving function needs it.
struct Candidate {
    core_now: Money,
    corrected: Money,
    list_used: Decimal,
    price: Decimal,
}

/// The re-based practices in scope, from their first steps.
fn candidates(
    practices: &[Practice],
    plan: &Plan<'_>,
    in_scope: &dyn Fn(&Practice) -> bool,
) -> Vec<Candidate> {
    practices
        .iter()
        .zip(plan.firsts())
        .filter(|(p, f)| in_scope(p) && f.status == Status::Rebased)
        .map(|(_, f)| {
            // Prices are per the list SPEC §8.4 chose; re-based practices have one.
            let list = f.price_list.unwrap_or(f.list.list_used);
            Candidate {
                core_now: f.core_now,
                corrected: f.corrected_core,
                list_used: list,
                price: f.corrected_core.value() / list,
            }
        })
        .collect()
}

/// The year-N saving of the candidates at target `t` (gross).
fn gross_saving(candidates: &[Candidate], t: Money, scenario: &Scenario, share: Decimal) -> Money {
    let policy = &scenario.price();
    candidates
        .iter()
        .map(|c| {
            // price_after cannot fail: the method is never banding here.
            let after =
                rebased::price_after(c.price, Some(t), policy).unwrap_or(rebased::PriceAfter {
                    price: c.price,
                    rule: rebased::PriceRule::Own,
                });
            let core = rebased::core_rebased(after, c.corrected, c.list_used);
            let change = core - c.core_now;
            let year = if change.is_positive() && scenario.taper().gains == Gains::Immediate {
                core
            } else {
                c.core_now + round_penny(change.value() * share)
            };
            c.core_now - year
        })
        .sum()
}

/// Finds the highest penny target price whose saving meets the request.
pub fn solve(
    practices: &[Practice],
    scenario: &Scenario,
    request: &SolveRequest,
) -> Result<SolveAnswer, SolveError> {
    if matches!(scenario.price().method, PriceMethod::Banding { .. }) {
        return Err(SolveError::Banding);
    }
    let years = scenario.years();
    let share = match request
        .year
        .checked_sub(1)
        .and_then(|i| scenario.taper().schedule.get(i))
    {
        Some(s) => *s,
        None => {
            return Err(SolveError::Year {
                year: request.year,
                years,
            });
        }
    };
    let base = with_price(scenario, Money::ZERO);
    let plan = Plan::new(practices, &base)?;
    let in_scope = |p: &Practice| request.group.as_ref().is_none_or(|g| *g == p.group);
    let candidates = candidates(practices, &plan, &in_scope);
    if let Some(g) = &request.group
        && candidates.is_empty()
    {
        return Err(SolveError::EmptyGroup(g.clone()));
    }
    // Premium services do not depend on the price; an uplift adds to both
    // sides of the saving, so it cancels. Reinvestment depends on every
    // scope's saving, so a net saving with it is the full calculation's.
    let premium = match request.basis {
        Basis::Gross => Money::ZERO,
        Basis::Net => premium_in_scope(practices, &plan, &in_scope)?,
    };
    let full = request.basis == Basis::Net && scenario.reinvest().is_some();
    let saving_at = |t: Money| {
        if full {
            return full_net_saving(practices, &base, t, request);
        }
        let gross = gross_saving(&candidates, t, &base, share);
        match request.basis {
            Basis::Gross => gross,
            Basis::Net => gross - premium,
        }
    };
    let meets = |t: Money| saving_at(t) >= request.saving;

    let zero = saving_at(Money::ZERO);
    if zero < request.saving {
        return Ok(SolveAnswer::Unreachable {
            saving_at_zero: zero,
        });
    }
    // Above the highest price (and the floor) no practice is capped; without
    // level_up the saving is flat from there on.
    let top = candidates
        .iter()
        .map(|c| c.price)
        .max()
        .unwrap_or(Decimal::ZERO);
    let top = round_penny(top.ceil_to_penny());
    let mut hi = top + round_penny(Decimal::new(1, 2));
    if scenario.price().level_up {
        // With level_up a higher target lifts more practices: the saving keeps falling.
        let mut steps = 0;
        while meets(hi) && steps < 64 {
            hi = hi + hi;
            steps += 1;
        }
        if meets(hi) {
            return Ok(SolveAnswer::AnyPrice {
                from: hi,
                saving: saving_at(hi),
            });
        }
    } else if meets(hi) {
        return Ok(SolveAnswer::AnyPrice {
            from: top,
            saving: saving_at(hi),
        });
    }
    // Bisection over pennies: meets(lo), !meets(hi).
    let penny = Decimal::new(1, 2);
    let mut lo = Money::ZERO;
    while hi.value() - lo.value() > penny {
        let mid = round_penny(((lo.value() + hi.value()) / Decimal::TWO).floor_to_penny());
        if meets(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(SolveAnswer::Price {
        price: lo,
        saving: saving_at(lo),
        saving_one_penny_higher: saving_at(hi),
    })
}

/// The premium services paid to the practices in scope (worked out on
/// every core; the price does not change them).
fn premium_in_scope(
    practices: &[Practice],
    plan: &Plan<'_>,
    in_scope: &(dyn Fn(&Practice) -> bool + Sync),
) -> Result<Money, CalcError> {
    let paid = |(i, p): (usize, &Practice)| -> Result<Money, CalcError> {
        Ok(if in_scope(p) {
            plan.result(i, p)?.premium_total
        } else {
            Money::ZERO
        })
    };
    let all = practices
        .par_iter()
        .enumerate()
        .map(paid)
        .try_reduce(|| Money::ZERO, |a, b| Ok(a + b));
    all.or_else(|_| practices.iter().enumerate().map(paid).sum())
}

/// The net saving at target `t` from the full calculation: saving less
/// premium services less reinvestment, over the request's practices
/// (a failure, which the price cannot cause, counts as no saving).
fn full_net_saving(
    practices: &[Practice],
    base: &Scenario,
    t: Money,
    request: &SolveRequest,
) -> Money {
    let Ok(trace) = rebase(practices, &with_price(base, t)) else {
        return Money::ZERO;
    };
    let k = request.year.saturating_sub(1);
    practices
        .iter()
        .zip(&trace.practices)
        .filter(|(p, _)| request.group.as_ref().is_none_or(|g| *g == p.group))
        .map(|(_, r)| {
            r.saving_in(k) - r.premium_total - r.reinvestment.get(k).copied().unwrap_or(Money::ZERO)
        })
        .sum()
}

/// Penny helpers for the search bounds (not money rounding: these pick
/// candidate prices, which are whole pennies by construction).
trait Pennies {
    fn ceil_to_penny(self) -> Decimal;
    fn floor_to_penny(self) -> Decimal;
}

impl Pennies for Decimal {
    fn ceil_to_penny(self) -> Decimal {
        (self * Decimal::ONE_HUNDRED).ceil() / Decimal::ONE_HUNDRED
    }
    fn floor_to_penny(self) -> Decimal {
        (self * Decimal::ONE_HUNDRED).floor() / Decimal::ONE_HUNDRED
    }
}
