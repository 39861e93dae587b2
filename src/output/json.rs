//! JSON: one document `{ "scenario", "practices", "savings", "warnings" }`,
//! money as strings so nothing is lost to floats (SPEC §5).

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::calc::{PracticeResult, Results};
use crate::error::Warning;
use crate::model::Practice;
use crate::report::practice_rows::Layout;
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
                    object.insert(column.name.clone(), cell_value(cell));
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

/// Writes the whole run as [`write_run`] does, byte for byte, but a
/// practice at a time from the calculation's trace: memory follows one
/// row, not the whole document (SPEC §9.5).
pub fn write_run_streaming<W: Write>(
    scenario: &Scenario,
    practices: &[Practice],
    results: Results<'_>,
    savings: &[Savings],
    warnings: &[Warning],
    mut out: W,
) -> io::Result<()> {
    // The document's keys in the order serde_json's map writes them.
    out.write_all(b"{\n  \"practices\": [")?;
    let layout = Layout::new(scenario.years(), results.reinvests());
    // Each object is made with a `,` before it, which the first drops.
    let render = |ps: &[Practice], rs: &[PracticeResult]| {
        let mut part = Vec::new();
        for (p, r) in ps.iter().zip(rs) {
            let mut object = Map::with_capacity(layout.columns().len());
            for (cell, column) in layout.row(p, r).zip(layout.columns()) {
                object.insert(column.name.clone(), cell_value(&cell));
            }
            part.extend_from_slice(b",\n");
            write_nested(&mut part, &Value::Object(object), "    ", true)?;
        }
        Ok::<_, io::Error>(part)
    };
    let mut first = true;
    results.render(practices, render, |part| {
        let skip = usize::from(first && !part.is_empty());
        first &= part.is_empty();
        out.write_all(part.get(skip..).unwrap_or_default())
    })?;
    out.write_all(b"\n  ],\n  \"savings\": ")?;
    write_nested(&mut out, &serde_json::to_value(savings)?, "  ", false)?;
    out.write_all(b",\n  \"scenario\": ")?;
    write_nested(&mut out, &serde_json::to_value(scenario)?, "  ", false)?;
    out.write_all(b",\n  \"warnings\": ")?;
    write_nested(&mut out, &serde_json::to_value(warnings)?, "  ", false)?;
    out.write_all(b"\n}\n")
}

/// A cell as [`rows`] writes it: blanks are `null`, counts numbers.
fn cell_value(cell: &Cell<'_>) -> Value {
    match cell {
        Cell::Blank => Value::Null,
        Cell::Count(n) => Value::from(*n),
        other => Value::String(other.plain()),
    }
}

/// Writes `value` pretty-printed as if nested at `indent`: every line after
/// the first is indented, and the first too when `indent_first`.
fn write_nested<W: Write>(
    out: &mut W,
    value: &Value,
    indent: &str,
    indent_first: bool,
) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.write_all(b"\n")?;
        }
        if k > 0 || indent_first {
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
