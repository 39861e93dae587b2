//! `batch`'s comparison table (`comparison.csv`): one row per scenario, in
//! argument order, from each scenario's savings table. A scenario that
//! failed keeps its row, saying why.

use std::fmt::Display;

use crate::report::savings::Savings;
use crate::report::{Cell, Column, Kind, Report};

/// What a scenario that ran contributes to the comparison.
#[derive(Clone, Debug)]
pub struct ScenarioSavings {
    /// The scenario's name.
    pub name: String,
    /// Its savings table, the total last.
    pub savings: Vec<Savings>,
}

/// One row per scenario, in argument order; `stems` name the rows.
pub fn comparison<E: Display>(done: &[Result<ScenarioSavings, E>], stems: &[String]) -> Report {
    let years = done
        .iter()
        .filter_map(|d| d.as_ref().ok())
        .filter_map(|d| d.savings.last().map(|s| s.years.len()))
        .max()
        .unwrap_or(0);
    let columns = columns(years);
    let rows = done
        .iter()
        .zip(stems)
        .map(|(d, stem)| {
            let mut row = vec![Cell::from(stem.clone())];
            match d {
                Err(e) => {
                    row.push(Cell::Blank);
                    row.push(Cell::from(format!("failed: {e}")));
                    row.resize(columns.len(), Cell::Blank);
                }
                Ok(d) => row.extend(cells(d, years)),
            }
            row
        })
        .collect();
    Report { columns, rows }
}

/// The columns, with a saving for each of `years` years.
fn columns(years: usize) -> Vec<Column> {
    let mut columns = vec![
        Column::new("scenario", Kind::Text),
        Column::new("name", Kind::Text),
        Column::new("status", Kind::Text),
        Column::new("target_method", Kind::Text),
        Column::new("target_price", Kind::Money),
        Column::new("practices_rebased", Kind::Count),
        Column::new("practices_losing", Kind::Count),
        Column::new("practices_gaining", Kind::Count),
    ];
    for k in 1..=years {
        columns.push(Column::new(format!("year_{k}_saving"), Kind::Money));
    }
    columns.push(Column::new("premium_reinvested", Kind::Money));
    columns.push(Column::new("net_saving", Kind::Money));
    columns.push(Column::new("goal_met", Kind::Text));
    columns
}

/// A scenario's cells after its stem (none when it has no savings table).
fn cells(d: &ScenarioSavings, years: usize) -> Vec<Cell<'static>> {
    let Some(total) = d.savings.last() else {
        return Vec::new();
    };
    let by_group = d.savings.len() > 1;
    let mut row = vec![Cell::from(d.name.clone()), Cell::from("ok".to_owned())];
    row.push(if by_group {
        Cell::from(
            d.savings
                .first()
                .and_then(|s| s.target.as_ref())
                .map_or("", |t| t.method)
                .to_owned()
                + " by group",
        )
    } else {
        total
            .target
            .as_ref()
            .map_or(Cell::Blank, |t| Cell::from(t.method.to_owned()))
    });
    row.push(if by_group {
        Cell::Blank
    } else {
        total.target.as_ref().and_then(|t| t.price).into()
    });
    row.push(Cell::Count(total.practices_rebased));
    row.push(Cell::Count(total.practices_losing));
    row.push(Cell::Count(total.practices_gaining));
    for k in 0..years {
        row.push(total.years.get(k).map(|y| y.saving).into());
    }
    let last = total.years.last();
    row.push(last.map(|y| y.premium).into());
    row.push(last.map(|y| y.net_saving).into());
    row.push(
        total
            .goal
            .as_ref()
            .map_or(Cell::Blank, |g| Cell::from(g.met.to_string())),
    );
    row
}
