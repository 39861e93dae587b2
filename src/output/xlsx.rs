//! Excel workbooks (`-f xlsx`, SPEC §5): one worksheet per report, the
//! report's column names as a bold, frozen header row with a filter, and
//! each cell written by what it is.
//!
//! A run's workbook (issue 12) is laid out for people as well as scripts:
//! `summary` (the savings table as the terminal shows it), `tables` (the
//! Practices and By group sheets as Excel tables with a total row),
//! `groups`, `charts` (native charts over the sheets' cells) and `sweep`
//! (the sweep's workbook). Practices stays the first sheet, its header at
//! row 1 with the CSV's column names, so scripts read it as before.
//!
//! - Money is a number in a £ format with negatives in brackets
//!   (`£#,##0.00;(£#,##0.00)`), so a spreadsheet can add it up.
//! - A [`Kind::Percent`] column (`change_pct`, already × 100 in the report)
//!   is divided by 100 and written as a true percentage (`0.00%`): -16.50
//!   is stored as -0.165 and shown as `-16.50%`.
//! - Lists and other exact numbers keep the decimals they were given
//!   (`#,##0` or `#,##0.00`); counts are whole numbers.
//! - Text is always written as a string (`write_string`), never parsed, so a
//!   practice named `=HYPERLINK(..)` stays inert text (SPEC §5).
//!
//! This module is the one place a money figure becomes an `f64`: xlsx stores
//! numbers as IEEE doubles. Every value has at most two decimals here (lists
//! a few more), which a double holds to well past the displayed penny.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::calc::Rebasing;
use crate::model::Practice;
use crate::output::chart::{ChartPoint, chart_points};
use crate::output::table::FLAG_LETTERS;
use crate::report::practice_rows::practice_rows;
use crate::report::savings::{Savings, savings_by_group, savings_report};
use crate::report::scenario_sheet::scenario_report;
use crate::report::{Cell, Kind, Report};
use crate::scenario::{Scenario, Scope};

mod charts;
mod groups;
mod summary;
mod sweep;
mod tables;

pub use sweep::{SAVING_CHART, SWEEP, write_sweep_workbook};

/// One worksheet: its name and its rows.
#[derive(Clone, Copy, Debug)]
pub struct Sheet<'a> {
    /// The tab's name (`Practices`, `Summary`, `Scenario`).
    pub name: &'a str,
    /// What it holds.
    pub report: &'a Report,
}

/// The £ format: thousands separators, pennies, negatives in brackets.
pub const MONEY_FORMAT: &str = "£#,##0.00;(£#,##0.00)";

/// The percentage format of a [`Kind::Percent`] column (stored as a fraction).
pub const PERCENT_FORMAT: &str = "0.00%";

/// Columns are sized to their longest cell, but never wider than this
/// (in Excel's character units) so a long practice name cannot swamp the sheet.
const MAX_WIDTH: usize = 50;

/// Nor narrower than this, so a filter button never hides a short header.
const MIN_WIDTH: usize = 8;

/// Decimals shown for an exact number are capped here (lists rarely have more than 2).
const MAX_DECIMALS: u32 = 6;

/// The sheet of per-practice rows (SPEC §5: the CSV's columns, header at row 1).
pub const PRACTICES: &str = "Practices";
/// The savings laid out for people: settings, years, goal, decomposition, counts.
pub const SUMMARY: &str = "Summary";
/// One row per group (`by = "group"` or reinvestment by group).
pub const BY_GROUP: &str = "By group";
/// Price per patient now and after, sorted, with its chart.
pub const PRICE_CHART: &str = "Price chart";
/// The savings as `scope, measure, value`, as the Summary sheet was before issue 12.
pub const ALL_MEASURES: &str = "Savings (all measures)";
/// Every setting of the scenario as `key, value`.
pub const SCENARIO: &str = "Scenario";

/// The prices drawn across the price chart: the target when there is one
/// for everyone, and the floor when there is one (colours as the SVG's).
fn price_levels(savings: &[Savings], scenario: &Scenario) -> Vec<charts::Level> {
    let target = savings
        .iter()
        .find(|s| s.group.is_none())
        .and_then(|s| s.target.as_ref()?.price);
    let target = target.map(|t| charts::Level {
        name: "target",
        price: t.value(),
        colour: "#595959",
    });
    let floor = scenario.price().floor.map(|f| charts::Level {
        name: "floor",
        price: f.value(),
        colour: "#C43A31",
    });
    target.into_iter().chain(floor).collect()
}

/// Writes a run's workbook (SPEC §5), as `run` and `batch` write it:
/// Practices (an Excel table with a total row), Summary (the savings
/// table as the terminal shows it, with a chart of the savings by year), By
/// group (when the run has groups), Price chart, Savings (all measures) and
/// Scenario. It opens on the Summary; Practices stays the first sheet, so
/// a script reading the first sheet still gets the rows.
pub fn write_run_workbook<W: Write>(
    practices: &[Practice],
    rebasing: &Rebasing,
    savings: &[Savings],
    scenario: &Scenario,
    mut out: W,
) -> io::Result<()> {
    let rows = practice_rows(practices, rebasing, scenario.years());
    let points = chart_points(practices, rebasing);
    // Reinvested by group under one target: the groups are worth a sheet too.
    let by_reinvestment = scenario.by() == Scope::All
        && scenario
            .reinvest()
            .as_ref()
            .is_some_and(|r| r.scope == Scope::Group);
    let groups = if by_reinvestment {
        savings_by_group(practices, rebasing, scenario)
    } else {
        savings
            .iter()
            .filter(|s| s.group.is_some())
            .cloned()
            .collect()
    };
    let run = Run {
        rows: &rows,
        points: &points,
        savings,
        groups: &groups,
        scenario,
    };
    let bytes = run_workbook_bytes(&run).map_err(io::Error::other)?;
    out.write_all(&bytes)?;
    out.flush()
}

/// What a run's workbook is written from.
struct Run<'a> {
    rows: &'a Report,
    points: &'a [ChartPoint],
    savings: &'a [Savings],
    /// One savings scope per group (none without groups to show).
    groups: &'a [Savings],
    scenario: &'a Scenario,
}

fn run_workbook_bytes(run: &Run<'_>) -> Result<Vec<u8>, XlsxError> {
    let Run {
        rows,
        points,
        savings,
        groups,
        scenario,
    } = *run;
    let mut workbook = Workbook::new();
    let mut formats = Formats::new();
    let practices_sheet = new_sheet(&mut workbook, PRACTICES)?;
    tables::write_table(practices_sheet, rows, "PracticeTable", &mut formats)?;
    tables::print_wide(practices_sheet)?;
    let summary = new_sheet(&mut workbook, SUMMARY)?;
    summary::write(summary, savings, scenario, &flag_counts(rows), &mut formats)?;
    summary.set_active(true);
    if !groups.is_empty() {
        groups::write(new_sheet(&mut workbook, BY_GROUP)?, groups, &mut formats)?;
    }
    let prices = new_sheet(&mut workbook, PRICE_CHART)?;
    let levels = price_levels(savings, scenario);
    charts::write_prices(prices, points, scenario, &levels, &formats)?;
    let measures = savings_report(savings);
    write_sheet(
        new_sheet(&mut workbook, ALL_MEASURES)?,
        &measures,
        &mut formats,
    )?;
    write_sheet(
        new_sheet(&mut workbook, SCENARIO)?,
        &scenario_report(scenario),
        &mut formats,
    )?;
    workbook.save_to_buffer()
}

/// A new worksheet at the end of the workbook, named.
fn new_sheet<'w>(workbook: &'w mut Workbook, name: &str) -> Result<&'w mut Worksheet, XlsxError> {
    let ws = workbook.add_worksheet();
    ws.set_name(name)?;
    Ok(ws)
}

/// How many practices carry each flag, in SPEC §9.2's order (the flags
/// column of the practice rows, as the CSV writes it).
fn flag_counts(rows: &Report) -> Vec<(&'static str, usize)> {
    let column = rows.columns.iter().position(|c| c.kind == Kind::Flags);
    let texts: Vec<String> = rows
        .rows
        .iter()
        .filter_map(|r| column.and_then(|c| r.get(c)))
        .map(Cell::plain)
        .collect();
    FLAG_LETTERS
        .iter()
        .map(|(flag, _)| {
            let n = texts
                .iter()
                .filter(|t| t.split(';').any(|f| f == *flag))
                .count();
            (*flag, n)
        })
        .collect()
}

/// Writes a workbook with one worksheet per sheet, in order.
///
/// The workbook is built in memory and written to `out` in one piece, so a
/// failure before the end writes nothing.
pub fn write_workbook<W: Write>(sheets: &[Sheet<'_>], mut out: W) -> io::Result<()> {
    let bytes = workbook_bytes(sheets).map_err(io::Error::other)?;
    out.write_all(&bytes)?;
    out.flush()
}

/// The formats shared by every sheet of one workbook.
struct Formats {
    header: Format,
    /// Text in a table, set in from a figure to its left.
    text: Format,
    /// The heading of a column of text in a table, set in as its cells.
    heading_text: Format,
    /// The scenario's name atop the Summary.
    title: Format,
    /// A heading of a table of figures: bold, ruled beneath, right-aligned.
    heading: Format,
    /// The heading of the first column of a table of figures (left-aligned).
    heading_first: Format,
    /// A year number in the first column of the Summary's years.
    year: Format,
    /// The heading of a column of figures in a table (right-aligned).
    heading_number: Format,
    /// A goal met (green) or not (red).
    met: Format,
    not_met: Format,
    money: Format,
    percent: Format,
    count: Format,
    /// `#,##0` followed by the number's decimals, by scale.
    numbers: BTreeMap<u32, Format>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            text: Format::new().set_indent(1),
            heading_text: Format::new().set_bold().set_indent(1),
            title: Format::new().set_bold().set_font_size(14),
            heading: Format::new()
                .set_bold()
                .set_align(FormatAlign::Right)
                .set_border_bottom(FormatBorder::Thin),
            heading_first: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            year: Format::new().set_align(FormatAlign::Left),
            heading_number: Format::new().set_bold().set_align(FormatAlign::Right),
            met: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x00_60_3C)),
            not_met: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x00_C0_00_00)),
            money: Format::new().set_num_format(MONEY_FORMAT),
            percent: Format::new().set_num_format(PERCENT_FORMAT),
            count: Format::new().set_num_format("#,##0"),
            numbers: BTreeMap::new(),
        }
    }

    /// The format that shows a number at its own scale (`4,588`, `4,724.26`).
    fn number(&mut self, scale: u32) -> &Format {
        let scale = scale.min(MAX_DECIMALS);
        self.numbers.entry(scale).or_insert_with(|| {
            let pattern = if scale == 0 {
                "#,##0".to_owned()
            } else {
                format!("#,##0.{}", "0".repeat(scale as usize))
            };
            Format::new().set_num_format(pattern)
        })
    }
}

fn workbook_bytes(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let mut formats = Formats::new();
    for sheet in sheets {
        write_sheet(
            new_sheet(&mut workbook, sheet.name)?,
            sheet.report,
            &mut formats,
        )?;
    }
    workbook.save_to_buffer()
}

/// A report as a plain sheet: a bold, frozen header row with a filter.
fn write_sheet(
    ws: &mut Worksheet,
    report: &Report,
    formats: &mut Formats,
) -> Result<(), XlsxError> {
    let widths = write_report(ws, report, formats)?;
    set_widths(ws, &widths)?;
    if let Some(last) = report.columns.len().checked_sub(1) {
        ws.autofilter(0, 0, row(report.rows.len())?, col(last)?)?;
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(())
}

/// Writes a report's header (row 1) and rows; returns about how many
/// characters each column shows.
fn write_report(
    ws: &mut Worksheet,
    report: &Report,
    formats: &mut Formats,
) -> Result<Vec<usize>, XlsxError> {
    let mut widths: Vec<usize> = Vec::with_capacity(report.columns.len());
    for (c, column) in report.columns.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, column.name.as_str(), &formats.header)?;
        widths.push(column.name.chars().count());
    }
    for (r, cells) in report.rows.iter().enumerate() {
        let row = row(r + 1)?;
        for ((c, cell), column) in cells.iter().enumerate().zip(&report.columns) {
            let shown = write_cell(ws, row, col(c)?, cell, column.kind, formats)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(shown);
            }
        }
    }
    Ok(widths)
}

/// Sizes each column to what it shows.
fn set_widths(ws: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (c, w) in widths.iter().enumerate() {
        // Two characters of padding, and room for the filter button.
        let width = (w + 3).clamp(MIN_WIDTH, MAX_WIDTH);
        ws.set_column_width(col(c)?, f64::from(u16::try_from(width).unwrap_or(u16::MAX)))?;
    }
    Ok(())
}

/// Writes one cell; returns about how many characters it shows (for the width).
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    kind: Kind,
    formats: &mut Formats,
) -> Result<usize, XlsxError> {
    Ok(match cell {
        Cell::Blank => 0,
        // Always a string: never `write`, which would treat `=..` as a formula.
        Cell::Text(t) => {
            ws.write_string_with_format(row, col, t.as_ref(), &formats.text)?;
            t.chars().count()
        }
        flags @ Cell::Flags(_) => {
            let t = flags.plain();
            ws.write_string_with_format(row, col, t.as_str(), &formats.text)?;
            t.chars().count()
        }
        Cell::Money(m) if kind == Kind::Percent => {
            let fraction = m.value() / Decimal::ONE_HUNDRED;
            ws.write_number_with_format(row, col, float(fraction)?, &formats.percent)?;
            // `-16.50%`
            m.to_string().len() + 1
        }
        Cell::Money(m) => {
            ws.write_number_with_format(row, col, float(m.value())?, &formats.money)?;
            money_width(m.value())
        }
        Cell::Number(d) => {
            let format = formats.number(d.scale());
            ws.write_number_with_format(row, col, float(*d)?, format)?;
            grouped_width(*d)
        }
        Cell::Count(n) => {
            let n = u32::try_from(*n)
                .map_err(|_| XlsxError::ParameterError(format!("count {n} is too large")))?;
            ws.write_number_with_format(row, col, f64::from(n), &formats.count)?;
            grouped_width(Decimal::from(n))
        }
    })
}

/// The one conversion from `Decimal` to a spreadsheet's double.
fn float(d: Decimal) -> Result<f64, XlsxError> {
    d.to_f64()
        .ok_or_else(|| XlsxError::ParameterError(format!("{d} cannot be written as a number")))
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

fn row(r: usize) -> Result<u32, XlsxError> {
    u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Characters of a number with thousands separators (`-1,234.5`).
fn grouped_width(d: Decimal) -> usize {
    let plain = d.to_string();
    let digits = plain
        .split('.')
        .next()
        .map_or(0, |whole| whole.trim_start_matches('-').len());
    plain.len() + digits.saturating_sub(1) / 3
}

/// Characters of money as the £ format shows it (`(£1,234.50)`).
fn money_width(d: Decimal) -> usize {
    // The £ sign, and a bracket each side for a negative in place of the minus.
    grouped_width(d) + 1 + usize::from(d.is_sign_negative())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::round_penny;
    use crate::report::Column;
    use calamine::{Data, Reader, Xlsx};
    use rust_decimal_macros::dec;
    use std::io::Cursor;

    fn read(bytes: Vec<u8>, sheet: &str) -> calamine::Range<Data> {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        book.worksheet_range(sheet).unwrap()
    }

    fn report() -> Report {
        Report {
            columns: vec![
                Column::new("name", Kind::Text),
                Column::new("core", Kind::Money),
                Column::new("pct", Kind::Percent),
                Column::new("list", Kind::List),
                Column::new("n", Kind::Count),
            ],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"http://x\",\"click\")".into()),
                    Cell::Money(round_penny(dec!(-1234.5))),
                    Cell::Money(round_penny(dec!(-16.5))),
                    Cell::Number(dec!(4724.26)),
                    Cell::Count(3),
                ],
                vec![
                    Cell::Blank,
                    Cell::Money(round_penny(dec!(429959.31))),
                    Cell::Blank,
                    Cell::Number(dec!(4588)),
                    Cell::Count(0),
                ],
            ],
        }
    }

    #[test]
    fn cells_are_written_by_kind() {
        let r = report();
        let mut bytes = Vec::new();
        write_workbook(
            &[Sheet {
                name: "Practices",
                report: &r,
            }],
            &mut bytes,
        )
        .unwrap();
        let range = read(bytes, "Practices");
        assert_eq!(range.get((0, 0)), Some(&Data::String("name".to_owned())));
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String(
                "=HYPERLINK(\"http://x\",\"click\")".to_owned()
            ))
        );
        assert_eq!(range.get((1, 1)), Some(&Data::Float(-1234.5)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(-0.165)));
        assert_eq!(range.get((1, 3)), Some(&Data::Float(4724.26)));
        assert_eq!(range.get((1, 4)), Some(&Data::Float(3.0)));
        assert_eq!(range.get((2, 0)), Some(&Data::Empty));
        assert_eq!(range.get((2, 1)), Some(&Data::Float(429_959.31)));
    }

    #[test]
    fn sheets_keep_their_names_and_order() {
        let r = report();
        let mut bytes = Vec::new();
        let sheets = [
            Sheet {
                name: "Practices",
                report: &r,
            },
            Sheet {
                name: "Summary",
                report: &r,
            },
            Sheet {
                name: "Scenario",
                report: &r,
            },
        ];
        write_workbook(&sheets, &mut bytes).unwrap();
        let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Practices", "Summary", "Scenario"]);
    }

    #[test]
    fn a_bad_sheet_name_is_an_error_not_a_panic() {
        let r = report();
        let mut bytes = Vec::new();
        let e = write_workbook(
            &[Sheet {
                name: "a/b",
                report: &r,
            }],
            &mut bytes,
        )
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::Other);
        assert!(bytes.is_empty());
    }

    #[test]
    fn widths_count_the_pound_sign_and_brackets() {
        assert_eq!(money_width(dec!(-1234.50)), "(£1,234.50)".chars().count());
        assert_eq!(money_width(dec!(429959.31)), "£429,959.31".chars().count());
        assert_eq!(grouped_width(dec!(4588)), "4,588".len());
        assert_eq!(grouped_width(dec!(100)), 3);
    }
}
