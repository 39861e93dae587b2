//! SPEC §4 step 4: the target price of a scope (everyone, or one group),
//! over the practices being re-based there (corrected values, lists used).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Money, round_penny};
use crate::scenario::PriceMethod;

/// The target of one scope and how it was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The group, or `None` for one target over everyone.
    pub group: Option<String>,
    /// The method's name.
    pub method: &'static str,
    /// The price, rounded to the penny; `None` when there is nothing to
    /// average (no practice re-based in scope, banding, or no GMS practice).
    pub price: Option<Money>,
    /// The unrounded figure the price was rounded from.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub exact: Option<Decimal>,
    /// Practices the figure was taken over.
    pub practices: usize,
    /// Their total core value (corrected; for gms-average, the GMS core now).
    pub total_core: Money,
    /// Their total list used.
    #[serde(with = "rust_decimal::serde::str")]
    pub total_list: Decimal,
    /// The price actually paid to practices capped at the target when the
    /// floor is above it (SPEC §9.3): the floor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<Money>,
}

/// One practice's figures as the target needs them.
#[derive(Clone, Copy, Debug)]
pub struct Priced {
    /// Core value (corrected for re-based practices, now for GMS).
    pub core: Money,
    /// List used (never zero here: zero lists are excluded).
    pub list: Decimal,
}

impl Priced {
    /// The practice's unrounded price.
    #[must_use]
    pub fn price(self) -> Decimal {
        self.core.value() / self.list
    }
}

/// Finds the target of one scope; `None` if its figures overflow. `rebased` are the practices re-based in
/// scope; `gms` the GMS practices in scope (used by `gms-average` only).
#[must_use]
pub fn target(
    method: &PriceMethod,
    group: Option<String>,
    rebased: &[Priced],
    gms: &[Priced],
) -> Option<Target> {
    let over = if matches!(method, PriceMethod::GmsAverage) {
        gms
    } else {
        rebased
    };
    let total_core: Money = over.iter().map(|p| p.core).sum();
    let total_list: Decimal = over.iter().map(|p| p.list).sum();
    let exact = match method {
        PriceMethod::Fixed { value } => Some(value.value()),
        PriceMethod::Banding { .. } | PriceMethod::GmsEquivalent => None,
        _ if over.is_empty() || total_list.is_zero() => None,
        PriceMethod::Average | PriceMethod::GmsAverage => Some(total_core.value() / total_list),
        PriceMethod::Mean => {
            // Checked: many tiny fractional lists could make prices whose sum overflows.
            let sum = over
                .iter()
                .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(p.price()))?;
            Some(sum / Decimal::from(over.len()))
        }
        PriceMethod::Median => median(over.iter().map(|p| p.price()).collect()),
    };
    Some(Target {
        group,
        method: method.name(),
        // Rounding point: a price per patient is rounded before it is used (SPEC §1 point 1).
        price: exact.map(round_penny),
        exact,
        practices: over.len(),
        total_core,
        total_list,
        paid: None,
    })
}

/// The median; an even count's median is the mean of the middle two.
pub(crate) fn median(mut prices: Vec<Decimal>) -> Option<Decimal> {
    prices.sort_unstable();
    let n = prices.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        prices.get(n / 2).copied()
    } else {
        let a = prices.get(n / 2 - 1)?;
        let b = prices.get(n / 2)?;
        Some((a + b) / Decimal::TWO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn priced(core: Decimal, list: Decimal) -> Priced {
        Priced {
            core: round_penny(core),
            list,
        }
    }

    #[test]
    fn methods() {
        let ps = [
            priced(dec!(100000), dec!(1000)),
            priced(dec!(80000), dec!(1000)),
            priced(dec!(90000), dec!(2000)),
        ];
        let t = |m: PriceMethod| {
            target(&m, None, &ps, &[])
                .unwrap()
                .price
                .map(|p| p.to_string())
        };
        // (100000 + 80000 + 90000) / 4000 = 67.50
        assert_eq!(t(PriceMethod::Average).as_deref(), Some("67.50"));
        // (100 + 80 + 45) / 3 = 75
        assert_eq!(t(PriceMethod::Mean).as_deref(), Some("75.00"));
        assert_eq!(t(PriceMethod::Median).as_deref(), Some("80.00"));
        assert_eq!(
            median(vec![dec!(1), dec!(4), dec!(2), dec!(3)]),
            Some(dec!(2.5))
        );
        assert_eq!(
            target(&PriceMethod::GmsAverage, None, &ps, &[])
                .unwrap()
                .price,
            None
        );
    }
}
