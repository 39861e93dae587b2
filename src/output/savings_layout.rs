//! What the savings table says, shared by the terminal (`table.rs`) and the
//! workbook (`xlsx`): its row labels, the columns of the year-by-year table,
//! the target's description and the words of the goal line. Each writer
//! lays them out its own way; neither spells a label itself, so the Summary
//! sheet reads exactly as the terminal does.

use crate::calc::Target;
use crate::money::Money;
use crate::report::savings::{GoalResult, Savings, YearSaving};
use crate::scenario::{Basis, Per};

/// The target price (and how it was found).
pub const TARGET_PRICE: &str = "Target price";
/// SPEC §9.3: the price actually paid when the floor is above the target.
pub const PRICE_PAID: &str = "Price paid";
/// Practices re-based, and of those losing, gaining, unchanged.
pub const PRACTICES_REBASED: &str = "Practices re-based";
/// Registrations the list change took out, and its effect.
pub const LIST_CHANGE: &str = "List change";
/// Total core now.
pub const CORE_NOW: &str = "Core now";
/// Total list effect.
pub const LIST_EFFECT: &str = "List effect";
/// Total price effect.
pub const PRICE_EFFECT: &str = "Price effect";
/// Total re-based core.
pub const CORE_REBASED: &str = "Re-based core";
/// `gms-equivalent`: the premium withdrawn.
pub const PREMIUM_WITHDRAWN: &str = "Premium withdrawn";
/// The goal line's first word.
pub const GOAL: &str = "Goal";

/// The three average prices per patient, by when they are taken.
pub const AVERAGE_STAGES: [&str; 3] = ["now", "after list change", "re-based"];

/// The re-based practices by what re-basing does to them, and those excluded.
#[must_use]
pub fn counts(s: &Savings) -> [(&'static str, usize); 4] {
    [
        ("losing", s.practices_losing),
        ("gaining", s.practices_gaining),
        ("unchanged", s.practices_unchanged),
        ("excluded", s.practices_excluded),
    ]
}

/// The three average prices, in [`AVERAGE_STAGES`] order.
#[must_use]
pub fn averages(s: &Savings) -> [Option<Money>; 3] {
    [
        s.average_price_now,
        s.average_price_corrected,
        s.average_price_rebased,
    ]
}

/// What the target of a `gms-equivalent` run is, in words.
const GMS_EQUIVALENT: &str =
    "each practice's own GMS equivalent plus the premium it keeps (gms-equivalent)";

/// The label of the average prices, per patient or per weighted patient.
#[must_use]
pub fn average_price(per: Per) -> &'static str {
    match per {
        Per::Weighted => "Average price per weighted patient",
        Per::Registered => "Average price per patient",
    }
}

/// How the target was found: `fixed, over 19 practices` beside its price,
/// or, without one, what stands in its place.
#[must_use]
pub fn target_note(t: &Target) -> String {
    match t.price {
        Some(_) => format!("{}, over {} practices", t.method, t.practices),
        None if t.method == "gms-equivalent" => GMS_EQUIVALENT.to_owned(),
        None => format!("none ({})", t.method),
    }
}

/// The target of a by-group run's total, which has none of its own.
pub const TARGET_PER_GROUP: &str = "one per group";

/// The basis a goal is judged on, in words.
#[must_use]
pub fn goal_basis(g: &GoalResult, s: &Savings) -> &'static str {
    match (g.basis, s.years.first().and_then(|y| y.reinvested)) {
        (Basis::Gross, _) => "gross",
        (Basis::Net, None) => "net of premium services",
        (Basis::Net, Some(_)) => "net of premium services and reinvestment",
    }
}

/// `-£504,195.00`, or a dash when there is no figure.
#[must_use]
pub fn pounds(m: Option<Money>) -> String {
    match m {
        None => "—".to_owned(),
        Some(m) => crate::text::pounds(m),
    }
}

/// `a saving of £500,000.00 in year 2 (gross)`.
#[must_use]
pub fn goal_text(g: &GoalResult, s: &Savings) -> String {
    format!(
        "a saving of {} in year {} ({})",
        pounds(Some(g.required)),
        g.year,
        goal_basis(g, s)
    )
}

/// Whether the goal is met, in words.
#[must_use]
pub fn goal_verdict(g: &GoalResult) -> &'static str {
    if g.met { "met" } else { "NOT met" }
}

/// A column of the year-by-year savings table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearColumn {
    /// The taper year, from 1.
    Year,
    /// SPEC §8.2: what would be paid without the review.
    WithoutReview,
    /// Core paid that year.
    CorePaid,
    /// The saving.
    Saving,
    /// Premium services, headed for where the money goes when nothing else is reinvested.
    PremiumReinvested,
    /// Premium services, beside SPEC §8.3's reinvestment.
    PremiumServices,
    /// SPEC §8.3: the recycled money paid back to practices.
    Reinvested,
    /// SPEC §8.3: the pools over the recipients' list.
    Rate,
    /// The net saving.
    NetSaving,
}

impl YearColumn {
    /// The columns of `s`'s table, in order.
    #[must_use]
    pub fn of(s: &Savings) -> Vec<YearColumn> {
        let first = s.years.first();
        let without = first.is_some_and(|y| y.without_review.is_some());
        let reinvest = first.is_some_and(|y| y.reinvested.is_some());
        let mut columns = vec![YearColumn::Year];
        if without {
            columns.push(YearColumn::WithoutReview);
        }
        columns.extend([YearColumn::CorePaid, YearColumn::Saving]);
        if reinvest {
            columns.extend([
                YearColumn::PremiumServices,
                YearColumn::Reinvested,
                YearColumn::Rate,
            ]);
        } else {
            columns.push(YearColumn::PremiumReinvested);
        }
        columns.push(YearColumn::NetSaving);
        columns
    }

    /// The column's heading.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            YearColumn::Year => "Year",
            YearColumn::WithoutReview => "Without review",
            YearColumn::CorePaid => "Core paid",
            YearColumn::Saving => "Saving",
            YearColumn::PremiumReinvested => "Premium reinvested",
            YearColumn::PremiumServices => "Premium services",
            YearColumn::Reinvested => "Reinvested",
            YearColumn::Rate => "Rate",
            YearColumn::NetSaving => "Net saving",
        }
    }

    /// The column's figure in year `y` (`None` for the year itself, and
    /// where there is no figure: a rate with nobody to receive it).
    #[must_use]
    pub fn money(self, y: &YearSaving) -> Option<Money> {
        match self {
            YearColumn::Year => None,
            YearColumn::WithoutReview => y.without_review,
            YearColumn::CorePaid => Some(y.core),
            YearColumn::Saving => Some(y.saving),
            YearColumn::PremiumReinvested | YearColumn::PremiumServices => Some(y.premium),
            YearColumn::Reinvested => y.reinvested,
            YearColumn::Rate => y.reinvest_rate,
            YearColumn::NetSaving => Some(y.net_saving),
        }
    }
}
