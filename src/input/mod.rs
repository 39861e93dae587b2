//! Readers at the edge: bytes in, practices (and warnings) out. No file
//! system here: `cli` opens files and hands over their bytes.

pub mod bounds;
pub mod decode;
pub mod headers;
pub mod nhs_payments;
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
    let text = decode::decode(bytes);
    check_quotes(&text, source)?;
    let input = if nhs_payments::is_payments_file(&text) {
        nhs_payments::read_payments(&text, source)?
    } else {
        practices::read_practices(&text, source)?
    };
    for p in &input.practices {
        check_magnitudes(p, source)?;
    }
    Ok(input)
}

/// A quote opened and never closed would swallow every later row into one
/// cell (the csv crate accepts it at the end of a file), so it is refused,
/// naming the line where the quote opened. The scan follows the CSV rules:
/// a quote opens a quoted field only at the start of a field (`Dr O"Brien`
/// is text), and a doubled quote inside one is a literal quote.
fn check_quotes(text: &str, source: &str) -> Result<(), DataError> {
    let mut open_line: Option<u64> = None;
    let mut line: u64 = 1;
    let mut field_start = true;
    let mut bytes = text.bytes().peekable();
    while let Some(byte) = bytes.next() {
        if byte == b'\n' {
            line += 1;
        }
        match (open_line, byte) {
            (None, b'"') if field_start => open_line = Some(line),
            (None, b',' | b'\n' | b'\r') => field_start = true,
            (None, _) => field_start = false,
            (Some(_), b'"') => {
                if bytes.peek() == Some(&b'"') {
                    bytes.next(); // a doubled quote: a literal one
                } else {
                    open_line = None;
                    field_start = false;
                }
            }
            (Some(_), _) => {}
        }
    }
    match open_line {
        Some(l) => Err(DataError::file(
            source,
            "a quote opened here is never closed, so every later row would be read as one cell",
        )
        .at_line(l)),
        None => Ok(()),
    }
}

/// Largest amount of money a practice figure may hold: a trillion pounds.
const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0); // 1e12
/// Largest list: a billion patients.
const MAX_LIST: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
/// Most decimal places a list may carry (published averages have up to eight).
const MAX_LIST_SCALE: u32 = 10;
/// Most decimal places an amount may carry.
const MAX_AMOUNT_SCALE: u32 = 10;

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
            if v.abs() > MAX_LIST {
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
        if v.abs() > MAX_AMOUNT {
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
