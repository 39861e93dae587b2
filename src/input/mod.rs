//! Readers at the edge: bytes in, practices (and warnings) out. No file
//! system here: `cli` opens files and hands over their bytes.

pub mod decode;
pub mod headers;
pub mod nhs_payments;
pub mod practices;

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
    if nhs_payments::is_payments_file(&text) {
        return nhs_payments::read_payments(&text, source);
    }
    let practices = practices::read_practices(&text, source)?;
    Ok(Input {
        practices,
        warnings: Vec::new(),
    })
}
