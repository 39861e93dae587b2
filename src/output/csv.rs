//! CSV, the machine format (SPEC §5): plain numbers, UTF-8, `\n` line ends,
//! and text a spreadsheet could run as a formula neutralised with a `'`.

use std::borrow::Borrow;
use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::calc::{PracticeResult, Results};
use crate::model::Practice;
use crate::report::practice_rows::Layout;
use crate::report::savings::{Fold, Savings, savings_report};
use crate::report::{Cell, Report};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub use crate::text::neutralise;

/// Writes a report as CSV with its header row.
pub fn write_report<W: Write>(report: &Report, out: W, bom: bool) -> io::Result<()> {
    let mut lines = Lines::new(out, bom);
    lines.header(report.columns.iter().map(|c| c.name.as_str()));
    for row in &report.rows {
        lines.row(row)?;
    }
    lines.finish()
}

/// Writes the per-practice CSV (SPEC §5) straight from the calculation's
/// trace: the same bytes as [`write_report`] of
/// [`practice_rows`](crate::report::practice_rows::practice_rows), without
/// building that table first (no copy of every figure in memory, no
/// allocation per cell). This is the hot path of `rebase run -f csv`.
pub fn write_practice_rows<W: Write>(
    practices: &[Practice],
    results: Results<'_>,
    years: usize,
    out: W,
    bom: bool,
) -> io::Result<()> {
    write_practice_rows_summing(practices, results, years, out, bom, &())
}

/// [`write_practice_rows`], summing the results with `fold` on the way, so
/// that a planned run works each practice out once for both (`batch`).
pub fn write_practice_rows_summing<W: Write, F: Fold>(
    practices: &[Practice],
    results: Results<'_>,
    years: usize,
    out: W,
    bom: bool,
    fold: &F,
) -> io::Result<F::Sum> {
    let layout = Layout::new(years, results.reinvests());
    let mut lines = Lines::new(out, bom);
    lines.header(layout.columns().iter().map(|c| c.name.as_str()));
    let width = lines.width;
    let render = |ps: &[Practice], rs: &[PracticeResult]| {
        let mut part = Lines::new(Vec::new(), false);
        part.width = width;
        let mut sum = fold.empty();
        for (p, r) in ps.iter().zip(rs) {
            part.row(layout.row(p, r))?;
            fold.add(&mut sum, p, r);
        }
        Ok::<_, io::Error>((part.into_bytes(), sum))
    };
    let mut sums = Vec::new();
    results.render(practices, render, |(bytes, sum)| {
        sums.push(sum);
        lines.raw(&bytes)
    })?;
    lines.finish()?;
    Ok(sums
        .into_iter()
        .fold(fold.empty(), |all, sum| fold.merge(all, sum)))
}

/// CSV lines gathered in one reused buffer and written in large chunks:
/// the bytes the csv crate's writer (`QuoteStyle::Necessary`, `\n`
/// terminator) writes, without its per-field calls and quoting scan for
/// numbers, which never need quotes. As that writer does, a line of one
/// empty field is written `""` and a row as long as the header, or an error.
struct Lines<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Fields written on the current line.
    fields: usize,
    /// Where the current line starts in `buf`.
    start: usize,
    /// The header's width, which every row must have.
    width: usize,
    /// Rows written (for the error naming a ragged one).
    rows: u64,
}

impl<W: Write> Lines<W> {
    /// Bytes gathered before each write to `out`.
    const CHUNK: usize = 1 << 16;

    fn new(out: W, bom: bool) -> Lines<W> {
        let mut buf = Vec::with_capacity(Self::CHUNK + 4096);
        if bom {
            buf.extend_from_slice(UTF8_BOM);
        }
        let start = buf.len();
        Lines {
            out,
            buf,
            fields: 0,
            start,
            width: 0,
            rows: 0,
        }
    }

    /// The header line; the names are quoted if they need it.
    fn header<'a>(&mut self, names: impl Iterator<Item = &'a str>) {
        for name in names {
            let line = self.field();
            push_field(line, name.as_bytes());
        }
        self.width = self.fields;
        self.end_line();
    }

    /// One row of cells, as long as the header.
    #[inline]
    fn row<'c>(
        &mut self,
        cells: impl IntoIterator<Item = impl Borrow<Cell<'c>>>,
    ) -> io::Result<()> {
        for cell in cells {
            self.cell(cell.borrow());
        }
        self.rows += 1;
        if self.fields != self.width {
            return Err(io::Error::other(format!(
                "row {} has {} fields, the header {}",
                self.rows, self.fields, self.width
            )));
        }
        self.end()
    }

    /// One cell: only text is neutralised; numeric cells are never altered.
    #[inline]
    fn cell(&mut self, cell: &Cell<'_>) {
        let line = self.field();
        match cell {
            Cell::Blank => {}
            Cell::Text(t) => push_field(line, neutralise(t).as_bytes()),
            Cell::Money(m) => push_decimal(line, m.value()),
            Cell::Number(d) => push_decimal(line, *d),
            Cell::Count(n) => push_decimal(line, Decimal::from(*n)),
            Cell::Flags(r) => {
                // Fixed words joined by `;`: never a formula, never quoted.
                for (k, flag) in r.flag_words().enumerate() {
                    if k > 0 {
                        line.push(b';');
                    }
                    line.extend_from_slice(flag.as_bytes());
                }
            }
        }
    }

    /// Ends the line: a lone empty field is written `""`, as the csv
    /// crate's writer writes it, so the line is not read as blank.
    fn end_line(&mut self) {
        if self.fields == 1 && self.buf.len() == self.start {
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.push(b'\n');
        self.fields = 0;
        self.start = self.buf.len();
    }

    /// Starts the next field of the line; the caller appends its bytes.
    fn field(&mut self) -> &mut Vec<u8> {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
        &mut self.buf
    }

    /// Ends the line, writing the buffer out once it is large.
    fn end(&mut self) -> io::Result<()> {
        self.end_line();
        if self.buf.len() >= Self::CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
            self.start = 0;
        }
        Ok(())
    }

    /// Whole lines made elsewhere (by [`Lines::into_bytes`]).
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= Self::CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
            self.start = 0;
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.out.flush()
    }
}

impl Lines<Vec<u8>> {
    /// The lines gathered, as bytes.
    fn into_bytes(mut self) -> Vec<u8> {
        self.out.extend_from_slice(&self.buf);
        self.out
    }
}

/// Appends one field as the csv crate's writer writes it: in double
/// quotes, with quotes doubled, when it holds a comma, a quote, CR or LF
/// (what `QuoteStyle::Necessary` quotes with a `\n` terminator); as it is
/// otherwise.
fn push_field(line: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        line.push(b'"');
        for &b in field {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(field);
    }
}

/// Appends a decimal exactly as its `Display` writes it (the sign when the
/// decimal's sign is negative, then the digits at the decimal's own scale:
/// `0.05`, `4095.25`, `1000`, `-0.00`), without going through `fmt`.
fn push_decimal(field: &mut Vec<u8>, d: Decimal) {
    let Ok(mut m) = u64::try_from(d.mantissa().unsigned_abs()) else {
        // Beyond 64 bits (never money or a list): the slow, obvious way.
        field.extend_from_slice(d.to_string().as_bytes());
        return;
    };
    // The text is built from the right in a buffer of zeros (a `u64` has at
    // most 20 digits, a scale at most 28, and the sign and point take two),
    // then copied once.
    let mut text = [b'0'; 32];
    let scale = d.scale() as usize;
    let mut pos = text.len();
    for _ in 0..scale {
        pos -= 1;
        if let Some(slot) = text.get_mut(pos) {
            *slot = b'0' + (m % 10) as u8;
        }
        m /= 10;
    }
    if scale > 0 {
        pos -= 1;
        if let Some(slot) = text.get_mut(pos) {
            *slot = b'.';
        }
    }
    // The whole part: at least one digit, so `0.05`, not `.05`.
    loop {
        pos -= 1;
        if let Some(slot) = text.get_mut(pos) {
            *slot = b'0' + (m % 10) as u8;
        }
        m /= 10;
        if m == 0 {
            break;
        }
    }
    // A zero is never written `-0.00`, whatever its sign bit.
    if d.is_sign_negative() && !d.is_zero() {
        pos -= 1;
        if let Some(slot) = text.get_mut(pos) {
            *slot = b'-';
        }
    }
    field.extend_from_slice(text.get(pos..).unwrap_or_default());
}

/// Writes the savings as CSV: `scope,measure,value`.
pub fn write_savings<W: Write>(savings: &[Savings], out: W, bom: bool) -> io::Result<()> {
    write_report(&savings_report(savings), out, bom)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The csv crate's writer, the oracle the fast writer is held to.
    fn writer<W: Write>(out: W, bom: bool) -> io::Result<csv::Writer<W>> {
        let mut out = out;
        if bom {
            out.write_all(UTF8_BOM)?;
        }
        Ok(csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out))
    }

    /// A report through the csv crate's writer.
    fn write_report_with_csv<W: Write>(report: &Report, out: W, bom: bool) -> io::Result<()> {
        let mut w = writer(out, bom)?;
        w.write_record(report.columns.iter().map(|c| c.name.as_str()))
            .map_err(io::Error::other)?;
        for row in &report.rows {
            w.write_record(row.iter().map(Cell::csv_text))
                .map_err(io::Error::other)?;
        }
        w.flush()
    }

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

    #[test]
    fn fields_are_quoted_as_the_csv_writer_quotes_them() {
        let fields = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            " spaced ",
            "'=1+2",
            "£85.53",
            "ünïcödé",
            "#hash",
            "tab\there",
            ";",
            "\"\"",
            ",",
        ];
        for first in fields {
            for second in fields {
                let mut expected = Vec::new();
                {
                    let mut w = writer(&mut expected, false).unwrap();
                    w.write_record([first, second, "x"]).unwrap();
                    w.flush().unwrap();
                }
                let mut line = Vec::new();
                push_field(&mut line, first.as_bytes());
                line.push(b',');
                push_field(&mut line, second.as_bytes());
                line.extend_from_slice(b",x\n");
                assert_eq!(line, expected, "{first:?} {second:?}");
            }
        }
    }

    #[test]
    fn the_fast_writers_write_the_csv_crates_bytes() {
        use crate::report::{Column, Kind};
        use rust_decimal_macros::dec;
        let texts = [
            "plain",
            "a,b",
            "say \"hi\"",
            "=cmd",
            "-1",
            "+x",
            "@A1",
            "\tt",
            "",
            " sp ",
        ];
        let mut rows = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            rows.push(vec![
                Cell::Text((*t).into()),
                Cell::Blank,
                Cell::Count(i * 1000),
                Cell::Money(crate::money::round_penny(dec!(-1234.565))),
                Cell::Number(dec!(4095.25)),
            ]);
        }
        let report = Report {
            columns: ["a", "b,c", "n", "m", "l"]
                .iter()
                .map(|n| Column::new(*n, Kind::Mixed))
                .collect(),
            rows,
        };
        for bom in [false, true] {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            write_report(&report, &mut fast, bom).unwrap();
            write_report_with_csv(&report, &mut slow, bom).unwrap();
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(slow).unwrap()
            );
        }
        // One column, an empty cell; and a ragged row is refused.
        let lone = Report {
            columns: vec![Column::new("", Kind::Text)],
            rows: vec![vec![Cell::Blank], vec![Cell::Text("x".into())]],
        };
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        write_report(&lone, &mut fast, false).unwrap();
        write_report_with_csv(&lone, &mut slow, false).unwrap();
        assert_eq!(fast, slow);
        let ragged = Report {
            columns: lone.columns.clone(),
            rows: vec![vec![Cell::Blank, Cell::Blank]],
        };
        assert!(write_report(&ragged, &mut Vec::new(), false).is_err());

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for case in ["kensington-chelsea", "haringey-2009", "method-banding"] {
            let bytes = std::fs::read(dir.join(case).join("practices.csv")).unwrap();
            let toml = std::fs::read_to_string(dir.join(case).join("scenario.toml")).unwrap();
            let scenario = crate::scenario::file::parse_scenario(&toml, case).unwrap();
            let input = crate::input::read_input(&bytes, case).unwrap();
            let rebasing = crate::calc::rebase(&input.practices, &scenario).unwrap();
            let rows = crate::report::practice_rows::practice_rows(
                &input.practices,
                &rebasing,
                scenario.years(),
            );
            let plan = crate::calc::Plan::new(&input.practices, &scenario).unwrap();
            let mut table = Vec::new();
            write_report_with_csv(&rows, &mut table, true).unwrap();
            for results in [Results::Held(&rebasing), Results::Planned(&plan)] {
                let mut streamed = Vec::new();
                let years = scenario.years();
                write_practice_rows(&input.practices, results, years, &mut streamed, true).unwrap();
                assert_eq!(
                    String::from_utf8(streamed).unwrap(),
                    String::from_utf8(table.clone()).unwrap(),
                    "{case} {results:?}"
                );
            }
        }
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        use rust_decimal_macros::dec;
        let mut cases = vec![
            dec!(0),
            dec!(0.00),
            dec!(-0.00),
            dec!(0.05),
            dec!(-0.05),
            dec!(4095.25),
            dec!(1000),
            dec!(-1234.50),
            dec!(0.0000001),
            Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 15),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(1, 28),
            Decimal::from_parts(0, 0, 0, true, 0),
            Decimal::from_parts(0, 0, 0, true, 7),
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let lo = x as u32;
            let mid = (x >> 32) as u32;
            let hi = if x % 3 == 0 { (x >> 40) as u32 } else { 0 };
            let small = x % 5 == 0;
            let (lo, mid) = if small { (lo % 100_000, 0) } else { (lo, mid) };
            cases.push(Decimal::from_parts(
                lo,
                mid,
                hi,
                x % 2 == 0,
                (x % 29) as u32,
            ));
        }
        for d in cases {
            let mut field = Vec::new();
            push_decimal(&mut field, d);
            assert_eq!(String::from_utf8(field).unwrap(), d.to_string(), "{d:?}");
        }
    }
}
