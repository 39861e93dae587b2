//! SPEC §4 step 7: premium services, paid per registered patient on access
//! basis (the whole list used, not activity), from year 1.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::PremiumTakeUp;
use crate::money::{Money, round_penny};
use crate::scenario::PremiumService;

/// One service a practice is paid for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PremiumPayment {
    /// The service's name as on the menu.
    pub service: String,
    /// `round(price * list used)`.
    pub amount: Money,
}

/// A `premium` cell names a service the menu does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownService {
    /// The name as written.
    pub name: String,
}

/// The services a practice takes up and what each pays. `default_takes` is
/// whether it takes the whole menu when the file has no `premium` column
/// (re-based practices do, SPEC §7).
pub fn payments(
    take_up: &PremiumTakeUp,
    default_takes: bool,
    menu: &[PremiumService],
    list_used: Decimal,
) -> Result<Vec<PremiumPayment>, UnknownService> {
    let taken: Vec<&PremiumService> = match take_up {
        PremiumTakeUp::NoColumn if default_takes => menu.iter().collect(),
        PremiumTakeUp::NoColumn => Vec::new(),
        PremiumTakeUp::All => menu.iter().collect(),
        PremiumTakeUp::Named(names) => {
            let mut taken: Vec<&PremiumService> = Vec::new();
            for name in names {
                let service = menu
                    .iter()
                    .find(|s| s.name.eq_ignore_ascii_case(name))
                    .ok_or_else(|| UnknownService { name: name.clone() })?;
                if !taken.iter().any(|t| t.name == service.name) {
                    taken.push(service);
                }
            }
            taken
        }
    };
    Ok(taken
        .into_iter()
        .map(|s| PremiumPayment {
            service: s.name.clone(),
            amount: amount(s, list_used),
        })
        .collect())
}

/// What one service pays a practice.
#[must_use]
pub fn amount(service: &PremiumService, list_used: Decimal) -> Money {
    // Rounding point: a per-practice money figure (SPEC §1 point 2).
    round_penny(service.price.value() * list_used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::price;
    use rust_decimal_macros::dec;

    #[test]
    fn take_up() {
        let menu = vec![
            PremiumService {
                name: "data-reviews".into(),
                price: price(dec!(2)),
            },
            PremiumService {
                name: "patient-facing".into(),
                price: price(dec!(4)),
            },
        ];
        let list = dec!(4095.25);
        let all = payments(&PremiumTakeUp::NoColumn, true, &menu, list).unwrap();
        assert_eq!(
            all.iter().map(|p| p.amount).sum::<Money>().to_string(),
            "24571.50"
        );
        assert!(
            payments(&PremiumTakeUp::NoColumn, false, &menu, list)
                .unwrap()
                .is_empty()
        );
        let one = payments(
            &PremiumTakeUp::Named(vec!["Data-Reviews".into()]),
            false,
            &menu,
            list,
        )
        .unwrap();
        assert_eq!(one[0].amount.to_string(), "8190.50");
        let bad = payments(
            &PremiumTakeUp::Named(vec!["yoga".into()]),
            true,
            &menu,
            list,
        );
        assert_eq!(bad.unwrap_err().name, "yoga");
    }
}
