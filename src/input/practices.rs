//! The canonical practice file (SPEC §2): one row per practice.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::error::{DataError, Warning, WarningCode};
use crate::input::Input;
use crate::input::headers::{edit_distance, likely_typo, normalize};
use crate::input::pieces;
use crate::model::{ContractType, Practice, PremiumTakeUp};
use crate::money::parse_amount;

/// A canonical column: its SPEC name and whether the file must have it.
struct Column {
    name: &'static str,
    required: bool,
}

const COLUMNS: [Column; 21] = [
    Column {
        name: "practice_code",
        required: true,
    },
    Column {
        name: "practice_name",
        required: false,
    },
    Column {
        name: "contract",
        required: true,
    },
    Column {
        name: "group",
        required: false,
    },
    Column {
        name: "list_exeter",
        required: true,
    },
    Column {
        name: "list_practice",
        required: false,
    },
    Column {
        name: "ghosts",
        required: false,
    },
    Column {
        name: "list_funded",
        required: false,
    },
    Column {
        name: "weighted_list",
        required: false,
    },
    Column {
        name: "global_sum",
        required: false,
    },
    Column {
        name: "mpig",
        required: false,
    },
    Column {
        name: "pms_baseline",
        required: false,
    },
    Column {
        name: "qof",
        required: false,
    },
    Column {
        name: "des",
        required: false,
    },
    Column {
        name: "nes",
        required: false,
    },
    Column {
        name: "les",
        required: false,
    },
    Column {
        name: "other",
        required: false,
    },
    Column {
        name: "mpig_equivalent",
        required: false,
    },
    Column {
        name: "superannuation",
        required: false,
    },
    Column {
        name: "premium",
        required: false,
    },
    Column {
        name: "close_date",
        required: false,
    },
];

// Positions in `COLUMNS`, so a row finds its cells by index, not by name.
const PRACTICE_CODE: usize = 0;
const PRACTICE_NAME: usize = 1;
const CONTRACT: usize = 2;
const GROUP: usize = 3;
const LIST_EXETER: usize = 4;
const LIST_PRACTICE: usize = 5;
const GHOSTS: usize = 6;
const LIST_FUNDED: usize = 7;
const WEIGHTED_LIST: usize = 8;
const GLOBAL_SUM: usize = 9;
const MPIG: usize = 10;
const PMS_BASELINE: usize = 11;
const QOF: usize = 12;
const DES: usize = 13;
const NES: usize = 14;
const LES: usize = 15;
const OTHER: usize = 16;
const MPIG_EQUIVALENT: usize = 17;
const SUPERANNUATION: usize = 18;
const PREMIUM: usize = 19;
const CLOSE_DATE: usize = 20;

/// True when the normalized headers name every required canonical column.
#[must_use]
pub fn looks_canonical(normalized_headers: &[String]) -> bool {
    COLUMNS
        .iter()
        .filter(|c| c.required)
        .all(|c| normalized_headers.iter().any(|h| *h == normalize(c.name)))
}

/// Where each canonical column sits in the file, with its header as written,
/// by position in `COLUMNS`; and the headers it does not read.
struct Layout {
    index: [Option<(usize, String)>; COLUMNS.len()],
    /// Headers matching no column (as written, with their 1-based position).
    unknown: Vec<(usize, String)>,
}

impl Layout {
    fn new(headers: &csv::StringRecord, source: &str) -> Result<Layout, DataError> {
        let mut index: [Option<(usize, String)>; COLUMNS.len()] = Default::default();
        let mut unknown = Vec::new();
        let names: Vec<String> = COLUMNS.iter().map(|c| normalize(c.name)).collect();
        for (position, header) in headers.iter().enumerate() {
            let key = normalize(header);
            let Some((slot, column)) = names
                .iter()
                .position(|n| *n == key)
                .and_then(|i| index.get_mut(i).zip(COLUMNS.get(i)))
            else {
                unknown.push((position + 1, header.to_owned()));
                continue;
            };
            if let Some((_, first)) = slot {
                return Err(DataError::file(
                    source,
                    format!(
                        "the header names column `{}` twice (`{first}` and `{header}`)",
                        column.name
                    ),
                )
                .at_line(1));
            }
            *slot = Some((position, header.to_owned()));
        }
        let layout = Layout { index, unknown };
        layout.refuse_typos(&names, source)?;
        if let Some(missing) = COLUMNS
            .iter()
            .zip(&layout.index)
            .find(|(c, found)| c.required && found.is_none())
        {
            return Err(DataError::file(
                source,
                format!(
                    "the header has no `{}` column (a practice file needs practice_code, contract and list_exeter, or an NHS payments file its published headers)",
                    missing.0.name
                ),
            )
            .at_line(1));
        }
        Ok(layout)
    }

    /// A header that is a likely typo of a column the file lacks is an
    /// error (SPEC §9.1): read as unknown, `pms_basline` would leave every
    /// PMS practice a core of £0. A near miss of a column the file has
    /// (`pms_baseline2` beside `pms_baseline`) is another column.
    fn refuse_typos(&self, names: &[String], source: &str) -> Result<(), DataError> {
        for (_, header) in &self.unknown {
            let key = normalize(header);
            let meant = COLUMNS
                .iter()
                .zip(names)
                .zip(&self.index)
                .filter(|((_, name), found)| found.is_none() && likely_typo(&key, name))
                .min_by_key(|((_, name), _)| edit_distance(&key, name));
            if let Some(((column, _), _)) = meant {
                return Err(DataError::file(
                    source,
                    format!(
                        "is not a column rebase knows, so it would be ignored; did you mean `{}`?",
                        column.name
                    ),
                )
                .at_line(1)
                .in_column(header.as_str()));
            }
        }
        Ok(())
    }

    /// The warning naming the headers that match no column, if any.
    fn unknown_warning(&self) -> Option<Warning> {
        let shown: Vec<String> = self
            .unknown
            .iter()
            .map(|(position, header)| {
                if header.trim().is_empty() {
                    format!("column {position} (no header)")
                } else {
                    format!("`{header}`")
                }
            })
            .collect();
        let count = match shown.len() {
            0 => return None,
            1 => "1 column".to_owned(),
            n => format!("{n} columns"),
        };
        Some(Warning {
            code: WarningCode::UnknownColumn,
            message: format!(
                "rebase ignores {count} it does not know: {}",
                shown.join(", ")
            ),
            practices: Vec::new(),
        })
    }

    /// The header of a column as written, else its canonical name.
    fn header(&self, column: usize) -> &str {
        match self.index.get(column) {
            Some(Some((_, written))) => written,
            _ => COLUMNS.get(column).map_or("", |c| c.name),
        }
    }
}

/// One row being read: its fields, line and the layout, for messages.
struct Row<'a> {
    record: &'a csv::StringRecord,
    layout: &'a Layout,
    line: u64,
    source: &'a str,
}

impl Row<'_> {
    /// The raw cell of a column, `None` when the file has no such column.
    fn cell(&self, column: usize) -> Option<&str> {
        match self.layout.index.get(column) {
            Some(Some((i, _))) => Some(self.record.get(*i).unwrap_or("")),
            _ => None,
        }
    }

    fn error(&self, column: usize, value: &str, reason: impl Into<String>) -> DataError {
        DataError::file(self.source, reason)
            .at_line(self.line)
            .in_column(self.layout.header(column))
            .with_value(value)
    }

    /// The trimmed cell, `""` when the column is absent.
    fn trimmed(&self, column: usize) -> &str {
        self.cell(column)
            .map(crate::input::trim)
            .unwrap_or_default()
    }

    fn text(&self, column: usize) -> String {
        self.trimmed(column).to_owned()
    }

    /// A number; `None` when blank or the column is absent.
    fn number(&self, column: usize) -> Result<Option<Decimal>, DataError> {
        let Some(raw) = self.cell(column) else {
            return Ok(None);
        };
        if let Some(value) = crate::money::parse_plain(raw) {
            return Ok(Some(value));
        }
        if raw.trim().is_empty() {
            return Ok(None);
        }
        parse_amount(raw)
            .map(Some)
            .map_err(|e| self.error(column, raw, e.to_string()))
    }

    /// A money amount: blank is zero.
    fn money(&self, column: usize) -> Result<Decimal, DataError> {
        Ok(self.number(column)?.unwrap_or(Decimal::ZERO))
    }

    /// A list count: never negative.
    fn list(&self, column: usize) -> Result<Option<Decimal>, DataError> {
        let value = self.number(column)?;
        if let Some(v) = value
            && v.is_sign_negative()
            && !v.is_zero()
        {
            return Err(self.error(
                column,
                self.cell(column).unwrap_or(""),
                "is negative, and a list cannot be",
            ));
        }
        Ok(value)
    }
}

/// Reads a canonical practice file from decoded text, with a warning naming
/// the columns it does not read. `source` names the file in messages. Every
/// row is checked; the first problem is returned.
pub fn read_practices(text: &str, source: &str) -> Result<Input, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(&e, source))?.clone();
    if headers.is_empty()
        || (headers.len() == 1 && headers.get(0).is_some_and(|h| h.trim().is_empty()))
    {
        return Err(DataError::file(source, "the file is empty"));
    }
    let layout = Layout::new(&headers, source)?;
    // One practice a line at most: reserving once spares the copies of growth.
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let mut practices = Vec::with_capacity(lines);
    // Rows are read first and codes checked for repeats afterwards (without
    // copying every code into a map); a row's own error is only reported
    // when no earlier row repeats a code, which is the order a row-by-row
    // check would find them in.
    let (_, pieces) = pieces::body(&reader, text, source)?;
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
        read_row(&row).map(Some)
    };
    let failure = pieces::read_rows(&pieces, (headers.len(), source), row, |p| {
        practices.push(p);
        Ok(())
    })
    .err();
    if let Some(repeat) = repeated_code(&practices, &layout, source) {
        return Err(repeat);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if practices.is_empty() {
        return Err(DataError::file(
            source,
            "the file has a header but no practices",
        ));
    }
    Ok(Input {
        practices,
        warnings: layout.unknown_warning().into_iter().collect(),
    })
}

/// The first practice, in file order, whose code an earlier one has.
fn repeated_code(practices: &[Practice], layout: &Layout, source: &str) -> Option<DataError> {
    let mut first_line: HashMap<&str, u64> = HashMap::with_capacity(practices.len());
    practices.iter().find_map(|p| {
        let first = first_line.insert(&p.practice_code, p.line)?;
        Some(
            DataError::file(
                source,
                format!("appears twice (first on line {first}); practice codes must be unique"),
            )
            .at_line(p.line)
            .in_column(layout.header(PRACTICE_CODE))
            .with_value(p.practice_code.as_str()),
        )
    })
}

fn read_row(row: &Row<'_>) -> Result<Practice, DataError> {
    let practice_code = row.text(PRACTICE_CODE);
    if practice_code.is_empty() {
        return Err(row.error(PRACTICE_CODE, "", "is blank; every practice needs a code"));
    }
    let contract_text = row.trimmed(CONTRACT);
    let contract = [ContractType::Gms, ContractType::Pms, ContractType::Apms]
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(contract_text))
        .ok_or_else(|| {
            row.error(
                CONTRACT,
                contract_text,
                "is not a contract type (GMS, PMS or APMS)",
            )
        })?;
    let list_exeter = row
        .list(LIST_EXETER)?
        .ok_or_else(|| row.error(LIST_EXETER, "", "is blank, and the Exeter list is required"))?;
    let list_practice = row.list(LIST_PRACTICE)?;
    let ghosts = row.list(GHOSTS)?;
    if let Some(g) = ghosts {
        let raw = row.cell(GHOSTS).unwrap_or("");
        if g > list_exeter {
            return Err(row.error(
                GHOSTS,
                raw,
                format!("is larger than the Exeter list ({list_exeter})"),
            ));
        }
        if let Some(p) = list_practice
            && g > p
        {
            return Err(row.error(
                GHOSTS,
                raw,
                format!("is larger than the practice list ({p})"),
            ));
        }
    }
    // Blank or 0 in list_funded means "not given" (SPEC §7).
    let list_funded = row.list(LIST_FUNDED)?.filter(|v| !v.is_zero());
    let premium = match row.cell(PREMIUM) {
        None => PremiumTakeUp::NoColumn,
        Some(raw) if raw.trim().eq_ignore_ascii_case("all") => PremiumTakeUp::All,
        Some(raw) => PremiumTakeUp::Named(
            raw.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
    };
    let close_date = Some(row.trimmed(CLOSE_DATE))
        .filter(|d| !d.is_empty() && *d != "-")
        .map(str::to_owned);
    Ok(Practice {
        line: row.line,
        practice_name: row.text(PRACTICE_NAME),
        contract,
        group: row.text(GROUP),
        list_exeter,
        list_practice,
        ghosts,
        list_funded,
        weighted_list: row.list(WEIGHTED_LIST)?,
        global_sum: row.money(GLOBAL_SUM)?,
        mpig: row.money(MPIG)?,
        pms_baseline: row.money(PMS_BASELINE)?,
        qof: row.money(QOF)?,
        des: row.money(DES)?,
        nes: row.money(NES)?,
        les: row.money(LES)?,
        other: row.money(OTHER)?,
        mpig_equivalent: row.money(MPIG_EQUIVALENT)?,
        superannuation: row.money(SUPERANNUATION)?,
        premium,
        close_date,
        practice_code,
    })
}

/// A csv error (ragged row, bad quoting) as a data error with its line.
pub fn csv_error(err: &csv::Error, source: &str) -> DataError {
    csv_error_at(err, source, 0)
}

/// [`csv_error`] for a reader that started `before` lines into the file.
pub fn csv_error_at(err: &csv::Error, source: &str, before: u64) -> DataError {
    let line = err.position().map(|p| before + p.line());
    let reason = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the row is not valid text".to_owned(),
        _ => format!("the file is not valid CSV ({err})"),
    };
    let error = DataError::file(source, reason);
    match line {
        Some(l) => error.at_line(l),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const HEADER: &str =
        "practice_code,Practice Name,contract,list_exeter,global_sum,pms_baseline\n";

    #[test]
    fn reads_a_minimal_file() {
        let text =
            format!("{HEADER}E1,One,pms,\"1,000\",0,\"£95,000.00\"\nE2,Two,GMS,500,(10.00),\n");
        let practices = read_practices(&text, "p.csv").unwrap().practices;
        assert_eq!(practices.len(), 2);
        assert_eq!(practices[0].contract, ContractType::Pms);
        assert_eq!(practices[0].list_exeter, dec!(1000));
        assert_eq!(practices[0].pms_baseline, dec!(95000.00));
        assert_eq!(practices[1].global_sum, dec!(-10.00));
        assert_eq!(practices[1].line, 3);
        assert_eq!(practices[0].premium, PremiumTakeUp::NoColumn);
    }

    #[test]
    fn names_file_line_column_value_and_reason() {
        let text = format!("{HEADER}E1,One,PMS,1000,0,1\nE2,Two,GMS,1.2.3,0,0\n");
        let err = read_practices(&text, "p.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.csv, line 3, column `list_exeter`: value `1.2.3` is not a number (write it like 1234.50, 1,234.50, £1,234.50 or (12.00))"
        );
    }

    /// A file of `rows` practices long enough to be read in several
    /// pieces; every 7th name holds a quoted line break, so some pieces
    /// would be cut inside a quoted field if cutting ignored quotes.
    fn long_file(rows: usize, change: impl Fn(usize, String) -> String) -> String {
        let mut text = HEADER.to_owned();
        for i in 0..rows {
            let name = if i % 7 == 0 {
                format!("\"Surgery {i}\nBranch, \"\"East\"\"\"")
            } else {
                format!("Surgery {i} of the long high street")
            };
            text.push_str(&change(
                i,
                format!("E{i},{name},PMS,{},0,{}.50\n", 1000 + i, i),
            ));
        }
        text
    }

    #[test]
    fn a_file_read_in_pieces_is_read_as_one_reader_reads_it() {
        let text = long_file(16000, |_, row| row);
        assert!(
            pieces::pieces(&text, 1).len() >= 3,
            "the test file must span several pieces"
        );
        let practices = read_practices(&text, "p.csv").unwrap().practices;
        assert_eq!(practices.len(), 16000);
        // Every 7th row takes two lines: row i starts on line 2 + i + ceil(i / 7).
        for (i, p) in practices.iter().enumerate() {
            assert_eq!(p.practice_code, format!("E{i}"));
            assert_eq!(
                p.line,
                2 + i as u64 + i.div_ceil(7) as u64,
                "{}",
                p.practice_code
            );
        }
        assert_eq!(
            practices[7000].practice_name,
            "Surgery 7000\nBranch, \"East\""
        );
        assert_eq!(practices[15999].pms_baseline, dec!(15999.50));
        // Lines ended the Windows way keep the same numbers.
        let crlf = read_practices(&text.replace('\n', "\r\n"), "p.csv")
            .unwrap()
            .practices;
        let lines = |ps: &[Practice]| ps.iter().map(|p| p.line).collect::<Vec<_>>();
        assert_eq!(lines(&crlf), lines(&practices));
    }

    #[test]
    fn a_crlf_or_cr_file_names_the_true_line() {
        // Windows ends lines with CRLF, the old Macintosh CSV with CR alone.
        for end in ["\r\n", "\r"] {
            let text =
                format!("{HEADER}E1,One,PMS,1000,0,1\nE2,Two,GMS,x,0,0\n").replace('\n', end);
            let err = read_practices(&text, "p.csv").unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("p.csv, line 3, column `list_exeter`"),
                "{end:?}: {err}"
            );
        }
    }

    #[test]
    fn errors_late_in_a_long_file_keep_their_line_and_order() {
        let line = |i: usize| 2 + i + i.div_ceil(7);
        let bad_number = |at: usize| {
            move |i: usize, row: String| {
                if i == at {
                    row.replace(",PMS,", ",PMS,x")
                } else {
                    row
                }
            }
        };
        let err = read_practices(&long_file(16000, bad_number(14000)), "p.csv").unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "p.csv, line {}, column `list_exeter`",
                line(14000)
            )),
            "{err}"
        );
        // A repeated code is found before a later row's own error...
        let repeat_then_bad = |i: usize, row: String| match i {
            12500 => row.replacen("E12500,", "E10,", 1),
            15000 => row.replace(",PMS,", ",PMS,x"),
            _ => row,
        };
        let err = read_practices(&long_file(16000, repeat_then_bad), "p.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "p.csv, line {}, column `practice_code`: value `E10` appears twice (first on line {}); practice codes must be unique",
                line(12500),
                line(10)
            )
        );
        // ...and an earlier row's own error before a later repeat.
        let bad_then_repeat = |i: usize, row: String| match i {
            3000 => row.replace(",PMS,", ",PMS,x"),
            12500 => row.replacen("E12500,", "E10,", 1),
            _ => row,
        };
        let err = read_practices(&long_file(16000, bad_then_repeat), "p.csv").unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("p.csv, line {}, column `list_exeter`", line(3000))),
            "{err}"
        );
        // A ragged row far into the file.
        let ragged = |i: usize, row: String| {
            if i == 15777 {
                row.replacen(",0,", ",", 1)
            } else {
                row
            }
        };
        let err = read_practices(&long_file(16000, ragged), "p.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "p.csv, line {}: the row has 5 fields but the header has 6",
                line(15777)
            )
        );
    }

    #[test]
    fn rejects_each_data_error() {
        let cases = [
            ("E1,One,XMS,1,0,0\n", "contract"),
            ("E1,One,PMS,-1,0,0\n", "negative"),
            ("E1,One,PMS,,0,0\n", "required"),
            (
                "E1,One,PMS,5,0,0\nE1,Two,PMS,5,0,0\n",
                "appears twice (first on line 2)",
            ),
            (
                "E1,One,PMS,5,0\n",
                "the row has 5 fields but the header has 6",
            ),
            (",One,PMS,5,0,0\n", "every practice needs a code"),
        ];
        for (rows, want) in cases {
            let err = read_practices(&format!("{HEADER}{rows}"), "p.csv").unwrap_err();
            assert!(err.to_string().contains(want), "{rows}: {err}");
        }
        let err = read_practices("practice_code,contract\n", "p.csv").unwrap_err();
        assert!(err.to_string().contains("no `list_exeter` column"), "{err}");
        assert!(
            read_practices("", "p.csv")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(
            read_practices(HEADER, "p.csv")
                .unwrap_err()
                .to_string()
                .contains("no practices")
        );
        let ghosts = "practice_code,contract,list_exeter,ghosts\nE1,PMS,10,11\n";
        assert!(
            read_practices(ghosts, "p.csv")
                .unwrap_err()
                .to_string()
                .contains("larger than the Exeter list")
        );
    }

    #[test]
    fn plain_numbers_read_as_parse_amount_reads_them() {
        let cases = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "5",
            "-5",
            "007",
            "00.50",
            "4095.25",
            "972098.33",
            "123456789012345678",
            "12345678901234567.8",
            "1234567890123456789",
            "9999999999999999999",
            "-9999999999999999999",
            "99999999999999999999",
            "0.000000000000000001",
            "1.000000000000000000",
            "-.0",
            "0.",
            "1..2",
            ".",
            "-",
            "--1",
            "5.",
            ".5",
            "-.5",
            "1.2.3",
            "1,234.50",
            "£5",
            "(12.00)",
            " 12 ",
            "+5",
            "--5",
            "-",
            "",
            "1e5",
            "12a",
        ];
        for raw in cases {
            let fast = crate::money::parse_plain(raw);
            let slow = parse_amount(raw).ok();
            if let Some(f) = fast {
                let s = slow.unwrap();
                assert_eq!(
                    (f.to_string(), f.scale(), f.is_sign_negative()),
                    (s.to_string(), s.scale(), s.is_sign_negative()),
                    "{raw:?}"
                );
            }
        }
        assert!(crate::money::parse_plain("4095.25").is_some());
        assert!(crate::money::parse_plain("-0.00").is_some());
        assert!(crate::money::parse_plain("1,234.50").is_none());
    }
}
