//! The savings table (SPEC §5): counts, the decomposition of the change into
//! list effect and price effect, and each year's core paid, saving, premium
//! reinvested and net saving. Every total is a sum of the rounded
//! per-practice figures, so the table adds up to the per-practice rows.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{Pool, PracticeResult, Rebasing, Target};
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
    let rate = |group: Option<&str>, k: usize| reinvest_rate(&rebasing.pools, group, k);
    let pairs: Vec<(&Practice, &PracticeResult)> =
        practices.iter().zip(&rebasing.practices).collect();
    let mut out = Vec::new();
    if scenario.by == Scope::Group {
        // One pass to sort practices into their groups, not one per group.
        let mut by_group: std::collections::HashMap<&str, Vec<(&Practice, &PracticeResult)>> =
            std::collections::HashMap::new();
        for pair in &pairs {
            by_group
                .entry(pair.0.group.as_str())
                .or_default()
                .push(*pair);
        }
        for target in &rebasing.targets {
            let members = target
                .group
                .as_deref()
                .and_then(|g| by_group.get(g))
                .map_or(&[][..], Vec::as_slice);
            let group = target.group.as_deref();
            out.push(scope(
                target.group.clone(),
                Some(target.clone()),
                members,
                scenario,
                &|k| rate(group, k),
            ));
        }
        out.push(scope(None, None, &pairs, scenario, &|k| rate(None, k)));
    } else {
        out.push(scope(
            None,
            rebasing.targets.first().cloned(),
            &pairs,
            scenario,
            &|k| rate(None, k),
        ));
    }
    out
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
    let mut groups: std::collections::BTreeMap<&str, Vec<(&Practice, &PracticeResult)>> =
        std::collections::BTreeMap::new();
    for pair in practices.iter().zip(&rebasing.practices) {
        groups.entry(pair.0.group.as_str()).or_default().push(pair);
    }
    groups
        .into_iter()
        .map(|(group, members)| {
            let target = rebasing
                .targets
                .iter()
                .find(|t| t.group.as_deref() == Some(group));
            let rate = |k| reinvest_rate(&rebasing.pools, Some(group), k);
            scope(
                Some(group.to_owned()),
                target.cloned(),
                &members,
                scenario,
                &rate,
            )
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

/// The savings of one scope: `with_goal` for the total (`group` is `None`).
fn scope(
    group: Option<String>,
    target: Option<Target>,
    members: &[(&Practice, &PracticeResult)],
    scenario: &Scenario,
    rate: &dyn Fn(usize) -> Option<Money>,
) -> Savings {
    let with_goal = group.is_none();
    let rebased: Vec<&(&Practice, &PracticeResult)> =
        members.iter().filter(|(_, r)| r.is_rebased()).collect();
    let sum =
        |f: &dyn Fn(&PracticeResult) -> Money| -> Money { members.iter().map(|(_, r)| f(r)).sum() };
    // Prices are per the list SPEC §8.4 chose (re-based practices always have one).
    let rebased_list: Decimal = rebased
        .iter()
        .map(|(_, r)| r.price_list.unwrap_or(r.list.list_used))
        .sum();
    // Rounding point: a price shown is round(money / list) (SPEC §1 point 3).
    let average = |f: &dyn Fn(&PracticeResult) -> Money| -> Option<Money> {
        let total: Money = rebased.iter().map(|(_, r)| f(r)).sum();
        (!rebased_list.is_zero()).then(|| round_penny(total.value() / rebased_list))
    };
    let core_now = sum(&|r| r.core_now);
    let premium = sum(&|r| r.premium_total);
    let reinvests = scenario.reinvest.is_some();
    let years: Vec<YearSaving> = (0..scenario.years())
        .map(|k| {
            let core = sum(&|r| r.years.get(k).copied().unwrap_or(r.core_rebased));
            let without_review = sum(&|r| r.without_review(k));
            let saving = without_review - core;
            let reinvested = sum(&|r| r.reinvestment.get(k).copied().unwrap_or(Money::ZERO));
            YearSaving {
                year: k + 1,
                core,
                saving,
                premium,
                reinvested: reinvests.then_some(reinvested),
                reinvest_rate: if reinvests { rate(k) } else { None },
                net_saving: saving - premium - reinvested,
                without_review: scenario.years.is_some().then_some(without_review),
            }
        })
        .collect();
    let goal = scenario.goal.as_ref().filter(|_| with_goal).and_then(|g| {
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
    });
    Savings {
        group,
        target,
        practices: members.len(),
        practices_rebased: rebased.len(),
        practices_losing: rebased
            .iter()
            .filter(|(_, r)| r.change.is_negative())
            .count(),
        practices_gaining: rebased
            .iter()
            .filter(|(_, r)| r.change.is_positive())
            .count(),
        practices_unchanged: rebased.iter().filter(|(_, r)| r.change.is_zero()).count(),
        practices_excluded: members.iter().filter(|(_, r)| r.is_excluded()).count(),
        average_price_now: average(&|r| r.core_now),
        average_price_corrected: average(&|r| r.corrected_core),
        average_price_rebased: average(&|r| r.core_rebased),
        list_change_registrations: rebased
            .iter()
            .filter(|(_, r)| r.list_corrected)
            .filter_map(|(p, r)| p.list_funded.map(|f| f - r.list.list_used))
            .sum(),
        core_now,
        list_effect: sum(&|r| r.list_effect),
        price_effect: sum(&|r| r.price_effect),
        core_rebased: sum(&|r| r.core_rebased),
        premium_withdrawn: (scenario.price.method == PriceMethod::GmsEquivalent).then(|| {
            rebased
                .iter()
                .map(|(_, r)| (r.corrected_core + r.uplift_last() - r.core_rebased).max_zero())
                .sum()
        }),
        years,
        goal,
        per: scenario.price.per,
    }
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
