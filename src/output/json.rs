//! JSON: one document `{ "scenario", "practices", "savings", "warnings" }`,
//! money as strings so nothing is lost to floats (SPEC §5).

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::error::Warning;
use crate::report::savings::Savings;
use crate::report::{Cell, Report};
use crate::scenario::Scenario;

/// A report's rows as JSON objects keyed by column name; blanks are `null`.
#[must_use]
pub fn rows(report: &Report) -> Value {
    Value::Array(
        report
            .rows
            .iter()
            .map(|row| {
                let mut object = Map::with_capacity(report.columns.len());
                for (cell, column) in row.iter().zip(&report.columns) {
                    let value = match cell {
                        Cell::Blank => Value::Null,
                        Cell::Count(n) => Value::from(*n),
                        other => Value::String(other.plain()),
                    };
                    object.insert(column.name.clone(), value);
                }
                Value::Object(object)
            })
            .collect(),
    )
}

/// Writes the whole run as one JSON document.
pub fn write_run<W: Write>(
    scenario: &Scenario,
    practices: &Report,
    savings: &[Savings],
    warnings: &[Warning],
    mut out: W,
) -> io::Result<()> {
    let document = serde_json::json!({
        "scenario": scenario,
        "practices": rows(practices),
        "savings": savings,
        "warnings": warnings,
    });
    serde_json::to_writer_pretty(&mut out, &document)?;
    out.write_all(b"\n")
}

/// Writes the savings alone (for `--savings FILE.json`).
pub fn write_savings<W: Write>(savings: &[Savings], mut out: W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, savings)?;
    out.write_all(b"\n")
}
