//! SPEC §9.2: outliers. A practice whose price now is below a quarter, or
//! above four times, the median price now of the practices of its contract
//! type in its scope is flagged `outlier`; with `[price] outliers =
//! "exclude"` it is left out of the target statistics.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::model::ContractType;

/// One practice as the outlier test sees it.
#[derive(Clone, Copy, Debug)]
pub struct PriceNow<'a> {
    /// Its scope (`None` for everyone).
    pub scope: Option<&'a str>,
    /// Its contract type.
    pub contract: ContractType,
    /// Core now (as rounded) over the list prices are per, unrounded;
    /// `None` when the practice is not in the population (excluded by
    /// SPEC §7's rules or §8.4).
    pub price: Option<Decimal>,
}

/// Whether each practice is an outlier, in the order given.
#[must_use]
pub fn outliers(practices: &[PriceNow<'_>]) -> Vec<bool> {
    // Each practice's peer set found once, then its prices. Without groups
    // the set is its contract type's, found without hashing.
    let mut sets: HashMap<(&str, ContractType), usize> = HashMap::new();
    let mut unscoped: [Option<usize>; 3] = [None; 3];
    let mut prices: Vec<Vec<Decimal>> = Vec::new();
    let mut new_set = || {
        prices.push(Vec::new());
        prices.len() - 1
    };
    let slots: Vec<Option<usize>> = practices
        .iter()
        .map(|p| {
            p.price?;
            Some(match p.scope {
                None => *unscoped
                    .get_mut(p.contract as usize)?
                    .get_or_insert_with(&mut new_set),
                Some(scope) => *sets.entry((scope, p.contract)).or_insert_with(&mut new_set),
            })
        })
        .collect();
    for (p, slot) in practices.iter().zip(&slots) {
        if let (Some(price), Some(list)) = (p.price, slot.and_then(|i| prices.get_mut(i))) {
            list.push(price);
        }
    }
    // Each set's median and four times it, worked out once per set.
    let bounds: Vec<Option<(Decimal, Decimal)>> = prices
        .iter_mut()
        .map(|list| median_value(list).map(|m| (m, m * four())))
        .collect();
    practices
        .iter()
        .zip(slots)
        .map(|(p, slot)| {
            let (Some(price), Some(Some((m, m4)))) = (p.price, slot.and_then(|i| bounds.get(i)))
            else {
                return false;
            };
            is_outlier(price, *m, *m4)
        })
        .collect()
}

fn four() -> Decimal {
    Decimal::from(4)
}

/// The median's value, as [`crate::calc::target::median`] finds it, by
/// selection rather than a whole sort: the middle element (and for an even
/// count the largest below it) is the same value whichever order ties are
/// left in, and the outlier test only compares against it.
fn median_value(prices: &mut [Decimal]) -> Option<Decimal> {
    let n = prices.len();
    if n == 0 {
        return None;
    }
    let (below, middle, _) = prices.select_nth_unstable(n / 2);
    let b = *middle;
    if n % 2 == 1 {
        return Some(b);
    }
    let a = below.iter().max()?;
    Some((a + b) / Decimal::TWO)
}

/// Below a quarter of the median, or above four times it (multiplying
/// rather than dividing, so the test is exact).
fn is_outlier(price: Decimal, median: Decimal, four_medians: Decimal) -> bool {
    price * four() < median || price > four_medians
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn at(price: Decimal) -> PriceNow<'static> {
        PriceNow {
            scope: None,
            contract: ContractType::Gms,
            price: Some(price),
        }
    }

    #[test]
    fn flags_a_part_year_practice_and_not_the_boundary() {
        // Median of 9.68, 79.00, 80.00, 81.00, 320.00 is 80.00: a quarter
        // is 20.00, four times 320.00 (exactly: not an outlier).
        let flags = outliers(&[
            at(dec!(9.68)),
            at(dec!(79)),
            at(dec!(80)),
            at(dec!(81)),
            at(dec!(320)),
        ]);
        assert_eq!(flags, [true, false, false, false, false]);
        assert_eq!(
            outliers(&[at(dec!(20)), at(dec!(80)), at(dec!(80))]),
            [false; 3]
        );
        assert!(outliers(&[at(dec!(19.99)), at(dec!(80)), at(dec!(80))])[0]);
    }

    proptest::proptest! {
        #[test]
        fn selection_finds_the_sorted_median(
            raw in proptest::collection::vec((-100_000_i64..100_000, 0_u32..6), 0..40)
        ) {
            let prices: Vec<Decimal> = raw.iter().map(|&(m, s)| Decimal::new(m, s)).collect();
            let mut selected = prices.clone();
            proptest::prop_assert_eq!(
                median_value(&mut selected),
                crate::calc::target::median(prices)
            );
        }
    }

    #[test]
    fn compares_within_contract_type_and_scope() {
        let pms = PriceNow {
            scope: None,
            contract: ContractType::Pms,
            price: Some(dec!(400)),
        };
        let other_group = PriceNow {
            scope: Some("B"),
            contract: ContractType::Gms,
            price: Some(dec!(10)),
        };
        let flags = outliers(&[at(dec!(80)), at(dec!(80)), pms, other_group]);
        assert_eq!(flags, [false; 4]);
    }
}
