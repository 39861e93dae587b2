//! The per-practice rows: SPEC §5's CSV columns, in order, from the trace.

use rust_decimal::Decimal;

use crate::calc::{PracticeResult, Rebasing};
use crate::model::Practice;
use crate::money::{Money, round_penny};
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

/// The column SPEC §8.3 adds after `premium` when the scenario reinvests.
const REINVESTMENT: &str = "reinvestment";

/// The column list for a run of `years` taper years, with the
/// `reinvestment` column when the scenario reinvests.
#[must_use]
pub fn columns(years: usize, reinvest: bool) -> Vec<Column> {
    let mut columns: Vec<Column> = BEFORE_YEARS
        .iter()
        .map(|(n, k)| Column::new(*n, *k))
        .collect();
    columns.extend((1..=years).map(|k| Column::new(format!("year_{k}"), Kind::Money)));
    for (n, k) in AFTER_YEARS {
        columns.push(Column::new(n, k));
        if reinvest && n == "premium" {
            columns.push(Column::new(REINVESTMENT, Kind::Money));
        }
    }
    columns
}

/// The per-practice report, one row per practice in input order.
#[must_use]
pub fn practice_rows(practices: &[Practice], rebasing: &Rebasing, years: usize) -> Report {
    let mut cells = Vec::with_capacity(BEFORE_YEARS.len() + years + AFTER_YEARS.len());
    let rows = practices
        .iter()
        .zip(&rebasing.practices)
        .map(|(p, r)| {
            row_cells(p, r, &mut cells);
            cells.iter().map(|c| c.to_cell()).collect()
        })
        .collect();
    Report {
        columns: columns(years, rebasing.reinvest),
        rows,
    }
}

/// One cell of a practice row, borrowed from the practice and its result.
///
/// [`row_cells`] is the one definition of the row; [`practice_rows`] turns
/// it into owned [`Cell`]s, and the CSV writer streams it without building
/// a [`Report`] (no allocation per cell, no copy of the whole table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowCell<'a> {
    /// Not applicable: an empty cell.
    Blank,
    /// Text, as [`Cell::Text`].
    Text(&'a str),
    /// Money, as [`Cell::Money`].
    Money(Money),
    /// A list count, as [`Cell::Number`].
    Number(Decimal),
    /// The flags joined with `;` (text), in SPEC §7's order.
    Flags(&'a PracticeResult),
}

impl RowCell<'_> {
    /// The owned cell.
    #[must_use]
    pub fn to_cell(self) -> Cell {
        match self {
            RowCell::Blank => Cell::Blank,
            RowCell::Text(t) => Cell::Text(t.to_owned()),
            RowCell::Money(m) => Cell::Money(m),
            RowCell::Number(d) => Cell::Number(d),
            RowCell::Flags(r) => Cell::Text(r.flags().join(";")),
        }
    }
}

impl From<Money> for RowCell<'_> {
    fn from(m: Money) -> Self {
        RowCell::Money(m)
    }
}

impl From<Option<Money>> for RowCell<'_> {
    fn from(m: Option<Money>) -> Self {
        m.map_or(RowCell::Blank, RowCell::Money)
    }
}

/// A price per patient shown: `round(money / list)` (SPEC §1 point 3), over
/// the list prices are per (SPEC §8.4); blank without one.
fn price_shown<'a>(money: Money, r: &PracticeResult) -> RowCell<'a> {
    match r.price_list {
        Some(list) => RowCell::Money(round_penny(money.value() / list)),
        None => RowCell::Blank,
    }
}

/// The cells of one practice's row, in [`columns`] order, into `out`
/// (cleared first, so one buffer serves every row).
pub fn row_cells<'a>(p: &'a Practice, r: &'a PracticeResult, out: &mut Vec<RowCell<'a>>) {
    out.clear();
    out.extend([
        RowCell::Text(&p.practice_code),
        RowCell::Text(&p.practice_name),
        RowCell::Text(p.contract.as_str()),
        RowCell::Text(&p.group),
        RowCell::Number(p.list_exeter),
        p.list_practice.map_or(RowCell::Blank, RowCell::Number),
        RowCell::Number(r.list.list_used),
        RowCell::Text(r.list.source.as_str()),
        r.core_now.into(),
        price_shown(r.core_now, r),
        r.list_effect.into(),
        r.price_effect.into(),
        r.core_rebased.into(),
        price_shown(r.core_rebased, r),
        r.change.into(),
        r.change_pct.into(),
    ]);
    out.extend(r.years.iter().map(|y| RowCell::Money(*y)));
    out.push(r.premium_total.into());
    if !r.reinvestment.is_empty() {
        out.push(r.reinvestment_last().into());
    }
    out.extend([
        r.superannuation.into(),
        r.net_change.last().copied().into(),
        r.qof.into(),
        r.enhanced.into(),
        r.other.into(),
        r.income_now.into(),
        r.income_rebased.into(),
        r.gms.as_ref().map(|g| g.gms_equivalent).into(),
        r.gms.as_ref().and_then(|g| g.pms_premium).into(),
        RowCell::Flags(r),
    ]);
}
