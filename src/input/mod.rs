//! Readers at the edge: bytes in, practices (and warnings) out. No file
//! system here: `cli` opens files and hands over their bytes.

pub mod bounds;
pub mod decode;
pub mod headers;
pub mod nhs_payments;
pub mod pieces;
pub mod practices;

use rust_decimal::Decimal;

use crate::error::{DataError, Warning};
use crate::model::Practice;

/// The practices read from one input, with anything worth a warning.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// The practices, in file order.
    pub practices: Vec<Practice>,
    /// Rows kept out or lines that did not reconcile, already counted.
    pub warnings: Vec<Warning>,
}

/// Reads a practice file or an NHS Digital payments file, told apart by
/// their headers. `source` names the file in messages (`<stdin>` for `-`).
pub fn read_input(bytes: &[u8], source: &str) -> Result<Input, DataError> {
    read_text(&decode::decode(bytes, source)?, source)
}

/// [`read_input`] for a file that must be whole (`import`): one that ends
/// inside its last row, without a line break, is refused as cut short.
pub fn read_whole_input(bytes: &[u8], source: &str) -> Result<Input, DataError> {
    let text = decode::decode(bytes, source)?;
    check_whole(&text, source)?;
    read_text(&text, source)
}

fn read_text(text: &str, source: &str) -> Result<Input, DataError> {
    check_separator(text, source)?;
    check_nul(text, source)?;
    check_quotes(text, source)?;
    let input = if nhs_payments::is_payments_file(text) {
        nhs_payments::read_payments(text, source)?
    } else {
        practices::read_practices(text, source)?
    };
    for p in &input.practices {
        check_magnitudes(p, source)?;
    }
    Ok(input)
}

/// `s.trim()`, without decoding any character when the text starts and
/// ends with a visible ASCII byte (nearly every cell), which `trim` would
/// leave in place.
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// A header separated by semicolons or tabs and not commas (a CSV saved
/// with a European list separator, Excel's "Unicode text") is refused for
/// what it is, rather than as a file without a `practice_code` column.
fn check_separator(text: &str, source: &str) -> Result<(), DataError> {
    let header = text.split('\n').next().unwrap_or_default();
    if header.contains(',') {
        return Ok(());
    }
    let (tabs, semicolons) = (header.matches('\t').count(), header.matches(';').count());
    let what = match (tabs, semicolons) {
        (0, 0) => return Ok(()),
        (t, s) if t >= s => "separated by tabs, not commas (it is tab-separated text)",
        _ => "separated by semicolons, not commas",
    };
    Err(DataError::file(
        source,
        format!("the header is {what}; save the file as CSV (comma delimited)"),
    )
    .at_line(1))
}

/// NUL is refused (SPEC §9.6): no practice file holds one, and written out
/// it would cut a name short in other programs. The message names the
/// line, the column and the value.
fn check_nul(text: &str, source: &str) -> Result<(), DataError> {
    let Some(at) = memchr::memchr(0, text.as_bytes()) else {
        return Ok(());
    };
    let error = DataError::file(
        source,
        "holds a NUL character (byte 0), which a practice file never does: the file may be damaged, or not text",
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<csv::StringRecord> = None;
    for record in reader.records() {
        let Ok(record) = record else { break };
        let line = pieces::line_of(text.as_bytes(), record.position());
        if let Some((i, value)) = record.iter().enumerate().find(|(_, f)| f.contains('\0')) {
            return Err(match &header {
                None => error.at_line(line).in_column(value),
                Some(h) => error
                    .at_line(line)
                    .in_column(h.get(i).unwrap_or_default())
                    .with_value(value),
            });
        }
        header.get_or_insert(record);
    }
    let line = pieces::line_breaks(text.as_bytes(), 0, at) + 1;
    Err(error.at_line(line))
}

/// A file whose last line is a row without a line break after it may have
/// been cut short inside that row, even when every cell is there.
fn check_whole(text: &str, source: &str) -> Result<(), DataError> {
    let last = text.rsplit(['\n', '\r']).next().unwrap_or_default();
    if last.trim().is_empty() {
        return Ok(());
    }
    let line = pieces::line_breaks(text.as_bytes(), 0, text.len()) + 1;
    Err(DataError::file(
        source,
        "the file ends inside this row, without a line break, so it looks cut short; import needs the whole file (download it again, or end it with a line break if it is whole)",
    )
    .at_line(line))
}

/// A quote opened and never closed would swallow every later row into one
/// cell (the csv crate accepts it at the end of a file), so it is refused,
/// naming the line where the quote opened (the CSV rules of
/// [`pieces::quoted_fields`]).
fn check_quotes(text: &str, source: &str) -> Result<(), DataError> {
    let bytes = text.as_bytes();
    let Some((quote, _)) = pieces::quoted_fields(bytes).find(|(_, close)| close.is_none()) else {
        return Ok(());
    };
    let line = pieces::line_breaks(bytes, 0, quote);
    Err(DataError::file(
        source,
        "a quote opened here is never closed, so every later row would be read as one cell",
    )
    .at_line(line + 1))
}

/// Largest amount of money a practice figure may hold: a trillion pounds.
const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0); // 1e12
/// Largest list: a billion patients.
const MAX_LIST: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
/// Most decimal places a list may carry (published averages have up to eight).
const MAX_LIST_SCALE: u32 = 10;
/// Most decimal places an amount may carry.
const MAX_AMOUNT_SCALE: u32 = 10;

/// `|v| > max`, for a whole `max`. A mantissa no larger than `max` is a
/// value no larger (the scale only divides), which settles nearly every
/// figure without comparing decimals of different scales.
fn beyond(v: Decimal, max: Decimal) -> bool {
    if v.mantissa().unsigned_abs() <= max.mantissa().unsigned_abs() {
        return false;
    }
    v.abs() > max
}

/// Keeps every figure within bounds where the calculation's exact
/// arithmetic cannot overflow (SPEC §6: a data error, never a crash). The
/// bounds are far beyond any real practice.
fn check_magnitudes(p: &Practice, source: &str) -> Result<(), DataError> {
    let bad = |column: &str, value: Decimal, reason: String| {
        Err(DataError::file(source, reason)
            .at_line(p.line)
            .in_column(column)
            .with_value(value.to_string()))
    };
    let lists = [
        ("list_exeter", Some(p.list_exeter)),
        ("list_practice", p.list_practice),
        ("ghosts", p.ghosts),
        ("list_funded", p.list_funded),
        ("weighted_list", p.weighted_list),
    ];
    for (column, value) in lists {
        if let Some(v) = value {
            if beyond(v, MAX_LIST) {
                return bad(
                    column,
                    v,
                    format!("is too large for a list (at most {MAX_LIST} patients)"),
                );
            }
            if v.scale() > MAX_LIST_SCALE {
                return bad(
                    column,
                    v,
                    format!("has more than {MAX_LIST_SCALE} decimal places"),
                );
            }
        }
    }
    let amounts = [
        ("global_sum", p.global_sum),
        ("mpig", p.mpig),
        ("pms_baseline", p.pms_baseline),
        ("qof", p.qof),
        ("des", p.des),
        ("nes", p.nes),
        ("les", p.les),
        ("other", p.other),
        ("mpig_equivalent", p.mpig_equivalent),
        ("superannuation", p.superannuation),
    ];
    for (column, v) in amounts {
        if beyond(v, MAX_AMOUNT) {
            return bad(
                column,
                v,
                "is too large for a practice's payment (at most £1,000,000,000,000)".to_owned(),
            );
        }
        if v.scale() > MAX_AMOUNT_SCALE {
            return bad(
                column,
                v,
                format!("has more than {MAX_AMOUNT_SCALE} decimal places"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod trim_tests {
    proptest::proptest! {
        #[test]
        fn trims_as_str_trim_does(s in "\\PC*", pad in "[ \t\r\n\u{a0}\u{2003}\u{feff}\u{85}]{0,2}") {
            let padded = format!("{pad}{s}{pad}");
            proptest::prop_assert_eq!(super::trim(&s), s.trim());
            proptest::prop_assert_eq!(super::trim(&padded), padded.trim());
        }
    }
}
