//! The By group sheet: a row per group (its target, practices, core now,
//! each year's saving, premium services, reinvestment and net saving) as an
//! Excel table whose total row adds the groups up. Each group's figures
//! are its savings scope's, sums of the rounded per-practice figures, so
//! the total row equals the Summary's (the tests hold it to that).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::Formats;
use super::tables::{print_wide, write_table};
use crate::report::savings::{Savings, YearSaving};
use crate::report::{Cell, Column, Kind, Report, Role};

/// Writes one row per group of `savings` (the scopes with a group).
pub(super) fn write(
    ws: &mut Worksheet,
    savings: &[Savings],
    formats: &mut Formats,
) -> Result<(), XlsxError> {
    let report = groups_report(savings);
    write_table(ws, &report, "Groups", formats)?;
    print_wide(ws)
}

/// A column of the sheet: its heading, what it holds, whether the total row
/// adds it, and its cell for one group.
struct GroupColumn {
    name: String,
    kind: Kind,
    total: bool,
    cell: Box<dyn Fn(&Savings) -> Cell<'static>>,
}

/// The groups as a report.
fn groups_report(savings: &[Savings]) -> Report {
    let groups: Vec<&Savings> = savings.iter().filter(|s| s.group.is_some()).collect();
    let columns = group_columns(groups.first().copied());
    let rows = groups
        .iter()
        .map(|g| columns.iter().map(|c| (c.cell)(g)).collect())
        .collect();
    let columns = columns
        .into_iter()
        .map(|c| Column {
            name: c.name,
            kind: c.kind,
            role: Role {
                total: c.total,
                ..Role::default()
            },
        })
        .collect();
    Report { columns, rows }
}

/// The columns, with a saving per year of `first`'s and, when it
/// reinvests, the last year's reinvestment.
fn group_columns(first: Option<&Savings>) -> Vec<GroupColumn> {
    let column =
        |name: &str, kind, total, cell: Box<dyn Fn(&Savings) -> Cell<'static>>| GroupColumn {
            name: name.to_owned(),
            kind,
            total,
            cell,
        };
    let years = first.map_or(0, |s| s.years.len());
    let last = move |s: &Savings, f: fn(&YearSaving) -> Option<crate::money::Money>| {
        Cell::from(s.years.last().and_then(f))
    };
    let mut columns = vec![
        column(
            "Group",
            Kind::Text,
            false,
            Box::new(|s| {
                Cell::from(
                    s.group
                        .clone()
                        .filter(|g| !g.is_empty())
                        .unwrap_or_else(|| "(none)".to_owned()),
                )
            }),
        ),
        column(
            "Target price",
            Kind::Money,
            false,
            Box::new(|s| Cell::from(s.target.as_ref().and_then(|t| t.price))),
        ),
        column(
            "Practices",
            Kind::Count,
            true,
            Box::new(|s| Cell::Count(s.practices)),
        ),
        column(
            "Re-based",
            Kind::Count,
            true,
            Box::new(|s| Cell::Count(s.practices_rebased)),
        ),
        column(
            "Losing",
            Kind::Count,
            true,
            Box::new(|s| Cell::Count(s.practices_losing)),
        ),
        column(
            "Gaining",
            Kind::Count,
            true,
            Box::new(|s| Cell::Count(s.practices_gaining)),
        ),
        column(
            "Core now",
            Kind::Money,
            true,
            Box::new(|s| s.core_now.into()),
        ),
    ];
    for k in 0..years {
        columns.push(column(
            &format!("Year {} saving", k + 1),
            Kind::Money,
            true,
            Box::new(move |s| Cell::from(s.years.get(k).map(|y| y.saving))),
        ));
    }
    columns.push(column(
        "Premium services",
        Kind::Money,
        true,
        Box::new(move |s| last(s, |y| Some(y.premium))),
    ));
    if first.is_some_and(|s| s.years.iter().any(|y| y.reinvested.is_some())) {
        let name = format!("Year {years} reinvested");
        columns.push(column(
            &name,
            Kind::Money,
            true,
            Box::new(move |s| last(s, |y| y.reinvested)),
        ));
    }
    let name = format!("Year {years} net saving");
    columns.push(column(
        &name,
        Kind::Money,
        true,
        Box::new(move |s| last(s, |y| Some(y.net_saving))),
    ));
    columns
}
