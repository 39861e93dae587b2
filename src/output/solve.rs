//! `solve`'s answer as text or one JSON document.

use std::io::{self, Write};

use crate::calc::solve::SolveAnswer;
use crate::report::solve::{SolveReport, one_penny_higher};
use crate::text::thousands;

/// The JSON document: the request's fields and the answer.
pub fn write_json(report: &SolveReport, w: &mut dyn Write) -> io::Result<()> {
    let request = &report.request;
    let doc = serde_json::json!({
        "required_saving": request.saving, "year": request.year, "basis": request.basis,
        "group": request.group, "result": report.answer,
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

/// The answer in sentences, with the proof one penny higher.
pub fn write_text(report: &SolveReport, w: &mut dyn Write) -> io::Result<()> {
    let (basis, scope) = (report.basis_words(), report.scope_words());
    let (year, saving) = (report.request.year, report.request.saving);
    match &report.answer {
        SolveAnswer::Price {
            price,
            saving: s,
            saving_one_penny_higher: s1,
        } => {
            writeln!(w, "Target price: £{}", thousands(*price))?;
            writeln!(
                w,
                "  year {year} saving{scope} at £{} ({basis}): £{}  (meets £{})",
                thousands(*price),
                thousands(*s),
                thousands(saving)
            )?;
            writeln!(
                w,
                "  one penny higher, at £{}: £{}  (does not)",
                thousands(one_penny_higher(*price)),
                thousands(*s1)
            )
        }
        SolveAnswer::Unreachable { saving_at_zero } => writeln!(
            w,
            "No target price can reach a year {year} saving{scope} of £{} ({basis}): even a target of £0.00 saves only £{}.",
            thousands(saving),
            thousands(*saving_at_zero)
        ),
        SolveAnswer::AnyPrice { from, saving: s } => writeln!(
            w,
            "Every target price meets it: at £{} or more no practice is capped and the year {year} saving{scope} is £{} ({basis}), at least £{}.",
            thousands(*from),
            thousands(*s),
            thousands(saving)
        ),
    }
}
