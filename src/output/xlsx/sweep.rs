//! The sweep's workbook (`rebase sweep -o x.xlsx`, SPEC §8.5): the Sweep
//! sheet holds the CSV's columns and rows (header at row 1, so a script
//! reads it as it reads the CSV), the Saving chart sheet draws the saving
//! and net saving in the goal's year (else the last) against the target
//! price from the Sweep sheet's own cells, with the goal as a line, as
//! `--chart` draws it in SVG; the Scenario sheet gives the settings.

use std::io::{self, Write};

use rust_xlsxwriter::{
    Chart, ChartLegendPosition, ChartLine, ChartLineDashType, ChartType, Workbook, Worksheet,
    XlsxError,
};

use super::tables::print_wide;
use super::{Formats, col, float, new_sheet, row, write_sheet};
use crate::report::scenario_sheet::scenario_report;
use crate::report::sweep::{SweepRow, chart_year, sweep_report};
use crate::scenario::{Basis, Scenario};

/// The sweep's rows, one per target price.
pub const SWEEP: &str = "Sweep";
/// The chart of saving against price.
pub const SAVING_CHART: &str = "Saving chart";

/// Writes the sweep's workbook: Sweep, Saving chart and Scenario (the
/// scenario at the first price: each price replaces its target).
pub fn write_sweep_workbook<W: Write>(
    rows: &[SweepRow],
    scenario: &Scenario,
    mut out: W,
) -> io::Result<()> {
    let bytes = sweep_bytes(rows, scenario).map_err(io::Error::other)?;
    out.write_all(&bytes)?;
    out.flush()
}

fn sweep_bytes(rows: &[SweepRow], scenario: &Scenario) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let mut formats = Formats::new();
    let years = scenario.years();
    let report = sweep_report(rows, years);
    let sweep = new_sheet(&mut workbook, SWEEP)?;
    write_sheet(sweep, &report, &mut formats)?;
    print_wide(sweep)?;
    let chart = new_sheet(&mut workbook, SAVING_CHART)?;
    saving_chart(chart, rows, scenario, &formats)?;
    let settings = scenario_report(scenario);
    write_sheet(
        new_sheet(&mut workbook, super::SCENARIO)?,
        &settings,
        &mut formats,
    )?;
    workbook.save_to_buffer()
}

/// The chart, and the goal's two points beside it (it has no column of
/// the Sweep sheet to draw from).
fn saving_chart(
    ws: &mut Worksheet,
    rows: &[SweepRow],
    scenario: &Scenario,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(());
    };
    let year = chart_year(scenario);
    let years = scenario.years();
    let end = row(rows.len())?;
    // Sweep columns: price, three counts, each year's saving, each year's net saving.
    let saving = col(3 + year)?;
    let net = col(3 + years + year)?;
    let mut chart = Chart::new(ChartType::ScatterStraight);
    for (c, name) in [(saving, "saving"), (net, "net saving")] {
        chart
            .add_series()
            .set_name(name)
            .set_categories((SWEEP, 1, 0, end, 0))
            .set_values((SWEEP, 1, c, end, c));
    }
    if let Some(goal) = scenario.goal() {
        ws.write_string_with_format(0, 0, "target_price", &formats.header)?;
        ws.write_string_with_format(0, 1, "goal", &formats.header)?;
        for (r, price) in [(1, first.target_price), (2, last.target_price)] {
            ws.write_number_with_format(r, 0, float(price.value())?, &formats.money)?;
            ws.write_number_with_format(r, 1, float(goal.saving.value())?, &formats.money)?;
        }
        let basis = match goal.basis {
            Basis::Gross => "goal",
            Basis::Net => "goal (net)",
        };
        chart
            .add_series()
            .set_name(basis)
            .set_categories((SAVING_CHART, 1, 0, 2, 0))
            .set_values((SAVING_CHART, 1, 1, 2, 1))
            .set_format(ChartLine::new().set_dash_type(ChartLineDashType::Dash));
        ws.set_column_range_width(0, 1, 14)?;
    }
    chart.title().set_name(&format!(
        "Saving in year {year} by target price: {}",
        scenario.name()
    ));
    chart
        .x_axis()
        .set_name("target price")
        .set_num_format("£#,##0.00");
    chart
        .y_axis()
        .set_name(&format!("year {year}"))
        .set_num_format("£#,##0");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(760).set_height(420);
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    ws.insert_chart(1, 3, &chart)?;
    Ok(())
}
