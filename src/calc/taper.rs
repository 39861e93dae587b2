//! SPEC §4 step 6: the taper. Year k core = core now + `round(change * s_k)`;
//! gains are paid in full from year 1 unless `gains = "tapered"`.

use rust_decimal::Decimal;

use crate::money::{Money, round_penny};
use crate::scenario::{Gains, Taper};

/// The core paid in each year; the last year equals the re-based core.
#[must_use]
pub fn years(core_now: Money, change: Money, taper: &Taper) -> Vec<Money> {
    taper
        .schedule
        .iter()
        .map(|share| year_core(core_now, change, *share, taper.gains))
        .collect()
}

/// One year's core: `base + round(change * share)`, where a gain is paid in
/// full unless gains are tapered (SPEC §4 step 6; §8.2 with `base` = core
/// now + that year's uplift).
#[must_use]
pub fn year_core(base: Money, change: Money, share: Decimal, gains: Gains) -> Money {
    let share = if change.is_positive() && gains == Gains::Immediate {
        Decimal::ONE
    } else {
        share
    };
    // Rounding point: a per-practice money figure (SPEC §1 point 2).
    base + round_penny(change.value() * share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn tapers_losses_and_gains() {
        let taper = Taper {
            schedule: vec![dec!(0.34), dec!(0.67), dec!(1)],
            gains: Gains::Immediate,
        };
        let loss = years(round_penny(dec!(1000)), round_penny(dec!(-100.05)), &taper);
        // -100.05 * 0.34 = -34.017 -> -34.02; * 0.67 = -67.0335 -> -67.03
        assert_eq!(
            loss.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["965.98", "932.97", "899.95"]
        );
        let gain = years(round_penny(dec!(1000)), round_penny(dec!(50)), &taper);
        assert!(gain.iter().all(|y| y.to_string() == "1050.00"));
        let tapered = Taper {
            gains: Gains::Tapered,
            ..taper
        };
        assert_eq!(
            years(round_penny(dec!(1000)), round_penny(dec!(50)), &tapered)[0].to_string(),
            "1017.00"
        );
    }
}
