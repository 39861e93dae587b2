//! Reports built from the calculation's trace: the per-practice rows (the
//! CSV columns of SPEC §5), the savings table and (later) the variation
//! table and the derivation of one practice. Nothing here recomputes a
//! figure the calculation produced; totals are sums of rounded rows.

pub mod check;
pub mod comparison;
pub mod explain;
pub mod practice_rows;
pub mod savings;
pub mod scenario_sheet;
pub mod solve;
pub mod sweep;
pub mod variation;

use rust_decimal::Decimal;

use crate::money::Money;

/// What kind of value a column holds (writers format by it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text: neutralised against formulas in CSV, text in xlsx.
    Text,
    /// Money, two decimals.
    Money,
    /// A list count, at the scale given.
    List,
    /// A percentage written as a number with two decimals (`-16.50`).
    Percent,
    /// A count of things.
    Count,
    /// Each cell says what it is (a key/value table's value column).
    Mixed,
}

/// A column of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Stable name (CSV header, JSON key).
    pub name: String,
    /// What it holds.
    pub kind: Kind,
}

impl Column {
    /// A column.
    pub fn new(name: impl Into<String>, kind: Kind) -> Column {
        Column {
            name: name.into(),
            kind,
        }
    }
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Not applicable: an empty cell.
    Blank,
    /// Text.
    Text(String),
    /// Money (or a percentage with two decimals).
    Money(Money),
    /// A list count or other exact number, written as given.
    Number(Decimal),
    /// A count.
    Count(usize),
}

impl Cell {
    /// The plain text of the cell as CSV writes it (before neutralising).
    #[must_use]
    pub fn plain(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Money(m) => m.to_string(),
            Cell::Number(d) => d.to_string(),
            Cell::Count(n) => n.to_string(),
        }
    }
}

impl From<Money> for Cell {
    fn from(m: Money) -> Cell {
        Cell::Money(m)
    }
}

impl From<Option<Money>> for Cell {
    fn from(m: Option<Money>) -> Cell {
        m.map_or(Cell::Blank, Cell::Money)
    }
}

/// A rectangular report: named columns and rows of cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}
