//! The sweep table (SPEC §8.5): one full run per target price, a row each.
//!
//! Each row is read from the savings report `run` prints (scope "all", the
//! total), of a scenario built through the same overrides `run --target P`
//! uses, so a sweep row and `run --target P` cannot disagree: the saving
//! and net saving of every year are the total's [`YearSaving`] figures as
//! they stand, whatever goes into them.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::calc::{CalcError, Plan, PracticeResult};
use crate::error::{ScenarioError, Warning};
use crate::model::Practice;
use crate::money::Money;
use crate::report::savings::{
    Fold, GoalResult, SavingsFold, Spread, Tally, YearSaving, fold_planned,
};
use crate::report::{Cell, Column, Kind, Report};
use crate::scenario::Scenario;
use crate::scenario::overrides::{ScenarioOverrides, Target};

/// The most prices one sweep runs (SPEC §8.5).
pub const MAX_PRICES: usize = 10_000;

/// `FROM:TO:STEP`: target prices from `FROM` up to `TO` (included when a
/// step lands on it), `STEP` apart; each amount rounded to the penny.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceRange {
    /// The first price.
    pub from: Money,
    /// The last price, when a step lands on it; no price is above it.
    pub to: Money,
    /// The distance between prices (positive).
    pub step: Money,
}

/// Why a `FROM:TO:STEP` text is not a price range. Each reads as the end
/// of a sentence starting with the range as typed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// Not three parts separated by `:`.
    #[error("should be FROM:TO:STEP, three prices such as 80:100:0.50")]
    Shape,
    /// A part is not an amount.
    #[error("has {part} `{text}`, which is not an amount of money")]
    Amount {
        /// `FROM`, `TO` or `STEP`.
        part: &'static str,
        /// The text as typed.
        text: String,
    },
    /// `FROM` or `TO` below zero.
    #[error("starts below £0.00, and a price cannot be negative")]
    Negative,
    /// `FROM` above `TO`.
    #[error("starts at £{from}, above its end £{to}")]
    Reversed {
        /// `FROM`.
        from: Money,
        /// `TO`.
        to: Money,
    },
    /// `STEP` zero or negative.
    #[error("has a step of {}; the step must be at least £0.01", pounds(*.0))]
    Step(Money),
    /// More prices than [`MAX_PRICES`].
    #[error("gives {} prices, more than the 10,000 a sweep runs (use a larger step)", grouped(.0))]
    TooMany(Decimal),
}

/// `-£1.00`, `£0.00`.
fn pounds(m: Money) -> String {
    if m.is_negative() {
        format!("-£{}", -m)
    } else {
        format!("£{m}")
    }
}

/// A whole count with thousands separators: `10,001`.
fn grouped(n: &Decimal) -> String {
    let digits = n.trunc().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl FromStr for PriceRange {
    type Err = RangeError;

    fn from_str(text: &str) -> Result<PriceRange, RangeError> {
        let mut parts = text.split(':');
        let (Some(from), Some(to), Some(step), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(RangeError::Shape);
        };
        let amount = |part: &'static str, text: &str| {
            text.parse::<Money>().map_err(|_| RangeError::Amount {
                part,
                text: text.trim().to_owned(),
            })
        };
        let range = PriceRange {
            from: amount("FROM", from)?,
            to: amount("TO", to)?,
            step: amount("STEP", step)?,
        };
        if range.from.is_negative() || range.to.is_negative() {
            return Err(RangeError::Negative);
        }
        if range.from > range.to {
            return Err(RangeError::Reversed {
                from: range.from,
                to: range.to,
            });
        }
        if !range.step.is_positive() {
            return Err(RangeError::Step(range.step));
        }
        let count = range.count_exact();
        if count > Decimal::from(MAX_PRICES) {
            return Err(RangeError::TooMany(count));
        }
        Ok(range)
    }
}

impl PriceRange {
    /// How many prices: `floor((TO - FROM) / STEP) + 1`, exactly.
    fn count_exact(&self) -> Decimal {
        ((self.to.value() - self.from.value()) / self.step.value()).floor() + Decimal::ONE
    }

    /// The prices, lowest first: `FROM`, `FROM + STEP`, ... while not above `TO`.
    #[must_use]
    pub fn prices(&self) -> Vec<Money> {
        let mut prices = Vec::new();
        let mut price = self.from;
        // A parsed range has a positive step and at most MAX_PRICES prices;
        // the bound keeps a hand-built one from running away.
        while price <= self.to && prices.len() < MAX_PRICES && self.step.is_positive() {
            prices.push(price);
            price += self.step;
        }
        prices
    }
}

impl fmt::Display for PriceRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.from, self.to, self.step)
    }
}

/// The scenario of one price: `base` with the user's overrides and the
/// target fixed at `price`, through [`Scenario::with`] exactly as
/// `run --target P` builds it.
pub fn scenario_at(
    base: &Scenario,
    overrides: &ScenarioOverrides,
    price: Money,
) -> Result<Scenario, ScenarioError> {
    let at = ScenarioOverrides {
        target: Some(Target::Price(price)),
        ..overrides.clone()
    };
    base.with(&at)
}

/// One row of the sweep: the figures `run` gives at one target price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepRow {
    /// The target price.
    pub target_price: Money,
    /// Re-based practices with `change < 0`.
    pub practices_losing: usize,
    /// Re-based practices with `change > 0`.
    pub practices_gaining: usize,
    /// Practices flagged `business_case`.
    pub business_cases: usize,
    /// Each year's figures of the total savings, as `run` reports them.
    pub years: Vec<YearSaving>,
    /// The goal, when the scenario has one.
    pub goal: Option<GoalResult>,
}

/// One price's row and the warnings its run gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepRun {
    /// The row.
    pub row: SweepRow,
    /// The calculation's warnings at this price.
    pub warnings: Vec<Warning>,
}

/// Runs the full calculation for a scenario from [`scenario_at`] and reads
/// the row off its savings report (the total, scope "all"). Each practice
/// is worked out and added up, none held; `spread` as for
/// [`planned_savings`](crate::report::savings::planned_savings).
pub fn sweep_row(
    practices: &[Practice],
    scenario: &Scenario,
    price: Money,
    spread: Spread,
) -> Result<SweepRun, CalcError> {
    let plan = Plan::new(practices, scenario)?;
    let fold = SweepFold(SavingsFold::new(&plan, scenario));
    let (tally, business_cases) = fold_planned(practices, &plan, spread, &fold)?;
    let mut all = fold.0.finish(tally);
    // The total is the one without a group (the last, by group or not).
    let total = all
        .iter()
        .rposition(|s| s.group.is_none())
        .map(|i| all.swap_remove(i));
    let row = match total {
        Some(t) => SweepRow {
            target_price: price,
            practices_losing: t.practices_losing,
            practices_gaining: t.practices_gaining,
            business_cases,
            years: t.years,
            goal: t.goal,
        },
        None => SweepRow {
            target_price: price,
            practices_losing: 0,
            practices_gaining: 0,
            business_cases,
            years: Vec::new(),
            goal: None,
        },
    };
    Ok(SweepRun {
        row,
        warnings: plan.warnings().to_vec(),
    })
}

/// A sweep row's sums: the savings, and the practices flagged `business_case`.
struct SweepFold<'a>(SavingsFold<'a>);

impl Fold for SweepFold<'_> {
    type Sum = (Tally, usize);
    fn empty(&self) -> (Tally, usize) {
        (self.0.empty(), 0)
    }
    fn add(&self, (tally, cases): &mut (Tally, usize), p: &Practice, r: &PracticeResult) {
        self.0.add(tally, p, r);
        *cases += usize::from(r.business_case);
    }
    fn merge(&self, (tally, cases): (Tally, usize), next: (Tally, usize)) -> (Tally, usize) {
        (self.0.merge(tally, next.0), cases + next.1)
    }
}

/// The sweep as a report with SPEC §8.5's columns: `target_price,
/// practices_losing, practices_gaining, business_cases, year_1_saving ..
/// year_n_saving, year_1_net_saving .. year_n_net_saving, goal_met`
/// (`goal_met` blank without a goal).
#[must_use]
pub fn sweep_report(rows: &[SweepRow], years: usize) -> Report {
    let mut columns = vec![
        Column::new("target_price", Kind::Money),
        Column::new("practices_losing", Kind::Count),
        Column::new("practices_gaining", Kind::Count),
        Column::new("business_cases", Kind::Count),
    ];
    for k in 1..=years {
        columns.push(Column::new(format!("year_{k}_saving"), Kind::Money));
    }
    for k in 1..=years {
        columns.push(Column::new(format!("year_{k}_net_saving"), Kind::Money));
    }
    columns.push(Column::new("goal_met", Kind::Text));
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::Money(r.target_price),
                Cell::Count(r.practices_losing),
                Cell::Count(r.practices_gaining),
                Cell::Count(r.business_cases),
            ];
            let year = |k: usize| r.years.get(k);
            cells.extend((0..years).map(|k| Cell::from(year(k).map(|y| y.saving))));
            cells.extend((0..years).map(|k| Cell::from(year(k).map(|y| y.net_saving))));
            cells.push(
                r.goal
                    .as_ref()
                    .map_or(Cell::Blank, |g| Cell::from(g.met.to_string())),
            );
            cells
        })
        .collect();
    Report { columns, rows }
}

/// The year a sweep charts and summarises: the goal's, else the last.
#[must_use]
pub fn chart_year(scenario: &Scenario) -> usize {
    scenario.goal_year().unwrap_or_else(|| scenario.years())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::round_penny;
    use rust_decimal_macros::dec;

    fn range(text: &str) -> Result<PriceRange, RangeError> {
        text.parse()
    }

    fn prices(text: &str) -> Vec<String> {
        range(text)
            .unwrap()
            .prices()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn prices_run_from_from_to_to_when_a_step_lands_on_it() {
        assert_eq!(
            prices("80:90:2.5"),
            ["80.00", "82.50", "85.00", "87.50", "90.00"]
        );
        assert_eq!(prices("80:81:0.4"), ["80.00", "80.40", "80.80"]);
        assert_eq!(prices("85.53:85.53:1"), ["85.53"]);
        assert_eq!(prices("£80:£81:£0.50"), ["80.00", "80.50", "81.00"]);
    }

    #[test]
    fn amounts_are_rounded_to_the_penny_half_away_from_zero() {
        let r = range("80.005:80.025:0.005").unwrap();
        assert_eq!(r.from.value(), dec!(80.01));
        assert_eq!(r.to.value(), dec!(80.03));
        assert_eq!(r.step.value(), dec!(0.01));
        assert_eq!(r.prices().len(), 3);
    }

    #[test]
    fn bad_ranges_say_why() {
        assert_eq!(range("80:90"), Err(RangeError::Shape));
        assert_eq!(range("80:90:1:2"), Err(RangeError::Shape));
        assert!(matches!(
            range("80:ninety:1"),
            Err(RangeError::Amount { part: "TO", .. })
        ));
        assert!(matches!(range("90:80:1"), Err(RangeError::Reversed { .. })));
        assert!(matches!(range("80:90:0"), Err(RangeError::Step(_))));
        assert!(matches!(range("80:90:0.004"), Err(RangeError::Step(_))));
        assert!(matches!(range("80:90:-1"), Err(RangeError::Step(_))));
        assert_eq!(range("-1:90:1"), Err(RangeError::Negative));
    }

    #[test]
    fn messages_read_as_money() {
        let step = range("80:90:-1").unwrap_err().to_string();
        assert!(step.contains("-£1.00"), "{step}");
        let many = range("0:100:0.01").unwrap_err().to_string();
        assert!(many.starts_with("gives 10,001 prices"), "{many}");
    }

    #[test]
    fn at_most_ten_thousand_prices() {
        assert_eq!(range("0:99.99:0.01").unwrap().prices().len(), 10_000);
        assert_eq!(range("0:100:0.01"), Err(RangeError::TooMany(dec!(10001))));
        assert!(matches!(
            range("0:1000000000:0.01"),
            Err(RangeError::TooMany(_))
        ));
    }

    #[test]
    fn the_target_replaces_the_method_as_run_does() {
        let base = Scenario::default();
        let s = scenario_at(&base, &ScenarioOverrides::default(), round_penny(dec!(85))).unwrap();
        let run = base
            .with(&ScenarioOverrides {
                target: Some(Target::Price(round_penny(dec!(85)))),
                ..ScenarioOverrides::default()
            })
            .unwrap();
        assert_eq!(s, run);
    }
}
