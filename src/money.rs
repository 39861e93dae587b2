//! Money, prices and percentages (SPEC §1).
//!
//! The calculation works in [`Decimal`]; a [`Money`] exists only after
//! [`round_penny`], the single place where anything is rounded. Rounding is to
//! the penny, half away from zero (`802.045 -> 802.05`, `-0.125 -> -0.13`), the
//! convention of NHS payment publications and of Excel's `ROUND`.
//! `rust_decimal`'s own `round_dp` is banker's rounding; clippy's
//! `disallowed-methods` keeps it out of the crate.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// An amount of money (or a price per patient), exactly two decimal places.
///
/// Only [`round_penny`] and the arithmetic below create one, so every `Money`
/// is already rounded and sums of `Money` add up exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Rounds to the penny, half away from zero: the one rounding function.
///
/// Worked in whole pennies on the 96-bit mantissa (`i128`), which is exact:
/// the decimal is `mantissa / 10^scale`, so its pennies are `mantissa /
/// 10^(scale - 2)`, the remainder deciding the half. A property test holds
/// it to `rust_decimal`'s own rounding ([`round_penny_decimal`]) on every
/// scale; an amount too large to hold in pennies takes that path.
#[must_use]
pub fn round_penny(value: Decimal) -> Money {
    match pennies(value).and_then(|p| Decimal::try_from_i128_with_scale(p, 2).ok()) {
        Some(rounded) => Money(rounded),
        None => round_penny_decimal(value),
    }
}

/// `value` in whole pennies, half away from zero (`None` if out of reach).
#[inline]
fn pennies(value: Decimal) -> Option<i128> {
    let (mantissa, scale) = (value.mantissa(), value.scale());
    if scale <= 2 {
        return mantissa.checked_mul(10_i128.checked_pow(2 - scale)?);
    }
    let divisor = 10_u128.checked_pow(scale - 2)?;
    let magnitude = mantissa.unsigned_abs();
    // Nearly every amount fits 64 bits, where division is one instruction.
    let whole = match (u64::try_from(magnitude), u64::try_from(divisor)) {
        (Ok(m), Ok(d)) => u128::from(half_away(m, d)),
        _ => half_away(magnitude, divisor),
    };
    let whole = i128::try_from(whole).ok()?;
    Some(if mantissa < 0 { -whole } else { whole })
}

/// `m / d`, rounded half up (`m` is a magnitude, so that is away from zero).
#[inline]
fn half_away<T>(m: T, d: T) -> T
where
    T: Copy + PartialOrd + std::ops::Div<Output = T> + std::ops::Rem<Output = T>,
    T: std::ops::Sub<Output = T> + std::ops::Add<Output = T> + From<u8>,
{
    let (whole, rest) = (m / d, m % d);
    // `rest * 2 >= d`, without the doubling that could overflow.
    if rest >= d - rest {
        whole + T::from(1)
    } else {
        whole
    }
}

/// [`round_penny`] by `rust_decimal`'s rounding: the reference the fast
/// path is held to, and the path for amounts beyond it.
#[must_use]
pub fn round_penny_decimal(value: Decimal) -> Money {
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    // A negative amount that rounds to nothing is nothing, never `-0.00`.
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    Money(rounded)
}

impl Money {
    /// Zero pounds.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// The exact decimal value (two decimal places).
    #[must_use]
    pub fn value(self) -> Decimal {
        self.0
    }

    /// True when strictly below zero.
    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// True when strictly above zero.
    #[must_use]
    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// True when zero.
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The amount, or zero when it is negative.
    #[must_use]
    pub fn max_zero(self) -> Money {
        if self.is_negative() {
            Money::ZERO
        } else {
            self
        }
    }

    /// Checked addition: `None` on decimal overflow.
    #[must_use]
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// Always two decimals, a plain number: `-1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A Money always has scale 2 (round_penny rescales; + and - keep the scale).
        write!(f, "{}", self.0)
    }
}

impl Serialize for Money {
    /// JSON carries money as strings (`"85.53"`) so nothing is lost to floats.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Add for Money {
    type Output = Money;
    #[inline]
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    #[inline]
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    #[inline]
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        // Zero stays `0.00`: a negated zero is not `-0.00`.
        if self.0.is_zero() {
            return self;
        }
        Money(-self.0)
    }
}

/// Zero pounds as every sum starts (`0.00`), so a default is written as
/// a sum of nothing is.
impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// Why a number could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Not a plain decimal number.
    #[error("is not a number (write it like 1234.50, 1,234.50, £1,234.50 or (12.00))")]
    NotANumber,
    /// Too many digits for an exact decimal (or beyond any budget).
    #[error("has too many digits to hold exactly")]
    Overflow,
    /// A bare percentage above 1 is ambiguous.
    #[error("is ambiguous as a percentage (write 2% or 0.02)")]
    AmbiguousPercent,
}

/// Parses a money amount or list count as SPEC §1 allows: `1234.5`,
/// `1,234.50`, `£1,234.50`, ` 12 `, `-12.00`, `(12.00)`.
///
/// A blank value is the caller's business (zero, or "not given"); here it is
/// an error. Scientific notation, `NaN`, `inf` and stray characters are
/// rejected, never guessed at.
pub fn parse_amount(text: &str) -> Result<Decimal, NumberError> {
    let mut s = text.trim();
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return Err(NumberError::NotANumber);
        }
        negative = true;
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix('£') {
        s = rest.trim_start();
    }
    // A minus after the pound sign (`£-12.00`) is accepted too.
    if !negative && let Some(rest) = s.strip_prefix('-') {
        negative = true;
        s = rest;
    }
    let digits = strip_thousands(s)?;
    let value = Decimal::from_str_exact(&digits).map_err(|_| NumberError::Overflow)?;
    Ok(if negative { -value } else { value })
}

/// Longest text [`parse_plain`] reads: nineteen digits fit a `u64`.
const PLAIN_LEN: usize = 19;

/// The common plain form of a number (the fast path of every reader), `-?digits(.digits)?` of at most
/// nineteen characters after the sign, read in one pass without allocating.
/// It gives the very decimal (mantissa, scale and sign, `-0` included) that
/// [`parse_amount`] gives for the same text; anything else (`1,234.50`,
/// `£5`, `(12.00)`, spaces, `.5`, `5.`) is `None`, and `parse_amount`
/// reads it.
#[must_use]
#[allow(clippy::cast_possible_truncation)] // the split of a u64 into its two 32-bit halves
pub fn parse_plain(raw: &str) -> Option<Decimal> {
    let bytes = raw.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > PLAIN_LEN {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point: Option<usize> = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() && i > 0 => point = Some(i),
            _ => return None,
        }
    }
    let scale = match point {
        Some(p) if p + 1 == digits.len() => return None, // `5.`
        Some(p) => (digits.len() - p - 1) as u32,
        None => 0,
    };
    // The low and middle 32 bits of the 96-bit mantissa.
    let value = Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, false, scale);
    // As parse_amount does: negate the value read, so `-0` stays `-0`.
    Some(if negative { -value } else { value })
}

/// Checks the shape `ddd,ddd.dd` and returns the digits without separators.
fn strip_thousands(s: &str) -> Result<String, NumberError> {
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return Err(NumberError::NotANumber);
    }
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if let Some(frac) = frac_part
        && (!all_digits(frac) || (frac.is_empty() && int_part.is_empty()))
    {
        return Err(NumberError::NotANumber);
    }
    let mut out = String::with_capacity(s.len());
    if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || !all_digits(first) {
            return Err(NumberError::NotANumber);
        }
        out.push_str(first);
        for group in groups {
            if group.len() != 3 || !all_digits(group) {
                return Err(NumberError::NotANumber);
            }
            out.push_str(group);
        }
    } else {
        if !all_digits(int_part) {
            return Err(NumberError::NotANumber);
        }
        out.push_str(if int_part.is_empty() { "0" } else { int_part });
    }
    if let Some(frac) = frac_part
        && !frac.is_empty()
    {
        out.push('.');
        out.push_str(frac);
    }
    Ok(out)
}

/// Parses a percentage: `2%` is 0.02; a bare number up to 1 is a fraction
/// (`0.02`); a bare number above 1 is rejected as ambiguous (SPEC §7).
pub fn parse_percent(text: &str) -> Result<Decimal, NumberError> {
    let s = text.trim();
    if let Some(number) = s.strip_suffix('%') {
        let value = parse_amount(number)?;
        return value
            .checked_div(Decimal::ONE_HUNDRED)
            .ok_or(NumberError::Overflow);
    }
    let value = parse_amount(s)?;
    if value.abs() > Decimal::ONE {
        return Err(NumberError::AmbiguousPercent);
    }
    Ok(value)
}

/// A count rounded to a whole number, half away from zero, for display
/// only (a table shows 41,093,834 patients; CSV keeps the exact list).
#[must_use]
pub fn round_whole(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats a fraction as a percentage for people: `0.0487` -> `4.87%`.
#[must_use]
pub fn format_percent(fraction: Decimal) -> String {
    format!("{}%", (fraction * Decimal::ONE_HUNDRED).normalize())
}

/// The largest amount `Money::from_str` accepts (£10^15): far beyond any
/// budget, and small enough that two decimals always fit a decimal's 28
/// significant digits.
const MAX_MONEY: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

impl FromStr for Money {
    type Err = NumberError;
    /// Parses an amount and rounds it to the penny (used for prices and
    /// savings typed by people, SPEC §7); beyond £10^15 it is refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = parse_amount(s)?;
        if value.abs() > MAX_MONEY {
            return Err(NumberError::Overflow);
        }
        Ok(round_penny(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn never_writes_minus_zero() {
        assert_eq!(round_penny(dec!(-0.001)).to_string(), "0.00");
        assert_eq!(round_penny(dec!(-0.0049999)).to_string(), "0.00");
        assert_eq!((-Money::ZERO).to_string(), "0.00");
        assert_eq!((-round_penny(dec!(-0.001))).to_string(), "0.00");
        let a = round_penny(dec!(-5.10));
        assert_eq!((a - a).to_string(), "0.00");
        assert_eq!((a + (-a)).to_string(), "0.00");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_penny(dec!(802.045)).to_string(), "802.05");
        assert_eq!(round_penny(dec!(-0.125)).to_string(), "-0.13");
        assert_eq!(round_penny(dec!(802.025)).to_string(), "802.03");
        assert_eq!(round_penny(dec!(0.005)).to_string(), "0.01");
        assert_eq!(round_penny(dec!(802)).to_string(), "802.00");
        assert_eq!(round_penny(dec!(-0.001)).to_string(), "0.00");
        assert_eq!(round_penny(dec!(1.2349999)).to_string(), "1.23");
    }

    #[test]
    fn parses_every_form_of_spec_1() {
        let cases = [
            ("1234.5", dec!(1234.5)),
            ("1,234.50", dec!(1234.50)),
            ("£1,234.50", dec!(1234.50)),
            (" 12 ", dec!(12)),
            ("-12.00", dec!(-12.00)),
            ("(12.00)", dec!(-12.00)),
            ("(£1,234.50)", dec!(-1234.50)),
            ("-£5", dec!(-5)),
            ("£-5", dec!(-5)),
            (".5", dec!(0.5)),
            ("5.", dec!(5)),
            ("1,234,567", dec!(1234567)),
            ("4095.25", dec!(4095.25)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_amount(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_plain_number() {
        for text in [
            "", " ", "1.2.3", "1e5", "NaN", "inf", "-inf", "(12.00", "12)", "1,23", "12,34.5",
            ",123", "abc", "--5", "(-5)", "£", "1 000", "0x10", ".", "-",
        ] {
            assert_eq!(parse_amount(text), Err(NumberError::NotANumber), "{text:?}");
        }
        assert_eq!(
            parse_amount("99999999999999999999999999999999"),
            Err(NumberError::Overflow)
        );
    }

    #[test]
    fn parses_percentages() {
        assert_eq!(parse_percent("2%"), Ok(dec!(0.02)));
        assert_eq!(parse_percent("4.87%"), Ok(dec!(0.0487)));
        assert_eq!(parse_percent("0.02"), Ok(dec!(0.02)));
        assert_eq!(parse_percent("1"), Ok(dec!(1)));
        assert_eq!(parse_percent("2"), Err(NumberError::AmbiguousPercent));
        assert_eq!(format_percent(dec!(0.0487)), "4.87%");
    }

    #[test]
    fn money_from_text_always_has_two_decimals_or_is_refused() {
        assert_eq!(
            "1000000000000000".parse::<Money>().map(|m| m.to_string()),
            Ok("1000000000000000.00".to_owned())
        );
        assert_eq!(
            "999999999999999999999999999".parse::<Money>(),
            Err(NumberError::Overflow)
        );
        assert_eq!(MAX_MONEY, dec!(1000000000000000));
    }

    #[test]
    fn sums_are_exact() {
        let rows = [round_penny(dec!(0.1)), round_penny(dec!(0.2))];
        assert_eq!(rows.iter().sum::<Money>().to_string(), "0.30");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(
            Money::default().to_string(),
            "0.00",
            "a default is a sum of nothing"
        );
    }
}
