//! Fixture regression (`rebase check`): compares an expected per-practice
//! CSV with the report the calculation produces now, cell by cell.

use std::collections::HashMap;

use crate::input::pieces::line_of;
use crate::report::Report;
use crate::report::practice_rows::KEY;

/// One cell that differs (or a practice or column that is missing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The practice code (empty for a column difference).
    pub practice: String,
    /// The column.
    pub column: String,
    /// The expected text (empty when absent).
    pub expected: String,
    /// The actual text (empty when absent).
    pub actual: String,
}

/// Compares expected CSV text with the actual report, as CSV would write
/// it. Rows are matched by `practice_code`; order differences also count.
pub fn compare(expected_csv: &str, actual: &Report) -> Result<Vec<Difference>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(expected_csv.as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let mut out = Vec::new();
    let expected_rows = expected_rows(&mut reader, (expected_csv, header.len()), &mut out)?;
    let actual_names: Vec<&str> = actual.columns.iter().map(|c| c.name.as_str()).collect();
    column_differences(&header, &actual_names, &mut out);
    let code_at = header.iter().position(|h| h == KEY).unwrap_or(0);
    let actual_rows = actual_texts(actual);
    let actual_by_code: HashMap<&str, &Vec<String>> = actual_rows
        .iter()
        .filter_map(|r| Some((r.first()?.as_str(), r)))
        .collect();
    let mut seen = Vec::new();
    for row in &expected_rows {
        let code = row.get(code_at).map_or("", String::as_str);
        seen.push(code);
        let Some(actual_row) = actual_by_code.get(code) else {
            out.push(row_difference(code, "present", "missing"));
            continue;
        };
        cell_differences(code, row, actual_row, &header, &actual_names, &mut out);
    }
    for row in &actual_rows {
        let code = row.first().map_or("", String::as_str);
        if !seen.contains(&code) {
            out.push(row_difference(code, "missing", "present"));
        }
    }
    Ok(out)
}

/// The expected rows as text; a ragged row is also a difference naming its
/// line, never a pass (SPEC §9.9).
fn expected_rows(
    reader: &mut csv::Reader<&[u8]>,
    (text, width): (&str, usize),
    out: &mut Vec<Difference>,
) -> Result<Vec<Vec<String>>, csv::Error> {
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        if record.len() != width {
            out.push(Difference {
                practice: record.get(0).unwrap_or_default().to_owned(),
                column: format!("(line {})", line_of(text.as_bytes(), record.position())),
                expected: format!("{width} cells"),
                actual: format!("{} cells", record.len()),
            });
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

/// Columns expected but not produced, then produced but not expected.
fn column_differences(header: &[String], actual_names: &[&str], out: &mut Vec<Difference>) {
    for name in header {
        if !actual_names.contains(&name.as_str()) {
            out.push(Difference {
                practice: String::new(),
                column: name.clone(),
                expected: "(column)".into(),
                actual: String::new(),
            });
        }
    }
    for name in actual_names {
        if !header.iter().any(|h| h == name) {
            out.push(Difference {
                practice: String::new(),
                column: (*name).to_owned(),
                expected: String::new(),
                actual: "(column)".into(),
            });
        }
    }
}

/// The actual report's cells as CSV writes them (text neutralised).
fn actual_texts(actual: &Report) -> Vec<Vec<String>> {
    actual
        .rows
        .iter()
        .map(|row| row.iter().map(crate::report::Cell::csv_text).collect())
        .collect()
}

/// A practice present on one side only.
fn row_difference(code: &str, expected: &str, actual: &str) -> Difference {
    Difference {
        practice: code.to_owned(),
        column: "(row)".into(),
        expected: expected.into(),
        actual: actual.into(),
    }
}

/// The cells of one practice that differ, in the expected column order.
fn cell_differences(
    code: &str,
    row: &[String],
    actual_row: &[String],
    header: &[String],
    actual_names: &[&str],
    out: &mut Vec<Difference>,
) {
    for (i, name) in header.iter().enumerate() {
        let Some(j) = actual_names.iter().position(|n| n == name) else {
            continue;
        };
        let e = row.get(i).map_or("", String::as_str);
        let a = actual_row.get(j).map_or("", String::as_str);
        if e != a {
            out.push(Difference {
                practice: code.to_owned(),
                column: name.clone(),
                expected: e.to_owned(),
                actual: a.to_owned(),
            });
        }
    }
}
