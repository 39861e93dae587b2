//! A report as an Excel table (a ListObject): its header row at row 1 (so
//! a script reading the sheet sees the same columns as before), its own
//! filter buttons and banding, and a total row at the bottom that sums
//! every column the report totals (`role.total`: the money columns of
//! `practice_rows::COLUMNS`).
//!
//! The total row uses the table's own total function (`SUBTOTAL(109, ..)`,
//! Excel's "Sum" in the total row), so it follows a filter: filtered to PMS
//! practices, it shows their total. Each total is written with its value,
//! the exact sum of the rounded figures above it (SPEC §1 point 4), so a
//! reader that does not recalculate (calamine, a viewer, a spreadsheet
//! opening the file) shows the right figure.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Formula, Table, TableColumn, TableFunction, Worksheet, XlsxError};

use super::{Formats, col, money_width, row, set_widths, write_report};
use crate::money::Money;
use crate::report::{Cell, Kind, Report};

/// The label of the total row, under the first column.
pub const TOTAL: &str = "Total";

/// Writes `report` as the table `name` with a total row; a report without
/// rows (which a table cannot hold) is written without the table.
pub(super) fn write_table(
    ws: &mut Worksheet,
    report: &Report,
    name: &str,
    formats: &mut Formats,
) -> Result<(), XlsxError> {
    let mut widths = write_report(ws, report, formats)?;
    let Some(last) = report.columns.len().checked_sub(1) else {
        return Ok(());
    };
    if report.rows.is_empty() {
        return set_widths(ws, &widths);
    }
    let columns: Vec<TableColumn> = report
        .columns
        .iter()
        .enumerate()
        .map(|(c, column)| {
            // Figures are right-aligned: so are their headings.
            let heading = match column.kind {
                Kind::Text | Kind::Flags => &formats.heading_text,
                _ => &formats.heading_number,
            };
            let table_column = TableColumn::new()
                .set_header(column.name.as_str())
                .set_header_format(heading);
            match (c, column.role.total) {
                (0, _) => table_column.set_total_label(TOTAL),
                (_, true) => table_column.set_total_function(TableFunction::Sum),
                (_, false) => table_column,
            }
        })
        .collect();
    let table = Table::new()
        .set_name(name)
        .set_columns(&columns)
        .set_total_row(true);
    let total_row = row(report.rows.len() + 1)?;
    ws.add_table(0, 0, total_row, col(last)?, &table)?;
    for (c, column) in report.columns.iter().enumerate().skip(1) {
        if !column.role.total {
            continue;
        }
        // Money, or a count of practices (the By group sheet's).
        let (zero, format) = match column.kind {
            Kind::Count => (Decimal::ZERO, &formats.count),
            _ => (Money::ZERO.value(), &formats.money),
        };
        let sum = column_total(report, c, zero);
        // The table's Sum, with its value; the reference names the table,
        // as Excel writes it (LibreOffice misreads a bare `[Core now]`).
        let formula = Formula::new(format!("SUBTOTAL(109,{name}[{}])", column.name))
            .set_result(sum.to_string());
        ws.write_formula_with_format(total_row, col(c)?, formula, format)?;
        if let Some(w) = widths.get_mut(c) {
            *w = (*w).max(money_width(sum));
        }
    }
    set_widths(ws, &widths)?;
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

/// The exact sum of a column's money or counts from `zero` (blank cells
/// add nothing).
fn column_total(report: &Report, c: usize, zero: Decimal) -> Decimal {
    report
        .rows
        .iter()
        .filter_map(|r| match r.get(c) {
            Some(Cell::Money(m)) => Some(m.value()),
            Some(Cell::Count(n)) => Some(Decimal::from(*n)),
            _ => None,
        })
        .fold(zero, |sum, x| sum + x)
}

/// Printing a wide table: landscape on A4, one page wide however many
/// pages long, the header row on every page, page numbers in the footer.
pub(super) fn print_wide(ws: &mut Worksheet) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    ws.set_landscape()
        .set_paper_size(A4)
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3)
        .set_footer("&L&A&RPage &P of &N");
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}
