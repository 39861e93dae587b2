//! SPEC §4 step 9: the GMS equivalent and the return-to-GMS comparison.
//! `pms_premium` follows NHS England's 2014 definition: core now less the
//! GMS equivalent, MPIG not counted.

use rust_decimal::Decimal;

use crate::money::{Money, round_penny};
use crate::scenario::GmsComparison;

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
