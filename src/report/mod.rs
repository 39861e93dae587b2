//! Reports built from the calculation's trace: the per-practice rows (the
//! CSV columns of SPEC §5, each defined once in
//! [`practice_rows::COLUMNS`]), the savings table and (later) the variation
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

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::calc::PracticeResult;
use crate::money::Money;
use crate::scenario::Per;

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
    /// A practice's flags, words joined by `;` (text; shortened to letters
    /// in the narrow terminal table).
    Flags,
}

/// What a column is for beyond its value: where the terminal table shows
/// it and whether its totals row adds it up. Most reports' columns have
/// the default role (none of these).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Role {
    /// Shown in the default (narrow) terminal table, with a short label.
    pub narrow: Option<Narrow>,
    /// Summed in the terminal table's totals row.
    pub total: bool,
    /// Free text the terminal table may wrap (other columns keep their width).
    pub wraps: bool,
}

/// A column's place in the default terminal table (SPEC §9.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Narrow {
    /// The order the columns are given room in when the terminal is narrow
    /// (0 first); the table still shows them in the CSV's order.
    pub rank: u8,
    /// The short label.
    pub label: &'static str,
    /// The short label when prices are per weighted patient (SPEC §8.4):
    /// `£/wpt` for `£/pt`.
    pub weighted: &'static str,
}

impl Narrow {
    /// The short label for prices per `per` patient.
    #[must_use]
    pub fn label(self, per: Per) -> &'static str {
        match per {
            Per::Weighted => self.weighted,
            Per::Registered => self.label,
        }
    }
}

/// A column of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Stable name (CSV header, JSON key).
    pub name: String,
    /// What it holds.
    pub kind: Kind,
    /// What it is for in the terminal table.
    pub role: Role,
}

impl Column {
    /// A column with the default role.
    pub fn new(name: impl Into<String>, kind: Kind) -> Column {
        Column {
            name: name.into(),
            kind,
            role: Role::default(),
        }
    }
}

/// One cell: text is borrowed where it can be (a practice row streamed
/// from the calculation's trace allocates nothing per cell) and owned
/// where a report builds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Not applicable: an empty cell.
    Blank,
    /// Text.
    Text(Cow<'a, str>),
    /// Money (or a percentage with two decimals).
    Money(Money),
    /// A list count or other exact number, written as given.
    Number(Decimal),
    /// A count.
    Count(usize),
    /// A practice's flags joined with `;` (text), in SPEC §7's order.
    Flags(&'a PracticeResult),
}

impl Cell<'_> {
    /// The plain text of the cell as CSV writes it (before neutralising).
    #[must_use]
    pub fn plain(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Text(t) => t.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Number(d) => d.to_string(),
            Cell::Count(n) => n.to_string(),
            Cell::Flags(r) => r.flags().join(";"),
        }
    }

    /// The text of the cell as CSV writes it: text neutralised against
    /// formulas, numbers never altered, flags (fixed words) as they are.
    #[must_use]
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(t) => crate::text::neutralise(t).into_owned(),
            other => other.plain(),
        }
    }

    /// The cell owning its text (flags become their text).
    #[must_use]
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Blank => Cell::Blank,
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::Money(m) => Cell::Money(m),
            Cell::Number(d) => Cell::Number(d),
            Cell::Count(n) => Cell::Count(n),
            flags @ Cell::Flags(_) => Cell::Text(Cow::Owned(flags.plain())),
        }
    }
}

impl From<Money> for Cell<'_> {
    fn from(m: Money) -> Self {
        Cell::Money(m)
    }
}

impl From<Option<Money>> for Cell<'_> {
    fn from(m: Option<Money>) -> Self {
        m.map_or(Cell::Blank, Cell::Money)
    }
}

impl From<String> for Cell<'_> {
    fn from(t: String) -> Self {
        Cell::Text(Cow::Owned(t))
    }
}

/// A rectangular report: named columns and rows of cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell<'static>>>,
}
