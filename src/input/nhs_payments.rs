//! NHS Digital's "NHS Payments to General Practice, England" file (SPEC §2,
//! §7), read as it is published, for every vintage from 2015/16 on.
//!
//! The publication has one row per practice and one column per payment line,
//! up to `Total NHS Payments to General Practice`. Its header names drift
//! between years (spaced names from 2017/18, CamelCase with a `_£` suffix in
//! 2015/16 and 2016/17, relabelled columns later), so columns are found by
//! their normalized names and by where the publication places them:
//!
//! - the payment columns are those between the list and per-patient columns
//!   and the total; everything after the total (deductions, PCN and COVID
//!   payments, further totals and averages) is not read;
//! - the DES columns are those between `Total QOF Payments` and the national
//!   or local enhanced services (incentive schemes) column;
//! - every other payment column before the total goes to `other`.
//!
//! Each practice's lines are checked against the published total; rows whose
//! contract type is not GMS, PMS or APMS are kept out with a warning.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::error::{DataError, Warning, WarningCode};
use crate::input::headers::normalize;
use crate::input::practices::csv_error;
use crate::input::{Input, pieces};
use crate::model::{ContractType, Practice, PremiumTakeUp};
use crate::money::{NumberError, parse_amount};

/// The publication's total, normalized: what recognises the file.
const TOTAL: &str = "totalnhspaymentstogeneralpractice";
/// The total as the publication spells it (for messages).
const TOTAL_NAME: &str = "Total NHS Payments to General Practice";

/// True when the header row is the publication's: it has a
/// `Total NHS Payments to General Practice` column.
///
/// Only the first record is parsed (with the CSV reader, so quoted header
/// names holding commas are read whole).
#[must_use]
pub fn is_payments_file(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.iter().any(|h| normalize(h) == TOTAL),
        Ok(false) | Err(_) => false,
    }
}

/// Reads the publication into practices, with a warning for the rows kept
/// out (contract type not GMS, PMS or APMS) and one for the practices whose
/// lines do not add up to the published total. `source` names the file in
/// messages.
pub fn read_payments(text: &str, source: &str) -> Result<Input, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(&e, source))?.clone();
    let layout = Layout::new(&headers, source)?;

    let (body, pieces) = pieces::body(&reader, text, source)?;
    let row = |record: &csv::StringRecord, line: u64| {
        if record.iter().all(|f| f.trim().is_empty()) {
            return Ok(None); // a blank line between rows carries no practice
        }
        let row = Row {
            record,
            layout: &layout,
            line,
            source,
        };
        let read = row.read()?;
        let written = read
            .contract
            .is_none()
            .then(|| row.cell(layout.contract).trim().to_owned());
        Ok(Some((read, line, written)))
    };
    // One practice a line at most: reserving once spares the copies of growth.
    let mut gathered = Gathered::with_capacity(memchr::memchr_iter(b'\n', body.as_bytes()).count());
    pieces::read_rows(
        &pieces,
        (headers.len(), source),
        row,
        |(read, line, written)| gathered.add(read, line, written.as_deref(), (&layout, source)),
    )?;
    gathered.finish(source)
}

/// The rows as they are read, in file order: the practices, every code
/// seen (for repeats), the rows kept out and the practices whose lines do
/// not add up to the published total.
#[derive(Debug, Default)]
struct Gathered {
    practices: Vec<Practice>,
    first_line: HashMap<String, u64>,
    skipped: Skipped,
    unreconciled: Vec<String>,
    largest_difference: Decimal,
}

impl Gathered {
    fn with_capacity(rows: usize) -> Gathered {
        Gathered {
            practices: Vec::with_capacity(rows),
            first_line: HashMap::with_capacity(rows),
            ..Gathered::default()
        }
    }

    /// One row read on `line`; `written` is its contract type as written
    /// when that is none rebase re-bases.
    fn add(
        &mut self,
        read: ReadRow,
        line: u64,
        written: Option<&str>,
        (layout, source): (&Layout, &str),
    ) -> Result<(), DataError> {
        let code = &read.practice.practice_code;
        if let Some(first) = self.first_line.insert(code.clone(), line) {
            return Err(DataError::file(
                source,
                format!("appears twice (first on line {first}); practice codes must be unique"),
            )
            .at_line(line)
            .in_column(layout.header(layout.practice_code))
            .with_value(code.as_str()));
        }
        let Some(contract) = read.contract else {
            self.skipped
                .add(read.practice.practice_code, written.unwrap_or_default());
            return Ok(());
        };
        let difference = read.lines.checked_sub(read.total);
        if difference != Some(Decimal::ZERO) {
            if let Some(d) = difference {
                self.largest_difference = self.largest_difference.max(d.abs());
            }
            self.unreconciled.push(code.clone());
        }
        self.practices.push(Practice {
            contract,
            ..read.practice
        });
        Ok(())
    }

    /// The practices and their warnings; none at all is an error.
    fn finish(self, source: &str) -> Result<Input, DataError> {
        let Gathered {
            practices,
            skipped,
            unreconciled,
            largest_difference,
            ..
        } = self;
        if practices.is_empty() {
            let reason = if skipped.codes.is_empty() {
                "the file has a header but no practices".to_owned()
            } else {
                format!(
                    "the NHS payments file has no GMS, PMS or APMS practices ({})",
                    skipped.message()
                )
            };
            return Err(DataError::file(source, reason));
        }
        let mut warnings = Vec::new();
        if !skipped.codes.is_empty() {
            warnings.push(Warning {
                code: WarningCode::SkippedRows,
                message: skipped.message(),
                practices: skipped.codes,
            });
        }
        if !unreconciled.is_empty() {
            let n = unreconciled.len();
            let (who, verb) = if n == 1 {
                ("1 practice".to_owned(), "has")
            } else {
                (format!("{n} practices"), "have")
            };
            warnings.push(Warning {
                code: WarningCode::Reconciliation,
                message: format!(
                    "{who} {verb} payment lines that do not add up to the published {TOTAL_NAME} (largest difference {})",
                    largest_difference.normalize()
                ),
                practices: unreconciled,
            });
        }
        Ok(Input {
            practices,
            warnings,
        })
    }
}

/// Rows kept out of the calculation, with the contract types they had.
#[derive(Debug, Default)]
struct Skipped {
    codes: Vec<String>,
    /// Distinct contract types as written (blank as ""), in file order.
    kinds: Vec<String>,
}

impl Skipped {
    fn add(&mut self, code: String, contract: &str) {
        self.codes.push(code);
        if !self.kinds.iter().any(|k| k.eq_ignore_ascii_case(contract)) {
            self.kinds.push(contract.to_owned());
        }
    }

    /// "12 rows with contract type UNKNOWN were kept out of the calculation".
    fn message(&self) -> String {
        let n = self.codes.len();
        let (rows, verb) = if n == 1 {
            ("1 row".to_owned(), "was")
        } else {
            (format!("{n} rows"), "were")
        };
        let named: Vec<&str> = self
            .kinds
            .iter()
            .map(|k| if k.is_empty() { "blank" } else { k.as_str() })
            .collect();
        let kind = if named == ["blank"] {
            "a blank contract type".to_owned()
        } else {
            format!("contract type {}", named.join(" or "))
        };
        format!("{rows} with {kind} {verb} kept out of the calculation")
    }
}

/// What a payment column counts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    GlobalSum,
    Mpig,
    PmsBaseline,
    Qof,
    Des,
    Nes,
    Les,
    Other,
}

/// Where everything sits in this vintage's header, worked out once.
#[derive(Debug)]
struct Layout {
    /// Header names as written (trimmed), for messages.
    headers: Vec<String>,
    practice_code: usize,
    practice_name: Option<usize>,
    contract: usize,
    ccg: Option<usize>,
    sub_icb: Option<usize>,
    close_date: Option<usize>,
    list: usize,
    weighted: Option<usize>,
    total: usize,
    /// Every column counted in the published total, in file order, with its line.
    payments: Vec<(usize, Line)>,
}

/// Normalized names of the national enhanced services column.
const NES: [&str; 2] = ["nationalenhancedservices", "totalnationalenhancedservices"];
/// Normalized names of the local enhanced services / incentive schemes column.
const LES: [&str; 4] = [
    "totallocalenhancedservices",
    "localenhancedservices",
    "totallocalincentiveschemes",
    "localincentiveschemes",
];
/// Normalized names of the 2015/16 split of local enhanced services.
const LES_PARTS: [&str; 2] = ["localenhancedservicesnhais", "localenhancedservicesisfe"];

/// The header names before the published total, and how to find a column
/// among them (a column named twice is a data error).
struct Header<'a> {
    written: &'a [String],
    before: &'a [String],
    source: &'a str,
}

impl Header<'_> {
    fn missing(&self, what: &str) -> DataError {
        DataError::file(
            self.source,
            format!("the NHS payments file has no `{what}` column"),
        )
        .at_line(1)
    }

    fn find(&self, accepted: &[&str]) -> Result<Option<usize>, DataError> {
        let mut found = self
            .before
            .iter()
            .enumerate()
            .filter(|(_, n)| accepted.contains(&n.as_str()))
            .map(|(i, _)| i);
        let first = found.next();
        if let (Some(a), Some(b)) = (first, found.next()) {
            let name = |i: usize| self.written.get(i).map_or("", String::as_str);
            return Err(DataError::file(
                self.source,
                format!(
                    "the header names the same column twice (`{}` and `{}`)",
                    name(a),
                    name(b)
                ),
            )
            .at_line(1));
        }
        Ok(first)
    }

    fn required(&self, accepted: &[&str], what: &str) -> Result<usize, DataError> {
        self.find(accepted)?.ok_or_else(|| self.missing(what))
    }

    /// Whether column `i` has one of the accepted names.
    fn is(&self, i: usize, accepted: &[&str]) -> bool {
        self.before
            .get(i)
            .is_some_and(|n| accepted.contains(&n.as_str()))
    }
}

/// The list columns: the registered list used, the weighted list, and the
/// first column after every list and per-patient average (where payments start).
struct Lists {
    list: usize,
    weighted: Option<usize>,
    start: usize,
}

fn list_columns(h: &Header<'_>) -> Result<Lists, DataError> {
    let average = h.find(&["averagenumberofregisteredpatients"])?;
    let last_known = h.find(&[
        "numberofregisteredpatientslastknownfigure",
        "numberofregisteredpatients",
    ])?;
    let list = average.or(last_known).ok_or_else(|| {
        DataError::file(
            h.source,
            "the NHS payments file has no `Average Number of Registered Patients` (or `Number of Registered Patients (Last Known Figure)`) column",
        )
        .at_line(1)
    })?;
    let weighted_average = h.find(&["averagenumberofweightedpatients"])?;
    let weighted_last = h.find(&[
        "numberofweightedpatientslastknownfigure",
        "numberofweightedpatients",
    ])?;
    let per_registered = h.find(&[
        "averagepaymentsperregisteredpatient",
        "averagepaymentperregisteredpatient",
    ])?;
    let per_weighted = h.find(&[
        "averagepaymentsperweightedpatient",
        "averagepaymentperweightedpatient",
    ])?;
    // The payment columns start after the last list or per-patient column.
    let start = [
        average,
        last_known,
        weighted_average,
        weighted_last,
        per_registered,
        per_weighted,
    ]
    .into_iter()
    .flatten()
    .max()
    .map_or(0, |i| i + 1);
    Ok(Lists {
        list,
        weighted: weighted_average.or(weighted_last),
        start,
    })
}

/// The three core lines and QOF, by column.
struct Core {
    global_sum: usize,
    mpig: usize,
    pms: usize,
    qof: usize,
}

/// Every column counted in the published total, in file order, with the
/// line it goes to (SPEC §2 and §7's mapping).
fn payment_columns(h: &Header<'_>, core: &Core, start: usize, total: usize) -> Vec<(usize, Line)> {
    let les_total_given = h.before.iter().any(|n| LES.contains(&n.as_str()));
    // DES: after QOF, up to the first national or local enhanced services column.
    let des_end = (core.qof + 1..total)
        .find(|&i| h.is(i, &NES) || h.is(i, &LES) || h.is(i, &LES_PARTS))
        .unwrap_or(core.qof + 1);
    let mut payments = Vec::with_capacity(total.saturating_sub(start));
    for i in 0..total {
        let line = if i == core.global_sum {
            Line::GlobalSum
        } else if i == core.mpig {
            Line::Mpig
        } else if i == core.pms {
            Line::PmsBaseline
        } else if i == core.qof {
            Line::Qof
        } else if h.is(i, &NES) {
            Line::Nes
        } else if h.is(i, &LES) {
            Line::Les
        } else if h.is(i, &LES_PARTS) {
            if les_total_given {
                continue; // parts of the total column, already counted there
            }
            Line::Les
        } else if i < start {
            continue; // practice details, lists and per-patient averages
        } else if i > core.qof && i < des_end {
            Line::Des
        } else {
            Line::Other
        };
        payments.push((i, line));
    }
    payments
}

impl Layout {
    fn new(headers: &csv::StringRecord, source: &str) -> Result<Layout, DataError> {
        let written: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
        let names: Vec<String> = headers.iter().map(normalize).collect();
        let total = names.iter().position(|n| n == TOTAL).ok_or_else(|| {
            DataError::file(
                source,
                format!("the NHS payments file has no `{TOTAL_NAME}` column"),
            )
            .at_line(1)
        })?;
        // Only the columns before the total are read.
        let h = Header {
            written: &written,
            before: names.get(..total).unwrap_or_default(),
            source,
        };
        let practice_code = h.required(&["practicecode"], "Practice Code")?;
        let contract = h.required(&["contracttype"], "Contract Type")?;
        let lists = list_columns(&h)?;
        let core = Core {
            global_sum: h.required(&["globalsum"], "Global Sum")?,
            mpig: h.required(&["mpigcorrectionfactor"], "MPIG Correction factor")?,
            pms: h.required(&["balanceofpmsexpenditure"], "Balance of PMS Expenditure")?,
            qof: h.required(&["totalqofpayments"], "Total QOF Payments")?,
        };
        let payments = payment_columns(&h, &core, lists.start, total);
        Ok(Layout {
            practice_code,
            practice_name: h.find(&["practicename"])?,
            contract,
            ccg: h.find(&["ccgcode"])?,
            sub_icb: h.find(&["subicblocationcode", "subicbcode"])?,
            close_date: h.find(&["practiceclosedate"])?,
            list: lists.list,
            weighted: lists.weighted,
            total,
            payments,
            headers: written,
        })
    }

    fn header(&self, index: usize) -> &str {
        self.headers.get(index).map_or("", String::as_str)
    }
}

/// One row being read, for its cells and messages.
struct Row<'a> {
    record: &'a csv::StringRecord,
    layout: &'a Layout,
    line: u64,
    source: &'a str,
}

/// A row as read: the practice (its contract a placeholder when `contract`
/// is `None`), the sum of its lines and the published total.
struct ReadRow {
    practice: Practice,
    contract: Option<ContractType>,
    lines: Decimal,
    total: Decimal,
}

impl Row<'_> {
    fn cell(&self, index: usize) -> &str {
        self.record.get(index).unwrap_or("")
    }

    fn text(&self, index: Option<usize>) -> &str {
        index.map_or("", |i| crate::input::trim(self.cell(i)))
    }

    fn error(&self, index: usize, value: &str, reason: impl Into<String>) -> DataError {
        DataError::file(self.source, reason)
            .at_line(self.line)
            .in_column(self.layout.header(index))
            .with_value(value)
    }

    /// A money amount or list count; blank is zero.
    fn amount(&self, index: usize) -> Result<Decimal, DataError> {
        let raw = self.cell(index);
        amount(raw).map_err(|e| self.error(index, raw, e.to_string()))
    }

    /// A list count: blank is zero, never negative.
    fn list(&self, index: usize) -> Result<Decimal, DataError> {
        let value = self.amount(index)?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(self.error(index, self.cell(index), "is negative, and a list cannot be"));
        }
        Ok(value)
    }

    fn read(&self) -> Result<ReadRow, DataError> {
        let layout = self.layout;
        let practice_code = self.text(Some(layout.practice_code));
        if practice_code.is_empty() {
            return Err(self.error(
                layout.practice_code,
                "",
                "is blank; every practice needs a code",
            ));
        }
        let contract = self
            .text(Some(layout.contract))
            .parse::<ContractType>()
            .ok();
        let list_exeter = self.list(layout.list)?;
        let weighted_list = match layout.weighted {
            Some(i) if !self.cell(i).trim().is_empty() => Some(self.list(i)?),
            _ => None,
        };
        let close_date = match layout.close_date {
            Some(i) => {
                let raw = self.cell(i);
                close_date(raw).map_err(|reason| self.error(i, raw, reason))?
            }
            None => None,
        };
        let mut group = self.text(layout.ccg);
        if group.is_empty() {
            group = self.text(layout.sub_icb);
        }

        let mut practice = Practice {
            line: self.line,
            practice_code: practice_code.to_owned(),
            practice_name: self.text(layout.practice_name).to_owned(),
            contract: contract.unwrap_or(ContractType::Gms),
            group: group.to_owned(),
            list_exeter,
            list_practice: None,
            ghosts: None,
            list_funded: None,
            weighted_list,
            global_sum: Decimal::ZERO,
            mpig: Decimal::ZERO,
            pms_baseline: Decimal::ZERO,
            qof: Decimal::ZERO,
            des: Decimal::ZERO,
            nes: Decimal::ZERO,
            les: Decimal::ZERO,
            other: Decimal::ZERO,
            mpig_equivalent: Decimal::ZERO,
            superannuation: Decimal::ZERO,
            premium: PremiumTakeUp::NoColumn,
            close_date,
        };
        let mut lines = Decimal::ZERO;
        for &(index, line) in &layout.payments {
            let value = self.amount(index)?;
            let slot = match line {
                Line::GlobalSum => &mut practice.global_sum,
                Line::Mpig => &mut practice.mpig,
                Line::PmsBaseline => &mut practice.pms_baseline,
                Line::Qof => &mut practice.qof,
                Line::Des => &mut practice.des,
                Line::Nes => &mut practice.nes,
                Line::Les => &mut practice.les,
                Line::Other => &mut practice.other,
            };
            *slot = slot.checked_add(value).ok_or_else(|| {
                self.error(index, self.cell(index), "is too large to add up exactly")
            })?;
            lines = lines.checked_add(value).ok_or_else(|| {
                self.error(index, self.cell(index), "is too large to add up exactly")
            })?;
        }
        let total = self.amount(layout.total)?;
        Ok(ReadRow {
            practice,
            contract,
            lines,
            total,
        })
    }
}

/// A number as the publication writes it; blank is zero. Plain decimals
/// (nearly every cell) are read directly, anything else as SPEC §1 allows.
fn amount(raw: &str) -> Result<Decimal, NumberError> {
    // A plain number has no space to trim: read it before trimming.
    if let Some(value) = crate::money::parse_plain(raw) {
        return Ok(value);
    }
    let s = raw.trim();
    if s.is_empty() {
        return Ok(Decimal::ZERO);
    }
    if let Some(value) = crate::money::parse_plain(s) {
        return Ok(value);
    }
    parse_amount(s)
}

/// Why a close date cannot be read.
const BAD_DATE: &str =
    "is not a date (write it as dd/mm/yyyy, yyyy-mm-dd or a spreadsheet date serial number)";

/// A close date as ISO `yyyy-mm-dd`; `None` when blank, a space or `-`.
/// Accepts spreadsheet serial numbers (Excel's 1900 system: 36251 is
/// 1 April 1999), `dd/mm/yyyy` text and ISO dates.
fn close_date(raw: &str) -> Result<Option<String>, &'static str> {
    let s = raw.trim();
    if s.is_empty() || s == "-" {
        return Ok(None);
    }
    let (year, month, day) = if let Some((d, rest)) = s.split_once('/') {
        let (m, y) = rest.split_once('/').ok_or(BAD_DATE)?;
        if y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
            return Err(BAD_DATE);
        }
        (number(y)?, number(m)?, number(d)?)
    } else if s.len() == 10
        && s.as_bytes().get(4) == Some(&b'-')
        && s.as_bytes().get(7) == Some(&b'-')
    {
        let part = |range: std::ops::Range<usize>| s.get(range).ok_or(BAD_DATE).and_then(number);
        (part(0..4)?, part(5..7)?, part(8..10)?)
    } else {
        // A serial number, possibly with a time of day as its fraction.
        let whole = s.split_once('.').map_or(s, |(w, f)| {
            if f.bytes().all(|b| b.is_ascii_digit()) {
                w
            } else {
                s
            }
        });
        from_serial(number(whole)?)?
    };
    if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(BAD_DATE);
    }
    Ok(Some(format!("{year:04}-{month:02}-{day:02}")))
}

/// Digits only, as a number.
fn number(s: &str) -> Result<i64, &'static str> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BAD_DATE);
    }
    s.parse().map_err(|_| BAD_DATE)
}

/// Excel's 1900 date system: serial 1 is 1 January 1900 and serial 60 the
/// 29 February 1900 that never was; from serial 61 (1 March 1900) on, a
/// serial counts days from 30 December 1899.
fn from_serial(serial: i64) -> Result<(i64, i64, i64), &'static str> {
    // 30 and 31 December 1899, as days since 1 January 1970.
    const DAY_ZERO: i64 = -25_569;
    const DAY_ZERO_BEFORE_LEAP_BUG: i64 = -25_568;
    match serial {
        1..=59 => Ok(civil_from_days(DAY_ZERO_BEFORE_LEAP_BUG + serial)),
        61..=2_958_465 => Ok(civil_from_days(DAY_ZERO + serial)),
        _ => Err(BAD_DATE),
    }
}

/// The proleptic Gregorian date of a count of days since 1 January 1970
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// A 2018/19-style header, cut down: lists, per-patient averages, the
    /// payment lines, the total and columns after it.
    const HEADER: &str = "CCG Code,Practice Code,Practice Name,Practice Close Date,Contract Type,\
Average Number of Registered Patients,Average Number of Weighted Patients,\
Average payments per registered patient,Average payments per weighted patient,\
Global Sum,MPIG Correction factor,Balance of PMS Expenditure,Total QOF Payments,\
Extended Hours Access,Minor Surgery,Total Local Incentive Schemes,Premises Payments,\
PCN Participation,\"Non DES Item Pneumococcal Vaccine, Childhood Immunisation Main Programme\",\
Total NHS Payments to General Practice,\"Deductions for Pensions, Levies and Prescription Charge Income\",\
PCN Leadership,Covid Immunisation\n";

    fn read(rows: &str) -> Input {
        read_payments(&format!("{HEADER}{rows}"), "p.csv").unwrap()
    }

    fn error(text: &str) -> String {
        read_payments(text, "p.csv").unwrap_err().to_string()
    }

    #[test]
    fn recognises_the_publication_by_its_total_column() {
        assert!(is_payments_file(HEADER));
        assert!(is_payments_file(&format!("\u{feff}{HEADER}")));
        assert!(is_payments_file(
            "PracticeCode,TotalNHSPaymentsToGeneralPractice_£\r\nA1,1\r\n"
        ));
        // A quoted name is one name, commas and all.
        assert!(is_payments_file(
            "\"Deductions, Levies\",\"Total NHS Payments to General Practice\"\n"
        ));
        assert!(!is_payments_file(
            "\"Notes, Total NHS Payments to General Practice\",x\n"
        ));
        assert!(!is_payments_file(
            "Total NHS Payments to General Practice Minus Deductions\n"
        ));
        assert!(!is_payments_file(
            "practice_code,contract,list_exeter\nE1,GMS,1\n"
        ));
        assert!(!is_payments_file(""));
    }

    #[test]
    fn maps_every_line() {
        let input = read(
            "00K,A1,  DR ONE  , ,PMS,4095.25,4728.6,1,1,10,20,30,40,1,2,3,100,5,6,217,-9,1000,2000\n",
        );
        assert!(input.warnings.is_empty(), "{:?}", input.warnings);
        let p = &input.practices[0];
        assert_eq!(p.line, 2);
        assert_eq!(p.practice_code, "A1");
        assert_eq!(p.practice_name, "DR ONE");
        assert_eq!(p.group, "00K");
        assert_eq!(p.contract, ContractType::Pms);
        assert_eq!(p.list_exeter, dec!(4095.25));
        assert_eq!(p.weighted_list, Some(dec!(4728.6)));
        assert_eq!(
            (p.global_sum, p.mpig, p.pms_baseline, p.qof),
            (dec!(10), dec!(20), dec!(30), dec!(40))
        );
        assert_eq!(p.des, dec!(3)); // Extended Hours Access + Minor Surgery
        assert_eq!(p.nes, dec!(0));
        assert_eq!(p.les, dec!(3));
        assert_eq!(p.other, dec!(111)); // premises + PCN Participation + Non DES item
        assert_eq!(p.close_date, None);
        assert_eq!(
            (p.list_practice, p.ghosts, p.list_funded),
            (None, None, None)
        );
        assert_eq!((p.mpig_equivalent, p.superannuation), (dec!(0), dec!(0)));
        assert_eq!(p.premium, PremiumTakeUp::NoColumn);
    }

    #[test]
    fn prefers_the_average_list_to_the_last_known_figure() {
        let text = "Practice Code,Contract Type,Number of Registered Patients (Last Known Figure),\
Average Number of Registered Patients,Number of Weighted Patients (Last Known Figure),\
Global Sum,MPIG Correction factor,Balance of PMS Expenditure,Total QOF Payments,Total NHS Payments to General Practice\n\
A1,GMS,100,98.5,120,1,0,0,2,3\n";
        let p = &read_payments(text, "p.csv").unwrap().practices[0];
        assert_eq!(p.list_exeter, dec!(98.5));
        assert_eq!(p.weighted_list, Some(dec!(120)));
        assert_eq!(p.group, "");
        assert_eq!(p.practice_name, "");
    }

    #[test]
    fn reads_the_camel_case_vintages() {
        // 2015/16: split local enhanced services and no weighted average column.
        let text = "PracticeCode,CCGCode,ContractType,NumberOfRegisteredPatientsLastKnownFigure,\
NumberOfWeightedPatientsLastKnownFigure,AveragePaymentPerRegisteredPatient_£,AveragePaymentPerWeightedPatient_£,\
GlobalSum_£,MPIGCorrectionFactor_£,PremisesPayments_£,TotalQOFPayments_£,Alcohol_£,MinorSurgery_£,\
NationalEnhancedServices_£,LocalEnhancedServices_NHAIS_£,LocalEnhancedServices_ISFE_£,BalanceOfPMSExpenditure_£,\
OtherPayments_£,TotalNHSPaymentsToGeneralPractice_£,TotalNHSPaymentsToGeneralPracticeMinusDeductions_£\n\
C85001,02P,PMS,4268,5209.497299,1,1,0,0,100,50,1,2,3,4,5,600,7,772,700\n";
        let p = &read_payments(text, "p.csv").unwrap().practices[0];
        assert_eq!(p.weighted_list, Some(dec!(5209.497299)));
        assert_eq!(p.des, dec!(3));
        assert_eq!(p.nes, dec!(3));
        assert_eq!(p.les, dec!(9));
        assert_eq!(p.pms_baseline, dec!(600));
        assert_eq!(p.other, dec!(107));
        // With a total local enhanced services column too, the parts are in it.
        let with_total = text
            .replace(
                "LocalEnhancedServices_ISFE_£,",
                "LocalEnhancedServices_ISFE_£,TotalLocalEnhancedServices_£,",
            )
            .replace(",4,5,600,", ",4,5,9,600,");
        let input = read_payments(&with_total, "p.csv").unwrap();
        assert!(input.warnings.is_empty(), "{:?}", input.warnings);
        assert_eq!(input.practices[0].les, dec!(9));
    }

    #[test]
    fn counts_what_does_not_reconcile() {
        let input = read(
            "00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n\
             00K,A2,Two,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10.01,0,0,0\n\
             00K,A3,Three,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,7,0,0,0\n",
        );
        assert_eq!(input.practices.len(), 3);
        assert_eq!(input.warnings.len(), 1);
        let w = &input.warnings[0];
        assert_eq!(w.code, WarningCode::Reconciliation);
        assert_eq!(w.practices, ["A2", "A3"]);
        assert_eq!(
            w.message,
            "2 practices have payment lines that do not add up to the published Total NHS Payments to General Practice (largest difference 3)"
        );
    }

    #[test]
    fn never_overflows_on_huge_amounts() {
        let huge = "79228162514264337593543950335";
        let input = read(&format!(
            "00K,A1,One,,GMS,10,10,1,1,{huge},0,0,0,0,0,0,0,0,0,-{huge},0,0,0\n"
        ));
        assert_eq!(input.warnings[0].code, WarningCode::Reconciliation);
        let err = error(&format!(
            "{HEADER}00K,A1,One,,GMS,10,10,1,1,{huge},{huge},0,0,0,0,0,0,0,0,0,0,0,0\n"
        ));
        assert!(err.contains("column `MPIG Correction factor`"), "{err}");
        assert!(err.ends_with("is too large to add up exactly"), "{err}");
    }

    #[test]
    fn keeps_out_rows_without_a_contract_type() {
        let input = read(
            "00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n\
             00K,A2,Two,,UNKNOWN,0,0,0,0,0,0,0,-5,0,0,0,0,0,0,-5,0,0,0\n\
             00K,A3,Three,,UNKNOWN,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n",
        );
        assert_eq!(input.practices.len(), 1);
        assert_eq!(input.warnings.len(), 1);
        let w = &input.warnings[0];
        assert_eq!(w.code, WarningCode::SkippedRows);
        assert_eq!(
            w.message,
            "2 rows with contract type UNKNOWN were kept out of the calculation"
        );
        assert_eq!(w.practices, ["A2", "A3"]);

        let mixed = read(
            "00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n\
             00K,A2,Two,, ,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n\
             00K,A3,Three,,Unknown,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n",
        );
        assert_eq!(
            mixed.warnings[0].message,
            "2 rows with contract type blank or Unknown were kept out of the calculation"
        );
        let blank = read(
            "00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n\
             00K,A2,Two,,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n",
        );
        assert_eq!(
            blank.warnings[0].message,
            "1 row with a blank contract type was kept out of the calculation"
        );
        let none = error(&format!(
            "{HEADER}00K,A2,Two,,UNKNOWN,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
        ));
        assert!(
            none.contains("has no GMS, PMS or APMS practices (1 row with contract type UNKNOWN"),
            "{none}"
        );
    }

    #[test]
    fn keeps_closed_and_zero_list_practices_with_their_dates() {
        let input = read(
            "00K,A1,One,36251,GMS,0,0,0,0,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n\
             00K,A2,Two,30/09/2015,PMS,0,0,0,0,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n\
             00K,A3,Three,-,APMS,5,5,0,0,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n",
        );
        let dates: Vec<_> = input
            .practices
            .iter()
            .map(|p| p.close_date.as_deref())
            .collect();
        assert_eq!(dates, [Some("1999-04-01"), Some("2015-09-30"), None]);
        assert_eq!(input.practices[0].list_exeter, dec!(0));
    }

    #[test]
    fn reads_dates_every_way_they_are_written() {
        let cases = [
            ("", None),
            (" ", None),
            ("-", None),
            ("36251", Some("1999-04-01")),
            ("43190", Some("2018-03-31")),
            ("43190.5", Some("2018-03-31")),
            ("61", Some("1900-03-01")),
            ("59", Some("1900-02-28")),
            ("1", Some("1900-01-01")),
            ("1/4/1999", Some("1999-04-01")),
            ("29/02/2016", Some("2016-02-29")),
            ("2019-04-30", Some("2019-04-30")),
        ];
        for (raw, want) in cases {
            assert_eq!(close_date(raw), Ok(want.map(str::to_owned)), "{raw:?}");
        }
        for raw in [
            "60",
            "0",
            "29/02/2015",
            "31/04/2019",
            "1/13/2019",
            "01/04/99",
            "x",
            "2019-4-30",
            "12.x",
            "-5",
        ] {
            assert_eq!(close_date(raw), Err(BAD_DATE), "{raw:?}");
        }
    }

    #[test]
    fn falls_back_to_the_sub_icb_location_for_the_group() {
        let text = "Sub ICB Location Code,CCG Code,Practice Code,Contract Type,Average Number of Registered Patients,\
Global Sum,MPIG Correction factor,Balance of PMS Expenditure,Total QOF Payments,Total NHS Payments to General Practice\n\
16C,00K,A1,GMS,10,1,0,0,0,1\n16C,,A2,GMS,10,1,0,0,0,1\n";
        let groups: Vec<_> = read_payments(text, "p.csv")
            .unwrap()
            .practices
            .into_iter()
            .map(|p| p.group)
            .collect();
        assert_eq!(groups, ["00K", "16C"]);
        let without_ccg = "Sub ICB Location Code,Practice Code,Contract Type,Average Number of Registered Patients,\
Global Sum,MPIG Correction factor,Balance of PMS Expenditure,Total QOF Payments,Total NHS Payments to General Practice\n\
16C,A1,GMS,10,1,0,0,0,1\n";
        assert_eq!(
            read_payments(without_ccg, "p.csv").unwrap().practices[0].group,
            "16C"
        );
    }

    #[test]
    fn reads_numbers_as_spec_1_allows_and_names_the_bad_ones() {
        let input = read("00K,A1,One,,GMS,\"1,000\",,,,\"£1,000.50\",(0.50),,,,,,,,,1000,,,\n");
        let p = &input.practices[0];
        assert!(input.warnings.is_empty(), "{:?}", input.warnings);
        assert_eq!(p.list_exeter, dec!(1000));
        assert_eq!(p.weighted_list, None);
        assert_eq!(p.global_sum, dec!(1000.50));
        assert_eq!(p.mpig, dec!(-0.50));
        let err = error(&format!(
            "{HEADER}00K,A1,One,,GMS,10,10,1,1,10,0,0,0,1e5,0,0,0,0,0,10,0,0,0\n"
        ));
        assert_eq!(
            err,
            "p.csv, line 2, column `Extended Hours Access`: value `1e5` is not a number (write it like 1234.50, 1,234.50, £1,234.50 or (12.00))"
        );
        let err = error(&format!(
            "{HEADER}00K,A1,One,,GMS,-10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n"
        ));
        assert!(
            err.contains("column `Average Number of Registered Patients`: value `-10` is negative"),
            "{err}"
        );
        let err = error(&format!(
            "{HEADER}00K,A1,One,31/02/2019,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n"
        ));
        assert!(
            err.starts_with(
                "p.csv, line 2, column `Practice Close Date`: value `31/02/2019` is not a date"
            ),
            "{err}"
        );
        // Columns after the total are not read, so what they hold does not matter.
        let input = read("00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,n/a,x,y\n");
        assert_eq!(input.practices.len(), 1);
    }

    #[test]
    fn rejects_what_the_mapping_cannot_use() {
        for (column, name) in [
            ("Global Sum,", "Global Sum"),
            ("MPIG Correction factor,", "MPIG Correction factor"),
            ("Balance of PMS Expenditure,", "Balance of PMS Expenditure"),
            ("Total QOF Payments,", "Total QOF Payments"),
            ("Practice Code,", "Practice Code"),
            ("Contract Type,", "Contract Type"),
        ] {
            let err = error(&HEADER.replacen(column, "Something Else,", 1));
            assert_eq!(
                err,
                format!("p.csv, line 1: the NHS payments file has no `{name}` column")
            );
        }
        let err = error(&HEADER.replacen("Average Number of Registered Patients,", "x,", 1));
        assert!(err.contains("no `Average Number of Registered Patients` (or `Number of Registered Patients (Last Known Figure)`) column"), "{err}");
        let err = error("Practice Code,Contract Type\nA1,GMS\n");
        assert!(
            err.contains("no `Total NHS Payments to General Practice` column"),
            "{err}"
        );
        let err = error(&HEADER.replacen("Minor Surgery", "Global Sum", 1));
        assert!(
            err.contains("the same column twice (`Global Sum` and `Global Sum`)"),
            "{err}"
        );

        let row = "00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n";
        let err = error(&format!("{HEADER}{row}{row}"));
        assert_eq!(
            err,
            "p.csv, line 3, column `Practice Code`: value `A1` appears twice (first on line 2); practice codes must be unique"
        );
        let err = error(&format!("{HEADER}00K,A1,One,,GMS,10\n"));
        assert!(
            err.contains("line 2: the row has 6 fields but the header has 23"),
            "{err}"
        );
        let err = error(&format!(
            "{HEADER}00K, ,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n"
        ));
        assert!(err.contains("every practice needs a code"), "{err}");
        assert!(error(HEADER).contains("no practices"));
    }

    #[test]
    fn skips_blank_lines_and_reads_a_bom() {
        let text = format!(
            "\u{feff}{HEADER}\n00K,A1,One,,GMS,10,10,1,1,10,0,0,0,0,0,0,0,0,0,10,0,0,0\n,,,,,,,,,,,,,,,,,,,,,,\n"
        );
        let input = read_payments(&text, "p.csv").unwrap();
        assert_eq!(input.practices.len(), 1);
    }

    #[test]
    fn lays_out_the_columns_once() {
        let headers = csv::ReaderBuilder::new()
            .from_reader(HEADER.as_bytes())
            .headers()
            .unwrap()
            .clone();
        let layout = Layout::new(&headers, "p.csv").unwrap();
        let lines: Vec<_> = layout
            .payments
            .iter()
            .map(|&(i, l)| (layout.header(i), l))
            .collect();
        assert_eq!(
            lines,
            [
                ("Global Sum", Line::GlobalSum),
                ("MPIG Correction factor", Line::Mpig),
                ("Balance of PMS Expenditure", Line::PmsBaseline),
                ("Total QOF Payments", Line::Qof),
                ("Extended Hours Access", Line::Des),
                ("Minor Surgery", Line::Des),
                ("Total Local Incentive Schemes", Line::Les),
                ("Premises Payments", Line::Other),
                ("PCN Participation", Line::Other),
                (
                    "Non DES Item Pneumococcal Vaccine, Childhood Immunisation Main Programme",
                    Line::Other
                ),
            ]
        );
    }
}
