//! SPEC §4 step 9: the GMS equivalent and the return-to-GMS comparison;
//! SPEC §8.1: re-basing each practice to its own GMS equivalent plus the
//! premium it keeps; §8.2: the MPIG equivalent left after the phase-out.
//! `pms_premium` follows NHS England's 2014 definition: core now less the
//! GMS equivalent, MPIG not counted.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Money, round_penny};
use crate::scenario::{GmsComparison, Years};

/// SPEC §8.1 for one practice in one taper year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GmsYear {
    /// The global sum price used, £ per weighted patient.
    pub global_sum_price: Money,
    /// The OOH deduction used, a fraction.
    #[serde(with = "rust_decimal::serde::str")]
    pub ooh_deduction: Decimal,
    /// `G_k`: the GMS equivalent of the weighted list in that year.
    pub gms_equivalent: Money,
    /// `c`: the corrected core plus that year's uplift.
    pub corrected: Money,
    /// `K = round(max(0, c - G) * retain)`: the premium kept.
    pub kept: Money,
    /// `t = G + K`.
    pub target: Money,
    /// The floor's core, `round(F * list)`, when there is a floor.
    pub floor: Option<Money>,
    /// `min(c, t)` (or `t` with `level_up`), at least the floor.
    pub rebased: Money,
}

/// The policy of SPEC §8.1, as one practice's year needs it.
#[derive(Clone, Copy, Debug)]
pub struct GmsRule {
    /// The share of the premium kept.
    pub retain: Decimal,
    /// Raise practices below their target up to it.
    pub level_up: bool,
    /// The floor's core for this practice, `round(F * list)`.
    pub floor: Option<Money>,
}

/// SPEC §8.1: the re-based core of one year against that year's GMS
/// equivalent `g`, from `c` (the corrected core plus the year's uplift).
#[must_use]
pub fn rebase_to_gms(c: Money, g: Money, rule: GmsRule, price: &GmsComparison) -> GmsYear {
    let premium = (c - g).value().max(Decimal::ZERO);
    // Rounding point: a per-practice money figure (SPEC §1 point 2).
    let kept = round_penny(premium * rule.retain);
    let target = g + kept;
    let capped = if rule.level_up || target < c {
        target
    } else {
        c
    };
    let rebased = match rule.floor {
        Some(f) if f > capped => f,
        _ => capped,
    };
    GmsYear {
        global_sum_price: price.global_sum_price,
        ooh_deduction: price.ooh_deduction,
        gms_equivalent: g,
        corrected: c,
        kept,
        target,
        floor: rule.floor,
        rebased,
    }
}

/// The MPIG equivalent promised on a return to GMS, as it stands in the
/// last taper year: with `[years]`, eroded by the 2014-2020 phase-out,
/// `round(mpig_equivalent * 7m(last) / 7m(data))` (SPEC §8.2).
#[must_use]
pub fn mpig_equivalent_left(mpig_equivalent: Decimal, years: Option<&Years>, n: usize) -> Money {
    let Some(years) = years else {
        return round_penny(mpig_equivalent);
    };
    let data = years.data.mpig_sevenths();
    if data == 0 {
        return Money::ZERO;
    }
    let last = years.year_of(n).mpig_sevenths();
    // Money figures are taken as rounded (SPEC §8); rounding point: a
    // per-practice money figure; multiply first, divide last.
    let promised = round_penny(mpig_equivalent).value();
    round_penny(promised * Decimal::from(last) / Decimal::from(data))
}

/// `round(weighted_list * global_sum_price * (1 - ooh_deduction))`.
#[must_use]
pub fn gms_equivalent(weighted_list: Decimal, gms: &GmsComparison) -> Money {
    // Rounding point: a per-practice money figure (SPEC §1 point 2).
    round_penny(weighted_list * gms.global_sum_price.value() * (Decimal::ONE - gms.ooh_deduction))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::price;
    use rust_decimal_macros::dec;

    #[test]
    fn rebases_to_the_gms_equivalent_keeping_a_share() {
        let gms = GmsComparison {
            global_sum_price: price(dec!(76.51)),
            ooh_deduction: dec!(0.0539),
            year: Some("2015/16".into()),
        };
        let rule = GmsRule {
            retain: dec!(0.25),
            level_up: false,
            floor: None,
        };
        // premium 1,000,000 - 800,000 = 200,000; a quarter kept = 50,000.
        let y = rebase_to_gms(price(dec!(1000000)), price(dec!(800000)), rule, &gms);
        assert_eq!(
            (y.kept, y.target, y.rebased),
            (price(dec!(50000)), price(dec!(850000)), price(dec!(850000)))
        );
        // Below its GMS equivalent it keeps its own core, unless levelled up.
        let below = rebase_to_gms(price(dec!(700000)), price(dec!(800000)), rule, &gms);
        assert_eq!(
            (below.kept, below.rebased),
            (Money::ZERO, price(dec!(700000)))
        );
        let up = GmsRule {
            level_up: true,
            ..rule
        };
        assert_eq!(
            rebase_to_gms(price(dec!(700000)), price(dec!(800000)), up, &gms).rebased,
            price(dec!(800000))
        );
        let floored = GmsRule {
            floor: Some(price(dec!(900000))),
            ..rule
        };
        assert_eq!(
            rebase_to_gms(price(dec!(1000000)), price(dec!(800000)), floored, &gms).rebased,
            price(dec!(900000))
        );
    }

    #[test]
    fn mpig_is_phased_out_by_sevenths() {
        use crate::scenario::FinancialYear;
        let years = |data: i32, first: i32| Years {
            data: FinancialYear(data),
            first: FinancialYear(first),
            uplift: Vec::new(),
        };
        // Data 2013/14 (7/7 left), last year 2016/17 (4/7 left): 7000 * 4 / 7.
        assert_eq!(
            mpig_equivalent_left(dec!(7000), Some(&years(2013, 2014)), 3),
            price(dec!(4000))
        );
        // Data 2015/16 (5/7), last 2018/19 (2/7): 1000 * 2 / 5 = 400.
        assert_eq!(
            mpig_equivalent_left(dec!(1000), Some(&years(2015, 2016)), 3),
            price(dec!(400))
        );
        // Nothing is left from 2020/21, nor anything to erode after it.
        assert_eq!(
            mpig_equivalent_left(dec!(1000), Some(&years(2018, 2019)), 2),
            Money::ZERO
        );
        assert_eq!(
            mpig_equivalent_left(dec!(1000), Some(&years(2020, 2021)), 1),
            Money::ZERO
        );
        assert_eq!(
            mpig_equivalent_left(dec!(1000.005), None, 1),
            price(dec!(1000.01))
        );
    }

    #[test]
    fn gms_equivalent_2018_19() {
        let gms = GmsComparison {
            global_sum_price: price(dec!(88.96)),
            ooh_deduction: dec!(0.0487),
            year: None,
        };
        // 4728.6 * 88.96 * 0.9513 = 400170.2963328 (A81001's weighted list, 2018/19)
        assert_eq!(gms_equivalent(dec!(4728.6), &gms).to_string(), "400170.30");
    }
}
