//! SPEC §4 step 5: the price after re-basing and the re-based core.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Money, round_penny};
use crate::scenario::{Band, PriceMethod, PricePolicy};

/// The rule that set a practice's price after re-basing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum PriceRule {
    /// At or below the target: the practice keeps its own price.
    Own,
    /// Above the target: brought down to it.
    Target,
    /// Below the target with `level_up`: raised to it.
    LevelUp,
    /// The floor lifted it.
    Floor,
    /// The price of its band (1-based).
    Band {
        /// Which band.
        band: usize,
    },
}

/// Step 5's result for one practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PriceAfter {
    /// The price per patient after re-basing (unrounded when it is the practice's own).
    #[serde(with = "rust_decimal::serde::str")]
    pub price: Decimal,
    /// Which rule set it.
    #[serde(flatten)]
    pub rule: PriceRule,
}

/// A corrected price that falls in no band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoBand {
    /// The practice's price, rounded for the message.
    pub price: Money,
}

/// Step 5: `max(F, min(p, T))`, `max(F, T)` with `level_up`, or
/// `max(F, B)` with banding.
pub fn price_after(
    p: Decimal,
    target: Option<Money>,
    policy: &PricePolicy,
) -> Result<PriceAfter, NoBand> {
    let chosen = match &policy.method {
        PriceMethod::Banding { bands } => {
            let (index, band) = band_of(p, bands).ok_or(NoBand {
                price: round_penny(p),
            })?;
            PriceAfter {
                price: band.price.value(),
                rule: PriceRule::Band { band: index + 1 },
            }
        }
        _ => match target {
            Some(t) if p > t.value() => PriceAfter {
                price: t.value(),
                rule: PriceRule::Target,
            },
            Some(t) if policy.level_up && p < t.value() => PriceAfter {
                price: t.value(),
                rule: PriceRule::LevelUp,
            },
            // No target (nothing in scope to average) or at/below it: its own price.
            _ => PriceAfter {
                price: p,
                rule: PriceRule::Own,
            },
        },
    };
    Ok(match policy.floor {
        Some(f) if f.value() > chosen.price => PriceAfter {
            price: f.value(),
            rule: PriceRule::Floor,
        },
        _ => chosen,
    })
}

/// The band a price falls in: `from <= p < to`.
fn band_of(p: Decimal, bands: &[Band]) -> Option<(usize, &Band)> {
    bands
        .iter()
        .enumerate()
        .find(|(_, b)| b.from.value() <= p && b.to.is_none_or(|to| p < to.value()))
}

/// The re-based core: the corrected core itself when the practice keeps its
/// own price, else `round(price after * list used)`.
#[must_use]
pub fn core_rebased(after: PriceAfter, corrected: Money, list_used: Decimal) -> Money {
    match after.rule {
        PriceRule::Own => corrected,
        // Rounding point: a per-practice money figure (SPEC §1 point 2).
        _ => round_penny(after.price * list_used),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Scenario, price};
    use rust_decimal_macros::dec;

    fn policy(method: PriceMethod, floor: Option<Decimal>, level_up: bool) -> PricePolicy {
        PricePolicy {
            method,
            floor: floor.map(price),
            level_up,
            ..Scenario::default().price().clone()
        }
    }

    #[test]
    fn caps_floors_and_levels_up() {
        let t = Some(price(dec!(85.53)));
        let plain = policy(PriceMethod::Average, None, false);
        assert_eq!(
            price_after(dec!(102.43), t, &plain).unwrap().rule,
            PriceRule::Target
        );
        assert_eq!(
            price_after(dec!(70), t, &plain).unwrap().rule,
            PriceRule::Own
        );
        let floored = policy(PriceMethod::Average, Some(dec!(75)), false);
        assert_eq!(
            price_after(dec!(70), t, &floored).unwrap(),
            PriceAfter {
                price: dec!(75.00),
                rule: PriceRule::Floor
            }
        );
        let level = policy(PriceMethod::Average, None, true);
        assert_eq!(
            price_after(dec!(70), t, &level).unwrap().rule,
            PriceRule::LevelUp
        );
    }

    #[test]
    fn bands() {
        let bands = vec![
            Band {
                from: price(dec!(0)),
                to: Some(price(dec!(80))),
                price: price(dec!(78)),
            },
            Band {
                from: price(dec!(80)),
                to: None,
                price: price(dec!(85)),
            },
        ];
        let p = policy(PriceMethod::Banding { bands }, Some(dec!(79)), false);
        assert_eq!(
            price_after(dec!(80), None, &p).unwrap().rule,
            PriceRule::Band { band: 2 }
        );
        assert_eq!(
            price_after(dec!(79.99), None, &p).unwrap().rule,
            PriceRule::Floor
        );
        let gap = policy(
            PriceMethod::Banding {
                bands: vec![Band {
                    from: price(dec!(50)),
                    to: None,
                    price: price(dec!(60)),
                }],
            },
            None,
            false,
        );
        assert_eq!(
            price_after(dec!(49.995), None, &gap)
                .unwrap_err()
                .price
                .to_string(),
            "50.00"
        );
    }

    #[test]
    fn rebased_core_rounds_half_away() {
        let after = PriceAfter {
            price: dec!(85.53),
            rule: PriceRule::Target,
        };
        // 85.53 * 1000.5 = 85572.765 -> 85572.77
        assert_eq!(
            core_rebased(after, Money::ZERO, dec!(1000.5)).to_string(),
            "85572.77"
        );
    }
}
