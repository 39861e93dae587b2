//! Charts native to Excel: they draw cell ranges, so they follow the data
//! if the analyst edits it.
//!
//! - The Price chart sheet lists every practice with a list in the order
//!   of `rebase chart`'s SVG (by price now, then after, then code), with
//!   its price per patient now and after (and the target, when there is
//!   one for everyone, and the floor), and charts them over the practices.
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

/// The Price chart sheet's first columns; a column per [`Level`] follows.
const HEADERS: [&str; 4] = [KEY, "contract", "price_now", "price_rebased"];

/// A price drawn across the chart as a dashed line (the target when there
/// is one for everyone, the floor when there is one), as the SVG draws them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Level {
    /// Its column's header and the series' name.
    pub name: &'static str,
    /// The price.
    pub price: rust_decimal::Decimal,
    /// The line's colour, as the SVG's.
    pub colour: &'static str,
}

/// Writes the sorted prices and their chart, with a dashed line for each
/// of `levels`.
pub(super) fn write_prices(
    ws: &mut Worksheet,
    points: &[ChartPoint],
    scenario: &Scenario,
    levels: &[Level],
    formats: &Formats,
) -> Result<(), XlsxError> {
    let names = HEADERS.iter().copied().chain(levels.iter().map(|l| l.name));
    for (c, name) in names.enumerate() {
        ws.write_string_with_format(0, col(c)?, name, &formats.header)?;
    }
    let sorted = sorted(points);
    for (i, p) in sorted.iter().enumerate() {
        let r = row(i + 1)?;
        ws.write_string(r, 0, p.code.as_str())?;
        ws.write_string(r, 1, p.contract.as_str())?;
        ws.write_number_with_format(r, 2, float(p.price_now)?, &formats.money)?;
        ws.write_number_with_format(r, 3, float(p.price_rebased)?, &formats.money)?;
        for (c, level) in levels.iter().enumerate() {
            ws.write_number_with_format(
                r,
                col(HEADERS.len() + c)?,
                float(level.price)?,
                &formats.money,
            )?;
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_range_width(1, col(HEADERS.len() + levels.len())?, 13)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    if sorted.is_empty() {
        return Ok(());
    }
    let last = row(sorted.len())?;
    let chart = price_chart(last, scenario.price().per, levels)?;
    ws.insert_chart(1, col(HEADERS.len() + levels.len() + 2)?, &chart)?;
    Ok(())
}

/// Price now as a line (sorted, it rises), price after as markers, each
/// level as a dashed line.
fn price_chart(last: u32, per: Per, levels: &[Level]) -> Result<Chart, XlsxError> {
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
    for (c, level) in levels.iter().enumerate() {
        let column = col(HEADERS.len() + c)?;
        chart
            .add_series()
            .set_name(level.name)
            .set_categories((PRICE_CHART, 1, 0, last, 0))
            .set_values((PRICE_CHART, 1, column, last, column))
            .set_format(
                ChartLine::new()
                    .set_color(level.colour)
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
    Ok(chart)
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
