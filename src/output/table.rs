//! Human tables (comfy-table): the per-practice table, the savings table,
//! the sweep and the variation table. On a terminal, or with `--width`, the
//! default per-practice table keeps the most useful columns that fit and
//! the savings tables wrap to the width (SPEC §9.8); piped without a width
//! they keep their long-standing layout. Money shows thousands separators
//! here only; CSV and JSON keep plain numbers. Text from the input or the
//! scenario is shown with control characters escaped (SPEC §9.6).

use std::io::{self, Write};

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table};
use comfy_table::{LineStyle, TableStyle};

use crate::error::one_line;
use crate::money::Money;
use crate::output::savings_layout::{self as layout, YearColumn, pounds};
use crate::report::savings::Savings;
use crate::report::sweep::SweepRow;
use crate::report::variation::{OutlierRow, VariationRow};
use crate::report::{Cell, Column, Kind, Report};
use crate::scenario::{Basis, Per};

/// How much room the tables have (SPEC §9.8); `cli` decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// Not a terminal and no `--width`: the long-standing layout (the
    /// default columns, wrapped at 120), which scripts may rely on.
    Piped,
    /// A terminal's width or `--width`: never fewer than [`MIN_WIDTH`].
    Fit(u16),
}

/// The narrowest terminal the tables are laid out for.
pub const MIN_WIDTH: u16 = 80;

/// Where the default tables wrap when piped, as they always have.
const PIPED_WIDTH: u16 = 120;

impl Width {
    /// `columns` wide, but never fewer than [`MIN_WIDTH`].
    #[must_use]
    pub fn fit(columns: u16) -> Width {
        Width::Fit(columns.max(MIN_WIDTH))
    }

    fn columns(self) -> u16 {
        match self {
            Width::Piped => PIPED_WIDTH,
            Width::Fit(n) => n,
        }
    }
}

/// Lines above and below the header and at the bottom; nothing between rows.
const STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

pub use crate::text::thousands;

/// A list shown as a whole number with separators: `41,093,834`.
fn whole(d: rust_decimal::Decimal) -> String {
    let text = thousands(crate::money::round_penny(crate::money::round_whole(d)));
    text.strip_suffix(".00").map_or(text.clone(), str::to_owned)
}

fn cell_text(cell: &Cell<'_>, kind: Kind) -> String {
    match (cell, kind) {
        (Cell::Money(m), Kind::Money) => thousands(*m),
        (Cell::Text(text), _) => one_line(text),
        (other, _) => other.plain(),
    }
}

/// A table as wide as its content.
fn unbounded() -> Table {
    let mut table = Table::new();
    table.load_style(STYLE);
    table.set_content_arrangement(ContentArrangement::Disabled);
    table
}

/// A table whose free text wraps to fit `width`.
fn wrapped(width: Width) -> Table {
    let mut table = unbounded();
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width.columns());
    table
}

/// Writes the per-practice table with a totals row; prices are per
/// registered or (SPEC §8.4) per weighted patient, as `per` says.
pub fn write_practices<W: Write>(
    report: &Report,
    wide: bool,
    per: Per,
    width: Width,
    mut out: W,
) -> io::Result<()> {
    let mut shown = default_columns(report, wide);
    if let (false, Width::Fit(n)) = (wide, width) {
        shown = fitting(report, &shown, per, n);
    }
    writeln!(out, "{}", practice_table(report, &shown, wide, per, width))?;
    if per == Per::Weighted {
        writeln!(out, "prices are per weighted patient (£/wpt)")?;
    }
    let flags = shown
        .iter()
        .position(|&i| report.columns.get(i).is_some_and(|c| c.kind == Kind::Flags));
    if !wide && flags.is_some() && report.rows.iter().any(|r| has_flags(report, r)) {
        writeln!(
            out,
            "flags: {}",
            FLAG_LETTERS
                .map(|(name, letter)| format!("{letter} {name}"))
                .join(", ")
        )?;
    }
    Ok(())
}

fn has_flags(report: &Report, row: &[Cell<'_>]) -> bool {
    report
        .columns
        .iter()
        .zip(row)
        .any(|(c, cell)| c.kind == Kind::Flags && !cell.plain().is_empty())
}

/// Every column with `--wide`, else the narrow ones (the columns' role), in
/// the CSV's order.
fn default_columns(report: &Report, wide: bool) -> Vec<usize> {
    report
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| wide || c.role.narrow.is_some())
        .map(|(i, _)| i)
        .collect()
}

/// The default columns that fit `width` characters, the most useful
/// first (the narrow columns' rank); the first ranked always stays.
fn fitting(report: &Report, candidates: &[usize], per: Per, width: u16) -> Vec<usize> {
    let table = practice_table(report, candidates, false, per, Width::Piped);
    let needs = column_needs(&table);
    let ranked: Vec<(u8, usize, usize)> = candidates
        .iter()
        .zip(&needs)
        .filter_map(|(&i, &need)| {
            let narrow = report.columns.get(i)?.role.narrow?;
            Some((narrow.rank, i, need))
        })
        .collect();
    keep_fitting(ranked, width)
}

/// Of columns `(rank, index, room needed)`, the indices of those that fit
/// `width` characters, the most useful (lowest rank) first; the first
/// ranked always stays. In index order.
fn keep_fitting(mut ranked: Vec<(u8, usize, usize)>, width: u16) -> Vec<usize> {
    ranked.sort_unstable();
    let mut room = usize::from(width) + 1;
    let mut kept = Vec::new();
    for (_, i, need) in ranked {
        if need <= room || kept.is_empty() {
            room = room.saturating_sub(need);
            kept.push(i);
        }
    }
    kept.sort_unstable();
    kept
}

/// The room each column of `table` takes: its widest cell, its padding and
/// one junction (the style's lines have junctions), the first no junction.
fn column_needs(table: &Table) -> Vec<usize> {
    table
        .column_max_content_widths()
        .iter()
        .zip(table.column_iter())
        .map(|(w, c)| usize::from(*w) + usize::from(c.padding_width()) + 1)
        .collect()
}

/// The per-practice table of the columns `shown` (indices into the report).
fn practice_table(report: &Report, shown: &[usize], wide: bool, per: Per, width: Width) -> Table {
    let mut table = if wide { unbounded() } else { wrapped(width) };
    table.set_header(
        shown
            .iter()
            .filter_map(|&i| report.columns.get(i))
            .map(|c| label(c, wide, per)),
    );
    for row in &report.rows {
        table.add_row(shown.iter().filter_map(|&i| {
            let column = report.columns.get(i)?;
            let text = cell_text(row.get(i)?, column.kind);
            Some(if column.kind == Kind::Flags && !wide {
                short_flags(&text)
            } else {
                text
            })
        }));
    }
    table.add_row(totals(report, shown));
    for (position, &i) in shown.iter().enumerate() {
        if let (Some(column), Some(c)) = (table.column_mut(position), report.columns.get(i))
            && !c.role.wraps
        {
            // Only the free text may wrap; numbers and codes keep their width.
            column.set_constraint(ColumnConstraint::ContentWidth);
            if !wide {
                column.set_padding((0, 1));
            }
            if c.kind != Kind::Text {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    table
}

/// A column's header: its short label by default, its name with `--wide`.
fn label(column: &Column, wide: bool, per: Per) -> String {
    match column.role.narrow {
        Some(narrow) if !wide => narrow.label(per).to_owned(),
        _ => column.name.clone(),
    }
}

/// Totals: every column summed (its role) is the sum of its rounded rows.
fn totals(report: &Report, shown: &[usize]) -> Vec<String> {
    shown
        .iter()
        .enumerate()
        .map(|(position, &i)| match report.columns.get(i) {
            _ if position == 0 => "Total".to_owned(),
            Some(column) if column.role.total => {
                let sum: Money = report
                    .rows
                    .iter()
                    .filter_map(|r| match r.get(i) {
                        Some(Cell::Money(m)) => Some(*m),
                        _ => None,
                    })
                    .sum();
                thousands(sum)
            }
            _ => String::new(),
        })
        .collect()
}

/// Every flag in SPEC §9.2's order, with its letter in the narrow table
/// (explained under it); the workbook counts the practices flagged by it.
pub const FLAG_LETTERS: [(&str, &str); 5] = [
    ("reconcile", "R"),
    ("outlier", "O"),
    ("business_case", "B"),
    ("better_under_gms", "G"),
    ("excluded", "X"),
];

fn short_flags(flags: &str) -> String {
    flags
        .split(';')
        .filter_map(|f| {
            FLAG_LETTERS
                .iter()
                .find(|(name, _)| *name == f)
                .map(|(_, letter)| *letter)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the savings table(s), wrapped to `width`. Warnings go to
/// standard error only (SPEC §9.8).
pub fn write_savings<W: Write>(savings: &[Savings], width: Width, mut out: W) -> io::Result<()> {
    // By group: one summary row per group, then the total in full.
    let groups: Vec<&Savings> = savings.iter().filter(|s| s.group.is_some()).collect();
    if !groups.is_empty() {
        write_group_summary(&groups, width, &mut out)?;
    }
    for s in savings.iter().filter(|s| s.group.is_none()) {
        let mut table = wrapped(width);
        table.set_header(vec!["Savings: all practices".to_owned(), String::new()]);
        for (label, value) in summary_rows(s) {
            table.add_row(vec![label.to_owned(), value]);
        }
        writeln!(out, "{table}")?;
        writeln!(out, "{}", years_table(s, width))?;
        if let Some(g) = &s.goal {
            writeln!(
                out,
                "{}: {}; achieved {}: {}",
                layout::GOAL,
                layout::goal_text(g, s),
                pounds(Some(g.achieved)),
                layout::goal_verdict(g)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The two-column summary above the years: target, counts, prices and
/// the decomposition of the change, as text.
fn summary_rows(s: &Savings) -> Vec<(&'static str, String)> {
    let target = match &s.target {
        Some(t) => match t.price {
            Some(p) => format!("£{} ({})", thousands(p), layout::target_note(t)),
            None => layout::target_note(t),
        },
        None => format!("{} (above)", layout::TARGET_PER_GROUP),
    };
    let mut rows: Vec<(&str, String)> = vec![(layout::TARGET_PRICE, target)];
    if let Some(paid) = s.target.as_ref().and_then(|t| t.paid) {
        // SPEC §9.3: the price actually paid when the floor is above the target.
        let text = format!("£{} (the floor, above the target)", thousands(paid));
        rows.push((layout::PRICE_PAID, text));
    }
    rows.extend([
        (layout::PRACTICES_REBASED, {
            let [losing, gaining, unchanged, excluded] =
                layout::counts(s).map(|(word, n)| format!("{word} {n}"));
            format!(
                "{} of {} ({losing}, {gaining}, {unchanged}; {excluded})",
                s.practices_rebased, s.practices
            )
        }),
        (
            layout::average_price(s.per),
            layout::averages(s)
                .iter()
                .zip(layout::AVERAGE_STAGES)
                .map(|(m, stage)| format!("{} {stage}", pounds(*m)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            layout::LIST_CHANGE,
            format!(
                "{} registrations, {}",
                s.list_change_registrations,
                pounds(Some(s.list_effect))
            ),
        ),
        (layout::CORE_NOW, pounds(Some(s.core_now))),
        (layout::LIST_EFFECT, pounds(Some(s.list_effect))),
        (layout::PRICE_EFFECT, pounds(Some(s.price_effect))),
        (layout::CORE_REBASED, pounds(Some(s.core_rebased))),
    ]);
    if let Some(withdrawn) = s.premium_withdrawn {
        rows.push((layout::PREMIUM_WITHDRAWN, pounds(Some(withdrawn))));
    }
    rows
}

/// Year by year: core paid, saving, premium services, and with SPEC §8
/// what would be paid without the review and what is reinvested.
fn years_table(s: &Savings, width: Width) -> Table {
    let columns = YearColumn::of(s);
    let mut years = wrapped(width);
    years.set_header(columns.iter().map(|c| c.label()).collect::<Vec<_>>());
    for y in &s.years {
        let row: Vec<String> = columns
            .iter()
            .map(|c| match c {
                YearColumn::Year => y.year.to_string(),
                c => c.money(y).map_or("—".to_owned(), thousands),
            })
            .collect();
        years.add_row(row);
    }
    for i in 1..columns.len() {
        if let Some(c) = years.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    fit_figures(&mut years, width);
    years
}

/// On a terminal (or `--width`), a table of figures that is too wide
/// keeps every figure whole and wraps its headers at spaces: one space of
/// padding between columns (none if that is still too wide), and no column
/// narrower than its widest figure or header word. Piped, it is left as it
/// was.
fn fit_figures(table: &mut Table, width: Width) {
    let Width::Fit(room) = width else {
        return;
    };
    let room = usize::from(room);
    // As laid out piped: one space each side of every column, and junctions.
    let natural: usize = table
        .column_max_content_widths()
        .iter()
        .map(|w| usize::from(*w) + 3)
        .sum();
    if natural <= room + 1 {
        return;
    }
    let least = least_widths(table);
    let pad = u16::from(span(&least, 1) <= room);
    let header: Vec<String> = table
        .header()
        .into_iter()
        .flat_map(comfy_table::Row::cell_iter)
        .zip(&least)
        .map(|(cell, w)| wrap(&cell.content(), usize::from(*w), 0))
        .collect();
    table.set_header(header);
    table.set_content_arrangement(ContentArrangement::Disabled);
    for i in 0..least.len() {
        if let Some(c) = table.column_mut(i) {
            c.set_padding((u16::from(i == 0), pad));
        }
    }
}

/// The width of a table whose columns hold `widths` characters: the first
/// padded by one space on the left, each by `pad` on the right, and all
/// but the first with one junction before.
fn span(widths: &[u16], pad: usize) -> usize {
    let columns: usize = widths.iter().map(|w| usize::from(*w)).sum();
    columns + 1 + pad + widths.len().saturating_sub(1) * (pad + 1)
}

/// `text` broken at spaces into lines of at most `width` characters, the
/// lines after the first indented by `indent` spaces; a word longer than a
/// line stays whole.
#[must_use]
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut used = 0;
    let mut fresh = true;
    for word in text.split(' ') {
        let n = word.chars().count();
        if !fresh && used + 1 + n > width {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            used = indent;
            fresh = true;
        }
        if !fresh {
            out.push(' ');
            used += 1;
        }
        out.push_str(word);
        used += n;
        fresh = false;
    }
    out
}

/// Each column's least width: its widest cell of the body, or its
/// longest header word.
fn least_widths(table: &mut Table) -> Vec<u16> {
    let count = |s: &str| u16::try_from(s.chars().count()).unwrap_or(u16::MAX);
    let mut least: Vec<u16> = vec![0; table.column_count()];
    let header = table
        .header()
        .into_iter()
        .flat_map(comfy_table::Row::cell_iter);
    for (w, cell) in least.iter_mut().zip(header) {
        *w = cell
            .content()
            .split_whitespace()
            .map(count)
            .max()
            .unwrap_or(0);
    }
    for row in table.row_iter() {
        for (w, cell) in least.iter_mut().zip(row.cell_iter()) {
            *w = (*w).max(count(&cell.content()));
        }
    }
    least
}

/// One row per group: its target, counts and the last year's money.
fn write_group_summary<W: Write>(groups: &[&Savings], width: Width, out: &mut W) -> io::Result<()> {
    let mut table = match width {
        Width::Piped => unbounded(),
        Width::Fit(_) => wrapped(width),
    };
    let last = groups.first().map_or(0, |g| g.years.len());
    table.set_header(vec![
        "group".to_owned(),
        "target".to_owned(),
        "re-based".to_owned(),
        "losing".to_owned(),
        "gaining".to_owned(),
        "core now".to_owned(),
        format!("year {last} saving"),
        "premium".to_owned(),
        "net saving".to_owned(),
    ]);
    for g in groups {
        let y = g.years.last();
        table.add_row(vec![
            g.group
                .as_deref()
                .filter(|g| !g.is_empty())
                .map_or("(none)".to_owned(), one_line),
            g.target
                .as_ref()
                .and_then(|t| t.price)
                .map_or("—".to_owned(), |p| format!("£{}", thousands(p))),
            g.practices_rebased.to_string(),
            g.practices_losing.to_string(),
            g.practices_gaining.to_string(),
            thousands(g.core_now),
            y.map_or(String::new(), |y| thousands(y.saving)),
            y.map_or(String::new(), |y| thousands(y.premium)),
            y.map_or(String::new(), |y| thousands(y.net_saving)),
        ]);
    }
    for i in 1..9 {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    fit_figures(&mut table, width);
    writeln!(out, "Savings by group")?;
    writeln!(out, "{table}")?;
    writeln!(out)
}

/// Writes the sweep (SPEC §8.5): a line naming the scenario and the
/// prices, one row per target price, and whether each meets the goal.
/// Warnings go to standard error only (SPEC §9.8).
pub fn write_sweep<W: Write>(
    scenario_name: &str,
    rows: &[SweepRow],
    (years, width): (usize, Width),
    mut out: W,
) -> io::Result<()> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(());
    };
    // A scenario name is shown with control characters escaped (SPEC §9.6).
    let name = one_line(scenario_name);
    let title = format!(
        "Sweep: {name}, {} target price{} from £{} to £{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        thousands(first.target_price),
        thousands(last.target_price)
    );
    writeln!(out, "{}", sentence(&title, width))?;
    let goal = rows.iter().find_map(|r| r.goal.as_ref());
    sweep_table(rows, years, goal.is_some()).write(width, &mut out)?;
    if let Some(g) = goal {
        let basis = if g.basis == Basis::Gross {
            "gross"
        } else {
            "net"
        };
        let met: Vec<&SweepRow> = rows
            .iter()
            .filter(|r| r.goal.as_ref().is_some_and(|g| g.met))
            .collect();
        let verdict = match met.iter().map(|r| r.target_price).max() {
            None => format!("met at none of the {} prices", rows.len()),
            Some(highest) => format!(
                "met at {} of {} prices, the highest £{}",
                met.len(),
                rows.len(),
                thousands(highest)
            ),
        };
        let line = format!(
            "Goal: a saving of {} in year {} ({basis}): {verdict}.",
            pounds(Some(g.required)),
            g.year,
        );
        writeln!(out, "{}", sentence(&line, width))?;
    }
    Ok(())
}

/// Writes the variation table: core price per patient, then total payments
/// per patient, then the outliers. Fitted to a terminal's width (or
/// `--width`), the least useful columns are left out and named; piped, every
/// column is shown. Warnings go to standard error only (SPEC §9.8).
pub fn write_variation<W: Write>(
    rows: &[VariationRow],
    outliers: &[OutlierRow],
    per: Per,
    width: Width,
    mut out: W,
) -> io::Result<()> {
    let unit = match per {
        Per::Registered => "patient",
        Per::Weighted => "weighted patient",
    };
    for core in [true, false] {
        let title = if core {
            format!("Core price per {unit} (global sum + MPIG + PMS baseline)")
        } else {
            format!("Total payments per {unit}")
        };
        let (header, cells) = variation_cells(rows, per, core);
        writeln!(out, "{title}")?;
        Fitted {
            header: header
                .iter()
                .map(|&(h, rank)| (h.to_owned(), rank))
                .collect(),
            rows: cells,
            left: 1 + usize::from(rows.iter().any(|r| r.group.is_some())),
        }
        .write(width, &mut out)?;
        writeln!(out)?;
    }
    write_left_out_practices(rows, per, width, &mut out)?;
    write_outliers(outliers, unit, width, &mut out)
}

/// The variation table's columns (each with its rank when the table is
/// fitted, the most useful lowest) and every row's cells.
fn variation_cells(
    rows: &[VariationRow],
    per: Per,
    core: bool,
) -> (Vec<(&'static str, u8)>, Vec<Vec<String>>) {
    let by_group = rows.iter().any(|r| r.group.is_some());
    let patients = if per == Per::Weighted {
        "weighted patients"
    } else {
        "patients"
    };
    let mut header: Vec<(&'static str, u8)> = Vec::new();
    if by_group {
        header.push(("group", 0));
    }
    header.extend([
        ("contract", 1),
        ("practices", 2),
        (patients, 8),
        ("average", 3),
        ("mean", 9),
        ("median", 5),
        ("min", 6),
        ("max", 7),
        ("range", 10),
    ]);
    if core {
        // What a PMS review is about: kept before the spread.
        header.push(("PMS premium", 4));
    }
    let cells = rows
        .iter()
        .map(|r| variation_row(r, by_group, core))
        .collect();
    (header, cells)
}

/// One row's cells, in [`variation_cells`]' column order.
fn variation_row(r: &VariationRow, by_group: bool, core: bool) -> Vec<String> {
    let spread = if core { &r.core } else { &r.total };
    let mut cells: Vec<String> = Vec::new();
    if by_group {
        cells.push(r.group.as_deref().map_or("all".to_owned(), one_line));
    }
    cells.push(r.contract.map_or("all".to_owned(), |c| c.to_string()));
    cells.push(r.practices.to_string());
    cells.push(whole(r.patients));
    match spread {
        Some(sp) => cells.extend(
            [sp.average, sp.mean, sp.median, sp.min, sp.max, sp.range()]
                .map(|m| format!("£{}", thousands(m))),
        ),
        None => cells.extend(std::iter::repeat_n("—".to_owned(), 6)),
    }
    if core {
        cells.push(
            r.premium_over_gms_pct
                .map_or(String::new(), |p| format!("{p}%")),
        );
    }
    cells
}

/// The sweep's columns, ranked for a fitted table: the price, whether the
/// goal is met and the last year's savings first, then the counts, then
/// the earlier years.
fn sweep_table(rows: &[SweepRow], years: usize, with_goal: bool) -> Fitted {
    let last_year = |k: usize, last: u8, earlier: u8| if k == years { last } else { earlier };
    let mut header: Vec<(String, u8)> = [
        ("target\nprice", 0),
        ("losing", 4),
        ("gaining", 5),
        ("business\ncases", 6),
    ]
    .map(|(h, rank)| (h.to_owned(), rank))
    .to_vec();
    header.extend((1..=years).map(|k| (format!("year {k}\nsaving"), last_year(k, 2, 7))));
    header.extend((1..=years).map(|k| (format!("year {k}\nnet saving"), last_year(k, 3, 8))));
    if with_goal {
        header.push(("goal\nmet".to_owned(), 1));
    }
    let cells = rows
        .iter()
        .map(|r| sweep_row(r, years, with_goal))
        .collect();
    Fitted {
        header,
        rows: cells,
        left: 0,
    }
}

/// One price's cells, in [`sweep_table`]'s column order.
fn sweep_row(r: &SweepRow, years: usize, with_goal: bool) -> Vec<String> {
    let mut cells = vec![
        thousands(r.target_price),
        r.practices_losing.to_string(),
        r.practices_gaining.to_string(),
        r.business_cases.to_string(),
    ];
    let money = |m: Option<Money>| m.map_or(String::new(), thousands);
    cells.extend((0..years).map(|k| money(r.years.get(k).map(|y| y.saving))));
    cells.extend((0..years).map(|k| money(r.years.get(k).map(|y| y.net_saving))));
    if with_goal {
        cells.push(match &r.goal {
            Some(g) if g.met => "yes".to_owned(),
            Some(_) => "no".to_owned(),
            None => String::new(),
        });
    }
    cells
}

/// A sentence under or over a table: wrapped at the width when the tables
/// are fitted (continuation lines indented), whole when piped.
fn sentence(text: &str, width: Width) -> String {
    match width {
        Width::Piped => text.to_owned(),
        Width::Fit(n) => wrap(text, usize::from(n), 2),
    }
}

/// A table that fits a width by leaving out its least useful columns:
/// each column has a rank (the most useful lowest; the first ranked always
/// stays). Piped, every column is shown; fitted, a line under the table
/// names what was left out. The first `left` columns are text, aligned
/// left; the rest are numbers, aligned right.
struct Fitted {
    header: Vec<(String, u8)>,
    rows: Vec<Vec<String>>,
    left: usize,
}

impl Fitted {
    /// Writes the table at `width`, and the line naming what it left out.
    fn write<W: Write>(&self, width: Width, out: &mut W) -> io::Result<()> {
        let every: Vec<usize> = (0..self.header.len()).collect();
        let kept = match width {
            Width::Piped => every,
            Width::Fit(n) => {
                let needs = column_needs(&self.table(&every));
                let ranked = self.header.iter().zip(needs).enumerate();
                keep_fitting(
                    ranked
                        .map(|(i, ((_, rank), need))| (*rank, i, need))
                        .collect(),
                    n,
                )
            }
        };
        writeln!(out, "{}", self.table(&kept))?;
        let left_out: Vec<String> = (0..self.header.len())
            .filter(|i| !kept.contains(i))
            .filter_map(|i| self.header.get(i).map(|(name, _)| name.replace('\n', " ")))
            .collect();
        if !left_out.is_empty() {
            let note = format!(
                "Not shown, to fit: {} (--wide shows every column).",
                left_out.join(", ")
            );
            writeln!(out, "{}", sentence(&note, width))?;
        }
        Ok(())
    }

    /// The table of the columns `shown`.
    fn table(&self, shown: &[usize]) -> Table {
        let mut table = unbounded();
        table.set_header(
            shown
                .iter()
                .filter_map(|&i| self.header.get(i).map(|(h, _)| h)),
        );
        for row in &self.rows {
            table.add_row(shown.iter().filter_map(|&i| row.get(i)));
        }
        for (j, &i) in shown.iter().enumerate() {
            if let (true, Some(c)) = (i >= self.left, table.column_mut(j)) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        table
    }
}

/// The sentence naming how many practices the statistics leave out,
/// wrapped when the tables are fitted.
fn write_left_out_practices<W: Write>(
    rows: &[VariationRow],
    per: Per,
    width: Width,
    out: &mut W,
) -> io::Result<()> {
    let excluded: usize = rows
        .iter()
        .filter(|r| r.group.is_none() && r.contract.is_none())
        .map(|r| r.excluded)
        .sum();
    if excluded == 0 {
        return Ok(());
    }
    let text = format!(
        "{excluded} practices with a zero list, no core payment or a close date{} are left out of the statistics.",
        if per == Per::Weighted {
            ", or no weighted list,"
        } else {
            ""
        }
    );
    writeln!(out, "{}", sentence(&text, width))
}

/// The practices flagged `outlier`, under the variation table (SPEC §9.2).
fn write_outliers<W: Write>(
    outliers: &[OutlierRow],
    unit: &str,
    width: Width,
    out: &mut W,
) -> io::Result<()> {
    if outliers.is_empty() {
        return Ok(());
    }
    let title = "Outliers: price now below a quarter or above four times the median of their contract type (SPEC §9.2)";
    writeln!(out, "{}", sentence(title, width))?;
    // Fitted, the practices' names wrap.
    let mut table = match width {
        Width::Piped => unbounded(),
        Width::Fit(_) => wrapped(width),
    };
    table.set_header(vec![
        "practice".to_owned(),
        "name".to_owned(),
        "type".to_owned(),
        "group".to_owned(),
        format!("£ per {unit} now"),
    ]);
    for o in outliers {
        table.add_row(vec![
            one_line(&o.practice_code),
            one_line(&o.practice_name),
            o.contract.to_string(),
            one_line(&o.group),
            o.price_now
                .map_or("—".to_owned(), |p| format!("£{}", thousands(p))),
        ]);
    }
    if let Some(c) = table.column_mut(4) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    writeln!(out, "{table}")?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::round_penny;
    use rust_decimal_macros::dec;

    #[test]
    fn wraps_at_spaces_with_a_hanging_indent() {
        assert_eq!(
            wrap("warning: aa bb cc", 12, 9),
            "warning: aa\n         bb\n         cc"
        );
        assert_eq!(wrap("short", 80, 9), "short");
        assert_eq!(wrap("a verylongword", 5, 2), "a\n  verylongword");
        assert_eq!(wrap("Premium services", 8, 0), "Premium\nservices");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(round_penny(dec!(1234567.5))), "1,234,567.50");
        assert_eq!(thousands(round_penny(dec!(-123456))), "-123,456.00");
        assert_eq!(thousands(round_penny(dec!(12))), "12.00");
    }
}
