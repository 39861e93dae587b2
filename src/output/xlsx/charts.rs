//! Charts native to Excel: they draw cell ranges, so they follow the data
//! if the analyst edits it.
//!
//! - The Price chart sheet lists every practice with a list in the order
//!   of `rebase chart`'s SVG (by price now, then after, then code), with
//!   its price per patient now and after (and the target, when there is
//!   one), and charts the two prices over the practices.
//! - The Summary's savings by year chart draws its year-by-year table's
//!   saving and net saving columns.

use rust_xlsxwriter::{
    Chart, ChartAxisLabelPosition, ChartFormat, ChartLine, ChartMarker, ChartMarkerType,
    ChartSolidFill, Worksheet, XlsxError,
};

use super::summary::YearsAt;
use super::{Formats, PRICE_CHART, SUMMARY, col, float, row};
use crate::output::chart::{ChartPoint, sorted};
use crate::report::practice_rows::KEY;
use crate::scenario::{Per, Scenario};

/// The Price chart sheet's columns.
const HEADERS: [&str; 5] = [KEY, "contract", "price_now", "price_rebased", "target"];

/// Writes the sorted prices and their chart (the target, when `target`
/// is one price for everyone, as a third line).
pub(super) fn write_prices(
    ws: &mut Worksheet,
    points: &[ChartPoint],
    scenario: &Scenario,
    target: Option<rust_decimal::Decimal>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let columns = if target.is_some() { 5 } else { 4 };
    for (c, name) in HEADERS.iter().take(columns).enumerate() {
        ws.write_string_with_format(0, col(c)?, *name, &formats.header)?;
    }
    let sorted = sorted(points);
    for (i, p) in sorted.iter().enumerate() {
        let r = row(i + 1)?;
        ws.write_string(r, 0, p.code.as_str())?;
        ws.write_string(r, 1, p.contract.as_str())?;
        ws.write_number_with_format(r, 2, float(p.price_now)?, &formats.money)?;
        ws.write_number_with_format(r, 3, float(p.price_rebased)?, &formats.money)?;
        if let Some(t) = target {
            ws.write_number_with_format(r, 4, float(t)?, &formats.money)?;
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_range_width(1, 4, 13)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    if sorted.is_empty() {
        return Ok(());
    }
    let last = row(sorted.len())?;
    let chart = price_chart(last, scenario.price().per, target.is_some());
    ws.insert_chart(1, 6, &chart)?;
    Ok(())
}

/// Price now as a line (sorted, it rises), price after as markers, the
/// target as a dashed line.
fn price_chart(last: u32, per: Per, target: bool) -> Chart {
    let unit = match per {
        Per::Registered => "patient",
        Per::Weighted => "weighted patient",
    };
    let mut chart = Chart::new_line();
    chart
        .add_series()
        .set_name("now")
        .set_categories((PRICE_CHART, 1, 0, last, 0))
        .set_values((PRICE_CHART, 1, 2, last, 2))
        .set_format(ChartLine::new().set_color("#1F4E79").set_width(2.0));
    chart
        .add_series()
        .set_name("after re-basing")
        .set_categories((PRICE_CHART, 1, 0, last, 0))
        .set_values((PRICE_CHART, 1, 3, last, 3))
        .set_format(ChartFormat::new().set_no_line())
        .set_marker(
            ChartMarker::new()
                .set_type(ChartMarkerType::Circle)
                .set_size(5)
                .set_format(ChartSolidFill::new().set_color("#C55A11")),
        );
    if target {
        chart
            .add_series()
            .set_name("target")
            .set_categories((PRICE_CHART, 1, 0, last, 0))
            .set_values((PRICE_CHART, 1, 4, last, 4))
            .set_format(
                ChartLine::new()
                    .set_color("#595959")
                    .set_dash_type(rust_xlsxwriter::ChartLineDashType::Dash),
            );
    }
    chart
        .title()
        .set_name(&format!("Price per {unit} now and after re-basing"));
    chart
        .x_axis()
        .set_name("practices, sorted by price now")
        .set_label_position(ChartAxisLabelPosition::None);
    chart
        .y_axis()
        .set_name(&format!("£ per {unit}"))
        .set_num_format("£#,##0");
    chart
        .legend()
        .set_position(rust_xlsxwriter::ChartLegendPosition::Bottom);
    chart.set_width(760).set_height(420);
    chart
}

/// The savings by year chart beside the Summary's year-by-year table.
pub(super) fn insert_savings(ws: &mut Worksheet, years: &YearsAt) -> Result<(), XlsxError> {
    let mut chart = Chart::new_column();
    for column in [years.saving, years.net_saving] {
        chart
            .add_series()
            .set_name((SUMMARY, years.heading, column))
            .set_categories((SUMMARY, years.first, 0, years.last, 0))
            .set_values((SUMMARY, years.first, column, years.last, column));
    }
    chart.title().set_name("Savings by year");
    chart.x_axis().set_name("year");
    chart.y_axis().set_num_format("£#,##0");
    chart
        .legend()
        .set_position(rust_xlsxwriter::ChartLegendPosition::Bottom);
    chart.set_width(560).set_height(300);
    // Right of the table (and of the settings' notes above it).
    ws.insert_chart(1, years.width.max(4), &chart)?;
    Ok(())
}
