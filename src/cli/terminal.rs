//! The terminal (SPEC §9.8): the one place that asks whether standard
//! output or standard error is a terminal and how wide it is.

use std::io::IsTerminal;

use crate::output::table::{MIN_WIDTH, Width};

/// The room for tables written to standard output: `--width` when given;
/// else, when they go to a terminal, its width; else piped.
#[must_use]
pub fn table_width(asked: Option<u16>, to_stdout: bool) -> Width {
    match asked {
        Some(n) => Width::fit(n),
        None if to_stdout && std::io::stdout().is_terminal() => {
            Width::fit(columns(comfy_table::Table::new().width()))
        }
        None => Width::Piped,
    }
}

/// The width a command's tables are laid out for: every column with
/// `--wide` (the piped layout), else as [`table_width`] says.
#[must_use]
pub fn fit_width(fit: crate::cli::args::FitArgs, to_stdout: bool) -> Width {
    if fit.wide {
        return Width::Piped;
    }
    table_width(fit.width, to_stdout)
}

/// Standard error's width when it is a terminal.
#[must_use]
pub fn stderr_width() -> Option<usize> {
    std::io::stderr().is_terminal().then(|| {
        let mut probe = comfy_table::Table::new();
        usize::from(columns(probe.use_stderr().width()))
    })
}

/// What the terminal says (comfy-table asks it), else `COLUMNS`, else 80.
fn columns(detected: Option<u16>) -> u16 {
    detected
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .unwrap_or(MIN_WIDTH)
}
