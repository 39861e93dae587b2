//! The savings table (SPEC §5): counts, the decomposition of the change into
//! list effect and price effect, and each year's core paid, saving, premium
//! reinvested and net saving. Every total is a sum of the rounded
//! per-practice figures, so the table adds up to the per-practice rows.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use rayon::prelude::*;

use crate::calc::{CalcError, Plan, Pool, PracticeResult, Rebasing, Target};
use crate::model::Practice;
use crate::money::{Money, round_penny};
use crate::report::{Cell, Column, Kind, Report};
use crate::scenario::{Basis, Per, PriceMethod, Scenario, Scope};

/// One year's money.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearSaving {
    /// 1-based year.
    pub year: usize,
    /// Core paid that year.
    pub core: Money,
    /// Core now less core paid.
    pub saving: Money,
    /// Premium services paid (reinvested).
    pub premium: Money,
    /// `[reinvest]`: the recycled money paid back to practices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinvested: Option<Money>,
    /// `[reinvest]`: the pools over the recipients' list, for reading only
    /// (`None` also when nobody receives any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinvest_rate: Option<Money>,
    /// Saving less premium (and less reinvestment).
    pub net_saving: Money,
    /// `[years]`: what the practices would be paid without the review
    /// (core now plus the year's uplift); the saving is measured against it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub without_review: Option<Money>,
}

/// Whether the required saving is met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalResult {
    /// The saving required.
    pub required: Money,
    /// The year it is measured in.
    pub year: usize,
    /// Gross or net of premium services.
    pub basis: Basis,
    /// The saving achieved on that basis.
    pub achieved: Money,
    /// Whether `achieved >= required`.
    pub met: bool,
}

/// The savings of one scope (everyone, or one group).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Savings {
    /// `None` for everyone, else the group.
    pub group: Option<String>,
    /// The target of this scope (`None` for the total of a by-group run).
    pub target: Option<Target>,
    /// Practices in scope, re-based or not.
    pub practices: usize,
    /// Practices re-based.
    pub practices_rebased: usize,
    /// Re-based with `change < 0`.
    pub practices_losing: usize,
    /// Re-based with `change > 0`.
    pub practices_gaining: usize,
    /// Re-based with `change = 0`.
    pub practices_unchanged: usize,
    /// Practices excluded.
    pub practices_excluded: usize,
    /// List-weighted price now of the re-based practices.
    pub average_price_now: Option<Money>,
    /// After the list change.
    pub average_price_corrected: Option<Money>,
    /// After re-basing.
    pub average_price_rebased: Option<Money>,
    /// Registrations the list change took out (funded less used, where corrected).
    #[serde(with = "rust_decimal::serde::str")]
    pub list_change_registrations: Decimal,
    /// Total core now.
    pub core_now: Money,
    /// Total list effect.
    pub list_effect: Money,
    /// Total price effect.
    pub price_effect: Money,
    /// Total re-based core.
    pub core_rebased: Money,
    /// `gms-equivalent`: the premium withdrawn, the sum of `c - re-based
    /// core` over the practices cut (the last year's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub premium_withdrawn: Option<Money>,
    /// Year by year.
    pub years: Vec<YearSaving>,
    /// The list prices are per (SPEC §8.4).
    #[serde(skip)]
    pub per: Per,
    /// The goal (scope "all" only).
    pub goal: Option<GoalResult>,
}

/// The savings: one per group (when `by = "group"`) and then the total.
#[must_use]
pub fn savings(practices: &[Practice], rebasing: &Rebasing, scenario: &Scenario) -> Vec<Savings> {
    let mut tally = Tally::new(&rebasing.targets, scenario);
    for (p, r) in practices.iter().zip(&rebasing.practices) {
        tally.add(p, r);
    }
    tally.finish(&rebasing.targets, &rebasing.pools, scenario)
}

/// Whether one run's practices are spread over the threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spread {
    /// Over the current thread pool: one run at a time (`run`).
    Threads,
    /// On the calling thread alone: runs already go side by side, one per
    /// thread (`batch`, `sweep`), and splitting each would only add work.
    Calling,
}

/// The savings of a [`Plan`]'s run, each practice worked out and added up,
/// none held. This is also the check that every practice can be worked
/// out: the error, if any, is the first in the file.
pub fn planned_savings(
    practices: &[Practice],
    plan: &Plan<'_>,
    scenario: &Scenario,
    spread: Spread,
) -> Result<Vec<Savings>, CalcError> {
    let fold = SavingsFold::new(plan, scenario);
    let tally = fold_planned(practices, plan, spread, &fold)?;
    Ok(fold.finish(tally))
}

/// A sum over practices and their results, added up a part of the file at
/// a time and the parts merged in file order, so that it is the same
/// whatever the threads. `()` sums nothing.
pub trait Fold: Sync {
    /// What is summed.
    type Sum: Send;
    /// The sum of no practice.
    fn empty(&self) -> Self::Sum;
    /// Adds one practice and its result.
    fn add(&self, sum: &mut Self::Sum, p: &Practice, r: &PracticeResult);
    /// The sum of the practices before `next`'s, then of `next`'s.
    fn merge(&self, sum: Self::Sum, next: Self::Sum) -> Self::Sum;
}

impl Fold for () {
    type Sum = ();
    fn empty(&self) {}
    fn add(&self, (): &mut (), _: &Practice, _: &PracticeResult) {}
    fn merge(&self, (): (), (): ()) {}
}

/// The savings table as a [`Fold`].
#[derive(Clone, Copy, Debug)]
pub struct SavingsFold<'a> {
    plan: &'a Plan<'a>,
    scenario: &'a Scenario,
}

impl<'a> SavingsFold<'a> {
    /// The savings of this plan's run.
    #[must_use]
    pub fn new(plan: &'a Plan<'a>, scenario: &'a Scenario) -> SavingsFold<'a> {
        SavingsFold { plan, scenario }
    }

    /// The savings table from the sum of every practice.
    #[must_use]
    pub fn finish(&self, tally: Tally) -> Vec<Savings> {
        tally.finish(self.plan.targets(), self.plan.pools(), self.scenario)
    }
}

impl Fold for SavingsFold<'_> {
    type Sum = Tally;
    fn empty(&self) -> Tally {
        Tally::new(self.plan.targets(), self.scenario)
    }
    fn add(&self, tally: &mut Tally, p: &Practice, r: &PracticeResult) {
        tally.add(p, r);
    }
    fn merge(&self, tally: Tally, next: Tally) -> Tally {
        tally.merged(next)
    }
}

/// Works out every practice of a plan and sums the results with `fold`, a
/// part of 1,024 practices at a time. The error, if any, is the first in
/// the file.
pub fn fold_planned<F: Fold>(
    practices: &[Practice],
    plan: &Plan<'_>,
    spread: Spread,
    fold: &F,
) -> Result<F::Sum, CalcError> {
    const PART: usize = crate::calc::CHUNK;
    let part = |(n, chunk): (usize, &[Practice])| {
        let mut sum = fold.empty();
        for (i, p) in chunk.iter().enumerate() {
            fold.add(&mut sum, p, &plan.result(n * PART + i, p)?);
        }
        Ok::<F::Sum, CalcError>(sum)
    };
    let parts: Vec<Result<F::Sum, CalcError>> = match spread {
        Spread::Threads => practices.par_chunks(PART).enumerate().map(part).collect(),
        Spread::Calling => practices.chunks(PART).enumerate().map(part).collect(),
    };
    let all = |sum, part: Result<F::Sum, CalcError>| Ok(fold.merge(sum, part?));
    parts.into_iter().try_fold(fold.empty(), all)
}

/// The savings added up one practice at a time, in one pass: running
/// totals per group target (when `by = "group"`) and for everyone.
#[derive(Clone, Debug)]
pub struct Tally {
    /// Each group's totals, by the group's name (empty without groups).
    groups: HashMap<String, Totals>,
    /// Everyone's.
    all: Totals,
}

impl Tally {
    /// An empty tally for these targets (one per group when `by = "group"`).
    #[must_use]
    pub fn new(targets: &[Target], scenario: &Scenario) -> Tally {
        let years = scenario.years();
        let groups = if scenario.by() == Scope::Group {
            targets
                .iter()
                .filter_map(|t| t.group.clone())
                .map(|g| (g, Totals::new(years)))
                .collect()
        } else {
            HashMap::new()
        };
        Tally {
            groups,
            all: Totals::new(years),
        }
    }

    /// Counts one practice and its result.
    pub fn add(&mut self, p: &Practice, r: &PracticeResult) {
        if let Some(t) = self.groups.get_mut(p.group.as_str()) {
            t.add(p, r);
        }
        self.all.add(p, r);
    }

    /// Two tallies of different practices, added up.
    #[must_use]
    pub fn merged(mut self, other: Tally) -> Tally {
        for (group, totals) in other.groups {
            if let Some(mine) = self.groups.get_mut(&group) {
                mine.merge(totals);
            }
        }
        self.all.merge(other.all);
        self
    }

    /// The savings: each group's in target order, then everyone's.
    #[must_use]
    pub fn finish(
        mut self,
        targets: &[Target],
        pools: &[Pool],
        scenario: &Scenario,
    ) -> Vec<Savings> {
        let rate = |group: Option<&str>, k: usize| reinvest_rate(pools, group, k);
        let mut out = Vec::new();
        if scenario.by() == Scope::Group {
            for target in targets {
                let group = target.group.as_deref();
                let totals = group
                    .and_then(|g| self.groups.remove(g))
                    .unwrap_or_else(|| Totals::new(scenario.years()));
                let s = totals.savings(target.group.clone(), Some(target.clone()), scenario);
                out.push(s.with_rates(&|k| rate(group, k), scenario));
            }
            let s = self.all.savings(None, None, scenario);
            out.push(s.with_rates(&|k| rate(None, k), scenario));
        } else {
            let s = self.all.savings(None, targets.first().cloned(), scenario);
            out.push(s.with_rates(&|k| rate(None, k), scenario));
        }
        out
    }
}

/// One savings scope per group, in code order, whatever `by` is: the
/// workbook's By group sheet when reinvestment is by group and the target
/// is not. A group has its own target only when targets are by group.
#[must_use]
pub fn savings_by_group(
    practices: &[Practice],
    rebasing: &Rebasing,
    scenario: &Scenario,
) -> Vec<Savings> {
    let mut groups: std::collections::BTreeMap<&str, Totals> = std::collections::BTreeMap::new();
    for (p, r) in practices.iter().zip(&rebasing.practices) {
        let totals = groups.entry(p.group.as_str());
        totals
            .or_insert_with(|| Totals::new(scenario.years()))
            .add(p, r);
    }
    groups
        .into_iter()
        .map(|(group, totals)| {
            let target = rebasing
                .targets
                .iter()
                .find(|t| t.group.as_deref() == Some(group));
            let rate = |k| reinvest_rate(&rebasing.pools, Some(group), k);
            let s = totals.savings(Some(group.to_owned()), target.cloned(), scenario);
            s.with_rates(&rate, scenario)
        })
        .collect()
}

/// Year `k`'s reinvestment rate shown for a savings scope: the pools of
/// the reinvestment scopes it covers over their recipients' list (SPEC
/// §8.3: for reading only). A by-group row of a run that reinvests over
/// everyone shows everyone's rate.
fn reinvest_rate(pools: &[Pool], group: Option<&str>, k: usize) -> Option<Money> {
    let covered = pools
        .iter()
        .filter(|p| group.is_none() || p.group.is_none() || p.group.as_deref() == group);
    let (pool, list) = covered.fold((Decimal::ZERO, Decimal::ZERO), |(m, l), p| {
        (m + p.pool(k).value(), l + p.list)
    });
    // Rounding point: a price shown is round(money / list) (SPEC §1 point 3).
    (!list.is_zero()).then(|| round_penny(pool / list))
}

/// One year's sums over a scope.
#[derive(Clone, Copy, Debug, Default)]
struct YearTotals {
    core: Money,
    without_review: Money,
    reinvested: Money,
}

/// The running sums of one scope. Every figure is a sum of the rounded
/// per-practice figures (exact: order does not matter).
#[derive(Clone, Debug, Default)]
struct Totals {
    practices: usize,
    rebased: usize,
    losing: usize,
    gaining: usize,
    unchanged: usize,
    excluded: usize,
    /// The list the re-based practices' prices are per (SPEC §8.4).
    rebased_list: Decimal,
    /// The re-based practices' core now, corrected and re-based cores (for
    /// the average prices).
    rebased_now: Money,
    rebased_corrected: Money,
    rebased_rebased: Money,
    list_change_registrations: Decimal,
    core_now: Money,
    list_effect: Money,
    price_effect: Money,
    core_rebased: Money,
    premium: Money,
    premium_withdrawn: Money,
    years: Vec<YearTotals>,
}

impl Totals {
    fn new(years: usize) -> Totals {
        Totals {
            years: vec![YearTotals::default(); years],
            ..Totals::default()
        }
    }

    fn add(&mut self, p: &Practice, r: &PracticeResult) {
        self.practices += 1;
        self.excluded += usize::from(r.is_excluded());
        self.core_now += r.core_now;
        self.list_effect += r.list_effect;
        self.price_effect += r.price_effect;
        self.core_rebased += r.core_rebased;
        self.premium += r.premium_total;
        for (k, y) in self.years.iter_mut().enumerate() {
            y.core += r.years.get(k).copied().unwrap_or(r.core_rebased);
            y.without_review += r.without_review(k);
            y.reinvested += r.reinvestment.get(k).copied().unwrap_or(Money::ZERO);
        }
        if r.is_rebased() {
            self.add_rebased(p, r);
        }
    }

    fn merge(&mut self, o: Totals) {
        self.practices += o.practices;
        self.rebased += o.rebased;
        self.losing += o.losing;
        self.gaining += o.gaining;
        self.unchanged += o.unchanged;
        self.excluded += o.excluded;
        self.rebased_list += o.rebased_list;
        self.rebased_now += o.rebased_now;
        self.rebased_corrected += o.rebased_corrected;
        self.rebased_rebased += o.rebased_rebased;
        self.list_change_registrations += o.list_change_registrations;
        self.core_now += o.core_now;
        self.list_effect += o.list_effect;
        self.price_effect += o.price_effect;
        self.core_rebased += o.core_rebased;
        self.premium += o.premium;
        self.premium_withdrawn += o.premium_withdrawn;
        for (a, b) in self.years.iter_mut().zip(o.years) {
            a.core += b.core;
            a.without_review += b.without_review;
            a.reinvested += b.reinvested;
        }
    }

    fn add_rebased(&mut self, p: &Practice, r: &PracticeResult) {
        self.rebased += 1;
        self.losing += usize::from(r.change.is_negative());
        self.gaining += usize::from(r.change.is_positive());
        self.unchanged += usize::from(r.change.is_zero());
        // Prices are per the list SPEC §8.4 chose (re-based practices always have one).
        self.rebased_list += r.price_list.unwrap_or(r.list.list_used);
        self.rebased_now += r.core_now;
        self.rebased_corrected += r.corrected_core;
        self.rebased_rebased += r.core_rebased;
        if r.list_corrected {
            if let Some(f) = p.list_funded {
                self.list_change_registrations += f - r.list.list_used;
            }
        }
        self.premium_withdrawn += (r.corrected_core + r.uplift_last() - r.core_rebased).max_zero();
    }

    /// The scope's savings, without the reinvestment rates and the goal.
    fn savings(
        self,
        group: Option<String>,
        target: Option<Target>,
        scenario: &Scenario,
    ) -> Savings {
        // Rounding point: a price shown is round(money / list) (SPEC §1 point 3).
        let list = self.rebased_list;
        let average = |total: Money| (!list.is_zero()).then(|| round_penny(total.value() / list));
        let reinvests = scenario.reinvest().is_some();
        let premium = self.premium;
        let years = self
            .years
            .iter()
            .enumerate()
            .map(|(k, y)| {
                let saving = y.without_review - y.core;
                YearSaving {
                    year: k + 1,
                    core: y.core,
                    saving,
                    premium,
                    reinvested: reinvests.then_some(y.reinvested),
                    reinvest_rate: None,
                    net_saving: saving - premium - y.reinvested,
                    without_review: scenario
                        .financial_years()
                        .is_some()
                        .then_some(y.without_review),
                }
            })
            .collect();
        Savings {
            group,
            target,
            practices: self.practices,
            practices_rebased: self.rebased,
            practices_losing: self.losing,
            practices_gaining: self.gaining,
            practices_unchanged: self.unchanged,
            practices_excluded: self.excluded,
            average_price_now: average(self.rebased_now),
            average_price_corrected: average(self.rebased_corrected),
            average_price_rebased: average(self.rebased_rebased),
            list_change_registrations: self.list_change_registrations,
            core_now: self.core_now,
            list_effect: self.list_effect,
            price_effect: self.price_effect,
            core_rebased: self.core_rebased,
            premium_withdrawn: (scenario.price().method == PriceMethod::GmsEquivalent)
                .then_some(self.premium_withdrawn),
            years,
            goal: None,
            per: scenario.price().per,
        }
    }
}

impl Savings {
    /// Adds each year's reinvestment rate and, for everyone's savings, the goal.
    fn with_rates(mut self, rate: &dyn Fn(usize) -> Option<Money>, scenario: &Scenario) -> Savings {
        if scenario.reinvest().is_some() {
            for (k, y) in self.years.iter_mut().enumerate() {
                y.reinvest_rate = rate(k);
            }
        }
        if self.group.is_none() {
            self.goal = goal(&self.years, scenario);
        }
        self
    }
}

/// Whether the required saving is met (everyone's savings only).
fn goal(years: &[YearSaving], scenario: &Scenario) -> Option<GoalResult> {
    let g = scenario.goal()?;
    let year = scenario.goal_year()?;
    let y = years.get(year.checked_sub(1)?)?;
    let achieved = match g.basis {
        Basis::Gross => y.saving,
        Basis::Net => y.net_saving,
    };
    Some(GoalResult {
        required: g.saving,
        year,
        basis: g.basis,
        achieved,
        met: achieved >= g.saving,
    })
}

/// The savings as `(measure, value)` pairs in a stable order (CSV, xlsx).
#[must_use]
pub fn measures(s: &Savings) -> Vec<(String, Cell<'static>)> {
    let text = |t: &str| Cell::from(t.to_owned());
    let mut rows = vec![
        (
            "target_method".to_owned(),
            s.target.as_ref().map_or(Cell::Blank, |t| text(t.method)),
        ),
        (
            "target_price".to_owned(),
            s.target.as_ref().and_then(|t| t.price).into(),
        ),
    ];
    if let Some(paid) = s.target.as_ref().and_then(|t| t.paid) {
        // SPEC §9.3: the price actually paid when the floor is above the target.
        rows.push(("price_paid".to_owned(), paid.into()));
    }
    rows.extend([
        ("practices".to_owned(), Cell::Count(s.practices)),
        (
            "practices_rebased".to_owned(),
            Cell::Count(s.practices_rebased),
        ),
        (
            "practices_losing".to_owned(),
            Cell::Count(s.practices_losing),
        ),
        (
            "practices_gaining".to_owned(),
            Cell::Count(s.practices_gaining),
        ),
        (
            "practices_unchanged".to_owned(),
            Cell::Count(s.practices_unchanged),
        ),
        (
            "practices_excluded".to_owned(),
            Cell::Count(s.practices_excluded),
        ),
        ("average_price_now".to_owned(), s.average_price_now.into()),
        (
            "average_price_corrected".to_owned(),
            s.average_price_corrected.into(),
        ),
        (
            "average_price_rebased".to_owned(),
            s.average_price_rebased.into(),
        ),
        (
            "list_change_registrations".to_owned(),
            Cell::Number(s.list_change_registrations),
        ),
        ("core_now".to_owned(), s.core_now.into()),
        ("list_effect".to_owned(), s.list_effect.into()),
        ("price_effect".to_owned(), s.price_effect.into()),
        ("core_rebased".to_owned(), s.core_rebased.into()),
    ]);
    if let Some(withdrawn) = s.premium_withdrawn {
        rows.push(("premium_withdrawn".to_owned(), withdrawn.into()));
    }
    for y in &s.years {
        let k = y.year;
        rows.push((format!("year_{k}_core"), y.core.into()));
        rows.push((format!("year_{k}_saving"), y.saving.into()));
        rows.push((format!("year_{k}_premium"), y.premium.into()));
        if let Some(reinvested) = y.reinvested {
            rows.push((format!("year_{k}_reinvested"), reinvested.into()));
            rows.push((format!("year_{k}_reinvest_rate"), y.reinvest_rate.into()));
        }
        rows.push((format!("year_{k}_net_saving"), y.net_saving.into()));
        if let Some(without) = y.without_review {
            rows.push((format!("year_{k}_without_review"), without.into()));
        }
    }
    if let Some(g) = &s.goal {
        rows.push(("goal_saving".to_owned(), g.required.into()));
        rows.push(("goal_year".to_owned(), Cell::Count(g.year)));
        rows.push((
            "goal_basis".to_owned(),
            text(if g.basis == Basis::Gross {
                "gross"
            } else {
                "net"
            }),
        ));
        rows.push(("goal_achieved".to_owned(), g.achieved.into()));
        rows.push((
            "goal_met".to_owned(),
            text(if g.met { "true" } else { "false" }),
        ));
    }
    rows
}

/// The savings as a report: `scope, measure, value` (scope `all` or the group).
#[must_use]
pub fn savings_report(savings: &[Savings]) -> Report {
    let columns = vec![
        Column::new("scope", Kind::Text),
        Column::new("measure", Kind::Text),
        Column::new("value", Kind::Mixed),
    ];
    let rows = savings
        .iter()
        .flat_map(|s| {
            let scope = s.group.clone().unwrap_or_else(|| "all".to_owned());
            measures(s)
                .into_iter()
                .map(move |(m, v)| vec![Cell::from(scope.clone()), Cell::from(m), v])
        })
        .collect();
    Report { columns, rows }
}
