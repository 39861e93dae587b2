//! `rebase explain INPUT PRACTICE_CODE`: one practice's derivation.

use std::io::{self, Write};

use crate::calc::rebase;
use crate::cli::args::ExplainArgs;
use crate::cli::files::{load_input, load_scenario, shown_name, write_stdout};
use crate::cli::terminal::fit_width;
use crate::cli::{Outcome, calc_error, one_line};
use crate::error::Error;
use crate::output::table::{Width, wrap};
use crate::report::explain::derivation;

/// Writes `prefix` and `text`; fitted, wrapped at the width with each
/// continuation indented two spaces more.
fn write_line(w: &mut dyn Write, prefix: &str, text: &str, width: Width) -> io::Result<()> {
    let Width::Fit(n) = width else {
        return writeln!(w, "{prefix}{text}");
    };
    let room = usize::from(n).saturating_sub(prefix.len());
    for line in wrap(text, room, 2).lines() {
        writeln!(w, "{prefix}{line}")?;
    }
    Ok(())
}

/// Runs `rebase explain`.
pub fn run(args: &ExplainArgs) -> Result<Outcome, Error> {
    let scenario = load_scenario(
        args.scenario.scenario.as_deref(),
        &args.scenario.overrides(),
    )?;
    let input = load_input(&args.input, args.limits.bounds())?;
    let wanted = args.practice_code.trim();
    let index = input
        .practices
        .iter()
        .position(|p| p.practice_code.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            Error::Usage(format!(
                "practice `{wanted}` is not in {}",
                shown_name(&args.input)
            ))
        })?;
    let rebasing = rebase(&input.practices, &scenario).map_err(|e| calc_error(&e, &args.input))?;
    let (Some(p), Some(r)) = (input.practices.get(index), rebasing.practices.get(index)) else {
        return Err(Error::Usage(format!(
            "practice `{wanted}` is not in {}",
            shown_name(&args.input)
        )));
    };
    let steps = derivation(p, r, &rebasing, &scenario);
    let group = if p.group.is_empty() { "—" } else { &p.group };
    let title = format!(
        "{} {} ({}, group {group}), scenario \"{}\"",
        p.practice_code,
        p.practice_name,
        p.contract,
        scenario.name()
    );
    // Codes, names, groups and the scenario's name may carry control
    // characters: every line is shown with them escaped (SPEC §9.6).
    // On a terminal (or with --width) long lines wrap under themselves.
    let width = fit_width(args.fit, true);
    write_stdout(|w| {
        write_line(w, "", &one_line(&title), width)?;
        for step in &steps {
            writeln!(w)?;
            if step.number == 0 {
                writeln!(w, "{}", step.title)?;
            } else {
                writeln!(w, "{}. {}", step.number, step.title)?;
            }
            for line in &step.lines {
                write_line(w, "   ", &one_line(line), width)?;
            }
        }
        Ok(())
    })?;
    Ok(Outcome::Done)
}
