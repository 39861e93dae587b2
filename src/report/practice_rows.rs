//! The per-practice rows: SPEC §5's CSV columns, in order, from the trace.

use crate::calc::{PracticeResult, Rebasing};
use crate::model::Practice;
use crate::money::round_penny;
use crate::report::{Cell, Column, Kind, Report};

/// The fixed columns before the year columns.
const BEFORE_YEARS: [(&str, Kind); 16] = [
    ("practice_code", Kind::Text),
    ("practice_name", Kind::Text),
    ("contract", Kind::Text),
    ("group", Kind::Text),
    ("list_exeter", Kind::List),
    ("list_practice", Kind::List),
    ("list_used", Kind::List),
    ("list_source", Kind::Text),
    ("core_now", Kind::Money),
    ("price_now", Kind::Money),
    ("list_effect", Kind::Money),
    ("price_effect", Kind::Money),
    ("core_rebased", Kind::Money),
    ("price_rebased", Kind::Money),
    ("change", Kind::Money),
    ("change_pct", Kind::Percent),
];

/// The fixed columns after the year columns.
const AFTER_YEARS: [(&str, Kind); 11] = [
    ("premium", Kind::Money),
    ("superannuation", Kind::Money),
    ("net_change", Kind::Money),
    ("qof", Kind::Money),
    ("enhanced", Kind::Money),
    ("other", Kind::Money),
    ("income_now", Kind::Money),
    ("income_rebased", Kind::Money),
    ("gms_equivalent", Kind::Money),
    ("pms_premium", Kind::Money),
    ("flags", Kind::Text),
];

/// The column list for a run of `years` taper years.
#[must_use]
pub fn columns(years: usize) -> Vec<Column> {
    let mut columns: Vec<Column> = BEFORE_YEARS
        .iter()
        .map(|(n, k)| Column::new(*n, *k))
        .collect();
    columns.extend((1..=years).map(|k| Column::new(format!("year_{k}"), Kind::Money)));
    columns.extend(AFTER_YEARS.iter().map(|(n, k)| Column::new(*n, *k)));
    columns
}

/// The per-practice report, one row per practice in input order.
#[must_use]
pub fn practice_rows(practices: &[Practice], rebasing: &Rebasing, years: usize) -> Report {
    let rows = practices
        .iter()
        .zip(&rebasing.practices)
        .map(|(p, r)| row(p, r))
        .collect();
    Report {
        columns: columns(years),
        rows,
    }
}

/// A price per patient shown: `round(money / list)` (SPEC §1 point 3).
fn price_shown(money: crate::money::Money, r: &PracticeResult) -> Cell {
    if r.list.list_used.is_zero() {
        Cell::Blank
    } else {
        Cell::Money(round_penny(money.value() / r.list.list_used))
    }
}

fn row(p: &Practice, r: &PracticeResult) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Text(p.practice_code.clone()),
        Cell::Text(p.practice_name.clone()),
        Cell::Text(p.contract.to_string()),
        Cell::Text(p.group.clone()),
        Cell::Number(p.list_exeter),
        p.list_practice.map_or(Cell::Blank, Cell::Number),
        Cell::Number(r.list.list_used),
        Cell::Text(r.list.source.as_str().to_owned()),
        r.core_now.into(),
        price_shown(r.core_now, r),
        r.list_effect.into(),
        r.price_effect.into(),
        r.core_rebased.into(),
        price_shown(r.core_rebased, r),
        r.change.into(),
        r.change_pct.into(),
    ];
    cells.extend(r.years.iter().map(|y| Cell::Money(*y)));
    cells.extend([
        r.premium_total.into(),
        r.superannuation.into(),
        r.net_change.last().copied().into(),
        r.qof.into(),
        r.enhanced.into(),
        r.other.into(),
        r.income_now.into(),
        r.income_rebased.into(),
        r.gms.as_ref().map(|g| g.gms_equivalent).into(),
        r.gms.as_ref().and_then(|g| g.pms_premium).into(),
        Cell::Text(r.flags().join(";")),
    ]);
    cells
}
