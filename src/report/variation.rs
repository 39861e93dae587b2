//! The variation table (SPEC §5): per contract type, and per group with
//! `--by group`, the spread of core price per patient and of total payments
//! per patient, and the PMS premium over GMS. The first question of every
//! PMS review: how far apart are our practices' prices?

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::calc::{PracticeResult, Rebasing};
use crate::model::{ContractType, Practice};
use crate::money::{Money, round_penny};
use crate::report::{Cell, Column, Kind, Report};
use crate::scenario::Per;

/// Price statistics of one set of practices (unrounded inputs, rounded outputs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spread {
    /// List-weighted average: total money / total list.
    pub average: Money,
    /// Mean of the practices' prices.
    pub mean: Money,
    /// Median of the practices' prices.
    pub median: Money,
    /// Lowest price.
    pub min: Money,
    /// Highest price.
    pub max: Money,
}

impl Spread {
    fn of(money: &[(Money, Decimal)]) -> Option<Spread> {
        let total: Money = money.iter().map(|(m, _)| *m).sum();
        let list: Decimal = money.iter().map(|(_, l)| *l).sum();
        if money.is_empty() || list.is_zero() {
            return None;
        }
        let mut prices: Vec<Decimal> = money.iter().map(|(m, l)| m.value() / *l).collect();
        prices.sort_unstable();
        let n = prices.len();
        let median = if n % 2 == 1 {
            prices.get(n / 2).copied()
        } else {
            Some((prices.get(n / 2 - 1)? + prices.get(n / 2)?) / Decimal::TWO)
        }?;
        // Rounding point: a price shown is round(money / list) (SPEC §1 point 3).
        Some(Spread {
            average: round_penny(total.value() / list),
            mean: round_penny(prices.iter().sum::<Decimal>() / Decimal::from(n)),
            median: round_penny(median),
            min: round_penny(*prices.first()?),
            max: round_penny(*prices.last()?),
        })
    }

    /// `max - min` of the rounded figures shown.
    #[must_use]
    pub fn range(&self) -> Money {
        self.max - self.min
    }
}

/// One row: a contract type (or all types) in a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariationRow {
    /// The group, or `None` for every practice.
    pub group: Option<String>,
    /// The contract type, or `None` for all types together.
    pub contract: Option<ContractType>,
    /// Practices in the price statistics.
    pub practices: usize,
    /// Practices left out (excluded: zero list, core <= 0, closed).
    pub excluded: usize,
    /// Their patients (lists used).
    pub patients: Decimal,
    /// Core price per patient.
    pub core: Option<Spread>,
    /// Total payments per patient.
    pub total: Option<Spread>,
    /// PMS or APMS list-weighted core average over GMS's, in percent.
    pub premium_over_gms_pct: Option<Money>,
}

/// Builds the variation rows from a run's trace (for its lists and exclusions).
#[must_use]
pub fn variation(practices: &[Practice], rebasing: &Rebasing, by_group: bool) -> Vec<VariationRow> {
    let pairs: Vec<(&Practice, &PracticeResult)> =
        practices.iter().zip(&rebasing.practices).collect();
    let mut rows = Vec::new();
    if by_group {
        let mut groups: BTreeMap<&str, Vec<(&Practice, &PracticeResult)>> = BTreeMap::new();
        for pair in &pairs {
            groups.entry(pair.0.group.as_str()).or_default().push(*pair);
        }
        for (group, members) in groups {
            rows.extend(scope(Some(group), &members));
        }
    }
    rows.extend(scope(None, &pairs));
    rows
}

fn scope(group: Option<&str>, members: &[(&Practice, &PracticeResult)]) -> Vec<VariationRow> {
    let kinds = [
        Some(ContractType::Gms),
        Some(ContractType::Pms),
        Some(ContractType::Apms),
        None,
    ];
    let mut rows: Vec<VariationRow> = kinds
        .iter()
        .filter_map(|&contract| {
            let of_kind: Vec<_> = members
                .iter()
                .filter(|(p, _)| contract.is_none_or(|c| p.contract == c))
                .collect();
            if of_kind.is_empty() {
                return None;
            }
            let counted: Vec<_> = of_kind.iter().filter(|(_, r)| !r.is_excluded()).collect();
            // Per the list prices are per (SPEC §8.4): registered or weighted patients.
            let list = |r: &PracticeResult| r.price_list.unwrap_or(r.list.list_used);
            let core: Vec<(Money, Decimal)> =
                counted.iter().map(|(_, r)| (r.core_now, list(r))).collect();
            let total: Vec<(Money, Decimal)> = counted
                .iter()
                .map(|(_, r)| (r.income_now, list(r)))
                .collect();
            Some(VariationRow {
                group: group.map(str::to_owned),
                contract,
                practices: counted.len(),
                excluded: of_kind.len() - counted.len(),
                patients: counted.iter().map(|(_, r)| list(r)).sum(),
                core: Spread::of(&core),
                total: Spread::of(&total),
                premium_over_gms_pct: None,
            })
        })
        .collect();
    let gms = rows
        .iter()
        .find(|r| r.contract == Some(ContractType::Gms))
        .and_then(|r| r.core.as_ref().map(|s| s.average));
    for row in &mut rows {
        if matches!(row.contract, Some(ContractType::Pms | ContractType::Apms))
            && let (Some(g), Some(s)) = (gms, &row.core)
            && g.is_positive()
        {
            // From the averages as shown, so a reader can check it: (91.93 / 69.44 - 1) x 100.
            row.premium_over_gms_pct = Some(round_penny(
                (s.average.value() / g.value() - Decimal::ONE) * Decimal::ONE_HUNDRED,
            ));
        }
    }
    rows
}

/// The rows as a report (CSV columns); per weighted patient (SPEC §8.4)
/// the `patients` column is `weighted_patients`.
#[must_use]
pub fn variation_report(rows: &[VariationRow], per: Per) -> Report {
    let mut columns = vec![
        Column::new("group", Kind::Text),
        Column::new("contract", Kind::Text),
        Column::new("practices", Kind::Count),
        Column::new("excluded", Kind::Count),
        Column::new(
            match per {
                Per::Registered => "patients",
                Per::Weighted => "weighted_patients",
            },
            Kind::List,
        ),
    ];
    for prefix in ["core", "total"] {
        for stat in ["average", "mean", "median", "min", "max", "range"] {
            columns.push(Column::new(format!("{prefix}_{stat}"), Kind::Money));
        }
    }
    columns.push(Column::new("premium_over_gms_pct", Kind::Percent));
    let stats = |s: &Option<Spread>| -> Vec<Cell<'static>> {
        match s {
            None => vec![Cell::Blank; 6],
            Some(s) => vec![
                s.average.into(),
                s.mean.into(),
                s.median.into(),
                s.min.into(),
                s.max.into(),
                s.range().into(),
            ],
        }
    };
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::from(r.group.clone().unwrap_or_else(|| "all".to_owned())),
                Cell::from(r.contract.map_or("all".to_owned(), |c| c.to_string())),
                Cell::Count(r.practices),
                Cell::Count(r.excluded),
                Cell::Number(r.patients),
            ];
            cells.extend(stats(&r.core));
            cells.extend(stats(&r.total));
            cells.push(r.premium_over_gms_pct.into());
            cells
        })
        .collect();
    Report { columns, rows }
}

/// A practice flagged `outlier` (SPEC §9.2), listed under the table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OutlierRow {
    /// Its code.
    pub practice_code: String,
    /// Its name.
    pub practice_name: String,
    /// Its contract type.
    pub contract: ContractType,
    /// Its group.
    pub group: String,
    /// Core now over the list prices are per, rounded.
    pub price_now: Option<Money>,
}

/// The practices flagged `outlier`, in input order.
#[must_use]
pub fn outliers(practices: &[Practice], rebasing: &Rebasing) -> Vec<OutlierRow> {
    practices
        .iter()
        .zip(&rebasing.practices)
        .filter(|(_, r)| r.outlier)
        .map(|(p, r)| OutlierRow {
            practice_code: p.practice_code.clone(),
            practice_name: p.practice_name.clone(),
            contract: p.contract,
            group: p.group.clone(),
            // Rounding point: a price shown is round(money / list) (SPEC §1 point 3).
            price_now: r.price_list.map(|l| round_penny(r.core_now.value() / l)),
        })
        .collect()
}
