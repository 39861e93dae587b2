//! The canonical practice file (SPEC §2): one row per practice.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::error::DataError;
use crate::input::headers::normalize;
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

/// True when the normalized headers name every required canonical column.
#[must_use]
pub fn looks_canonical(normalized_headers: &[String]) -> bool {
    COLUMNS
        .iter()
        .filter(|c| c.required)
        .all(|c| normalized_headers.iter().any(|h| *h == normalize(c.name)))
}

/// Where each canonical column sits in the file, with its header as written.
struct Layout {
    index: HashMap<&'static str, (usize, String)>,
}

impl Layout {
    fn new(headers: &csv::StringRecord, source: &str) -> Result<Layout, DataError> {
        let mut index: HashMap<&'static str, (usize, String)> = HashMap::new();
        for (position, header) in headers.iter().enumerate() {
            let key = normalize(header);
            let Some(column) = COLUMNS.iter().find(|c| normalize(c.name) == key) else {
                continue; // unknown columns are ignored (SPEC §2)
            };
            if let Some((_, first)) = index.get(column.name) {
                return Err(DataError::file(
                    source,
                    format!(
                        "the header names column `{}` twice (`{first}` and `{header}`)",
                        column.name
                    ),
                )
                .at_line(1));
            }
            index.insert(column.name, (position, header.to_owned()));
        }
        if let Some(missing) = COLUMNS
            .iter()
            .find(|c| c.required && !index.contains_key(c.name))
        {
            return Err(DataError::file(
                source,
                format!(
                    "the header has no `{}` column (a practice file needs practice_code, contract and list_exeter, or an NHS payments file its published headers)",
                    missing.name
                ),
            )
            .at_line(1));
        }
        Ok(Layout { index })
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
    fn cell(&self, name: &str) -> Option<&str> {
        self.layout
            .index
            .get(name)
            .map(|(i, _)| self.record.get(*i).unwrap_or(""))
    }

    fn error(&self, name: &str, value: &str, reason: impl Into<String>) -> DataError {
        let header = self
            .layout
            .index
            .get(name)
            .map_or(name, |(_, written)| written.as_str());
        DataError::file(self.source, reason)
            .at_line(self.line)
            .in_column(header)
            .with_value(value)
    }

    fn text(&self, name: &str) -> String {
        self.cell(name)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    }

    /// A number; `None` when blank or the column is absent.
    fn number(&self, name: &str) -> Result<Option<Decimal>, DataError> {
        let Some(raw) = self.cell(name) else {
            return Ok(None);
        };
        if raw.trim().is_empty() {
            return Ok(None);
        }
        parse_amount(raw)
            .map(Some)
            .map_err(|e| self.error(name, raw, e.to_string()))
    }

    /// A money amount: blank is zero.
    fn money(&self, name: &str) -> Result<Decimal, DataError> {
        Ok(self.number(name)?.unwrap_or(Decimal::ZERO))
    }

    /// A list count: never negative.
    fn list(&self, name: &str) -> Result<Option<Decimal>, DataError> {
        let value = self.number(name)?;
        if let Some(v) = value
            && v.is_sign_negative()
            && !v.is_zero()
        {
            return Err(self.error(
                name,
                self.cell(name).unwrap_or(""),
                "is negative, and a list cannot be",
            ));
        }
        Ok(value)
    }
}

/// Reads a canonical practice file from decoded text. `source` names the file
/// in messages. Every row is checked; the first problem is returned.
pub fn read_practices(text: &str, source: &str) -> Result<Vec<Practice>, DataError> {
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
    let mut practices = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&e, source)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // a blank line between rows carries no practice
        }
        let row = Row {
            record: &record,
            layout: &layout,
            line,
            source,
        };
        let practice = read_row(&row)?;
        if let Some(first) = first_line.insert(practice.practice_code.clone(), line) {
            return Err(row.error(
                "practice_code",
                &practice.practice_code,
                format!("appears twice (first on line {first}); practice codes must be unique"),
            ));
        }
        practices.push(practice);
    }
    if practices.is_empty() {
        return Err(DataError::file(
            source,
            "the file has a header but no practices",
        ));
    }
    Ok(practices)
}

fn read_row(row: &Row<'_>) -> Result<Practice, DataError> {
    let practice_code = row.text("practice_code");
    if practice_code.is_empty() {
        return Err(row.error("practice_code", "", "is blank; every practice needs a code"));
    }
    let contract_text = row.text("contract");
    let contract: ContractType = contract_text.parse().map_err(|()| {
        row.error(
            "contract",
            &contract_text,
            "is not a contract type (GMS, PMS or APMS)",
        )
    })?;
    let list_exeter = row.list("list_exeter")?.ok_or_else(|| {
        row.error(
            "list_exeter",
            "",
            "is blank, and the Exeter list is required",
        )
    })?;
    let list_practice = row.list("list_practice")?;
    let ghosts = row.list("ghosts")?;
    if let Some(g) = ghosts {
        let raw = row.cell("ghosts").unwrap_or("");
        if g > list_exeter {
            return Err(row.error(
                "ghosts",
                raw,
                format!("is larger than the Exeter list ({list_exeter})"),
            ));
        }
        if let Some(p) = list_practice
            && g > p
        {
            return Err(row.error(
                "ghosts",
                raw,
                format!("is larger than the practice list ({p})"),
            ));
        }
    }
    // Blank or 0 in list_funded means "not given" (SPEC §7).
    let list_funded = row.list("list_funded")?.filter(|v| !v.is_zero());
    let premium = match row.cell("premium") {
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
    let close_date = Some(row.text("close_date")).filter(|d| !d.is_empty() && d != "-");
    Ok(Practice {
        line: row.line,
        practice_name: row.text("practice_name"),
        contract,
        group: row.text("group"),
        list_exeter,
        list_practice,
        ghosts,
        list_funded,
        weighted_list: row.list("weighted_list")?,
        global_sum: row.money("global_sum")?,
        mpig: row.money("mpig")?,
        pms_baseline: row.money("pms_baseline")?,
        qof: row.money("qof")?,
        des: row.money("des")?,
        nes: row.money("nes")?,
        les: row.money("les")?,
        other: row.money("other")?,
        mpig_equivalent: row.money("mpig_equivalent")?,
        superannuation: row.money("superannuation")?,
        premium,
        close_date,
        practice_code,
    })
}

/// A csv error (ragged row, bad quoting) as a data error with its line.
pub fn csv_error(err: &csv::Error, source: &str) -> DataError {
    let line = err.position().map(csv::Position::line);
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
        let practices = read_practices(&text, "p.csv").unwrap();
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
}
