//! Writers at the edge: every function takes a `W: Write` and never opens a
//! file; `cli` decides where bytes go.

pub mod chart;
pub mod csv;
pub mod json;
pub mod practices;
pub mod savings_layout;
pub mod solve;
pub mod sweep_chart;
pub mod table;
pub mod xlsx;

/// Output formats of SPEC §5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human tables.
    Table,
    /// Machine CSV.
    Csv,
    /// One JSON document.
    Json,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// The format a file extension implies (`.csv`, `.json`).
    #[must_use]
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }
}

/// A calculation error met while writing (the writers that work out each
/// practice as they go, [`crate::calc::Results::Planned`]). A run checks
/// every practice before it writes, so this is never expected.
impl From<crate::calc::CalcError> for std::io::Error {
    fn from(e: crate::calc::CalcError) -> std::io::Error {
        std::io::Error::other(e)
    }
}
