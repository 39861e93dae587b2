//! Errors and warnings. Errors are data; `cli` renders them once, as one
//! sentence, and chooses the exit code (SPEC §6).

use std::fmt;
use std::io;
use std::path::PathBuf;

use serde::Serialize;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value in an input file is wrong (exit 65).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The scenario, or a flag overriding it, is invalid (exit 2).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A command line that cannot be carried out (exit 2).
    #[error("{0}")]
    Usage(String),
    /// An input file cannot be opened or read (exit 66).
    #[error("cannot read {path}: {reason}", path = .path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// Some scenarios of a batch failed (already reported); the first one's exit code.
    #[error("some scenarios failed")]
    Batch(u8),
    /// An output file cannot be created (exit 73).
    #[error("cannot write {path}: {reason}", path = .path.display())]
    Output {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
}

impl Error {
    /// An `Open` error from an I/O error, in plain words.
    #[must_use]
    pub fn open(path: impl Into<PathBuf>, err: &io::Error) -> Error {
        Error::Open {
            path: path.into(),
            reason: io_reason(err),
        }
    }

    /// An `Output` error from an I/O error, in plain words.
    #[must_use]
    pub fn output(path: impl Into<PathBuf>, err: &io::Error) -> Error {
        Error::Output {
            path: path.into(),
            reason: io_reason(err),
        }
    }
}

/// An I/O error in words an analyst can act on, without the OS error number.
#[must_use]
pub fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        io::ErrorKind::AlreadyExists => "it already exists (use --force to replace it)".to_owned(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(cut) => text.get(..cut).unwrap_or(&text).to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}

/// A wrong value in an input file: names the file, line, column, value and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct DataError {
    /// File name as the user gave it (`<stdin>` for `-`).
    pub file: String,
    /// 1-based line number, when the problem has one.
    pub line: Option<u64>,
    /// Column header as written in the file, when the problem has one.
    pub column: Option<String>,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// Why it is wrong, lowercase, no trailing full stop.
    pub reason: String,
}

impl DataError {
    /// A problem with the file as a whole.
    pub fn file(source: impl Into<String>, reason: impl Into<String>) -> DataError {
        DataError {
            file: source.into(),
            line: None,
            column: None,
            value: None,
            reason: reason.into(),
        }
    }

    /// A problem on one line.
    #[must_use]
    pub fn at_line(mut self, line: u64) -> DataError {
        self.line = Some(line);
        self
    }

    /// A problem in one column.
    #[must_use]
    pub fn in_column(mut self, column: impl Into<String>) -> DataError {
        self.column = Some(column.into());
        self
    }

    /// A problem with one value.
    #[must_use]
    pub fn with_value(mut self, value: impl Into<String>) -> DataError {
        self.value = Some(value.into());
        self
    }
}

/// Text as one line: control characters a value, header or flag may carry
/// (line breaks, tabs) are written as escapes (`\n`), never raw, so every
/// message stays one line.
#[must_use]
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Longest value quoted in a message; a 10 MB field is cut, not printed.
const MAX_VALUE_SHOWN: usize = 60;

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", one_line(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            let shown: String = column.chars().take(MAX_VALUE_SHOWN).collect();
            let more = if shown.len() < column.len() {
                "…"
            } else {
                ""
            };
            write!(f, ", column `{}{more}`", one_line(&shown))?;
        }
        if let Some(value) = &self.value {
            let shown: String = value.chars().take(MAX_VALUE_SHOWN).collect();
            let more = if shown.len() < value.len() { "…" } else { "" };
            write!(
                f,
                ": value `{}{more}` {}",
                shown.escape_debug(),
                self.reason
            )
        } else {
            write!(f, ": {}", self.reason)
        }
    }
}

/// An invalid scenario key (from the file or a flag overriding it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// Where it came from, with a trailing space: `"k.toml, "` or empty.
    pub origin: String,
    /// The dotted key (`taper.schedule`) or the flag (`--taper`).
    pub key: String,
    /// Why, lowercase.
    pub reason: String,
}

impl ScenarioError {
    /// A problem with one key.
    pub fn new(key: impl Into<String>, reason: impl Into<String>) -> ScenarioError {
        ScenarioError {
            origin: String::new(),
            key: key.into(),
            reason: reason.into(),
        }
    }

    /// Names the file the key came from.
    #[must_use]
    pub fn in_file(mut self, file: &str) -> ScenarioError {
        self.origin = format!("{file}, ");
        self
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (origin, key, reason) = (
            one_line(&self.origin),
            one_line(&self.key),
            one_line(&self.reason),
        );
        if key.is_empty() {
            write!(f, "scenario {origin}{reason}")
        } else if key.starts_with("--") {
            write!(f, "option `{key}`: {reason}")
        } else {
            write!(f, "scenario {origin}key `{key}`: {reason}")
        }
    }
}

/// What a warning is about, for scripts reading the JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Practices left out of re-basing (zero list, core <= 0, closed, no GMS).
    Excluded,
    /// Practices whose practice list was used instead of Exeter.
    Reconcile,
    /// Rows kept out of the calculation altogether (e.g. contract type UNKNOWN).
    SkippedRows,
    /// Lines that do not add up to a published total.
    Reconciliation,
    /// Practices priced far from the median of their peers (SPEC §9.2).
    Outlier,
    /// Would-be recipients of reinvestment without a weighted list (SPEC §8.3).
    Reinvest,
    /// The floor is above the target (SPEC §9.3).
    FloorAboveTarget,
    /// Columns of a practice file that match no known column (SPEC §9.1).
    UnknownColumn,
}

/// Something the user should know that does not stop the command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What kind of warning.
    pub code: WarningCode,
    /// One sentence, with the count.
    pub message: String,
    /// The practice codes concerned.
    pub practices: Vec<String>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
