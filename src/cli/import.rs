//! `rebase import NHS_PAYMENTS_CSV [-o practices.csv]`: the publication as
//! a canonical practice file, with its warnings (rows kept out, totals that
//! do not reconcile) on standard error.

use crate::cli::args::ImportArgs;
use crate::cli::files::{read_bytes, write_stdout};
use crate::cli::outputs::{Plan, file_output};
use crate::cli::{Outcome, print_warnings};
use crate::error::Error;
use crate::input::read_whole_input;
use crate::output::practices::write_practices;

/// Runs `rebase import`.
pub fn run(args: &ImportArgs) -> Result<Outcome, Error> {
    let mut plan = Plan::new(&[&args.input], args.force);
    let dest = file_output(args.output.as_deref())
        .map(|p| plan.output("-o", p))
        .transpose()?;
    // A file cut short inside its last row is refused, not imported.
    let (bytes, source) = read_bytes(&args.input, args.limits.bounds())?;
    let input = read_whole_input(&bytes, &source)?;
    print_warnings(&input.warnings, args.verbose);
    let body = |w: &mut dyn std::io::Write| write_practices(&input.practices, w);
    match dest {
        Some(d) => d.write(body)?,
        None => write_stdout(body)?,
    }
    Ok(Outcome::Done)
}
