//! Text shared by reports and writers: money with thousands separators and
//! text neutralised against spreadsheet formulas. Neither `report` nor
//! `output` owns these, so `report` never depends on `output`.

use crate::money::Money;

/// Money as people read it: `£1,234,567.50`, `-£504,195.00` (the minus
/// before the pound sign, as the tables and explain both write it).
#[must_use]
pub fn pounds(m: Money) -> String {
    if m.is_negative() {
        format!("-£{}", thousands(-m))
    } else {
        format!("£{}", thousands(m))
    }
}

/// `1234567.5` -> `1,234,567.50`.
#[must_use]
pub fn thousands(m: Money) -> String {
    let text = m.to_string();
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Neutralises text a spreadsheet could run as a formula (OWASP CSV
/// injection): a cell starting with `=`, `+`, `-`, `@`, tab, CR or LF gets
/// a leading `'`. Numeric columns never come here.
#[must_use]
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n') => format!("'{text}").into(),
        _ => text.into(),
    }
}
