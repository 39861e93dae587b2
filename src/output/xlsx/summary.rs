//! The Summary sheet: the savings as the terminal shows them, laid out for
//! a committee paper. From the top: the scenario's name and key settings;
//! the year-by-year savings table with the goal beneath it (and a chart of
//! the savings by year beside it); where the change comes from (list and
//! price effects, average prices); and the practices re-based, losing,
//! gaining and flagged. Labels come from [`savings_layout`], the place the
//! terminal table takes them from; figures are numbers in the £ format.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::{Formats, charts, col, float};
use crate::money::{Money, format_percent};
use crate::output::savings_layout::{self as layout, YearColumn};
use crate::report::savings::Savings;
use crate::scenario::{ReinvestBasis, Scenario, Scope};

/// Which of the workbook's formats a cell takes.
type Pick = fn(&Formats) -> &Format;

/// Where the next row goes, and the formats to write it with.
struct Rows<'w> {
    ws: &'w mut Worksheet,
    formats: &'w mut Formats,
    row: u32,
}

impl Rows<'_> {
    /// Text, always as a string (never a formula).
    fn text(&mut self, c: usize, text: &str) -> Result<(), XlsxError> {
        self.ws.write_string(self.row, col(c)?, text)?;
        Ok(())
    }

    /// Text in one of the workbook's formats.
    fn styled(&mut self, c: usize, text: &str, pick: Pick) -> Result<(), XlsxError> {
        let format = pick(self.formats);
        self.ws
            .write_string_with_format(self.row, col(c)?, text, format)?;
        Ok(())
    }

    /// An exact number at its own scale (`6,500`, `4,724.26`).
    fn number(&mut self, c: usize, d: Decimal) -> Result<(), XlsxError> {
        let format = self.formats.number(d.scale());
        self.ws
            .write_number_with_format(self.row, col(c)?, float(d)?, format)?;
        Ok(())
    }

    /// Money in the £ format; nothing when there is no figure.
    fn money(&mut self, c: usize, m: Option<Money>) -> Result<(), XlsxError> {
        if let Some(m) = m {
            let format = &self.formats.money;
            let value = float(m.value())?;
            self.ws
                .write_number_with_format(self.row, col(c)?, value, format)?;
        }
        Ok(())
    }

    /// A count.
    fn count(&mut self, c: usize, n: usize) -> Result<(), XlsxError> {
        self.whole(c, n, |f| &f.count)
    }

    /// A year, left under its heading.
    fn year(&mut self, c: usize, year: usize) -> Result<(), XlsxError> {
        self.whole(c, year, |f| &f.year)
    }

    /// A whole number in one of the workbook's formats.
    fn whole(&mut self, c: usize, n: usize, pick: Pick) -> Result<(), XlsxError> {
        let n = u32::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)?;
        let format = pick(self.formats);
        self.ws
            .write_number_with_format(self.row, col(c)?, f64::from(n), format)?;
        Ok(())
    }

    /// A label and its text on one row.
    fn line(&mut self, label: &str, text: &str) -> Result<(), XlsxError> {
        self.text(0, label)?;
        self.text(1, text)?;
        self.next();
        Ok(())
    }

    fn next(&mut self) {
        self.row += 1;
    }

    /// A blank row, then a bold heading.
    fn heading(&mut self, text: &str) -> Result<(), XlsxError> {
        self.next();
        self.styled(0, text, |f| &f.header)?;
        self.next();
        Ok(())
    }
}

/// Writes the Summary of `savings` (its total, scope `all`); `flags` is
/// how many practices carry each flag.
pub(super) fn write(
    ws: &mut Worksheet,
    savings: &[Savings],
    scenario: &Scenario,
    flags: &[(&str, usize)],
    formats: &mut Formats,
) -> Result<(), XlsxError> {
    ws.set_column_width(0, 36)?;
    for c in 1..=8 {
        ws.set_column_width(c, 18)?;
    }
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    let mut rows = Rows {
        ws,
        formats,
        row: 0,
    };
    let Some(total) = savings.iter().find(|s| s.group.is_none()) else {
        return Ok(());
    };
    settings(&mut rows, scenario, total)?;
    rows.heading("Savings: all practices")?;
    let years = years(&mut rows, total)?;
    goal(&mut rows, total)?;
    decomposition(&mut rows, total)?;
    counts(&mut rows, total, flags)?;
    charts::insert_savings(rows.ws, &years)
}

/// The scenario's name and the settings a reader asks about first.
fn settings(rows: &mut Rows<'_>, scenario: &Scenario, s: &Savings) -> Result<(), XlsxError> {
    rows.styled(0, scenario.name(), |f| &f.title)?;
    rows.next();
    rows.next();
    let contracts: Vec<String> = scenario
        .contracts()
        .iter()
        .map(ToString::to_string)
        .collect();
    rows.line("Contracts re-based", &contracts.join(", "))?;
    target(rows, s)?;
    let floor = scenario
        .price()
        .floor
        .map_or("none".to_owned(), |f| layout::pounds(Some(f)));
    rows.line("Floor", &floor)?;
    let taper: Vec<String> = scenario
        .taper()
        .schedule
        .iter()
        .map(|d| format_percent(*d))
        .collect();
    rows.line("Taper", &taper.join(", "))?;
    let targets = match scenario.by() {
        Scope::All => "one for all practices".to_owned(),
        Scope::Group => format!("{} (By group sheet)", layout::TARGET_PER_GROUP),
    };
    rows.line("Targets", &targets)?;
    if let Some(r) = scenario.reinvest() {
        let within = match r.scope {
            Scope::All => "across all practices",
            Scope::Group => "within each group",
        };
        let basis = match r.basis {
            ReinvestBasis::Weighted => "weighted",
            ReinvestBasis::Registered => "registered",
        };
        let text = format!(
            "{} of what is recycled, {within}, per {basis} patient",
            format_percent(r.share)
        );
        rows.line("Reinvestment", &text)?;
    }
    if let Some(y) = scenario.financial_years() {
        rows.line(
            "Financial years",
            &format!("data {}, year 1 {}", y.data, y.first),
        )?;
    }
    rows.line("Every setting", "Scenario sheet")
}

/// The target price (a figure where there is one) and how it was found.
fn target(rows: &mut Rows<'_>, s: &Savings) -> Result<(), XlsxError> {
    rows.text(0, layout::TARGET_PRICE)?;
    match &s.target {
        Some(t) if t.price.is_some() => {
            rows.money(1, t.price)?;
            rows.text(2, &layout::target_note(t))?;
        }
        Some(t) => rows.text(1, &layout::target_note(t))?,
        None => rows.text(1, layout::TARGET_PER_GROUP)?,
    }
    rows.next();
    if let Some(paid) = s.target.as_ref().and_then(|t| t.paid) {
        rows.text(0, layout::PRICE_PAID)?;
        rows.money(1, Some(paid))?;
        rows.text(2, "the floor, above the target")?;
        rows.next();
    }
    Ok(())
}

/// Where the year-by-year table sits, for the chart of savings by year.
pub(super) struct YearsAt {
    /// The heading row.
    pub heading: u32,
    /// The first and last year's rows.
    pub first: u32,
    pub last: u32,
    /// The columns of the saving and the net saving.
    pub saving: u16,
    pub net_saving: u16,
    /// How many columns the table takes.
    pub width: u16,
}

/// The year-by-year table, headed as the terminal heads it.
fn years(rows: &mut Rows<'_>, s: &Savings) -> Result<YearsAt, XlsxError> {
    let columns = YearColumn::of(s);
    let heading = rows.row;
    for (c, column) in columns.iter().enumerate() {
        let pick: Pick = if c == 0 {
            |f| &f.heading_first
        } else {
            |f| &f.heading
        };
        rows.styled(c, column.label(), pick)?;
    }
    rows.next();
    let first = rows.row;
    for y in &s.years {
        for (c, column) in columns.iter().enumerate() {
            match column {
                YearColumn::Year => rows.year(c, y.year)?,
                other => rows.money(c, other.money(y))?,
            }
        }
        rows.next();
    }
    let at = |wanted: YearColumn| columns.iter().position(|c| *c == wanted).map_or(Ok(0), col);
    Ok(YearsAt {
        heading,
        first,
        last: rows.row.saturating_sub(1).max(first),
        saving: at(YearColumn::Saving)?,
        net_saving: at(YearColumn::NetSaving)?,
        width: col(columns.len())?,
    })
}

/// The goal and whether it is met, as the terminal's goal line says it.
fn goal(rows: &mut Rows<'_>, s: &Savings) -> Result<(), XlsxError> {
    let Some(g) = &s.goal else {
        return Ok(());
    };
    rows.next();
    rows.line(layout::GOAL, &layout::goal_text(g, s))?;
    rows.text(0, "Achieved")?;
    rows.money(1, Some(g.achieved))?;
    let pick: Pick = if g.met { |f| &f.met } else { |f| &f.not_met };
    rows.styled(2, layout::goal_verdict(g), pick)?;
    rows.next();
    Ok(())
}

/// The change in core split into list and price effects, and the average
/// prices before and after.
fn decomposition(rows: &mut Rows<'_>, s: &Savings) -> Result<(), XlsxError> {
    rows.heading("Where the change comes from")?;
    let mut money = vec![
        (layout::CORE_NOW, s.core_now),
        (layout::LIST_EFFECT, s.list_effect),
        (layout::PRICE_EFFECT, s.price_effect),
        (layout::CORE_REBASED, s.core_rebased),
    ];
    if let Some(withdrawn) = s.premium_withdrawn {
        money.push((layout::PREMIUM_WITHDRAWN, withdrawn));
    }
    for (label, m) in money {
        rows.text(0, label)?;
        rows.money(1, Some(m))?;
        rows.next();
    }
    rows.text(0, layout::LIST_CHANGE)?;
    rows.number(1, s.list_change_registrations)?;
    rows.text(2, "registrations")?;
    rows.next();
    rows.next();
    for (c, stage) in layout::AVERAGE_STAGES.iter().enumerate() {
        rows.styled(c + 1, stage, |f| &f.heading)?;
    }
    rows.next();
    rows.text(0, layout::average_price(s.per))?;
    for (c, m) in layout::averages(s).into_iter().enumerate() {
        rows.money(c + 1, m)?;
    }
    rows.next();
    Ok(())
}

/// Practices in scope, re-based and by outcome, and how many carry each flag.
fn counts(rows: &mut Rows<'_>, s: &Savings, flags: &[(&str, usize)]) -> Result<(), XlsxError> {
    rows.heading("Practices")?;
    rows.text(0, "Practices")?;
    rows.count(1, s.practices)?;
    rows.next();
    rows.text(0, layout::PRACTICES_REBASED)?;
    rows.count(1, s.practices_rebased)?;
    rows.next();
    for (word, n) in layout::counts(s) {
        rows.text(0, &capitalised(word))?;
        rows.count(1, n)?;
        rows.next();
    }
    rows.heading("Practices flagged (Practices sheet, flags column)")?;
    for (flag, n) in flags {
        rows.text(0, flag)?;
        rows.count(1, *n)?;
        rows.next();
    }
    Ok(())
}

/// `losing` -> `Losing`: the terminal's words start a row here.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
