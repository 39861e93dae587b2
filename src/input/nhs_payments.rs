//! NHS Digital's "NHS Payments to General Practice, England" file (SPEC §2).
//! Being written (issue 3); until then such a file is refused with a message.

use crate::error::DataError;
use crate::input::Input;
use crate::input::headers::normalize;

/// True when the header row is the publication's.
#[must_use]
pub fn is_payments_file(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    first
        .split(',')
        .any(|h| normalize(h) == "totalnhspaymentstogeneralpractice")
}

/// Reads the publication into practices.
pub fn read_payments(_text: &str, source: &str) -> Result<Input, DataError> {
    Err(DataError::file(source, "NHS payments files cannot be read yet").at_line(1))
}
