//! The per-practice rows: SPEC §5's CSV columns, in order, from the trace.
//!
//! [`COLUMNS`] is the one place a per-practice column is defined: its
//! stable name, what it holds, what it is for in the terminal table and how
//! its cell is read from the practice and its result. The CSV and JSON
//! writers stream rows through a [`Layout`]; the terminal table, xlsx and
//! `check` read the [`Report`] built from the same layout. Adding a column
//! is one more entry in [`COLUMNS`].

use std::borrow::Cow;

use crate::calc::{PracticeResult, Rebasing};
use crate::model::Practice;
use crate::money::{Money, round_penny};
use crate::report::{Cell, Column, Kind, Narrow, Report, Role};

/// Reads one cell of a practice's row: the practice, its result and, for a
/// year column, the year's index (0 for `year_1`; ignored elsewhere).
pub type Accessor = for<'a> fn(&'a Practice, &'a PracticeResult, usize) -> Cell<'a>;

/// How many times a column appears in a run's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Once, always.
    Once,
    /// Once per taper year, named `{name}_{k}` for year `k` from 1.
    EachYear,
    /// Once when the scenario reinvests (SPEC §8.3), else not at all.
    WhenReinvesting,
}

/// The definition of a per-practice column.
#[derive(Clone, Copy, Debug)]
pub struct PracticeColumn {
    /// Stable name (CSV header, JSON key); the prefix of a year column.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// What it is for in the terminal table.
    pub role: Role,
    /// How often it appears.
    pub repeat: Repeat,
    /// Its cell.
    pub cell: Accessor,
}

/// The column that identifies a practice (`check` matches rows by it).
pub const KEY: &str = "practice_code";

/// A column that appears once, with the default role.
const fn once(name: &'static str, kind: Kind, cell: Accessor) -> PracticeColumn {
    PracticeColumn {
        name,
        kind,
        role: Role {
            narrow: None,
            total: false,
            wraps: false,
        },
        repeat: Repeat::Once,
        cell,
    }
}

/// Money, summed in the table's totals.
const fn money(name: &'static str, cell: Accessor) -> PracticeColumn {
    let mut column = once(name, Kind::Money, cell);
    column.role.total = true;
    column
}

/// The column shown in the default terminal table with `label` (the same
/// per weighted patient), given room in `rank` order.
const fn narrow(column: PracticeColumn, rank: u8, label: &'static str) -> PracticeColumn {
    narrow_priced(column, rank, label, label)
}

/// As [`narrow`], with the label used when prices are per weighted patient.
const fn narrow_priced(
    mut column: PracticeColumn,
    rank: u8,
    label: &'static str,
    weighted: &'static str,
) -> PracticeColumn {
    column.role.narrow = Some(Narrow {
        rank,
        label,
        weighted,
    });
    column
}

/// Free text the terminal table may wrap.
const fn wraps(mut column: PracticeColumn) -> PracticeColumn {
    column.role.wraps = true;
    column
}

/// Every per-practice column, in SPEC §5's order (SPEC §8.3's
/// `reinvestment` after `premium`). The first seven narrow columns fit 80
/// terminal columns.
pub const COLUMNS: [PracticeColumn; 29] = [
    narrow(
        once(KEY, Kind::Text, |p, _, _| text(&p.practice_code)),
        0,
        "practice",
    ),
    wraps(once("practice_name", Kind::Text, |p, _, _| {
        text(&p.practice_name)
    })),
    narrow(
        once("contract", Kind::Text, |p, _, _| text(p.contract.as_str())),
        1,
        "type",
    ),
    once("group", Kind::Text, |p, _, _| text(&p.group)),
    once("list_exeter", Kind::List, |p, _, _| {
        Cell::Number(p.list_exeter)
    }),
    once("list_practice", Kind::List, |p, _, _| {
        p.list_practice.map_or(Cell::Blank, Cell::Number)
    }),
    narrow(
        once("list_used", Kind::List, |_, r, _| {
            Cell::Number(r.list.list_used)
        }),
        7,
        "list",
    ),
    once("list_source", Kind::Text, |_, r, _| {
        text(r.list.source.as_str())
    }),
    narrow(
        money("core_now", |_, r, _| r.core_now.into()),
        8,
        "core now",
    ),
    narrow_priced(
        once("price_now", Kind::Money, |_, r, _| {
            price_shown(r.core_now, r)
        }),
        2,
        "£/pt now",
        "£/wpt now",
    ),
    money("list_effect", |_, r, _| r.list_effect.into()),
    money("price_effect", |_, r, _| r.price_effect.into()),
    narrow(
        money("core_rebased", |_, r, _| r.core_rebased.into()),
        9,
        "core re-based",
    ),
    narrow_priced(
        once("price_rebased", Kind::Money, |_, r, _| {
            price_shown(r.core_rebased, r)
        }),
        3,
        "£/pt after",
        "£/wpt after",
    ),
    narrow(money("change", |_, r, _| r.change.into()), 4, "change"),
    narrow(
        once("change_pct", Kind::Percent, |_, r, _| r.change_pct.into()),
        5,
        "%",
    ),
    PracticeColumn {
        repeat: Repeat::EachYear,
        ..money("year", |_, r, year| r.years.get(year).copied().into())
    },
    narrow(
        money("premium", |_, r, _| r.premium_total.into()),
        10,
        "premium",
    ),
    PracticeColumn {
        repeat: Repeat::WhenReinvesting,
        ..money("reinvestment", |_, r, _| r.reinvestment_last().into())
    },
    money("superannuation", |_, r, _| r.superannuation.into()),
    money("net_change", |_, r, _| r.net_change.last().copied().into()),
    money("qof", |_, r, _| r.qof.into()),
    money("enhanced", |_, r, _| r.enhanced.into()),
    money("other", |_, r, _| r.other.into()),
    money("income_now", |_, r, _| r.income_now.into()),
    money("income_rebased", |_, r, _| r.income_rebased.into()),
    money("gms_equivalent", |_, r, _| {
        r.gms.as_ref().map(|g| g.gms_equivalent).into()
    }),
    money("pms_premium", |_, r, _| {
        r.gms.as_ref().and_then(|g| g.pms_premium).into()
    }),
    narrow(
        wraps(once("flags", Kind::Flags, |_, r, _| Cell::Flags(r))),
        6,
        "flags",
    ),
];

/// Borrowed text.
fn text(t: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(t))
}

/// A price per patient shown: `round(money / list)` (SPEC §1 point 3), over
/// the list prices are per (SPEC §8.4); blank without one.
fn price_shown<'a>(money: Money, r: &PracticeResult) -> Cell<'a> {
    match r.price_list {
        Some(list) => Cell::Money(round_penny(money.value() / list)),
        None => Cell::Blank,
    }
}

/// One column of a run's rows: its cell's accessor (copied out of its
/// definition, one load less per cell) and, for a year column, the year's
/// index.
#[derive(Clone, Copy, Debug)]
struct Placed {
    cell: Accessor,
    year: usize,
}

/// The columns of one run (its taper years, its `reinvestment` column or
/// not), expanded from [`COLUMNS`].
#[derive(Clone, Debug)]
pub struct Layout {
    placed: Vec<Placed>,
    columns: Vec<Column>,
}

impl Layout {
    /// The layout for `years` taper years, with the `reinvestment` column
    /// when the scenario reinvests.
    #[must_use]
    pub fn new(years: usize, reinvest: bool) -> Layout {
        let mut placed = Vec::with_capacity(COLUMNS.len() + years);
        let mut columns = Vec::with_capacity(COLUMNS.len() + years);
        for column in &COLUMNS {
            let mut place = |name: String, year: usize| {
                placed.push(Placed {
                    cell: column.cell,
                    year,
                });
                columns.push(Column {
                    name,
                    kind: column.kind,
                    role: column.role,
                });
            };
            match column.repeat {
                Repeat::Once => place(column.name.to_owned(), 0),
                Repeat::EachYear => {
                    for year in 0..years {
                        place(format!("{}_{}", column.name, year + 1), year);
                    }
                }
                Repeat::WhenReinvesting if reinvest => place(column.name.to_owned(), 0),
                Repeat::WhenReinvesting => {}
            }
        }
        Layout { placed, columns }
    }

    /// The layout of a run's rows.
    #[must_use]
    pub fn of(rebasing: &Rebasing, years: usize) -> Layout {
        Layout::new(years, rebasing.reinvest)
    }

    /// The columns, in order.
    #[must_use]
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The cells of one practice's row, in [`Layout::columns`] order,
    /// borrowed from the practice and its result.
    #[inline]
    pub fn row<'a>(
        &'a self,
        p: &'a Practice,
        r: &'a PracticeResult,
    ) -> impl Iterator<Item = Cell<'a>> + 'a {
        self.placed.iter().map(move |c| (c.cell)(p, r, c.year))
    }
}

/// The column list for a run of `years` taper years, with the
/// `reinvestment` column when the scenario reinvests.
#[must_use]
pub fn columns(years: usize, reinvest: bool) -> Vec<Column> {
    Layout::new(years, reinvest).columns
}

/// The per-practice report, one row per practice in input order.
#[must_use]
pub fn practice_rows(practices: &[Practice], rebasing: &Rebasing, years: usize) -> Report {
    let layout = Layout::of(rebasing, years);
    let rows = practices
        .iter()
        .zip(&rebasing.practices)
        .map(|(p, r)| layout.row(p, r).map(Cell::into_owned).collect())
        .collect();
    Report {
        columns: layout.columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_are_spec_5s_in_order_with_years_and_reinvestment() {
        let names = |years, reinvest| -> Vec<String> {
            columns(years, reinvest)
                .into_iter()
                .map(|c| c.name)
                .collect()
        };
        let spec = "practice_code,practice_name,contract,group,list_exeter,list_practice,\
            list_used,list_source,core_now,price_now,list_effect,price_effect,core_rebased,\
            price_rebased,change,change_pct,year_1,year_2,premium,superannuation,net_change,\
            qof,enhanced,other,income_now,income_rebased,gms_equivalent,pms_premium,flags";
        assert_eq!(names(2, false).join(","), spec);
        let reinvested = names(1, true).join(",");
        assert!(reinvested.contains(",year_1,premium,reinvestment,superannuation,"));
        assert!(!reinvested.contains("year_2"));
    }

    #[test]
    fn every_narrow_column_has_its_own_rank() {
        let mut ranks: Vec<u8> = COLUMNS
            .iter()
            .filter_map(|c| c.role.narrow.map(|n| n.rank))
            .collect();
        ranks.sort_unstable();
        let expected: Vec<u8> = (0..11).collect();
        assert_eq!(ranks, expected);
    }
}
