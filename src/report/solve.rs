//! `solve`'s report: the request and the answer, with the words the text
//! shows for the basis and the scope. `output::solve` writes it.

use rust_decimal::Decimal;

use crate::calc::solve::{SolveAnswer, SolveRequest};
use crate::money::{Money, round_penny};
use crate::scenario::Basis;

/// What `solve` was asked and what it found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolveReport {
    /// The request: saving, year, basis and group.
    pub request: SolveRequest,
    /// The answer, proved by the full calculation.
    pub answer: SolveAnswer,
}

impl SolveReport {
    /// The basis in words: `gross` or `net of premium services`.
    #[must_use]
    pub fn basis_words(&self) -> &'static str {
        if self.request.basis == Basis::Gross {
            "gross"
        } else {
            "net of premium services"
        }
    }

    /// ` for group X` when one group counts, else nothing.
    #[must_use]
    pub fn scope_words(&self) -> String {
        self.request
            .group
            .as_deref()
            .map_or(String::new(), |g| format!(" for group {g}"))
    }

    /// Whether a price meets the saving (an unreachable saving does not).
    #[must_use]
    pub fn met(&self) -> bool {
        !matches!(self.answer, SolveAnswer::Unreachable { .. })
    }
}

/// The price one penny above `price`.
#[must_use]
pub fn one_penny_higher(price: Money) -> Money {
    price + round_penny(Decimal::new(1, 2))
}
