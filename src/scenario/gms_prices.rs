//! Published GMS global sum prices per weighted patient and out-of-hours
//! (OOH) opt-out deductions by financial year, England (DOMAIN.md §1).
//! `[gms] global_sum_price = "2018/19"` resolves here to the year's final
//! price (after any pay review body uplift) and its OOH percentage.

use rust_decimal::Decimal;

/// One financial year's published figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearPrice {
    /// Financial year as written, `2018/19`.
    pub year: &'static str,
    /// £ per weighted patient, in pence.
    pub price_pence: i64,
    /// OOH deduction in hundredths of a percent (4.87% = 487).
    pub ooh_basis_points: i64,
}

impl YearPrice {
    /// The price in pounds.
    #[must_use]
    pub fn price(self) -> Decimal {
        Decimal::new(self.price_pence, 2)
    }

    /// The OOH deduction as a fraction (0.0487).
    #[must_use]
    pub fn ooh(self) -> Decimal {
        Decimal::new(self.ooh_basis_points, 4)
    }
}

const fn year(year: &'static str, price_pence: i64, ooh_basis_points: i64) -> YearPrice {
    YearPrice {
        year,
        price_pence,
        ooh_basis_points,
    }
}

/// The table. 2013/14 is left out: no OOH percentage was found for it.
pub const YEARS: [YearPrice; 12] = [
    // £73.56, OOH 5.46% (£4.0163): BMA "GP contract 2015/16 England, payments"; Forshaws "PMS premiums" (2015).
    year("2014/15", 7356, 546),
    // £75.77, then £76.51 from October 2015 (the final price is used), OOH 5.39%: MedEconomics 1390778.
    year("2015/16", 7651, 539),
    // £80.59, OOH 5.15%: MedEconomics 1390778.
    year("2016/17", 8059, 515),
    // £85.35, OOH 4.92% (£4.19922): Forshaws "2018/19 contractual changes update".
    year("2017/18", 8535, 492),
    // £87.92, then £88.96 after the DDRB award (final), OOH 4.87% (£4.2817): Forshaws 2018; BMA GP contract FAQs.
    year("2018/19", 8896, 487),
    // £89.88, OOH 4.82%: RBP "The five-year deal".
    year("2019/20", 8988, 482),
    // £93.46, OOH £4.45 (about 4.76%): YorLMC "GP contract 2019/20".
    year("2020/21", 9346, 476),
    // £96.78, OOH £4.59 (4.75%): Larking Gowen "Changes to the 2021/22 GMS contract".
    year("2021/22", 9678, 475),
    // £99.70, OOH 4.75% (£4.73): Lloyds Bank "GP practice finances 22/23".
    year("2022/23", 9970, 475),
    // £102.28, then £104.73 after the DDRB award (final), OOH 4.75% (£4.86): NHS England 2023/24 PMS/APMS changes; Pulse.
    year("2023/24", 10473, 475),
    // £107.57, then £112.50 after the DDRB award (final), OOH 4.75%: Somerset LMC; Pulse "global sum will rise by 7.4%".
    year("2024/25", 11250, 475),
    // £121.79, OOH 4.75%: BMA "GP contract changes England 2025/26"; SSLMCs.
    year("2025/26", 12179, 475),
];

/// Looks a financial year up: `2018/19`, `2018-19` and `2018/2019` all work.
#[must_use]
pub fn lookup(text: &str) -> Option<YearPrice> {
    let t = text.trim();
    let (first, second) = t.split_once(['/', '-'])?;
    if first.len() != 4 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let second = match second.len() {
        2 => second,
        4 => second.get(2..)?,
        _ => return None,
    };
    let key = format!("{first}/{second}");
    YEARS.iter().copied().find(|y| y.year == key)
}

/// The years known, for messages: `2014/15 to 2025/26`.
#[must_use]
pub fn known_range() -> String {
    let first = YEARS.first().map_or("", |y| y.year);
    let last = YEARS.last().map_or("", |y| y.year);
    format!("{first} to {last}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn resolves_years() {
        let y = lookup("2018/19").unwrap();
        assert_eq!((y.price(), y.ooh()), (dec!(88.96), dec!(0.0487)));
        assert_eq!(lookup("2017-18").unwrap().price(), dec!(85.35));
        assert_eq!(lookup("2014/2015").unwrap().ooh(), dec!(0.0546));
        assert!(lookup("2013/14").is_none());
        assert!(lookup("88.96").is_none());
    }
}
