//! CSV, the machine format (SPEC §5): plain numbers, UTF-8, `\n` line ends,
//! and text a spreadsheet could run as a formula neutralised with a `'`.

use std::io::{self, Write};

use crate::report::savings::{Savings, savings_report};
use crate::report::{Cell, Report};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Neutralises text a spreadsheet could run as a formula (OWASP CSV
/// injection): a cell starting with `=`, `+`, `-`, `@`, tab, CR or LF gets
/// a leading `'`. Numeric columns never come here.
#[must_use]
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn writer<W: Write>(out: W, bom: bool) -> io::Result<csv::Writer<W>> {
    let mut out = out;
    if bom {
        out.write_all(UTF8_BOM)?;
    }
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out))
}

fn to_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Writes a report as CSV with its header row.
pub fn write_report<W: Write>(report: &Report, out: W, bom: bool) -> io::Result<()> {
    let mut w = writer(out, bom)?;
    w.write_record(report.columns.iter().map(|c| c.name.as_str()))
        .map_err(to_io)?;
    let mut record: Vec<String> = Vec::with_capacity(report.columns.len());
    for row in &report.rows {
        record.clear();
        for cell in row {
            let text = cell.plain();
            // Only text is neutralised; numeric cells are never altered.
            record.push(match cell {
                Cell::Text(_) => neutralise(&text).into_owned(),
                _ => text,
            });
        }
        w.write_record(&record).map_err(to_io)?;
    }
    w.flush()
}

/// Writes the savings as CSV: `scope,measure,value`.
pub fn write_savings<W: Write>(savings: &[Savings], out: W, bom: bool) -> io::Result<()> {
    write_report(&savings_report(savings), out, bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formulas() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\",\"click\")"),
            "'=HYPERLINK(\"http://x\",\"click\")"
        );
        for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("The Abingdon"), "The Abingdon");
    }
}
