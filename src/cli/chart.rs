//! `rebase chart` (placeholder until the chart lands; helper-4 replaces this file).

use crate::cli::Outcome;
use crate::cli::args::ChartArgs;
use crate::error::Error;

/// Runs `rebase chart`.
pub fn run(_args: &ChartArgs) -> Result<Outcome, Error> {
    Err(Error::Usage("chart is not available yet".to_owned()))
}
